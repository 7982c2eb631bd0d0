public import BizingAPI
public import ContextKit
import Foundation
import Identity

/// The rules a service template keeps on its own (paths within the template).
public enum ServiceTemplateRules {
    public static let maximumRequirements = 10

    public static func violations(_ template: CatalogV1.ServiceTemplate, context: RuleContext) -> [InvalidField] {
        var found: [InvalidField] = []
        FieldRules.id(template.locationId, "location_id", required: false, into: &found)
        FieldRules.name(template.name, "name", into: &found)
        FieldRules.text(template.description, "description", into: &found)
        FieldRules.slug(template.slug, "slug", into: &found)
        if !template.category.isEmpty { FieldRules.label(template.category, "category", into: &found) }
        FieldRules.labels(template.tags, "tags", into: &found)
        FieldRules.known(template.type, "type", required: true, into: &found)
        FieldRules.known(template.status, "status", into: &found)
        durationViolations(template.duration, type: template.type, into: &found)
        requirementViolations(template.requiredBookables, "required_bookables", into: &found)
        requirementViolations(template.optionalBookables, "optional_bookables", into: &found)
        capacityViolations(template.capacity, type: template.type, into: &found)
        pricingViolations(template.pricing, context: context, into: &found)
        if let terms = template.cancellation { cancellationViolations(terms, into: &found) }
        depositViolations(template.deposit, context: context, into: &found)
        includedProductViolations(template.includedProducts, into: &found)
        reservationViolations(template.reservation, deposit: template.deposit, into: &found)
        return found
    }

    static func durationViolations(_ duration: CatalogV1.ServiceDuration?, type: CatalogV1.ServiceType, into found: inout [InvalidField]) {
        guard let duration else {
            found.append(InvalidField(field: "duration", rule: .required, description: "is required"))
            return
        }
        FieldRules.known(duration.type, "duration.type", required: true, into: &found)
        switch duration.type {
        case .fixed:
            FieldRules.within(duration.fixedMinutes, 1...1440, "duration.fixed_minutes", unit: "minutes", into: &found)
        case .variable:
            if duration.minMinutes == 0 {
                found.append(InvalidField(field: "duration.min_minutes", rule: .notAllowed, description: "must be more than 0"))
            }
            if duration.maxMinutes > 1440 {
                found.append(InvalidField(field: "duration.max_minutes", rule: .notAllowed, description: "must be at most 1440 minutes"))
            } else if duration.maxMinutes < duration.minMinutes {
                found.append(InvalidField(field: "duration.max_minutes", rule: .notAllowed, description: "must be at least min_minutes"))
            }
            if duration.intervalMinutes == 0 {
                found.append(InvalidField(field: "duration.interval_minutes", rule: .required, description: "must be more than 0"))
            } else if duration.maxMinutes >= duration.minMinutes, (duration.maxMinutes - duration.minMinutes) % duration.intervalMinutes != 0 {
                found.append(InvalidField(field: "duration.interval_minutes", rule: .notAllowed,
                                          description: "must divide max_minutes - min_minutes (\(duration.maxMinutes - duration.minMinutes))"))
            }
        case .multiDay:
            if duration.minNights < 1 {
                found.append(InvalidField(field: "duration.min_nights", rule: .notAllowed, description: "must be at least 1"))
            }
            if duration.maxNights > 365 {
                found.append(InvalidField(field: "duration.max_nights", rule: .notAllowed, description: "must be at most 365"))
            } else if duration.maxNights < duration.minNights {
                found.append(InvalidField(field: "duration.max_nights", rule: .notAllowed, description: "must be at least min_nights"))
            }
        case .unspecified, .unrecognized:
            break
        }
        if (type == .multiDay) != (duration.type == .multiDay), type != .unspecified, duration.type != .unspecified {
            found.append(InvalidField(field: "duration.type", rule: .conflict, description: "a multi-day service has a multi-day duration, and only it"))
        }
        FieldRules.within(duration.preBufferMinutes, 0...1440, "duration.pre_buffer_minutes", unit: "minutes", into: &found)
        FieldRules.within(duration.postBufferMinutes, 0...1440, "duration.post_buffer_minutes", unit: "minutes", into: &found)
    }

