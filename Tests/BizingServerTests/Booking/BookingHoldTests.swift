import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Testing

/// Holds over the real socket, with the harness's clock: a hold keeps its
/// slot from everyone else for the template's hold minutes, extensions up to
/// its max, and nothing once the clock passes its expiry (before any
/// housekeeping runs).
@Suite struct BookingHoldTests {
    /// Holds of 10 minutes, extendable to 25 in all.
    static let reservation = CatalogV1.ReservationSettings(enabled: true, holdMinutes: 10, maxHoldMinutes: 25)

    static func holdable(_ w: BookingWorld, _ h: CatalogHarness, slug: String = "holdable", maxMinutes: UInt32 = 25) async throws -> CatalogV1.ServiceTemplate {
        try await h.activate(BookingSample.template(
            slug, at: w.location.id, provider: w.provider.id,
            reservation: CatalogV1.ReservationSettings(enabled: true, holdMinutes: 10, maxHoldMinutes: maxMinutes)), in: w.org)
    }

    @Test func aHoldKeepsItsSlotExtendsToItsMaxAndFreesItAtExpiry() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "hold")
            let template = try await Self.holdable(w, h)
            let (alice, bob) = (try await h.client("Alice"), try await h.client("Bob"))
            let desk = try await h.staff(of: w.org, "Desk")
            let day = w.search("2026-06-02", "2026-06-02", template: template.id)
            let offered = try await h.starts(day, token: bob.token)
            let start = try #require(offered.first)
            let t0 = h.clock.now

            let hold = try await h.hold(start, template: template.id, in: w, token: alice.token)
            #expect(hold.status == .active && hold.holderUserId == alice.id && hold.seats == 1 && hold.extensionCount == 0)
            #expect(hold.startTime == start && hold.endTime == start.addingTimeInterval(1_800) && hold.durationMinutes == 30)
            #expect(hold.createdAt == t0 && hold.expiresAt == t0.addingTimeInterval(600) && hold.extendableUntil == t0.addingTimeInterval(1_500))
            #expect(hold.assignedBookables.map(\.bookableId) == [w.provider.id, w.room.id] && hold.onExpiry == .releaseSlot)
            #expect(hold.serviceTemplateId == template.id && hold.locationId == w.location.id && hold.timeZone == "America/New_York")
            #expect(hold.localStart == SchedulingTime.iso(start) && hold.localEnd == SchedulingTime.iso(start.addingTimeInterval(1_800)))
            #expect(try await h.holdCall(BookingV1.Holds.getHold, hold.id, in: w, token: alice.token) == hold, "GetHold presents it as HoldSlot did")

            // Held: no one else is offered it or can book it, with either template of the provider and room.
            // (Busy spans are an hour: the service and 15 minutes either side.)
            #expect(try await h.starts(day, token: bob.token) == offered.filter { abs($0.timeIntervalSince(start)) >= 3_600 })
            #expect(!(try await h.starts(w.search("2026-06-02", "2026-06-02"), token: bob.token)).contains(start))
            let taken = try await h.failure(BookingV1.Bookings.create, w.create(start, template: template.id), token: bob.token)
            #expect(refusal(taken) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")
            let heldTwice = try await h.failure(BookingV1.Holds.holdSlot, BookingV1.HoldSlotRequest(organizationId: w.org.id, slot: w.slot(start, template: template.id)),
                                                token: bob.token)
            #expect(refusal(heldTwice) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")

            // Extensions: another 10 minutes from now each time, never past 25 minutes after it was made.
            func extend(after minutes: Double) async throws -> BookingV1.Hold {
                h.clock.set(t0.addingTimeInterval(minutes * 60))
                return try await h.holdCall(BookingV1.Holds.extendHold, hold.id, in: w, token: alice.token)
            }
            let first = try await extend(after: 5)
            #expect(first.status == .extended && first.extensionCount == 1 && first.expiresAt == t0.addingTimeInterval(15 * 60))
            #expect(first.extendableUntil == hold.extendableUntil && first.createdAt == t0 && first.localStart == hold.localStart)
            let second = try await extend(after: 12)
            #expect(second.extensionCount == 2 && second.expiresAt == t0.addingTimeInterval(22 * 60))
            let capped = try await extend(after: 20)
            #expect(capped.extensionCount == 3 && capped.expiresAt == t0.addingTimeInterval(25 * 60), "capped at max_hold_minutes")
            h.clock.set(t0.addingTimeInterval(24 * 60))
            let atLimit = try await h.failure(BookingV1.Holds.extendHold, BookingV1.HoldRequest(organizationId: w.org.id, holdId: hold.id), token: alice.token)
            #expect(atLimit.code == .failedPrecondition && atLimit.message.contains("cannot be extended past"))

            // Only the holder extends or converts: a client is told nothing of it, staff who see it are refused.
            let request = BookingV1.HoldRequest(organizationId: w.org.id, holdId: hold.id)
            let convert = BookingV1.ConvertHoldRequest(organizationId: w.org.id, holdId: hold.id)
            #expect(try await h.failure(BookingV1.Holds.extendHold, request, token: bob.token).code == .notFound)
            #expect(try await h.failure(BookingV1.Holds.convertHold, convert, token: bob.token).code == .notFound)
            #expect(try await h.failure(BookingV1.Holds.getHold, request, token: bob.token).code == .notFound)
            #expect(try await h.failure(BookingV1.Holds.releaseHold, request, token: bob.token).code == .notFound)
            #expect(try await h.failure(BookingV1.Holds.extendHold, request, token: desk.token).code == .permissionDenied)
            #expect(try await h.failure(BookingV1.Holds.convertHold, convert, token: desk.token).code == .permissionDenied)
            #expect(try await h.holdCall(BookingV1.Holds.getHold, hold.id, in: w, token: desk.token).id == hold.id, "staff of the location see it")
            #expect(try await h.holdCall(BookingV1.Holds.getHold, hold.id, in: w, token: alice.token).expiresAt == capped.expiresAt,
                    "nothing was changed by the refusals")

            // 25 minutes after it was made it has expired: it holds nothing at once, though its rows are still
            // there (the janitor sweeps every 30 seconds of real time; the window between setting the clock and
            // checking the rows is two calls).
            #expect(try await h.reservedRows(hold.id).count == 2)
            h.clock.set(t0.addingTimeInterval(25 * 60))
            #expect(try await h.starts(day, token: bob.token) == offered, "the slot is offered again")
            let booked = try await h.book(w.create(start, template: template.id), token: bob.token)
            #expect(try await h.reservedRows(hold.id).count == 2, "the expired hold's rows were still there: the clock freed the slot, not the janitor")
            #expect(booked.status == .confirmed && booked.startTime == start && booked.bookedByUserId == bob.id && booked.holdId == "")
            #expect(try await h.holdCall(BookingV1.Holds.getHold, hold.id, in: w, token: alice.token).status == .expired)
            let late = try await h.failure(BookingV1.Holds.extendHold, request, token: alice.token)
            #expect(late.code == .failedPrecondition && late.message.contains("expired"))
            let converted = try await h.failure(BookingV1.Holds.convertHold, convert, token: alice.token)
            #expect(converted.code == .failedPrecondition && converted.message.contains("expired"))
            let released = try await h.failure(BookingV1.Holds.releaseHold, request, token: alice.token)
            #expect(released.code == .failedPrecondition && released.message.contains("expired"))
            #expect(try await h.holdCall(BookingV1.Holds.getHold, hold.id, in: w, token: alice.token).status == .expired)
            #expect(try await h.bookingOverlaps() == [])
            #expect(try await h.bookingCount(organizationID: w.org.id) == 1)
        }
    }

    @Test func theHolderConvertsOrReleasesAHoldAndTemplatesWithoutHoldsRefuseThem() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "convert")
            let template = try await Self.holdable(w, h)
            let alice = try await h.client("Alice")
            let desk = try await h.staff(of: w.org, "Desk")
            let day = w.search("2026-06-02", "2026-06-02", template: template.id)
            let offered = try await h.independentStarts(w, template: template, count: 5, through: "2026-06-02")
            let t0 = h.clock.now

            // ConvertHold: a booking on the held slot, made from the hold; the hold's time becomes the booking's.
            let hold = try await h.hold(offered[0], template: template.id, in: w, token: alice.token)
            h.clock.set(t0.addingTimeInterval(5 * 60))
            let booking: BookingV1.Booking = try await h.call(
                BookingV1.Holds.convertHold, BookingV1.ConvertHoldRequest(organizationId: w.org.id, holdId: hold.id, notes: "window seat"), token: alice.token)
            #expect(booking.holdId == hold.id && booking.status == .confirmed && booking.startTime == offered[0] && booking.notes == "window seat")
            #expect(booking.participants.map(\.userId) == [alice.id] && booking.participants.map(\.role) == [.primary])
            #expect(booking.bookedByUserId == alice.id && booking.assignedBookables.map(\.bookableId) == [w.provider.id, w.room.id])
            #expect(booking.createdAt == h.clock.now && booking.price?.total == CatalogV1.Money(amountMinor: 5_000, currency: "USD"))
            let converted = try await h.holdCall(BookingV1.Holds.getHold, hold.id, in: w, token: alice.token)
            #expect(converted.status == .converted && converted.convertedBookingId == booking.id)
            #expect(try await h.reservedRows(hold.id) == [], "the hold's reservations were replaced...")
            #expect(try await h.reservedRows(booking.id).count == 2, "...by the booking's")
            #expect(try await h.booking(booking.id, in: w, token: alice.token) == booking)
            let twice = try await h.failure(BookingV1.Holds.convertHold, BookingV1.ConvertHoldRequest(organizationId: w.org.id, holdId: hold.id),
                                            token: alice.token)
            #expect(twice.code == .failedPrecondition && twice.message.contains(booking.id))
            let releaseConverted = try await h.failure(BookingV1.Holds.releaseHold, BookingV1.HoldRequest(organizationId: w.org.id, holdId: hold.id),
                                                       token: alice.token)
            #expect(releaseConverted.code == .failedPrecondition)
            // Even after its expiry the converted hold stays converted, and the booking keeps the time.
            h.clock.set(t0.addingTimeInterval(60 * 60))
            #expect(try await h.holdCall(BookingV1.Holds.getHold, hold.id, in: w, token: alice.token).status == .converted)
            #expect(!(try await h.starts(day, token: alice.token)).contains(offered[0]))

            // Create with hold_id does the same.
            let second = try await h.hold(offered[1], template: template.id, in: w, token: alice.token)
            let fromCreate = try await h.book(BookingV1.CreateBookingRequest(organizationId: w.org.id, holdId: second.id), token: alice.token)
            #expect(fromCreate.holdId == second.id && fromCreate.startTime == offered[1])
            let both = try await h.failure(BookingV1.Bookings.create, BookingV1.CreateBookingRequest(
                organizationId: w.org.id, slot: w.slot(offered[2], template: template.id), holdId: second.id), token: alice.token)
            #expect(both.code == .invalidArgument && catalogViolationFields(both) == ["slot"])

            // ReleaseHold frees the slot at once; a released hold does nothing more.
            let third = try await h.hold(offered[2], template: template.id, in: w, token: alice.token)
            #expect(!(try await h.starts(day, token: alice.token)).contains(offered[2]))
            let released = try await h.holdCall(BookingV1.Holds.releaseHold, third.id, in: w, token: alice.token)
            #expect(released.status == .released && released.id == third.id)
            #expect(try await h.starts(day, token: alice.token).contains(offered[2]))
            #expect(try await h.reservedRows(third.id) == [])
            let again = try await h.failure(BookingV1.Holds.releaseHold, BookingV1.HoldRequest(organizationId: w.org.id, holdId: third.id), token: alice.token)
            #expect(again.code == .failedPrecondition)
            let convertReleased = try await h.failure(BookingV1.Holds.convertHold, BookingV1.ConvertHoldRequest(organizationId: w.org.id, holdId: third.id),
                                                      token: alice.token)
            #expect(convertReleased.code == .failedPrecondition && convertReleased.message.contains("released"))
            // Staff of the location may release a client's hold.
            let fourth = try await h.hold(offered[3], template: template.id, in: w, token: alice.token)
            #expect(try await h.holdCall(BookingV1.Holds.releaseHold, fourth.id, in: w, token: desk.token).status == .released)
            #expect(try await h.starts(day, token: alice.token).contains(offered[3]))

            // Seats are a class's: the refusal names the request's own field.
            let seats = try await h.failure(BookingV1.Holds.holdSlot, BookingV1.HoldSlotRequest(
                organizationId: w.org.id, slot: w.slot(offered[4], template: template.id), seats: 2), token: alice.token)
            #expect(seats.code == .invalidArgument && catalogViolationFields(seats) == ["seats"])
            // A template whose reservation settings are off takes no holds.
            let refused = try await h.failure(BookingV1.Holds.holdSlot, BookingV1.HoldSlotRequest(organizationId: w.org.id, slot: w.slot(offered[4])),
                                              token: alice.token)
            #expect(refused.code == .failedPrecondition && refused.message.contains("does not take holds"))
            // Without max_hold_minutes a hold cannot be extended at all.
            let fixed = try await Self.holdable(w, h, slug: "no-extensions", maxMinutes: 0)
            let short = try await h.hold(offered[4], template: fixed.id, in: w, token: alice.token)
            #expect(short.extendableUntil == short.expiresAt)
            let noExtension = try await h.failure(BookingV1.Holds.extendHold, BookingV1.HoldRequest(organizationId: w.org.id, holdId: short.id),
                                                  token: alice.token)
            #expect(noExtension.code == .failedPrecondition)
            #expect(try await h.bookingOverlaps() == [])
            #expect(try await h.bookingRowsDisagreements(organizationID: w.org.id) == [])
        }
    }
}
