public import BizingAPI
public import BizingRPC
import BizingStore
import BizingWire
import Catalog
import ContextKit
import Foundation
import GRDB
import Identity

/// `bizing.scheduling.v1.Calendars`. Each call is one transaction: access
/// (NOT_FOUND), then authority (PERMISSION_DENIED), then the input
/// (INVALID_ARGUMENT), then the write.
public struct CalendarsServer: SchedulingV1.CalendarsService {
    let environment: SchedulingEnvironment
    private var store: BizingStore { environment.store }

    public init(_ environment: SchedulingEnvironment) {
        self.environment = environment
    }

    public func get(_ request: SchedulingV1.GetCalendarRequest, context: ServerCallContext) async throws -> SchedulingV1.Calendar {
        try await reading(request.organizationId, request.bookableId, context) { db, calendar, now in
            try Self.presented(db, calendar, now: now)
        }
    }

    public func update(_ request: SchedulingV1.UpdateCalendarRequest, context: ServerCallContext) async throws -> SchedulingV1.Calendar {
        try await managing(request.organizationId, request.bookableId, "change", context) { db, calendar, now in
            let mask = try Self.checkedMask(request.updateMask)
            if mask.contains("cascading") { try calendar.requireBeyondOwnAvailability("cascading and its premium prices") }
            let patch = request.calendar ?? SchedulingV1.Calendar()
            var settings = try SchedulingTables.settings(db, calendarID: calendar.calendarID) ?? SchedulingV1.Calendar()
            for path in mask { Self.apply(path, from: patch, to: &settings) }
            try CalendarRules.violations(of: settings).throwIfAny()
            settings.updatedAt = now
            try SchedulingTables.saveSettings(db, calendarID: calendar.calendarID, organizationID: calendar.organizationID, settings, now: now)
            return try Self.presented(db, calendar, now: now)
        }
    }

    public func addOverride(_ request: SchedulingV1.AddOverrideRequest, context: ServerCallContext) async throws -> SchedulingV1.Calendar {
        try await managing(request.organizationId, request.bookableId, "change", context) { db, calendar, now in
            guard let override = request.dateOverride else {
                throw ValidationFailure([InvalidField(field: "date_override", rule: .required, description: "is required")])
            }
            try CalendarRules.violations(of: override).throwIfAny()
            // Setting special pricing, or replacing a day that has it, is a price change.
            let replaced = try SchedulingTables.overrides(db, calendarIDs: [calendar.calendarID], from: override.date, through: override.date)
            if override.type == .specialPricing || replaced[calendar.calendarID]?.first?.type == .specialPricing {
                try calendar.requireBeyondOwnAvailability("special pricing")
            }
            let today = Self.today(in: calendar, now: now)
            if override.date < today.text {
                throw ValidationFailure([InvalidField(field: "date_override.date", rule: .notAllowed,
                                                      description: "must be today (\(today.text) in \(calendar.timeZone)) or later")])
            }
            try SchedulingTables.setOverride(db, calendarID: calendar.calendarID, organizationID: calendar.organizationID, override, now: now)
            try Self.touch(db, calendar, now: now)
            return try Self.presented(db, calendar, now: now)
        }
    }

    public func removeOverride(_ request: SchedulingV1.RemoveOverrideRequest, context: ServerCallContext) async throws -> SchedulingV1.Calendar {
        try await managing(request.organizationId, request.bookableId, "change", context) { db, calendar, now in
            try CalendarRules.date(request.date, field: "date").throwIfAny()
            let existing = try SchedulingTables.overrides(db, calendarIDs: [calendar.calendarID], from: request.date, through: request.date)
            if existing[calendar.calendarID]?.first?.type == .specialPricing { try calendar.requireBeyondOwnAvailability("special pricing") }
            guard try SchedulingTables.removeOverride(db, calendarID: calendar.calendarID, date: request.date) else {
                throw RPCStatus(.notFound, "the calendar has no override on \(request.date)")
            }
            try Self.touch(db, calendar, now: now)
            return try Self.presented(db, calendar, now: now)
        }
    }

    public func addBlockedTime(_ request: SchedulingV1.AddBlockedTimeRequest, context: ServerCallContext) async throws -> SchedulingV1.BlockedTime {
        let id = store.ids.next()
        let caller = try context.caller
        return try await managing(request.organizationId, request.bookableId, "block time on", context) { db, calendar, now in
            guard var blocked = request.blockedTime else {
                throw ValidationFailure([InvalidField(field: "blocked_time", rule: .required, description: "is required")])
            }
            try CalendarRules.violations(of: blocked).throwIfAny()
            blocked.id = id.lowercasedString
            blocked.organizationId = calendar.organizationID
            blocked.bookableId = calendar.bookable.id
            blocked.createdBy = caller.userID?.lowercasedString ?? ""
            blocked.createdAt = now
            try SchedulingTables.insertBlocked(db, blocked)
            // What the table keeps (instants to the microsecond).
            return try SchedulingTables.blocked(db, organizationID: calendar.organizationID, id: blocked.id) ?? blocked
        }
    }