    static func requirementViolations(_ requirements: [CatalogV1.BookableRequirement], _ field: String, into found: inout [InvalidField]) {
        if requirements.count > maximumRequirements {
            found.append(InvalidField(field: field, rule: .tooLong, description: "must have at most \(maximumRequirements) entries"))
            return
        }
        for (index, requirement) in requirements.enumerated() {
            let path = "\(field)[\(index)]"
            FieldRules.known(requirement.kind, "\(path).kind", required: true, into: &found)
            FieldRules.known(requirement.role, "\(path).role", into: &found)
            FieldRules.within(requirement.count, 1...20, "\(path).count", into: &found)
            if FieldRules.id(requirement.bookableId, "\(path).bookable_id", required: false, into: &found) != nil {
                if requirement.count != 1 {
                    found.append(InvalidField(field: "\(path).count", rule: .conflict, description: "must be 1 when bookable_id names one bookable"))
                }
                if requirement.criteria != nil {
                    found.append(InvalidField(field: "\(path).criteria", rule: .conflict, description: "must be absent when bookable_id names one bookable"))
                }
            }
            if let criteria = requirement.criteria {
                FieldRules.labels(criteria.categories, "\(path).criteria.categories", into: &found)
                FieldRules.labels(criteria.tags, "\(path).criteria.tags", into: &found)
                if let rating = criteria.minRating {
                    if !rating.isFinite || !(0...5).contains(rating) {
                        found.append(InvalidField(field: "\(path).criteria.min_rating", rule: .notAllowed, description: "must be 0.0 to 5.0"))
                    } else if requirement.kind != .provider && requirement.kind != .companyProvider {
                        found.append(InvalidField(field: "\(path).criteria.min_rating", rule: .notAllowed, description: "only providers are rated"))
                    }
                }
            }
        }
    }

    static func capacityViolations(_ capacity: CatalogV1.Capacity?, type: CatalogV1.ServiceType, into found: inout [InvalidField]) {
        let kind = capacity?.type ?? .individual
        if let capacity { FieldRules.known(capacity.type, "capacity.type", into: &found) }
        if kind == .group {
            guard let group = capacity?.group else {
                found.append(InvalidField(field: "capacity.group", rule: .required, description: "is required for a group"))
                return
            }
            FieldRules.within(group.minParticipants, 1...10_000, "capacity.group.min_participants", into: &found)
            FieldRules.within(group.maxParticipants, 1...10_000, "capacity.group.max_participants", into: &found)
            if group.maxParticipants < group.minParticipants {
                found.append(InvalidField(field: "capacity.group.max_participants", rule: .notAllowed, description: "must be at least min_participants"))
            }
        } else if capacity?.group != nil {
            found.append(InvalidField(field: "capacity.group", rule: .notAllowed, description: "is only for a group"))
        }
        if type == .class && kind != .group {
            found.append(InvalidField(field: "capacity.type", rule: .conflict, description: "must be CAPACITY_TYPE_GROUP: a class has seats"))
        }
    }

    static func pricingViolations(_ pricing: CatalogV1.Pricing?, context: RuleContext, into found: inout [InvalidField]) {
        guard let pricing else {
            found.append(InvalidField(field: "pricing", rule: .required, description: "is required"))
            return
        }
        FieldRules.money(pricing.basePrice, "pricing.base_price", currency: context.currency, required: true, into: &found)
        FieldRules.money(pricing.hourlyRate, "pricing.hourly_rate", currency: context.currency, required: false, into: &found)
        if pricing.timeMultipliers.count > 20 {
            found.append(InvalidField(field: "pricing.time_multipliers", rule: .tooLong, description: "must have at most 20 entries"))
        }
        for (index, multiplier) in pricing.timeMultipliers.prefix(20).enumerated() {
            let path = "pricing.time_multipliers[\(index)]"
            if let range = multiplier.timeRange {
                _ = WeeklyHours.parseRange(range, field: "\(path).time_range", found: &found)
            } else {
                found.append(InvalidField(field: "\(path).time_range", rule: .required, description: "is required"))
            }
            if multiplier.days.isEmpty {
                found.append(InvalidField(field: "\(path).days", rule: .required, description: "must name at least one day"))
            }
            for (dayIndex, day) in multiplier.days.enumerated() {
                FieldRules.known(day, "\(path).days[\(dayIndex)]", required: true, into: &found)
            }
            FieldRules.within(multiplier.multiplierBasisPoints, 1...100_000, "\(path).multiplier_basis_points", into: &found)
        }
        if pricing.holidayMultiplierBasisPoints != 0 {
            FieldRules.within(pricing.holidayMultiplierBasisPoints, 1...100_000, "pricing.holiday_multiplier_basis_points", into: &found)
        }
    }

