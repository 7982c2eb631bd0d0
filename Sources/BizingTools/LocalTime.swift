public import Foundation

/// A day of the calendar as people type it: YYYY-MM-DD, a real day (no
/// February 30), with no zone of its own.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Exactly `YYYY-MM-DD`, naming a day of the calendar; nil otherwise.
    public init?(_ text: String) {
        guard text.utf8.count == 10, DescriptorJSON.hasRealDay(text) else { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        (year, month, day) = (parts[0], parts[1], parts[2])
    }

    /// The day `daysSinceEpoch` days after 1970-01-01.
    public init(daysSinceEpoch days: Int64) {
        let parts = Self.utc.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(days) * 86_400))
        (year, month, day) = (parts.year!, parts.month!, parts.day!)
    }

    /// The day it is in `zone` at `now`.
    public static func today(in zone: TimeZone, now: Date = Date()) -> LocalDate {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down)) + Int64(zone.secondsFromGMT(for: now))
        return LocalDate(daysSinceEpoch: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }

    /// Days from 1970-01-01 (negative before).
    public var daysSinceEpoch: Int64 {
        let midnight = Self.utc.date(from: DateComponents(year: year, month: month, day: day))!
        return Int64((midnight.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + Int64(days)) }

    /// "Mon" ... "Sun".
    public var weekdayAbbreviation: String {
        // 1970-01-01 was a Thursday.
        ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][Int(((daysSinceEpoch % 7) + 7) % 7)]
    }

    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(value).count)) + String(value) }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

/// A wall-clock time on a day, in no zone yet: "2026-06-18 14:30".
public struct LocalDateTime: Hashable, Sendable, CustomStringConvertible {
    public let date: LocalDate
    public let hour: Int
    public let minute: Int

    public init(date: LocalDate, hour: Int, minute: Int) {
        self.date = date
        self.hour = hour
        self.minute = minute
    }

    /// `YYYY-MM-DD HH:MM` (or with `T`, and `:00` seconds), without an offset.
    public init?(_ text: String) {
        let characters = Array(text)
        guard characters.count == 16 || (characters.count == 19 && String(characters[16...]) == ":00"),
              characters[10] == " " || characters[10] == "T", characters[13] == ":",
              let date = LocalDate(String(characters[0..<10])),
              (characters[11..<13] + characters[14..<16]).allSatisfy({ $0.isASCII && $0.isWholeNumber }),
              let hour = Int(String(characters[11..<13])), let minute = Int(String(characters[14..<16])),
              (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        self.init(date: date, hour: hour, minute: minute)
    }

    public var description: String { "\(date) \(Self.clock(hour * 60 + minute))" }

    /// "HH:MM" of minutes after midnight.
    static func clock(_ minutes: Int) -> String {
        let (hour, minute) = (minutes / 60, minutes % 60)
        return (hour < 10 ? "0\(hour)" : "\(hour)") + ":" + (minute < 10 ? "0\(minute)" : "\(minute)")
    }

    /// What this wall time is in `zone`.
    public enum Resolution: Hashable, Sendable {
        case unique(Date)
        /// It does not exist: the clocks jumped from `from` straight to `to`
        /// (wall times, "02:00" and "03:00") at `transition`.
        case skipped(transition: Date, from: String, to: String)
        /// It happens twice (the clocks went back): the first is what it means.
        case repeated(first: Date, second: Date)

        /// The instant a schedule means: the only one, the first of two, or
        /// the end of the gap (a day starting in a gap starts there).
        public var earliest: Date {
            switch self {
            case .unique(let instant), .skipped(let instant, _, _), .repeated(let instant, _): instant
            }
        }
    }

    public func resolve(in zone: TimeZone) -> Resolution {
        // The wall time read as if it were UTC; the offsets a day either side
        // bracket any transition near it.
        let wall = date.daysSinceEpoch * 86_400 + Int64(hour * 3600 + minute * 60)
        func offset(_ instant: Int64) -> Int64 { Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))) }
        let offsets = Set([offset(wall - 86_400), offset(wall), offset(wall + 86_400)])
        let instants = offsets.map { wall - $0 }.filter { offset($0) == wall - $0 }.sorted()
        if instants.count > 1 {
            return .repeated(first: Date(timeIntervalSince1970: TimeInterval(instants.first!)), second: Date(timeIntervalSince1970: TimeInterval(instants.last!)))
        }
        if let instant = instants.first { return .unique(Date(timeIntervalSince1970: TimeInterval(instant))) }
        // In the gap: the change lies between the wall time read with the
        // later (larger) offset and with the earlier one.
        var (low, high) = (wall - offsets.max()!, wall - offsets.min()!)
        let before = offset(low)
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(middle) == before { low = middle } else { high = middle }
        }
        func wallClock(_ instant: Int64) -> String { Self.clock(Int(((instant % 86_400) + 86_400) % 86_400) / 60) }
        return .skipped(transition: Date(timeIntervalSince1970: TimeInterval(high)), from: wallClock(high + before), to: wallClock(high + offset(high)))
    }
}

