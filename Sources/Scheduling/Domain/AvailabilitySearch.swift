public import Catalog
import Foundation

/// The shape of the service being searched for.
public struct ServiceShape: Hashable, Sendable {
    public enum Length: Hashable, Sendable {
        /// A fixed length, or the length chosen of a variable one.
        case minutes(Int)
        /// A stay: from the start to the same wall time this many days later.
        case nights(Int)
    }

    public let length: Length
    /// The template's buffers, seconds.
    public let preBuffer: Int64
    public let postBuffer: Int64
    /// Its id: a group class's sessions are its own reservations.
    public let templateID: String?
    /// A group class: its seats.
    public let groupSeats: Int?

    public init(length: Length, preBuffer: Int64 = 0, postBuffer: Int64 = 0, templateID: String? = nil, groupSeats: Int? = nil) {
        self.length = length
        self.preBuffer = preBuffer
        self.postBuffer = postBuffer
        self.templateID = templateID
        self.groupSeats = groupSeats
    }

    /// The minutes a slot of the grid is measured in (a stay: a day).
    var gridMinutes: Int {
        switch length {
        case .minutes(let minutes): minutes
        case .nights: 1440
        }
    }

    /// The service's interval from `start`, wall-clock days counted in `clock`.
    public func interval(from start: Int64, clock: ZoneClock) -> Interval? {
        switch length {
        case .minutes(let minutes):
            return Interval(start, start + Int64(minutes) * 60)
        case .nights(let nights):
            let (date, minute) = clock.wallClock(at: start)
            return Interval(start, clock.resolve(date.adding(days: nights), minute: minute).earliest)
        }
    }
}

/// One requirement of the template, with the bookables that qualify.
public struct Requirement: Sendable {
    public let count: Int
    public let bookables: [BookableTime]

    public init(count: Int, bookables: [BookableTime]) {
        self.count = count
        self.bookables = bookables
    }
}

/// A search: the pure whole from loaded calendars to slots.
public struct AvailabilitySearch: Sendable {
    /// The location's hours, in its zone.
    public let location: WorkingTime
    /// Local dates at the location, both included.
    public let from: CalendarDate
    public let through: CalendarDate
    public let now: Int64
    public let service: ServiceShape
    /// The template's required bookables, in its order; the first one's
    /// calendars set the slot grid.
    public let requirements: [Requirement]
    /// A group class: the seats wanted.
    public let seatsWanted: Int
    /// Staff booking a walk-in: the calendars' minimum advance does not
    /// apply (their maximum and the present still do).
    public let minimumAdvanceWaived: Bool

    public init(
        location: WorkingTime, from: CalendarDate, through: CalendarDate, now: Int64, service: ServiceShape, requirements: [Requirement],
        seatsWanted: Int = 1, minimumAdvanceWaived: Bool = false
    ) {
        self.location = location
        self.from = from
        self.through = through
        self.now = now
        self.service = service
        self.requirements = requirements
        self.seatsWanted = seatsWanted
        self.minimumAdvanceWaived = minimumAdvanceWaived
    }

