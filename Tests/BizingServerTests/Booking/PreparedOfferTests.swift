import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB
import Scheduling
import Testing

/// A booking's slot is worked out on a reader before its write transaction
/// (`SchedulingLedger.prepareOffer`); the writer takes it only while
/// nothing it was computed from has changed, and otherwise offers afresh.
@Suite struct PreparedOfferTests {
    struct World {
        let h: CatalogHarness
        let w: BookingWorld
        let ledger = SchedulingLedger()
        var organizationID: UUID { UUID(uuidString: w.org.id)! }

        func wanted(_ start: Date) -> SlotWanted {
            SlotWanted(templateID: w.template.id, locationID: "", start: Int64(start.timeIntervalSince1970))
        }

        func prepare(_ start: Date) async throws -> PreparedOffer {
            let (ledger, organizationID, wanted, now) = (ledger, organizationID, wanted(start), Int64(h.clock.now.timeIntervalSince1970))
            return try await h.store.read { try ledger.prepareOffer($0, organizationID: organizationID, wanted, now: now) }
        }

        /// The offer the writer takes for `start` given `prepared`: its bookables, or the refusal.
        func offer(_ start: Date, _ prepared: PreparedOffer) async throws -> Result<[String], RPCStatus> {
            let (ledger, organizationID, wanted, now) = (ledger, organizationID, wanted(start), Int64(h.clock.now.timeIntervalSince1970))
            do {
                return .success(try await h.store.write {
                    try ledger.offer($0, organizationID: organizationID, wanted, now: now, prepared: prepared).assignments.flatMap(\.bookableIds)
                })
            } catch let status as RPCStatus {
                return .failure(status)
            }
        }
    }

    @Test func anUnchangedOfferIsTakenAndAStaleOneIsRecomputed() async throws {
        try await CatalogHarness.scheduling { h in
            let world = World(h: h, w: try await h.bookingWorld(tag: "prepared"))
            let w = world.w
            // Two on Tuesday, one on Wednesday.
            let starts = try await h.independentStarts(w, count: 2) + h.independentStarts(w, count: 1, from: "2026-06-03", through: "2026-06-03")
            try #require(starts.count == 3)
            let expected = [w.provider.id, w.room.id]

            // Nothing changed: the same bookables.
            #expect(try await world.offer(starts[0], try await world.prepare(starts[0])).get() == expected)
            // An offer prepared for another start is not used for this one.
            #expect(try await world.offer(starts[1], try await world.prepare(starts[0])).get() == expected)

            // The provider's time taken after the offer was prepared: refused, not double-booked.
            let stale = try await world.prepare(starts[1])
            _ = try await h.reserve([w.provider.id], on: String(SchedulingTime.iso(starts[1]).prefix(10)), from: "08:00", to: "18:00", in: w.org)
            guard case .failure(let taken) = try await world.offer(starts[1], stale) else {
                Issue.record("a prepared offer whose provider was booked since was taken")
                return
            }
            #expect(taken.code == .failedPrecondition && taken.details.reason == "SLOT_UNAVAILABLE")

            // The day closed after the offer was prepared (a reference change): refused.
            let before = try await world.prepare(starts[2])
            _ = try await h.addOverride(w.room.id, SchedulingV1.DateOverride(date: String(SchedulingTime.iso(starts[2]).prefix(10)), type: .closed), in: w.org)
            guard case .failure(let closed) = try await world.offer(starts[2], before) else {
                Issue.record("a prepared offer on a day closed since was taken")
                return
            }
            #expect(closed.code == .failedPrecondition)

        }
    }

    /// Migration 0008 counts every change to a bookable's reservations.
    @Test func reservationVersionsCountInsertsUpdatesAndDeletes() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "versions")
            func version() async throws -> Int64 {
                try await h.store.read { try Int64.fetchOne($0, sql: "SELECT version FROM reservation_versions WHERE bookable_id = ?", arguments: [w.room.id]) } ?? 0
            }
            let start = try await version()
            let reference = try await h.reserve([w.room.id], on: "2026-06-02", from: "10:00", to: "11:00", expires: SchedulingTime.now.addingTimeInterval(600), in: w.org)
            #expect(try await version() == start + 1)
            let organizationID = try #require(UUID(uuidString: w.org.id))
            try await h.store.write { try SchedulingLedger().extendHold($0, organizationID: organizationID, referenceID: reference, until: 2_000_000_000) }
            #expect(try await version() == start + 2)
            #expect(try await h.release(reference, in: w.org) == 1)
            #expect(try await version() == start + 3)
        }
    }
}
