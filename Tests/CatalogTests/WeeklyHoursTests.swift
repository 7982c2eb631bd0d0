import ContextKit
import BizingAPI
@testable import Catalog
import Testing

@Suite struct WeeklyHoursTests {
    @Test func overlappingRangesOfOneDayAreNamed() {
        let wire = CatalogV1.WeeklyHours(days: [
            CatalogV1.DayHours(day: .monday, ranges: [
                CatalogV1.TimeRange(start: "09:00", end: "12:00"), CatalogV1.TimeRange(start: "11:30", end: "17:00"),
                CatalogV1.TimeRange(start: "17:00", end: "24:00"),
            ]),
        ])
        let (hours, violations) = WeeklyHours.parse(wire, field: "operating_hours")
        #expect(violations.map(\.field) == ["operating_hours.days[0].ranges[1]"])
        #expect(hours.ranges(on: .monday) == [540..<720, 690..<1020, 1020..<1440])
    }

    // MARK: WallClockTime

    @Test(arguments: [("00:00", 0), ("09:05", 545), ("12:30", 750), ("23:59", 1439), ("24:00", 1440)])
    func wallClockTimeParsesHHMM(text: String, minutes: Int) {
        #expect(WallClockTime(text)?.minutes == minutes)
    }

    @Test(arguments: ["", "9:00", "09:0", "0900", "09-00", "09:60", "24:01", "25:00", "99:99", "+9:00", "09:00 ", " 9:00", "٠٩:٠٠", "ab:cd", "09:00:00"])
    func wallClockTimeRefusesAnythingElse(text: String) {
        #expect(WallClockTime(text) == nil)
    }

    @Test func wallClockTimeFromMinutesIsBoundedByADay() {
        #expect(WallClockTime(minutes: 0)?.minutes == 0)
        #expect(WallClockTime(minutes: 1440)?.minutes == 1440)
        #expect(WallClockTime(minutes: -1) == nil)
        #expect(WallClockTime(minutes: 1441) == nil)
        #expect(WallClockTime("08:00")! < WallClockTime("08:01")!)
    }

    // MARK: Weekday

    @Test func weekdaysFollowTheWireMondayFirst() {
        let wire: [CatalogV1.DayOfWeek] = [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday, .sunday]
        #expect(wire.map { Weekday($0) } == Weekday.allCases)
        #expect(Weekday(.monday)!.rawValue == 1 && Weekday(.sunday)!.rawValue == 7)
        #expect(Weekday.monday < Weekday.sunday)
    }

    @Test func unspecifiedAndUnknownDaysAreNoWeekday() {
        #expect(Weekday(.unspecified) == nil)
        #expect(Weekday(.unrecognized(8)) == nil)
        #expect(Weekday(.unrecognized(-1)) == nil)
    }

    // MARK: WeeklyHours.parse

    @Test func absentHoursAreAlwaysClosedAndValid() {
        let (hours, violations) = WeeklyHours.parse(nil, field: "operating_hours")
        #expect(violations.isEmpty)
        #expect(hours == WeeklyHours())
        #expect(Weekday.allCases.allSatisfy { hours.ranges(on: $0).isEmpty })
    }

    @Test func validWeekIsParsedSortedAndUnlistedDaysAreClosed() {
        let wire = CatalogV1.WeeklyHours(days: [
            Fixture.hours(.friday, [("13:00", "18:00"), ("08:00", "12:00")]),
            Fixture.hours(.sunday, [("00:00", "24:00")]),
            Fixture.hours(.tuesday, []),
        ])
        let (hours, violations) = WeeklyHours.parse(wire, field: "operating_hours")
        #expect(violations.isEmpty)
        #expect(hours.ranges(on: .friday) == [480..<720, 780..<1080])
        #expect(hours.ranges(on: .sunday) == [0..<1440])
        #expect(hours.ranges(on: .tuesday).isEmpty)
        #expect(hours.days[.tuesday] == nil)
        #expect(hours.ranges(on: .monday).isEmpty)
    }

    @Test func touchingRangesAreFine() {
        let wire = CatalogV1.WeeklyHours(days: [Fixture.hours(.monday, [("12:00", "17:00"), ("09:00", "12:00")])])
        let (hours, violations) = WeeklyHours.parse(wire, field: "hours")
        #expect(violations.isEmpty)
        #expect(hours.ranges(on: .monday) == [540..<720, 720..<1020])
    }

    @Test func overlapIsReportedAtTheLaterStartingRangeByItsOwnIndex() {
        // Listed out of order: ranges[0] starts later and overlaps ranges[1].
        let wire = CatalogV1.WeeklyHours(days: [Fixture.hours(.wednesday, [("10:00", "11:00"), ("09:00", "10:30")])])
        let violations = WeeklyHours.parse(wire, field: "hours").1
        #expect(violations.fields == ["hours.days[0].ranges[0]"])
        #expect(violations.first?.rule == .conflict)
        #expect(violations.first?.description == "overlaps ranges[1]")
    }

