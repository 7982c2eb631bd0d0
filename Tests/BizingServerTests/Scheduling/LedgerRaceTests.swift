import BizingAPI
import BizingStore
import Foundation
import GRDB
import Scheduling
import Testing

/// The ledger's promise, before any booking RPC exists: writers that check
/// and reserve in one write transaction never reserve a bookable twice for
/// overlapping time, however many race. (The Booking issue races real
/// clients over the socket through CreateBooking on top of this.)
@Suite struct LedgerRaceTests {
    @Test func racingWritersReserveEachSlotOnceAndNothingOverlaps() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let organizationID = UUID(uuidString: w.org.id)!
            let bookables = [w.p1, w.room.id].compactMap(UUID.init(uuidString:))
            // Ten hour-long slots on one day, with a 15-minute post buffer; 32 writers try each.
            let starts = (0..<10).map { Int64(SchedulingTime.at("2026-06-02", "09:00").timeIntervalSince1970) + Int64($0) * 1_800 }
            let (store, now) = (h.store, Int64(h.clock.now.timeIntervalSince1970))
            let won = try await withThrowingTaskGroup(of: Bool.self) { group in
                for start in starts {
                    for _ in 0..<32 {
                        group.addTask {
                            let service = Interval(start, start + 3_600)!
                            let reference = store.ids.next().lowercasedString
                            return try await store.write { db in
                                let ledger = SchedulingLedger()
                                guard try ledger.conflicts(db, organizationID: organizationID, bookableIDs: bookables, service: service,
                                                           preBuffer: 0, postBuffer: 900, now: now).isEmpty
                                else { return false }
                                try ledger.reserve(db, organizationID: organizationID, bookables.map {
                                    ReservedTime(bookableID: $0.lowercasedString, kind: .booking, referenceID: reference, templateID: nil,
                                                 service: service, busy: service.padded(before: 0, after: 900))
                                }, ids: store.ids, now: Date(timeIntervalSince1970: TimeInterval(now)))
                                return true
                            }
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            // Half-hour starts, hour-long services plus a buffer: which starts
            // win depends on who writes first, but each winner took both
            // bookables, and afterwards no start is free (nothing was refused
            // that could have been taken).
            #expect((3...4).contains(won))
            let (rows, stillFree) = try await store.read { db in
                let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM reserved_times") ?? -1
                let free = try starts.filter { start in
                    try SchedulingLedger().conflicts(db, organizationID: organizationID, bookableIDs: bookables, service: Interval(start, start + 3_600)!,
                                                     preBuffer: 0, postBuffer: 900, now: now).isEmpty
                }
                return (rows, free)
            }
            #expect(rows == won * 2)
            #expect(stillFree.isEmpty)
            let overlapping = try await store.read { db in
                try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM reserved_times a JOIN reserved_times b
                    ON a.bookable_id = b.bookable_id AND a.id < b.id AND a.busy_from < b.busy_until AND b.busy_from < a.busy_until
                    """) ?? -1
            }
            #expect(overlapping == 0)
        }
    }
}
