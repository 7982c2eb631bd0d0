import Catalog
import Foundation
@testable import Scheduling
import Testing

@Suite struct AvailabilityEngineTests {
    let day = date("2026-11-26")
    let newYork = clock("America/New_York")
    var nineToFive: IntervalSet { IntervalSet([Interval(instant("2026-11-26T14:00:00Z"), instant("2026-11-26T22:00:00Z"))!]) }

    func at(_ time: String) -> Int64 { instant("2026-11-26T\(time):00Z") }

    func hourly(_ from: String = "14:00", count: Int = 8) -> [Int64] { (0..<count).map { at(from) + Int64($0) * 3600 } }

    func search(_ needs: [Need], duration: Int64 = 3600, pre: Int64 = 0, post: Int64 = 0, starts: [Int64]? = nil) -> [Slot] {
        AvailabilityEngine.slots(spans: (starts ?? hourly()).map { Interval($0, $0 + duration)! }, preBuffer: pre, postBuffer: post, needs: needs, clock: newYork)
    }

    @Test func everyNeedMustBeFreeAtOnce() {
        let provider = Candidate(id: "p1", working: nineToFive, busy: [Interval(at("15:00"), at("16:00"))!])
        let room = Candidate(id: "r1", working: nineToFive, busy: [Interval(at("17:00"), at("18:00"))!])
        let slots = search([Need(candidates: [provider], count: 1), Need(candidates: [room], count: 1)])
        #expect(slots.map(\.interval.start) == [at("14:00"), at("16:00"), at("18:00"), at("19:00"), at("20:00"), at("21:00")])
        #expect(slots.first?.assignments == [["p1"], ["r1"]])
    }

    @Test func buffersKeepBookablesFreeAroundTheService() {
        let provider = Candidate(id: "p1", working: nineToFive, busy: [Interval(at("16:00"), at("17:00"))!])
        // A 15-minute post-buffer: a 15:00-16:00 slot would run into the 16:00 booking.
        let slots = search([Need(candidates: [provider], count: 1)], post: 900)
        #expect(!slots.map(\.interval.start).contains(at("15:00")))
        // The buffer must fit in working time too: 21:00-22:00 plus 15 minutes does not.
        #expect(!slots.map(\.interval.start).contains(at("21:00")))
        #expect(slots.map(\.interval.start).contains(at("17:00")))
    }

    @Test func restAndSetupAndTeardownSeparateBookings() {
        let rested = Candidate(id: "p1", working: nineToFive, busy: [Interval(at("16:00"), at("17:00"))!], rest: 1800)
        let starts = stride(from: at("14:00"), to: at("21:00"), by: 1800).map { $0 }
        let free = search([Need(candidates: [rested], count: 1)], starts: starts).map(\.interval.start)
        // Half an hour of rest either side of 16:00-17:00: 14:30-15:30 fits, 15:00-16:00 does not; 17:30 is the first after.
        #expect(free.contains(at("14:30")) && !free.contains(at("15:00")) && !free.contains(at("17:00")) && free.contains(at("17:30")))
        let room = Candidate(id: "r1", working: nineToFive, busy: [Interval(at("16:00"), at("17:00"))!], before: 600, after: 1200)
        let roomFree = search([Need(candidates: [room], count: 1)], starts: starts).map(\.interval.start)
        // Teardown 20 + setup 10 after 17:00: 17:30 is the first; before 16:00 a slot must end by 15:30 (its teardown + the booking's setup).
        #expect(roomFree.contains(at("17:30")) && !roomFree.contains(at("17:00")) && !roomFree.contains(at("15:00")) && roomFree.contains(at("14:30")))
    }

    @Test func aVenueTakesSimultaneousBookingsUpToItsCapacity() {
        let busy = [Interval(at("15:00"), at("16:00"))!, Interval(at("15:00"), at("16:00"))!]
        let two = Candidate(id: "hall", working: nineToFive, busy: busy, capacity: 2)
        let three = Candidate(id: "hall", working: nineToFive, busy: busy, capacity: 3)
        #expect(!search([Need(candidates: [two], count: 1)]).map(\.interval.start).contains(at("15:00")))
        #expect(search([Need(candidates: [three], count: 1)]).map(\.interval.start).contains(at("15:00")))
    }

