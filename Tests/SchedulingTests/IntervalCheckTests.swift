import Catalog
@testable import Scheduling
import Testing

/// One bookable, one interval: every reason it cannot take it. New York,
/// 2026-11-26, a location open 09:00-17:00.
@Suite struct IntervalCheckTests {
    let now = instant("2026-11-20T12:00:00Z")

    func at(_ time: String, _ day: String = "2026-11-26") -> Int64 { local(day, time) }

    func hour(_ time: String, minutes: Int = 60) -> Interval { Interval(at(time), at(time) + Int64(minutes) * 60)! }

    func check(_ time: BookableTime, _ service: Interval, pre: Int64 = 0, post: Int64 = 0, now: Int64? = nil,
               excluding: Set<String> = [], at location: WorkingTime = location()) -> [ConflictFinding] {
        IntervalCheck.conflicts(of: time, location: location, service: service, preBuffer: pre, postBuffer: post, now: now ?? self.now,
                                excluding: excluding)
    }

    func kinds(_ findings: [ConflictFinding]) -> [ConflictFinding.Kind] { findings.map(\.kind) }

    @Test func aFreeIntervalHasNoConflicts() {
        #expect(check(bookable("p1"), hour("09:00")) == [])
        #expect(check(bookable("p1"), hour("16:00")) == [])
    }

    @Test func anInactiveBookableIsUnavailableAndNothingElse() {
        let findings = check(bookable("p1", unavailable: true, maxPerDay: 0), hour("20:00"))
        #expect(findings == [ConflictFinding(bookableID: "p1", kind: .unavailable, span: nil, detail: "is not active")])
    }

    @Test func anAssetPastItsServiceDueIsUnavailable() {
        let asset = bookable("a1", serviceDue: at("11:30"))
        #expect(kinds(check(asset, hour("10:00"))) == [])
        // Said once: the hours check leaves the due date to this conflict.
        #expect(kinds(check(asset, hour("11:00"))) == [.unavailable])
        #expect(check(asset, hour("11:00")).first?.detail == "is past its next service due date")
    }

    @Test func outsideTheScheduleTheOverridesOrTheLocationsHours() {
        #expect(kinds(check(bookable("p1"), hour("16:30"))) == [.outsideHours])
        #expect(kinds(check(bookable("p1"), hour("08:30"))) == [.outsideHours])
        #expect(kinds(check(bookable("p1", calendar(week: ["10:00-20:00"])), hour("09:00"))) == [.outsideHours])
        #expect(kinds(check(bookable("p1", overrides: [date("2026-11-26"): .closed]), hour("10:00"))) == [.outsideHours])
        #expect(kinds(check(bookable("p1", overrides: [date("2026-11-26"): .hours([span("13:00-15:00")])]), hour("13:00"))) == [])
        #expect(kinds(check(bookable("p1", overrides: [date("2026-11-26"): .pricing(12_500)]), hour("13:00"))) == [])
    }

    @Test func buffersSetupAndTeardownMustFitInWorkingTime() {
        #expect(kinds(check(bookable("p1"), hour("16:00"), post: 60)) == [.outsideHours])
        #expect(kinds(check(bookable("p1", calendar(pre: 15)), hour("09:00"))) == [.outsideHours])
        #expect(kinds(check(bookable("h1", teardown: 60), hour("16:00"))) == [.outsideHours])
        // Rest needs no working time.
        #expect(kinds(check(bookable("p1", rest: 3600), hour("16:00"))) == [])
    }

    @Test func startingOutsideTheBookingWindow() {
        let provider = bookable("p1", calendar(minAdvanceHours: 24, maxAdvanceDays: 2))
        let now = at("10:00", "2026-11-25")
        #expect(kinds(check(provider, hour("09:00"), now: now)) == [.outsideWindow])
        #expect(kinds(check(provider, hour("10:00"), now: now)) == [], "exactly the minimum advance")
        let lastStart = Interval(at("10:00", "2026-11-27"), at("11:00", "2026-11-27"))!
        #expect(kinds(check(provider, lastStart, now: now)) == [], "exactly the maximum advance")
        let beyond = Interval(lastStart.start + 1, lastStart.end + 1)!
        #expect(kinds(check(provider, beyond, now: now)) == [.outsideWindow])
        #expect(check(provider, beyond, now: now).first?.detail == "starts outside its booking window (24 hours to 2 days ahead)")
    }

    @Test func anEmptyBookingWindowRefusesEveryStart() {
        let provider = bookable("p1", calendar(minAdvanceHours: 48, maxAdvanceDays: 1))
        #expect(kinds(check(provider, hour("10:00"), now: at("10:00", "2026-11-24"))) == [.outsideWindow])
    }

