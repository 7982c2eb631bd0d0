import BizingAPI
import Catalog
import ContextKit
import Foundation
@testable import Scheduling
import Testing

/// What calendar settings, date overrides and blocked times must be: each
/// rule with the exact field path and rule it reports.
@Suite struct CalendarRulesTests {
    /// "path rule" of each violation, in order.
    static func found(_ violations: [InvalidField]) -> [String] { violations.map { "\($0.field) \($0.rule)" } }

    @Test(arguments: calendarCases)
    func calendarSettings(_ rule: CalendarCase) {
        #expect(Self.found(CalendarRules.violations(of: rule.calendar)) == rule.expected)
    }

    @Test func calendarPathsNestUnderTheFieldGiven() {
        let violations = CalendarRules.violations(of: SchedulingV1.Calendar(slotIntervalMinutes: 1), field: "calendars[2]")
        #expect(Self.found(violations) == ["calendars[2].slot_interval_minutes not allowed"])
        #expect(violations.first?.description == "must be 5 to 1440 minutes (0: the slot duration)")
    }

    @Test(arguments: overrideCases)
    func dateOverrides(_ rule: OverrideCase) {
        #expect(Self.found(CalendarRules.violations(of: rule.override)) == rule.expected)
    }

    @Test(arguments: blockedCases)
    func blockedTimes(_ rule: BlockedCase) {
        #expect(Self.found(CalendarRules.violations(of: rule.blocked)) == rule.expected)
    }

    // MARK: settings as the engine reads them

    @Test func absentSettingsAreTheDocumentedDefaults() {
        let settings = CalendarSettings(SchedulingV1.Calendar())
        #expect(settings.weekly == nil && settings.cascade == nil)
        #expect(settings.maxAdvanceDays == 90 && settings.minAdvanceHours == 0)
        #expect(settings.stepMinutes(serviceMinutes: 50) == 50 && settings.slotMinutes(serviceMinutes: 50) == 50)
        let sized = CalendarSettings(SchedulingV1.Calendar(slotDurationMinutes: 30))
        #expect(sized.stepMinutes(serviceMinutes: 50) == 30 && sized.slotMinutes(serviceMinutes: 50) == 30)
        let stepped = CalendarSettings(SchedulingV1.Calendar(slotDurationMinutes: 30, slotIntervalMinutes: 15))
        #expect(stepped.stepMinutes(serviceMinutes: 50) == 15 && stepped.slotMinutes(serviceMinutes: 50) == 30)
    }

    @Test func aCascadeIsReadOnlyWhenEnabledWithOpenSlots() {
        func cascade(_ wire: SchedulingV1.Cascading) -> Cascade? { CalendarSettings(SchedulingV1.Calendar(cascading: wire)).cascade }
        #expect(cascade(SchedulingV1.Cascading(enabled: true, initialOpenSlots: 3))
            == Cascade(strategy: .sequential, initialOpen: 3, premiumMultiplierBasisPoints: nil))
        #expect(cascade(SchedulingV1.Cascading(enabled: true, strategy: .batch, initialOpenSlots: 2, premiumMultiplierBasisPoints: 15_000))
            == Cascade(strategy: .batch, initialOpen: 2, premiumMultiplierBasisPoints: 15_000))
        #expect(cascade(SchedulingV1.Cascading(enabled: false, initialOpenSlots: 3)) == nil)
        #expect(cascade(SchedulingV1.Cascading(enabled: true, initialOpenSlots: 0)) == nil)
    }

    @Test func overridesAsTheEngineReadsThem() {
        #expect(DayOverride(SchedulingV1.DateOverride(date: "2026-11-26", type: .closed)) == .closed)
        #expect(DayOverride(SchedulingV1.DateOverride(date: "2026-11-26", type: .specialPricing, pricingMultiplierBasisPoints: 12_500)) == .pricing(12_500))
        let hours = SchedulingV1.DateOverride(date: "2026-11-26", type: .modifiedHours,
                                              hours: [CatalogV1.TimeRange(start: "09:30", end: "12:00"), CatalogV1.TimeRange(start: "13:00", end: "24:00")])
        #expect(DayOverride(hours) == .hours([570..<720, 780..<1440]))
        #expect(DayOverride(SchedulingV1.DateOverride(date: "2026-11-26")) == nil)
    }
}

private func hours(_ ranges: [(String, String)], day: CatalogV1.DayOfWeek = .monday) -> CatalogV1.DayHours {
    CatalogV1.DayHours(day: day, ranges: ranges.map { CatalogV1.TimeRange(start: $0.0, end: $0.1) })
}

