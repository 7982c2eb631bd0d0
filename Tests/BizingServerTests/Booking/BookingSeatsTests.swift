import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB
import Testing

/// A group class's seats over the socket: bookings of several participants
/// fill the session, one more than is left is SLOT_UNAVAILABLE, added
/// participants must fit; an individual service takes one participant
/// taking part (observers aside).
@Suite struct BookingSeatsTests {
    @Test func bookingsAndAddedParticipantsFillAClassAndNoMore() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "seats")
            let yoga = try await h.activate(BookingSample.template(
                "yoga", at: w.location.id, provider: w.provider.id, type: .class,
                capacity: CatalogV1.Capacity(type: .group, group: CatalogV1.GroupCapacity(minParticipants: 1, maxParticipants: 5))), in: w.org)
            let (alice, bob, carol) = (try await h.client("Alice"), try await h.client("Bob"), try await h.client("Carol"))
            let start = try #require(try await h.independentStarts(w, template: yoga, count: 1).first)
            let day = SchedulingTime.date(of: start)
            func seatsLeft() async throws -> UInt32? {
                try await h.search(w.search(day, day, template: yoga.id), token: carol.token).slots.first { $0.startTime == start }?.seatsLeft
            }
            func guests(_ names: String...) -> [BookingV1.Participant] { names.map { BookingSample.guest($0) } }
            #expect(try await seatsLeft() == 5)

            let first = try await h.book(w.create(start, template: yoga.id, participants: [BookingSample.user(alice.id)] + guests("Ann Guest")),
                                         token: alice.token)
            #expect(first.participantCount == 2 && first.maxParticipants == 5 && first.participants.map(\.role) == [.primary, .guest])
            #expect(try await seatsLeft() == 3)
            // Four more than the three left: the slot is unavailable for them; more than the class has is invalid.
            let tooMany = try await h.failure(BookingV1.Bookings.create,
                                              w.create(start, template: yoga.id, participants: [BookingSample.user(bob.id)] + guests("B One", "B Two", "B Three")),
                                              token: bob.token)
            #expect(refusal(tooMany) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")
            #expect(tooMany.message.contains("only 3 seats left in the class at \(SchedulingTime.iso(start)) (4 asked for)"), "\(tooMany.message)")
            let overClass = try await h.failure(BookingV1.Bookings.create,
                                                w.create(start, template: yoga.id, participants: guests("Cy One", "C Two", "C Three", "C Four", "C Five", "C Six")),
                                                token: bob.token)
            #expect(overClass.code == .invalidArgument && overClass.details.fieldViolations == [
                FieldViolation(field: "participants", description: "6 take part (observers aside); must be at most 5: the class's seats")])
            let second = try await h.book(w.create(start, template: yoga.id, participants: [BookingSample.user(bob.id)] + guests("Bea Guest")),
                                          token: bob.token)
            #expect(second.participantCount == 2 && second.assignedBookables == first.assignedBookables, "the session's bookables serve every booking")
            #expect(try await seatsLeft() == 1)

            // Adding participants: within the seats left, observers free.
            let addTwo = try await h.failure(BookingV1.Bookings.addParticipants,
                                             BookingV1.AddParticipantsRequest(organizationId: w.org.id, bookingId: first.id, participants: guests("Al Guest", "Bo Guest")),
                                             token: alice.token)
            #expect(refusal(addTwo) == "FAILED_PRECONDITION SLOT_UNAVAILABLE" && addTwo.message.contains("only 1 seat left"))
            let added: BookingV1.Booking = try await h.call(BookingV1.Bookings.addParticipants,
                                                             BookingV1.AddParticipantsRequest(organizationId: w.org.id, bookingId: first.id, participants: guests("Al Guest")),
                                                             token: alice.token)
            #expect(added.participantCount == 3 && added.participants.map(\.name) == ["Alice", "Ann Guest", "Al Guest"])
            #expect(added.participants.map(\.role) == [.primary, .guest, .guest])
            let watched: BookingV1.Booking = try await h.call(
                BookingV1.Bookings.addParticipants,
                BookingV1.AddParticipantsRequest(organizationId: w.org.id, bookingId: first.id, participants: [BookingSample.guest("Olga Observer", role: .observer)]),
                token: alice.token)
            #expect(watched.participantCount == 3 && watched.participants.count == 4 && watched.participants.last?.role == .observer)
            // Someone else may not add to Alice's booking.
            #expect(try await h.failure(BookingV1.Bookings.addParticipants,
                                        BookingV1.AddParticipantsRequest(organizationId: w.org.id, bookingId: first.id, participants: guests("Zed Guest")),
                                        token: bob.token).code == .notFound)

            // The class is full: not offered, and one more is refused.
            #expect(try await seatsLeft() == nil)
            let full = try await h.failure(BookingV1.Bookings.create, w.create(start, template: yoga.id), token: carol.token)
            #expect(refusal(full) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")
            #expect(try await h.seatsReserved(start: start, template: yoga.id) == 5)

            // Removing a participant frees a seat: Carol gets it.
            let removed: BookingV1.Booking = try await h.call(
                BookingV1.Bookings.removeParticipant,
                BookingV1.RemoveParticipantRequest(organizationId: w.org.id, bookingId: second.id, participantId: second.participants[1].id), token: bob.token)
            #expect(removed.participantCount == 1 && removed.participants.map(\.name) == ["Bob"])
            #expect(try await seatsLeft() == 1)
            let carols = try await h.book(w.create(start, template: yoga.id), token: carol.token)
            #expect(carols.participantCount == 1)
            #expect(try await h.seatsReserved(start: start, template: yoga.id) == 5)
            #expect(try await h.bookingRowsDisagreements(organizationID: w.org.id) == [])
        }
    }

    @Test func anIndividualServiceTakesOneParticipantBesidesObservers() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "single")
            let (alice, bob) = (try await h.client("Alice"), try await h.client("Bob"))
            let starts = try await h.independentStarts(w, count: 2)

            let two = try await h.failure(BookingV1.Bookings.create,
                                          w.create(starts[0], participants: [BookingSample.user(alice.id), BookingSample.guest("Gus Guest")]), token: alice.token)
            #expect(two.code == .invalidArgument && two.details.fieldViolations == [
                FieldViolation(field: "participants", description: "2 take part (observers aside); only a group class has seats")])
            let twoUsers = try await h.failure(BookingV1.Bookings.create,
                                               w.create(starts[0], participants: [BookingSample.user(alice.id), BookingSample.user(bob.id)]), token: w.org.token)
            #expect(twoUsers.code == .invalidArgument && catalogViolationFields(twoUsers) == ["participants"], "\(twoUsers)")
            #expect(try await h.bookingCount(organizationID: w.org.id) == 0)

            let watched = try await h.book(
                w.create(starts[0], participants: [BookingSample.user(alice.id), BookingSample.guest("Pam Parent", role: .observer)]), token: alice.token)
            #expect(watched.participantCount == 1 && watched.maxParticipants == 1 && watched.participants.map(\.role) == [.primary, .observer])
            let more = try await h.failure(BookingV1.Bookings.addParticipants,
                                           BookingV1.AddParticipantsRequest(organizationId: w.org.id, bookingId: watched.id, participants: [BookingSample.guest("Gus Guest")]),
                                           token: alice.token)
            #expect(more.code == .invalidArgument && catalogViolationFields(more) == ["participants"])
            let observer: BookingV1.Booking = try await h.call(
                BookingV1.Bookings.addParticipants,
                BookingV1.AddParticipantsRequest(organizationId: w.org.id, bookingId: watched.id, participants: [BookingSample.guest("Oz Observer", role: .observer)]),
                token: alice.token)
            #expect(observer.participantCount == 1 && observer.participants.count == 3)
            // The one taking part cannot be removed; an observer can.
            let last = try await h.failure(BookingV1.Bookings.removeParticipant,
                                           BookingV1.RemoveParticipantRequest(organizationId: w.org.id, bookingId: watched.id, participantId: watched.participants[0].id),
                                           token: alice.token)
            #expect(last.code == .failedPrecondition)
            let fewer: BookingV1.Booking = try await h.call(
                BookingV1.Bookings.removeParticipant,
                BookingV1.RemoveParticipantRequest(organizationId: w.org.id, bookingId: watched.id, participantId: watched.participants[1].id), token: alice.token)
            #expect(fewer.participants.map(\.name) == ["Alice", "Oz Observer"] && fewer.participantCount == 1)
        }
    }
}

extension CatalogHarness {
    /// The seats live reservations take on the session at `start` of `template`, per bookable (they must agree).
    func seatsReserved(start: Date, template: String) async throws -> Int {
        try await store.read { db in
            let sums = try Int.fetchAll(db, sql: """
                SELECT SUM(participants) FROM reserved_times WHERE service_template_id = ? AND starts_at = ? AND kind = 'booking' GROUP BY bookable_id
                """, arguments: [template, start.unixMicroseconds])
            return Set(sums).count == 1 ? sums[0] : -1
        }
    }
}