    @Test func blockedTimeNamesItselfAndWhetherStaffMayOverrideIt() {
        let provider = bookable("p1", blocked: [
            blocked("b2", at("11:00"), at("12:00")), blocked("b1", at("10:30"), at("10:45"), overridable: true), blocked("b3", at("12:00"), at("13:00")),
        ])
        let findings = check(provider, Interval(at("10:00"), at("11:30"))!)
        #expect(kinds(findings) == [.blocked(id: "b1", overridable: true), .blocked(id: "b2", overridable: false)])
        #expect(findings.map(\.span) == [Interval(at("10:30"), at("10:45")), Interval(at("11:00"), at("12:00"))])
        #expect(findings.map(\.detail) == ["blocked time; staff may book over it", "blocked time"])
        // Touching is not overlapping.
        #expect(kinds(check(provider, hour("13:00"))) == [])
    }

    @Test func bookingsAndLiveHoldsConflictWithTheirBusySpans() {
        let provider = bookable("p1", reserved: [
            booking("p1", "k1", at: at("10:00"), post: 900),
            hold("p1", "h1", at: at("12:00"), expiresAt: now + 1),
            hold("p1", "h2", at: at("14:00"), expiresAt: now),
        ])
        let findings = check(provider, hour("11:00"))
        #expect(kinds(findings) == [.booked(referenceID: "k1")])
        #expect(findings.first?.span == Interval(at("10:00"), at("11:15")))
        #expect(kinds(check(provider, Interval(at("11:10"), at("12:10"))!)) == [.booked(referenceID: "k1"), .held(referenceID: "h1")])
        #expect(kinds(check(provider, hour("14:00"))) == [], "an expired hold is free though still present")
    }

    @Test func calendarBuffersAndRestKeepBookingsApart() {
        let buffered = bookable("p1", calendar(post: 30), reserved: [booking("p1", "k1", at: at("10:00"))])
        #expect(kinds(check(buffered, hour("11:00"))) == [.booked(referenceID: "k1")])
        #expect(kinds(check(buffered, hour("11:30"))) == [])
        let rested = bookable("p1", reserved: [booking("p1", "k1", at: at("10:00"))], rest: 1800)
        #expect(kinds(check(rested, hour("09:00"))) == [.booked(referenceID: "k1")])
        #expect(kinds(check(rested, hour("11:00"))) == [.booked(referenceID: "k1")])
        #expect(kinds(check(rested, hour("11:30"))) == [])
    }

    @Test func aVenueConflictsOnlyBeyondItsCapacity() {
        let reserved = [booking("h1", "k1", at: at("10:00")), booking("h1", "k2", at: at("10:30"))]
        #expect(kinds(check(bookable("h1", reserved: reserved, capacity: 3), hour("10:00"))) == [])
        #expect(kinds(check(bookable("h1", reserved: reserved, capacity: 2), hour("10:00"))) == [.booked(referenceID: "k1"), .booked(referenceID: "k2")])
    }

    @Test func theDailyLimitCountsBookingsThatLocalDay() {
        let provider = bookable("p1", reserved: [
            booking("p1", "k1", at: at("09:00")), booking("p1", "k2", at: at("20:00")), booking("p1", "k3", at: at("09:00", "2026-11-27")),
        ], maxPerDay: 2)
        let findings = check(provider, hour("14:00"))
        #expect(findings == [ConflictFinding(bookableID: "p1", kind: .dailyLimit, span: nil, detail: "has its 2 bookings that day already")])
        #expect(kinds(check(provider, Interval(at("14:00", "2026-11-27"), at("15:00", "2026-11-27"))!)) == [])
    }

    @Test func excludedReferencesDoNotCount() {
        let provider = bookable("p1", reserved: [booking("p1", "k1", at: at("10:00")), hold("p1", "h1", at: at("10:30"), expiresAt: now + 60)],
                                maxPerDay: 2)
        // Moving k1 half an hour later: only the hold is in the way.
        #expect(kinds(check(provider, hour("10:30"), excluding: ["k1"])) == [.held(referenceID: "h1")])
        #expect(kinds(check(provider, hour("10:30"), excluding: ["k1", "h1"])) == [])
        #expect(kinds(check(provider, hour("14:00"))) == [.dailyLimit])
        #expect(kinds(check(provider, hour("14:00"), excluding: ["h1"])) == [])
    }

    @Test func everyReasonIsReportedInOrder() {
        let provider = bookable("p1", calendar(minAdvanceHours: 24 * 30), blocked: [blocked("b1", at("16:30"), at("18:00"))],
                                reserved: [booking("p1", "k1", at: at("16:00")), booking("p1", "k2", at: at("09:00"))], serviceDue: at("16:45"),
                                maxPerDay: 2)
        #expect(kinds(check(provider, hour("16:30"))) == [
            .unavailable, .outsideHours, .outsideWindow, .blocked(id: "b1", overridable: false), .booked(referenceID: "k1"), .dailyLimit,
        ])
        #expect(check(provider, hour("16:30")).allSatisfy { $0.bookableID == "p1" })
    }
}