struct CalendarCase: Sendable, CustomTestStringConvertible {
    let name: String
    let calendar: SchedulingV1.Calendar
    let expected: [String]
    var testDescription: String { name }
}

let calendarCases: [CalendarCase] = [
    CalendarCase(name: "defaults", calendar: SchedulingV1.Calendar(), expected: []),
    CalendarCase(name: "every bound at its limit", calendar: SchedulingV1.Calendar(
        slotDurationMinutes: 1440, slotIntervalMinutes: 5, preBufferMinutes: 1440, postBufferMinutes: 0, minAdvanceHours: 8760,
        maxAdvanceDays: 1095, cascading: SchedulingV1.Cascading(enabled: true, strategy: .batch, initialOpenSlots: 100,
                                                                premiumMultiplierBasisPoints: 100_000)), expected: []),
    CalendarCase(name: "slot duration too short", calendar: SchedulingV1.Calendar(slotDurationMinutes: 4),
                 expected: ["calendar.slot_duration_minutes not allowed"]),
    CalendarCase(name: "slot duration too long", calendar: SchedulingV1.Calendar(slotDurationMinutes: 1441),
                 expected: ["calendar.slot_duration_minutes not allowed"]),
    CalendarCase(name: "slot interval too short", calendar: SchedulingV1.Calendar(slotIntervalMinutes: 4),
                 expected: ["calendar.slot_interval_minutes not allowed"]),
    CalendarCase(name: "slot interval too long", calendar: SchedulingV1.Calendar(slotIntervalMinutes: 1441),
                 expected: ["calendar.slot_interval_minutes not allowed"]),
    CalendarCase(name: "buffers too long", calendar: SchedulingV1.Calendar(preBufferMinutes: 1441, postBufferMinutes: 1441),
                 expected: ["calendar.pre_buffer_minutes not allowed", "calendar.post_buffer_minutes not allowed"]),
    CalendarCase(name: "minimum advance beyond a year", calendar: SchedulingV1.Calendar(minAdvanceHours: 8761, maxAdvanceDays: 1095),
                 expected: ["calendar.min_advance_hours not allowed"]),
    CalendarCase(name: "maximum advance beyond three years", calendar: SchedulingV1.Calendar(maxAdvanceDays: 1096),
                 expected: ["calendar.max_advance_days not allowed"]),
    CalendarCase(name: "minimum reaching past the maximum", calendar: SchedulingV1.Calendar(minAdvanceHours: 49, maxAdvanceDays: 2),
                 expected: ["calendar.min_advance_hours conflict"]),
    CalendarCase(name: "minimum at the maximum", calendar: SchedulingV1.Calendar(minAdvanceHours: 48, maxAdvanceDays: 2), expected: []),
    CalendarCase(name: "minimum past the default 90 days", calendar: SchedulingV1.Calendar(minAdvanceHours: 2161),
                 expected: ["calendar.min_advance_hours conflict"]),
    CalendarCase(name: "minimum at the default 90 days", calendar: SchedulingV1.Calendar(minAdvanceHours: 2160), expected: []),
    CalendarCase(name: "an enabled cascade opens a slot", calendar: SchedulingV1.Calendar(cascading: SchedulingV1.Cascading(enabled: true)),
                 expected: ["calendar.cascading.initial_open_slots not allowed"]),
    CalendarCase(name: "an enabled cascade opens at most 100",
                 calendar: SchedulingV1.Calendar(cascading: SchedulingV1.Cascading(enabled: true, initialOpenSlots: 101)),
                 expected: ["calendar.cascading.initial_open_slots not allowed"]),
    CalendarCase(name: "a disabled cascade may keep its settings",
                 calendar: SchedulingV1.Calendar(cascading: SchedulingV1.Cascading(enabled: false, initialOpenSlots: 0)), expected: []),
    CalendarCase(name: "a disabled cascade still at most 100",
                 calendar: SchedulingV1.Calendar(cascading: SchedulingV1.Cascading(enabled: false, initialOpenSlots: 101)),
                 expected: ["calendar.cascading.initial_open_slots not allowed"]),
    CalendarCase(name: "an unknown strategy",
                 calendar: SchedulingV1.Calendar(cascading: SchedulingV1.Cascading(enabled: true, strategy: .unrecognized(7), initialOpenSlots: 2)),
                 expected: ["calendar.cascading.strategy unknown"]),
    CalendarCase(name: "a premium below 1x",
                 calendar: SchedulingV1.Calendar(cascading: SchedulingV1.Cascading(enabled: true, initialOpenSlots: 2, premiumMultiplierBasisPoints: 9_999)),
                 expected: ["calendar.cascading.premium_multiplier_basis_points not allowed"]),
    CalendarCase(name: "a premium above 10x",
                 calendar: SchedulingV1.Calendar(cascading: SchedulingV1.Cascading(enabled: true, initialOpenSlots: 2, premiumMultiplierBasisPoints: 100_001)),
                 expected: ["calendar.cascading.premium_multiplier_basis_points not allowed"]),
    CalendarCase(name: "a range ending before it starts",
                 calendar: SchedulingV1.Calendar(weeklySchedule: CatalogV1.WeeklyHours(days: [hours([("12:00", "10:00")])])),
                 expected: ["calendar.weekly_schedule.days[0].ranges[0].end not allowed"]),
    CalendarCase(name: "overlapping ranges",
                 calendar: SchedulingV1.Calendar(weeklySchedule: CatalogV1.WeeklyHours(days: [hours([("09:00", "12:00"), ("11:00", "14:00")])])),
                 expected: ["calendar.weekly_schedule.days[0].ranges[1] conflict"]),
    CalendarCase(name: "malformed times and a repeated day",
                 calendar: SchedulingV1.Calendar(weeklySchedule: CatalogV1.WeeklyHours(days: [
                     hours([("09:00", "17:00")]), hours([("9:00", "24:01")], day: .monday),
                 ])),
                 expected: ["calendar.weekly_schedule.days[1].day conflict", "calendar.weekly_schedule.days[1].ranges[0].start malformed",
                            "calendar.weekly_schedule.days[1].ranges[0].end malformed"]),
    CalendarCase(name: "a day that is not a weekday",
                 calendar: SchedulingV1.Calendar(weeklySchedule: CatalogV1.WeeklyHours(days: [hours([("09:00", "17:00")], day: .unspecified)])),
                 expected: ["calendar.weekly_schedule.days[0].day required"]),
]

