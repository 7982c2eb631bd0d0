import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import Testing

/// Several real clients, each on its own connection, writing one calendar
/// at once while others search it: every write lands (no update loses
/// another's setting), nothing is half written, and no search fails.
@Suite struct SchedulingConcurrencyTests {
    @Test func concurrentWritersLoseNothingAndSearchesNeverFail() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let (p1, org) = (w.p1, w.org)
            let clients = try await (0..<6).asyncMap { _ in try await RPCClient.connect(socketPath: h.socketPath) }
            let metadata = IdentityHarness.metadata(org.token)

            // Every setting's final value, each written only by its own mask (three rounds each).
            let cascading = SchedulingV1.Cascading(enabled: true, strategy: .sequential, initialOpenSlots: 4, premiumMultiplierBasisPoints: 12_000)
            let full = SchedulingV1.Calendar(
                weeklySchedule: CatalogSample.weekdays, slotDurationMinutes: 60, slotIntervalMinutes: 30, preBufferMinutes: 10, postBufferMinutes: 5,
                minAdvanceHours: 2, maxAdvanceDays: 60, cascading: cascading)
            let masks = ["weekly_schedule", "slot_duration_minutes", "slot_interval_minutes", "pre_buffer_minutes", "post_buffer_minutes",
                         "min_advance_hours", "max_advance_days", "cascading"]
            let blockedStarts = (0..<24).map { SchedulingTime.at("2026-07-01", "00:00").addingTimeInterval(TimeInterval($0) * 3_600) }
            let search = w.search("2026-06-02", "2026-06-12")

            enum Outcome: Sendable {
                case updated, blocked(SchedulingV1.BlockedTime), overridden, searched(Int), failed(String)
            }
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                var job = 0
                func client() -> RPCClient {
                    job += 1
                    return clients[job % clients.count]
                }
                for _ in 0..<3 {
                    for mask in masks {
                        let c = client()
                        group.addTask {
                            _ = try await c.unary(
                                SchedulingV1.Calendars.update.fullName,
                                SchedulingV1.UpdateCalendarRequest(organizationId: org.id, bookableId: p1, calendar: full, updateMask: [mask]),
                                as: SchedulingV1.Calendar.self, metadata: metadata)
                            return .updated
                        }
                    }
                }
                for start in blockedStarts {
                    let c = client()
                    group.addTask {
                        .blocked(try await c.unary(
                            SchedulingV1.Calendars.addBlockedTime.fullName,
                            SchedulingV1.AddBlockedTimeRequest(
                                organizationId: org.id, bookableId: p1, blockedTime: SchedulingSample.blocked(start, start.addingTimeInterval(1_800))),
                            as: SchedulingV1.BlockedTime.self, metadata: metadata))
                    }
                }
                for day in 10...19 {
                    let c = client()
                    group.addTask {
                        _ = try await c.unary(
                            SchedulingV1.Calendars.addOverride.fullName,
                            SchedulingV1.AddOverrideRequest(organizationId: org.id, bookableId: p1, dateOverride: SchedulingV1.DateOverride(date: "2026-08-\(day)", type: .closed)),
                            as: SchedulingV1.Calendar.self, metadata: metadata)
                        return .overridden
                    }
                }
                for index in 0..<30 {
                    let c = client()
                    group.addTask {
                        do {
                            let found = try await c.unary(
                                SchedulingV1.Availability.searchAvailability.fullName, search, as: SchedulingV1.SearchAvailabilityResponse.self, metadata: metadata)
                            // Whatever the calendar's state at that instant, every slot is whole.
                            let whole = found.slots.allSatisfy { $0.assignments.map(\.bookableIds.count) == [1, 1] && $0.startTime! < $0.endTime! }
                            return whole ? .searched(found.slots.count) : .failed("search \(index): a slot is not whole")
                        } catch {
                            return .failed("search \(index): \(error)")
                        }
                    }
                }
                var outcomes: [Outcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            for client in clients { try await client.close() }

            let failures = outcomes.compactMap { if case .failed(let why) = $0 { why } else { nil } }
            #expect(failures == [], "\(failures.joined(separator: "\n"))")
            #expect(outcomes.filter { if case .searched = $0 { true } else { false } }.count == 30)
            #expect(outcomes.filter { if case .updated = $0 { true } else { false } }.count == 24)
            #expect(outcomes.filter { if case .overridden = $0 { true } else { false } }.count == 10)

            // Every setting is there; nothing else changed.
            var expected = full
            (expected.id, expected.organizationId, expected.bookableId, expected.timeZone) = (w.providers[0].calendarId, org.id, p1, "America/New_York")
            expected.updatedAt = h.clock.now
            expected.overrides = (10...19).map { SchedulingV1.DateOverride(date: "2026-08-\($0)", type: .closed) }
            #expect(try await h.calendar(p1, in: org) == expected)

            // Every blocked time, once each, with its own id.
            let blocked = outcomes.compactMap { if case .blocked(let time) = $0 { time } else { nil } }
            #expect(Set(blocked.map(\.id)).count == 24)
            let listed = try await h.allBlockedTimes(SchedulingV1.ListBlockedTimesRequest(organizationId: org.id, bookableId: p1, pageSize: 5), token: org.token)
            #expect(listed.times.map(\.startTime) == blockedStarts && listed.times.map(\.id).sorted() == blocked.map(\.id).sorted())
            #expect(try await h.schedulingRowCount("blocked_times") == 24)
            #expect(try await h.schedulingRowCount("calendar_settings") == 1)
            #expect(try await h.schedulingRowCount("calendar_overrides") == 10)

            // And the final search is the one the final calendar gives. The first provider starts every 30
            // minutes, needs 10 minutes before (so not at 09:00) and opens its first 4 starts of a day
            // (09:00-10:30), the rest at 1.2x; the second, hourly and open, takes 09:00 and the hours where
            // the first is only premium (open before premium; between two open, the first by id).
            let room = w.room.id
            let expectedSlots = SchedulingTime.dates("2026-06-02", through: "2026-06-12").filter(SchedulingTime.isWeekday).flatMap { date in
                let second = SchedulingSample.times().filter { $0 != "10:00" }.map { ($0, w.p2, false) }
                let open = ["09:30", "10:00", "10:30"].map { ($0, p1, false) }
                let premium = ["11:30", "12:30", "13:30", "14:30", "15:30"].map { ($0, p1, true) }
                return (second + open + premium).sorted { $0.0 < $1.0 }.map { time, provider, premium in
                    SchedulingSample.slot(date, time, [(.provider, [provider]), (.venue, [room])], premium: premium, price: premium ? 12_000 : 10_000)
                }
            }
            #expect(try await h.allSlots(search, token: org.token).slots == expectedSlots)
        }
    }
}

extension Sequence {
    /// `transform` of each element in turn.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