/// What `--at` says: a wall time at the location, or an instant.
public enum WhenText: Hashable, Sendable {
    case local(LocalDateTime)
    case instant(Date)

    /// "YYYY-MM-DD HH:MM" (a wall time), or an RFC 3339 instant with its
    /// offset or Z ("2026-06-18T14:30:00Z", "2026-06-18T10:30:00-04:00").
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let local = LocalDateTime(trimmed) {
            self = .local(local)
        } else if let instant = DescriptorJSON.parseTimestamp(trimmed) {
            self = .instant(instant)
        } else {
            return nil
        }
    }

    public static let expected = #""YYYY-MM-DD HH:MM" (the location's local time) or an ISO 8601 instant such as 2026-06-18T14:30:00Z"#

    /// Why `text` is not a time, for `--at`: a day the calendar does not
    /// have ("2026-02-30 10:00"), else the forms it takes.
    public static func refusal(_ text: String, flag: String = "--at") -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let day = String(trimmed.prefix(10))
        if trimmed.count >= 10, day.allSatisfy({ $0.isASCII && ($0.isWholeNumber || $0 == "-") }),
           day.split(separator: "-").map(\.count) == [4, 2, 2], LocalDate(day) == nil {
            return "\(flag): \(day) is not a day of the calendar"
        }
        return "\(flag) takes \(expected), got '\(text)'"
    }

    public struct Skipped: Error, CustomStringConvertible {
        public let description: String
    }

    /// The instant, a wall time read in `zone` (its first occurrence when
    /// the clocks go back); a wall time the clocks skip is refused.
    public func instant(in zone: TimeZone) throws(Skipped) -> Date {
        switch self {
        case .instant(let instant): return instant
        case .local(let wall):
            switch wall.resolve(in: zone) {
            case .unique(let instant), .repeated(let instant, _): return instant
            case .skipped(_, let from, let to):
                throw Skipped(description: "\(wall) does not exist in \(zone.identifier): the clocks go from \(from) straight to \(to) that day")
            }
        }
    }
}

/// A local time as the server writes it, ISO 8601 with its offset
/// ("2026-03-08T03:00:00-04:00"), split for a table.
public struct LocalStamp: Sendable {
    public let text: String

    public init(_ text: String) { self.text = text }

    /// An instant's local time in `zone`.
    public init(_ instant: Date, in zone: TimeZone) {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        text = formatter.string(from: instant)
    }

    /// "Sun 2026-03-08 03:00".
    public var readable: String { isStamp ? "\(weekday) \(date) \(time)" : text }

    /// "2026-03-08" (the text itself when it is not such a time).
    public var date: String { isStamp ? String(text.prefix(10)) : text }
    /// "03:00".
    public var time: String { isStamp ? String(text.dropFirst(11).prefix(5)) : "" }
    /// "Sun".
    public var weekday: String { LocalDate(date)?.weekdayAbbreviation ?? "" }

    private var isStamp: Bool { text.count >= 16 && LocalDateTime(String(text.prefix(16))) != nil }

    /// "Sun 2026-03-08 03:00-04:00", or with the end's date when it ends another day.
    public static func span(_ start: String, _ end: String) -> String {
        let (start, end) = (LocalStamp(start), LocalStamp(end))
        let ending = end.date == start.date ? end.time : "\(end.weekday) \(end.date) \(end.time)"
        return "\(start.weekday) \(start.date) \(start.time)-\(ending)"
    }
}
