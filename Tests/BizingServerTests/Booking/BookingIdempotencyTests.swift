import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Testing

/// The `idempotency-key` metadata of mutating calls: a retry answers the
/// first result and changes nothing; the same key with another request is
/// ALREADY_EXISTS (IDEMPOTENCY_KEY_REUSED); keys are each caller's own.
@Suite struct BookingIdempotencyTests {
    @Test func aRetryAnswersTheFirstBookingAndAnotherRequestUnderTheKeyIsRefused() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "keys")
            let (alice, bob) = (try await h.client("Alice"), try await h.client("Bob"))
            let starts = try await h.independentStarts(w, count: 4)

            let first: BookingV1.Booking = try await h.keyed(BookingV1.Bookings.create, w.create(starts[0]), token: alice.token, key: "k1")
            #expect(first.status == .confirmed && first.startTime == starts[0])
            let snapshot = try await h.bookingSnapshot(organizationID: w.org.id)
            h.clock.advance(by: .seconds(90))
            let again: BookingV1.Booking = try await h.keyed(BookingV1.Bookings.create, w.create(starts[0]), token: alice.token, key: "k1")
            #expect(again == first, "the first answer, word for word (its created_at too)")
            #expect(try await h.bookingSnapshot(organizationID: w.org.id) == snapshot, "and nothing written")
            #expect(try await h.bookingCount(organizationID: w.org.id) == 1)

            // The same key with another request, or for another method: refused, nothing changed.
            let other = try await h.keyedFailure(BookingV1.Bookings.create, w.create(starts[1]), token: alice.token, key: "k1")
            #expect(other.code == .alreadyExists && other.details.reason == "IDEMPOTENCY_KEY_REUSED")
            let notes = try await h.keyedFailure(BookingV1.Bookings.create, w.create(starts[0], notes: "hi"), token: alice.token, key: "k1")
            #expect(notes.code == .alreadyExists && notes.details.reason == "IDEMPOTENCY_KEY_REUSED")
            let cancel = try await h.keyedFailure(
                BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: first.id), token: alice.token, key: "k1")
            #expect(cancel.code == .alreadyExists && cancel.details.reason == "IDEMPOTENCY_KEY_REUSED")
            #expect(try await h.bookingSnapshot(organizationID: w.org.id) == snapshot)
            #expect(try await h.starts(w.search("2026-06-02", "2026-06-12"), token: bob.token).contains(starts[1]))

            // Another caller's "k1" is theirs alone.
            let bobs: BookingV1.Booking = try await h.keyed(BookingV1.Bookings.create, w.create(starts[1]), token: bob.token, key: "k1")
            #expect(bobs.id != first.id && bobs.bookedByUserId == bob.id && bobs.startTime == starts[1])
            let bobsAgain: BookingV1.Booking = try await h.keyed(BookingV1.Bookings.create, w.create(starts[1]), token: bob.token, key: "k1")
            #expect(bobsAgain == bobs)
            #expect(try await h.bookingCount(organizationID: w.org.id) == 2)

            // Keyed changes: the retry answers the first result, one version later only once.
            let cancelRequest = BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: bobs.id, reason: "moved away")
            let cancelled: BookingV1.Booking = try await h.keyed(BookingV1.Bookings.cancel, cancelRequest, token: bob.token, key: "cancel-1")
            #expect(cancelled.status == .cancelled && cancelled.version == 2)
            h.clock.advance(by: .seconds(90))
            let cancelledAgain: BookingV1.Booking = try await h.keyed(BookingV1.Bookings.cancel, cancelRequest, token: bob.token, key: "cancel-1")
            #expect(cancelledAgain == cancelled, "not refused as cancelled already: the first answer again")
            #expect(try await h.booking(bobs.id, in: w).version == 2)

            // A refused call stores nothing: its retry runs again.
            let taken = try await h.keyedFailure(BookingV1.Bookings.create, w.create(starts[0]), token: bob.token, key: "k2")
            #expect(refusal(taken) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")
            let retried: BookingV1.Booking = try await h.keyed(BookingV1.Bookings.create, w.create(starts[2]), token: bob.token, key: "k2")
            #expect(retried.startTime == starts[2])

            // Malformed keys: INVALID_ARGUMENT naming the metadata entry, nothing written.
            let before = try await h.bookingSnapshot(organizationID: w.org.id)
            for key in ["has space", String(repeating: "k", count: 256), "tab\tkey", ""] {
                let malformed = try await h.keyedFailure(BookingV1.Bookings.create, w.create(starts[3]), token: alice.token, key: key)
                #expect(malformed.code == .invalidArgument, "\(key.debugDescription): \(malformed)")
                #expect(catalogViolationFields(malformed) == ["idempotency-key"], "\(key.debugDescription)")
            }
            #expect(try await h.bookingSnapshot(organizationID: w.org.id) == before)
            let longest: BookingV1.Booking = try await h.keyed(BookingV1.Bookings.create, w.create(starts[3]), token: alice.token,
                                                              key: String(repeating: "~", count: 255))
            #expect(longest.startTime == starts[3], "255 printable characters are a key")
        }
    }

    @Test func concurrentRetriesWithOneKeyMakeOneBooking() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "retries")
            let alice = try await h.client("Alice")
            let starts = try await h.independentStarts(w, count: 2)
            let clients = try await (0..<16).asyncMap { _ in try await RPCClient.connect(socketPath: h.socketPath) }
            let request = w.create(starts[0])
            let answers = try await withThrowingTaskGroup(of: BookingV1.Booking.self) { group in
                for client in clients {
                    group.addTask {
                        try await client.unary(
                            BookingV1.Bookings.create.fullName, request, as: BookingV1.Booking.self,
                            metadata: IdentityHarness.metadata(alice.token) + [MetadataEntry(key: "idempotency-key", value: "same-key")])
                    }
                }
                var answers: [BookingV1.Booking] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
            for client in clients { try await client.close() }
            #expect(answers.count == 16)
            #expect(Set(answers).count == 1, "every retry answered the one booking")
            #expect(try await h.bookingCount(organizationID: w.org.id) == 1)
            #expect(try await h.reservedRows(answers[0].id).count == 2)
            // Unkeyed, the same request is a new booking attempt (and the slot is taken).
            #expect(refusal(try await h.failure(BookingV1.Bookings.create, request, token: alice.token)) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")
        }
    }
}