    /// The slots, in start order.
    public func slots() -> [Slot] {
        guard !requirements.isEmpty, let range = Interval(location.clock.resolve(from, minute: 0).earliest,
                                                                 location.clock.resolve(through.adding(days: 1), minute: 0).earliest)
        else { return [] }
        let clock = location.clock.prepared(for: range.padded(before: 0, after: Int64(stayDays) * 86_400))
        let locationTime = WorkingTime(weekly: location.weekly, exceptions: location.exceptions, clock: clock)
        // Each zone's offsets read once for the search, however many bookables share it.
        let span = Interval(location.clock.resolve(from.adding(days: -1), minute: 0).earliest,
                            location.clock.resolve(through.adding(days: 2 + stayDays), minute: 0).earliest)!
        var clocks: [String: ZoneClock] = [:]
        for bookable in requirements.flatMap(\.bookables) where clocks[bookable.clock.zone.identifier] == nil {
            clocks[bookable.clock.zone.identifier] = bookable.clock.prepared(for: span)
        }
        let needs = requirements.enumerated().map { index, requirement in
            Need(candidates: requirement.bookables.map {
                candidate($0, clock: clocks[$0.clock.zone.identifier] ?? $0.clock, location: locationTime, gridded: index == 0)
            }, count: requirement.count)
        }
        // Every grid's starts, once each, in order: marked in a bitmap of
        // the range's minutes (grids start on whole minutes), so the union
        // of many candidates' grids costs one pass over them, not a sort.
        var marks = StartMarks(range)
        for candidate in needs[0].candidates {
            if let grid = candidate.grid { for start in grid.starts { marks.mark(start) } }
        }
        var group: AvailabilityEngine.Group?
        if let seats = service.groupSeats {
            let sessions = self.sessions(needs: needs)
            for start in sessions.keys { marks.mark(start) }
            group = AvailabilityEngine.Group(seats: seats, wanted: seatsWanted, sessions: sessions)
        }
        let spans = marks.starts.compactMap { service.interval(from: $0, clock: clock) }
        return AvailabilityEngine.slots(spans: spans, preBuffer: service.preBuffer, postBuffer: service.postBuffer, needs: needs,
                                        clock: clock, group: group)
    }

    /// Extra days a stay reaches past the last date.
    private var stayDays: Int {
        if case .nights(let nights) = service.length { return nights }
        return 0
    }

    /// One bookable as the engine sees it, its calendar read with `clock`
    /// (its zone, prepared for the search). Days are read one either side of
    /// the range (buffers and zones reach over midnight).
    func candidate(_ bookable: BookableTime, clock: ZoneClock, location: WorkingTime, gridded: Bool) -> Candidate {
        let (first, last) = (from.adding(days: -1), through.adding(days: 1 + stayDays))
        let timed = BookableTime(
            id: bookable.id, clock: clock, settings: bookable.settings, overrides: bookable.overrides, blocked: bookable.blocked,
            reserved: bookable.reserved, unavailable: bookable.unavailable, unavailableReason: bookable.unavailableReason, serviceDue: bookable.serviceDue, capacity: bookable.capacity,
            setup: bookable.setup, teardown: bookable.teardown, rest: bookable.rest, maxPerDay: bookable.maxPerDay, ownHours: bookable.ownHours)
        var working = timed.working(location: location, from: first, through: last)
        if case .nights = service.length { working = timed.stayWorking(location: location, clock: location.clock, from: first, through: last) }
        // An empty booking window (a minimum advance beyond the maximum)
        // admits no start; a candidate's nil window would admit any.
        let window = minimumAdvanceWaived
            ? BookingWindow.window(now: now, minimumAdvanceHours: 0, maximumAdvanceDays: bookable.settings.maxAdvanceDays)
            : bookable.window(now: now)
        if window == nil { working = IntervalSet() }

        let live = timed.reserved.filter { $0.isLive(at: now) }
        var perDay: [CalendarDate: Set<Interval>] = [:]
        for reserved in live { perDay[location.clock.wallClock(at: reserved.service.start).date, default: []].insert(reserved.service) }
        // A group class's own sessions are counted once however many take part.
        var busy: [Interval] = []
        var sessionsSeen = Set<Interval>()
        for reserved in live {
            if let templateID = service.templateID, service.groupSeats != nil, reserved.templateID == templateID {
                if !sessionsSeen.insert(reserved.busy).inserted { continue }
            }
            busy.append(reserved.busy)
        }
        var pricing: [CalendarDate: Int] = [:]
        for case let (date, .pricing(multiplier)) in timed.overrides { pricing[date] = multiplier }

        return Candidate(
            id: bookable.id, working: working, busy: busy, capacity: bookable.capacity, before: bookable.before, after: bookable.after,
            rest: bookable.rest, maxPerDay: bookable.maxPerDay, bookingsPerDay: perDay.mapValues(\.count), window: window,
            grid: gridded ? grid(timed, location: location, working: working, reserved: live) : nil, pricing: pricing)
    }