    public func removeBlockedTime(_ request: SchedulingV1.RemoveBlockedTimeRequest, context: ServerCallContext) async throws -> SchedulingV1.BlockedTime {
        let blockedID = try await answering { try RequestFields.id(request.blockedTimeId, field: "blocked_time_id") }
        let caller = try context.caller
        return try await managing(request.organizationId, request.bookableId, "unblock time on", context) { db, calendar, _ in
            guard let blocked = try SchedulingTables.blocked(db, organizationID: calendar.organizationID, id: blockedID.lowercasedString),
                  blocked.bookableId == calendar.bookable.id
            else { throw ContextStatus.notFound("blocked time", blockedID.lowercasedString) }
            if blocked.createdBy != caller.userID?.lowercasedString ?? "-" { try calendar.requireBeyondOwnAvailability("blocked time someone else added") }
            try SchedulingTables.deleteBlocked(db, id: blocked.id)
            return blocked
        }
    }

    public func listBlockedTimes(_ request: SchedulingV1.ListBlockedTimesRequest, context: ServerCallContext) async throws -> SchedulingV1.ListBlockedTimesResponse {
        try await answering {
            let caller = try context.caller
            let (organizationID, bookableID) = try RequestFields.ids((request.organizationId, "organization_id"), (request.bookableId, "bookable_id"))
            let from = request.fromTime?.unixMicroseconds ?? store.clock.nowMicroseconds
            let to = request.toTime?.unixMicroseconds
            // A token carries the list it came from; without from_time, "now" is the first page's.
            let cursor = try BlockedTimeCursor.decode(request.pageToken, bookableID: bookableID.lowercasedString, from: request.fromTime?.unixMicroseconds, to: to)
            let start = cursor?.from ?? from
            if let to, to <= from {
                throw ValidationFailure([InvalidField(field: "to_time", rule: .notAllowed, description: "must be after from_time (or now, when from_time is absent)")])
            }
            let size = PageToken.pageSize(request.pageSize)
            return try await store.read { db in
                let calendar = try CalendarAccess.resolve(db, caller, organizationID: organizationID, bookableID: bookableID)
                let rows = try SchedulingTables.blockedTimes(
                    db, bookableID: calendar.bookable.id, from: start, to: to, after: cursor.map { ($0.startsAt, $0.id) }, limit: size + 1)
                let page = Array(rows.prefix(size))
                let next = rows.count > size ? page.last.map {
                    BlockedTimeCursor.encode(startsAt: $0.startTime?.unixMicroseconds ?? 0, id: $0.id, bookableID: calendar.bookable.id, from: start, to: to)
                } : nil
                return SchedulingV1.ListBlockedTimesResponse(blockedTimes: page, nextPageToken: next ?? "")
            }
        }
    }

    /// A read of one bookable's calendar: access, then `body`.
    private func reading<T: Sendable>(
        _ organization: String, _ bookable: String, _ context: ServerCallContext,
        _ body: @escaping @Sendable (Database, CalendarAccess, Date) throws -> T
    ) async throws -> T {
        try await answering {
            let caller = try context.caller
            let (organizationID, bookableID) = try RequestFields.ids((organization, "organization_id"), (bookable, "bookable_id"))
            let now = store.clock.now
            return try await store.read { db in
                try body(db, try CalendarAccess.resolve(db, caller, organizationID: organizationID, bookableID: bookableID), now)
            }
        }
    }

    /// A change to one bookable's calendar, in one write transaction:
    /// access (NOT_FOUND), authority to `action` it (PERMISSION_DENIED), then `body`.
    private func managing<T: Sendable>(
        _ organization: String, _ bookable: String, _ action: String, _ context: ServerCallContext,
        _ body: @escaping @Sendable (Database, CalendarAccess, Date) throws -> T
    ) async throws -> T {
        try await answering {
            let caller = try context.caller
            let (organizationID, bookableID) = try RequestFields.ids((organization, "organization_id"), (bookable, "bookable_id"))
            let now = store.clock.now
            return try await store.write { db in
                let calendar = try CalendarAccess.resolve(db, caller, organizationID: organizationID, bookableID: bookableID)
                try calendar.requireManage(action)
                return try body(db, calendar, now)
            }
        }
    }

    // MARK: settings