    @Test func identicalRangesOverlap() {
        let wire = CatalogV1.WeeklyHours(days: [Fixture.hours(.monday, [("09:00", "10:00"), ("09:00", "10:00")])])
        #expect(WeeklyHours.parse(wire, field: "hours").1.fields == ["hours.days[0].ranges[1]"])
    }

    @Test func rangeInsideALongerOneIsStillRefused() {
        let wire = CatalogV1.WeeklyHours(days: [Fixture.hours(.monday, [("09:00", "17:00"), ("10:00", "11:00"), ("12:00", "13:00")])])
        let violations = WeeklyHours.parse(wire, field: "hours").1
        #expect(violations.fields.contains("hours.days[0].ranges[1]"))
    }

    @Test
    func everyRangeOverlappingAnEarlierOneIsReported() {
        let wire = CatalogV1.WeeklyHours(days: [Fixture.hours(.monday, [("09:00", "17:00"), ("10:00", "11:00"), ("12:00", "13:00")])])
        let violations = WeeklyHours.parse(wire, field: "hours").1
        #expect(violations.fields == ["hours.days[0].ranges[1]", "hours.days[0].ranges[2]"])
    }

    @Test func unspecifiedDayIsRequired() {
        let wire = CatalogV1.WeeklyHours(days: [
            Fixture.hours(.monday, [("09:00", "10:00")]), Fixture.hours(.unspecified, [("09:00", "10:00")]),
        ])
        let (hours, violations) = WeeklyHours.parse(wire, field: "operating_hours")
        #expect(violations.fields == ["operating_hours.days[1].day"])
        #expect(violations.first?.rule == .required)
        #expect(hours.days.keys.sorted() == [.monday])
    }

    @Test func unknownDayValueIsRefused() {
        let wire = CatalogV1.WeeklyHours(days: [Fixture.hours(.unrecognized(9), [("09:00", "10:00")])])
        #expect(WeeklyHours.parse(wire, field: "hours").1.fields == ["hours.days[0].day"])
    }

    @Test func dayListedTwiceIsAConflictItsRangesStillCheckedAndItIsIgnored() {
        let wire = CatalogV1.WeeklyHours(days: [
            Fixture.hours(.monday, [("09:00", "10:00")]), Fixture.hours(.tuesday, [("09:00", "10:00")]),
            Fixture.hours(.monday, [("zz", "yy")]),
        ])
        let (hours, violations) = WeeklyHours.parse(wire, field: "hours")
        #expect(violations.fields == ["hours.days[2].day", "hours.days[2].ranges[0].start", "hours.days[2].ranges[0].end"])
        #expect(violations.first?.rule == .conflict)
        #expect(violations.first?.description == "repeats days[0]: list each day once")
        #expect(hours.ranges(on: .monday) == [540..<600])
    }

    @Test(arguments: [
        ("9:00", "10:00", ["hours.days[0].ranges[0].start"]),
        ("09:00", "10:0", ["hours.days[0].ranges[0].end"]),
        ("", "", ["hours.days[0].ranges[0].start", "hours.days[0].ranges[0].end"]),
        ("24:00", "24:00", ["hours.days[0].ranges[0].start"]),
        ("10:00", "10:00", ["hours.days[0].ranges[0].end"]),
        ("17:00", "09:00", ["hours.days[0].ranges[0].end"]),
        ("09:00", "00:00", ["hours.days[0].ranges[0].end"]),
    ])
    func badRangesNameTheirEnds(start: String, end: String, fields: [String]) {
        let wire = CatalogV1.WeeklyHours(days: [Fixture.hours(.thursday, [(start, end)])])
        let (hours, violations) = WeeklyHours.parse(wire, field: "hours")
        #expect(violations.fields == fields)
        #expect(hours.ranges(on: .thursday).isEmpty)
    }

    @Test func malformedTimeIsMalformedAndBackwardsRangeNotAllowed() {
        let wire = CatalogV1.WeeklyHours(days: [Fixture.hours(.monday, [("9am", "10:00"), ("11:00", "10:00")])])
        let violations = WeeklyHours.parse(wire, field: "hours").1
        #expect(violations.map(\.rule) == [.malformed, .notAllowed])
        #expect(violations.fields == ["hours.days[0].ranges[0].start", "hours.days[0].ranges[1].end"])
    }

    @Test func initializerSortsAndDropsEmptyDays() {
        let hours = WeeklyHours(days: [.monday: [600..<700, 100..<200], .tuesday: []])
        #expect(hours.ranges(on: .monday) == [100..<200, 600..<700])
        #expect(hours.days[.tuesday] == nil)
    }
}
