public import BizingAPI
public import Catalog
public import ContextKit
import Foundation

/// A calendar's settings as the engine uses them (from a validated
/// `SchedulingV1.Calendar`; absent values are the documented defaults).
public struct CalendarSettings: Hashable, Sendable {
    /// nil: the location's operating hours.
    public let weekly: WeeklyHours?
    public let slotDurationMinutes: Int
    public let slotIntervalMinutes: Int
    public let preBufferMinutes: Int
    public let postBufferMinutes: Int
    public let minAdvanceHours: Int
    public let maxAdvanceDays: Int
    public let cascade: Cascade?

    public static let defaultMaxAdvanceDays = 90

    public init(_ wire: SchedulingV1.Calendar) {
        weekly = wire.weeklySchedule.map { WeeklyHours.parse($0, field: "weekly_schedule").0 }
        slotDurationMinutes = Int(wire.slotDurationMinutes)
        slotIntervalMinutes = Int(wire.slotIntervalMinutes)
        preBufferMinutes = Int(wire.preBufferMinutes)
        postBufferMinutes = Int(wire.postBufferMinutes)
        minAdvanceHours = Int(wire.minAdvanceHours)
        maxAdvanceDays = wire.maxAdvanceDays == 0 ? Self.defaultMaxAdvanceDays : Int(wire.maxAdvanceDays)
        if let cascading = wire.cascading, cascading.enabled, cascading.initialOpenSlots > 0 {
            cascade = Cascade(strategy: cascading.strategy == .batch ? .batch : .sequential, initialOpen: Int(cascading.initialOpenSlots),
                              premiumMultiplierBasisPoints: cascading.premiumMultiplierBasisPoints == 0 ? nil : Int(cascading.premiumMultiplierBasisPoints))
        } else {
            cascade = nil
        }
    }

    /// Minutes between starts for a service of `serviceMinutes`.
    public func stepMinutes(serviceMinutes: Int) -> Int {
        max(1, slotIntervalMinutes > 0 ? slotIntervalMinutes : slotDurationMinutes > 0 ? slotDurationMinutes : serviceMinutes)
    }

    /// The length of one slot of the grid (what a cascade counts as filled).
    public func slotMinutes(serviceMinutes: Int) -> Int {
        max(1, slotDurationMinutes > 0 ? slotDurationMinutes : serviceMinutes)
    }
}

/// A date override as the engine uses it.
public enum DayOverride: Hashable, Sendable {
    case closed
    case hours([Range<Int>])
    /// The usual hours, at a multiplier (basis points).
    case pricing(Int)

    public init?(_ wire: SchedulingV1.DateOverride) {
        switch wire.type {
        case .closed: self = .closed
        case .modifiedHours:
            var ignored: [InvalidField] = []
            self = .hours(wire.hours.enumerated().compactMap { WeeklyHours.parseRange($0.element, field: "hours[\($0.offset)]", found: &ignored) })
        case .specialPricing: self = .pricing(Int(wire.pricingMultiplierBasisPoints))
        default: return nil
        }
    }
}

/// What a calendar's settings, overrides and blocked times must be.
public enum CalendarRules {
    /// The settings an update mask may name.
    public static let maskable = [
        "weekly_schedule", "slot_duration_minutes", "slot_interval_minutes", "pre_buffer_minutes", "post_buffer_minutes",
        "min_advance_hours", "max_advance_days", "cascading",
    ]

    /// Every problem with a calendar's settings (paths under `field`).
    public static func violations(of calendar: SchedulingV1.Calendar, field: String = "calendar") -> [InvalidField] {
        var found: [InvalidField] = []
        if let weekly = calendar.weeklySchedule {
            found += WeeklyHours.parse(weekly, field: "\(field).weekly_schedule").1
        }
        if calendar.slotDurationMinutes != 0 {
            FieldRules.within(calendar.slotDurationMinutes, 5...1440, "\(field).slot_duration_minutes", unit: "minutes (0: the service's length)", into: &found)
        }
        if calendar.slotIntervalMinutes != 0 {
            FieldRules.within(calendar.slotIntervalMinutes, 5...1440, "\(field).slot_interval_minutes", unit: "minutes (0: the slot duration)", into: &found)
        }
        FieldRules.within(calendar.preBufferMinutes, 0...1440, "\(field).pre_buffer_minutes", unit: "minutes", into: &found)
        FieldRules.within(calendar.postBufferMinutes, 0...1440, "\(field).post_buffer_minutes", unit: "minutes", into: &found)
        FieldRules.within(calendar.minAdvanceHours, 0...8760, "\(field).min_advance_hours", unit: "hours", into: &found)
        if calendar.maxAdvanceDays != 0 {
            FieldRules.within(calendar.maxAdvanceDays, 1...1095, "\(field).max_advance_days", unit: "days (0: 90)", into: &found)
            if Int(calendar.minAdvanceHours) > Int(calendar.maxAdvanceDays) * 24 {
                found.append(InvalidField(field: "\(field).min_advance_hours", rule: .conflict,
                                          description: "must not reach past max_advance_days, or nothing could be booked"))
            }
        } else if Int(calendar.minAdvanceHours) > CalendarSettings.defaultMaxAdvanceDays * 24 {
            found.append(InvalidField(field: "\(field).min_advance_hours", rule: .conflict,
                                      description: "must not reach past the default maximum advance of 90 days; set max_advance_days"))
        }
        if let cascading = calendar.cascading {
            let path = "\(field).cascading"
            FieldRules.known(cascading.strategy, "\(path).strategy", into: &found)
            if cascading.enabled {
                FieldRules.within(cascading.initialOpenSlots, 1...100, "\(path).initial_open_slots", unit: "slots", into: &found)
            } else if cascading.initialOpenSlots > 100 {
                FieldRules.within(cascading.initialOpenSlots, 0...100, "\(path).initial_open_slots", unit: "slots", into: &found)
            }
            if cascading.premiumMultiplierBasisPoints != 0 {
                FieldRules.within(cascading.premiumMultiplierBasisPoints, 10_000...100_000, "\(path).premium_multiplier_basis_points",
                                  unit: "basis points (10000 = 1x; 0: premium slots not offered)", into: &found)
            }
        }
        return found
    }

