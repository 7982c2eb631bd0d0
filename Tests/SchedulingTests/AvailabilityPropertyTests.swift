import BizingAPI
import Catalog
import PropertyBased
@testable import Scheduling
import Testing

/// Random searches (zones with transitions and odd offsets, DST days, a
/// year's end, 29 February; random hours, calendars, overrides, bookings,
/// holds, blocked time, venues, rest and daily limits), each from one seed
/// `propertyCheck` draws (and reports when a case fails).
@Suite struct AvailabilityPropertyTests {
    /// No slot overlaps (buffers included) a live booking or hold or any
    /// blocked time of a bookable it assigns; every slot lies inside the
    /// schedule, the location's hours and the booking window of each; the
    /// check finds no conflict in any slot; assignments are whole and
    /// distinct; the order bookings, holds, blocked times and bookables
    /// come in changes nothing.
    @Test func everySlotKeepsEveryRule() async {
        await propertyCheck(count: 250, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let scenario = Scenario.random(using: &random, single: false)
            let found = scenario.search.slots()
            let broken = scenario.violations(of: found)
            #expect(broken.isEmpty, "\(broken.prefix(3))")
            let again = scenario.reordered(using: &random).search.slots()
            #expect(again == found, "the same search with its inputs in another order")
        }
    }

    /// One bookable, no cascade: a start of its grid is offered exactly
    /// when the check finds nothing in the way.
    @Test func aGridStartIsOfferedExactlyWhenTheCheckFindsNoConflict() async {
        await propertyCheck(count: 150, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let scenario = Scenario.random(using: &random, single: true)
            let bookable = scenario.requirements[0].bookables[0]
            guard case .minutes(let minutes) = scenario.service.length else { return }
            let working = bookable.working(location: scenario.location, from: scenario.from.adding(days: -1), through: scenario.through.adding(days: 1))
            let schedule = bookable.schedule(location: scenario.location)
                .cut(to: scenario.location, from: scenario.from.adding(days: -1), through: scenario.through.adding(days: 1))
            let step = bookable.settings.stepMinutes(serviceMinutes: minutes)
            var expected: [Int64] = []
            var day = scenario.from
            while day <= scenario.through {
                for start in schedule.slotStarts(on: day, everyMinutes: step, duration: Int64(minutes) * 60, within: working) {
                    let service = Interval(start, start + Int64(minutes) * 60)!
                    let conflicts = IntervalCheck.conflicts(of: bookable, location: scenario.location, service: service,
                                                            preBuffer: scenario.service.preBuffer, postBuffer: scenario.service.postBuffer,
                                                            now: scenario.now)
                    if conflicts.isEmpty { expected.append(start) }
                }
                day = day.adding(days: 1)
            }
            #expect(scenario.search.slots().map(\.interval.start) == Set(expected).sorted())
        }
    }
}

