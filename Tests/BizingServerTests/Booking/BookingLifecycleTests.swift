import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB
import Identity
import Testing

/// The lifecycle table (Booking/Domain/BookingLifecycle) over RPC:
///
///     reserved  --confirm-->  confirmed
///     pending   --approve-->  confirmed (or reserved while a deposit is due)
///     confirmed --check in--> checked_in --complete--> completed
///     confirmed --mark no-show (from the start plus the grace)--> no_show
///     reserved, pending, confirmed --cancel--> cancelled
///
/// and every other move refused FAILED_PRECONDITION naming the status.
/// (pending is reached through a household's approval: BookingHouseholdTests.)
@Suite struct BookingLifecycleTests {
    static func deposit(_ w: BookingWorld, _ h: CatalogHarness) async throws -> CatalogV1.ServiceTemplate {
        try await h.activate(BookingSample.template(
            "deposit", at: w.location.id, provider: w.provider.id, deposit: CatalogV1.Deposit(required: true, percent: 20)), in: w.org)
    }

    /// A refusal that names the booking's status.
    static func expectRefused(
        _ h: CatalogHarness, _ method: MethodDescriptor, _ request: some Encodable & Sendable, token: String, naming status: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let refused = try await h.failure(method, request, token: token, sourceLocation: sourceLocation)
        #expect(refused.code == .failedPrecondition, "\(method.fullName): \(refused)", sourceLocation: sourceLocation)
        #expect(refused.message.contains("a booking that is \(status) cannot"), "\(method.fullName): \(refused.message)", sourceLocation: sourceLocation)
    }

