import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import Scheduling
import Testing

/// The Availability service over a real socket and a real SQLite file. The
/// world (`CatalogHarness.schedulingWorld`): a New York studio open on
/// weekdays 09:00-17:00, two providers and one room there, and an active
/// one-hour template needing one provider and one venue; the clock stands at
/// Monday 2026-06-01 08:00 in New York.
@Suite struct AvailabilityFlowTests {
    typealias Slot = SchedulingV1.AvailableSlot

    /// One day's slots at `times`, each assigning `provider` and `room`.
    static func day(
        _ date: String, _ times: [String], _ provider: String, _ room: String, minutes: Int = 60, seatsLeft: UInt32? = nil, price: UInt32 = 10_000
    ) -> [Slot] {
        times.map { SchedulingSample.slot(date, $0, minutes: minutes, [(.provider, [provider]), (.venue, [room])], seatsLeft: seatsLeft, price: price) }
    }

    /// Every weekday's slots from `first` through `last`, hourly 09:00-16:00.
    static func weekdays(_ first: String, _ last: String, _ provider: String, _ room: String) -> [Slot] {
        SchedulingTime.dates(first, through: last).filter(SchedulingTime.isWeekday).flatMap { day($0, SchedulingSample.times(), provider, room) }
    }

    static let hourly = SchedulingSample.times()

    // MARK: Slots