struct OverrideCase: Sendable, CustomTestStringConvertible {
    let name: String
    let override: SchedulingV1.DateOverride
    let expected: [String]
    var testDescription: String { name }
}

let overrideCases: [OverrideCase] = [
    OverrideCase(name: "closed", override: SchedulingV1.DateOverride(date: "2026-11-26", type: .closed), expected: []),
    OverrideCase(name: "the leap day", override: SchedulingV1.DateOverride(date: "2028-02-29", type: .closed), expected: []),
    OverrideCase(name: "no date", override: SchedulingV1.DateOverride(type: .closed), expected: ["date_override.date required"]),
    OverrideCase(name: "a day that does not exist", override: SchedulingV1.DateOverride(date: "2027-02-29", type: .closed),
                 expected: ["date_override.date malformed"]),
    OverrideCase(name: "not a date", override: SchedulingV1.DateOverride(date: "26/11/2026", type: .closed), expected: ["date_override.date malformed"]),
    OverrideCase(name: "no type", override: SchedulingV1.DateOverride(date: "2026-11-26"), expected: ["date_override.type required"]),
    OverrideCase(name: "an unknown type", override: SchedulingV1.DateOverride(date: "2026-11-26", type: .unrecognized(9)),
                 expected: ["date_override.type unknown"]),
    OverrideCase(name: "modified hours", override: SchedulingV1.DateOverride(
        date: "2026-11-26", type: .modifiedHours, hours: [CatalogV1.TimeRange(start: "10:00", end: "12:00"), CatalogV1.TimeRange(start: "13:00", end: "24:00")]),
                 expected: []),
    OverrideCase(name: "modified hours without hours", override: SchedulingV1.DateOverride(date: "2026-11-26", type: .modifiedHours),
                 expected: ["date_override.hours required"]),
    OverrideCase(name: "modified hours ending before they start", override: SchedulingV1.DateOverride(
        date: "2026-11-26", type: .modifiedHours, hours: [CatalogV1.TimeRange(start: "12:00", end: "10:00")]),
                 expected: ["date_override.hours[0].end not allowed"]),
    OverrideCase(name: "modified hours overlapping", override: SchedulingV1.DateOverride(
        date: "2026-11-26", type: .modifiedHours, hours: [CatalogV1.TimeRange(start: "09:00", end: "12:00"), CatalogV1.TimeRange(start: "11:30", end: "13:00")]),
                 expected: ["date_override.hours[1] conflict"]),
    OverrideCase(name: "modified hours malformed", override: SchedulingV1.DateOverride(
        date: "2026-11-26", type: .modifiedHours, hours: [CatalogV1.TimeRange(start: "25:00", end: "26:00")]),
                 expected: ["date_override.hours[0].start malformed", "date_override.hours[0].end malformed"]),
    OverrideCase(name: "hours on a closed day", override: SchedulingV1.DateOverride(
        date: "2026-11-26", type: .closed, hours: [CatalogV1.TimeRange(start: "09:00", end: "12:00")]),
                 expected: ["date_override.hours not allowed"]),
    OverrideCase(name: "special pricing", override: SchedulingV1.DateOverride(date: "2026-11-26", type: .specialPricing, pricingMultiplierBasisPoints: 12_500),
                 expected: []),
    OverrideCase(name: "special pricing without a multiplier", override: SchedulingV1.DateOverride(date: "2026-11-26", type: .specialPricing),
                 expected: ["date_override.pricing_multiplier_basis_points not allowed"]),
    OverrideCase(name: "special pricing above 10x", override: SchedulingV1.DateOverride(
        date: "2026-11-26", type: .specialPricing, pricingMultiplierBasisPoints: 100_001),
                 expected: ["date_override.pricing_multiplier_basis_points not allowed"]),
    OverrideCase(name: "a multiplier on a closed day", override: SchedulingV1.DateOverride(
        date: "2026-11-26", type: .closed, pricingMultiplierBasisPoints: 12_500),
                 expected: ["date_override.pricing_multiplier_basis_points not allowed"]),
    OverrideCase(name: "a reason too long", override: SchedulingV1.DateOverride(
        date: "2026-11-26", type: .closed, reason: String(repeating: "x", count: 501)),
                 expected: ["date_override.reason too long"]),
    OverrideCase(name: "a reason at its limit", override: SchedulingV1.DateOverride(
        date: "2026-11-26", type: .closed, reason: String(repeating: "x", count: 500)), expected: []),
]

