public import Catalog

/// One bookable as the engine sees it for a search: when it works, what it
/// is already doing, and its own rules. Built from its calendar, the
/// location's hours, bookings, holds and blocked time (`CandidateBuilder`).
public struct Candidate: Hashable, Sendable {
    /// How a start on a candidate's own slot grid is offered (its cascade).
    public enum Offer: Hashable, Sendable {
        case open
        /// Beyond the cascade's open slots, at this multiplier (basis points).
        case premium(Int)
    }

    /// Its id (UUID text): the last tie-breaker, so results are deterministic.
    public let id: String
    /// When it can work (its calendar within the location's hours, blocked
    /// time taken out), UTC. A booking and its buffers lie inside.
    public let working: IntervalSet
    /// What it is already doing: bookings and live holds, each already
    /// widened by that booking's service buffers.
    public let busy: [Interval]
    /// How many bookings may overlap (a venue's simultaneous bookings); 1 otherwise.
    public let capacity: Int
    /// What it keeps free around each of its bookings, inside working time:
    /// its calendar's buffers, a venue's setup and teardown.
    public let before: Int64
    public let after: Int64
    /// A provider's minimum rest between two bookings (needs no working time).
    public let rest: Int64
    /// At most this many bookings on one local day, if limited.
    public let maxPerDay: Int?
    /// Its bookings per local day (for `maxPerDay` and the least-loaded rule).
    public let bookingsPerDay: [CalendarDate: Int]
    /// Where its bookings may start (its booking window); nil: anywhere.
    public let window: Interval?
    /// The starts of its own slot grid and how each is offered; nil: any
    /// start (a bookable needed beside the one whose grid sets the times).
    public let grid: Grid?
    /// Special-pricing multipliers of its calendar's dates (basis points).
    public let pricing: [CalendarDate: Int]
    /// The longest busy interval: bounds how far back an overlapping one can start.
    let longestBusy: Int64

    public init(
        id: String, working: IntervalSet, busy: [Interval] = [], capacity: Int = 1, before: Int64 = 0, after: Int64 = 0, rest: Int64 = 0,
        maxPerDay: Int? = nil, bookingsPerDay: [CalendarDate: Int] = [:], window: Interval? = nil, grid: Grid? = nil,
        pricing: [CalendarDate: Int] = [:]
    ) {
        self.id = id
        self.working = working
        self.busy = busy.sorted()
        self.longestBusy = busy.map(\.duration).max() ?? 0
        self.capacity = max(1, capacity)
        self.before = before
        self.after = after
        self.rest = rest
        self.maxPerDay = maxPerDay
        self.bookingsPerDay = bookingsPerDay
        self.window = window
        self.grid = grid
        self.pricing = pricing
    }

    /// Whether it can take a booking occupying `occupied` (the service with
    /// its buffers) on local day `day`.
    public func isFree(for occupied: Interval, on day: CalendarDate) -> Bool {
        let own = occupied.padded(before: before, after: after)
        guard working.contains(own) else { return false }
        if let maxPerDay, bookingsPerDay[day, default: 0] >= maxPerDay { return false }
        return overlapping(own, limit: capacity) < capacity
    }

    /// How many busy intervals (each with this candidate's buffers and rest
    /// around it) overlap `own`, counting up to `limit`. Counted
    /// conservatively: every one that touches the span at any point.
    func overlapping(_ own: Interval, limit: Int) -> Int {
        let (lead, trail) = (before + rest, after + rest)
        // Only intervals starting after this can reach the span (binary search to the first).
        let earliest = own.start - longestBusy - trail
        var (low, high) = (0, busy.count)
        while low < high {
            let middle = (low + high) / 2
            if busy[middle].start < earliest { low = middle + 1 } else { high = middle }
        }
        var count = 0
        for existing in busy[low...] {
            if existing.start - lead >= own.end { break }
            if existing.padded(before: lead, after: trail).overlaps(own) {
                count += 1
                if count >= limit { break }
            }
        }
        return count
    }

    func mayStart(at start: Int64) -> Bool {
        window.map { start >= $0.start && start < $0.end } ?? true
    }
}

/// A candidate's slot grid: starts ascending, each with its offer. Looked
/// up by binary search for every start of a search, so no hashing.
public struct Grid: Hashable, Sendable {
    public let starts: [Int64]
    public let offers: [Candidate.Offer]

    /// From starts already ascending and without repeats.
    public init(ascending starts: [Int64], offers: [Candidate.Offer]) {
        precondition(starts.count == offers.count, "an offer per start")
        self.starts = starts
        self.offers = offers
    }

    /// How `start` is offered; nil when it is not on the grid.
    public func offer(at start: Int64) -> Candidate.Offer? {
        var (low, high) = (0, starts.count)
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] < start { low = middle + 1 } else { high = middle }
        }
        return low < starts.count && starts[low] == start ? offers[low] : nil
    }
}

/// What a booking needs: `count` distinct bookables from these candidates
/// (already filtered by kind, specific id or criteria).
public struct Need: Hashable, Sendable {
    public let candidates: [Candidate]
    public let count: Int

    /// Whether any candidate has special pricing (most searches: none).
    let hasPricing: Bool

    public init(candidates: [Candidate], count: Int) {
        self.candidates = candidates
        self.count = count
        self.hasPricing = candidates.contains { !$0.pricing.isEmpty }
    }
}

/// A group class already running at a time: its bookables are kept, and
/// it has seats left or it has not.
public struct Session: Hashable, Sendable {
    public let interval: Interval
    /// Per need, the ids its bookings assigned.
    public let assignments: [[String]]
    public let seatsTaken: Int

