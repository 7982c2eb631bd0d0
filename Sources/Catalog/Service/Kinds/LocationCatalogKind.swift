import BizingAPI
import BizingStore
import ContextKit
import Foundation
import GRDB
import Identity

enum LocationCatalogKind: CatalogKind {
    typealias Resource = CatalogV1.Location

    static func normalize(_ location: inout Resource, context: RuleContext, ids: IDGenerator) {
        if location.type == .unspecified { location.type = .physical }
        if location.status == .unspecified { location.status = .active }
    }

    static func authorityLocation(_ location: Resource) -> UUID? { UUID(uuidString: location.id) }
    static func pricingLocation(_ location: Resource) -> UUID? { nil }

    static func violations(_ location: Resource, context: RuleContext) -> [InvalidField] {
        LocationRules.violations(location)
    }

    static func apply(_ path: String, from patch: Resource, to location: inout Resource) -> Bool {
        switch path {
        case "slug": location.slug = patch.slug
        case "name": location.name = patch.name
        case "type": location.type = patch.type
        case "address": location.address = patch.address
        case "time_zone": location.timeZone = patch.timeZone
        case "operating_hours": location.operatingHours = patch.operatingHours
        case "config_override": location.configOverride = patch.configOverride
        case "service_area": location.serviceArea = patch.serviceArea
        case "status": location.status = patch.status
        default: return false
        }
        return true
    }

    /// The calendars of the location's bookables follow its zone. Its
    /// currency cannot change under prices set in the old one.
    static func saved(_ db: Database, _ location: Resource, previous: Resource?, now: Date, ids: IDGenerator) throws {
        guard let previous, let id = UUID(uuidString: location.id), let organizationID = UUID(uuidString: location.organizationId) else { return }
        if previous.timeZone != location.timeZone {
            for bookable in try CatalogTables.bookableIDs(db, locationID: id) {
                try CatalogTables.updateCalendarZone(db, bookableID: bookable, timeZone: location.timeZone, now: now)
            }
        }
        let defaultCurrency = try IdentityDirectory.organization(db, id: organizationID)?.currency
        let (before, after) = (previous.configOverride?.currency ?? defaultCurrency, location.configOverride?.currency ?? defaultCurrency)
        if before != after {
            let priced = try CatalogTables.liveCount(db, table: "service_templates", locationID: id) + CatalogTables.liveCount(db, table: "products", locationID: id)
            if priced > 0 {
                throw ContextStatus.failedPrecondition(
                    "the location has \(priced) templates and products priced in \(before ?? "its currency"): delete them or move them before changing its currency")
            }
        }
    }

    /// A location still holding live objects, worked at by providers based
    /// elsewhere, or named by a package item stays; the refusal names them.
    static func checkDeletable(_ db: Database, _ location: Resource) throws {
        try CatalogUsage.refuse("delete the location", usedBy: CatalogUsage.objects(db, at: location),
                                fix: "delete them or move them to another location first")
        try CatalogUsage.refuse("delete the location", usedBy: CatalogUsage.providers(db, alsoWorkingAt: location).map { CatalogUsage.named("provider", $0.name) },
                                fix: "take it out of their provider.location_ids first")
        try CatalogUsage.refuse("delete the location", usedBy: CatalogUsage.packages(db, allowingAt: location).map { CatalogUsage.named("package", $0.name) },
                                fix: "take it out of their items' allowed_location_ids first")
    }
}
