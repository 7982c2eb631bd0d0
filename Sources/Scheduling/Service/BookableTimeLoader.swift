import BizingAPI
import BizingStore
import Catalog
import Foundation
import GRDB

/// Reads what the engine needs about bookables' time over a span, a few
/// statements for any number of bookables: calendars, settings, overrides,
/// blocked time, reserved time.
enum BookableTimeLoader {
    /// Each bookable's time over `span` (seconds) and the local dates around
    /// it; a bookable without a calendar is left out. Reservations of
    /// `excluding` (a booking being moved, a hold being converted) are left out.
    /// With a `cache`, everything but the reservations is decoded once per
    /// organization epoch; reservations are always read.
    static func load(
        _ db: Database, bookables: [CatalogV1.Bookable], span: Interval, excluding: Set<String> = [], cache: ReferenceCache? = nil
    ) throws -> [BookableTime] {
        let ids = bookables.map(\.id)
        let calendared: [BookableTime]
        if let cache, let organizationID = bookables.first?.organizationId {
            let key = "bookable-time|\(span.start)|\(span.end)|" + ids.joined(separator: ",")
            calendared = try cache.value(db, organizationID: organizationID, key: key, weight: { $0.reduce(0) { $0 + 1 + $1.overrides.count + $1.blocked.count } }) {
                try calendarTime(of: bookables, $0, span: span)
            }
        } else {
            calendared = try calendarTime(of: bookables, db, span: span)
        }
        var reserved = try SchedulingTables.reserved(db, bookableIDs: ids, from: span.start, to: span.end)
        if !excluding.isEmpty { reserved = reserved.mapValues { $0.filter { !excluding.contains($0.referenceID) } } }
        return calendared.map {
            var time = $0
            time.reserved = reserved[time.id] ?? []
            return time
        }
    }

    /// Each bookable's time without its reservations: calendars, settings,
    /// overrides, blocked time.
    private static func calendarTime(of bookables: [CatalogV1.Bookable], _ db: Database, span: Interval) throws -> [BookableTime] {
        let ids = bookables.map(\.id)
        let calendars = try CatalogDirectory.calendars(db, bookableIDs: ids)
        let calendarIDs = calendars.values.map(\.id)
        let settings = try SchedulingTables.settings(db, calendarIDs: calendarIDs)
        // Dates a day beyond the span either way: zones are at most 14 hours off UTC.
        let utc = ZoneClock(TimeZone(identifier: "UTC")!)
        let firstDate = utc.wallClock(at: span.start).date.adding(days: -2).text
        let lastDate = utc.wallClock(at: span.end).date.adding(days: 2).text
        let overrides = try SchedulingTables.overrides(db, calendarIDs: calendarIDs, from: firstDate, through: lastDate)
        let blocked = try SchedulingTables.blockedSpans(db, bookableIDs: ids, from: span.start, to: span.end)
        var zones: [String: ZoneClock] = [:]
        return bookables.compactMap { bookable in
            guard let calendar = calendars[bookable.id] else { return nil }
            let clock = zones[calendar.timeZone] ?? ZoneClock(identifier: calendar.timeZone) ?? utc
            zones[calendar.timeZone] = clock
            var dated: [CalendarDate: DayOverride] = [:]
            for override in overrides[calendar.id] ?? [] {
                if let date = CalendarDate(override.date), let day = DayOverride(override) { dated[date] = day }
            }
            return time(of: bookable, clock: clock, settings: CalendarSettings(settings[calendar.id] ?? SchedulingV1.Calendar()),
                        overrides: dated, blocked: blocked[bookable.id] ?? [], reserved: [])
        }
    }

    /// The rules a bookable's kind brings to its time.
    static func time(
        of bookable: CatalogV1.Bookable, clock: ZoneClock, settings: CalendarSettings, overrides: [CalendarDate: DayOverride],
        blocked: [BlockedSpan], reserved: [ReservedTime]
    ) -> BookableTime {
        let active = bookable.status == .active || bookable.status == .unspecified
        let venue = bookable.venue
        let capacity = venue.map { $0.allowSimultaneousBookings ? max(1, Int($0.maxSimultaneousBookings)) : 1 } ?? 1
        return BookableTime(
            id: bookable.id, clock: clock, settings: settings, overrides: overrides, blocked: blocked, reserved: reserved,
            unavailable: !active, unavailableReason: bookable.status == .maintenance ? "is in maintenance" : "is \(bookable.status.columnValue)", serviceDue: bookable.asset?.nextServiceDue.map { Int64($0.timeIntervalSince1970.rounded(.down)) },
            capacity: capacity, setup: Int64(venue?.setupMinutes ?? 0) * 60, teardown: Int64(venue?.teardownMinutes ?? 0) * 60,
            rest: Int64(bookable.provider?.minRestMinutes ?? 0) * 60, maxPerDay: bookable.provider?.maxDailyBookings.map { Int($0) },
            ownHours: bookable.companyProvider?.businessHours.map { WeeklyHours.parse($0, field: "business_hours").0 })
    }
}
