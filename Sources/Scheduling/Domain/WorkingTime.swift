public import Catalog
import Foundation

/// A day that does not follow the weekly pattern.
public enum DayException: Hashable, Sendable {
    case closed
    /// Open these minute ranges (minutes since midnight, wall clock) instead.
    case hours([Range<Int>])
}

/// When something is open: a weekly pattern of wall-clock ranges in one
/// zone, with dated exceptions. Pure: the zone's rules come with the clock.
public struct WorkingTime: Sendable {
    public let weekly: WeeklyHours
    public let exceptions: [CalendarDate: DayException]
    public let clock: ZoneClock

    public init(weekly: WeeklyHours, exceptions: [CalendarDate: DayException] = [:], clock: ZoneClock) {
        self.weekly = weekly
        self.exceptions = exceptions
        self.clock = clock
    }

    /// The wall-clock ranges open on `date`.
    public func ranges(on date: CalendarDate) -> [Range<Int>] {
        switch exceptions[date] {
        case .closed: []
        case .hours(let ranges): ranges
        case nil: weekly.ranges(on: date.weekday)
        }
    }

    /// The open time of the days `from` through `through`, as instants. A
    /// wall time means its first occurrence; one in a skipped hour, the
    /// instant the clocks jumped (so 01:00-03:00 on a spring-forward day in
    /// New York is one real hour, and 00:00-04:00 on a fall-back day five).
    public func open(from: CalendarDate, through: CalendarDate) -> IntervalSet {
        var intervals: [Interval] = []
        var date = from
        while date <= through {
            for range in ranges(on: date) {
                if let interval = Interval(instant(date, range.lowerBound), instant(date, range.upperBound)) {
                    intervals.append(interval)
                }
            }
            date = date.adding(days: 1)
        }
        return IntervalSet(intervals)
    }

    /// Slot starts on `date`: from each open range's start every `interval`
    /// minutes of wall-clock time, each wall time once (its first
    /// occurrence) and none in a skipped hour, keeping those whose whole
    /// `duration` (seconds) lies inside `within`.
    public func slotStarts(on date: CalendarDate, everyMinutes interval: Int, duration: Int64, within: IntervalSet) -> [Int64] {
        precondition(interval > 0, "a slot interval is positive")
        var starts: [Int64] = []
        for range in ranges(on: date) {
            var minute = range.lowerBound
            while minute < range.upperBound {
                if case let resolution = clock.resolve(date, minute: minute), !Self.isSkipped(resolution) {
                    let start = resolution.earliest
                    if let slot = Interval(start, start + duration), within.contains(slot) { starts.append(start) }
                }
                minute += interval
            }
        }
        return starts
    }

    /// These ranges cut to `other`'s, day by day over the dates given, when
    /// both are in one zone (else unchanged): the grid of a schedule counts
    /// from when it can actually start (a provider from 07:10 at a place
    /// opening at 09:00 starts 09:00, 09:15, ... not 09:10, 09:25, ...).
    public func cut(to other: WorkingTime, from: CalendarDate, through: CalendarDate) -> WorkingTime {
        guard clock.zone.identifier == other.clock.zone.identifier else { return self }
        var days: [CalendarDate: DayException] = [:]
        var date = from
        while date <= through {
            var cut: [Range<Int>] = []
            for own in ranges(on: date) {
                for open in other.ranges(on: date) where own.overlaps(open) {
                    cut.append(max(own.lowerBound, open.lowerBound)..<min(own.upperBound, open.upperBound))
                }
            }
            days[date] = .hours(cut.sorted { $0.lowerBound < $1.lowerBound })
            date = date.adding(days: 1)
        }
        return WorkingTime(weekly: weekly, exceptions: days, clock: clock)
    }

    private func instant(_ date: CalendarDate, _ minute: Int) -> Int64 {
        minute >= 1440 ? clock.resolve(date.adding(days: 1), minute: minute - 1440).earliest : clock.resolve(date, minute: minute).earliest
    }

    private static func isSkipped(_ resolution: ZoneClock.Resolution) -> Bool {
        if case .skipped = resolution { return true }
        return false
    }
}
