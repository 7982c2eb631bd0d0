import Catalog
import Foundation
@testable import Scheduling
import Testing

@Suite struct WorkingTimeTests {
    func everyDay(_ ranges: [Range<Int>], zone: String, exceptions: [CalendarDate: DayException] = [:]) -> WorkingTime {
        WorkingTime(weekly: WeeklyHours(days: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, ranges) })), exceptions: exceptions, clock: clock(zone))
    }

    /// A schedule's grid counts from when it can start at the location: a
    /// provider from 07:10 where the doors open at 09:00 starts 09:00, 09:30.
    @Test func aScheduleCutToTheLocationsHoursAnchorsItsGridThere() {
        let provider = everyDay([430..<1020], zone: "America/New_York")
        let location = everyDay([540..<720, 780..<1080], zone: "America/New_York")
        let day = date("2026-11-26")
        let cut = provider.cut(to: location, from: day, through: day)
        #expect(cut.ranges(on: day) == [540..<720, 780..<1020])
        let all = cut.open(from: day, through: day)
        let starts = cut.slotStarts(on: day, everyMinutes: 30, duration: 3600, within: all)
        #expect(starts.prefix(2) == [instant("2026-11-26T14:00:00Z"), instant("2026-11-26T14:30:00Z")])
        #expect(provider.cut(to: everyDay([540..<720], zone: "Europe/London"), from: day, through: day).ranges(on: day) == [430..<1020],
                "in another zone the schedule is left as it is")
    }

    @Test func openTimeAcrossTransitionsIsRealTime() {
        // 01:00-03:00 on the spring-forward day is one real hour; 00:00-04:00 on the fall-back day five.
        let spring = everyDay([60..<180], zone: "America/New_York").open(from: date("2026-03-08"), through: date("2026-03-08"))
        #expect(spring.intervals.map(\.duration) == [3600])
        let fall = everyDay([0..<240], zone: "America/New_York").open(from: date("2026-11-01"), through: date("2026-11-01"))
        #expect(fall.intervals.map(\.duration) == [5 * 3600])
        #expect(fall.intervals.first?.start == instant("2026-11-01T04:00:00Z"))
    }

    @Test func rangesToMidnightJoinTheNextDay() {
        let hours = everyDay([1200..<1440, 0..<120], zone: "Europe/London").open(from: date("2026-12-31"), through: date("2027-01-01"))
        // 31 Dec 20:00 to 1 Jan 02:00 is one stretch, then 1 Jan 20:00 to 2 Jan 00:00.
        #expect(hours.intervals.map(\.start) == [instant("2026-12-31T00:00:00Z"), instant("2026-12-31T20:00:00Z"), instant("2027-01-01T20:00:00Z")])
        #expect(hours.intervals.map(\.end) == [instant("2026-12-31T02:00:00Z"), instant("2027-01-01T02:00:00Z"), instant("2027-01-02T00:00:00Z")])
    }

    @Test func exceptionsCloseOrReshapeADay() {
        let leapDay = date("2028-02-29")
        let time = everyDay([540..<1020], zone: "America/New_York", exceptions: [leapDay: .hours([600..<720]), date("2028-03-01"): .closed])
        let open = time.open(from: date("2028-02-28"), through: date("2028-03-01"))
        #expect(open.intervals.map(\.duration) == [8 * 3600, 2 * 3600])
        #expect(open.intervals.last?.start == instant("2028-02-29T15:00:00Z"))
    }

    @Test func slotsNeverStartInASkippedHourNorTwiceInARepeatedOne() {
        let newYork = everyDay([0..<300], zone: "America/New_York")
        let springDay = date("2026-03-08")
        let spring = newYork.slotStarts(on: springDay, everyMinutes: 30, duration: 1800, within: newYork.open(from: springDay, through: springDay))
        let springWall = spring.map { newYork.clock.wallClock(at: $0).minute }
        #expect(springWall == [0, 30, 60, 90, 180, 210, 240, 270], "02:00 and 02:30 do not exist")

        let fallDay = date("2026-11-01")
        let fall = newYork.slotStarts(on: fallDay, everyMinutes: 30, duration: 1800, within: newYork.open(from: fallDay, through: fallDay))
        let fallWall = fall.map { newYork.clock.wallClock(at: $0).minute }
        #expect(fallWall == [0, 30, 60, 90, 120, 150, 180, 210, 240, 270], "each wall time once")
        #expect(Set(fall).count == fall.count)
        #expect(fall[2] == instant("2026-11-01T05:00:00Z"), "01:00 means its first occurrence (EDT)")

        let lordHowe = everyDay([60..<240], zone: "Australia/Lord_Howe")
        let shift = date("2026-10-04")
        let shifted = lordHowe.slotStarts(on: shift, everyMinutes: 15, duration: 900, within: lordHowe.open(from: shift, through: shift))
        #expect(!shifted.map { lordHowe.clock.wallClock(at: $0).minute }.contains { (120..<150).contains($0) })
    }

    @Test func aSlotMustFitInsideTheOpenTime() {
        let time = everyDay([540..<600], zone: "Asia/Kathmandu")
        let day = date("2026-11-26")
        let starts = time.slotStarts(on: day, everyMinutes: 15, duration: 45 * 60, within: time.open(from: day, through: day))
        #expect(starts == [instant("2026-11-26T03:15:00Z"), instant("2026-11-26T03:30:00Z")])
    }
}

@Suite struct IntervalSetTests {
    func set(_ pairs: [(Int64, Int64)]) -> IntervalSet { IntervalSet(pairs.map { Interval($0.0, $0.1)! }) }

    @Test func normalizesMergesAndOperates() {
        let a = set([(10, 20), (0, 5), (5, 8), (18, 30)])
        #expect(a.intervals == [Interval(0, 8)!, Interval(10, 30)!])
        let b = set([(3, 12), (25, 40)])
        #expect(a.intersection(b).intervals == [Interval(3, 8)!, Interval(10, 12)!, Interval(25, 30)!])
        #expect(a.subtracting(b).intervals == [Interval(0, 3)!, Interval(12, 25)!])
        #expect(a.union(b).intervals == [Interval(0, 40)!])
        #expect(a.contains(Interval(10, 30)!) && !a.contains(Interval(7, 11)!) && !a.contains(Interval(30, 31)!))
        #expect(IntervalSet().subtracting(a).isEmpty && a.subtracting(IntervalSet()) == a)
    }

    @Test func subtractionMatchesAMinuteByMinuteModel() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            func random() -> IntervalSet {
                IntervalSet((0..<Int.random(in: 0...6, using: &generator)).compactMap { _ in
                    let start = Int64.random(in: 0..<100, using: &generator)
                    return Interval(start, start + Int64.random(in: 1...30, using: &generator))
                })
            }
            let (a, b) = (random(), random())
            func minutes(_ set: IntervalSet) -> Set<Int64> { Set(set.intervals.flatMap { Array($0.start..<$0.end) }) }
            #expect(minutes(a.subtracting(b)) == minutes(a).subtracting(minutes(b)))
            #expect(minutes(a.intersection(b)) == minutes(a).intersection(minutes(b)))
            #expect(minutes(a.union(b)) == minutes(a).union(minutes(b)))
        }
    }
}