    /// The calendar as Get answers it: settings, identity, overrides from
    /// today (in its zone) on.
    static func presented(_ db: Database, _ calendar: CalendarAccess, now: Date) throws -> SchedulingV1.Calendar {
        var presented = try SchedulingTables.settings(db, calendarID: calendar.calendarID) ?? SchedulingV1.Calendar()
        presented.id = calendar.calendarID
        presented.organizationId = calendar.organizationID
        presented.bookableId = calendar.bookable.id
        presented.timeZone = calendar.timeZone
        let today = Self.today(in: calendar, now: now).text
        presented.overrides = try SchedulingTables.overrides(db, calendarIDs: [calendar.calendarID], from: today, through: "9999-12-31")[calendar.calendarID] ?? []
        return presented
    }

    /// Today in the calendar's zone.
    static func today(in calendar: CalendarAccess, now: Date) -> CalendarDate {
        let clock = ZoneClock(identifier: calendar.timeZone) ?? ZoneClock(TimeZone(identifier: "UTC")!)
        return clock.wallClock(at: Int64(now.timeIntervalSince1970.rounded(.down))).date
    }

    /// Marks the calendar changed (its updated_at) when only an override moved.
    static func touch(_ db: Database, _ calendar: CalendarAccess, now: Date) throws {
        var settings = try SchedulingTables.settings(db, calendarID: calendar.calendarID) ?? SchedulingV1.Calendar()
        settings.updatedAt = now
        try SchedulingTables.saveSettings(db, calendarID: calendar.calendarID, organizationID: calendar.organizationID, settings, now: now)
    }

    /// The mask's paths in proto spelling; INVALID_ARGUMENT for an empty
    /// mask or a path that names no changeable setting.
    static func checkedMask(_ mask: [String]) throws -> [String] {
        guard !mask.isEmpty else {
            throw ValidationFailure([InvalidField(field: "update_mask", rule: .required,
                                                  description: "must name the settings to change: \(CalendarRules.maskable.joined(separator: ", "))")])
        }
        let paths = mask.map(UpdateMask.snakeCase)
        var found: [InvalidField] = []
        for (index, path) in paths.enumerated() where !CalendarRules.maskable.contains(path) {
            let why = path == "overrides" ? "changes through AddOverride and RemoveOverride" : "is not a setting that can be changed"
            found.append(InvalidField(field: "update_mask[\(index)]", rule: .unknown,
                                      description: "\(why); the settings that can be: \(CalendarRules.maskable.joined(separator: ", "))"))
        }
        try found.throwIfAny()
        return paths
    }

    static func apply(_ path: String, from patch: SchedulingV1.Calendar, to settings: inout SchedulingV1.Calendar) {
        switch path {
        case "weekly_schedule": settings.weeklySchedule = patch.weeklySchedule
        case "slot_duration_minutes": settings.slotDurationMinutes = patch.slotDurationMinutes
        case "slot_interval_minutes": settings.slotIntervalMinutes = patch.slotIntervalMinutes
        case "pre_buffer_minutes": settings.preBufferMinutes = patch.preBufferMinutes
        case "post_buffer_minutes": settings.postBufferMinutes = patch.postBufferMinutes
        case "min_advance_hours": settings.minAdvanceHours = patch.minAdvanceHours
        case "max_advance_days": settings.maxAdvanceDays = patch.maxAdvanceDays
        case "cascading": settings.cascading = patch.cascading
        default: break
        }
    }
}

/// A blocked-time list's cursor: the last row's start and id, and the list
/// it belongs to (the bookable and the span), so it is refused elsewhere.
enum BlockedTimeCursor {
    struct Position {
        let startsAt: Int64
        let id: String
        /// The list's start (the first page's "now" when it had no from_time).
        let from: Int64
    }

    static func encode(startsAt: Int64, id: String, bookableID: String, from: Int64, to: Int64?) -> String {
        Data("b2:\(startsAt):\(id):\(bookableID):\(from):\(to.map(String.init) ?? "-")".utf8).base64EncodedString()
    }

    static func decode(_ token: String, bookableID: String, from asked: Int64?, to: Int64?) throws -> Position? {
        if token.isEmpty { return nil }
        let malformed = ValidationFailure([InvalidField(field: "page_token", rule: .malformed, description: "is not a token this list returned")])
        guard token.utf8.count <= 256, let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { throw malformed }
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 6, parts[0] == "b2", let startsAt = Int64(parts[1]), UUID(uuidString: parts[2]) != nil, let from = Int64(parts[4])
        else { throw malformed }
        guard parts[3] == bookableID, parts[5] == (to.map(String.init) ?? "-"), asked.map({ $0 == from }) ?? true else {
            throw ValidationFailure([InvalidField(field: "page_token", rule: .conflict,
                                                  description: "belongs to another list: send it with the same request that returned it")])
        }
        return Position(startsAt: startsAt, id: parts[2], from: from)
    }
}

/// Turns validation failures into INVALID_ARGUMENT.
func answering<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let failure as ValidationFailure {
        throw failure.status
    }
}