    /// The starts of a bookable's own grid over the range and how its
    /// cascade offers each: per local day, the day's grid in time order,
    /// filled where its own bookings or holds already sit.
    private func grid(_ bookable: BookableTime, location: WorkingTime, working: IntervalSet, reserved: [ReservedTime]) -> Grid {
        let schedule = bookable.schedule(location: location).cut(to: location, from: from.adding(days: -1), through: through.adding(days: 1))
        let serviceMinutes = service.gridMinutes
        let step = bookable.settings.stepMinutes(serviceMinutes: serviceMinutes)
        let slotLength = Int64(bookable.settings.slotMinutes(serviceMinutes: serviceMinutes)) * 60
        let reservedSpans = reserved.map(\.service).sorted()
        var offers: [(start: Int64, offer: Candidate.Offer)] = []
        var date = from.adding(days: -1)
        while date <= through.adding(days: 1) {
            let starts = schedule.slotStarts(on: date, everyMinutes: step, duration: Int64(serviceMinutes) * 60, within: working)
            if let cascade = bookable.settings.cascade {
                let filled = starts.map { start in
                    reservedSpans.contains { $0.overlaps(Interval(start, start + slotLength)!) }
                }
                for (start, offer) in zip(starts, cascade.offers(filled: filled)) {
                    switch offer {
                    case .open, .filled: offers.append((start, .open))
                    case .premium(let multiplier): offers.append((start, .premium(multiplier)))
                    case .closed: break
                    }
                }
            } else {
                offers += starts.map { ($0, .open) }
            }
            date = date.adding(days: 1)
        }
        // Days come in order and each day's starts ascend, but a range's
        // starts may interleave with another's (sorted, repeats dropped).
        offers.sort { $0.start < $1.start }
        var unique: [(start: Int64, offer: Candidate.Offer)] = []
        for entry in offers where unique.last?.start != entry.start { unique.append(entry) }
        return Grid(ascending: unique.map(\.start), offers: unique.map(\.offer))
    }

    /// A group class's sessions: its live reservations by service
    /// interval, with their seats and, per need, the bookables they hold.
    private func sessions(needs: [Need]) -> [Int64: Session] {
        guard let templateID = service.templateID else { return [:] }
        var byInterval: [Interval: (ids: Set<String>, seats: [String: Int])] = [:]
        for requirement in requirements {
            for bookable in requirement.bookables {
                for reserved in bookable.reserved where reserved.templateID == templateID && reserved.isLive(at: now) {
                    byInterval[reserved.service, default: ([], [:])].ids.insert(bookable.id)
                    byInterval[reserved.service, default: ([], [:])].seats[reserved.referenceID] = reserved.participants
                }
            }
        }
        var sessions: [Int64: Session] = [:]
        for (interval, found) in byInterval {
            let assignments = needs.map { need in Array(need.candidates.map(\.id).filter(found.ids.contains).sorted().prefix(need.count)) }
            guard zip(assignments, needs).allSatisfy({ $0.count == $1.count }) else { continue }
            sessions[interval.start] = Session(interval: interval, assignments: assignments, seatsTaken: found.seats.values.reduce(0, +))
        }
        return sessions
    }
}

/// A set of starts within a range, kept as one flag per minute of it (and
/// any start off the minute aside): a union and an ordered walk in linear time.
struct StartMarks {
    let range: Interval
    private var minutes: [Bool]
    private var others: Set<Int64> = []

    init(_ range: Interval) {
        self.range = range
        minutes = Array(repeating: false, count: Int((range.duration + 59) / 60))
    }

    mutating func mark(_ start: Int64) {
        guard start >= range.start && start < range.end else { return }
        let offset = start - range.start
        if offset % 60 == 0 { minutes[Int(offset / 60)] = true } else { others.insert(start) }
    }

    /// The starts marked, ascending.
    var starts: [Int64] {
        var found: [Int64] = []
        for (minute, marked) in minutes.enumerated() where marked { found.append(range.start + Int64(minute) * 60) }
        guard !others.isEmpty else { return found }
        return (found + others).sorted()
    }
}
