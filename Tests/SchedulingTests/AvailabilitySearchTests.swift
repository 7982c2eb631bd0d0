import BizingAPI
import Catalog
@testable import Scheduling
import Testing

/// The search's rules, each on one day in New York (2026-11-26, a
/// Thursday, EST) at a location open 09:00-17:00, a 60-minute service and
/// calendars that default to the location's hours: eight slots, 09:00 to 16:00.
@Suite struct AvailabilitySearchTests {
    let day = "2026-11-26"
    let now = instant("2026-11-20T12:00:00Z")
    let wholeDay = every(60, from: "09:00", through: "16:00")

    func at(_ time: String, _ day: String = "2026-11-26") -> Int64 { local(day, time) }

    func search(_ requirements: Requirement..., from: String = "2026-11-26", through: String? = nil,
                service: ServiceShape = ServiceShape(length: .minutes(60)), seats: Int = 1) -> [Slot] {
        slots(requirements, from: from, through: through, now: now, service: service, seats: seats)
    }

    // MARK: required bookables and assignment

    @Test func everyRequiredBookableMustBeFreeAtOnce() {
        let provider = bookable("p1", reserved: [booking("p1", "k1", at: at("10:00"))])
        let room = bookable("r1", reserved: [booking("r1", "k2", at: at("13:00"))])
        let found = search(needs(1, provider), needs(1, room))
        #expect(times(found) == ["09:00", "11:00", "12:00", "14:00", "15:00", "16:00"])
        #expect(found.allSatisfy { $0.assignments == [["p1"], ["r1"]] })
        #expect(found.first?.interval == Interval(instant("2026-11-26T14:00:00Z"), instant("2026-11-26T15:00:00Z")))
    }

    @Test func aRequirementCountNeedsThatManyDistinctFreeBookables() {
        let a = bookable("a"), b = bookable("b", reserved: [booking("b", "k1", at: at("10:00"))])
        let two = search(needs(2, a, b))
        #expect(times(two) == ["09:00"] + every(60, from: "11:00", through: "16:00"))
        #expect(two.allSatisfy { $0.assignments == [["a", "b"]] })
        #expect(search(needs(3, a, b)).isEmpty)
    }

    @Test func noBookableIsAssignedTwiceInOneSlot() {
        let a = bookable("a"), b = bookable("b")
        let found = search(needs(1, a, b), needs(1, a, b))
        #expect(found.count == 8)
        #expect(found.allSatisfy { $0.assignments == [["a"], ["b"]] })
        #expect(search(needs(1, a), needs(1, a)).isEmpty)
    }

