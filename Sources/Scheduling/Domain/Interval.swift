/// A half-open span of time [start, end) in whole seconds since
/// 1970-01-01T00:00:00Z. Availability works in UTC seconds: wall-clock
/// times are turned into instants once (`ZoneClock`), and every comparison
/// after that is integer arithmetic.
public struct Interval: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let start: Int64
    public let end: Int64

    /// nil unless start < end.
    public init?(_ start: Int64, _ end: Int64) {
        guard start < end else { return nil }
        self.start = start
        self.end = end
    }

    public var duration: Int64 { end - start }

    public func overlaps(_ other: Interval) -> Bool { start < other.end && other.start < end }

    public func contains(_ other: Interval) -> Bool { start <= other.start && other.end <= end }

    /// Widened by `before` seconds at the start and `after` at the end (buffers).
    public func padded(before: Int64, after: Int64) -> Interval {
        Interval(start - before, end + after)!
    }

    public static func < (a: Interval, b: Interval) -> Bool { (a.start, a.end) < (b.start, b.end) }

    public var description: String { "[\(start), \(end))" }
}

/// Disjoint, sorted intervals with no two touching: the free (or busy) time
/// of something. Operations keep that shape.
public struct IntervalSet: Hashable, Sendable, CustomStringConvertible {
    public private(set) var intervals: [Interval]

    public init() { intervals = [] }

    /// Any intervals, in any order, overlapping or not.
    public init(_ intervals: some Sequence<Interval>) {
        self.intervals = Self.normalized(Array(intervals))
    }

    public var isEmpty: Bool { intervals.isEmpty }

    public func union(_ other: IntervalSet) -> IntervalSet {
        IntervalSet(intervals + other.intervals)
    }

    /// What is in both.
    public func intersection(_ other: IntervalSet) -> IntervalSet {
        var result: [Interval] = []
        var (i, j) = (0, 0)
        while i < intervals.count && j < other.intervals.count {
            let a = intervals[i], b = other.intervals[j]
            if let both = Interval(max(a.start, b.start), min(a.end, b.end)) { result.append(both) }
            if a.end < b.end { i += 1 } else { j += 1 }
        }
        var set = IntervalSet()
        set.intervals = result
        return set
    }

    /// What is here and not in `other`.
    public func subtracting(_ other: IntervalSet) -> IntervalSet {
        var result: [Interval] = []
        var j = 0
        for interval in intervals {
            var start = interval.start
            while j < other.intervals.count && other.intervals[j].end <= start { j += 1 }
            var k = j
            while k < other.intervals.count && other.intervals[k].start < interval.end {
                if let piece = Interval(start, other.intervals[k].start) { result.append(piece) }
                start = max(start, other.intervals[k].end)
                k += 1
            }
            if let rest = Interval(start, interval.end) { result.append(rest) }
        }
        var set = IntervalSet()
        set.intervals = result
        return set
    }

    /// Whether `interval` lies wholly inside one of the intervals.
    public func contains(_ interval: Interval) -> Bool {
        // The last interval starting at or before it is the only candidate.
        var (low, high) = (0, intervals.count)
        while low < high {
            let middle = (low + high) / 2
            if intervals[middle].start <= interval.start { low = middle + 1 } else { high = middle }
        }
        return low > 0 && intervals[low - 1].contains(interval)
    }

    public var description: String { intervals.map(\.description).joined(separator: " ") }

    private static func normalized(_ intervals: [Interval]) -> [Interval] {
        var merged: [Interval] = []
        for interval in intervals.sorted() {
            if let last = merged.last, interval.start <= last.end {
                merged[merged.count - 1] = Interval(last.start, max(last.end, interval.end))!
            } else {
                merged.append(interval)
            }
        }
        return merged
    }
}
