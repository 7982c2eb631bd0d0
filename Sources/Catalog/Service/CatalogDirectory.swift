public import BizingAPI
import BizingStore
import BizingWire
public import Foundation
public import GRDB

/// What other contexts read of the catalog, inside their own transaction:
/// live objects of one organization, as messages. Scheduling asks it for
/// templates, locations, bookables and calendars; nothing here writes.
public enum CatalogDirectory {
    public static func location(_ db: Database, organizationID: UUID, id: UUID) throws -> CatalogV1.Location? {
        try CatalogTables.fetch(db, CatalogV1.Location.self, organizationID: organizationID, id: id)
    }

    public static func template(_ db: Database, organizationID: UUID, id: UUID) throws -> CatalogV1.ServiceTemplate? {
        try CatalogTables.fetch(db, CatalogV1.ServiceTemplate.self, organizationID: organizationID, id: id)
    }

    public static func bookable(_ db: Database, organizationID: UUID, id: UUID) throws -> CatalogV1.Bookable? {
        try CatalogTables.fetch(db, CatalogV1.Bookable.self, organizationID: organizationID, id: id)
    }

    /// The live bookables of `kinds` who work at `locationID`: those based
    /// there, and providers based elsewhere who list it among their locations.
    public static func bookables(
        _ db: Database, organizationID: UUID, workingAt locationID: UUID, kinds: Set<CatalogV1.BookableKind>
    ) throws -> [CatalogV1.Bookable] {
        let location = locationID.lowercasedString
        let sql = """
            SELECT spec FROM bookables WHERE organization_id = ? AND deleted_at IS NULL
            AND (location_id = ? OR kind = 'provider') ORDER BY id
            """
        return try Data.fetchAll(db.cachedStatement(sql: sql), arguments: [organizationID.lowercasedString, location])
            .map { try ProtobufDecoder().decode(CatalogV1.Bookable.self, from: $0) }
            .filter { kinds.contains($0.kind) && ($0.locationId == location || $0.provider?.locationIds.contains(location) == true) }
    }

    /// The ids of the live provider bookables that are `userID` (a member
    /// may be a provider at several locations).
    public static func providerIDs(_ db: Database, organizationID: UUID, userID: UUID) throws -> [String] {
        let sql = "SELECT spec FROM bookables WHERE organization_id = ? AND deleted_at IS NULL AND kind = 'provider' ORDER BY id"
        return try Data.fetchAll(db.cachedStatement(sql: sql), arguments: [organizationID.lowercasedString])
            .map { try ProtobufDecoder().decode(CatalogV1.Bookable.self, from: $0) }
            .filter { UUID(uuidString: $0.provider?.userId ?? "") == userID }
            .map(\.id)
    }

    /// A bookable's calendar: its id and zone.
    public static func calendar(_ db: Database, bookableID: UUID) throws -> (id: UUID, timeZone: String)? {
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, time_zone FROM calendars WHERE bookable_id = ?"),
                                   arguments: [bookableID.lowercasedString])
        guard let row, let id = UUID(uuidString: row["id"]) else { return nil }
        return (id, row["time_zone"])
    }

    /// The calendars of several bookables, by bookable id.
    public static func calendars(_ db: Database, bookableIDs: [String]) throws -> [String: (id: String, timeZone: String)] {
        guard !bookableIDs.isEmpty else { return [:] }
        let sql = "SELECT bookable_id, id, time_zone FROM calendars WHERE bookable_id IN (\(Array(repeating: "?", count: bookableIDs.count).joined(separator: ", ")))"
        var calendars: [String: (id: String, timeZone: String)] = [:]
        for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(bookableIDs)) {
            calendars[row["bookable_id"]] = (row["id"], row["time_zone"])
        }
        return calendars
    }
}
