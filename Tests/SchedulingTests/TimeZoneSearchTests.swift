import Catalog
@testable import Scheduling
import Testing

/// Searches on the days clocks change, in zones with odd offsets, across a
/// year's end and on 29 February: no slot starts in a skipped hour, none
/// appears twice in a repeated one, local times carry the offset in force.
@Suite struct TimeZoneSearchTests {
    /// A bookable working `schedule` at a location open around the clock in
    /// `zone`, searched on `day` (two days ahead of now).
    func search(_ zone: String, _ schedule: [String], on day: String, minutes: Int, interval: UInt32 = 0) -> [Slot] {
        let provider = bookable("p1", zone: zone, calendar(week: schedule, interval: interval))
        return slots([needs(1, provider)], at: location(zone, ["00:00-24:00"]), from: day, now: local(day, "00:00", zone) - 2 * 86_400,
                     service: ServiceShape(length: .minutes(minutes)))
    }

    @Test func springForwardInNewYorkStartsNothingInTheSkippedHour() {
        let hourly = search("America/New_York", ["01:00-04:00"], on: "2026-03-08", minutes: 60)
        // 01:00-04:00 is two real hours: 01:00 EST and 03:00 EDT.
        #expect(isoStarts(hourly, "America/New_York") == ["2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00"])
        #expect(isoEnds(hourly, "America/New_York") == ["2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"])
        #expect(hourly.map(\.interval.duration) == [3600, 3600])
        let halfHourly = search("America/New_York", ["01:00-04:00"], on: "2026-03-08", minutes: 30)
        #expect(isoStarts(halfHourly, "America/New_York")
            == ["2026-03-08T01:00:00-05:00", "2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"])
    }

    @Test func fallBackInNewYorkOffersEachWallTimeOnceAtItsFirstOccurrence() {
        let found = search("America/New_York", ["00:00-03:00"], on: "2026-11-01", minutes: 30)
        #expect(isoStarts(found, "America/New_York") == [
            "2026-11-01T00:00:00-04:00", "2026-11-01T00:30:00-04:00", "2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00",
            "2026-11-01T02:00:00-05:00", "2026-11-01T02:30:00-05:00",
        ])
        #expect(Set(found.map(\.interval.start)).count == found.count)
        // The 01:30 EDT slot ends at 01:00 EST.
        #expect(isoEnds(found, "America/New_York")[3] == "2026-11-01T01:00:00-05:00")
        let hourly = search("America/New_York", ["00:00-03:00"], on: "2026-11-01", minutes: 60)
        #expect(hourly.map(\.interval.start) == [instant("2026-11-01T04:00:00Z"), instant("2026-11-01T05:00:00Z"), instant("2026-11-01T07:00:00Z")])
    }

    @Test func springForwardInLondon() {
        let found = search("Europe/London", ["00:00-03:00"], on: "2026-03-29", minutes: 30)
        #expect(isoStarts(found, "Europe/London")
            == ["2026-03-29T00:00:00+00:00", "2026-03-29T00:30:00+00:00", "2026-03-29T02:00:00+01:00", "2026-03-29T02:30:00+01:00"])
        #expect(found.last?.interval.end == instant("2026-03-29T02:00:00Z"))
    }

    @Test func fallBackInLondon() {
        let found = search("Europe/London", ["00:00-03:00"], on: "2026-10-25", minutes: 30)
        #expect(isoStarts(found, "Europe/London") == [
            "2026-10-25T00:00:00+01:00", "2026-10-25T00:30:00+01:00", "2026-10-25T01:00:00+01:00", "2026-10-25T01:30:00+01:00",
            "2026-10-25T02:00:00+00:00", "2026-10-25T02:30:00+00:00",
        ])
        #expect(found.first?.interval.start == instant("2026-10-24T23:00:00Z"))
    }

    @Test func lordHoweFallsBackHalfAnHour() {
        // 02:00 LHDT (+11) becomes 01:30 LHST (+10:30): 01:30-02:00 happens twice.
        let found = search("Australia/Lord_Howe", ["01:00-03:00"], on: "2026-04-05", minutes: 30)
        #expect(isoStarts(found, "Australia/Lord_Howe")
            == ["2026-04-05T01:00:00+11:00", "2026-04-05T01:30:00+11:00", "2026-04-05T02:00:00+10:30", "2026-04-05T02:30:00+10:30"])
        #expect(isoEnds(found, "Australia/Lord_Howe")[1] == "2026-04-05T01:30:00+10:30")
        #expect(found.map(\.interval.start) == ["14:00", "14:30", "15:30", "16:00"].map { instant("2026-04-04T\($0):00Z") })
    }

    @Test func lordHoweSpringsForwardHalfAnHour() {
        // 02:00 LHST (+10:30) becomes 02:30 LHDT (+11): 02:00-02:30 does not exist.
        let found = search("Australia/Lord_Howe", ["01:00-04:00"], on: "2026-10-04", minutes: 30)
        #expect(isoStarts(found, "Australia/Lord_Howe") == [
            "2026-10-04T01:00:00+10:30", "2026-10-04T01:30:00+10:30", "2026-10-04T02:30:00+11:00", "2026-10-04T03:00:00+11:00",
            "2026-10-04T03:30:00+11:00",
        ])
        #expect(found.map(\.interval.duration).allSatisfy { $0 == 1800 })
    }

    @Test func kathmanduIsFiveFortyFiveAhead() {
        let found = slots([needs(1, bookable("p1", zone: "Asia/Kathmandu"))], at: location("Asia/Kathmandu", ["09:00-12:00"]), from: "2026-11-26",
                          now: instant("2026-11-20T00:00:00Z"))
        #expect(isoStarts(found, "Asia/Kathmandu") == ["2026-11-26T09:00:00+05:45", "2026-11-26T10:00:00+05:45", "2026-11-26T11:00:00+05:45"])
        #expect(found.first?.interval.start == instant("2026-11-26T03:15:00Z"))
    }

    @Test func aSlotMayRunFromNewYearsEveIntoTheNewYear() {
        let hours = location("America/New_York", ["00:00-02:00", "20:00-24:00"])
        let found = slots([needs(1, bookable("p1", calendar(interval: 60)))], at: hours, from: "2026-12-31", through: "2027-01-01",
                          now: instant("2026-12-20T00:00:00Z"), service: ServiceShape(length: .minutes(120)))
        let evening = ["20:00", "21:00", "22:00", "23:00"]
        #expect(dayTimes(found) == ["2026-12-31 00:00"] + evening.map { "2026-12-31 \($0)" } + ["2027-01-01 00:00"] + evening.map { "2027-01-01 \($0)" })
        #expect(clock("America/New_York").iso8601(at: found[4].interval.start) == "2026-12-31T23:00:00-05:00")
        #expect(clock("America/New_York").iso8601(at: found[4].interval.end) == "2027-01-01T01:00:00-05:00")
    }

    @Test func theDailyLimitCountsNewYearsEveInNewYorkNotUTC() {
        let late = booking("p1", "k1", at: local("2026-12-31", "21:00"))
        #expect(late.service.start == instant("2027-01-01T02:00:00Z"))
        let found = slots([needs(1, bookable("p1", reserved: [late], maxPerDay: 1))], from: "2026-12-31", through: "2027-01-01",
                          now: instant("2026-12-20T00:00:00Z"))
        #expect(dayTimes(found) == every(60, from: "09:00", through: "16:00").map { "2027-01-01 \($0)" })
    }

    @Test func the29thOfFebruary2028IsATuesday() {
        let tuesdays = location("America/New_York", ["09:00-12:00"], on: [.tuesday])
        let now = instant("2028-02-20T00:00:00Z")
        let found = slots([needs(1, bookable("p1"))], at: tuesdays, from: "2028-02-27", through: "2028-03-02", now: now)
        #expect(isoStarts(found, "America/New_York") == ["2028-02-29T09:00:00-05:00", "2028-02-29T10:00:00-05:00", "2028-02-29T11:00:00-05:00"])
        let priced = bookable("p1", overrides: [date("2028-02-29"): .pricing(20_000)])
        #expect(slots([needs(1, priced)], at: tuesdays, from: "2028-02-27", through: "2028-03-02", now: now).map(\.pricingBasisPoints) == [20_000, 20_000, 20_000])
        let closed = bookable("p1", overrides: [date("2028-02-29"): .closed])
        #expect(slots([needs(1, closed)], at: tuesdays, from: "2028-02-27", through: "2028-03-02", now: now).isEmpty)
    }

    @Test func aStayOverTheLeapDayIsOneDayLonger() {
        func stay(_ day: String) -> Slot? {
            slots([needs(1, bookable("r1"))], from: day, now: local(day, "00:00") - 86_400, service: ServiceShape(length: .nights(2))).first
        }
        #expect(stay("2028-02-28")?.interval == Interval(local("2028-02-28", "09:00"), local("2028-03-01", "09:00")))
        #expect(stay("2027-02-28")?.interval == Interval(local("2027-02-28", "09:00"), local("2027-03-02", "09:00")))
    }

    @Test func aStayAcrossFallBackEndsAtTheSameWallTime() {
        let found = slots([needs(1, bookable("r1"))], from: "2026-10-31", now: instant("2026-10-20T00:00:00Z"), service: ServiceShape(length: .nights(2)))
        #expect(isoStarts(found, "America/New_York") == ["2026-10-31T09:00:00-04:00"])
        #expect(isoEnds(found, "America/New_York") == ["2026-11-02T09:00:00-05:00"])
        #expect(found.first?.interval.duration == Int64(49 * 3600))
    }

    @Test(arguments: [
        ("America/New_York", "2026-03-08T06:59:59Z", "2026-03-08T01:59:59-05:00"),
        ("America/New_York", "2026-03-08T07:00:00Z", "2026-03-08T03:00:00-04:00"),
        ("America/New_York", "2026-11-01T05:30:00Z", "2026-11-01T01:30:00-04:00"),
        ("America/New_York", "2026-11-01T06:30:00Z", "2026-11-01T01:30:00-05:00"),
        ("Europe/London", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00+01:00"),
        ("Europe/London", "2026-10-25T00:59:59Z", "2026-10-25T01:59:59+01:00"),
        ("Europe/London", "2026-10-25T01:00:00Z", "2026-10-25T01:00:00+00:00"),
        ("Australia/Lord_Howe", "2026-04-04T14:59:59Z", "2026-04-05T01:59:59+11:00"),
        ("Australia/Lord_Howe", "2026-04-04T15:00:00Z", "2026-04-05T01:30:00+10:30"),
        ("Australia/Lord_Howe", "2026-10-03T15:30:00Z", "2026-10-04T02:30:00+11:00"),
        ("Asia/Kathmandu", "2026-12-31T18:15:00Z", "2027-01-01T00:00:00+05:45"),
        ("America/New_York", "2027-01-01T04:59:59Z", "2026-12-31T23:59:59-05:00"),
        ("America/New_York", "2028-03-01T04:59:59Z", "2028-02-29T23:59:59-05:00"),
        ("UTC", "2028-02-29T00:00:00Z", "2028-02-29T00:00:00+00:00"),
        ("America/St_Johns", "2026-11-26T12:00:00Z", "2026-11-26T08:30:00-03:30"),
        ("UTC", "1969-12-31T23:59:59Z", "1969-12-31T23:59:59+00:00"),
    ])
    func iso8601CarriesTheOffsetInForce(zone: String, utc: String, expected: String) {
        let moment = instant(utc)
        #expect(clock(zone).iso8601(at: moment) == expected)
        #expect(clock(zone).prepared(for: Interval(moment - 3 * 86_400, moment + 3 * 86_400)!).iso8601(at: moment) == expected)
    }

    /// A prepared clock (offsets precomputed) answers as Foundation does
    /// around every transition of these zones in 2026-2028.
    @Test(arguments: ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns"])
    func aPreparedClockAgreesWithFoundation(zone: String) {
        let plain = clock(zone)
        let prepared = plain.prepared(for: Interval(instant("2026-01-01T00:00:00Z"), instant("2029-01-01T00:00:00Z"))!)
        var (day, checked, differing) = (date("2026-01-02"), 0, [String]())
        while day < date("2028-12-30") {
            let midnight = plain.resolve(day, minute: 0).earliest
            if plain.offset(at: midnight) != plain.offset(at: midnight + 86_400) {
                for near in [day.adding(days: -1), day, day.adding(days: 1)] {
                    for minute in stride(from: 0, to: 1440, by: 15) where prepared.resolve(near, minute: minute) != plain.resolve(near, minute: minute) {
                        differing.append("\(near.text) minute \(minute)")
                    }
                }
                for moment in stride(from: midnight - 86_400, to: midnight + 2 * 86_400, by: 900) {
                    if prepared.offset(at: moment) != plain.offset(at: moment) { differing.append("instant \(moment)") }
                    if prepared.iso8601(at: moment) != plain.iso8601(at: moment) { differing.append("iso8601 \(moment)") }
                }
                checked += 1
            }
            day = day.adding(days: 1)
        }
        #expect(differing == [])
        #expect(checked == (zone == "Asia/Kathmandu" ? 0 : 6), "two transitions a year")
    }
}
