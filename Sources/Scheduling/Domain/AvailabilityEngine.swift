public import Catalog

/// One bookable as the engine sees it for a search: when it works, what it
/// is already doing, and its own rules. Built by the caller from the
/// calendar, the location's hours, bookings, holds and blocked time.
public struct Candidate: Hashable, Sendable {
    /// Its id (UUID text): the last tie-breaker, so results are deterministic.
    public let id: String
    /// When it can work (its calendar within the location's hours), UTC.
    public let working: IntervalSet
    /// What it is already doing: bookings, live holds and blocked time, each
    /// already widened by that booking's own buffers.
    public let busy: [Interval]
    /// How many bookings may overlap (a venue's simultaneous bookings); 1 otherwise.
    public let capacity: Int
    /// What it keeps around each of its bookings, existing or new: a venue's
    /// setup (before) and teardown (after); a provider's minimum rest is
    /// `after` (so two bookings are at least that far apart, either way round).
    public let before: Int64
    public let after: Int64
    /// At most this many bookings on one local day, if limited.
    public let maxPerDay: Int?
    /// Its bookings per local day (for `maxPerDay` and the least-loaded rule).
    public let bookingsPerDay: [CalendarDate: Int]
    /// The longest busy interval: bounds how far back an overlapping one can start.
    let longestBusy: Int64

    public init(
        id: String, working: IntervalSet, busy: [Interval] = [], capacity: Int = 1, before: Int64 = 0, after: Int64 = 0,
        maxPerDay: Int? = nil, bookingsPerDay: [CalendarDate: Int] = [:]
    ) {
        self.id = id
        self.working = working
        self.busy = busy.sorted()
        self.longestBusy = busy.map(\.duration).max() ?? 0
        self.capacity = max(1, capacity)
        self.before = before
        self.after = after
        self.maxPerDay = maxPerDay
        self.bookingsPerDay = bookingsPerDay
    }

    /// Whether it can take a booking occupying `interval` (buffers included)
    /// on local day `day`.
    func isFree(for interval: Interval, on day: CalendarDate) -> Bool {
        let occupied = interval.padded(before: before, after: after)
        guard working.contains(occupied) else { return false }
        if let maxPerDay, bookingsPerDay[day, default: 0] >= maxPerDay { return false }
        // Overlapping bookings, counted conservatively (all that touch the span at any point).
        var overlapping = 0
        // Only intervals starting after this can reach the span (binary search to the first).
        let earliest = occupied.start - longestBusy - before - after
        var (low, high) = (0, busy.count)
        while low < high {
            let middle = (low + high) / 2
            if busy[middle].start <= earliest { low = middle + 1 } else { high = middle }
        }
        for existing in busy[low...] {
            if existing.start - before >= occupied.end { break }
            if existing.padded(before: before, after: after).overlaps(occupied) {
                overlapping += 1
                if overlapping >= capacity { return false }
            }
        }
        return true
    }
}

/// What a booking needs: `count` of these candidates (already filtered by
/// kind, specific id or criteria).
public struct Need: Hashable, Sendable {
    public let candidates: [Candidate]
    public let count: Int

    public init(candidates: [Candidate], count: Int) {
        self.candidates = candidates
        self.count = count
    }
}

/// A time every need can be met, and what it would assign.
public struct Slot: Hashable, Sendable {
    /// The service itself, without buffers.
    public let interval: Interval
    /// Per need, in the needs' order, the ids assigned.
    public let assignments: [[String]]
}

/// Finds the slots in which all required bookables are free at once. Pure:
/// no clock (the advance window comes in), no I/O.
public enum AvailabilityEngine {
    /// Each start in `starts` (instants, from the location's slot grid) is a
    /// slot of `duration` seconds if, with the service's buffers
    /// (`preBuffer`, `postBuffer`) around it, every need finds `count`
    /// distinct free candidates, no candidate serving two needs. Starts
    /// outside `window` (the booking window) are skipped.
    ///
    /// Assignment rule (documented, deterministic): for each need in order,
    /// the free candidates with the fewest bookings that local day, then by id.
    public static func slots(
        starts: [Int64], duration: Int64, preBuffer: Int64, postBuffer: Int64, needs: [Need], window: Interval, clock: ZoneClock
    ) -> [Slot] {
        var slots: [Slot] = []
        for start in starts.sorted() where start >= window.start && start < window.end {
            guard let service = Interval(start, start + duration) else { continue }
            let occupied = service.padded(before: preBuffer, after: postBuffer)
            let day = clock.wallClock(at: start).date
            var taken: Set<String> = []
            var assignments: [[String]] = []
            for need in needs {
                let chosen = need.candidates
                    .filter { !taken.contains($0.id) && $0.isFree(for: occupied, on: day) }
                    .sorted { ($0.bookingsPerDay[day, default: 0], $0.id) < ($1.bookingsPerDay[day, default: 0], $1.id) }
                    .prefix(need.count)
                guard chosen.count == need.count else { break }
                taken.formUnion(chosen.map(\.id))
                assignments.append(chosen.map(\.id))
            }
            if assignments.count == needs.count {
                slots.append(Slot(interval: service, assignments: assignments))
            }
        }
        return slots
    }
}
