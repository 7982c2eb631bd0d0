import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB
import Testing

/// The Booking promise over the real socket and the real SQLite file: a
/// bookable is never booked twice for the same time, however many clients
/// race. The world (`BookingWorld`): a 30-minute template needing one
/// specific provider and the only room, 15 minutes kept free either side,
/// so every slot has exactly one possible winner.
@Suite struct BookingRaceTests {
    enum Outcome: Sendable, Hashable {
        case booked(slot: Int, id: String)
        case refused(slot: Int, String)
        case failed(slot: Int, String)
    }

    @Test func sixtyFourClientsRacingForTenSlotsBookEachOnceAndNothingOverlaps() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "race")
            let starts = try await h.independentStarts(w, count: 10)
            // 64 clients, each a user of their own on a connection of their own.
            var racers: [(BookingPerson, RPCClient)] = []
            for index in 0..<64 {
                racers.append((try await h.client("Racer \(index)"), try await RPCClient.connect(socketPath: h.socketPath)))
            }
            let requests = starts.map { w.create($0) }

            // Each client tries 10 times, one Create at a time, each slot once
            // in an order of its own: every slot sees 64 attempts.
            let outcomes = await withTaskGroup(of: [Outcome].self) { group in
                for (index, (person, client)) in racers.enumerated() {
                    group.addTask {
                        var outcomes: [Outcome] = []
                        for attempt in 0..<10 {
                            let slot = (index * 7 + attempt * (index % 2 == 0 ? 1 : 9)) % 10
                            do {
                                let booked = try await client.unary(
                                    BookingV1.Bookings.create.fullName, requests[slot], as: BookingV1.Booking.self,
                                    metadata: IdentityHarness.metadata(person.token))
                                outcomes.append(.booked(slot: slot, id: booked.id))
                            } catch let status as RPCStatus {
                                outcomes.append(.refused(slot: slot, refusal(status)))
                            } catch {
                                outcomes.append(.failed(slot: slot, "\(error)"))
                            }
                        }
                        return outcomes
                    }
                }
                var all: [Outcome] = []
                for await outcomes in group { all += outcomes }
                return all
            }
            for (_, client) in racers { try await client.close() }

            #expect(outcomes.count == 640)
            let failures = outcomes.filter { if case .failed = $0 { true } else { false } }
            #expect(failures == [], "no attempt ends in a transport error")
            var winners: [Int: [String]] = [:]
            var refusals: [String: Int] = [:]
            for outcome in outcomes {
                switch outcome {
                case .booked(let slot, let id): winners[slot, default: []].append(id)
                case .refused(_, let why): refusals[why, default: 0] += 1
                case .failed: break
                }
            }
            #expect(winners.keys.sorted() == Array(0..<10), "every slot was won")
            #expect(winners.values.allSatisfy { $0.count == 1 }, "by exactly one client each: \(winners)")
            #expect(refusals == ["FAILED_PRECONDITION SLOT_UNAVAILABLE": 630], "every loser is told the slot is unavailable")

            // Each winner holds its slot: the provider and the room, confirmed, at the start it asked for.
            for (slot, ids) in winners {
                let booking = try await h.booking(ids[0], in: w)
                #expect(booking.status == .confirmed && booking.startTime == starts[slot])
                #expect(booking.endTime == starts[slot].addingTimeInterval(1_800))
                #expect(booking.assignedBookables.map(\.bookableId) == [w.provider.id, w.room.id])
                #expect(booking.participants.map(\.userId) == [booking.bookedByUserId])
            }
            #expect(try await h.bookingCount(organizationID: w.org.id) == 10)
            #expect(try await h.bookingOverlaps() == [], "no bookable is reserved twice at once, buffers included")
            #expect(try await h.bookingRowsDisagreements(organizationID: w.org.id) == [],
                    "bookings, assigned_bookables and reserved_times name the same bookables at the same times")
            #expect(try await h.schedulingRowCount("reserved_times") == 20)
            // And none of the starts is offered any more.
            let left = Set(try await h.starts(w.search("2026-06-02", "2026-06-12"), token: w.org.token))
            #expect(left.isDisjoint(with: starts))
        }
    }

    /// A booking moved to X while another client books X at the same
    /// moment: exactly one of them gets X; a reschedule that lost changed
    /// nothing (its time, version and reserved rows as they were).
    @Test func aRescheduleRacingACreateForTheSameSlotIsAllOrNothing() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "move")
            let rounds = 10
            let starts = try await h.independentStarts(w, count: rounds + 2)
            let mover = try await h.client("Mover")
            let moverClient = try await RPCClient.connect(socketPath: h.socketPath)
            let rivalClient = try await RPCClient.connect(socketPath: h.socketPath)
            var booking = try await h.book(w.create(starts[0]), token: mover.token)
            var (moved, kept) = (0, 0)
            var rivalsStarts: [Date] = []

            for round in 1...rounds {
                let target = starts[round]
                let rival = try await h.client("Rival \(round)")
                let before = try await h.reservedRows(booking.id)
                #expect(before.count == 2)
                let reschedule = BookingV1.RescheduleBookingRequest(organizationId: w.org.id, bookingId: booking.id, startTime: target)
                let create = w.create(target)
                let bookingID = booking.id
                async let rescheduled: Result<BookingV1.Booking, RPCStatus> = Self.result {
                    try await moverClient.unary(BookingV1.Bookings.reschedule.fullName, reschedule, as: BookingV1.Booking.self,
                                                metadata: IdentityHarness.metadata(mover.token))
                }
                async let created: Result<BookingV1.Booking, RPCStatus> = Self.result {
                    try await rivalClient.unary(BookingV1.Bookings.create.fullName, create, as: BookingV1.Booking.self,
                                                metadata: IdentityHarness.metadata(rival.token))
                }
                switch (await rescheduled, await created) {
                case (.success(let after), .failure(let refused)):
                    moved += 1
                    #expect(refusal(refused) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")
                    #expect(after.id == bookingID && after.startTime == target && after.version == booking.version + 1)
                    #expect(after.assignedBookables == booking.assignedBookables)
                    let rows = try await h.reservedRows(bookingID)
                    #expect(rows.count == 2 && rows != before, "the old time released, the new one reserved")
                    booking = after
                case (.failure(let refused), .success(let other)):
                    kept += 1
                    rivalsStarts.append(target)
                    #expect(refusal(refused) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")
                    #expect(other.startTime == target)
                    let unchanged = try await h.booking(bookingID, in: w)
                    #expect(unchanged == booking, "a reschedule that lost changed nothing")
                    #expect(try await h.reservedRows(bookingID) == before, "and kept its reserved rows exactly")
                case (let r, let c):
                    Issue.record("round \(round): exactly one should get the slot; reschedule \(r), create \(c)")
                }
            }
            try await moverClient.close()
            try await rivalClient.close()

            // Whichever way the rounds went, a reschedule onto a taken slot changes nothing.
            let taken = try await h.book(w.create(starts[rounds + 1]), token: try await h.client("Early Bird").token)
            let before = try await h.reservedRows(booking.id)
            let refused = try await h.failure(BookingV1.Bookings.reschedule,
                                              BookingV1.RescheduleBookingRequest(organizationId: w.org.id, bookingId: booking.id, startTime: starts[rounds + 1]),
                                              token: mover.token)
            #expect(refusal(refused) == "FAILED_PRECONDITION SLOT_UNAVAILABLE")
            #expect(try await h.booking(booking.id, in: w) == booking)
            #expect(try await h.reservedRows(booking.id) == before)
            rivalsStarts.append(try #require(taken.startTime))

            #expect(moved + kept == rounds)
            #expect(try await h.bookingCount(organizationID: w.org.id) == 2 + kept)
            #expect(try await h.bookingOverlaps() == [])
            #expect(try await h.bookingRowsDisagreements(organizationID: w.org.id) == [])
            // The rivals hold what they won, the moved booking its last start; nothing else is booked.
            let all = try await h.allBookings(BookingV1.ListBookingsRequest(organizationId: w.org.id), token: w.org.token).bookings
            #expect(all.allSatisfy { $0.status == .confirmed })
            #expect(all.compactMap(\.startTime).sorted() == (rivalsStarts + [try #require(booking.startTime)]).sorted())
        }
    }

    /// Holds and bookings racing for one slot: one of them gets it.
    @Test func holdsAndBookingsRacingForOneSlotLeaveOneWinner() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "holdrace")
            let holdable = try await BookingHoldTests.holdable(w, h)
            let start = try #require(try await h.independentStarts(w, template: holdable, count: 1).first)
            var racers: [(BookingPerson, RPCClient)] = []
            for index in 0..<24 {
                racers.append((try await h.client("Racer \(index)"), try await RPCClient.connect(socketPath: h.socketPath)))
            }
            let create = w.create(start, template: holdable.id)
            let hold = BookingV1.HoldSlotRequest(organizationId: w.org.id, slot: w.slot(start, template: holdable.id))
            let outcomes = await withTaskGroup(of: String.self) { group in
                for (index, (person, client)) in racers.enumerated() {
                    group.addTask {
                        let metadata = IdentityHarness.metadata(person.token)
                        let result: Result<String, RPCStatus> = index % 2 == 0
                            ? await Self.result { "hold " + (try await client.unary(BookingV1.Holds.holdSlot.fullName, hold, as: BookingV1.Hold.self, metadata: metadata)).id }
                            : await Self.result { "booking " + (try await client.unary(BookingV1.Bookings.create.fullName, create, as: BookingV1.Booking.self, metadata: metadata)).id }
                        switch result {
                        case .success(let won): return won
                        case .failure(let status): return refusal(status)
                        }
                    }
                }
                var all: [String] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            for (_, client) in racers { try await client.close() }
            let won = outcomes.filter { $0.hasPrefix("hold ") || $0.hasPrefix("booking ") }
            #expect(won.count == 1, "\(won)")
            #expect(outcomes.filter { $0 == "FAILED_PRECONDITION SLOT_UNAVAILABLE" }.count == 23)
            let rows = try await h.store.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM reserved_times WHERE organization_id = ?", arguments: [w.org.id]) ?? -1
            }
            #expect(rows == 2, "one reference holds the provider and the room")
        }
    }

    static func result<T: Sendable>(_ body: () async throws -> T) async -> Result<T, RPCStatus> {
        do {
            return .success(try await body())
        } catch let status as RPCStatus {
            return .failure(status)
        } catch {
            return .failure(RPCStatus(.unknown, "\(error)"))
        }
    }
}
