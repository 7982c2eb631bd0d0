import BizingAPI
import Catalog
@testable import Scheduling

// Builders for searches and checks: a location's hours, a bookable's
// calendar (through the wire message, as the store loads it), its
// bookings, holds and blocked time. Times are wall clock "HH:MM" or UTC
// instants (`instant(_:)`); dates "YYYY-MM-DD" (`date(_:)`).

/// Minutes since midnight of "HH:MM" ("24:00" too).
func wall(_ text: String) -> Int { WallClockTime(text)!.minutes }

/// "09:00-17:00" as minutes since midnight.
func span(_ text: String) -> Range<Int> {
    let parts = text.split(separator: "-").map(String.init)
    return wall(parts[0])..<wall(parts[1])
}

/// The same ranges on the given days (every day by default).
func week(_ ranges: [String], on days: [Weekday] = Weekday.allCases) -> WeeklyHours {
    WeeklyHours(days: Dictionary(uniqueKeysWithValues: days.map { ($0, ranges.map(span)) }))
}

/// A location's hours in `zone`: 09:00-17:00 every day unless told.
func location(_ zone: String = "America/New_York", _ ranges: [String] = ["09:00-17:00"], on days: [Weekday] = Weekday.allCases,
              exceptions: [CalendarDate: DayException] = [:]) -> WorkingTime {
    WorkingTime(weekly: week(ranges, on: days), exceptions: exceptions, clock: clock(zone))
}

/// A calendar's settings from the wire message (absent values: the documented defaults).
func calendar(
    week ranges: [String]? = nil, on days: [Weekday] = Weekday.allCases, duration: UInt32 = 0, interval: UInt32 = 0, pre: UInt32 = 0,
    post: UInt32 = 0, minAdvanceHours: UInt32 = 0, maxAdvanceDays: UInt32 = 0, cascading: SchedulingV1.Cascading? = nil
) -> CalendarSettings {
    let weekly = ranges.map { ranges in
        CatalogV1.WeeklyHours(days: days.map { day in
            CatalogV1.DayHours(day: CatalogV1.DayOfWeek(protobufValue: Int32(day.rawValue)), ranges: ranges.map { text in
                let parts = text.split(separator: "-").map(String.init)
                return CatalogV1.TimeRange(start: parts[0], end: parts[1])
            })
        })
    }
    return CalendarSettings(SchedulingV1.Calendar(
        weeklySchedule: weekly, slotDurationMinutes: duration, slotIntervalMinutes: interval, preBufferMinutes: pre, postBufferMinutes: post,
        minAdvanceHours: minAdvanceHours, maxAdvanceDays: maxAdvanceDays, cascading: cascading))
}

func cascading(_ strategy: SchedulingV1.CascadeStrategy, open: UInt32, premium: UInt32 = 0) -> SchedulingV1.Cascading {
    SchedulingV1.Cascading(enabled: true, strategy: strategy, initialOpenSlots: open, premiumMultiplierBasisPoints: premium)
}

func bookable(
    _ id: String, zone: String = "America/New_York", _ settings: CalendarSettings = calendar(), overrides: [CalendarDate: DayOverride] = [:],
    blocked: [BlockedSpan] = [], reserved: [ReservedTime] = [], unavailable: Bool = false, serviceDue: Int64? = nil, capacity: Int = 1,
    setup: Int64 = 0, teardown: Int64 = 0, rest: Int64 = 0, maxPerDay: Int? = nil
) -> BookableTime {
    BookableTime(id: id, clock: clock(zone), settings: settings, overrides: overrides, blocked: blocked, reserved: reserved, unavailable: unavailable,
                 serviceDue: serviceDue, capacity: capacity, setup: setup, teardown: teardown, rest: rest, maxPerDay: maxPerDay)
}

/// A booking of `minutes` from `start` on `bookable`, busy `pre`/`post` seconds either side.
func booking(_ bookable: String, _ reference: String, at start: Int64, minutes: Int = 60, pre: Int64 = 0, post: Int64 = 0,
             template: String? = nil, participants: Int = 1) -> ReservedTime {
    let service = Interval(start, start + Int64(minutes) * 60)!
    return ReservedTime(bookableID: bookable, kind: .booking, referenceID: reference, templateID: template, service: service,
                        busy: service.padded(before: pre, after: post), participants: participants)
}

/// A hold that reserves its time until `expiresAt`.
func hold(_ bookable: String, _ reference: String, at start: Int64, minutes: Int = 60, expiresAt: Int64, template: String? = nil,
          participants: Int = 1) -> ReservedTime {
    let service = Interval(start, start + Int64(minutes) * 60)!
    return ReservedTime(bookableID: bookable, kind: .hold(expiresAt: expiresAt), referenceID: reference, templateID: template, service: service,
                        busy: service, participants: participants)
}

func blocked(_ id: String, _ start: Int64, _ end: Int64, overridable: Bool = false) -> BlockedSpan {
    BlockedSpan(id: id, interval: Interval(start, end)!, overridable: overridable)
}

/// The instant of a wall time at `zone` (its first occurrence).
func local(_ day: String, _ time: String, _ zone: String = "America/New_York") -> Int64 {
    clock(zone).resolve(date(day), minute: wall(time)).earliest
}

/// A search's slots: one bookable per requirement unless told, 60-minute service.
func slots(
    _ requirements: [Requirement], at location: WorkingTime = location(), from: String, through: String? = nil, now: Int64,
    service: ServiceShape = ServiceShape(length: .minutes(60)), seats: Int = 1, walkIn: Bool = false
) -> [Slot] {
    AvailabilitySearch(location: location, from: date(from), through: date(through ?? from), now: now, service: service,
                       requirements: requirements, seatsWanted: seats, minimumAdvanceWaived: walkIn).slots()
}

/// One requirement of `count` from these bookables.
func needs(_ count: Int = 1, _ bookables: BookableTime...) -> Requirement {
    Requirement(count: count, bookables: bookables)
}

/// Slot starts as local "HH:MM" at `zone`.
func times(_ slots: [Slot], _ zone: String = "America/New_York") -> [String] {
    let zoneClock = clock(zone)
    return slots.map { slot in
        let minute = zoneClock.wallClock(at: slot.interval.start).minute
        return "\(minute / 600)\(minute / 60 % 10):\(minute % 60 / 10)\(minute % 10)"
    }
}

/// Slot starts as local "YYYY-MM-DD HH:MM" at `zone`.
func dayTimes(_ slots: [Slot], _ zone: String = "America/New_York") -> [String] {
    zip(slots, times(slots, zone)).map { slot, time in "\(clock(zone).wallClock(at: slot.interval.start).date.text) \(time)" }
}

/// Local ISO 8601 of each slot's start (and end) at `zone`.
func isoStarts(_ slots: [Slot], _ zone: String) -> [String] { slots.map { clock(zone).iso8601(at: $0.interval.start) } }
func isoEnds(_ slots: [Slot], _ zone: String) -> [String] { slots.map { clock(zone).iso8601(at: $0.interval.end) } }

/// "HH:MM" starts every `minutes` from `first` through `last`.
func every(_ minutes: Int, from first: String, through last: String) -> [String] {
    stride(from: wall(first), through: wall(last), by: minutes).map { minute in
        "\(minute / 600)\(minute / 60 % 10):\(minute % 60 / 10)\(minute % 10)"
    }
}