    @Test func assignmentPrefersFewestBookingsThatLocalDayThenID() {
        let a = bookable("a", reserved: [booking("a", "k1", at: at("09:00")), booking("a", "k2", at: at("10:00"))])
        let b = bookable("b", reserved: [booking("b", "k3", at: at("11:00"))]
            + ["09:00", "10:00", "11:00"].enumerated().map { booking("b", "n\($0.offset)", at: at($0.element, "2026-11-27")) })
        let c = bookable("c", reserved: [booking("c", "k4", at: at("12:00"))])
        let found = search(needs(1, c, a, b), through: "2026-11-27")
        let chosen = zip(dayTimes(found), found.map { $0.assignments[0].joined() }).map { "\($0) \($1)" }
        // 26th: b and c have one booking each, a two: b (by id), c while b is busy. 27th: a and c none, b three: a.
        #expect(chosen == ["09:00 b", "10:00 b", "11:00 c", "12:00 b", "13:00 b", "14:00 b", "15:00 b", "16:00 b"].map { "2026-11-26 \($0)" }
            + wholeDay.map { "2026-11-27 \($0) a" })
    }

    @Test func aStartOpenInACascadeIsAssignedBeforeOnePremium() {
        // a offers only 09:00 as open, the rest at a premium; b offers every start open but is booked at 11:00.
        let a = bookable("a", calendar(cascading: cascading(.sequential, open: 1, premium: 15_000)))
        let b = bookable("b", reserved: [booking("b", "k1", at: at("11:00"))])
        let found = search(needs(1, a, b))
        let offered = found.map { "\(times([$0])[0]) \($0.assignments[0][0]) \($0.premiumBasisPoints.map(String.init) ?? "-")" }
        #expect(offered == ["09:00 a -", "10:00 b -", "11:00 a 15000", "12:00 b -", "13:00 b -", "14:00 b -", "15:00 b -", "16:00 b -"])
    }

    // MARK: buffers, rest, daily limit

    @Test func templateBuffersKeepBookingsClearAndFitInWorkingTime() {
        let provider = bookable("p1", reserved: [booking("p1", "k1", at: at("12:00"))])
        // 30 minutes after: 11:00 runs into the booking, 16:00 past closing.
        #expect(times(search(needs(1, provider), service: ServiceShape(length: .minutes(60), postBuffer: 1800)))
            == ["09:00", "10:00", "13:00", "14:00", "15:00"])
        // 30 minutes before: 09:00 before opening, 13:00 into the booking.
        #expect(times(search(needs(1, provider), service: ServiceShape(length: .minutes(60), preBuffer: 1800)))
            == ["10:00", "11:00", "14:00", "15:00", "16:00"])
    }

    @Test func anExistingBookingKeepsItsOwnBuffers() {
        let provider = bookable("p1", reserved: [booking("p1", "k1", at: at("12:00"), pre: 1800, post: 1800)])
        #expect(times(search(needs(1, provider))) == ["09:00", "10:00", "14:00", "15:00", "16:00"])
    }

    @Test func calendarBuffersSurroundEachBookingInsideWorkingTime() {
        let provider = bookable("p1", calendar(pre: 30, post: 30), reserved: [booking("p1", "k1", at: at("12:00"))])
        // Each booking keeps 30 minutes either side: 10:00 ends its buffer at 11:30, where the booking's begins.
        #expect(times(search(needs(1, provider))) == ["10:00", "14:00", "15:00"])
    }

    @Test func venueSetupAndTeardownSurroundEachBooking() {
        let hall = bookable("h1", calendar(interval: 30), reserved: [booking("h1", "k1", at: at("12:00"))], setup: 900, teardown: 900)
        #expect(times(search(needs(1, hall))) == ["09:30", "10:00", "10:30", "13:30", "14:00", "14:30", "15:00", "15:30"])
    }

    @Test func providerRestSpacesBookingsWithoutNeedingWorkingTime() {
        let provider = bookable("p1", calendar(interval: 30), reserved: [booking("p1", "k1", at: at("12:00"))], rest: 1800)
        // Rest is kept between bookings only: 09:00 and 16:00 (at the edges of the day) stay.
        #expect(times(search(needs(1, provider))) == every(30, from: "09:00", through: "10:30") + every(30, from: "13:30", through: "16:00"))
    }

    @Test func maximumDailyBookingsCountsTheLocalDay() {
        // 20:00 on the 26th in New York is 01:00Z on the 27th: it counts for the 26th.
        let evening = booking("p1", "k1", at: at("20:00"))
        #expect(evening.service.start == instant("2026-11-27T01:00:00Z"))
        let limited = bookable("p1", reserved: [evening], maxPerDay: 1)
        #expect(dayTimes(search(needs(1, limited), through: "2026-11-27")) == wholeDay.map { "2026-11-27 \($0)" })
        let two = bookable("p1", reserved: [evening], maxPerDay: 2)
        #expect(search(needs(1, two), through: "2026-11-27").count == 16)
    }

    // MARK: capacity and group classes

    @Test func aVenueTakesSimultaneousBookingsUpToItsCapacity() {
        let reserved = [booking("h1", "k1", at: at("10:00")), booking("h1", "k2", at: at("10:00")), booking("h1", "k3", at: at("12:00"))]
        #expect(times(search(needs(1, bookable("h1", reserved: reserved, capacity: 2)))) == wholeDay.filter { $0 != "10:00" })
        #expect(times(search(needs(1, bookable("h1", reserved: reserved, capacity: 3)))) == wholeDay)
        #expect(times(search(needs(1, bookable("h1", reserved: reserved)))) == wholeDay.filter { $0 != "10:00" && $0 != "12:00" })
    }

    let yoga = ServiceShape(length: .minutes(60), templateID: "yoga", groupSeats: 10)

    func session(_ participants: [Int]) -> BookableTime {
        bookable("p2", reserved: participants.enumerated().map { booking("p2", "s\($0.offset)", at: at("10:00"), template: "yoga", participants: $0.element) })
    }

    func seats(_ found: [Slot]) -> [String] {
        found.map { "\(times([$0])[0]) \($0.assignments[0].joined()) \($0.seatsLeft.map(String.init) ?? "-")" }
    }

    @Test func aGroupClassShowsSeatsLeftAndAnExistingSessionKeepsItsBookables() {
        // p1 has fewer bookings, but the 10:00 session already has p2 and 7 of its 10 seats taken.
        let found = search(needs(1, bookable("p1"), session([3, 4])), service: yoga)
        #expect(seats(found) == ["09:00 p1 10", "10:00 p2 3"] + every(60, from: "11:00", through: "16:00").map { "\($0) p1 10" })
    }

    @Test func aSessionWithFewerSeatsLeftThanWantedIsNotOffered() {
        let found = search(needs(1, bookable("p1"), session([3, 4])), service: yoga, seats: 4)
        #expect(times(found) == wholeDay.filter { $0 != "10:00" })
        #expect(seats(search(needs(1, bookable("p1"), session([3, 4])), service: yoga, seats: 3))[1] == "10:00 p2 3")
    }

    @Test func aFullSessionIsNotOffered() {
        #expect(times(search(needs(1, bookable("p1"), session([3, 7])), service: yoga)) == wholeDay.filter { $0 != "10:00" })
    }

    @Test func moreSeatsWantedThanTheClassHasOffersNothing() {
        #expect(search(needs(1, bookable("p1")), service: yoga, seats: 11).isEmpty)
        #expect(search(needs(1, bookable("p1")), service: yoga, seats: 10).count == 8)
    }

    @Test func liveHoldsTakeSeatsAndExpiredOnesDoNot() {
        let p2 = bookable("p2", reserved: [
            booking("p2", "s1", at: at("10:00"), template: "yoga", participants: 3),
            hold("p2", "h1", at: at("10:00"), expiresAt: now + 600, template: "yoga", participants: 2),
            hold("p2", "h2", at: at("10:00"), expiresAt: now, template: "yoga", participants: 4),
        ])
        #expect(seats(search(needs(1, p2), service: yoga))[1] == "10:00 p2 5")
    }

    @Test func aSessionOnABookableNoLongerWorkingThenIsNotOffered() {
        let reserved = [booking("p2", "s1", at: at("10:00"), template: "yoga", participants: 3)]
        let inactive = bookable("p2", reserved: reserved, unavailable: true)
        #expect(search(needs(1, inactive), service: yoga).isEmpty)
        let blockedOver = bookable("p2", blocked: [blocked("b1", at("09:30"), at("12:00"))], reserved: reserved)
        #expect(times(search(needs(1, blockedOver), service: yoga)) == every(60, from: "12:00", through: "16:00"))
        let due = bookable("p2", reserved: reserved, serviceDue: at("10:30"))
        #expect(times(search(needs(1, due), service: yoga)) == ["09:00"])
    }

    // MARK: bookings and holds

    @Test func bookingsAndLiveHoldsBlockAndExpiredHoldsDoNot() {
        let provider = bookable("p1", reserved: [
            booking("p1", "k1", at: at("10:00")),
            hold("p1", "h1", at: at("12:00"), expiresAt: now + 1),
            hold("p1", "h2", at: at("14:00"), expiresAt: now),
            hold("p1", "h3", at: at("15:00"), expiresAt: now - 3600),
        ])
        #expect(times(search(needs(1, provider))) == ["09:00", "11:00", "13:00", "14:00", "15:00", "16:00"])
    }

    // MARK: lengths

    @Test func theGridFollowsTheLengthPassed() {
        let provider = bookable("p1")
        let ninety = search(needs(1, provider), service: ServiceShape(length: .minutes(90)))
        #expect(times(ninety) == ["09:00", "10:30", "12:00", "13:30", "15:00"])
        #expect(ninety.allSatisfy { $0.interval.duration == 5400 })
    }

    @Test func aVariableLengthOnAFixedIntervalGrid() {
        let provider = bookable("p1", calendar(interval: 30))
        #expect(times(search(needs(1, provider), service: ServiceShape(length: .minutes(30)))) == every(30, from: "09:00", through: "16:30"))
        let long = search(needs(1, provider), service: ServiceShape(length: .minutes(150)))
        #expect(times(long) == every(30, from: "09:00", through: "14:30"))
        #expect(long.last?.interval.end == at("17:00"))
    }

    @Test func aStayRunsToTheSameWallTimeNightsLaterAndNeedsEveryDayOpen() {
        let room = bookable("r1", overrides: [date("2026-11-25"): .closed])
        let found = search(needs(1, room), from: "2026-11-23", through: "2026-11-26", service: ServiceShape(length: .nights(2)))
        // Stays from the 23rd and 24th would cross the closed 25th.
        #expect(found.map(\.interval) == [Interval(at("09:00"), at("09:00", "2026-11-28"))!])
    }

    @Test func aStayNeedsTheLocationOpenEveryDay() {
        let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday]
        let found = slots([needs(1, bookable("r1"))], at: location(on: weekdays), from: "2026-11-26", through: "2026-11-28", now: now,
                          service: ServiceShape(length: .nights(2)))
        // Sunday the 29th is closed: only the stay from Thursday ends before it.
        #expect(dayTimes(found) == ["2026-11-26 09:00"])
    }

    @Test func aBookingOnAnyDayOfAStayBlocksIt() {
        let room = bookable("r1", reserved: [booking("r1", "k1", at: at("10:00", "2026-11-27"))])
        let found = search(needs(1, room), from: "2026-11-25", through: "2026-11-28", service: ServiceShape(length: .nights(2)))
        #expect(dayTimes(found) == ["2026-11-25 09:00", "2026-11-28 09:00"])
    }

    @Test func blockedTimeOnAnyDayOfAStayBlocksIt() {
        let room = bookable("r1", blocked: [blocked("b1", at("10:00", "2026-11-27"), at("12:00", "2026-11-27"))])
        let found = search(needs(1, room), from: "2026-11-25", through: "2026-11-28", service: ServiceShape(length: .nights(2)))
        #expect(dayTimes(found) == ["2026-11-25 09:00", "2026-11-28 09:00"])
        // The check agrees for the stay from the 26th.
        let stay = Interval(at("09:00"), at("09:00", "2026-11-28"))!
        let findings = IntervalCheck.conflicts(of: room, location: location(), service: stay, preBuffer: 0, postBuffer: 0, now: now)
        #expect(findings.contains { $0.kind == .blocked(id: "b1", overridable: false) })
    }

    @Test func anAssetPastItsServiceDueOffersNoStayReachingIt() {
        // Check-in at midnight or 09:00; due at 05:00 on the 28th, a day that still has working time before it.
        let room = bookable("r1", calendar(week: ["00:00-01:00", "09:00-17:00"]), serviceDue: at("05:00", "2026-11-28"))
        let found = slots([needs(1, room)], at: location("America/New_York", ["00:00-24:00"]), from: day, now: now,
                          service: ServiceShape(length: .nights(2)))
        #expect(dayTimes(found) == ["2026-11-26 00:00"])
    }

    // MARK: calendar settings

    @Test func noWeeklyScheduleMeansTheLocationsHours() {
        let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
        let found = slots([needs(1, bookable("p1"))], at: location("America/New_York", ["09:00-12:00"], on: weekdays), from: day, through: "2026-11-29", now: now)
        #expect(dayTimes(found) == ["2026-11-26 09:00", "2026-11-26 10:00", "2026-11-26 11:00", "2026-11-27 09:00", "2026-11-27 10:00", "2026-11-27 11:00"])
    }

    @Test func theLocationsHoursBoundTheSchedule() {
        let provider = bookable("p1", calendar(week: ["07:00-11:00", "15:00-20:00"]))
        #expect(times(search(needs(1, provider))) == ["09:00", "10:00", "15:00", "16:00"])
    }

    @Test func theLocationsOwnClosedDaysOfferNothing() {
        let closed = location(exceptions: [date(day): .closed])
        #expect(dayTimes(slots([needs(1, bookable("p1"))], at: closed, from: day, through: "2026-11-27", now: now)) == wholeDay.map { "2026-11-27 \($0)" })
    }

    @Test(arguments: [
        // slot duration, slot interval, service minutes: the starts.
        (UInt32(0), UInt32(0), 60, every(60, from: "09:00", through: "16:00")),
        (30, 0, 60, every(30, from: "09:00", through: "16:00")),
        (0, 45, 60, every(45, from: "09:00", through: "15:45")),
        (90, 0, 60, every(90, from: "09:00", through: "15:00")),
        (90, 20, 60, every(20, from: "09:00", through: "16:00")),
        (0, 0, 45, every(45, from: "09:00", through: "15:45")),
    ])
    func theSlotGridComesFromIntervalThenDurationThenTheService(duration: UInt32, interval: UInt32, minutes: Int, expected: [String]) {
        let provider = bookable("p1", calendar(duration: duration, interval: interval))
        #expect(times(search(needs(1, provider), service: ServiceShape(length: .minutes(minutes)))) == expected)
    }

    @Test func startsCountFromTheBeginningOfEachWorkingRange() {
        let provider = bookable("p1", calendar(week: ["09:00-12:00", "13:10-15:00"]))
        #expect(times(search(needs(1, provider))) == ["09:00", "10:00", "11:00", "13:10"])
    }

    @Test func aClosedOverrideOffersNothingThatDay() {
        let provider = bookable("p1", overrides: [date(day): .closed])
        #expect(dayTimes(search(needs(1, provider), through: "2026-11-27")) == wholeDay.map { "2026-11-27 \($0)" })
    }

    @Test func modifiedHoursReplaceTheDayStillWithinTheLocationsHours() {
        let provider = bookable("p1", overrides: [date(day): .hours([span("07:00-10:00"), span("16:00-20:00")])])
        #expect(dayTimes(search(needs(1, provider), through: "2026-11-27"))
            == ["2026-11-26 09:00", "2026-11-26 16:00"] + wholeDay.map { "2026-11-27 \($0)" })
    }

    @Test func specialPricingMarksThatDaysSlotsWithTheHighestMultiplier() {
        let provider = bookable("p1", overrides: [date(day): .pricing(12_500)])
        let found = search(needs(1, provider), through: "2026-11-27")
        #expect(found.map(\.pricingBasisPoints) == [Int?](repeating: 12_500, count: 8) + [Int?](repeating: nil, count: 8))
        #expect(found.allSatisfy { $0.premiumBasisPoints == nil })
        let room = bookable("r1", overrides: [date(day): .pricing(15_000)])
        #expect(search(needs(1, provider), needs(1, room)).map(\.pricingBasisPoints) == [Int?](repeating: 15_000, count: 8))
    }

    @Test func blockedTimeIsNeverOffered() {
        let provider = bookable("p1", blocked: [blocked("b1", at("11:30"), at("13:00"), overridable: true)])
        #expect(times(search(needs(1, provider))) == ["09:00", "10:00", "13:00", "14:00", "15:00", "16:00"])
    }

    @Test func startsLieInsideTheBookingWindow() {
        let provider = bookable("p1", calendar(minAdvanceHours: 3, maxAdvanceDays: 1))
        let found = slots([needs(1, provider)], from: day, through: "2026-11-28", now: at("09:00"))
        // From 12:00 (three hours ahead) to 09:00 the next day (one day ahead), both included.
        #expect(dayTimes(found) == every(60, from: "12:00", through: "16:00").map { "2026-11-26 \($0)" } + ["2026-11-27 09:00"])
    }

    @Test func aWalkInWaivesTheMinimumAdvanceButNotThePresentNorTheMaximum() {
        let provider = bookable("p1", calendar(minAdvanceHours: 3, maxAdvanceDays: 1))
        let found = slots([needs(1, provider)], from: day, through: "2026-11-28", now: at("09:30"), walkIn: true)
        // From the next start after now (10:00), not 12:30; still nothing past one day ahead.
        #expect(dayTimes(found) == every(60, from: "10:00", through: "16:00").map { "2026-11-26 \($0)" } + ["2026-11-27 09:00"])
    }

    @Test func theMaximumAdvanceIsNinetyDaysWhenUnset() {
        // 90 days after 2026-11-20T12:00Z is 2027-02-18T12:00Z, 07:00 in New York.
        let found = search(needs(1, bookable("p1")), from: "2027-02-17", through: "2027-02-18")
        #expect(dayTimes(found) == wholeDay.map { "2027-02-17 \($0)" })
    }

    @Test func anEmptyBookingWindowOffersNothing() {
        // A minimum advance beyond the maximum (validation refuses it; stored data may still have it).
        let provider = bookable("p1", calendar(minAdvanceHours: 48, maxAdvanceDays: 1))
        #expect(slots([needs(1, provider)], from: day, through: "2026-11-28", now: at("09:00")).isEmpty)
    }

    @Test func anInactiveBookableOffersNothing() {
        #expect(search(needs(1, bookable("p1", unavailable: true))).isEmpty)
        #expect(search(needs(1, bookable("p1")), needs(1, bookable("r1", unavailable: true))).isEmpty)
    }

    @Test func anAssetOffersNothingFromItsServiceDue() {
        #expect(times(search(needs(1, bookable("a1", serviceDue: at("12:30"))))) == ["09:00", "10:00", "11:00"])
    }

    // MARK: cascading

    @Test func aSequentialCascadeOpensTheNextSlotAsOneFills() {
        let settings = calendar(cascading: cascading(.sequential, open: 2))
        #expect(times(search(needs(1, bookable("p1", settings)))) == ["09:00", "10:00"])
        let booked = bookable("p1", settings, reserved: [booking("p1", "k1", at: at("09:00")), booking("p1", "k2", at: at("11:00"))])
        #expect(times(search(needs(1, booked))) == ["10:00", "12:00"])
    }

    @Test func aBatchCascadeOpensTheNextBatchWhenTheCurrentIsFull() {
        let settings = calendar(cascading: cascading(.batch, open: 3))
        let one = bookable("p1", settings, reserved: [booking("p1", "k1", at: at("09:00"))])
        #expect(times(search(needs(1, one))) == ["10:00", "11:00"])
        let full = bookable("p1", settings, reserved: ["09:00", "10:00", "11:00"].map { booking("p1", "k\($0)", at: at($0)) })
        #expect(times(search(needs(1, full))) == ["12:00", "13:00", "14:00"])
    }

    @Test func aLiveHoldFillsACascadeSlotAndAnExpiredOneDoesNot() {
        let settings = calendar(cascading: cascading(.sequential, open: 2))
        let live = bookable("p1", settings, reserved: [hold("p1", "h1", at: at("09:00"), expiresAt: now + 60)])
        #expect(times(search(needs(1, live))) == ["10:00", "11:00"])
        let expired = bookable("p1", settings, reserved: [hold("p1", "h1", at: at("09:00"), expiresAt: now)])
        #expect(times(search(needs(1, expired))) == ["09:00", "10:00"])
    }

    @Test func aCascadeRunsPerLocalDay() {
        let provider = bookable("p1", calendar(cascading: cascading(.sequential, open: 2)), reserved: [booking("p1", "k1", at: at("09:00"))])
        #expect(dayTimes(search(needs(1, provider), through: "2026-11-27"))
            == ["2026-11-26 10:00", "2026-11-26 11:00", "2026-11-27 09:00", "2026-11-27 10:00"])
    }

    @Test func slotsBeyondTheCascadeArePremiumAtTheMultiplier() {
        let provider = bookable("p1", calendar(cascading: cascading(.sequential, open: 2, premium: 15_000)), overrides: [date(day): .pricing(12_500)])
        let found = search(needs(1, provider))
        #expect(times(found) == wholeDay)
        #expect(found.map(\.premiumBasisPoints) == [nil, nil] + [Int?](repeating: 15_000, count: 6))
        #expect(found.allSatisfy { $0.pricingBasisPoints == 12_500 })
    }

    @Test func aDisabledCascadeOffersEverySlot() {
        let off = SchedulingV1.Cascading(enabled: false, strategy: .sequential, initialOpenSlots: 2)
        #expect(times(search(needs(1, bookable("p1", calendar(cascading: off))))) == wholeDay)
    }
}