    @Test func slotsCarryTheirAssignmentsAndLocalAndDisplayTimes() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            var request = w.search("2026-06-02", "2026-06-08")
            let found = try await h.search(request, token: w.org.token)
            let expected = Self.weekdays("2026-06-02", "2026-06-08", w.p1, w.room.id)
            #expect(expected.count == 40)
            #expect(found == SchedulingV1.SearchAvailabilityResponse(slots: expected, timeZone: "America/New_York"),
                    "weekdays only, 09:00 to 16:00 local (-04:00), the first provider by id (no bookings yet) and the room")
            #expect(found.slots.first?.localStart == "2026-06-02T09:00:00-04:00" && found.slots.first?.localEnd == "2026-06-02T10:00:00-04:00")
            #expect(found.slots.first?.startTime == Date(timeIntervalSince1970: 1_780_405_200), "13:00 UTC")

            // The same slots shown in London too.
            request.displayTimeZone = "Europe/London"
            let shown = try await h.search(request, token: w.org.token)
            let london = TimeZone(identifier: "Europe/London")!
            #expect(shown.slots == expected.map { slot in
                var slot = slot
                (slot.displayStart, slot.displayEnd) = (SchedulingTime.iso(slot.startTime!, in: london), SchedulingTime.iso(slot.endTime!, in: london))
                return slot
            })
            #expect(shown.slots.first?.displayStart == "2026-06-02T14:00:00+01:00")

            // Today counts from now: at 10:30 the 09:00 and 10:00 slots have gone.
            h.clock.set(SchedulingTime.at("2026-06-01", "10:30"))
            let today = try await h.search(w.search("2026-06-01", "2026-06-01"), token: w.org.token)
            #expect(today.slots == Self.day("2026-06-01", ["11:00", "12:00", "13:00", "14:00", "15:00", "16:00"], w.p1, w.room.id))
            // A weekend has none.
            #expect(try await h.search(w.search("2026-06-06", "2026-06-07"), token: w.org.token).slots == [])
        }
    }

    @Test func blockedTimeWeeklySchedulesAndOverridesShapeTheSlots() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let (p1, p2, room) = (w.p1, w.p2, w.room.id)
            let at = { (time: String) in SchedulingTime.at("2026-06-02", time) }

            // The only room blocked 10:00-11:30: no slot touches it.
            _ = try await h.block(room, SchedulingSample.blocked(at("10:00"), at("11:30"), .maintenance), in: w.org)
            #expect(try await h.search(w.search("2026-06-02", "2026-06-02"), token: w.org.token).slots
                == Self.day("2026-06-02", ["09:00", "12:00", "13:00", "14:00", "15:00", "16:00"], p1, room))
            // The first provider blocked 13:00-14:00: the second takes that slot.
            _ = try await h.block(p1, SchedulingSample.blocked(at("13:00"), at("14:00"), .timeOff, allowOverride: true), in: w.org)
            #expect(try await h.search(w.search("2026-06-02", "2026-06-02"), token: w.org.token).slots
                == Self.day("2026-06-02", ["09:00", "12:00"], p1, room) + Self.day("2026-06-02", ["13:00"], p2, room)
                + Self.day("2026-06-02", ["14:00", "15:00", "16:00"], p1, room), "searches never offer blocked time, overridable or not")
            // Asked for the first provider only: 13:00 goes.
            let onlyP1 = w.search("2026-06-02", "2026-06-05", bookables: [p1])
            #expect(try await h.search(onlyP1, token: w.org.token).slots
                == Self.day("2026-06-02", ["09:00", "12:00", "14:00", "15:00", "16:00"], p1, room) + Self.weekdays("2026-06-03", "2026-06-05", p1, room))

            // A weekly schedule: Tuesdays 12-15, Thursdays 13-14 and 15-17.
            _ = try await h.updateCalendar(p1, SchedulingV1.Calendar(weeklySchedule: SchedulingFlowTests.afternoons), mask: ["weekly_schedule"], in: w.org)
            #expect(try await h.search(onlyP1, token: w.org.token).slots
                == Self.day("2026-06-02", ["12:00", "14:00"], p1, room) + Self.day("2026-06-04", ["13:00", "15:00", "16:00"], p1, room))

            // Thursday closed; then Thursday 08:00-10:00 instead (the location opens at 09:00);
            // Wednesday 10:00-12:00 although the week has no Wednesday; Tuesday at 1.25x.
            _ = try await h.addOverride(p1, SchedulingV1.DateOverride(date: "2026-06-04", type: .closed), in: w.org)
            #expect(try await h.search(onlyP1, token: w.org.token).slots == Self.day("2026-06-02", ["12:00", "14:00"], p1, room))
            _ = try await h.addOverride(
                p1, SchedulingV1.DateOverride(date: "2026-06-04", type: .modifiedHours, hours: [CatalogV1.TimeRange(start: "08:00", end: "10:00")]), in: w.org)
            _ = try await h.addOverride(
                p1, SchedulingV1.DateOverride(date: "2026-06-03", type: .modifiedHours, hours: [CatalogV1.TimeRange(start: "10:00", end: "12:00")]), in: w.org)
            _ = try await h.addOverride(p1, SchedulingV1.DateOverride(date: "2026-06-02", type: .specialPricing, pricingMultiplierBasisPoints: 12_500), in: w.org)
            #expect(try await h.search(onlyP1, token: w.org.token).slots
                == Self.day("2026-06-02", ["12:00", "14:00"], p1, room, price: 12_500) + Self.day("2026-06-03", ["10:00", "11:00"], p1, room)
                + Self.day("2026-06-04", ["09:00"], p1, room))

            // Without the restriction the second provider (the location's hours) fills the rest of Thursday; at 09:00 both are free and the first by id wins.
            #expect(try await h.search(w.search("2026-06-04", "2026-06-04"), token: w.org.token).slots
                == Self.day("2026-06-04", ["09:00"], p1, room) + Self.day("2026-06-04", Array(Self.hourly.dropFirst()), p2, room))

            // Removing the overrides and the schedule brings the plain week back (less the blocks).
            for date in ["2026-06-02", "2026-06-03", "2026-06-04"] {
                _ = try await h.call(
                    SchedulingV1.Calendars.removeOverride, SchedulingV1.RemoveOverrideRequest(organizationId: w.org.id, bookableId: p1, date: date),
                    token: w.org.token, as: SchedulingV1.Calendar.self)
            }
            _ = try await h.updateCalendar(p1, nil, mask: ["weekly_schedule"], in: w.org)
            #expect(try await h.search(onlyP1, token: w.org.token).slots
                == Self.day("2026-06-02", ["09:00", "12:00", "14:00", "15:00", "16:00"], p1, room) + Self.weekdays("2026-06-03", "2026-06-05", p1, room))
        }
    }

    @Test func slotGridBuffersAndBookingWindowComeFromTheCalendar() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let (p1, room) = (w.p1, w.room.id)
            let request = w.search("2026-06-02", "2026-06-03", bookables: [p1])
            func slots() async throws -> [Slot] { try await h.search(request, token: w.org.token).slots }

            // Starts every 30 minutes.
            _ = try await h.updateCalendar(p1, SchedulingV1.Calendar(slotIntervalMinutes: 30), mask: ["slot_interval_minutes"], in: w.org)
            let halfHourly = SchedulingSample.times(every: 30)
            #expect(halfHourly.count == 15)
            #expect(try await slots() == Self.day("2026-06-02", halfHourly, p1, room) + Self.day("2026-06-03", halfHourly, p1, room))
            // Half an hour kept free either side, within working time.
            _ = try await h.updateCalendar(p1, SchedulingV1.Calendar(preBufferMinutes: 30, postBufferMinutes: 30), mask: ["pre_buffer_minutes", "post_buffer_minutes"], in: w.org)
            let buffered = SchedulingSample.times(from: "09:30", every: 30, minutes: 90)
            #expect(buffered == ["09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30"])
            #expect(try await slots() == Self.day("2026-06-02", buffered, p1, room) + Self.day("2026-06-03", buffered, p1, room))
            // At least 30 hours ahead: from Tuesday 14:00 (18:00 UTC) on.
            _ = try await h.updateCalendar(p1, SchedulingV1.Calendar(minAdvanceHours: 30), mask: ["min_advance_hours"], in: w.org)
            let afternoon = ["14:00", "14:30", "15:00", "15:30"]
            #expect(try await slots() == Self.day("2026-06-02", afternoon, p1, room) + Self.day("2026-06-03", buffered, p1, room))
            // At most 2 days ahead: Wednesday is out.
            _ = try await h.updateCalendar(p1, SchedulingV1.Calendar(minAdvanceHours: 30, maxAdvanceDays: 2), mask: ["max_advance_days"], in: w.org)
            #expect(try await slots() == Self.day("2026-06-02", afternoon, p1, room))

            // All back to the defaults but a 90-minute grid for the one-hour service.
            _ = try await h.updateCalendar(
                p1, SchedulingV1.Calendar(slotDurationMinutes: 90),
                mask: ["slot_duration_minutes", "slot_interval_minutes", "pre_buffer_minutes", "post_buffer_minutes", "min_advance_hours", "max_advance_days"],
                in: w.org)
            let grid = ["09:00", "10:30", "12:00", "13:30", "15:00"]
            #expect(try await slots() == Self.day("2026-06-02", grid, p1, room) + Self.day("2026-06-03", grid, p1, room))
            // Later that Tuesday morning: only what starts from now on.
            h.clock.set(SchedulingTime.at("2026-06-02", "10:45"))
            #expect(try await slots() == Self.day("2026-06-02", ["12:00", "13:30", "15:00"], p1, room) + Self.day("2026-06-03", grid, p1, room))
        }
    }

    @Test func cascadingOpensAFewSlotsAtATimeAndSellsTheRestAsPremium() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let (p1, room) = (w.p1, w.room.id)
            let request = w.search("2026-06-02", "2026-06-02", bookables: [p1])
            func slots() async throws -> [Slot] { try await h.search(request, token: w.org.token).slots }
            func offered(_ open: [String], premium: [String], at multiplier: UInt32 = 15_000) -> [Slot] {
                (open.map { ($0, false) } + premium.map { ($0, true) }).sorted { $0.0 < $1.0 }.map { time, premium in
                    SchedulingSample.slot("2026-06-02", time, [(.provider, [p1]), (.venue, [room])], premium: premium, price: premium ? multiplier : 10_000)
                }
            }
            func cascade(_ strategy: SchedulingV1.CascadeStrategy, open: UInt32, premium: UInt32) async throws {
                _ = try await h.updateCalendar(
                    p1, SchedulingV1.Calendar(cascading: SchedulingV1.Cascading(enabled: true, strategy: strategy, initialOpenSlots: open, premiumMultiplierBasisPoints: premium)),
                    mask: ["cascading"], in: w.org)
            }

            try await cascade(.sequential, open: 2, premium: 15_000)
            #expect(try await slots() == offered(["09:00", "10:00"], premium: ["11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]))
            // The first one booked (the provider only): the next opens.
            _ = try await h.reserve([p1], on: "2026-06-02", from: "09:00", to: "10:00", template: w.template.id, in: w.org)
            #expect(try await slots() == offered(["10:00", "11:00"], premium: ["12:00", "13:00", "14:00", "15:00", "16:00"]))
            // In batches of three: the first batch still has room.
            try await cascade(.batch, open: 3, premium: 20_000)
            #expect(try await slots() == offered(["10:00", "11:00"], premium: ["12:00", "13:00", "14:00", "15:00", "16:00"], at: 20_000))
            for time in ["10:00", "11:00"] {
                _ = try await h.reserve([p1], on: "2026-06-02", from: time, to: String(Int(time.prefix(2))! + 1) + ":00", template: w.template.id, in: w.org)
            }
            #expect(try await slots() == offered(["12:00", "13:00", "14:00"], premium: ["15:00", "16:00"], at: 20_000), "the first batch full: the second opens")
            // No premium multiplier: beyond the open ones nothing is offered.
            try await cascade(.batch, open: 3, premium: 0)
            #expect(try await slots() == offered(["12:00", "13:00", "14:00"], premium: []))
            // Unspecified strategy is sequential.
            try await cascade(.unspecified, open: 1, premium: 0)
            #expect(try await slots() == offered(["12:00"], premium: []))
        }
    }

    // MARK: Reservations

    @Test func reservationsTakeTimeAndAnExpiredHoldFreesIt() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let (p1, p2, room) = (w.p1, w.p2, w.room.id)
            let request = w.search("2026-06-02", "2026-06-03")
            func slots() async throws -> [Slot] { try await h.search(request, token: w.org.token).slots }
            let plain = Self.weekdays("2026-06-02", "2026-06-03", p1, room)
            #expect(try await slots() == plain)

            // A booking of the first provider and the room, 10:00-11:00 with 15 minutes after.
            let booking = try await h.reserve([p1, room], on: "2026-06-02", from: "10:00", to: "11:00", after: 15, template: w.template.id, in: w.org)
            #expect(try await h.schedulingRowCount("reserved_times") == 2)
            #expect(try await slots() == Self.day("2026-06-02", ["09:00", "12:00", "13:00", "14:00", "15:00", "16:00"], p2, room)
                + Self.day("2026-06-03", Self.hourly, p1, room),
                "10:00 and 11:00 overlap the room's busy span; on Tuesday the provider with fewer bookings that day comes first")

            // A hold of the room on Wednesday 13:00-14:00 for 15 minutes.
            let expires = h.clock.now.addingTimeInterval(15 * 60)
            let hold = try await h.reserve([room], on: "2026-06-03", from: "13:00", to: "14:00", expires: expires, in: w.org)
            #expect(try await slots() == Self.day("2026-06-02", ["09:00", "12:00", "13:00", "14:00", "15:00", "16:00"], p2, room)
                + Self.day("2026-06-03", Self.hourly.filter { $0 != "13:00" }, p1, room))
            let held = try await h.check([room], SchedulingTime.at("2026-06-03", "13:00"), SchedulingTime.at("2026-06-03", "14:00"), in: w.org)
            #expect(held == SchedulingV1.CheckIntervalResponse(conflicts: [SchedulingV1.Conflict(
                bookableId: room, kind: .held, startTime: SchedulingTime.at("2026-06-03", "13:00"), endTime: SchedulingTime.at("2026-06-03", "14:00"), detail: "held")]))

            // A second before it expires it still holds; at its expiry it holds nothing, cleaned up or not.
            h.clock.advance(by: .seconds(15 * 60 - 1))
            #expect(try await slots().count == 13)
            h.clock.advance(by: .seconds(1))
            let freed = try await slots()
            #expect(freed == Self.day("2026-06-02", ["09:00", "12:00", "13:00", "14:00", "15:00", "16:00"], p2, room) + Self.day("2026-06-03", Self.hourly, p1, room))
            let now = Int64(h.clock.now.timeIntervalSince1970)
            #expect(try await h.store.write { db in try SchedulingLedger().removeExpiredHolds(db, now: now) } == 1)
            #expect(try await h.schedulingRowCount("reserved_times") == 2)
            #expect(try await slots() == freed)
            #expect(try await h.release(hold, in: w.org) == 0, "already cleaned up")

            // Releasing the booking frees both of its bookables.
            #expect(try await h.release(booking, in: w.org) == 2)
            #expect(try await slots() == plain)
            #expect(try await h.schedulingRowCount("reserved_times") == 0)
        }
    }

    // MARK: Paging and streaming

    @Test func pagesFollowTokensWithoutRepeatsOrGaps() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let expected = Self.weekdays("2026-06-02", "2026-07-31", w.p1, w.room.id)
            #expect(expected.count == 44 * 8)

            var request = w.search("2026-06-02", "2026-07-31", pageSize: 1_000)
            let whole = try await h.search(request, token: w.org.token)
            #expect(whole.slots == expected && whole.nextPageToken.isEmpty)

            request.pageSize = 7
            let paged = try await h.allSlots(request, token: w.org.token)
            #expect(paged.slots == expected, "the pages put together are the whole, in order")
            #expect(paged.pages == (expected.count + 6) / 7)
            #expect(Set(paged.slots.map(\.startTime)).count == expected.count, "no slot twice")

            // A page ending on a day's last slot, and one of exactly what is left.
            request.pageSize = 8
            #expect(try await h.allSlots(request, token: w.org.token) == (expected, 44))
            request.pageSize = 352
            #expect(try await h.allSlots(request, token: w.org.token) == (expected, 1), "a full last page carries no token")

            // 0: 100 a page; more than 1000 is 1000.
            request.pageSize = 0
            let first = try await h.search(request, token: w.org.token)
            #expect(first.slots == Array(expected.prefix(100)) && !first.nextPageToken.isEmpty)
            request.pageToken = first.nextPageToken
            #expect(try await h.search(request, token: w.org.token).slots == Array(expected[100..<200]))
            request.pageSize = 3
            #expect(try await h.search(request, token: w.org.token).slots == Array(expected[100..<103]), "the page size may change between pages")
            request.pageSize = 0
            // Starts every 5 minutes: 85 a day, more than 1000 in 62 days.
            _ = try await h.updateCalendar(w.p1, SchedulingV1.Calendar(slotIntervalMinutes: 5), mask: ["slot_interval_minutes"], in: w.org)
            let capped = try await h.search(w.search("2026-06-02", "2026-08-02", pageSize: 5_000), token: w.org.token)
            #expect(capped.slots.count == 1_000 && !capped.nextPageToken.isEmpty)
            #expect(capped.slots.prefix(85) == ArraySlice(Self.day("2026-06-02", SchedulingSample.times(every: 5), w.p1, w.room.id)))

            request.pageToken = "not a token"
            let bad = try await h.failure(SchedulingV1.Availability.searchAvailability, request, token: w.org.token)
            #expect(bad.code == .invalidArgument && schedulingViolationFields(bad) == ["page_token"])

            // A token belongs to its search: with other dates (or another
            // template) it is refused, never read against them.
            var other = w.search("2026-07-01", "2026-07-02", pageSize: 7)
            other.pageToken = first.nextPageToken
            let foreign = try await h.failure(SchedulingV1.Availability.searchAvailability, other, token: w.org.token)
            #expect(foreign.code == .invalidArgument && schedulingViolationFields(foreign) == ["page_token"])
            #expect(foreign.message.contains("belongs to another search"), "\(foreign.message)")
        }
    }

    @Test func streamingSendsTheSameSlotsOneDayAtATimeOverAYear() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            // June 1 to September 30: 122 days, beyond a unary search's 62.
            var request = w.search("2026-06-01", "2026-09-30")
            let tooLong = try await h.failure(SchedulingV1.Availability.searchAvailability, request, token: w.org.token)
            #expect(tooLong.code == .invalidArgument && tooLong.details.fieldViolations == [FieldViolation(
                field: "to_date", description: "must be within 62 days of from_date (both included); StreamAvailability covers up to 366")])

            // Paging fields are ignored by the stream.
            request.pageSize = 1
            request.pageToken = "ignored"
            let days = try await h.stream(request, token: w.org.token)
            // The default booking window ends 90 days from now (2026-08-30 12:00 UTC): the last weekday is Friday 2026-08-28.
            let expected = Self.weekdays("2026-06-01", "2026-08-28", w.p1, w.room.id)
            #expect(days.flatMap(\.slots) == expected)
            #expect(days.map(\.date) == SchedulingTime.dates("2026-06-01", through: "2026-08-28").filter(SchedulingTime.isWeekday),
                    "one message per day with slots, in order; weekends skipped")
            #expect(days.allSatisfy { day in day.slots.count == 8 && day.slots.allSatisfy { String($0.localStart.prefix(10)) == day.date } })

            // The same as the unary search, window by window.
            let searched = try await h.allSlots(w.search("2026-06-01", "2026-08-01"), token: w.org.token).slots
                + (try await h.allSlots(w.search("2026-08-02", "2026-09-30"), token: w.org.token).slots)
            #expect(searched == expected)

            // A calendar allowing a year ahead: 366 days streamed (the first provider takes them all).
            _ = try await h.updateCalendar(w.p1, SchedulingV1.Calendar(maxAdvanceDays: 400), mask: ["max_advance_days"], in: w.org)
            _ = try await h.updateCalendar(w.room.id, SchedulingV1.Calendar(maxAdvanceDays: 400), mask: ["max_advance_days"], in: w.org)
            let year = try await h.stream(w.search("2026-06-01", "2027-06-01"), token: w.org.token)
            #expect(year.flatMap(\.slots) == Self.weekdays("2026-06-01", "2027-06-01", w.p1, w.room.id))
            #expect(year.first?.date == "2026-06-01" && year.last?.date == "2027-06-01")
            #expect(year.contains { $0.slots.first?.localStart == "2026-11-02T09:00:00-05:00" }, "after the clocks go back, -05:00")

            let overYear = try await h.streamFailure(w.search("2026-06-01", "2027-06-02"), token: w.org.token)
            #expect(overYear.code == .invalidArgument && overYear.details.fieldViolations == [FieldViolation(
                field: "to_date", description: "must be within 366 days of from_date (both included)")])
            let unknown = try await h.streamFailure(w.search("2026-06-01", "2026-06-30", template: UUID().uuidString.lowercased()), token: w.org.token)
            #expect(unknown.code == .notFound)
        }
    }

    // MARK: Interval checks

    @Test func checkIntervalReportsEveryKindOfConflict() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let (p1, p2, room) = (w.p1, w.p2, w.room.id)
            var tired = CatalogSample.provider("tired", at: w.location.id)
            tired.provider?.maxDailyBookings = 1
            let p3 = try await h.create(tired, in: w.org).id
            let shut = try await h.create(CatalogSample.venue("shut", at: w.location.id), in: w.org)
            _ = try await h.call(
                CatalogV1.Bookables.update,
                CatalogV1.UpdateBookableRequest(organizationId: w.org.id, bookable: CatalogV1.Bookable(id: shut.id, status: .inactive), updateMask: ["status"]),
                token: w.org.token, as: CatalogV1.Bookable.self)
            let at = { (date: String, time: String) in SchedulingTime.at(date, time) }
            func check(_ ids: [String], _ date: String, _ start: String, _ end: String, pre: UInt32 = 0, post: UInt32 = 0) async throws -> [SchedulingV1.Conflict] {
                let answer = try await h.check(ids, at(date, start), at(date, end), pre: pre, post: post, in: w.org)
                #expect(answer.free == answer.conflicts.isEmpty)
                return answer.conflicts
            }
            let outside = "is not working for all of it (its schedule, overrides and the location's hours, buffers included)"

            #expect(try await h.check([p1, room], at("2026-06-02", "10:00"), at("2026-06-02", "11:00"), in: w.org)
                == SchedulingV1.CheckIntervalResponse(free: true))
            // Outside the hours, the service's buffers included.
            #expect(try await check([p1], "2026-06-02", "08:00", "09:00") == [SchedulingV1.Conflict(bookableId: p1, kind: .outsideHours, detail: outside)])
            #expect(try await check([p1], "2026-06-02", "16:00", "17:00", post: 15) == [SchedulingV1.Conflict(bookableId: p1, kind: .outsideHours, detail: outside)])
            #expect(try await check([p1], "2026-06-02", "09:00", "10:00", pre: 1) == [SchedulingV1.Conflict(bookableId: p1, kind: .outsideHours, detail: outside)])
            #expect(try await check([p1], "2026-06-06", "10:00", "11:00") == [SchedulingV1.Conflict(bookableId: p1, kind: .outsideHours, detail: outside)], "Saturday")

            // Blocked time, overridable or not, with its span and id.
            let lunch = try await h.block(p1, SchedulingSample.blocked(at("2026-06-02", "12:00"), at("2026-06-02", "13:00"), reason: "Lunch", allowOverride: true), in: w.org)
            let errand = try await h.block(p1, SchedulingSample.blocked(at("2026-06-02", "14:00"), at("2026-06-02", "14:30"), .unavailable), in: w.org)
            let lunchConflict = SchedulingV1.Conflict(
                bookableId: p1, kind: .blocked, startTime: lunch.startTime, endTime: lunch.endTime, blockedTimeId: lunch.id, overridable: true,
                detail: "blocked: time off (Lunch); staff may book over it")
            #expect(try await check([p1], "2026-06-02", "12:30", "13:30") == [lunchConflict])
            #expect(try await check([p1], "2026-06-02", "11:00", "12:00", post: 1) == [lunchConflict], "the buffer reaches it")
            #expect(try await check([p1], "2026-06-02", "11:00", "12:00") == [], "touching is not overlapping")
            #expect(try await check([p1], "2026-06-02", "12:00", "15:00") == [lunchConflict, SchedulingV1.Conflict(
                bookableId: p1, kind: .blocked, startTime: errand.startTime, endTime: errand.endTime, blockedTimeId: errand.id, detail: "blocked: unavailable")])

            // A booking, with its busy span (service plus its buffers).
            _ = try await h.reserve([p1], on: "2026-06-03", from: "10:00", to: "11:00", after: 15, in: w.org)
            let booked = SchedulingV1.Conflict(bookableId: p1, kind: .booked, startTime: at("2026-06-03", "10:00"), endTime: at("2026-06-03", "11:15"), detail: "booked")
            #expect(try await check([p1], "2026-06-03", "11:00", "12:00") == [booked])
            #expect(try await check([p1], "2026-06-03", "11:15", "12:15") == [])
            // A live hold; expired, nothing.
            _ = try await h.reserve([room], on: "2026-06-03", from: "14:00", to: "15:00", expires: h.clock.now.addingTimeInterval(600), in: w.org)
            let held = SchedulingV1.Conflict(bookableId: room, kind: .held, startTime: at("2026-06-03", "14:00"), endTime: at("2026-06-03", "15:00"), detail: "held")
            #expect(try await check([room], "2026-06-03", "14:30", "15:30") == [held])
            // The provider's daily limit.
            _ = try await h.reserve([p3], on: "2026-06-04", from: "09:00", to: "10:00", in: w.org)
            #expect(try await check([p3], "2026-06-04", "14:00", "15:00")
                == [SchedulingV1.Conflict(bookableId: p3, kind: .dailyLimit, detail: "has its 1 bookings that day already")])
            #expect(try await check([p3], "2026-06-05", "14:00", "15:00") == [], "another day")
            // Not active: that alone, whatever else.
            #expect(try await check([shut.id], "2026-06-06", "03:00", "04:00") == [SchedulingV1.Conflict(bookableId: shut.id, kind: .unavailable, detail: "is inactive")])
            // The booking window: 48 hours ahead at least.
            _ = try await h.updateCalendar(p2, SchedulingV1.Calendar(minAdvanceHours: 48), mask: ["min_advance_hours"], in: w.org)
            let early = SchedulingV1.Conflict(bookableId: p2, kind: .outsideWindow, detail: "starts outside its booking window (48 hours to 90 days ahead)")
            #expect(try await check([p2], "2026-06-02", "10:00", "11:00") == [early])
            #expect(try await check([p2], "2026-06-03", "08:00", "09:00") == [SchedulingV1.Conflict(bookableId: p2, kind: .outsideHours, detail: outside)],
                    "exactly 48 hours ahead is inside the window (only the hours are wrong)")
            #expect(try await check([p2], "2026-06-03", "12:00", "13:00") == [])
            #expect(try await check([p2], "2026-08-31", "10:00", "11:00") == [SchedulingV1.Conflict(
                bookableId: p2, kind: .outsideWindow, detail: "starts outside its booking window (48 hours to 90 days ahead)")], "past 90 days")

            // Several bookables at once: each one's conflicts, in the order asked.
            #expect(try await check([p2, room, p1], "2026-06-02", "12:30", "13:30") == [early, lunchConflict])

            // Ten minutes on, the hold has lapsed.
            h.clock.advance(by: .seconds(600))
            #expect(try await check([room], "2026-06-03", "14:30", "15:30") == [])
        }
    }

    @Test func checkIntervalRequestsAreValidated() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let start = SchedulingTime.at("2026-06-02", "10:00")
            func fields(_ request: SchedulingV1.CheckIntervalRequest) async throws -> [String] {
                let status = try await h.failure(SchedulingV1.Availability.checkInterval, request, token: w.org.token)
                #expect(status.code == .invalidArgument, "\(status)")
                return schedulingViolationFields(status)
            }
            #expect(try await fields(SchedulingV1.CheckIntervalRequest(organizationId: w.org.id)) == ["bookable_ids", "start_time", "end_time"])
            #expect(try await fields(SchedulingV1.CheckIntervalRequest(
                organizationId: w.org.id, bookableIds: [w.p1, "x", w.p1.uppercased()], startTime: start, endTime: start, preBufferMinutes: 1_441,
                postBufferMinutes: 2_000)) == ["bookable_ids[1]", "bookable_ids[2]", "end_time", "pre_buffer_minutes", "post_buffer_minutes"])
            #expect(try await fields(SchedulingV1.CheckIntervalRequest(
                organizationId: w.org.id, bookableIds: (0..<21).map { _ in UUID().uuidString.lowercased() }, startTime: start,
                endTime: start.addingTimeInterval(366 * 86_400 + 1))) == ["bookable_ids", "end_time"])
            let missing = try await h.failure(
                SchedulingV1.Availability.checkInterval,
                SchedulingV1.CheckIntervalRequest(organizationId: w.org.id, bookableIds: [w.p1, UUID().uuidString.lowercased()], startTime: start,
                                                  endTime: start.addingTimeInterval(3_600)), token: w.org.token)
            #expect(missing.code == .notFound)
        }
    }

    // MARK: Kinds of service

    @Test func aGroupClassShowsTheSeatsLeft() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let (p1, p2, room) = (w.p1, w.p2, w.room.id)
            let yoga = try await h.activate(SchedulingSample.template(
                "yoga", at: w.location.id, type: .class,
                capacity: CatalogV1.Capacity(type: .group, group: CatalogV1.GroupCapacity(minParticipants: 1, maxParticipants: 10))), in: w.org)
            // Two bookings of the 10:00 class with the first provider and the room: 3 and 4 seats.
            for seats in [3, 4] {
                _ = try await h.reserve([p1, room], on: "2026-06-02", from: "10:00", to: "11:00", template: yoga.id, participants: seats, in: w.org)
            }
            var request = w.search("2026-06-02", "2026-06-02", template: yoga.id)
            let others = Self.hourly.filter { $0 != "10:00" }
            let tenOClock = Self.day("2026-06-02", ["10:00"], p1, room, seatsLeft: 3)
            let free = { (times: [String]) in Self.day("2026-06-02", times, p2, room, seatsLeft: 10) }
            #expect(try await h.search(request, token: w.org.token).slots == free(["09:00"]) + tenOClock + free(Array(others.dropFirst())),
                    "the running class keeps its bookables and shows 3 seats; new sessions go to the provider with fewer bookings that day")
            request.seats = 3
            #expect(try await h.search(request, token: w.org.token).slots == free(["09:00"]) + tenOClock + free(Array(others.dropFirst())))
            request.seats = 4
            #expect(try await h.search(request, token: w.org.token).slots == free(others), "3 seats left is fewer than asked")
            request.seats = 11
            let overbooked = try await h.failure(SchedulingV1.Availability.searchAvailability, request, token: w.org.token)
            #expect(overbooked.details.fieldViolations == [FieldViolation(field: "seats", description: "must be at most 10: the class's seats")],
                    "more than the class has is refused, naming its seats")

            // For the one-to-one service the class is busy time.
            #expect(try await h.search(w.search("2026-06-02", "2026-06-02"), token: w.org.token).slots
                == Self.day("2026-06-02", others, p2, room))
            // Seats are a group class's only.
            var seats = w.search("2026-06-02", "2026-06-02")
            seats.seats = 2
            let refused = try await h.failure(SchedulingV1.Availability.searchAvailability, seats, token: w.org.token)
            #expect(refused.code == .invalidArgument && refused.details.fieldViolations == [FieldViolation(field: "seats", description: "only a group class has seats")])
            seats.seats = 1
            #expect(try await h.search(seats, token: w.org.token).slots.count == 7)
            request.seats = 10_001
            let tooMany = try await h.failure(SchedulingV1.Availability.searchAvailability, request, token: w.org.token)
            #expect(tooMany.code == .invalidArgument && schedulingViolationFields(tooMany) == ["seats"])
        }
    }

    @Test func aVariableLengthServiceTakesTheDurationAsked() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let (p1, room) = (w.p1, w.room.id)
            let flexible = try await h.activate(SchedulingSample.template(
                "flex", at: w.location.id, duration: CatalogV1.ServiceDuration(type: .variable, minMinutes: 30, maxMinutes: 90, intervalMinutes: 30)), in: w.org)
            var request = w.search("2026-06-02", "2026-06-02", template: flexible.id)
            func slots(_ minutes: UInt32) async throws -> [Slot] {
                request.durationMinutes = minutes
                return try await h.search(request, token: w.org.token).slots
            }
            // 0 is the minimum; the grid steps by the length when the calendar sets none.
            #expect(try await slots(0) == Self.day("2026-06-02", SchedulingSample.times(every: 30, minutes: 30), p1, room, minutes: 30))
            #expect(try await slots(30) == Self.day("2026-06-02", SchedulingSample.times(every: 30, minutes: 30), p1, room, minutes: 30))
            #expect(try await slots(60) == Self.day("2026-06-02", Self.hourly, p1, room))
            #expect(try await slots(90) == Self.day("2026-06-02", ["09:00", "10:30", "12:00", "13:30", "15:00"], p1, room, minutes: 90))
            let rule = FieldViolation(field: "duration_minutes", description: "must be 30 to 90 minutes in steps of 30 (the template's variable duration)")
            for minutes: UInt32 in [45, 20, 120] {
                request.durationMinutes = minutes
                let refused = try await h.failure(SchedulingV1.Availability.searchAvailability, request, token: w.org.token)
                #expect(refused.code == .invalidArgument && refused.details.fieldViolations == [rule], "\(minutes)")
            }
            var fixed = w.search("2026-06-02", "2026-06-02")
            fixed.durationMinutes = 60
            let notVariable = try await h.failure(SchedulingV1.Availability.searchAvailability, fixed, token: w.org.token)
            #expect(notVariable.details.fieldViolations == [FieldViolation(field: "duration_minutes", description: "only a variable-length service takes a duration")])
            fixed.durationMinutes = 0
            fixed.nights = 2
            let notStay = try await h.failure(SchedulingV1.Availability.searchAvailability, fixed, token: w.org.token)
            #expect(notStay.details.fieldViolations == [FieldViolation(field: "nights", description: "only a multi-day service takes nights")])
        }
    }

    /// A stay runs from a start to the same wall time nights later, over
    /// whole working days: in a weekday studio none ends on a weekend.
    @Test func aStayTakesTheNightsAskedOverWholeDays() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let stay = try await h.activate(SchedulingSample.template(
                "stay", at: w.location.id, type: .multiDay, duration: CatalogV1.ServiceDuration(type: .multiDay, minNights: 1, maxNights: 3),
                requirements: [CatalogV1.BookableRequirement(kind: .venue, count: 1)]), in: w.org)
            var request = w.search("2026-06-01", "2026-06-14", template: stay.id)
            func stays(_ nights: UInt32) async throws -> [Slot] {
                request.nights = nights
                return try await h.search(request, token: w.org.token).slots
            }
            func expected(_ starts: [String], nights: Int) -> [Slot] {
                starts.map { date in
                    let start = SchedulingTime.at(date, "09:00")
                    let end = start.addingTimeInterval(TimeInterval(nights * 86_400))
                    return SchedulingV1.AvailableSlot(
                        startTime: start, endTime: end, localStart: SchedulingTime.iso(start), localEnd: SchedulingTime.iso(end),
                        assignments: [SchedulingV1.Assignment(requirementIndex: 0, kind: .venue, bookableIds: [w.room.id])], priceMultiplierBasisPoints: 10_000)
                }
            }
            let oneNight = ["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04", "2026-06-08", "2026-06-09", "2026-06-10", "2026-06-11"]
            #expect(try await stays(0) == expected(oneNight, nights: 1), "0: the minimum, one night; none from a Friday")
            #expect(try await stays(1) == expected(oneNight, nights: 1))
            #expect(try await stays(3) == expected(["2026-06-01", "2026-06-02", "2026-06-08", "2026-06-09"], nights: 3))
            // A booked night in the middle takes every stay across it.
            _ = try await h.reserve([w.room.id], on: "2026-06-09", from: "20:00", to: "21:00", in: w.org)
            #expect(try await stays(2) == expected(["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-10"], nights: 2))
            // The check judges a stay as the search does: a stay it offers is
            // free by whole days, though the room is not open every hour of it.
            for slot in try await stays(2) {
                let start = try #require(slot.startTime), end = try #require(slot.endTime)
                let checked = try await h.call(
                    SchedulingV1.Availability.checkInterval,
                    SchedulingV1.CheckIntervalRequest(organizationId: w.org.id, bookableIds: [w.room.id], startTime: start, endTime: end, stay: true),
                    token: w.org.token, as: SchedulingV1.CheckIntervalResponse.self)
                #expect(checked.free, "\(slot.localStart)")
                #expect(try await h.check([w.room.id], start, end, in: w.org).conflicts.map(\.kind) == [.outsideHours], "by the hour it is not")
            }
            request.nights = 4
            let tooMany = try await h.failure(SchedulingV1.Availability.searchAvailability, request, token: w.org.token)
            #expect(tooMany.details.fieldViolations == [FieldViolation(field: "nights", description: "must be 1 to 3 (the template's stay)")])
        }
    }

    /// A requirement of two providers assigns two; filters narrow a requirement by category or tag.
    @Test func requirementsOfSeveralAndFiltersNarrowThem() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let (p1, p2, room) = (w.p1, w.p2, w.room.id)
            let pair = try await h.activate(SchedulingSample.template(
                "pair", at: w.location.id,
                requirements: [CatalogV1.BookableRequirement(kind: .provider, count: 2), CatalogV1.BookableRequirement(kind: .venue, count: 1)]), in: w.org)
            let both = { (times: [String], first: String, second: String) in
                times.map { SchedulingSample.slot("2026-06-02", $0, [(.provider, [first, second]), (.venue, [room])]) }
            }
            let request = w.search("2026-06-02", "2026-06-02", template: pair.id)
            #expect(try await h.search(request, token: w.org.token).slots == both(Self.hourly, p1, p2))
            _ = try await h.reserve([p1], on: "2026-06-02", from: "10:00", to: "11:00", in: w.org)
            #expect(try await h.search(request, token: w.org.token).slots == both(["09:00"], p2, p1) + both(Array(Self.hourly.dropFirst(2)), p2, p1),
                    "both are needed, the less booked first")

            // Categories and tags, set through the catalog.
            for (id, category, tags) in [(p1, "massage", ["deep"]), (p2, "physio", ["deep", "sports"])] {
                _ = try await h.call(
                    CatalogV1.Bookables.update,
                    CatalogV1.UpdateBookableRequest(organizationId: w.org.id, bookable: CatalogV1.Bookable(id: id, category: category, tags: tags),
                                                    updateMask: ["category", "tags"]),
                    token: w.org.token, as: CatalogV1.Bookable.self)
            }
            func filtered(_ criteria: CatalogV1.BookableCriteria, kind: CatalogV1.BookableKind = .provider) async throws -> [Slot] {
                var request = w.search("2026-06-03", "2026-06-03")
                request.filters = [SchedulingV1.RequirementFilter(kind: kind, criteria: criteria)]
                return try await h.search(request, token: w.org.token).slots
            }
            let wednesday = { (provider: String) in Self.day("2026-06-03", Self.hourly, provider, room) }
            #expect(try await filtered(CatalogV1.BookableCriteria(categories: ["physio"])) == wednesday(p2))
            #expect(try await filtered(CatalogV1.BookableCriteria(categories: ["physio", "massage"])) == wednesday(p1))
            #expect(try await filtered(CatalogV1.BookableCriteria(tags: ["deep", "sports"])) == wednesday(p2), "every tag")
            #expect(try await filtered(CatalogV1.BookableCriteria(minRating: 0)) == wednesday(p1), "a minimum of 0 asks for nothing")
            #expect(try await filtered(CatalogV1.BookableCriteria(minRating: 4)) == [], "no one is rated yet")
            #expect(try await filtered(CatalogV1.BookableCriteria(categories: ["spa"]), kind: .venue) == [])
            var rated = w.search("2026-06-03", "2026-06-03")
            rated.filters = [SchedulingV1.RequirementFilter(kind: .venue, criteria: CatalogV1.BookableCriteria(minRating: 4))]
            let unrated = try await h.failure(SchedulingV1.Availability.searchAvailability, rated, token: w.org.token)
            #expect(unrated.details.fieldViolations == [FieldViolation(field: "filters[0].criteria.min_rating", description: "only providers are rated")])
            var asset = w.search("2026-06-03", "2026-06-03")
            asset.filters = [SchedulingV1.RequirementFilter(kind: .asset, criteria: CatalogV1.BookableCriteria(tags: ["deep"]))]
            let refused = try await h.failure(SchedulingV1.Availability.searchAvailability, asset, token: w.org.token)
            #expect(refused.code == .invalidArgument && schedulingViolationFields(refused) == ["filters[0].kind"],
                    "a filter for a kind the template does not need is refused, not ignored")
        }
    }

    // MARK: Time zones and odd dates

    /// A location open around the clock in New York: the day the clocks
    /// spring forward has 23 hourly slots (none at 02:00), the day they fall
    /// back 24 (01:00 once, its first occurrence), each a real hour.
    @Test func slotsAcrossDaylightSavingTransitions() async throws {
        try await CatalogHarness.run { h in
            h.clock.set(SchedulingTime.at("2026-03-01", "12:00"))
            let org = try await h.organization()
            var always = CatalogSample.location("always")
            always.operatingHours = CatalogV1.WeeklyHours(days: [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday, .sunday].map {
                CatalogV1.DayHours(day: $0, ranges: [CatalogV1.TimeRange(start: "00:00", end: "24:00")])
            })
            let location = try await h.create(always, in: org)
            let provider = try await h.create(CatalogSample.provider("night", at: location.id), in: org)
            let room = try await h.create(CatalogSample.venue("night-room", at: location.id), in: org)
            let template = try await h.activate(SchedulingSample.template("night", at: location.id), in: org)
            for bookable in [provider.id, room.id] {
                _ = try await h.updateCalendar(bookable, SchedulingV1.Calendar(maxAdvanceDays: 365), mask: ["max_advance_days"], in: org)
            }
            func expected(_ midnight: Date, hours: [Int]) -> [Slot] {
                hours.map { hour in
                    let start = midnight.addingTimeInterval(TimeInterval(hour * 3_600))
                    let end = start.addingTimeInterval(3_600)
                    return SchedulingV1.AvailableSlot(
                        startTime: start, endTime: end, localStart: SchedulingTime.iso(start), localEnd: SchedulingTime.iso(end),
                        assignments: [SchedulingV1.Assignment(requirementIndex: 0, kind: .provider, bookableIds: [provider.id]),
                                      SchedulingV1.Assignment(requirementIndex: 1, kind: .venue, bookableIds: [room.id])],
                        priceMultiplierBasisPoints: 10_000)
                }
            }
            let search = { (date: String) in
                SchedulingV1.SearchAvailabilityRequest(organizationId: org.id, serviceTemplateId: template.id, fromDate: date, toDate: date)
            }
            let spring = try await h.search(search("2026-03-08"), token: org.token).slots
            #expect(spring == expected(SchedulingTime.at("2026-03-08", "00:00"), hours: Array(0...22)))
            #expect(spring.map(\.localStart).prefix(3) == ["2026-03-08T00:00:00-05:00", "2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00"])
            #expect(spring[1].localEnd == "2026-03-08T03:00:00-04:00")
            let autumn = try await h.search(search("2026-11-01"), token: org.token).slots
            #expect(autumn == expected(SchedulingTime.at("2026-11-01", "00:00"), hours: [0, 1] + Array(3...24)))
            #expect(autumn.map(\.localStart).prefix(3) == ["2026-11-01T00:00:00-04:00", "2026-11-01T01:00:00-04:00", "2026-11-01T02:00:00-05:00"])
            #expect(autumn[1].localEnd == "2026-11-01T01:00:00-05:00")
            #expect(Set(autumn.map(\.localStart)).count == 24, "no wall time twice")
        }
    }

    /// Dates at the ends of what the API accepts are answered (nothing
    /// offered that far), never a crash or an INTERNAL.
    @Test func datesAtTheEndsOfTheRangeAreAnswered() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            #expect(try await h.search(w.search("1900-01-01", "1900-03-03"), token: w.org.token).slots == [])
            #expect(try await h.search(w.search("2999-11-01", "2999-12-31"), token: w.org.token).slots == [])
            #expect(try await h.stream(w.search("2999-01-01", "2999-12-31"), token: w.org.token) == [])
            let first = Date(timeIntervalSince1970: -62_135_596_800)  // 0001-01-01T00:00:00Z
            let last = Date(timeIntervalSince1970: 253_402_268_400)  // 9999-12-31T15:00:00Z, 10:00 on a Friday in New York
            let window = "starts outside its booking window (0 hours to 90 days ahead)"
            let outside = "is not working for all of it (its schedule, overrides and the location's hours, buffers included)"
            #expect(try await h.check([w.p1], first, first.addingTimeInterval(3_600), in: w.org).conflicts == [
                SchedulingV1.Conflict(bookableId: w.p1, kind: .outsideHours, detail: outside),
                SchedulingV1.Conflict(bookableId: w.p1, kind: .outsideWindow, detail: window),
            ])
            #expect(try await h.check([w.p1], last, last.addingTimeInterval(3_600), in: w.org).conflicts == [
                SchedulingV1.Conflict(bookableId: w.p1, kind: .outsideWindow, detail: window),
            ])
            let early = try await h.block(w.p1, SchedulingSample.blocked(first, first.addingTimeInterval(3_600)), in: w.org)
            let late = try await h.block(w.p1, SchedulingSample.blocked(last, last.addingTimeInterval(3_600)), in: w.org)
            #expect(try await h.allBlockedTimes(
                SchedulingV1.ListBlockedTimesRequest(organizationId: w.org.id, bookableId: w.p1, fromTime: first, toTime: last.addingTimeInterval(32_399)),
                token: w.org.token).times == [early, late])
            _ = try await h.addOverride(w.p1, SchedulingV1.DateOverride(date: "2999-12-31", type: .closed), in: w.org)
            #expect(try await h.calendar(w.p1, in: w.org).overrides == [SchedulingV1.DateOverride(date: "2999-12-31", type: .closed)])
        }
    }

    /// A provider based in New York who also works at a Chicago location,
    /// with no weekly schedule of their own, should follow the Chicago
    /// location's hours there: 09:00-17:00 Chicago time, eight hourly slots.
    @Test
    func aProviderAtASecondLocationInAnotherZoneFollowsItsHours() async throws {
        try await CatalogHarness.scheduling { h in
            let org = try await h.organization()
            let home = try await h.create(CatalogSample.location("home"), in: org)
            let chicago = TimeZone(identifier: "America/Chicago")!
            let away = try await h.create(CatalogSample.location("away", timeZone: "America/Chicago"), in: org)
            var traveller = CatalogSample.provider("traveller", at: home.id)
            traveller.provider?.locationIds = [away.id]
            let provider = try await h.create(traveller, in: org)
            let room = try await h.create(CatalogSample.venue("away-room", at: away.id), in: org)
            let template = try await h.activate(SchedulingSample.template("away", at: away.id), in: org)
            let found = try await h.search(
                SchedulingV1.SearchAvailabilityRequest(organizationId: org.id, serviceTemplateId: template.id, fromDate: "2026-06-02", toDate: "2026-06-02"),
                token: org.token)
            #expect(found.slots.map(\.localStart) == Self.hourly.map { SchedulingTime.iso(SchedulingTime.at("2026-06-02", $0, in: chicago), in: chicago) })
            #expect(found.slots.allSatisfy { $0.assignments.map(\.bookableIds) == [[provider.id], [room.id]] })

            // The check agrees when told where the service is; at home (New
            // York, 09:00-17:00 there) 16:00 Chicago is past closing.
            let four = SchedulingTime.at("2026-06-02", "16:00", in: chicago)
            #expect(try await h.check([provider.id], four, four.addingTimeInterval(3_600), at: away.id, in: org).free)
            #expect(try await h.check([provider.id], four, four.addingTimeInterval(3_600), in: org).conflicts.map(\.kind) == [.outsideHours])
            let elsewhere = try await h.create(CatalogSample.location("elsewhere"), in: org)
            #expect(try await h.check([room.id], four, four.addingTimeInterval(3_600), at: elsewhere.id, in: org).conflicts.map(\.kind) == [.unavailable],
                    "a bookable that does not work at the location")
            // A location that is not active offers nothing, to the check as to the search.
            _ = try await h.call(
                CatalogV1.Locations.update,
                CatalogV1.UpdateLocationRequest(organizationId: org.id, location: CatalogV1.Location(id: away.id, status: .inactive), updateMask: ["status"]),
                token: org.token, as: CatalogV1.Location.self)
            #expect(try await h.check([provider.id], four, four.addingTimeInterval(3_600), at: away.id, in: org).conflicts
                == [SchedulingV1.Conflict(bookableId: provider.id, kind: .unavailable, detail: "its location is not active")])
        }
    }

    /// A company provider's business hours bound its calendar, as the
    /// location's do: Wednesday 09:00-12:00 leaves three of the day's slots.
    @Test func aCompanyProvidersBusinessHoursBoundItsCalendar() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let boss = try await h.member(of: w.org, "Boss", role: .provider)
            let tech = try await h.outsider("Tech")
            let household = try await h.companyHousehold("Pipes Inc", primary: boss, joined: [tech])
            var company = CatalogSample.companyProvider("pipes", at: w.location.id, household: household.id, technicians: [tech.id])
            company.companyProvider?.businessHours = CatalogV1.WeeklyHours(days: [
                CatalogV1.DayHours(day: .wednesday, ranges: [CatalogV1.TimeRange(start: "09:00", end: "12:00")]),
            ])
            let pipes = try await h.create(company, in: w.org)
            let repair = try await h.activate(SchedulingSample.template(
                "repair", at: w.location.id, requirements: [CatalogV1.BookableRequirement(kind: .companyProvider, count: 1)]), in: w.org)
            let found = try await h.search(w.search("2026-06-02", "2026-06-04", template: repair.id), token: w.org.token).slots
            #expect(found.map(\.localStart) == ["09:00", "10:00", "11:00"].map { SchedulingTime.iso(SchedulingTime.at("2026-06-03", $0)) })
            #expect(found.allSatisfy { $0.assignments.map(\.bookableIds) == [[pipes.id]] })
        }
    }

    // MARK: Refusals

    @Test func searchRequestsAreValidated() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.schedulingWorld()
            let annex = try await h.create(CatalogSample.location("annex"), in: w.org)
            let away = try await h.create(CatalogSample.provider("away", at: annex.id), in: w.org)
            let drill = try await h.create(CatalogSample.asset("drill", at: w.location.id), in: w.org)
            func refusal(_ request: SchedulingV1.SearchAvailabilityRequest) async throws -> RPCStatus {
                try await h.failure(SchedulingV1.Availability.searchAvailability, request, token: w.org.token)
            }
            func fields(_ request: SchedulingV1.SearchAvailabilityRequest) async throws -> [String] {
                let status = try await refusal(request)
                #expect(status.code == .invalidArgument, "\(status)")
                return schedulingViolationFields(status)
            }
            func with(_ change: (inout SchedulingV1.SearchAvailabilityRequest) -> Void) -> SchedulingV1.SearchAvailabilityRequest {
                var request = w.search("2026-06-02", "2026-06-05")
                change(&request)
                return request
            }

            // Dates.
            #expect(try await fields(w.search("", "")) == ["from_date", "to_date"])
            #expect(try await fields(w.search("2026-06-31", "June 5")) == ["from_date", "to_date"])
            #expect(try await refusal(w.search("2026-06-05", "2026-06-04")).details.fieldViolations
                == [FieldViolation(field: "to_date", description: "must not be before from_date")])
            #expect(try await fields(w.search("2026-06-01", "2026-08-02")) == ["to_date"], "63 days")
            #expect(try await h.allSlots(w.search("2026-06-01", "2026-08-01"), token: w.org.token).slots == Self.weekdays("2026-06-01", "2026-08-01", w.p1, w.room.id),
                    "62 days")
            // Ids, zone, filters, token: every problem at once.
            #expect(try await fields(SchedulingV1.SearchAvailabilityRequest(
                organizationId: "", serviceTemplateId: "svc", locationId: "here", fromDate: "2026-06-02", toDate: "2026-06-02",
                bookableIds: ["p1", w.p1, w.p1], filters: [SchedulingV1.RequirementFilter(), SchedulingV1.RequirementFilter(
                    kind: .provider, criteria: CatalogV1.BookableCriteria(minRating: 6))],
                displayTimeZone: "Mars/Olympus", pageToken: "?"))
                == ["organization_id", "service_template_id", "location_id", "bookable_ids[0]", "bookable_ids[2]", "filters[0].kind",
                    "filters[1].criteria.min_rating", "display_time_zone", "page_token"])

            // Bookables that do not qualify: another location's provider, a kind the template does not need, one that does not exist.
            let stray = "is not a bookable at this location that qualifies for one of the template's requirements"
            #expect(try await refusal(with { $0.bookableIds = [away.id] }).details.fieldViolations == [FieldViolation(field: "bookable_ids[0]", description: stray)])
            #expect(try await refusal(with { $0.bookableIds = [w.p1, w.room.id, drill.id, UUID().uuidString.lowercased()] }).details.fieldViolations
                == [FieldViolation(field: "bookable_ids[2]", description: stray), FieldViolation(field: "bookable_ids[3]", description: stray)])
            // Filters narrow the requirement: no provider has the tag, so nothing.
            #expect(try await h.search(with { $0.filters = [SchedulingV1.RequirementFilter(kind: .provider, criteria: CatalogV1.BookableCriteria(tags: ["reiki"]))] },
                                       token: w.org.token).slots == [])

            // The template: not found, not active, offered elsewhere or everywhere.
            let unknown = try await refusal(with { $0.serviceTemplateId = UUID().uuidString.lowercased() })
            #expect(unknown.code == .notFound)
            let draft = try await h.create(SchedulingSample.template("draft", at: w.location.id), in: w.org)
            let inactive = try await refusal(with { $0.serviceTemplateId = draft.id })
            #expect(inactive.code == .failedPrecondition && inactive.message == "the service template is draft; only active templates can be booked")
            _ = try await h.changeStatus(w.template.id, to: .paused, in: w.org)
            let paused = try await refusal(w.search("2026-06-02", "2026-06-05"))
            #expect(paused.code == .failedPrecondition && paused.message == "the service template is paused; only active templates can be booked")
            _ = try await h.changeStatus(w.template.id, to: .active, in: w.org)

            let elsewhere = try await refusal(with { $0.locationId = annex.id })
            #expect(elsewhere.code == .invalidArgument && elsewhere.details.fieldViolations == [FieldViolation(
                field: "location_id", description: "the template is offered only at location \(w.location.id)")])
            #expect(try await h.search(with { $0.locationId = w.location.id }, token: w.org.token).slots.count == 32, "its own location may be named")

            let everywhere = try await h.activate(SchedulingSample.template("everywhere", at: ""), in: w.org)
            let noLocation = try await refusal(with { $0.serviceTemplateId = everywhere.id })
            #expect(noLocation.code == .invalidArgument && noLocation.details.fieldViolations == [FieldViolation(
                field: "location_id", description: "is required: the template is offered at every location")])
            #expect(try await h.search(with { ($0.serviceTemplateId, $0.locationId) = (everywhere.id, w.location.id) }, token: w.org.token).slots
                == Self.weekdays("2026-06-02", "2026-06-05", w.p1, w.room.id))
            #expect(try await h.search(with { ($0.serviceTemplateId, $0.locationId) = (everywhere.id, annex.id) }, token: w.org.token).slots == [],
                    "the annex has a provider but no venue")
            let nowhere = try await refusal(with { ($0.serviceTemplateId, $0.locationId) = (everywhere.id, UUID().uuidString.lowercased()) })
            #expect(nowhere.code == .notFound)
        }
    }
}