    @Test func maximumDailyBookings() {
        let full = Candidate(id: "p1", working: nineToFive, maxPerDay: 2, bookingsPerDay: [day: 2])
        #expect(search([Need(candidates: [full], count: 1)]).isEmpty)
    }

    @Test func assignmentIsLeastLoadedThenByIDAndNeverTwice() {
        let busier = Candidate(id: "a", working: nineToFive, bookingsPerDay: [day: 3])
        let idle = Candidate(id: "b", working: nineToFive, bookingsPerDay: [day: 1])
        let alsoIdle = Candidate(id: "c", working: nineToFive, bookingsPerDay: [day: 1])
        let slots = search([Need(candidates: [busier, idle, alsoIdle], count: 1), Need(candidates: [idle, alsoIdle, busier], count: 2)])
        #expect(slots.first?.assignments == [["b"], ["c", "a"]])
        // Two of one kind needed, one free: no slot.
        #expect(search([Need(candidates: [idle], count: 2)]).isEmpty)
    }

    @Test func theBookingWindowBoundsStarts() {
        let provider = Candidate(id: "p1", working: nineToFive, window: Interval(at("16:00"), at("18:00"))!)
        let slots = search([Need(candidates: [provider], count: 1)])
        #expect(slots.map(\.interval.start) == [at("16:00"), at("17:00")])
    }

    /// Whatever the bookings: no slot overlaps (buffers included) a booking
    /// of a bookable it assigns, every slot lies inside working time, and
    /// the order bookings arrive in changes nothing.
    @Test func propertiesHoldForRandomBookings() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let candidates = (0..<4).map { index in
                let busy = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                    let start = at("13:00") + Int64.random(in: 0..<40, using: &generator) * 900
                    return Interval(start, start + Int64.random(in: 1...8, using: &generator) * 900)!
                }
                return Candidate(id: "c\(index)", working: nineToFive, busy: busy, after: Int64.random(in: 0...2, using: &generator) * 600)
            }
            let starts = stride(from: at("14:00"), to: at("22:00"), by: 900).map { $0 }
            let (pre, post) = (Int64.random(in: 0...2, using: &generator) * 300, Int64.random(in: 0...2, using: &generator) * 300)
            let needs = [Need(candidates: Array(candidates.prefix(2)), count: 1), Need(candidates: Array(candidates.suffix(2)), count: 1)]
            let slots = search(needs, duration: 2700, pre: pre, post: post, starts: starts)
            let byID = Dictionary(uniqueKeysWithValues: candidates.map { ($0.id, $0) })
            for slot in slots {
                let occupied = slot.interval.padded(before: pre, after: post)
                for id in slot.assignments.joined() {
                    let candidate = byID[id]!
                    let own = occupied.padded(before: candidate.before, after: candidate.after)
                    #expect(candidate.working.contains(own))
                    #expect(!candidate.busy.contains { $0.padded(before: candidate.before, after: candidate.after).overlaps(own) })
                }
            }
            let shuffled = candidates.map {
                Candidate(id: $0.id, working: $0.working, busy: $0.busy.shuffled(using: &generator), before: $0.before, after: $0.after)
            }
            let again = search(
                [Need(candidates: Array(shuffled.prefix(2)), count: 1), Need(candidates: Array(shuffled.suffix(2)), count: 1)],
                duration: 2700, pre: pre, post: post, starts: starts)
            #expect(again == slots)
        }
    }
}

@Suite struct BookingWindowTests {
    @Test func theWindowRunsFromTheMinimumToTheMaximumAdvance() {
        let now = instant("2026-11-26T12:00:00Z")
        let window = BookingWindow.window(now: now, minimumAdvanceHours: 2, maximumAdvanceDays: 30)
        #expect(window?.start == instant("2026-11-26T14:00:00Z"))
        #expect(window?.contains(Interval(instant("2026-12-26T12:00:00Z"), instant("2026-12-26T12:00:01Z"))!) == true, "the last instant is inside")
        #expect(BookingWindow.window(now: now, minimumAdvanceHours: 48, maximumAdvanceDays: 1) == nil)
    }
}
