public import BizingAPI
public import BizingStore
import Catalog
import ContextKit
public import Foundation
import GRDB

/// Calendars set up in-process (the demo data, benchmarks, fixtures),
/// through the same rules and tables as the API: a setting, override or
/// blocked time the API would refuse is refused here too.
public struct SchedulingProvisioning: Sendable {
    let store: BizingStore

    public init(_ store: BizingStore) {
        self.store = store
    }

    /// Replaces a bookable's calendar settings.
    public func settings(_ settings: SchedulingV1.Calendar, organizationID: UUID, bookableID: UUID) async throws {
        try CalendarRules.violations(of: settings).throwIfAny()
        let now = store.clock.now
        try await store.write { db in
            let calendar = try Self.calendar(db, organizationID, bookableID)
            var saved = settings
            saved.updatedAt = now
            try SchedulingTables.saveSettings(db, calendarID: calendar.id, organizationID: calendar.organizationID, saved, now: now)
        }
    }

    /// Sets one date's override of a bookable's calendar.
    public func override(_ override: SchedulingV1.DateOverride, organizationID: UUID, bookableID: UUID) async throws {
        try CalendarRules.violations(of: override).throwIfAny()
        let now = store.clock.now
        try await store.write { db in
            let calendar = try Self.calendar(db, organizationID, bookableID)
            try SchedulingTables.setOverride(db, calendarID: calendar.id, organizationID: calendar.organizationID, override, now: now)
        }
    }

    /// Blocks time on a bookable's calendar; the blocked time as stored.
    public func block(_ blocked: SchedulingV1.BlockedTime, organizationID: UUID, bookableID: UUID) async throws -> SchedulingV1.BlockedTime {
        try CalendarRules.violations(of: blocked).throwIfAny()
        let now = store.clock.now
        let id = store.ids.next().lowercasedString
        return try await store.write { db in
            let calendar = try Self.calendar(db, organizationID, bookableID)
            var saved = blocked
            saved.id = id
            saved.organizationId = calendar.organizationID
            saved.bookableId = bookableID.lowercasedString
            saved.createdAt = now
            try SchedulingTables.insertBlocked(db, saved)
            return try SchedulingTables.blocked(db, organizationID: calendar.organizationID, id: id) ?? saved
        }
    }

    /// The bookable's calendar; NOT_FOUND unless it is a live bookable of the organization.
    private static func calendar(_ db: Database, _ organizationID: UUID, _ bookableID: UUID) throws -> (id: String, organizationID: String) {
        guard try CatalogDirectory.bookable(db, organizationID: organizationID, id: bookableID) != nil,
              let calendar = try CatalogDirectory.calendar(db, bookableID: bookableID)
        else { throw ContextStatus.notFound("bookable", bookableID.lowercasedString) }
        return (calendar.id.lowercasedString, organizationID.lowercasedString)
    }
}
