import BizingAPI
import BizingStore
import BizingWire
import Catalog
import Foundation
import GRDB

/// The SQL of the Scheduling context's tables (0005_scheduling.sql), run
/// inside a transaction its caller opened. Instants are microseconds in the
/// tables and whole seconds in the domain: starts round down, ends up, so a
/// span never shrinks on the way in.
enum SchedulingTables {
    // MARK: settings and overrides

    static func settings(_ db: Database, calendarID: String) throws -> SchedulingV1.Calendar? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT spec FROM calendar_settings WHERE calendar_id = ?"), arguments: [calendarID])
            .map { try ProtobufDecoder().decode(SchedulingV1.Calendar.self, from: $0) }
    }

    /// The settings of several calendars, by calendar id (absent: defaults).
    static func settings(_ db: Database, calendarIDs: [String]) throws -> [String: SchedulingV1.Calendar] {
        guard !calendarIDs.isEmpty else { return [:] }
        var found: [String: SchedulingV1.Calendar] = [:]
        let sql = "SELECT calendar_id, spec FROM calendar_settings WHERE calendar_id IN (\(placeholders(calendarIDs.count)))"
        for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(calendarIDs)) {
            found[row["calendar_id"]] = try ProtobufDecoder().decode(SchedulingV1.Calendar.self, from: row["spec"] as Data)
        }
        return found
    }

    static func saveSettings(_ db: Database, calendarID: String, organizationID: String, _ settings: SchedulingV1.Calendar, now: Date) throws {
        try db.cachedStatement(sql: """
            INSERT INTO calendar_settings (calendar_id, organization_id, spec, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (calendar_id) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at
            """).execute(arguments: [calendarID, organizationID, try encoded(settings), now.unixMicroseconds])
    }

    /// Overrides of calendars from `from` through `through` (dates "YYYY-MM-DD"), by calendar id, in date order.
    static func overrides(_ db: Database, calendarIDs: [String], from: String, through: String) throws -> [String: [SchedulingV1.DateOverride]] {
        guard !calendarIDs.isEmpty else { return [:] }
        var found: [String: [SchedulingV1.DateOverride]] = [:]
        let sql = """
            SELECT calendar_id, spec FROM calendar_overrides
            WHERE calendar_id IN (\(placeholders(calendarIDs.count))) AND date >= ? AND date <= ? ORDER BY calendar_id, date
            """
        for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(calendarIDs + [from, through])) {
            found[row["calendar_id"], default: []].append(try ProtobufDecoder().decode(SchedulingV1.DateOverride.self, from: row["spec"] as Data))
        }
        return found
    }

    static func setOverride(_ db: Database, calendarID: String, organizationID: String, _ override: SchedulingV1.DateOverride, now: Date) throws {
        try db.cachedStatement(sql: """
            INSERT INTO calendar_overrides (calendar_id, date, organization_id, spec, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (calendar_id, date) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at
            """).execute(arguments: [calendarID, override.date, organizationID, try encoded(override), now.unixMicroseconds])
    }

    /// Whether there was one to remove.
    static func removeOverride(_ db: Database, calendarID: String, date: String) throws -> Bool {
        try db.cachedStatement(sql: "DELETE FROM calendar_overrides WHERE calendar_id = ? AND date = ?").execute(arguments: [calendarID, date])
        return db.changesCount > 0
    }

    // MARK: blocked time

    static func insertBlocked(_ db: Database, _ blocked: SchedulingV1.BlockedTime) throws {
        try db.cachedStatement(sql: """
            INSERT INTO blocked_times (id, organization_id, bookable_id, starts_at, ends_at, type, reason, allow_override, created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                blocked.id, blocked.organizationId, blocked.bookableId, blocked.startTime?.unixMicroseconds, blocked.endTime?.unixMicroseconds,
                blocked.type.columnValue, blocked.reason, blocked.allowOverride, blocked.createdBy.isEmpty ? nil : blocked.createdBy,
                blocked.createdAt?.unixMicroseconds,
            ])
    }

    static func blocked(_ db: Database, organizationID: String, id: String) throws -> SchedulingV1.BlockedTime? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM blocked_times WHERE id = ? AND organization_id = ?"),
                         arguments: [id, organizationID]).map(blockedTime)
    }

    static func deleteBlocked(_ db: Database, id: String) throws {
        try db.cachedStatement(sql: "DELETE FROM blocked_times WHERE id = ?").execute(arguments: [id])
    }

    /// A bookable's blocked times overlapping [from, to) (microseconds; nil: unbounded), in (start, id) order, after a cursor.
    static func blockedTimes(
        _ db: Database, bookableID: String, from: Int64, to: Int64?, after: (startsAt: Int64, id: String)?, limit: Int
    ) throws -> [SchedulingV1.BlockedTime] {
        var sql = "SELECT * FROM blocked_times WHERE bookable_id = ? AND ends_at > ?"
        var arguments: StatementArguments = [bookableID, from]
        if let to {
            sql += " AND starts_at < ?"
            arguments += [to]
        }
        if let after {
            sql += " AND (starts_at > ? OR (starts_at = ? AND id > ?))"
            arguments += [after.startsAt, after.startsAt, after.id]
        }
        sql += " ORDER BY starts_at, id LIMIT ?"
        arguments += [limit]
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map(blockedTime)
    }

    /// The blocked spans of several bookables overlapping [from, to) (seconds), by bookable id.
    static func blockedSpans(_ db: Database, bookableIDs: [String], from: Int64, to: Int64) throws -> [String: [BlockedSpan]] {
        guard !bookableIDs.isEmpty else { return [:] }
        let sql = """
            SELECT id, bookable_id, starts_at, ends_at, allow_override, type, reason FROM blocked_times
            WHERE bookable_id IN (\(placeholders(bookableIDs.count))) AND ends_at > ? AND starts_at < ?
            """
        var found: [String: [BlockedSpan]] = [:]
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(bookableIDs + [from * 1_000_000, to * 1_000_000]))
        while let row = try rows.next() {
            guard let interval = interval(row[2], row[3]) else { continue }
            let type = (row[5] as String).replacingOccurrences(of: "_", with: " ")
            let reason: String = row[6]
            found[row[1], default: []].append(BlockedSpan(id: row[0], interval: interval, overridable: row[4],
                                                          label: reason.isEmpty ? "blocked: \(type)" : "blocked: \(type) (\(reason))"))
        }
        return found
    }

    // MARK: reserved time

    /// The reserved times of several bookables whose busy span overlaps [from, to) (seconds), by bookable id.
    /// The hot read of every search: columns by position, rows through a cursor.
    static func reserved(_ db: Database, bookableIDs: [String], from: Int64, to: Int64) throws -> [String: [ReservedTime]] {
        guard !bookableIDs.isEmpty else { return [:] }
        let sql = """
            SELECT bookable_id, kind, reference_id, service_template_id, starts_at, ends_at, busy_from, busy_until, participants, expires_at
            FROM reserved_times WHERE bookable_id IN (\(placeholders(bookableIDs.count))) AND busy_until > ? AND busy_from < ?
            """
        var found: [String: [ReservedTime]] = [:]
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(bookableIDs + [from * 1_000_000, to * 1_000_000]))
        while let row = try rows.next() {
            guard let service = interval(row[4], row[5]), let busy = interval(row[6], row[7]) else { continue }
            let expiresAt: Int64? = row[9]
            let kind: ReservedTime.Kind = expiresAt.map { .hold(expiresAt: $0 / 1_000_000) } ?? .booking
            let bookableID: String = row[0]
            found[bookableID, default: []].append(ReservedTime(
                bookableID: bookableID, kind: kind, referenceID: row[2], templateID: row[3], service: service, busy: busy, participants: row[8]))
        }
        return found
    }

    /// How many times each bookable's reservations have changed (migration
    /// 0008's triggers count them); absent bookables: 0.
    static func reservationVersions(_ db: Database, bookableIDs: [String]) throws -> [String: Int64] {
        var versions: [String: Int64] = [:]
        let statement = try db.cachedStatement(sql: "SELECT version FROM reservation_versions WHERE bookable_id = ?")
        for id in bookableIDs {
            versions[id] = try Int64.fetchOne(statement, arguments: [id]) ?? 0
        }
        return versions
    }

    static func insertReserved(_ db: Database, id: String, organizationID: String, _ reserved: ReservedTime, now: Date) throws {
        let expiresAt: Int64? = if case .hold(let expiresAt) = reserved.kind { expiresAt * 1_000_000 } else { nil }
        try db.cachedStatement(sql: """
            INSERT INTO reserved_times (id, organization_id, bookable_id, kind, reference_id, service_template_id, starts_at, ends_at,
                                        busy_from, busy_until, participants, expires_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                id, organizationID, reserved.bookableID, expiresAt == nil ? "booking" : "hold", reserved.referenceID, reserved.templateID,
                reserved.service.start * 1_000_000, reserved.service.end * 1_000_000, reserved.busy.start * 1_000_000,
                reserved.busy.end * 1_000_000, reserved.participants, expiresAt, now.unixMicroseconds,
            ])
    }

    /// Removes what a booking or hold reserved; how many rows.
    static func deleteReserved(_ db: Database, organizationID: String, referenceID: String) throws -> Int {
        try db.cachedStatement(sql: "DELETE FROM reserved_times WHERE organization_id = ? AND reference_id = ?")
            .execute(arguments: [organizationID, referenceID])
        return db.changesCount
    }

    /// Removes holds that expired before `now` (seconds); how many rows.
    static func deleteExpiredHolds(_ db: Database, now: Int64) throws -> Int {
        try db.cachedStatement(sql: "DELETE FROM reserved_times WHERE kind = 'hold' AND expires_at <= ?").execute(arguments: [now * 1_000_000])
        return db.changesCount
    }

    // MARK: helpers

    /// Microseconds to whole seconds: the start rounded down, the end up.
    static func interval(_ startMicros: Int64, _ endMicros: Int64) -> Interval? {
        Interval(floorDiv(startMicros, 1_000_000), -floorDiv(-endMicros, 1_000_000))
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }

    private static func blockedTime(_ row: Row) -> SchedulingV1.BlockedTime {
        SchedulingV1.BlockedTime(
            id: row["id"], organizationId: row["organization_id"], bookableId: row["bookable_id"],
            startTime: Date(unixMicroseconds: row["starts_at"]), endTime: Date(unixMicroseconds: row["ends_at"]),
            type: blockedType(row["type"]), reason: row["reason"], allowOverride: row["allow_override"],
            createdBy: row["created_by"] ?? "", createdAt: Date(unixMicroseconds: row["created_at"]))
    }

    private static func blockedType(_ column: String) -> SchedulingV1.BlockedTimeType {
        switch column {
        case "time_off": .timeOff
        case "maintenance": .maintenance
        default: .unavailable
        }
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    private static func encoded<M: Encodable>(_ message: M) throws -> Data {
        Data(try ProtobufEncoder().encode(message))
    }
}