    public init(interval: Interval, assignments: [[String]], seatsTaken: Int) {
        self.interval = interval
        self.assignments = assignments
        self.seatsTaken = seatsTaken
    }
}

/// A time every need can be met, and what it would assign.
public struct Slot: Hashable, Sendable {
    /// The service itself, without buffers.
    public let interval: Interval
    /// Per need, in the needs' order, the ids assigned.
    public let assignments: [[String]]
    /// A group class: the seats left.
    public let seatsLeft: Int?
    /// Offered beyond a cascade, at this multiplier (basis points).
    public let premiumBasisPoints: Int?
    /// The highest special-pricing multiplier among the assigned bookables that day.
    public let pricingBasisPoints: Int?
}

/// Finds the slots in which all required bookables are free at once. Pure:
/// no clock (the booking windows come in), no I/O.
public enum AvailabilityEngine {
    /// A group class: its seats, those wanted, and the sessions already
    /// booked (by start).
    public struct Group: Sendable {
        public let seats: Int
        public let wanted: Int
        public let sessions: [Int64: Session]

        public init(seats: Int, wanted: Int, sessions: [Int64: Session]) {
            self.seats = seats
            self.wanted = wanted
            self.sessions = sessions
        }
    }

    /// Each span (the service's interval at one start) is a slot if, with
    /// the service's buffers (`preBuffer`, `postBuffer`) around it, every
    /// need finds `count` distinct free candidates, no candidate serving two
    /// needs. A candidate with its own grid (`offers`) serves only starts on it.
    ///
    /// Assignment rule (documented, deterministic): need by need, the one
    /// with the fewest candidates first (then in the template's order), the
    /// free candidates offering the start as open before those offering it
    /// as premium, then those with the fewest bookings that local day (in
    /// `clock`'s zone), then by id. Greedy: a need that could only be met
    /// by undoing an earlier choice is not (documented, rare).
    public static func slots(
        spans: [Interval], preBuffer: Int64, postBuffer: Int64, needs: [Need], clock: ZoneClock, group: Group? = nil
    ) -> [Slot] {
        var slots: [Slot] = []
        var ranked: [CalendarDate: [[Candidate]]] = [:]
        // The most constrained requirement chooses first (fewest candidates,
        // then template order): a specific bookable named by a later
        // requirement is not taken by an earlier "any of these".
        let fillOrder = needs.indices.sorted { (needs[$0].candidates.count, $0) < (needs[$1].candidates.count, $1) }
        for service in spans.sorted() {
            let start = service.start
            if let group, let session = group.sessions[start], session.interval == service {
                let left = group.seats - session.seatsTaken
                let assigned = zip(needs, session.assignments).flatMap { need, ids in need.candidates.filter { ids.contains($0.id) } }
                // Its bookables are kept, so they must still work then (active, not blocked, before any service due).
                if left >= group.wanted && assigned.allSatisfy({ $0.mayStart(at: start) && $0.working.contains(service) }) {
                    slots.append(Slot(interval: service, assignments: session.assignments, seatsLeft: left, premiumBasisPoints: nil,
                                      pricingBasisPoints: pricing(of: session.assignments, needs: needs, on: clock.wallClock(at: start).date)))
                }
                continue
            }
            if let group, group.wanted > group.seats { continue }
            let occupied = service.padded(before: preBuffer, after: postBuffer)
            let day = clock.wallClock(at: start).date
            let order = ranked[day] ?? needs.map { need in
                // Each candidate's load read once, then sorted on it and the id.
                need.candidates.map { ($0.bookingsPerDay[day, default: 0], $0) }.sorted { ($0.0, $0.1.id) < ($1.0, $1.1.id) }.map(\.1)
            }
            ranked[day] = order
            var taken: Set<String> = []
            var assignments: [[String]?] = Array(repeating: nil, count: needs.count)
            var premium: Int?
            var met = 0
            for index in fillOrder {
                let need = needs[index]
                var open: [String] = []
                var premiumChoices: [(id: String, multiplier: Int)] = []
                for candidate in order[index] where open.count < need.count {
                    guard !taken.contains(candidate.id), candidate.mayStart(at: start) else { continue }
                    var offer = Candidate.Offer.open
                    if let grid = candidate.grid {
                        guard let offered = grid.offer(at: start) else { continue }
                        offer = offered
                    }
                    if case .premium = offer, premiumChoices.count >= need.count { continue }
                    guard candidate.isFree(for: occupied, on: day) else { continue }
                    switch offer {
                    case .open: open.append(candidate.id)
                    case .premium(let multiplier): premiumChoices.append((candidate.id, multiplier))
                    }
                }
                let extra = premiumChoices.prefix(max(0, need.count - open.count))
                guard open.count + extra.count == need.count else { break }
                if let highest = extra.map(\.multiplier).max() { premium = max(premium ?? 0, highest) }
                let chosen = open + extra.map(\.id)
                taken.formUnion(chosen)
                assignments[index] = chosen
                met += 1
            }
            if met == needs.count {
                let assignments = assignments.map { $0 ?? [] }
                slots.append(Slot(interval: service, assignments: assignments, seatsLeft: group?.seats, premiumBasisPoints: premium,
                                  pricingBasisPoints: pricing(of: assignments, needs: needs, on: day)))
            }
        }
        return slots
    }

    private static func pricing(of assignments: [[String]], needs: [Need], on day: CalendarDate) -> Int? {
        var highest: Int?
        for (index, ids) in assignments.enumerated() where index < needs.count && needs[index].hasPricing {
            for candidate in needs[index].candidates where ids.contains(candidate.id) {
                if let multiplier = candidate.pricing[day] { highest = max(highest ?? 0, multiplier) }
            }
        }
        return highest
    }
}
