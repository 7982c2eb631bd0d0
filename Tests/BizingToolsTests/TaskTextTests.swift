import BizingAPI
import BizingRPC
import BizingTools
import Foundation
import Testing

/// The pure pieces of the task commands (`bizing availability`, `book`, ...):
/// local times across DST, money from minor units, tables.
@Suite struct TaskTextTests {
    static let newYork = TimeZone(identifier: "America/New_York")!

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func datesAreRealDaysOfTheCalendar() throws {
        let date = try #require(LocalDate("2026-06-18"))
        #expect((date.year, date.month, date.day) == (2026, 6, 18))
        #expect(date.description == "2026-06-18")
        #expect(date.weekdayAbbreviation == "Thu")
        #expect(date.adding(days: 13).description == "2026-07-01")
        #expect(LocalDate("2024-02-29")?.adding(days: 1).description == "2024-03-01")
        #expect(LocalDate("1969-12-31")?.daysSinceEpoch == -1)
        for bad in ["2026-02-29", "2026-02-30", "2026-13-01", "2026-6-18", "2026-06-18 ", "18/06/2026", ""] {
            #expect(LocalDate(bad) == nil, "\(bad)")
        }
        // 03:30 UTC is still the day before in New York.
        #expect(LocalDate.today(in: Self.newYork, now: Self.utc("2026-06-19T03:30:00Z")).description == "2026-06-18")
        #expect(LocalDate.today(in: TimeZone(identifier: "Asia/Tokyo")!, now: Self.utc("2026-06-18T20:00:00Z")).description == "2026-06-19")
    }

    @Test func wallTimesParse() {
        #expect(LocalDateTime("2026-06-18 14:30")?.description == "2026-06-18 14:30")
        #expect(LocalDateTime("2026-06-18T09:05") == LocalDateTime("2026-06-18 09:05:00"))
        for bad in ["2026-06-18 24:00", "2026-06-18 12:60", "2026-06-18 +1:30", "2026-06-18 9:30", "2026-02-30 10:00", "2026-06-18 10:00:30", "2026-06-18"] {
            #expect(LocalDateTime(bad) == nil, "\(bad)")
        }
    }

    @Test func aTimeOnADayTheCalendarLacksSaysSo() {
        #expect(WhenText.refusal("2026-02-30 10:00") == "--at: 2026-02-30 is not a day of the calendar")
        #expect(WhenText.refusal("2026-13-01 10:00") == "--at: 2026-13-01 is not a day of the calendar")
        #expect(WhenText.refusal("tomorrow").hasPrefix("--at takes \"YYYY-MM-DD HH:MM\""))
        #expect(WhenText.refusal("2026-02-28 25:00").hasPrefix("--at takes"))
    }

    @Test func anOrdinaryWallTimeIsOneInstant() throws {
        let summer = try #require(LocalDateTime("2026-06-18 14:00"))
        #expect(summer.resolve(in: Self.newYork) == .unique(Self.utc("2026-06-18T18:00:00Z")))
        let winter = try #require(LocalDateTime("2026-01-15 14:00"))
        #expect(winter.resolve(in: Self.newYork) == .unique(Self.utc("2026-01-15T19:00:00Z")))
    }