struct BlockedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let blocked: SchedulingV1.BlockedTime
    let expected: [String]
    var testDescription: String { name }
}

let blockStart = Date(timeIntervalSince1970: TimeInterval(instant("2026-11-26T14:00:00Z")))

let blockedCases: [BlockedCase] = [
    BlockedCase(name: "an hour off", blocked: SchedulingV1.BlockedTime(startTime: blockStart, endTime: blockStart + 3600, type: .timeOff), expected: []),
    BlockedCase(name: "366 days of maintenance",
                blocked: SchedulingV1.BlockedTime(startTime: blockStart, endTime: blockStart + 366 * 86_400, type: .maintenance), expected: []),
    BlockedCase(name: "a second longer than 366 days",
                blocked: SchedulingV1.BlockedTime(startTime: blockStart, endTime: blockStart + 366 * 86_400 + 1, type: .maintenance),
                expected: ["blocked_time.end_time not allowed"]),
    BlockedCase(name: "no start", blocked: SchedulingV1.BlockedTime(endTime: blockStart, type: .unavailable), expected: ["blocked_time.start_time required"]),
    BlockedCase(name: "no end", blocked: SchedulingV1.BlockedTime(startTime: blockStart, type: .unavailable), expected: ["blocked_time.end_time required"]),
    BlockedCase(name: "no times", blocked: SchedulingV1.BlockedTime(type: .unavailable),
                expected: ["blocked_time.start_time required", "blocked_time.end_time required"]),
    BlockedCase(name: "ending as it starts", blocked: SchedulingV1.BlockedTime(startTime: blockStart, endTime: blockStart, type: .timeOff),
                expected: ["blocked_time.end_time not allowed"]),
    BlockedCase(name: "ending before it starts", blocked: SchedulingV1.BlockedTime(startTime: blockStart, endTime: blockStart - 1, type: .timeOff),
                expected: ["blocked_time.end_time not allowed"]),
    BlockedCase(name: "no type", blocked: SchedulingV1.BlockedTime(startTime: blockStart, endTime: blockStart + 60), expected: ["blocked_time.type required"]),
    BlockedCase(name: "an unknown type", blocked: SchedulingV1.BlockedTime(startTime: blockStart, endTime: blockStart + 60, type: .unrecognized(4)),
                expected: ["blocked_time.type unknown"]),
    BlockedCase(name: "a reason too long",
                blocked: SchedulingV1.BlockedTime(startTime: blockStart, endTime: blockStart + 60, type: .timeOff, reason: String(repeating: "é", count: 501)),
                expected: ["blocked_time.reason too long"]),
    BlockedCase(name: "a control character in the reason",
                blocked: SchedulingV1.BlockedTime(startTime: blockStart, endTime: blockStart + 60, type: .timeOff, reason: "off\u{0007}"),
                expected: ["blocked_time.reason not allowed"]),
]

