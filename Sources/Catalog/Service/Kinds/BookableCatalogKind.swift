import BizingAPI
import BizingStore
import ContextKit
import Foundation
import GRDB
import Identity

enum BookableCatalogKind: CatalogKind {
    typealias Resource = CatalogV1.Bookable

    /// The calendar is the server's to make: a calendar id in a request is ignored.
    static func prepareNew(_ bookable: inout Resource) {
        bookable.calendarId = ""
    }

    static func normalize(_ bookable: inout Resource, context: RuleContext, ids: IDGenerator) {
        if bookable.status == .unspecified { bookable.status = .active }
        if bookable.calendarId.isEmpty { bookable.calendarId = ids.next().lowercasedString }
        bookable.locationId = bookable.locationId.lowercased()
        if var provider = bookable.provider {
            provider.locationIds = provider.locationIds.map { $0.lowercased() }
            // Its home location is always one it works at (appended, so the
            // request's indices still name its own entries).
            if !bookable.locationId.isEmpty, !provider.locationIds.contains(bookable.locationId) {
                provider.locationIds.append(bookable.locationId)
            }
            for index in provider.certifications.indices where provider.certifications[index].id.isEmpty {
                provider.certifications[index].id = ids.next().lowercasedString
            }
            if var profile = provider.paymentProfile {
                fillCurrency(&profile.hourlyRate, context.currency)
                provider.paymentProfile = profile
            }
            bookable.provider = provider
        }
        if var company = bookable.companyProvider {
            if company.dispatchMethod == .unspecified { company.dispatchMethod = .manual }
            company.technicianIds = company.technicianIds.map { $0.lowercased() }
            bookable.companyProvider = company
        }
    }

    static func authorityLocation(_ bookable: Resource) -> UUID? { UUID(uuidString: bookable.locationId) }
    static func pricingLocation(_ bookable: Resource) -> UUID? { UUID(uuidString: bookable.locationId) }
    static func reachedLocations(_ bookable: Resource) -> [UUID] {
        (bookable.provider?.locationIds ?? []).compactMap(UUID.init(uuidString:)).filter { $0 != UUID(uuidString: bookable.locationId) }
    }

    static func violations(_ bookable: Resource, context: RuleContext) -> [InvalidField] {
        BookableRules.violations(bookable, context: context)
    }

    /// A provider's locations are the organization's, its user belongs to
    /// it; a company provider's household is a company and its technicians
    /// are members of it.
    static func references(_ db: Database, _ bookable: inout Resource, organization: OrganizationRecord, context: RuleContext) throws -> [InvalidField] {
        var found: [InvalidField] = []
        let organizationID = organization.id
        if let provider = bookable.provider {
            let requested = provider.locationIds.compactMap(UUID.init(uuidString:))
            let live = try CatalogTables.liveIDs(db, CatalogV1.Location.self, organizationID: organizationID, among: requested)
            // Malformed ids are the object's own rules' to report.
            for (index, id) in provider.locationIds.enumerated() where UUID(uuidString: id).map(live.contains) == false {
                found.append(InvalidField(field: "provider.location_ids[\(index)]", rule: .unknown, description: "is not a location of this organization"))
            }
            if let userID = UUID(uuidString: provider.userId),
               try !IdentityDirectory.isMemberOrInvitee(db, organizationID: organizationID, userID: userID) {
                found.append(InvalidField(field: "provider.user_id", rule: .unknown,
                                          description: "is not a member of this organization: invite them first (Memberships/Add)"))
            }
        }
        // Households belong to no organization: a company is named only once
        // its primary contact is a member (or invitee) of this one, so an
        // organization can neither claim nor probe a stranger's company.
        if let company = bookable.companyProvider, let householdID = UUID(uuidString: company.householdId) {
            if let household = try IdentityDirectory.company(db, householdID: householdID),
               try IdentityDirectory.isMemberOrInvitee(db, organizationID: organizationID, userID: household.primaryContactID) {
                for (index, id) in company.technicianIds.enumerated() where UUID(uuidString: id).map(household.members.contains) == false {
                    found.append(InvalidField(field: "company_provider.technician_ids[\(index)]", rule: .unknown,
                                              description: "is not a member of the company household"))
                }
            } else {
                found.append(InvalidField(field: "company_provider.household_id", rule: .unknown,
                                          description: "is not a company household whose primary contact belongs to this organization"))
            }
        }
        return found
    }

    static func apply(_ path: String, from patch: Resource, to bookable: inout Resource) -> Bool {
        switch path {
        case "location_id": bookable.locationId = patch.locationId
        case "name": bookable.name = patch.name
        case "description": bookable.description = patch.description
        case "slug": bookable.slug = patch.slug
        case "category": bookable.category = patch.category
        case "tags": bookable.tags = patch.tags
        case "status": bookable.status = patch.status
        case "provider": bookable.provider = patch.provider
        case "asset": bookable.asset = patch.asset
        case "venue": bookable.venue = patch.venue
        case "company_provider": bookable.companyProvider = patch.companyProvider
        default: return false
        }
        return true
    }

    /// Whether the bookable works at `location` (its home, or one of a provider's).
    static func worksAt(_ bookable: Resource, _ location: String) -> Bool {
        bookable.locationId == location || (bookable.provider?.locationIds.contains(location) ?? false)
    }

    /// A new bookable gets its calendar; a moved one's calendar takes the new
    /// location's zone. It cannot leave a location a template there names it for.
    static func saved(_ db: Database, _ bookable: Resource, previous: Resource?, now: Date, ids: IDGenerator) throws {
        if previous != nil {
            let stranded = try CatalogUsage.templates(db, requiringBookable: bookable)
                .filter { !$0.locationId.isEmpty && !worksAt(bookable, $0.locationId) }
            try CatalogUsage.refuse("move the bookable away", usedBy: stranded.map { CatalogUsage.named("service template", $0.name) },
                                    fix: "those templates are offered where it was; change them first")
        }
        guard previous?.locationId != bookable.locationId,
              let bookableID = UUID(uuidString: bookable.id), let organizationID = UUID(uuidString: bookable.organizationId),
              let locationID = UUID(uuidString: bookable.locationId),
              let location = try CatalogTables.fetch(db, CatalogV1.Location.self, organizationID: organizationID, id: locationID)
        else { return }
        if previous == nil, let calendarID = UUID(uuidString: bookable.calendarId) {
            try CatalogTables.insertCalendar(db, id: calendarID, organizationID: organizationID, bookableID: bookableID, timeZone: location.timeZone, now: now)
        } else {
            try CatalogTables.updateCalendarZone(db, bookableID: bookableID, timeZone: location.timeZone, now: now)
        }
    }

    static func checkDeletable(_ db: Database, _ bookable: Resource) throws {
        try CatalogUsage.refuse("delete the bookable", usedBy: CatalogUsage.templates(db, requiringBookable: bookable).map { CatalogUsage.named("service template", $0.name) })
    }

    static func presented(_ bookable: Resource, now: Date) -> Resource {
        BookableRules.presented(bookable, now: now)
    }
}
