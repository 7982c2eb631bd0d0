import BizingAPI
import BizingStore
import Catalog
import ContextKit
import Foundation
import GRDB
import Identity

/// A bookable's calendar as one call finds it: who is asking, the
/// bookable, its calendar's id and zone.
struct CalendarAccess {
    let access: OrganizationAccess
    let bookable: CatalogV1.Bookable
    let calendarID: String
    let timeZone: String

    var organizationID: String { access.organization.id.lowercasedString }

    /// NOT_FOUND unless the caller belongs to the organization and the
    /// bookable is one of its live bookables.
    static func resolve(_ db: Database, _ caller: Principal, organizationID: UUID, bookableID: UUID) throws -> CalendarAccess {
        let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
        guard let bookable = try CatalogDirectory.bookable(db, organizationID: organizationID, id: bookableID),
              let calendar = try CatalogDirectory.calendar(db, bookableID: bookableID)
        else { throw ContextStatus.notFound("bookable", bookableID.lowercasedString) }
        return CalendarAccess(access: access, bookable: bookable, calendarID: calendar.id.lowercasedString, timeZone: calendar.timeZone)
    }

    /// Whether the caller manages this calendar beyond its provider's own
    /// availability: owners and admins, a manager at its location.
    var managesFully: Bool {
        CatalogAuthority.mayManage(access.membership, atLocation: UUID(uuidString: bookable.locationId))
    }

    /// PERMISSION_DENIED for a provider on their own calendar asking for
    /// what is not their availability: prices (special pricing, premium
    /// slots through cascading) or blocked time someone else added.
    func requireBeyondOwnAvailability(_ what: String) throws {
        guard managesFully else {
            throw ContextStatus.permissionDenied(
                "a provider may change their own availability, not \(what) (owners, admins and a manager at its location may)")
        }
    }

    /// PERMISSION_DENIED unless the caller may change this calendar: owners
    /// and admins any; a manager those of bookables at locations they
    /// manage; a provider (availability:manage_own) their own.
    func requireManage(_ action: String) throws {
        let membership = access.membership
        let location = UUID(uuidString: bookable.locationId)
        if CatalogAuthority.mayManage(membership, atLocation: location) { return }
        // Compared as UUIDs: the catalog keeps a provider's user_id as it was sent, in either case.
        if let userID = access.principal.userID, let provider = bookable.provider, UUID(uuidString: provider.userId) == userID,
           membership.allows(.manageOwnAvailability, atLocation: location) {
            return
        }
        throw ContextStatus.permissionDenied(
            "\(membership.role.withArticle) in this organization may not \(action) this calendar "
                + "(owners and admins may, a manager at its location, and the provider it belongs to)")
    }
}
