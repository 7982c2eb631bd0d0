public import BizingAPI
public import ContextKit

/// A wall-clock time of day in minutes since midnight, 0 (00:00) to 1440
/// (24:00, only as the end of a range).
public struct WallClockTime: Hashable, Comparable, Sendable {
    public let minutes: Int

    public init?(minutes: Int) {
        guard (0...1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// "HH:MM", exactly: two digits, a colon, two digits.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"),
              bytes.enumerated().allSatisfy({ $0.offset == 2 || (0x30...0x39).contains($0.element) })
        else { return nil }
        let hours = Int(bytes[0] - 0x30) * 10 + Int(bytes[1] - 0x30)
        let minutes = Int(bytes[3] - 0x30) * 10 + Int(bytes[4] - 0x30)
        guard minutes < 60, hours < 24 || (hours == 24 && minutes == 0) else { return nil }
        self.minutes = hours * 60 + minutes
    }

    public static func < (a: Self, b: Self) -> Bool { a.minutes < b.minutes }
}

/// ISO weekdays, Monday first.
public enum Weekday: Int, CaseIterable, Hashable, Comparable, Sendable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    public init?(_ wire: CatalogV1.DayOfWeek) {
        self.init(rawValue: Int(wire.protobufValue))
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Open hours for each day of a week in some zone's wall-clock time: sorted,
/// non-overlapping ranges per day; a day absent is closed. What Scheduling
/// intersects calendars with.
public struct WeeklyHours: Hashable, Sendable {
    public private(set) var days: [Weekday: [Range<Int>]]

    public init(days: [Weekday: [Range<Int>]] = [:]) {
        self.days = days.mapValues { $0.sorted { $0.lowerBound < $1.lowerBound } }.filter { !$0.value.isEmpty }
    }

    /// The open ranges (minutes since midnight) on `day`.
    public func ranges(on day: Weekday) -> [Range<Int>] { days[day] ?? [] }

    /// The hours a request carries, or every problem with them: days named
    /// once and specified, times "HH:MM", each range's start before its end,
    /// no two ranges of a day overlapping (touching is fine).
    public static func parse(_ wire: CatalogV1.WeeklyHours?, field: String) -> (WeeklyHours, [InvalidField]) {
        guard let wire else { return (WeeklyHours(), []) }
        var found: [InvalidField] = []
        var days: [Weekday: [Range<Int>]] = [:]
        var seenAt: [Weekday: Int] = [:]
        for (dayIndex, day) in wire.days.enumerated() {
            let dayPath = "\(field).days[\(dayIndex)]"
            let weekday = Weekday(day.day)
            if weekday == nil {
                found.append(InvalidField(field: "\(dayPath).day", rule: .required, description: "must be a day of the week"))
            } else if let weekday, let first = seenAt[weekday] {
                found.append(InvalidField(field: "\(dayPath).day", rule: .conflict, description: "repeats days[\(first)]: list each day once"))
            } else if let weekday {
                seenAt[weekday] = dayIndex
            }
            // The ranges are checked whatever the day, so one answer names every problem.
            var ranges: [(range: Range<Int>, index: Int)] = []
            for (index, range) in day.ranges.enumerated() {
                if let parsed = parseRange(range, field: "\(dayPath).ranges[\(index)]", found: &found) {
                    ranges.append((parsed, index))
                }
            }
            ranges.sort { $0.range.lowerBound < $1.range.lowerBound }
            // Each range against the one reaching latest before it: a long
            // range overlapping several later ones is reported for each.
            var reach: (end: Int, index: Int)?
            for next in ranges {
                if let reach, next.range.lowerBound < reach.end {
                    found.append(InvalidField(field: "\(dayPath).ranges[\(next.index)]", rule: .conflict,
                                              description: "overlaps ranges[\(reach.index)]"))
                }
                if next.range.upperBound > reach?.end ?? -1 { reach = (next.range.upperBound, next.index) }
            }
            if let weekday, seenAt[weekday] == dayIndex { days[weekday] = ranges.map(\.range) }
        }
        return (WeeklyHours(days: days), found)
    }

    /// A "HH:MM"-"HH:MM" range with its start before its end.
    public static func parseRange(_ wire: CatalogV1.TimeRange, field: String, found: inout [InvalidField]) -> Range<Int>? {
        let start = WallClockTime(wire.start)
        let end = WallClockTime(wire.end)
        if start == nil || start?.minutes == 1440 {
            found.append(InvalidField(field: "\(field).start", rule: .malformed, description: "must be a time HH:MM from 00:00 to 23:59"))
        }
        if end == nil {
            found.append(InvalidField(field: "\(field).end", rule: .malformed, description: "must be a time HH:MM from 00:01 to 24:00"))
        }
        guard let start, let end, start.minutes < 1440 else { return nil }
        guard start < end else {
            found.append(InvalidField(field: "\(field).end", rule: .notAllowed, description: "must be after the start"))
            return nil
        }
        return start.minutes..<end.minutes
    }
}