    /// What is wrong with a date field, if anything: missing, not
    /// YYYY-MM-DD, or no such day (2026-02-30).
    public static func date(_ text: String, field: String) -> [InvalidField] {
        guard CalendarDate(text) == nil else { return [] }
        if text.isEmpty { return [InvalidField(field: field, rule: .required, description: "is required: a date YYYY-MM-DD")] }
        let shaped = text.utf8.count == 10 && text.utf8.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (0x30...0x39).contains(byte)
        }
        return [InvalidField(field: field, rule: .malformed,
                             description: shaped ? "is not a day of the calendar (years 1900 to 2999)" : "must be a date YYYY-MM-DD")]
    }

    /// Every problem with a date override (paths under `field`).
    public static func violations(of override: SchedulingV1.DateOverride, field: String = "date_override") -> [InvalidField] {
        var found: [InvalidField] = []
        found += date(override.date, field: "\(field).date")
        FieldRules.known(override.type, "\(field).type", required: true, into: &found)
        FieldRules.text(override.reason, "\(field).reason", maximum: 500, into: &found)
        switch override.type {
        case .modifiedHours:
            if override.hours.isEmpty {
                found.append(InvalidField(field: "\(field).hours", rule: .required,
                                          description: "is required for a MODIFIED_HOURS override: at least one range (to close the day, use type CLOSED)"))
            }
            let day = CatalogV1.WeeklyHours(days: [CatalogV1.DayHours(day: .monday, ranges: override.hours)])
            found += WeeklyHours.parse(day, field: field).1.map {
                InvalidField(field: $0.field.replacingOccurrences(of: "\(field).days[0].ranges", with: "\(field).hours"), rule: $0.rule,
                             description: $0.description.replacingOccurrences(of: "ranges[", with: "hours["))
            }
        default:
            if !override.hours.isEmpty {
                found.append(InvalidField(field: "\(field).hours", rule: .notAllowed, description: "only a MODIFIED_HOURS override has hours"))
            }
        }
        if override.type == .specialPricing {
            FieldRules.within(override.pricingMultiplierBasisPoints, 1...100_000, "\(field).pricing_multiplier_basis_points",
                              unit: "basis points (10000 = 1x)", into: &found)
        } else if override.pricingMultiplierBasisPoints != 0 {
            found.append(InvalidField(field: "\(field).pricing_multiplier_basis_points", rule: .notAllowed,
                                      description: "only a SPECIAL_PRICING override has a multiplier"))
        }
        return found
    }

    /// The longest span one blocked time may cover.
    public static let longestBlock: Int64 = 366 * 86_400

    /// Every problem with a blocked time (paths under `field`).
    public static func violations(of blocked: SchedulingV1.BlockedTime, field: String = "blocked_time") -> [InvalidField] {
        var found: [InvalidField] = []
        if blocked.startTime == nil { found.append(InvalidField(field: "\(field).start_time", rule: .required, description: "is required")) }
        if blocked.endTime == nil { found.append(InvalidField(field: "\(field).end_time", rule: .required, description: "is required")) }
        if let start = blocked.startTime, let end = blocked.endTime {
            if end <= start {
                found.append(InvalidField(field: "\(field).end_time", rule: .notAllowed, description: "must be after start_time"))
            } else if end.timeIntervalSince(start) > Double(longestBlock) {
                found.append(InvalidField(field: "\(field).end_time", rule: .notAllowed, description: "must be at most 366 days after start_time"))
            }
        }
        FieldRules.known(blocked.type, "\(field).type", required: true, into: &found)
        FieldRules.text(blocked.reason, "\(field).reason", maximum: 500, into: &found)
        return found
    }
}

extension SchedulingV1.CascadeStrategy: CatalogEnum {}
extension SchedulingV1.OverrideType: CatalogEnum {}
extension SchedulingV1.BlockedTimeType: CatalogEnum {}
extension SchedulingV1.ConflictKind: CatalogEnum {}
