public import Catalog
public import Foundation

/// Wall-clock times of one IANA zone as instants. A wall time may not exist
/// (the hour skipped when clocks spring forward) or exist twice (the hour
/// repeated when they fall back); every schedule rule goes through here, so
/// all of them resolve those the same way.
public struct ZoneClock: Sendable {
    public let zone: TimeZone
    /// The zone's offsets over a span, precomputed (`prepared(for:)`):
    /// answers in a binary search what Foundation answers in a microsecond.
    private var table: OffsetTable?

    public init(_ zone: TimeZone) {
        self.zone = zone
    }

    /// nil for a name Foundation does not know.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.zone = zone
    }

    /// The same clock, fast over `span` (a search's days): the offsets in
    /// force are read once a day across it, and where two days differ the
    /// transition is found to the second.
    public func prepared(for span: Interval) -> ZoneClock {
        var copy = ZoneClock(zone)
        copy.table = OffsetTable(zone: zone, from: span.start - 2 * 86_400, to: span.end + 2 * 86_400)
        return copy
    }

    /// What one wall-clock time is.
    public enum Resolution: Hashable, Sendable {
        /// One instant.
        case unique(Int64)
        /// In a gap: the clocks jumped over it at `transition` (the first
        /// instant after the gap).
        case skipped(transition: Int64)
        /// Twice: the first occurrence (before the clocks went back), then the second.
        case repeated(first: Int64, second: Int64)

        /// The instant a schedule means by the wall time: its first
        /// occurrence, or the end of the gap it falls in.
        public var earliest: Int64 {
            switch self {
            case .unique(let instant), .skipped(let instant), .repeated(let instant, _): instant
            }
        }
    }

    /// The instant(s) of `minute` minutes after midnight (0 to 1440) on `date`.
    public func resolve(_ date: CalendarDate, minute: Int) -> Resolution {
        // The wall time read as if it were UTC; the zone's offsets around it
        // (a day before and after) bracket any transition near it.
        let wall = date.daysSinceEpoch * 86_400 + Int64(minute) * 60
        // Nearly always: the same offset a day either side, and it holds at the instant.
        let before = offset(at: wall - 86_400)
        if before == offset(at: wall + 86_400), offset(at: wall - before) == before { return .unique(wall - before) }
        let offsets = Set([offset(at: wall - 86_400), offset(at: wall), offset(at: wall + 86_400)])
        let instants = offsets.map { wall - $0 }.filter { offset(at: $0) == wall - $0 }.sorted()
        switch instants.count {
        case 1: return .unique(instants[0])
        case 0:
            // In the gap: the transition is where the offset changes, between
            // the wall time read with the later offset and with the earlier one.
            let sorted = offsets.sorted()
            return .skipped(transition: transition(after: wall - sorted.last!, before: wall - sorted.first!))
        default: return .repeated(first: instants.first!, second: instants.last!)
        }
    }

    /// The local date and minute of day of an instant.
    public func wallClock(at instant: Int64) -> (date: CalendarDate, minute: Int) {
        let wall = instant + offset(at: instant)
        let days = wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400
        return (CalendarDate(daysSinceEpoch: days), Int((wall - days * 86_400) / 60))
    }

    public func offset(at instant: Int64) -> Int64 {
        if let table, let offset = table.offset(at: instant) { return offset }
        return Self.foundationOffset(zone, at: instant)
    }

    fileprivate static func foundationOffset(_ zone: TimeZone, at instant: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }

    /// The first instant in (low, high] whose offset differs from low's (a binary search to the second).
    private func transition(after low: Int64, before high: Int64) -> Int64 {
        Self.transition(after: low, before: high) { offset(at: $0) }
    }

    fileprivate static func transition(after low: Int64, before high: Int64, offset: (Int64) -> Int64) -> Int64 {
        let base = offset(low)
        var (low, high) = (low, high)
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(middle) == base { low = middle } else { high = middle }
        }
        return high
    }
}

/// A zone's offsets between two instants: where each one starts. Zones
/// change offset at most a few times a year, never twice in a day, so a
/// reading a day apart finds every change.
private struct OffsetTable: Sendable {
    let from: Int64
    let to: Int64
    /// (first instant, offset), ascending; the first starts at `from`.
    let steps: [(start: Int64, offset: Int64)]

    init(zone: TimeZone, from: Int64, to: Int64) {
        self.from = from
        self.to = to
        let read = { ZoneClock.foundationOffset(zone, at: $0) }
        var steps = [(start: from, offset: read(from))]
        var instant = from
        while instant < to {
            let next = min(instant + 86_400, to)
            let offset = read(next)
            if offset != steps[steps.count - 1].offset {
                steps.append((ZoneClock.transition(after: instant, before: next, offset: read), offset))
            }
            instant = next
        }
        self.steps = steps
    }

    func offset(at instant: Int64) -> Int64? {
        guard instant >= from && instant <= to else { return nil }
        var (low, high) = (0, steps.count)
        while low < high {
            let middle = (low + high) / 2
            if steps[middle].start <= instant { low = middle + 1 } else { high = middle }
        }
        return steps[low - 1].offset
    }
}

extension CalendarDate {
    /// Days from 1970-01-01 (negative before), by the proleptic Gregorian calendar.
    public var daysSinceEpoch: Int64 {
        // Howard Hinnant's days_from_civil.
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `daysSinceEpoch` days after 1970-01-01.
    public init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        self.init(year: year, month: month, day: day)
    }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        let index = ((daysSinceEpoch % 7) + 7 + 3) % 7  // 0 = Monday
        return Weekday(rawValue: Int(index) + 1)!
    }

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + Int64(days))
    }
}

extension ZoneClock {
    /// The local time of an instant, ISO 8601 with the offset in force:
    /// "2026-03-08T03:00:00-04:00".
    public func iso8601(at instant: Int64) -> String {
        let offset = offset(at: instant)
        let wall = instant + offset
        let days = wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400
        let seconds = Int(wall - days * 86_400)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = Int(abs(offset)) / 60
        return "\(CalendarDate(daysSinceEpoch: days).text)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
            + "\(sign)\(two(magnitude / 60)):\(two(magnitude % 60))"
    }
}