    @Test func aWallTimeTheClocksSkipIsRefusedNamingTheGap() throws {
        // New York springs forward at 02:00 on 2026-03-08: 02:00-02:59 do not happen.
        let skipped = try #require(LocalDateTime("2026-03-08 02:30"))
        #expect(skipped.resolve(in: Self.newYork) == .skipped(transition: Self.utc("2026-03-08T07:00:00Z"), from: "02:00", to: "03:00"))
        #expect(skipped.resolve(in: Self.newYork).earliest == Self.utc("2026-03-08T07:00:00Z"))
        let when = try #require(WhenText("2026-03-08 02:30"))
        #expect(throws: WhenText.Skipped.self) { try when.instant(in: Self.newYork) }
        do {
            _ = try when.instant(in: Self.newYork)
        } catch {
            #expect(error.description == "2026-03-08 02:30 does not exist in America/New_York: the clocks go from 02:00 straight to 03:00 that day")
        }
        // Either side of the gap exists.
        #expect(try WhenText("2026-03-08 01:59")!.instant(in: Self.newYork) == Self.utc("2026-03-08T06:59:00Z"))
        #expect(try WhenText("2026-03-08 03:00")!.instant(in: Self.newYork) == Self.utc("2026-03-08T07:00:00Z"))
        // London skips 01:00-01:59; Lord Howe moves by half an hour.
        #expect(LocalDateTime("2026-03-29 01:15")!.resolve(in: TimeZone(identifier: "Europe/London")!)
            == .skipped(transition: Self.utc("2026-03-29T01:00:00Z"), from: "01:00", to: "02:00"))
        #expect(LocalDateTime("2026-10-04 02:15")!.resolve(in: TimeZone(identifier: "Australia/Lord_Howe")!)
            == .skipped(transition: Self.utc("2026-10-03T15:30:00Z"), from: "02:00", to: "02:30"))
    }

    @Test func aRepeatedWallTimeMeansItsFirstOccurrence() throws {
        // New York falls back at 02:00 EDT on 2026-11-01: 01:00-01:59 happen twice.
        let twice = try #require(LocalDateTime("2026-11-01 01:30"))
        #expect(twice.resolve(in: Self.newYork) == .repeated(first: Self.utc("2026-11-01T05:30:00Z"), second: Self.utc("2026-11-01T06:30:00Z")))
        #expect(try WhenText("2026-11-01 01:30")!.instant(in: Self.newYork) == Self.utc("2026-11-01T05:30:00Z"))
        #expect(try WhenText("2026-11-01 02:00")!.instant(in: Self.newYork) == Self.utc("2026-11-01T07:00:00Z"))
    }

    @Test func whenTextTakesAnInstantAsItIs() throws {
        #expect(WhenText("2026-06-18T18:00:00Z") == .instant(Self.utc("2026-06-18T18:00:00Z")))
        #expect(try WhenText("2026-06-18T14:00:00-04:00")!.instant(in: TimeZone(identifier: "Asia/Tokyo")!) == Self.utc("2026-06-18T18:00:00Z"))
        #expect(WhenText(" 2026-06-18 14:00 ") == .local(LocalDateTime("2026-06-18 14:00")!))
        for bad in ["tomorrow", "2026-02-30T10:00:00Z", "14:00", "2026-06-18 2pm"] { #expect(WhenText(bad) == nil, "\(bad)") }
    }

    @Test func localStampsSplitTheServersLocalTimes() {
        let stamp = LocalStamp("2026-03-08T03:00:00-04:00")
        #expect((stamp.date, stamp.time, stamp.weekday, stamp.readable) == ("2026-03-08", "03:00", "Sun", "Sun 2026-03-08 03:00"))
        #expect(LocalStamp.span("2026-06-18T10:00:00-04:00", "2026-06-18T11:00:00-04:00") == "Thu 2026-06-18 10:00-11:00")
        #expect(LocalStamp.span("2026-06-18T15:00:00-04:00", "2026-06-20T11:00:00-04:00") == "Thu 2026-06-18 15:00-Sat 2026-06-20 11:00")
        #expect(LocalStamp(Self.utc("2026-11-01T06:30:00Z"), in: Self.newYork).text == "2026-11-01T01:30:00-05:00")
        #expect(LocalStamp("soon").date == "soon" && LocalStamp("soon").time.isEmpty)
    }

    @Test func moneyIsFormattedFromMinorUnitsExactly() {
        #expect(MoneyText.format(minor: 9500, currency: "USD") == "95.00 USD")
        #expect(MoneyText.format(minor: 5, currency: "EUR") == "0.05 EUR")
        #expect(MoneyText.format(minor: -5, currency: "EUR") == "-0.05 EUR")
        #expect(MoneyText.format(minor: 123_456_789, currency: "USD") == "1,234,567.89 USD")
        #expect(MoneyText.format(minor: 100_000, currency: "USD") == "1,000.00 USD")
        #expect(MoneyText.format(minor: 1500, currency: "JPY") == "1,500 JPY")
        #expect(MoneyText.format(minor: 1234, currency: "KWD") == "1.234 KWD")
        #expect(MoneyText.format(minor: 0, currency: "") == "0.00")
        #expect(MoneyText.format(minor: Int64.min, currency: "USD") == "-92,233,720,368,547,758.08 USD")
        #expect(MoneyText.format(minor: Int64.max, currency: "JPY") == "9,223,372,036,854,775,807 JPY")
        #expect(MoneyText.minorDigits("jpy") == 0 && MoneyText.minorDigits("XYZ") == 2)
    }

    @Test func multipliersAreFactors() {
        #expect(MoneyText.multiplier(basisPoints: 10_000) == "1x")
        #expect(MoneyText.multiplier(basisPoints: 0) == "1x")
        #expect(MoneyText.multiplier(basisPoints: 15_000) == "1.5x")
        #expect(MoneyText.multiplier(basisPoints: 12_345) == "1.2345x")
        #expect(MoneyText.multiplier(basisPoints: 5_000) == "0.5x")
        #expect(MoneyText.multiplier(basisPoints: 18_000) == "1.8x")
    }

    @Test func tablesAlignColumnsWithoutTrailingSpaces() {
        var table = TextTable(["DATE", "START", "WITH", "SEATS"], alignments: [.left, .left, .left, .right])
        table.append(["2026-06-18", "10:00", "Priya Patel, Treatment Room 1", "-"])
        table.append(["2026-06-18", "10:30", "Zoë", "12"])
        table.append(["2026-06-19", "09:00", "", ""])
        #expect(table.rendered() == """
            DATE        START  WITH                           SEATS
            2026-06-18  10:00  Priya Patel, Treatment Room 1      -
            2026-06-18  10:30  Zoë                               12
            2026-06-19  09:00

            """)
        #expect(TextTable.fields([("status", "confirmed"), ("price", "95.00 USD")], indent: "  ") == "  status  confirmed\n  price   95.00 USD\n")
        #expect(TextTable(["A"]).rendered() == "A\n")
        var multiline = TextTable([])
        multiline.append(["notes", "two\nlines"])
        #expect(multiline.rendered() == "notes  two lines\n")
    }

    @Test func guestsAreNameAndAddress() {
        #expect(GuestAddress("Ada Lovelace <ada@example.com>") == GuestAddress(name: "Ada Lovelace", email: "ada@example.com"))
        #expect(GuestAddress("  Ada <ada@example.com> ")?.name == "Ada")
        for bad in ["ada@example.com", "<ada@example.com>", "Ada <ada>", "Ada <a da@example.com>", "Ada ada@example.com>"] {
            #expect(GuestAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func enumValuesShowShort() {
        let schema = DescriptorJSON(messages: BizingSchema.messages, enums: BizingSchema.enums)
        let status = BookingV1.BookingStatus.descriptor.name
        #expect(schema.shortName(of: 4, inEnum: status) == "checked-in")
        #expect(schema.shortName(of: 7, inEnum: status) == "no-show")
        #expect(schema.shortName(of: 42, inEnum: status) == "42")
        #expect(schema.shortName(of: 1, inEnum: "bizing.nope.v1.Nope") == "1")
    }
}
