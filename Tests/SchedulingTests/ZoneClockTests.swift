import Catalog
import Foundation
@testable import Scheduling
import Testing

/// An ISO 8601 UTC instant in seconds.
func instant(_ text: String) -> Int64 {
    Int64(ISO8601DateFormatter().date(from: text)!.timeIntervalSince1970)
}

func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

func clock(_ zone: String) -> ZoneClock { ZoneClock(identifier: zone)! }

@Suite struct CalendarArithmeticTests {
    @Test(arguments: ["1970-01-01", "1969-12-31", "2000-02-29", "2024-02-29", "2026-11-26", "2027-01-01", "2028-02-29", "2100-03-01", "1900-03-01"])
    func daysRoundTrip(_ text: String) {
        let parsed = date(text)
        #expect(CalendarDate(daysSinceEpoch: parsed.daysSinceEpoch) == parsed)
        #expect(parsed.text == text)
    }

    @Test func knownDays() {
        #expect(date("1970-01-01").daysSinceEpoch == 0)
        #expect(date("1970-01-01").weekday == .thursday)
        #expect(date("2026-11-26").weekday == .thursday)
        #expect(date("2028-02-29").weekday == .tuesday)
        #expect(date("2026-12-31").adding(days: 1) == date("2027-01-01"))
        #expect(date("2028-02-28").adding(days: 1) == date("2028-02-29"))
        #expect(date("2027-02-28").adding(days: 1) == date("2027-03-01"))
    }
}

@Suite struct ZoneClockTests {
    @Test func anOrdinaryTimeIsOneInstant() {
        #expect(clock("America/New_York").resolve(date("2026-11-26"), minute: 9 * 60) == .unique(instant("2026-11-26T14:00:00Z")))
        #expect(clock("Asia/Kathmandu").resolve(date("2026-11-26"), minute: 9 * 60) == .unique(instant("2026-11-26T03:15:00Z")))
        #expect(clock("UTC").resolve(date("2026-11-26"), minute: 0) == .unique(instant("2026-11-26T00:00:00Z")))
    }

    @Test func aSkippedTimeResolvesToTheJump() {
        // New York springs forward at 02:00 EST = 07:00Z.
        #expect(clock("America/New_York").resolve(date("2026-03-08"), minute: 2 * 60 + 30) == .skipped(transition: instant("2026-03-08T07:00:00Z")))
        // London at 01:00 GMT.
        #expect(clock("Europe/London").resolve(date("2026-03-29"), minute: 90) == .skipped(transition: instant("2026-03-29T01:00:00Z")))
        // Lord Howe moves half an hour: 02:00 to 02:30 does not exist.
        #expect(clock("Australia/Lord_Howe").resolve(date("2026-10-04"), minute: 2 * 60 + 15) == .skipped(transition: instant("2026-10-03T15:30:00Z")))
    }

    @Test func aRepeatedTimeHasTwoInstantsTheFirstFirst() {
        #expect(clock("America/New_York").resolve(date("2026-11-01"), minute: 90)
            == .repeated(first: instant("2026-11-01T05:30:00Z"), second: instant("2026-11-01T06:30:00Z")))
        #expect(clock("Europe/London").resolve(date("2026-10-25"), minute: 90)
            == .repeated(first: instant("2026-10-25T00:30:00Z"), second: instant("2026-10-25T01:30:00Z")))
        #expect(clock("Australia/Lord_Howe").resolve(date("2026-04-05"), minute: 105)
            == .repeated(first: instant("2026-04-04T14:45:00Z"), second: instant("2026-04-04T15:15:00Z")))
    }

    @Test func wallClockOfAnInstant() {
        let newYork = clock("America/New_York")
        #expect(newYork.wallClock(at: instant("2026-11-26T14:00:00Z")) == (date("2026-11-26"), 540))
        #expect(newYork.wallClock(at: instant("2027-01-01T04:59:00Z")) == (date("2026-12-31"), 23 * 60 + 59))
        #expect(clock("Asia/Kathmandu").wallClock(at: instant("2026-11-26T03:15:00Z")) == (date("2026-11-26"), 540))
    }
}
