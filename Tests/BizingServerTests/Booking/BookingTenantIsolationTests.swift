import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB
import Identity
import NIOCore
import Testing

/// Two organizations, each with a booking and a hold made by its owner.
/// Organization 1's credentials (its owner's and admin's sessions and an
/// admin service token) never reach organization 2's bookings or holds:
/// every call naming one of them answers NOT_FOUND with no details and a
/// message naming nothing of 2's, under 2's organization_id or 1's own, and
/// 2's booking rows are byte for byte what they were. (1's users may still
/// book 2's offering as its clients; that is not an attack, and is checked
/// to leave 2's own booking alone.)
@Suite struct BookingTenantIsolationTests {
    fileprivate struct Tenant: Sendable {
        let world: SchedulingWorld
        let booking: BookingV1.Booking
        let hold: BookingV1.Hold
        let credentials: [(String, String)]
        var org: CatalogOrganization { world.org }
    }

    fileprivate static func tenant(_ h: CatalogHarness, _ tag: String) async throws -> Tenant {
        let w = try await h.schedulingWorld(tag: tag)
        var holdable = SchedulingSample.template("\(tag)-holdable", at: w.location.id)
        holdable.reservation = CatalogV1.ReservationSettings(enabled: true, holdMinutes: 15, maxHoldMinutes: 30)
        let held = try await h.activate(holdable, in: w.org)
        let booking: BookingV1.Booking = try await h.call(BookingV1.Bookings.create, BookingV1.CreateBookingRequest(
            organizationId: w.org.id, slot: BookingV1.SlotChoice(serviceTemplateId: w.template.id, startTime: SchedulingTime.at("2026-06-02", "10:00")),
            notes: "secret of \(w.org.id)"), token: w.org.token)
        let hold: BookingV1.Hold = try await h.call(BookingV1.Holds.holdSlot, BookingV1.HoldSlotRequest(
            organizationId: w.org.id, slot: BookingV1.SlotChoice(serviceTemplateId: held.id, startTime: SchedulingTime.at("2026-06-03", "10:00"))),
            token: w.org.token)
        let admin = try await h.member(of: w.org, "\(tag) Admin", role: .admin)
        let service = try await h.identity.fixtures.issueServiceToken(organizationID: UUID(uuidString: w.org.id)!, name: "\(tag)-sync", role: .admin).1
        return Tenant(world: w, booking: booking, hold: hold, credentials: [("owner", w.org.token), ("admin", admin.token), ("service token", service)])
    }

    typealias Call = (label: String, method: MethodDescriptor, request: any Encodable & Sendable)

