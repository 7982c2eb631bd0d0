import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import Testing

/// The Calendars service over a real socket and a real SQLite file: a new
/// bookable's calendar, settings changed by mask, date overrides and
/// blocked time, with the refusals and what they leave written.
@Suite struct SchedulingFlowTests {
    /// A week of hours for a calendar: Tuesday and Thursday afternoons.
    static let afternoons = CatalogV1.WeeklyHours(days: [
        CatalogV1.DayHours(day: .tuesday, ranges: [CatalogV1.TimeRange(start: "12:00", end: "15:00")]),
        CatalogV1.DayHours(day: .thursday, ranges: [CatalogV1.TimeRange(start: "13:00", end: "14:00"), CatalogV1.TimeRange(start: "15:00", end: "17:00")]),
    ])

    // MARK: Get

    @Test func aNewBookablesCalendarHasTheDefaultsInItsLocationsZone() async throws {
        try await CatalogHarness.scheduling { h in
            let org = try await h.organization()
            let chicago = try await h.create(CatalogSample.location("chicago", timeZone: "America/Chicago"), in: org)
            let provider = try await h.create(CatalogSample.provider("ada", at: chicago.id), in: org)
            let room = try await h.create(CatalogSample.venue("room", at: chicago.id), in: org)

            let calendar = try await h.calendar(provider.id, in: org)
            #expect(calendar == SchedulingV1.Calendar(id: provider.calendarId, organizationId: org.id, bookableId: provider.id, timeZone: "America/Chicago"),
                    "the zone is the location's (the organization's is New York); every setting at its default; no overrides, no updated_at")
            #expect(try await h.calendar(ofBookable: provider.id)?.id == calendar.id)
            let roomCalendar = try await h.calendar(room.id, in: org)
            #expect(roomCalendar.id == room.calendarId && roomCalendar.id != calendar.id && roomCalendar.timeZone == "America/Chicago")
            #expect(try await h.schedulingSnapshot() == [], "reading a calendar writes nothing")

            // The location moves to another zone: its calendars follow.
            _ = try await h.call(
                CatalogV1.Locations.update,
                CatalogV1.UpdateLocationRequest(organizationId: org.id, location: CatalogV1.Location(id: chicago.id, timeZone: "America/Denver"),
                                                updateMask: ["time_zone"]),
                token: org.token, as: CatalogV1.Location.self)
            #expect(try await h.calendar(provider.id, in: org).timeZone == "America/Denver")

            // A deleted bookable has no calendar to read.
            _ = try await h.call(
                CatalogV1.Bookables.delete, CatalogV1.DeleteBookableRequest(organizationId: org.id, bookableId: room.id, reason: "sold"),
                token: org.token, as: CatalogV1.Bookable.self)
            let gone = try await h.failure(SchedulingV1.Calendars.get, SchedulingV1.GetCalendarRequest(organizationId: org.id, bookableId: room.id), token: org.token)
            #expect(gone.code == .notFound && gone.message == "no bookable \(room.id)")
            let malformed = try await h.failure(SchedulingV1.Calendars.get, SchedulingV1.GetCalendarRequest(organizationId: org.id, bookableId: "nope"), token: org.token)
            #expect(malformed.code == .invalidArgument && schedulingViolationFields(malformed) == ["bookable_id"])
        }
    }

    // MARK: Update

    @Test func eachSettingChangesByItsMaskAndTheRestStay() async throws {
        try await CatalogHarness.scheduling { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("ada", at: studio.id), in: org)
            var expected = try await h.calendar(provider.id, in: org)

            // A patch carrying a new value for every setting; each mask takes only what it names.
            let cascading = SchedulingV1.Cascading(enabled: true, strategy: .batch, initialOpenSlots: 3, premiumMultiplierBasisPoints: 15_000)
            var patch = SchedulingV1.Calendar(
                weeklySchedule: Self.afternoons, slotDurationMinutes: 30, slotIntervalMinutes: 15, preBufferMinutes: 10, postBufferMinutes: 5,
                minAdvanceHours: 2, maxAdvanceDays: 60, cascading: cascading)
            // Output-only fields in a patch are ignored.
            patch.id = UUID().uuidString.lowercased()
            patch.bookableId = UUID().uuidString.lowercased()
            patch.timeZone = "Europe/Paris"
            patch.overrides = [SchedulingV1.DateOverride(date: "2026-06-10", type: .closed)]
            patch.updatedAt = Date(timeIntervalSince1970: 0)

            let steps: [(mask: [String], apply: (inout SchedulingV1.Calendar) -> Void)] = [
                (["weekly_schedule"], { $0.weeklySchedule = Self.afternoons }),
                (["slotDurationMinutes"], { $0.slotDurationMinutes = 30 }),
                (["slot_interval_minutes"], { $0.slotIntervalMinutes = 15 }),
                (["preBufferMinutes", "post_buffer_minutes"], { ($0.preBufferMinutes, $0.postBufferMinutes) = (10, 5) }),
                (["min_advance_hours"], { $0.minAdvanceHours = 2 }),
                (["maxAdvanceDays"], { $0.maxAdvanceDays = 60 }),
                (["cascading"], { $0.cascading = cascading }),
            ]
            for step in steps {
                h.clock.advance(by: .seconds(60))
                step.apply(&expected)
                expected.updatedAt = h.clock.now
                let updated = try await h.updateCalendar(provider.id, patch, mask: step.mask, in: org)
                #expect(updated == expected, "\(step.mask)")
                #expect(try await h.calendar(provider.id, in: org) == expected, "\(step.mask): Get reads what Update answered")
            }
            #expect(try await h.schedulingRowCount("calendar_settings") == 1)

            // A message field named but absent is cleared; a scalar named but absent is 0.
            h.clock.advance(by: .seconds(60))
            let cleared = try await h.updateCalendar(provider.id, nil, mask: ["weeklySchedule", "cascading", "slot_interval_minutes"], in: org)
            (expected.weeklySchedule, expected.cascading, expected.slotIntervalMinutes, expected.updatedAt) = (nil, nil, 0, h.clock.now)
            #expect(cleared == expected)

            // A message field is replaced whole, not merged.
            h.clock.advance(by: .seconds(60))
            let monday = CatalogV1.WeeklyHours(days: [CatalogV1.DayHours(day: .monday, ranges: [CatalogV1.TimeRange(start: "10:00", end: "11:00")])])
            let replaced = try await h.updateCalendar(provider.id, SchedulingV1.Calendar(weeklySchedule: monday), mask: ["weekly_schedule"], in: org)
            #expect(replaced.weeklySchedule == monday && replaced.updatedAt == h.clock.now)
            // An empty week (present, no days) is kept as such: the bookable works no day.
            let empty = try await h.updateCalendar(provider.id, SchedulingV1.Calendar(weeklySchedule: CatalogV1.WeeklyHours()), mask: ["weekly_schedule"], in: org)
            #expect(empty.weeklySchedule == CatalogV1.WeeklyHours())
        }
    }

    @Test func anEmptyOrUnknownMaskIsRefusedWithTheSettingsThatCanBeChanged() async throws {
        try await CatalogHarness.scheduling { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("ada", at: studio.id), in: org)
            _ = try await h.updateCalendar(provider.id, SchedulingV1.Calendar(preBufferMinutes: 5), mask: ["pre_buffer_minutes"], in: org)
            let before = try await h.schedulingSnapshot()
            let names = "weekly_schedule, slot_duration_minutes, slot_interval_minutes, pre_buffer_minutes, post_buffer_minutes, "
                + "min_advance_hours, max_advance_days, cascading"
            let patch = SchedulingV1.Calendar(preBufferMinutes: 30)

            let empty = try await h.failure(
                SchedulingV1.Calendars.update, SchedulingV1.UpdateCalendarRequest(organizationId: org.id, bookableId: provider.id, calendar: patch), token: org.token)
            #expect(empty.code == .invalidArgument)
            #expect(empty.details.fieldViolations == [FieldViolation(field: "update_mask", description: "must name the settings to change: \(names)")])

            let unknown = try await h.failure(
                SchedulingV1.Calendars.update,
                SchedulingV1.UpdateCalendarRequest(
                    organizationId: org.id, bookableId: provider.id, calendar: patch,
                    updateMask: ["pre_buffer_minutes", "slot_length", "overrides", "timeZone", "updated_at"]),
                token: org.token)
            #expect(unknown.code == .invalidArgument)
            #expect(unknown.details.fieldViolations == [
                FieldViolation(field: "update_mask[1]", description: "is not a setting that can be changed; the settings that can be: \(names)"),
                FieldViolation(field: "update_mask[2]", description: "changes through AddOverride and RemoveOverride; the settings that can be: \(names)"),
                FieldViolation(field: "update_mask[3]", description: "is not a setting that can be changed; the settings that can be: \(names)"),
                FieldViolation(field: "update_mask[4]", description: "is not a setting that can be changed; the settings that can be: \(names)"),
            ], "one violation per bad path, none for the good one")
            #expect(try await h.schedulingSnapshot() == before, "nothing written, not even the good path")
            #expect(try await h.calendar(provider.id, in: org).preBufferMinutes == 5)
        }
    }

    @Test func invalidSettingsAreRefusedWithEveryPathAndNothingWritten() async throws {
        try await CatalogHarness.scheduling { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("ada", at: studio.id), in: org)
            _ = try await h.updateCalendar(provider.id, SchedulingV1.Calendar(maxAdvanceDays: 60), mask: ["max_advance_days"], in: org)
            let before = try await h.schedulingSnapshot()
            let all = ["weekly_schedule", "slot_duration_minutes", "slot_interval_minutes", "pre_buffer_minutes", "post_buffer_minutes",
                       "min_advance_hours", "max_advance_days", "cascading"]

            func refusal(_ patch: SchedulingV1.Calendar, _ mask: [String]) async throws -> [FieldViolation] {
                let status = try await h.failure(
                    SchedulingV1.Calendars.update,
                    SchedulingV1.UpdateCalendarRequest(organizationId: org.id, bookableId: provider.id, calendar: patch, updateMask: mask), token: org.token)
                #expect(status.code == .invalidArgument, "\(status)")
                return status.details.fieldViolations
            }

            // Everything wrong at once: one violation per problem, paths under `calendar`.
            let broken = SchedulingV1.Calendar(
                weeklySchedule: CatalogV1.WeeklyHours(days: [
                    CatalogV1.DayHours(day: .monday, ranges: [CatalogV1.TimeRange(start: "09:00", end: "12:00"), CatalogV1.TimeRange(start: "11:00", end: "13:00")]),
                    CatalogV1.DayHours(day: .monday, ranges: [CatalogV1.TimeRange(start: "25:00", end: "10:00")]),
                ]),
                slotDurationMinutes: 3, slotIntervalMinutes: 2_000, preBufferMinutes: 1_441, postBufferMinutes: 1_441, minAdvanceHours: 9_000,
                maxAdvanceDays: 2_000,
                cascading: SchedulingV1.Cascading(enabled: true, strategy: SchedulingV1.CascadeStrategy(protobufValue: 7), initialOpenSlots: 0,
                                                  premiumMultiplierBasisPoints: 5_000))
            #expect(try await refusal(broken, all) == [
                FieldViolation(field: "calendar.weekly_schedule.days[0].ranges[1]", description: "overlaps ranges[0]"),
                FieldViolation(field: "calendar.weekly_schedule.days[1].day", description: "repeats days[0]: list each day once"),
                FieldViolation(field: "calendar.weekly_schedule.days[1].ranges[0].start", description: "must be a time HH:MM from 00:00 to 23:59"),
                FieldViolation(field: "calendar.slot_duration_minutes", description: "must be 5 to 1440 minutes (0: the service's length)"),
                FieldViolation(field: "calendar.slot_interval_minutes", description: "must be 5 to 1440 minutes (0: the slot duration)"),
                FieldViolation(field: "calendar.pre_buffer_minutes", description: "must be 0 to 1440 minutes"),
                FieldViolation(field: "calendar.post_buffer_minutes", description: "must be 0 to 1440 minutes"),
                FieldViolation(field: "calendar.min_advance_hours", description: "must be 0 to 8760 hours"),
                FieldViolation(field: "calendar.max_advance_days", description: "must be 1 to 1095 days (0: 90)"),
                FieldViolation(field: "calendar.cascading.strategy", description: "7 is not a known value"),
                FieldViolation(field: "calendar.cascading.initial_open_slots", description: "must be 1 to 100 slots"),
                FieldViolation(field: "calendar.cascading.premium_multiplier_basis_points",
                               description: "must be 10000 to 100000 basis points (10000 = 1x; 0: premium slots not offered)"),
            ])

            // The rules hold for the settings as they would be: a minimum advance past the stored maximum...
            #expect(try await refusal(SchedulingV1.Calendar(minAdvanceHours: 1_441), ["min_advance_hours"]) == [
                FieldViolation(field: "calendar.min_advance_hours", description: "must not reach past max_advance_days, or nothing could be booked"),
            ])
            // ...or past the default 90 days when the maximum goes back to its default.
            #expect(try await refusal(SchedulingV1.Calendar(minAdvanceHours: 2_161), ["min_advance_hours", "max_advance_days"]) == [
                FieldViolation(field: "calendar.min_advance_hours",
                               description: "must not reach past the default maximum advance of 90 days; set max_advance_days"),
            ])
            // A value outside the range but not named in the mask is not looked at.
            let ignored = try await h.updateCalendar(provider.id, SchedulingV1.Calendar(slotDurationMinutes: 3, postBufferMinutes: 20),
                                                     mask: ["post_buffer_minutes"], in: org)
            #expect(ignored.slotDurationMinutes == 0 && ignored.postBufferMinutes == 20 && ignored.maxAdvanceDays == 60)
            #expect(try await h.schedulingSnapshot() != before)
            let after = try await h.schedulingSnapshot()
            _ = try await refusal(SchedulingV1.Calendar(slotIntervalMinutes: 4), ["slot_interval_minutes"])
            #expect(try await h.schedulingSnapshot() == after, "a refused update writes nothing")
        }
    }

    // MARK: Overrides

    @Test func overridesAreSetReplacedListedFromTodayAndRemoved() async throws {
        try await CatalogHarness.scheduling { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            // Kiritimati is UTC+14: at 2026-06-01T12:00Z it is already June 2 there.
            let island = try await h.create(CatalogSample.location("island", timeZone: "Pacific/Kiritimati"), in: org)
            let provider = try await h.create(CatalogSample.provider("ada", at: studio.id), in: org)
            let far = try await h.create(CatalogSample.provider("kai", at: island.id), in: org)

            let closed = SchedulingV1.DateOverride(date: "2026-06-10", type: .closed, reason: "staff training")
            let added = try await h.addOverride(provider.id, closed, in: org)
            #expect(added.overrides == [closed] && abs((added.updatedAt ?? .distantPast).timeIntervalSince(h.clock.now)) < 0.001, "an override changes the calendar: its updated_at moves")
            let shorter = SchedulingV1.DateOverride(
                date: "2026-06-10", type: .modifiedHours,
                hours: [CatalogV1.TimeRange(start: "10:00", end: "12:00"), CatalogV1.TimeRange(start: "13:00", end: "15:00")], reason: "half day")
            #expect(try await h.addOverride(provider.id, shorter, in: org).overrides == [shorter], "the same date again replaces it")
            let pricing = SchedulingV1.DateOverride(date: "2026-06-05", type: .specialPricing, pricingMultiplierBasisPoints: 12_500, reason: "Holiday")
            let today = SchedulingV1.DateOverride(date: "2026-06-01", type: .closed)
            let past = SchedulingV1.DateOverride(date: "2026-05-31", type: .closed, reason: "yesterday")
            _ = try await h.addOverride(provider.id, pricing, in: org)
            let listed = try await h.addOverride(provider.id, today, in: org)
            #expect(listed.overrides == [today, pricing, shorter], "from today (in New York) on, in date order")
            #expect(try await h.calendar(provider.id, in: org).overrides == [today, pricing, shorter])
            let refused = try await h.failure(
                SchedulingV1.Calendars.addOverride, SchedulingV1.AddOverrideRequest(organizationId: org.id, bookableId: provider.id, dateOverride: past),
                token: org.token)
            #expect(refused.code == .invalidArgument && refused.details.fieldViolations
                == [FieldViolation(field: "date_override.date", description: "must be today (2026-06-01 in America/New_York) or later")],
                    "a past date would be neither shown nor used")
            #expect(try await h.schedulingRowCount("calendar_overrides") == 3)

            // "Today" is the calendar's: June 1 has passed on Kiritimati.
            let late = try await h.failure(
                SchedulingV1.Calendars.addOverride, SchedulingV1.AddOverrideRequest(organizationId: org.id, bookableId: far.id, dateOverride: today),
                token: org.token)
            #expect(late.details.fieldViolations == [FieldViolation(field: "date_override.date", description: "must be today (2026-06-02 in Pacific/Kiritimati) or later")])
            let tomorrow = SchedulingV1.DateOverride(date: "2026-06-02", type: .closed)
            _ = try await h.addOverride(far.id, tomorrow, in: org)
            #expect(try await h.calendar(far.id, in: org).overrides == [tomorrow])

            // Removing.
            func remove(_ date: String, from bookable: String) async throws -> SchedulingV1.Calendar {
                try await h.call(
                    SchedulingV1.Calendars.removeOverride, SchedulingV1.RemoveOverrideRequest(organizationId: org.id, bookableId: bookable, date: date),
                    token: org.token)
            }
            #expect(try await remove("2026-06-10", from: provider.id).overrides == [today, pricing])
            // A day later June 1 is past: kept, no longer listed, still removable.
            h.clock.set(h.clock.now.addingTimeInterval(86_400))
            #expect(try await h.calendar(provider.id, in: org).overrides == [pricing])
            #expect(try await h.schedulingRowCount("calendar_overrides") == 3)
            #expect(try await remove("2026-06-01", from: provider.id).overrides == [pricing], "a past override can be removed")
            let before = try await h.schedulingSnapshot()
            for date in ["2026-06-10", "2026-06-11"] {
                let none = try await h.failure(
                    SchedulingV1.Calendars.removeOverride, SchedulingV1.RemoveOverrideRequest(organizationId: org.id, bookableId: provider.id, date: date),
                    token: org.token)
                #expect(none.code == .notFound && none.message == "the calendar has no override on \(date)")
            }
            // Another calendar's override is not this one's.
            let other = try await h.failure(
                SchedulingV1.Calendars.removeOverride, SchedulingV1.RemoveOverrideRequest(organizationId: org.id, bookableId: far.id, date: "2026-06-05"),
                token: org.token)
            #expect(other.code == .notFound)
            for (date, why) in [("", "is required: a date YYYY-MM-DD"), ("2026-6-10", "must be a date YYYY-MM-DD"),
                                ("2026-02-30", "is not a day of the calendar (years 1900 to 2999)")] {
                let bad = try await h.failure(
                    SchedulingV1.Calendars.removeOverride, SchedulingV1.RemoveOverrideRequest(organizationId: org.id, bookableId: provider.id, date: date),
                    token: org.token)
                #expect(bad.code == .invalidArgument && bad.details.fieldViolations == [FieldViolation(field: "date", description: why)], "\(date)")
            }
            #expect(try await h.schedulingSnapshot() == before)
        }
    }

    @Test func invalidOverridesAreRefusedWithTheirPathsAndNothingWritten() async throws {
        try await CatalogHarness.scheduling { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("ada", at: studio.id), in: org)
            _ = try await h.addOverride(provider.id, SchedulingV1.DateOverride(date: "2026-06-10", type: .closed), in: org)
            let before = try await h.schedulingSnapshot()

            func fields(_ override: SchedulingV1.DateOverride?) async throws -> [String] {
                let status = try await h.failure(
                    SchedulingV1.Calendars.addOverride, SchedulingV1.AddOverrideRequest(organizationId: org.id, bookableId: provider.id, dateOverride: override),
                    token: org.token)
                #expect(status.code == .invalidArgument, "\(status)")
                return schedulingViolationFields(status)
            }
            #expect(try await fields(nil) == ["date_override"])
            #expect(try await fields(SchedulingV1.DateOverride()) == ["date_override.date", "date_override.type"])
            #expect(try await fields(SchedulingV1.DateOverride(date: "2026-06-31", type: SchedulingV1.OverrideType(protobufValue: 9), reason: String(repeating: "x", count: 501)))
                == ["date_override.date", "date_override.type", "date_override.reason"])
            #expect(try await fields(SchedulingV1.DateOverride(date: "2026-06-10", type: .modifiedHours)) == ["date_override.hours"])
            #expect(try await fields(SchedulingV1.DateOverride(
                date: "2026-06-10", type: .modifiedHours,
                hours: [CatalogV1.TimeRange(start: "9am", end: "12:00"), CatalogV1.TimeRange(start: "11:00", end: "13:00"),
                        CatalogV1.TimeRange(start: "10:00", end: "12:00"), CatalogV1.TimeRange(start: "16:00", end: "15:00")]))
                == ["date_override.hours[0].start", "date_override.hours[3].end", "date_override.hours[1]"])
            #expect(try await fields(SchedulingV1.DateOverride(
                date: "2026-06-10", type: .closed, hours: [CatalogV1.TimeRange(start: "10:00", end: "12:00")], pricingMultiplierBasisPoints: 12_000))
                == ["date_override.hours", "date_override.pricing_multiplier_basis_points"])
            #expect(try await fields(SchedulingV1.DateOverride(date: "2026-06-10", type: .specialPricing)) == ["date_override.pricing_multiplier_basis_points"])
            #expect(try await fields(SchedulingV1.DateOverride(date: "2026-06-10", type: .specialPricing, pricingMultiplierBasisPoints: 100_001))
                == ["date_override.pricing_multiplier_basis_points"])
            #expect(try await h.schedulingSnapshot() == before)
            #expect(try await h.calendar(provider.id, in: org).overrides == [SchedulingV1.DateOverride(date: "2026-06-10", type: .closed)])
        }
    }

    // MARK: Blocked time

    @Test func blockedTimesAreAddedListedInPagesAndRemoved() async throws {
        try await CatalogHarness.scheduling { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("ada", at: studio.id), in: org)
            let other = try await h.create(CatalogSample.provider("bo", at: studio.id), in: org)
            let (_, serviceToken) = try await h.identity.fixtures.issueServiceToken(organizationID: UUID(uuidString: org.id)!, name: "sync", role: .admin)
            let at = { (date: String, time: String) in SchedulingTime.at(date, time) }

            // Added out of order; one ended yesterday; two start together; one starts at a fraction of a second.
            var fraction = SchedulingSample.blocked(at("2026-06-04", "09:00").addingTimeInterval(0.25), at("2026-06-04", "10:00"), .unavailable)
            fraction.reason = "quarter past"
            let requests: [SchedulingV1.BlockedTime] = [
                SchedulingSample.blocked(at("2026-06-03", "12:00"), at("2026-06-03", "13:00"), .timeOff, reason: "lunch"),
                SchedulingSample.blocked(at("2026-05-31", "09:00"), at("2026-05-31", "17:00"), .timeOff, reason: "past"),
                SchedulingSample.blocked(at("2026-06-02", "09:00"), at("2026-06-02", "10:00"), .maintenance, reason: "same start 1", allowOverride: true),
                SchedulingSample.blocked(at("2026-06-02", "09:00"), at("2026-06-02", "11:00"), .unavailable, reason: "same start 2"),
                fraction,
                SchedulingSample.blocked(at("2026-06-01", "06:00"), at("2026-06-01", "09:00"), .timeOff, reason: "now included"),
            ]
            var added: [SchedulingV1.BlockedTime] = []
            for (index, request) in requests.enumerated() {
                h.clock.advance(by: .seconds(1))
                var forged = request
                forged.id = UUID().uuidString.lowercased()
                forged.bookableId = other.id
                forged.createdBy = "someone"
                let created = try await h.block(provider.id, forged, in: org)
                #expect(UUID(uuidString: created.id) != nil && created.id == created.id.lowercased() && created.id != forged.id, "\(index)")
                var expected = request
                (expected.id, expected.organizationId, expected.bookableId) = (created.id, org.id, provider.id)
                (expected.createdBy, expected.createdAt) = (org.ownerID, h.clock.now)
                #expect(created == expected, "\(index): the stored blocked time, output-only fields the server's")
                added.append(created)
            }
            let viaService = try await h.block(
                other.id, SchedulingSample.blocked(at("2026-06-02", "09:30"), at("2026-06-02", "10:30")), in: org, token: serviceToken)
            #expect(viaService.createdBy == "", "a service token is no user")

            // In start order (ties by id), overlapping [now, ∞) by default; the other bookable's are not listed.
            let sameStart = [added[2], added[3]].sorted { $0.id < $1.id }
            let upcoming = [added[5]] + sameStart + [added[0], added[4]]
            let list = SchedulingV1.ListBlockedTimesRequest(organizationId: org.id, bookableId: provider.id)
            let whole: SchedulingV1.ListBlockedTimesResponse = try await h.call(SchedulingV1.Calendars.listBlockedTimes, list, token: org.token)
            #expect(whole.blockedTimes == upcoming && whole.nextPageToken.isEmpty)

            // Pages of two: three pages, no repeats, no gaps.
            var paged = list
            paged.pageSize = 2
            let pages = try await h.allBlockedTimes(paged, token: org.token)
            #expect(pages.times == upcoming && pages.pages == 3)
            paged.pageSize = 5
            let exact = try await h.allBlockedTimes(paged, token: org.token)
            #expect(exact.times == upcoming && exact.pages == 1, "a last page that is full carries no token")
            // A token belongs to its list: with another bookable, or another span, it is refused.
            paged.pageSize = 2
            let firstPage: SchedulingV1.ListBlockedTimesResponse = try await h.call(SchedulingV1.Calendars.listBlockedTimes, paged, token: org.token)
            let elsewhere = SchedulingV1.ListBlockedTimesRequest(organizationId: org.id, bookableId: other.id, pageSize: 2, pageToken: firstPage.nextPageToken)
            for request in [elsewhere, { var r = paged; r.pageToken = firstPage.nextPageToken; r.toTime = at("2026-07-01", "00:00"); return r }()] {
                let refused = try await h.failure(SchedulingV1.Calendars.listBlockedTimes, request, token: org.token)
                #expect(refused.code == .invalidArgument && schedulingViolationFields(refused) == ["page_token"])
            }

            // From and to: what overlaps [from, to).
            func listed(from: Date?, to: Date?) async throws -> [SchedulingV1.BlockedTime] {
                try await h.allBlockedTimes(
                    SchedulingV1.ListBlockedTimesRequest(organizationId: org.id, bookableId: provider.id, fromTime: from, toTime: to, pageSize: 1),
                    token: org.token).times
            }
            #expect(try await listed(from: at("2026-05-01", "00:00"), to: nil) == [added[1]] + upcoming)
            #expect(try await listed(from: at("2026-06-02", "10:00"), to: at("2026-06-04", "09:00").addingTimeInterval(0.25))
                == [sameStart.first { $0.reason == "same start 2" }!, added[0]], "one ending at from and one starting at to are out")
            #expect(try await listed(from: at("2026-06-04", "09:00").addingTimeInterval(0.5), to: at("2026-06-04", "09:01")) == [added[4]])
            #expect(try await listed(from: nil, to: at("2026-06-02", "09:00")) == [added[5]])

            // Refusals of a list.
            let backwards = try await h.failure(
                SchedulingV1.Calendars.listBlockedTimes,
                SchedulingV1.ListBlockedTimesRequest(organizationId: org.id, bookableId: provider.id, fromTime: at("2026-06-03", "00:00"), toTime: at("2026-06-02", "00:00")),
                token: org.token)
            #expect(backwards.code == .invalidArgument && schedulingViolationFields(backwards) == ["to_time"])
            let stale = try await h.failure(
                SchedulingV1.Calendars.listBlockedTimes,
                SchedulingV1.ListBlockedTimesRequest(organizationId: org.id, bookableId: provider.id, toTime: at("2026-06-01", "07:00")), token: org.token)
            #expect(stale.code == .invalidArgument && schedulingViolationFields(stale) == ["to_time"], "to before now with no from")
            let forgedToken = try await h.failure(
                SchedulingV1.Calendars.listBlockedTimes, SchedulingV1.ListBlockedTimesRequest(organizationId: org.id, bookableId: provider.id, pageToken: "djE6bm9wZQ"),
                token: org.token)
            #expect(forgedToken.code == .invalidArgument && schedulingViolationFields(forgedToken) == ["page_token"])

            // Removing: the answer is what was removed; another bookable's id is NOT_FOUND.
            func remove(_ id: String, from bookable: String) async throws -> SchedulingV1.BlockedTime {
                try await h.call(
                    SchedulingV1.Calendars.removeBlockedTime,
                    SchedulingV1.RemoveBlockedTimeRequest(organizationId: org.id, bookableId: bookable, blockedTimeId: id), token: org.token)
            }
            func removal(_ id: String, from bookable: String) async throws -> RPCStatus {
                try await h.failure(
                    SchedulingV1.Calendars.removeBlockedTime,
                    SchedulingV1.RemoveBlockedTimeRequest(organizationId: org.id, bookableId: bookable, blockedTimeId: id), token: org.token)
            }
            let before = try await h.schedulingSnapshot()
            let wrongBookable = try await removal(viaService.id, from: provider.id)
            #expect(wrongBookable.code == .notFound && wrongBookable.message == "no blocked time \(viaService.id)")
            #expect(try await removal(UUID().uuidString.lowercased(), from: provider.id).code == .notFound)
            let malformed = try await removal("not-an-id", from: provider.id)
            #expect(malformed.code == .invalidArgument && schedulingViolationFields(malformed) == ["blocked_time_id"])
            #expect(try await h.schedulingSnapshot() == before)

            #expect(try await remove(viaService.id.uppercased(), from: other.id) == viaService, "ids in any case")
            #expect(try await remove(added[0].id, from: provider.id) == added[0])
            #expect(try await removal(added[0].id, from: provider.id).code == .notFound, "gone")
            #expect(try await listed(from: nil, to: nil) == [added[5]] + sameStart + [added[4]])
            #expect(try await h.allBlockedTimes(SchedulingV1.ListBlockedTimesRequest(organizationId: org.id, bookableId: other.id), token: org.token).times == [])
        }
    }

    @Test func invalidBlockedTimesAreRefusedWithTheirPathsAndNothingWritten() async throws {
        try await CatalogHarness.scheduling { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("ada", at: studio.id), in: org)
            let start = SchedulingTime.at("2026-06-02", "09:00")

            func fields(_ blocked: SchedulingV1.BlockedTime?) async throws -> [String] {
                let status = try await h.failure(
                    SchedulingV1.Calendars.addBlockedTime,
                    SchedulingV1.AddBlockedTimeRequest(organizationId: org.id, bookableId: provider.id, blockedTime: blocked), token: org.token)
                #expect(status.code == .invalidArgument, "\(status)")
                return schedulingViolationFields(status)
            }
            #expect(try await fields(nil) == ["blocked_time"])
            #expect(try await fields(SchedulingV1.BlockedTime()) == ["blocked_time.start_time", "blocked_time.end_time", "blocked_time.type"])
            #expect(try await fields(SchedulingSample.blocked(start, start)) == ["blocked_time.end_time"])
            #expect(try await fields(SchedulingSample.blocked(start, start.addingTimeInterval(-60))) == ["blocked_time.end_time"])
            #expect(try await fields(SchedulingSample.blocked(start, start.addingTimeInterval(366 * 86_400 + 1))) == ["blocked_time.end_time"])
            #expect(try await fields(SchedulingSample.blocked(start, start.addingTimeInterval(60), SchedulingV1.BlockedTimeType(protobufValue: 8),
                                                                reason: String(repeating: "y", count: 501)))
                == ["blocked_time.type", "blocked_time.reason"])
            #expect(try await h.schedulingSnapshot() == [])
            // 366 days exactly is allowed.
            let year = try await h.block(provider.id, SchedulingSample.blocked(start, start.addingTimeInterval(366 * 86_400), .unavailable), in: org)
            #expect(year.endTime == start.addingTimeInterval(366 * 86_400))
        }
    }

    // MARK: The order of a call's checks

    /// Access, then authority, then the input: a stranger with a broken
    /// body learns nothing (NOT_FOUND), a member without authority is
    /// refused before the body is judged (PERMISSION_DENIED).
    @Test func accessAndAuthorityAreJudgedBeforeTheInput() async throws {
        try await CatalogHarness.scheduling { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("ada", at: studio.id), in: org)
            let staff = try await h.member(of: org, "Sam Staff", role: .staff)
            let stranger = try await h.outsider("Stranger")
            let broken: [(MethodDescriptor, any Encodable & Sendable)] = [
                (SchedulingV1.Calendars.update, SchedulingV1.UpdateCalendarRequest(organizationId: org.id, bookableId: provider.id, updateMask: [])),
                (SchedulingV1.Calendars.update, SchedulingV1.UpdateCalendarRequest(
                    organizationId: org.id, bookableId: provider.id, calendar: SchedulingV1.Calendar(slotDurationMinutes: 1), updateMask: ["slot_duration_minutes"])),
                (SchedulingV1.Calendars.addOverride, SchedulingV1.AddOverrideRequest(organizationId: org.id, bookableId: provider.id)),
                (SchedulingV1.Calendars.removeOverride, SchedulingV1.RemoveOverrideRequest(organizationId: org.id, bookableId: provider.id, date: "June")),
                (SchedulingV1.Calendars.removeOverride, SchedulingV1.RemoveOverrideRequest(organizationId: org.id, bookableId: provider.id, date: "2026-06-10")),
                (SchedulingV1.Calendars.addBlockedTime, SchedulingV1.AddBlockedTimeRequest(organizationId: org.id, bookableId: provider.id)),
                (SchedulingV1.Calendars.removeBlockedTime, SchedulingV1.RemoveBlockedTimeRequest(
                    organizationId: org.id, bookableId: provider.id, blockedTimeId: UUID().uuidString.lowercased())),
            ]
            for (index, (method, request)) in broken.enumerated() {
                #expect(await h.code(method, request, token: stranger.token) == .notFound, "\(index) \(method.name)")
                #expect(await h.code(method, request, token: staff.token) == .permissionDenied, "\(index) \(method.name)")
                let owner = await h.code(method, request, token: org.token)
                #expect(owner == (index == 4 || index == 6 ? .notFound : .invalidArgument), "\(index) \(method.name)")
            }
            #expect(try await h.schedulingSnapshot() == [])
        }
    }
}
