import BizingAPI
import BizingStore
import BizingWire
import ContextKit
import Foundation
import GRDB

/// One condition of a list query: SQL over the table's columns and its arguments.
struct ListCondition {
    let sql: String
    let arguments: StatementArguments

    init(_ sql: String, _ arguments: StatementArguments = []) {
        self.sql = sql
        self.arguments = arguments
    }

    static func equals(_ column: String, _ value: String) -> ListCondition {
        ListCondition("\(column) = ?", [value])
    }

    /// Every tag present in the `tags` JSON array.
    static func hasTags(_ tags: [String]) -> [ListCondition] {
        tags.map { ListCondition("EXISTS (SELECT 1 FROM json_each(tags) WHERE json_each.value = ?)", [$0]) }
    }
}

/// The SQL of the Catalog context's tables, run inside a transaction its
/// caller opened: the service layer decides what one call covers.
enum CatalogTables {
    /// Raised when a live object of the organization already has the unique field's value.
    struct UniqueValueTaken: Error {
        let field: String
    }

    static func insert<R: CatalogResource>(_ db: Database, _ resource: R) throws {
        let columns = resource.columns
        let names = ["id", "organization_id"] + columns.map(\.name) + ["spec", "created_at", "updated_at"]
        let sql = "INSERT INTO \(R.table) (\(names.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
        var values: [(any DatabaseValueConvertible)?] = [resource.id.lowercased(), resource.organizationId.lowercased()]
        values += columns.map(\.value)
        values += [try spec(resource), resource.createdAt?.unixMicroseconds, resource.updatedAt?.unixMicroseconds]
        try run(db, sql, values, unique: R.uniqueField)
    }

    /// Rewrites a live object's row from the message (deletion included).
    static func update<R: CatalogResource>(_ db: Database, _ resource: R) throws {
        let columns = resource.columns
        let assignments = (columns.map(\.name) + ["spec", "updated_at", "deleted_at", "deletion_reason"]).map { "\($0) = ?" }
        let sql = "UPDATE \(R.table) SET \(assignments.joined(separator: ", ")) WHERE id = ? AND organization_id = ?"
        var values: [(any DatabaseValueConvertible)?] = columns.map(\.value)
        values += [try spec(resource), resource.updatedAt?.unixMicroseconds, resource.deletedAt?.unixMicroseconds,
                   resource.deletedAt == nil ? nil : resource.deletionReason]
        values += [resource.id.lowercased(), resource.organizationId.lowercased()]
        try run(db, sql, values, unique: R.uniqueField)
    }

    /// A live object of the organization.
    static func fetch<R: CatalogResource>(_ db: Database, _ type: R.Type, organizationID: UUID, id: UUID) throws -> R? {
        let sql = "SELECT spec FROM \(R.table) WHERE id = ? AND organization_id = ? AND deleted_at IS NULL"
        guard let spec = try Data.fetchOne(db.cachedStatement(sql: sql), arguments: [id.lowercasedString, organizationID.lowercasedString]) else {
            return nil
        }
        return try decode(R.self, spec)
    }

    /// The unique value (slug, SKU) if another live object of the organization has it.
    static func uniqueValueTaken<R: CatalogResource>(_ db: Database, _ resource: R) throws -> String? {
        guard let value = resource.columns.first(where: { $0.name == "slug" })?.value as? String else { return nil }
        let sql = "SELECT 1 FROM \(R.table) WHERE organization_id = ? AND slug = ? AND id <> ? AND deleted_at IS NULL"
        let taken = try Int.fetchOne(db.cachedStatement(sql: sql), arguments: [resource.organizationId.lowercased(), value, resource.id.lowercased()]) != nil
        return taken ? value : nil
    }

    /// Up to `limit` live objects of the organization after the cursor, in id order.
    static func list<R: CatalogResource>(
        _ db: Database, _ type: R.Type, organizationID: UUID, conditions: [ListCondition], after: UUID?, limit: Int
    ) throws -> [R] {
        var all = [ListCondition("organization_id = ?", [organizationID.lowercasedString]), ListCondition("deleted_at IS NULL")] + conditions
        if let after { all.append(ListCondition("id > ?", [after.lowercasedString])) }
        var arguments = StatementArguments()
        for condition in all { arguments += condition.arguments }
        arguments += [limit]
        let sql = "SELECT spec FROM \(R.table) WHERE \(all.map(\.sql).joined(separator: " AND ")) ORDER BY id LIMIT ?"
        return try Data.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { try decode(R.self, $0) }
    }

    /// Of `ids`, those naming live objects of the organization that meet `condition`.
    static func liveIDs<R: CatalogResource>(_ db: Database, _ type: R.Type, organizationID: UUID, among ids: [UUID], where condition: ListCondition? = nil) throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        var arguments: StatementArguments = [organizationID.lowercasedString]
        for id in ids { arguments += [id.lowercasedString] }
        var sql = "SELECT id FROM \(R.table) WHERE organization_id = ? AND deleted_at IS NULL AND id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))"
        if let condition {
            sql += " AND \(condition.sql)"
            arguments += condition.arguments
        }
        return Set(try String.fetchAll(db, sql: sql, arguments: arguments).compactMap(UUID.init(uuidString:)))
    }

    /// How many live objects of a table are at a location.
    static func liveCount(_ db: Database, table: String, locationID: UUID) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM \(table) WHERE location_id = ? AND deleted_at IS NULL"),
                         arguments: [locationID.lowercasedString]) ?? 0
    }

    static func insertCalendar(_ db: Database, id: UUID, organizationID: UUID, bookableID: UUID, timeZone: String, now: Date) throws {
        try db.cachedStatement(sql: """
            INSERT INTO calendars (id, organization_id, bookable_id, time_zone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id.lowercasedString, organizationID.lowercasedString, bookableID.lowercasedString, timeZone,
                                     now.unixMicroseconds, now.unixMicroseconds])
    }

    /// Keeps a bookable's calendar in its location's zone.
    static func updateCalendarZone(_ db: Database, bookableID: UUID, timeZone: String, now: Date) throws {
        try db.cachedStatement(sql: "UPDATE calendars SET time_zone = ?, updated_at = ? WHERE bookable_id = ? AND time_zone <> ?")
            .execute(arguments: [timeZone, now.unixMicroseconds, bookableID.lowercasedString, timeZone])
    }

    /// Every live bookable at a location whose calendar should follow its zone.
    static func bookableIDs(_ db: Database, locationID: UUID) throws -> [UUID] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM bookables WHERE location_id = ? AND deleted_at IS NULL"),
                            arguments: [locationID.lowercasedString]).compactMap(UUID.init(uuidString:))
    }

    private static func spec<R: CatalogResource>(_ resource: R) throws -> Data {
        Data(try ProtobufEncoder().encode(resource))
    }

    private static func decode<R: CatalogResource>(_ type: R.Type, _ spec: Data) throws -> R {
        try ProtobufDecoder().decode(R.self, from: spec)
    }

    private static func run(_ db: Database, _ sql: String, _ values: [(any DatabaseValueConvertible)?], unique field: String) throws {
        do {
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(values))
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw UniqueValueTaken(field: field)
        }
    }
}