    @Test func reservedToConfirmedToCheckedInToCompletedAndNothingElse() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "life")
            let template = try await Self.deposit(w, h)
            let alice = try await h.client("Alice")
            let desk = try await h.staff(of: w.org, "Desk")
            let start = try #require(try await h.independentStarts(w, count: 1).first)
            let owner = w.org.token

            // A deposit is due: the booking is reserved, its time taken.
            let booking = try await h.book(w.create(start, template: template.id), token: alice.token)
            #expect(booking.status == .reserved && booking.confirmedAt == nil && booking.version == 1)
            #expect(try await h.reservedRows(booking.id).count == 2)
            for (method, status) in [(BookingV1.Bookings.checkIn, "reserved"), (BookingV1.Bookings.complete, "reserved"),
                                     (BookingV1.Bookings.markNoShow, "reserved"), (BookingV1.Bookings.approve, "reserved")] {
                if method.fullName == BookingV1.Bookings.checkIn.fullName {
                    try await Self.expectRefused(h, method, BookingV1.CheckInRequest(organizationId: w.org.id, bookingId: booking.id), token: owner, naming: status)
                } else {
                    try await Self.expectRefused(h, method, w.action(booking.id), token: owner, naming: status)
                }
            }
            // Confirming is a manager's: not the client's, not the front desk's.
            #expect(try await h.failure(BookingV1.Bookings.confirm, w.action(booking.id), token: alice.token).code == .permissionDenied)
            #expect(try await h.failure(BookingV1.Bookings.confirm, w.action(booking.id), token: desk.token).code == .permissionDenied)
            h.clock.advance(by: .seconds(60))
            let confirmed = try await h.act(BookingV1.Bookings.confirm, booking.id, in: w)
            #expect(confirmed.status == .confirmed && confirmed.confirmedAt == h.clock.now && confirmed.version == 2 && confirmed.updatedAt == h.clock.now)
            try await Self.expectRefused(h, BookingV1.Bookings.confirm, w.action(booking.id), token: owner, naming: "confirmed")
            try await Self.expectRefused(h, BookingV1.Bookings.complete, w.action(booking.id), token: owner, naming: "confirmed")
            try await Self.expectRefused(h, BookingV1.Bookings.approve, w.action(booking.id), token: owner, naming: "confirmed")

            // The client may not check in; the provider assigned may.
            #expect(try await h.failure(BookingV1.Bookings.checkIn, BookingV1.CheckInRequest(organizationId: w.org.id, bookingId: booking.id),
                                        token: alice.token).code == .permissionDenied)
            h.clock.set(start.addingTimeInterval(-3600))
            let checkedIn = try await h.checkIn(booking.id, in: w, token: w.providerUser.token)
            #expect(checkedIn.status == .checkedIn && checkedIn.checkedInAt == h.clock.now && checkedIn.checkedInBy == w.providerUser.id)
            #expect(checkedIn.participants.map(\.status) == [.checkedIn] && checkedIn.participants[0].checkedInBy == w.providerUser.id)
            #expect(checkedIn.version == 3)
            try await Self.expectRefused(h, BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: booking.id),
                                         token: owner, naming: "checked in")
            try await Self.expectRefused(h, BookingV1.Bookings.markNoShow, w.action(booking.id), token: owner, naming: "checked in")
            try await Self.expectRefused(h, BookingV1.Bookings.confirm, w.action(booking.id), token: owner, naming: "checked in")
            try await Self.expectRefused(h, BookingV1.Bookings.checkIn, BookingV1.CheckInRequest(organizationId: w.org.id, bookingId: booking.id),
                                         token: owner, naming: "checked in")

            // Completing is the provider's or a manager's, not the front desk's.
            #expect(try await h.failure(BookingV1.Bookings.complete, w.action(booking.id), token: desk.token).code == .permissionDenied)
            h.clock.set(start.addingTimeInterval(600))
            let completed = try await h.act(BookingV1.Bookings.complete, booking.id, in: w, token: w.providerUser.token)
            #expect(completed.status == .completed && completed.completedAt == h.clock.now && completed.version == 4)
            #expect(completed.checkedInAt == checkedIn.checkedInAt && completed.confirmedAt == confirmed.confirmedAt)
            for method in [BookingV1.Bookings.confirm, BookingV1.Bookings.complete, BookingV1.Bookings.markNoShow, BookingV1.Bookings.approve] {
                try await Self.expectRefused(h, method, w.action(booking.id), token: owner, naming: "completed")
            }
            try await Self.expectRefused(h, BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: booking.id),
                                         token: owner, naming: "completed")
            let moved = try await h.failure(BookingV1.Bookings.reschedule, BookingV1.RescheduleBookingRequest(
                organizationId: w.org.id, bookingId: booking.id, startTime: start.addingTimeInterval(86_400)), token: owner)
            #expect(moved.code == .failedPrecondition && moved.message.contains("completed"))
            // The refusals changed nothing.
            #expect(try await h.booking(booking.id, in: w) == completed)
        }
    }

    @Test func aNoShowOnlyFromTheStartPlusTheGraceAndCancellingFreesTheSlotAtOnce() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "noshow")
            let (alice, bob) = (try await h.client("Alice"), try await h.client("Bob"))
            let starts = try await h.independentStarts(w, count: 2, token: alice.token)
            let day = w.search("2026-06-02", "2026-06-02")

            // Cancel: the client cancels their own; the slot is offered and bookable again at once.
            let cancelled = try await h.book(w.create(starts[1]), token: alice.token)
            #expect(!(try await h.starts(day, token: bob.token)).contains(starts[1]))
            #expect(refusal(try await h.failure(BookingV1.Bookings.create, w.create(starts[1]), token: bob.token)) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")
            #expect(try await h.failure(BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: cancelled.id),
                                        token: bob.token).code == .notFound, "another client is told nothing of it")
            let gone = try await h.cancel(cancelled.id, in: w, token: alice.token, reason: "ill")
            #expect(gone.status == .cancelled && gone.cancelledBy == .client && gone.cancellationReason == "ill" && gone.cancelledAt == h.clock.now)
            #expect(try await h.reservedRows(cancelled.id) == [])
            #expect(try await h.starts(day, token: bob.token).contains(starts[1]))
            let rebooked = try await h.book(w.create(starts[1]), token: bob.token)
            #expect(rebooked.status == .confirmed && rebooked.startTime == starts[1])
            try await Self.expectRefused(h, BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: cancelled.id),
                                         token: alice.token, naming: "cancelled")
            for method in [BookingV1.Bookings.confirm, BookingV1.Bookings.complete, BookingV1.Bookings.markNoShow] {
                try await Self.expectRefused(h, method, w.action(cancelled.id), token: w.org.token, naming: "cancelled")
            }
            // Staff cancel as the provider.
            let byStaff = try await h.cancel(rebooked.id, in: w)
            #expect(byStaff.status == .cancelled && byStaff.cancelledBy == .provider)

            // A no-show: only from the start plus the organization's 15 minutes of grace.
            let booking = try await h.book(w.create(starts[0]), token: alice.token)
            let early = try await h.failure(BookingV1.Bookings.markNoShow, w.action(booking.id), token: w.org.token)
            #expect(early.code == .failedPrecondition && early.message.contains("15 minutes after its start"))
            h.clock.set(starts[0].addingTimeInterval(15 * 60 - 1))
            #expect(try await h.failure(BookingV1.Bookings.markNoShow, w.action(booking.id), token: w.providerUser.token).code == .failedPrecondition)
            #expect(try await h.failure(BookingV1.Bookings.markNoShow, w.action(booking.id), token: alice.token).code == .permissionDenied)
            h.clock.set(starts[0].addingTimeInterval(15 * 60))
            let noShow = try await h.act(BookingV1.Bookings.markNoShow, booking.id, in: w, token: w.providerUser.token)
            #expect(noShow.status == .noShow && noShow.noShowAt == h.clock.now && noShow.participants.map(\.status) == [.noShow])
            #expect(try await h.reservedRows(booking.id) == [], "its remaining time is freed")
            for method in [BookingV1.Bookings.confirm, BookingV1.Bookings.complete, BookingV1.Bookings.markNoShow] {
                try await Self.expectRefused(h, method, w.action(booking.id), token: w.org.token, naming: "no show")
            }
            try await Self.expectRefused(h, BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: booking.id),
                                         token: w.org.token, naming: "no show")
            #expect(try await h.bookingRowsDisagreements(organizationID: w.org.id) == [])
        }
    }

    @Test func checkingInOneParticipantChecksTheBookingIn() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "checkin")
            let yoga = try await h.activate(BookingSample.template(
                "yoga", at: w.location.id, provider: w.provider.id, type: .class,
                capacity: CatalogV1.Capacity(type: .group, group: CatalogV1.GroupCapacity(minParticipants: 1, maxParticipants: 4))), in: w.org)
            let alice = try await h.client("Alice")
            let desk = try await h.staff(of: w.org, "Desk")
            let start = try #require(try await h.independentStarts(w, template: yoga, count: 1).first)
            let booking = try await h.book(w.create(start, template: yoga.id, participants: [BookingSample.user(alice.id), BookingSample.guest("Gus Guest")]),
                                           token: alice.token)
            #expect(booking.participants.map(\.role) == [.primary, .guest] && booking.participantCount == 2 && booking.maxParticipants == 4)
            let (mine, guest) = (booking.participants[0].id, booking.participants[1].id)

            h.clock.set(start.addingTimeInterval(-1800))
            let first = try await h.checkIn(booking.id, participant: guest, in: w, token: desk.token)
            #expect(first.status == .checkedIn && first.checkedInAt == h.clock.now && first.checkedInBy == desk.id)
            #expect(first.participants.map(\.status) == [.confirmed, .checkedIn])
            #expect(first.participants[1].checkedInAt == h.clock.now && first.participants[1].checkedInBy == desk.id)
            let firstAt = h.clock.now
            h.clock.advance(by: .seconds(120))
            let second = try await h.checkIn(booking.id, participant: mine, in: w, token: w.providerUser.token)
            #expect(second.status == .checkedIn && second.checkedInAt == firstAt, "the booking keeps its first check-in")
            #expect(second.participants.map(\.status) == [.checkedIn, .checkedIn] && second.participants[0].checkedInBy == w.providerUser.id)
            let twice = try await h.failure(BookingV1.Bookings.checkIn,
                                            BookingV1.CheckInRequest(organizationId: w.org.id, bookingId: booking.id, participantId: mine), token: desk.token)
            #expect(twice.code == .failedPrecondition && twice.message.contains("checked in already"))
            let stranger = try await h.failure(BookingV1.Bookings.checkIn,
                                               BookingV1.CheckInRequest(organizationId: w.org.id, bookingId: booking.id, participantId: UUID().uuidString.lowercased()),
                                               token: desk.token)
            #expect(stranger.code == .notFound)
            h.clock.set(start.addingTimeInterval(3000))
            let completed = try await h.act(BookingV1.Bookings.complete, booking.id, in: w, token: w.providerUser.token)
            #expect(completed.status == .completed && completed.participants.map(\.status) == [.checkedIn, .checkedIn])
        }
    }

    @Test func theTemplatesPolicyDecidesClientCancellationAndTheNoShowGrace() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "policy")
            var strict = BookingSample.template("strict", at: w.location.id, provider: w.provider.id)
            strict.cancellation = CatalogV1.CancellationTerms(policy: IdentityV1.CancellationPolicy(
                allowClientCancellation: false, noShow: IdentityV1.NoShowPolicy(gracePeriodMinutes: 30, chargePercent: 50)))
            let template = try await h.activate(strict, in: w.org)
            let alice = try await h.client("Alice")
            let starts = try await h.independentStarts(w, template: template, count: 2)
            let first = try await h.book(w.create(starts[0], template: template.id), token: alice.token)
            let second = try await h.book(w.create(starts[1], template: template.id), token: alice.token)

            // Clients may not cancel online here; a manager may.
            let refused = try await h.failure(BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: first.id),
                                              token: alice.token)
            #expect(refused.code == .failedPrecondition && refused.message.contains("does not let clients cancel"))
            #expect(try await h.booking(first.id, in: w).status == .confirmed)
            #expect(try await h.cancel(first.id, in: w).status == .cancelled)

            // Its no-show grace is 30 minutes, not the organization's 15.
            h.clock.set(starts[1].addingTimeInterval(29 * 60))
            let early = try await h.failure(BookingV1.Bookings.markNoShow, w.action(second.id), token: w.org.token)
            #expect(early.code == .failedPrecondition && early.message.contains("30 minutes after its start"))
            h.clock.set(starts[1].addingTimeInterval(30 * 60))
            #expect(try await h.act(BookingV1.Bookings.markNoShow, second.id, in: w).status == .noShow)
        }
    }

    @Test func serviceTokensBookAsStaffAndCancelAsTheSystem() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "tokens")
            let alice = try await h.client("Alice")
            let organizationID = UUID(uuidString: w.org.id)!
            let admin = try await h.identity.fixtures.issueServiceToken(organizationID: organizationID, name: "integration", role: .admin).1
            let desk = try await h.identity.fixtures.issueServiceToken(organizationID: organizationID, name: "kiosk", role: .staff).1
            let starts = try await h.independentStarts(w, count: 3)

            // A token books for someone (never for itself).
            let nobody = try await h.failure(BookingV1.Bookings.create, w.create(starts[0]), token: admin)
            #expect(nobody.code == .invalidArgument && catalogViolationFields(nobody) == ["participants"])
            let booked = try await h.book(w.create(starts[0], participants: [BookingSample.user(alice.id)], source: .api), token: admin)
            #expect(booked.status == .confirmed && booked.bookedByUserId == "" && booked.participants.map(\.userId) == [alice.id] && booked.source == .api)
            #expect(try await h.booking(booked.id, in: w, token: alice.token) == booked, "the participant sees it")
            let walkIn = try await h.book(w.create(starts[1], participants: [BookingSample.guest("Walk In")], source: .walkIn), token: desk)
            #expect(walkIn.status == .confirmed && walkIn.source == .walkIn)

            // Only a token cancels as the system; only staff as the provider.
            let asSystem = try await h.failure(BookingV1.Bookings.cancel,
                                               BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: booked.id, cancelledBy: .system), token: w.org.token)
            #expect(asSystem.code == .permissionDenied)
            let asProvider = try await h.failure(BookingV1.Bookings.cancel,
                                                 BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: booked.id, cancelledBy: .provider), token: alice.token)
            #expect(asProvider.code == .permissionDenied)
            let cancelled: BookingV1.Booking = try await h.call(
                BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: booked.id, cancelledBy: .system, reason: "sync"),
                token: admin)
            #expect(cancelled.status == .cancelled && cancelled.cancelledBy == .system && cancelled.cancellationReason == "sync")

            // A token holds and converts for someone.
            let holdable = try await BookingHoldTests.holdable(w, h)
            let held = try #require(try await h.independentStarts(w, template: holdable, count: 1, from: "2026-06-03").first)
            let hold = try await h.hold(held, template: holdable.id, in: w, token: desk)
            #expect(hold.holderUserId == "")
            #expect(try await h.failure(BookingV1.Holds.convertHold, BookingV1.ConvertHoldRequest(organizationId: w.org.id, holdId: hold.id), token: desk).code
                == .invalidArgument)
            #expect(try await h.failure(BookingV1.Holds.extendHold, BookingV1.HoldRequest(organizationId: w.org.id, holdId: hold.id), token: admin).code
                == .permissionDenied, "another token is not the holder")
            let converted: BookingV1.Booking = try await h.call(
                BookingV1.Holds.convertHold,
                BookingV1.ConvertHoldRequest(organizationId: w.org.id, holdId: hold.id, participants: [BookingSample.user(alice.id)]), token: desk)
            #expect(converted.holdId == hold.id && converted.participants.map(\.userId) == [alice.id] && converted.bookedByUserId == "")
        }
    }

    @Test func aRescheduleMayOverlapTheBookingsOwnOldTime() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "shift")
            let (alice, bob) = (try await h.client("Alice"), try await h.client("Bob"))
            let day = w.search("2026-06-02", "2026-06-02")
            let offered = try await h.starts(day, token: alice.token)
            // Two starts half an hour apart: their busy hours overlap.
            let first = try #require(offered.first)
            let shifted = try #require(offered.first { $0.timeIntervalSince(first) == 1_800 })
            let booking = try await h.book(w.create(first), token: alice.token)
            #expect(!(try await h.starts(day, token: bob.token)).contains(shifted))

            let moved: BookingV1.Booking = try await h.call(
                BookingV1.Bookings.reschedule, BookingV1.RescheduleBookingRequest(organizationId: w.org.id, bookingId: booking.id, startTime: shifted),
                token: alice.token)
            #expect(moved.startTime == shifted && moved.endTime == shifted.addingTimeInterval(1_800) && moved.version == 2)
            #expect(moved.localStart == SchedulingTime.iso(shifted) && moved.status == .confirmed)
            #expect(try await h.reservedRows(booking.id).count == 2)
            #expect(try await h.bookingRowsDisagreements(organizationID: w.org.id) == [])
            // Its old start is free again only where the new busy time allows: not at all here (they overlap).
            #expect(!(try await h.starts(day, token: bob.token)).contains(first))
            // Another client may not move it; a reschedule to a time not on offer is refused.
            #expect(try await h.failure(BookingV1.Bookings.reschedule,
                                        BookingV1.RescheduleBookingRequest(organizationId: w.org.id, bookingId: booking.id, startTime: first),
                                        token: bob.token).code == .notFound)
            let offGrid = try await h.failure(BookingV1.Bookings.reschedule,
                                              BookingV1.RescheduleBookingRequest(organizationId: w.org.id, bookingId: booking.id,
                                                                                 startTime: shifted.addingTimeInterval(60)), token: alice.token)
            #expect(refusal(offGrid) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")
            // Back where it was.
            let back: BookingV1.Booking = try await h.call(
                BookingV1.Bookings.reschedule, BookingV1.RescheduleBookingRequest(organizationId: w.org.id, bookingId: booking.id, startTime: first),
                token: alice.token)
            #expect(back.startTime == first && back.version == 3)
            #expect(try await h.starts(day, token: bob.token) == offered.filter { abs($0.timeIntervalSince(first)) >= 3_600 })
        }
    }

    @Test func reassigningABookableMovesItsTimeToAFreeOneThatQualifies() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "reassign")
            let secondRoom = try await h.create(CatalogSample.venue("reassign-room-2", at: w.location.id), in: w.org)
            var anyProvider = BookingSample.template("any", at: w.location.id, provider: nil)
            anyProvider.requiredBookables[0].allowSubstitution = true
            let any = try await h.activate(anyProvider, in: w.org)
            let alice = try await h.client("Alice")
            let starts = try await h.independentStarts(w, count: 2)
            let (p1, p2) = (w.provider.id, w.otherProvider.id)

            let booking = try await h.book(w.create(starts[0], template: any.id), token: alice.token)
            let assigned = try #require(booking.assignedBookables.first { $0.kind == .provider }).bookableId
            let other = assigned == p1 ? p2 : p1
            func reassign(_ id: String, _ from: String, to: String, token: String? = nil) -> BookingV1.ReassignBookableRequest {
                BookingV1.ReassignBookableRequest(organizationId: w.org.id, bookingId: id, bookableId: from, newBookableId: to)
            }
            #expect(try await h.failure(BookingV1.Bookings.reassignBookable, reassign(booking.id, assigned, to: other), token: alice.token).code
                == .permissionDenied)
            let notQualifying = try await h.failure(BookingV1.Bookings.reassignBookable, reassign(booking.id, assigned, to: secondRoom.id), token: w.org.token)
            #expect(notQualifying.code == .invalidArgument && catalogViolationFields(notQualifying) == ["new_bookable_id"])
            let noSubstitution = try await h.failure(BookingV1.Bookings.reassignBookable,
                                                     reassign(booking.id, booking.assignedBookables[1].bookableId, to: secondRoom.id), token: w.org.token)
            #expect(noSubstitution.code == .failedPrecondition, "the venue requirement does not allow substitution")

            let moved: BookingV1.Booking = try await h.call(BookingV1.Bookings.reassignBookable, reassign(booking.id, assigned, to: other), token: w.org.token)
            #expect(moved.assignedBookables.map(\.bookableId) == [other, booking.assignedBookables[1].bookableId] && moved.version == 2)
            #expect(moved.startTime == booking.startTime && moved.assignedBookables[0].requirementIndex == 0)
            let rows = try await h.store.read { db in
                try String.fetchAll(db, sql: "SELECT bookable_id FROM reserved_times WHERE reference_id = ? ORDER BY bookable_id", arguments: [booking.id])
            }
            #expect(rows == [other, booking.assignedBookables[1].bookableId].sorted())
            #expect(try await h.bookingRowsDisagreements(organizationID: w.org.id) == [])

            // Onto a busy provider: refused, nothing changed.
            let blocker = try await h.book(w.create(starts[1]), token: try await h.client("Bob").token)
            #expect(blocker.assignedBookables.map(\.bookableId).first == p1)
            let second = try await h.book(w.create(starts[1], template: any.id), token: alice.token)
            #expect(second.assignedBookables.map(\.bookableId) == [p2, blocker.assignedBookables[1].bookableId == w.room.id ? secondRoom.id : w.room.id])
            let busy = try await h.failure(BookingV1.Bookings.reassignBookable, reassign(second.id, p2, to: p1), token: w.org.token)
            #expect(refusal(busy) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")
            #expect(try await h.booking(second.id, in: w) == second)
            #expect(try await h.bookingOverlaps() == [])
        }
    }
}