    /// Every call naming the victim's booking or hold, under `organization`.
    fileprivate static func attacks(on victim: Tenant, organization o: String) -> [Call] {
        let b = victim.booking.id
        let h = victim.hold.id
        let participant = victim.booking.participants[0].id
        return [
            ("Get", BookingV1.Bookings.get, BookingV1.GetBookingRequest(organizationId: o, bookingId: b)),
            ("Confirm", BookingV1.Bookings.confirm, BookingV1.BookingActionRequest(organizationId: o, bookingId: b)),
            ("Approve", BookingV1.Bookings.approve, BookingV1.BookingActionRequest(organizationId: o, bookingId: b)),
            ("CheckIn", BookingV1.Bookings.checkIn, BookingV1.CheckInRequest(organizationId: o, bookingId: b)),
            ("CheckIn participant", BookingV1.Bookings.checkIn, BookingV1.CheckInRequest(organizationId: o, bookingId: b, participantId: participant)),
            ("Complete", BookingV1.Bookings.complete, BookingV1.BookingActionRequest(organizationId: o, bookingId: b)),
            ("MarkNoShow", BookingV1.Bookings.markNoShow, BookingV1.BookingActionRequest(organizationId: o, bookingId: b)),
            ("Cancel", BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: o, bookingId: b, reason: "taken over")),
            ("Reschedule", BookingV1.Bookings.reschedule, BookingV1.RescheduleBookingRequest(
                organizationId: o, bookingId: b, startTime: SchedulingTime.at("2026-06-02", "14:00"))),
            ("AddParticipants", BookingV1.Bookings.addParticipants, BookingV1.AddParticipantsRequest(
                organizationId: o, bookingId: b, participants: [BookingV1.Participant(name: "Intruder", email: "intruder@example.com", role: .observer)])),
            ("RemoveParticipant", BookingV1.Bookings.removeParticipant,
             BookingV1.RemoveParticipantRequest(organizationId: o, bookingId: b, participantId: participant)),
            ("ReassignBookable", BookingV1.Bookings.reassignBookable, BookingV1.ReassignBookableRequest(
                organizationId: o, bookingId: b, bookableId: victim.booking.assignedBookables[0].bookableId, newBookableId: victim.world.p2)),
            ("GetHold", BookingV1.Holds.getHold, BookingV1.HoldRequest(organizationId: o, holdId: h)),
            ("ExtendHold", BookingV1.Holds.extendHold, BookingV1.HoldRequest(organizationId: o, holdId: h)),
            ("ReleaseHold", BookingV1.Holds.releaseHold, BookingV1.HoldRequest(organizationId: o, holdId: h)),
            ("ConvertHold", BookingV1.Holds.convertHold, BookingV1.ConvertHoldRequest(organizationId: o, holdId: h)),
            ("Create from the hold", BookingV1.Bookings.create, BookingV1.CreateBookingRequest(organizationId: o, holdId: h)),
            ("Agenda", BookingV1.Bookings.agenda, BookingV1.AgendaRequest(
                organizationId: o, bookableId: victim.booking.assignedBookables[0].bookableId, date: "2026-06-02")),
        ]
    }

    /// The victim's booking tables, row by row.
    fileprivate static func snapshot(_ h: CatalogHarness, organizationID: String) async throws -> [String] {
        try await h.store.read { db in
            var rows: [String] = []
            for table in ["bookings", "booking_participants", "assigned_bookables", "holds", "reserved_times"] {
                rows += try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE organization_id = ? ORDER BY 1, 2", arguments: [organizationID])
                    .map { "\(table): \($0)" }
            }
            return rows
        }
    }

    @Test(arguments: [false, true])
    func callsNamingTheOtherOrganizationsBookingsAreNotFound(underOwnOrganization: Bool) async throws {
        try await CatalogHarness.scheduling { h in
            let one = try await Self.tenant(h, "one")
            let two = try await Self.tenant(h, "two")
            let before = try await Self.snapshot(h, organizationID: two.org.id)
            // A booking, its participant, two assignments each for it and the hold, the hold, four reserved rows.
            let expectedRows = 11
            #expect(before.count == expectedRows)
            let calls = Self.attacks(on: two, organization: underOwnOrganization ? one.org.id : two.org.id)
            let words = [two.booking.id, two.hold.id, "secret of \(two.org.id)", two.world.template.name, two.world.location.name]
            var mismatches: [String] = []
            for (name, token) in one.credentials {
                for (label, method, request) in calls {
                    var buffer = ByteBuffer()
                    try ProtobufEncoder().encode(request, into: &buffer)
                    do {
                        _ = try await h.identity.client.unary(method.fullName, request: buffer, metadata: IdentityHarness.metadata(token))
                        mismatches.append("\(name) \(label): answered OK")
                    } catch let status as RPCStatus {
                        if status.code != .notFound { mismatches.append("\(name) \(label): \(status), expected NOT_FOUND") }
                        if !status.details.fieldViolations.isEmpty { mismatches.append("\(name) \(label): the refusal carries \(status.details)") }
                        for word in words where status.message.contains(word) && word != two.booking.id && word != two.hold.id {
                            mismatches.append("\(name) \(label): the message names \(word)")
                        }
                    }
                }
                // Lists under the victim's id show a client nothing of the victim's.
                if !underOwnOrganization && name != "service token" {
                    let listed: BookingV1.ListBookingsResponse = try await h.call(
                        BookingV1.Bookings.list, BookingV1.ListBookingsRequest(organizationId: two.org.id), token: token)
                    if listed.bookings.contains(where: { $0.id == two.booking.id }) { mismatches.append("\(name) List: shows the victim's booking") }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
            #expect(try await Self.snapshot(h, organizationID: two.org.id) == before, "organization 2's booking rows changed")
        }
    }

    @Test func aServiceTokenCannotBookAnotherOrganizationButItsUsersMayAsClients() async throws {
        try await CatalogHarness.scheduling { h in
            let one = try await Self.tenant(h, "one")
            let two = try await Self.tenant(h, "two")
            let slot = BookingV1.SlotChoice(serviceTemplateId: two.world.template.id, startTime: SchedulingTime.at("2026-06-02", "11:00"))
            let token = one.credentials.first { $0.0 == "service token" }!.1
            #expect(try await h.failure(BookingV1.Bookings.create, BookingV1.CreateBookingRequest(organizationId: two.org.id, slot: slot), token: token).code
                    == .notFound)
            // Under its own organization, 2's template is no template of 1's.
            #expect(try await h.failure(BookingV1.Bookings.create, BookingV1.CreateBookingRequest(organizationId: one.org.id, slot: slot),
                                        token: one.org.token).code == .notFound)
            // 1's owner books 2's offering as a client: their booking, not a member's.
            let booked: BookingV1.Booking = try await h.call(
                BookingV1.Bookings.create, BookingV1.CreateBookingRequest(organizationId: two.org.id, slot: slot), token: one.org.token)
            #expect(booked.organizationId == two.org.id && booked.status == .confirmed)
            let mine: BookingV1.ListBookingsResponse = try await h.call(
                BookingV1.Bookings.list, BookingV1.ListBookingsRequest(organizationId: two.org.id), token: one.org.token)
            #expect(mine.bookings.map(\.id) == [booked.id])
        }
    }
}