/// SplitMix64: small, seeded, the same everywhere.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct Scenario {
    var location: WorkingTime
    var from: CalendarDate
    var through: CalendarDate
    var now: Int64
    var service: ServiceShape
    var requirements: [Requirement]

    var search: AvailabilitySearch {
        AvailabilitySearch(location: location, from: from, through: through, now: now, service: service, requirements: requirements)
    }

    static let zones = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]
    /// Transition days of those zones, a year's end, a leap day, an ordinary day.
    static let days = ["2026-03-08", "2026-11-01", "2026-03-29", "2026-10-25", "2026-04-05", "2026-10-04", "2026-12-31", "2028-02-29", "2026-11-26"]

    static func random(using random: inout SplitMix, single: Bool) -> Scenario {
        let zone = clock(zones.randomElement(using: &random)!)
        let from = date(days.randomElement(using: &random)!).adding(days: Int.random(in: -1...0, using: &random))
        let through = from.adding(days: Int.random(in: 0...1, using: &random))
        let first = zone.resolve(from.adding(days: -1), minute: 0).earliest
        let last = zone.resolve(through.adding(days: 2), minute: 0).earliest
        // Prepared clocks keep the checks fast; the search prepares its own.
        let prepared = zone.prepared(for: Interval(first - 4 * 86_400, last + 4 * 86_400)!)
        let location = WorkingTime(weekly: week(using: &random), clock: prepared)
        let now = zone.resolve(from, minute: 0).earliest + Int64.random(in: -3 * 86_400...86_400, using: &random)
        let service = ServiceShape(length: .minutes([15, 30, 45, 60, 90, 120].randomElement(using: &random)!),
                                   preBuffer: [0, 0, 0, 300, 900].randomElement(using: &random)!, postBuffer: [0, 0, 0, 600, 1800].randomElement(using: &random)!)
        var context = Context(clock: prepared, from: from, through: through, first: first, last: last, now: now)
        var requirements: [Requirement] = []
        var pool: [BookableTime] = []
        for _ in 0..<(single ? 1 : Int.random(in: 1...2, using: &random)) {
            var bookables = (0..<(single ? 1 : Int.random(in: 1...3, using: &random))).map { _ in
                context.bookable(using: &random, cascades: !single)
            }
            if !single, let shared = pool.randomElement(using: &random), Int.random(in: 0..<4, using: &random) == 0 { bookables.append(shared) }
            pool += bookables
            let count = single ? 1 : Int.random(in: 1...min(2, bookables.count), using: &random)
            requirements.append(Requirement(count: count, bookables: bookables))
        }
        return Scenario(location: location, from: from, through: through, now: now, service: service, requirements: requirements)
    }

    /// Open ranges of one day: closed, around the clock, office hours,
    /// over midnight, or random on a five-minute grid.
    static func ranges(using random: inout SplitMix) -> [Range<Int>] {
        switch Int.random(in: 0..<8, using: &random) {
        case 0: return []
        case 1: return [0..<1440]
        case 2: return [540..<1020]
        case 3: return [0..<180, 1200..<1440]
        default:
            var ranges: [Range<Int>] = []
            var start = Int.random(in: 0...200, using: &random) * 5
            for _ in 0..<Int.random(in: 1...2, using: &random) where start < 1435 {
                let end = min(1440, start + Int.random(in: 6...150, using: &random) * 5)
                ranges.append(start..<end)
                start = end + Int.random(in: 0...36, using: &random) * 5
            }
            return ranges
        }
    }

    static func week(using random: inout SplitMix) -> WeeklyHours {
        var days: [Weekday: [Range<Int>]] = [:]
        for day in Weekday.allCases { days[day] = ranges(using: &random) }
        return WeeklyHours(days: days)
    }

    /// What random bookables are drawn from: the days, instants and ids of one scenario.
    struct Context {
        let clock: ZoneClock
        let from: CalendarDate
        let through: CalendarDate
        let first: Int64
        let last: Int64
        let now: Int64
        var next = 0

        /// An instant in the scenario's days, on a five-minute grid.
        func instant(using random: inout SplitMix) -> Int64 {
            first + Int64.random(in: 0..<((last - first) / 300), using: &random) * 300
        }

        mutating func bookable(using random: inout SplitMix, cascades: Bool) -> BookableTime {
            next += 1
            let id = "b\(next)"
            var wire = SchedulingV1.Calendar(
                slotDurationMinutes: [0, 0, 20, 30, 60].randomElement(using: &random)!,
                slotIntervalMinutes: [0, 0, 15, 25, 30].randomElement(using: &random)!,
                preBufferMinutes: [0, 0, 0, 10, 15].randomElement(using: &random)!, postBufferMinutes: [0, 0, 0, 5, 30].randomElement(using: &random)!,
                minAdvanceHours: [0, 0, 0, 1, 5, 30].randomElement(using: &random)!, maxAdvanceDays: [0, 0, 1, 2, 3].randomElement(using: &random)!)
            if Bool.random(using: &random) {
                wire.weeklySchedule = CatalogV1.WeeklyHours(days: Weekday.allCases.map { day in
                    CatalogV1.DayHours(day: CatalogV1.DayOfWeek(protobufValue: Int32(day.rawValue)), ranges: Scenario.ranges(using: &random).map {
                        CatalogV1.TimeRange(start: Self.text($0.lowerBound), end: Self.text($0.upperBound))
                    })
                })
            }
            if cascades, Int.random(in: 0..<4, using: &random) == 0 {
                wire.cascading = SchedulingV1.Cascading(enabled: true, strategy: Bool.random(using: &random) ? .sequential : .batch,
                                                        initialOpenSlots: UInt32.random(in: 1...4, using: &random),
                                                        premiumMultiplierBasisPoints: Bool.random(using: &random) ? 0 : 12_500)
            }
            var overrides: [CalendarDate: DayOverride] = [:]
            let days = Int(through.daysSinceEpoch - from.daysSinceEpoch)
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                let day = from.adding(days: Int.random(in: -1...(days + 1), using: &random))
                overrides[day] = switch Int.random(in: 0..<3, using: &random) {
                case 0: .closed
                case 1: .hours(Scenario.ranges(using: &random))
                default: .pricing(Int.random(in: 5_000...30_000, using: &random))
                }
            }
            let blocked = (0..<Int.random(in: 0...3, using: &random)).map { index in
                let start = instant(using: &random)
                return BlockedSpan(id: "\(id)-x\(index)", interval: Interval(start, start + Int64.random(in: 1...48, using: &random) * 300)!,
                                   overridable: Bool.random(using: &random))
            }
            let reserved = (0..<Int.random(in: 0...6, using: &random)).map { index in
                let start = instant(using: &random)
                let service = Interval(start, start + Int64.random(in: 1...12, using: &random) * 900)!
                let busy = service.padded(before: [0, 0, 600, 1800].randomElement(using: &random)!, after: [0, 0, 600, 1800].randomElement(using: &random)!)
                let kind: ReservedTime.Kind = Bool.random(using: &random) ? .booking : .hold(expiresAt: now + Int64.random(in: -7200...7200, using: &random))
                return ReservedTime(bookableID: id, kind: kind, referenceID: "\(id)-r\(index)", templateID: nil, service: service, busy: busy)
            }
            let odd = { (random: inout SplitMix) in Int.random(in: 0..<5, using: &random) == 0 }
            return BookableTime(
                id: id, clock: clock, settings: CalendarSettings(wire), overrides: overrides, blocked: blocked, reserved: reserved,
                unavailable: Int.random(in: 0..<20, using: &random) == 0,
                serviceDue: Int.random(in: 0..<10, using: &random) == 0 ? instant(using: &random) : nil,
                capacity: odd(&random) ? Int.random(in: 2...3, using: &random) : 1,
                setup: odd(&random) ? [300, 600, 900].randomElement(using: &random)! : 0, teardown: odd(&random) ? [300, 900].randomElement(using: &random)! : 0,
                rest: odd(&random) ? [900, 1800].randomElement(using: &random)! : 0,
                maxPerDay: odd(&random) ? Int.random(in: 1...3, using: &random) : nil)
        }

        static func text(_ minutes: Int) -> String {
            "\(minutes / 600)\(minutes / 60 % 10):\(minutes % 60 / 10)\(minutes % 10)"
        }
    }

    /// The same scenario with every bookable's reservations and blocked
    /// times, and each requirement's bookables, in another order.
    func reordered(using random: inout SplitMix) -> Scenario {
        var copy = self
        copy.requirements = requirements.map { requirement in
            Requirement(count: requirement.count, bookables: requirement.bookables.map { time in
                BookableTime(id: time.id, clock: time.clock, settings: time.settings, overrides: time.overrides, blocked: time.blocked.shuffled(using: &random),
                             reserved: time.reserved.shuffled(using: &random), unavailable: time.unavailable, serviceDue: time.serviceDue,
                             capacity: time.capacity, setup: time.setup, teardown: time.teardown, rest: time.rest, maxPerDay: time.maxPerDay)
            }.shuffled(using: &random))
        }
        return copy
    }

    /// Every rule a slot breaks, in words (empty: none).
    func violations(of slots: [Slot]) -> [String] {
        var broken: [String] = []
        let clock = location.clock
        for (previous, slot) in zip(slots, slots.dropFirst()) where previous.interval.start >= slot.interval.start {
            broken.append("slots out of order at \(clock.iso8601(at: slot.interval.start))")
        }
        for slot in slots {
            let name = clock.iso8601(at: slot.interval.start)
            let day = clock.wallClock(at: slot.interval.start).date
            if day < from || day > through { broken.append("\(name): outside the dates searched") }
            if case .minutes(let minutes) = service.length, slot.interval.duration != Int64(minutes) * 60 { broken.append("\(name): wrong length") }
            guard slot.assignments.count == requirements.count else {
                broken.append("\(name): \(slot.assignments.count) assignments")
                continue
            }
            let ids = slot.assignments.joined()
            if Set(ids).count != ids.count { broken.append("\(name): a bookable assigned twice \(slot.assignments)") }
            let occupied = slot.interval.padded(before: service.preBuffer, after: service.postBuffer)
            for (requirement, assigned) in zip(requirements, slot.assignments) {
                if assigned.count != requirement.count { broken.append("\(name): \(assigned.count) of \(requirement.count)") }
                for id in assigned {
                    guard let time = requirement.bookables.first(where: { $0.id == id }) else {
                        broken.append("\(name): \(id) does not qualify")
                        continue
                    }
                    broken += violations(of: slot, occupied: occupied, by: time).map { "\(name) \(id): \($0)" }
                }
            }
        }
        return broken
    }

    private func violations(of slot: Slot, occupied: Interval, by time: BookableTime) -> [String] {
        var broken: [String] = []
        let own = occupied.padded(before: time.before, after: time.after)
        if time.unavailable { broken.append("inactive") }
        if let due = time.serviceDue, own.end > due { broken.append("past its service due") }
        let start = slot.interval.start
        if start < now + Int64(time.settings.minAdvanceHours) * 3600 || start > now + Int64(time.settings.maxAdvanceDays) * 86_400 {
            broken.append("outside the booking window")
        }
        for blocked in time.blocked where blocked.interval.overlaps(own) { broken.append("overlaps blocked \(blocked.id)") }
        let live = time.reserved.filter { $0.isLive(at: now) }
        if time.capacity == 1 {
            for reserved in live where reserved.busy.overlaps(occupied) { broken.append("overlaps \(reserved.referenceID)") }
        }
        let (lead, trail) = (time.before + time.rest, time.after + time.rest)
        let near = live.filter { $0.busy.padded(before: lead, after: trail).overlaps(own) }
        if near.count >= time.capacity { broken.append("\(near.count) bookings in the way, buffers and rest included") }
        if let limit = time.maxPerDay {
            let day = location.clock.wallClock(at: start).date
            if Set(live.filter { location.clock.wallClock(at: $0.service.start).date == day }.map(\.service)).count >= limit {
                broken.append("past its daily limit")
            }
        }
        // Inside the location's hours and the bookable's schedule.
        if !inside(own, { location.weekly.ranges(on: $0.weekday) }) { broken.append("outside the location's hours") }
        if !inside(own, { schedule(of: time, on: $0) }) { broken.append("outside its schedule") }
        let conflicts = IntervalCheck.conflicts(of: time, location: location, service: slot.interval, preBuffer: service.preBuffer,
                                                postBuffer: service.postBuffer, now: now)
        if !conflicts.isEmpty { broken.append("the check disagrees: \(conflicts.map(\.kind))") }
        return broken
    }

    /// The bookable's ranges on a date: its override's, or its weekly
    /// pattern's (the location's hours when it has none).
    private func schedule(of time: BookableTime, on day: CalendarDate) -> [Range<Int>] {
        switch time.overrides[day] {
        case .closed: []
        case .hours(let ranges): ranges
        case .pricing, nil: (time.settings.weekly ?? location.weekly).ranges(on: day.weekday)
        }
    }

    /// Whether `span` lies in one stretch of open time: each day's ranges
    /// from their start's first occurrence to their end's (a skipped time:
    /// the jump), touching ones joined, over the days around it.
    private func inside(_ span: Interval, _ ranges: (CalendarDate) -> [Range<Int>]) -> Bool {
        let clock = location.clock
        var open: [(start: Int64, end: Int64)] = []
        var day = clock.wallClock(at: span.start).date.adding(days: -1)
        while day <= clock.wallClock(at: span.end).date.adding(days: 1) {
            for range in ranges(day) {
                let end = range.upperBound == 1440 ? clock.resolve(day.adding(days: 1), minute: 0).earliest : clock.resolve(day, minute: range.upperBound).earliest
                open.append((clock.resolve(day, minute: range.lowerBound).earliest, end))
            }
            day = day.adding(days: 1)
        }
        var joined: [(start: Int64, end: Int64)] = []
        for stretch in open.sorted(by: { $0.start < $1.start }) {
            if let last = joined.last, stretch.start <= last.end {
                joined[joined.count - 1].end = max(last.end, stretch.end)
            } else {
                joined.append(stretch)
            }
        }
        return joined.contains { $0.start <= span.start && span.end <= $0.end }
    }
}
