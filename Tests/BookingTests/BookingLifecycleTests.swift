import Foundation
@testable import Booking
import Testing

@Suite struct BookingLifecycleTests {
    static let events: [(String, BookingEvent)] = [
        ("confirm", .confirm), ("approve", .approve(needsConfirmation: false)), ("check in", .checkIn), ("complete", .complete),
        ("no-show", .markNoShow(now: 10_000, start: 0, graceSeconds: 600)), ("cancel", .cancel),
    ]

    /// The whole table: every status against every event; what is allowed
    /// goes where it says, everything else is refused naming the status.
    @Test func theTransitionTable() {
        let allowed: [BookingStatus: [String: BookingStatus]] = [
            .reserved: ["confirm": .confirmed, "cancel": .cancelled],
            .pending: ["approve": .confirmed, "cancel": .cancelled],
            .confirmed: ["check in": .checkedIn, "no-show": .noShow, "cancel": .cancelled],
            .checkedIn: ["complete": .completed],
            .completed: [:], .cancelled: [:], .noShow: [:],
        ]
        for status in BookingStatus.allCases {
            for (name, event) in Self.events {
                do {
                    let next = try BookingLifecycle.next(from: status, on: event)
                    #expect(allowed[status]?[name] == next, "\(status) --\(name)--> \(next)")
                } catch {
                    #expect(allowed[status]?[name] == nil, "\(status) --\(name)--> refused")
                    #expect(error.status == status)
                    #expect(error.description.contains(status.rawValue.replacingOccurrences(of: "_", with: " ")), "\(error.description)")
                }
            }
        }
    }

    @Test func approvalLeadsToReservedWhileAConfirmationIsStillDue() throws {
        #expect(try BookingLifecycle.next(from: .pending, on: .approve(needsConfirmation: true)) == .reserved)
        #expect(try BookingLifecycle.next(from: .pending, on: .approve(needsConfirmation: false)) == .confirmed)
    }

    @Test func aNoShowOnlyFromTheStartPlusTheGrace() throws {
        #expect(throws: TransitionRefused.self) { try BookingLifecycle.next(from: .confirmed, on: .markNoShow(now: 1_599, start: 1_000, graceSeconds: 600)) }
        #expect(try BookingLifecycle.next(from: .confirmed, on: .markNoShow(now: 1_600, start: 1_000, graceSeconds: 600)) == .noShow)
        do {
            _ = try BookingLifecycle.next(from: .confirmed, on: .markNoShow(now: 0, start: 1_000, graceSeconds: 900))
        } catch {
            #expect(error.description == "the booking can be marked a no-show only from 15 minutes after its start")
        }
    }

    @Test func theInitialStatus() {
        #expect(BookingStatus.initial(needsApproval: true, needsConfirmation: true) == .pending)
        #expect(BookingStatus.initial(needsApproval: false, needsConfirmation: true) == .reserved)
        #expect(BookingStatus.initial(needsApproval: false, needsConfirmation: false) == .confirmed)
    }

    @Test func whichStatusesHoldTimeAndWhichAreFinal() {
        #expect(BookingStatus.allCases.filter(\.holdsTime) == [.reserved, .pending, .confirmed, .checkedIn])
        #expect(BookingStatus.allCases.filter(\.isFinal) == [.completed, .cancelled, .noShow])
    }
}

@Suite struct HoldTermsTests {
    let terms = HoldTerms(holdMinutes: 10, maxHoldMinutes: 25)

    @Test func aHoldLastsItsMinutes() {
        #expect(terms.expiry(createdAt: 1_000) == 1_600)
        #expect(terms.limit(createdAt: 1_000) == 2_500)
    }

    @Test func extensionsRunFromNowUpToTheLimit() {
        #expect(terms.extend(createdAt: 0, expiresAt: 600, now: 300) == .extended(until: 900))
        #expect(terms.extend(createdAt: 0, expiresAt: 900, now: 1_200 - 1) == .expired, "past its expiry")
        #expect(terms.extend(createdAt: 0, expiresAt: 1_200, now: 1_100) == .extended(until: 1_500), "capped at 25 minutes after it was made")
        #expect(terms.extend(createdAt: 0, expiresAt: 1_500, now: 1_400) == .atLimit(1_500))
        // Twice in the same second: the second keeps the first's expiry rather than being refused.
        #expect(terms.extend(createdAt: 0, expiresAt: 900, now: 300) == .extended(until: 900))
        #expect(terms.extend(createdAt: 0, expiresAt: 600, now: 600) == .expired, "an expired hold is expired at its instant")
    }

    @Test func noExtensionsWhenTheMaximumIsNotAboveTheHold() {
        let fixed = HoldTerms(holdMinutes: 10, maxHoldMinutes: 0)
        #expect(fixed.extend(createdAt: 0, expiresAt: 600, now: 100) == .atLimit(600))
    }
}

@Suite struct PriceSnapshotTests {
    @Test func aFixedServiceIsItsBasePrice() {
        let snapshot = PriceSnapshot.of(baseMinor: 9_500, hourlyRateMinor: nil, minutes: 60, currency: "USD")
        #expect(snapshot.totalMinor == 9_500 && snapshot.durationMinor == 0 && snapshot.currency == "USD")
    }

    @Test(arguments: [
        (rate: 6_000 as Int64, minutes: 30, expected: 3_000 as Int64),
        (rate: 6_000, minutes: 45, expected: 4_500),
        (rate: 1_001, minutes: 30, expected: 501),  // 500.5 rounds half up
        (rate: 999, minutes: 20, expected: 333),
        (rate: 1, minutes: 29, expected: 0),  // 0.483 rounds down
        (rate: 1, minutes: 30, expected: 1),  // 0.5 rounds up
    ])
    func aVariableServiceAddsItsHourlyRateForTheMinutes(rate: Int64, minutes: Int, expected: Int64) {
        let snapshot = PriceSnapshot.of(baseMinor: 1_000, hourlyRateMinor: rate, minutes: minutes, currency: "EUR")
        #expect(snapshot.durationMinor == expected)
        #expect(snapshot.totalMinor == 1_000 + expected)
    }
}

@Suite struct IdempotencyKeyTests {
    @Test func keysArePrintableAsciiUpTo255() {
        #expect(IdempotencyKey("order-42/retry") != nil)
        #expect(IdempotencyKey("") == nil)
        #expect(IdempotencyKey(String(repeating: "k", count: 255)) != nil)
        #expect(IdempotencyKey(String(repeating: "k", count: 256)) == nil)
        #expect(IdempotencyKey("with space") == nil)
        #expect(IdempotencyKey("naïve") == nil)
    }

    @Test func aRetryIsAnsweredAndAnotherRequestRefused() {
        let first = IdempotencyKey.fingerprint(method: "bizing.booking.v1.Bookings/Create", request: [1, 2, 3])
        let same = IdempotencyKey.fingerprint(method: "bizing.booking.v1.Bookings/Create", request: [1, 2, 3])
        let other = IdempotencyKey.fingerprint(method: "bizing.booking.v1.Bookings/Create", request: [1, 2, 4])
        let otherMethod = IdempotencyKey.fingerprint(method: "bizing.booking.v1.Bookings/Cancel", request: [1, 2, 3])
        #expect(first == same && first != other && first != otherMethod)
        #expect(IdempotencyKey.replay(stored: nil, fingerprint: first) == .run)
        #expect(IdempotencyKey.replay(stored: (first, Data([9])), fingerprint: same) == .answer(Data([9])))
        #expect(IdempotencyKey.replay(stored: (first, Data([9])), fingerprint: other) == .mismatch)
    }
}