    static func cancellationViolations(_ terms: CatalogV1.CancellationTerms, into found: inout [InvalidField]) {
        if let policy = terms.policy {
            do throws(ValidationFailure) { _ = try CancellationPolicy.validated(policy, field: "cancellation.policy") } catch { found += error.violations }
        }
        if terms.providerCompensation.count > 10 {
            found.append(InvalidField(field: "cancellation.provider_compensation", rule: .tooLong, description: "must have at most 10 entries"))
        }
        for (index, rule) in terms.providerCompensation.prefix(10).enumerated() {
            let path = "cancellation.provider_compensation[\(index)]"
            FieldRules.known(rule.when, "\(path).when", required: true, into: &found)
            FieldRules.within(rule.noticeHours, 0...8760, "\(path).notice_hours", unit: "hours", into: &found)
            FieldRules.within(rule.compensationPercent, 0...100, "\(path).compensation_percent", into: &found)
        }
        FieldRules.within(terms.noShowProviderCompensationPercent, 0...100, "cancellation.no_show_provider_compensation_percent", into: &found)
    }

    static func depositViolations(_ deposit: CatalogV1.Deposit?, context: RuleContext, into found: inout [InvalidField]) {
        guard let deposit else { return }
        let hasAmount = deposit.amount != nil
        if !deposit.required {
            if hasAmount || deposit.percent != 0 {
                found.append(InvalidField(field: "deposit.required", rule: .conflict, description: "must be true when an amount or a percent is given"))
            }
            return
        }
        switch (hasAmount, deposit.percent != 0) {
        case (true, true):
            found.append(InvalidField(field: "deposit", rule: .conflict, description: "give either an amount or a percent, not both"))
        case (false, false):
            found.append(InvalidField(field: "deposit", rule: .required, description: "a required deposit needs an amount or a percent"))
        case (true, false):
            FieldRules.money(deposit.amount, "deposit.amount", currency: context.currency, required: true, into: &found)
            if let amount = deposit.amount, amount.amountMinor == 0 {
                found.append(InvalidField(field: "deposit.amount.amount_minor", rule: .notAllowed, description: "must be more than 0"))
            }
        case (false, true):
            FieldRules.within(deposit.percent, 1...100, "deposit.percent", into: &found)
        }
    }

    static func includedProductViolations(_ products: [CatalogV1.IncludedProduct], into found: inout [InvalidField]) {
        if products.count > 50 {
            found.append(InvalidField(field: "included_products", rule: .tooLong, description: "must have at most 50 entries"))
            return
        }
        var seen: Set<UUID> = []
        for (index, product) in products.enumerated() {
            let path = "included_products[\(index)]"
            if let id = FieldRules.id(product.productId, "\(path).product_id", required: true, into: &found), !seen.insert(id).inserted {
                found.append(InvalidField(field: "\(path).product_id", rule: .conflict, description: "is listed twice"))
            }
            FieldRules.within(product.quantity, 1...1000, "\(path).quantity", into: &found)
            FieldRules.known(product.timing, "\(path).timing", into: &found)
        }
    }

    static func reservationViolations(_ reservation: CatalogV1.ReservationSettings?, deposit: CatalogV1.Deposit?, into found: inout [InvalidField]) {
        guard let reservation, reservation.enabled else {
            if reservation?.requireDeposit == true {
                found.append(InvalidField(field: "reservation.require_deposit", rule: .conflict, description: "needs reservation.enabled"))
            }
            return
        }
        FieldRules.within(reservation.holdMinutes, 1...1440, "reservation.hold_minutes", unit: "minutes", into: &found)
        if reservation.maxHoldMinutes != 0, reservation.maxHoldMinutes < reservation.holdMinutes || reservation.maxHoldMinutes > 10_080 {
            found.append(InvalidField(field: "reservation.max_hold_minutes", rule: .notAllowed, description: "must be 0, or hold_minutes to 10080"))
        }
        if reservation.requireDeposit && deposit?.required != true {
            found.append(InvalidField(field: "reservation.require_deposit", rule: .conflict, description: "needs a required deposit"))
        }
    }
}

/// draft -> active <-> paused, and any -> archived (final).
public enum ServiceTemplateLifecycle {
    public static func allows(from current: CatalogV1.ServiceTemplateStatus, to next: CatalogV1.ServiceTemplateStatus) -> Bool {
        switch (current, next) {
        case (.draft, .active), (.active, .paused), (.paused, .active), (.draft, .archived), (.active, .archived), (.paused, .archived):
            true
        default:
            false
        }
    }

    /// What keeps a template from being activated: it must name what it books.
    public static func activationViolations(_ template: CatalogV1.ServiceTemplate) -> [InvalidField] {
        template.requiredBookables.isEmpty
            ? [InvalidField(field: "required_bookables", rule: .required, description: "an active template needs at least one required bookable")]
            : []
    }
}
