import BizingAPI
@testable import Catalog
import ContextKit
import Testing

private func violations(_ template: CatalogV1.ServiceTemplate) -> [InvalidField] {
    ServiceTemplateRules.violations(template, context: Fixture.context)
}

/// The baseline template with `change` applied.
private func template(_ change: (inout CatalogV1.ServiceTemplate) -> Void) -> CatalogV1.ServiceTemplate {
    var template = Fixture.template()
    change(&template)
    return template
}

@Suite struct ServiceTemplateRulesTests {
    // MARK: Baselines and own fields

    @Test func validTemplatesHaveNoViolations() {
        #expect(violations(Fixture.template()) == [])
        #expect(violations(Fixture.classTemplate()) == [])
        #expect(violations(template {
            $0.type = .multiDay
            $0.duration = CatalogV1.ServiceDuration(type: .multiDay, minNights: 1, maxNights: 7)
        }) == [])
        #expect(violations(template {
            $0.type = .rental
            $0.duration = CatalogV1.ServiceDuration(type: .variable, minMinutes: 30, maxMinutes: 240, intervalMinutes: 30)
        }) == [])
    }

    @Test func minimalTemplateIsValid() {
        let minimal = CatalogV1.ServiceTemplate(name: "Consult", slug: "consult", type: .appointment,
                                                duration: Fixture.fixedDuration(30), pricing: CatalogV1.Pricing(basePrice: Fixture.usd(0)))
        #expect(violations(minimal) == [])
    }

    @Test func ownFieldsAreChecked() {
        let found = violations(template {
            $0.locationId = "nowhere"
            $0.name = ""
            $0.slug = "Massage"
            $0.category = "a b"
            $0.tags = (0...30).map { "t\($0)" }
            $0.type = .unspecified
            $0.status = .unrecognized(8)
        })
        #expect(found.fields == ["location_id", "name", "slug", "category", "tags", "type", "status"])
        #expect(found.map(\.rule) == [.malformed, .required, .malformed, .malformed, .tooLong, .required, .unknown])
    }

    // MARK: Duration

    @Test func durationIsRequired() {
        let found = violations(template { $0.duration = nil })
        #expect(found.fields == ["duration"])
        #expect(found.first?.rule == .required)
        #expect(violations(template { $0.duration?.type = .unspecified }).fields == ["duration.type"])
    }

    @Test(arguments: [(UInt32(1), true), (1440, true), (0, false), (1441, false)])
    func fixedDurationNeedsMinutes(minutes: UInt32, valid: Bool) {
        let found = violations(template { $0.duration = CatalogV1.ServiceDuration(type: .fixed, fixedMinutes: minutes) })
        #expect(found.fields == (valid ? [] : ["duration.fixed_minutes"]))
    }

    @Test(arguments: [
        (UInt32(30), UInt32(90), UInt32(15), [String]()),
        (30, 30, 15, []),
        (30, 1440, 1410, []),
        (0, 60, 15, ["duration.min_minutes"]),
        (60, 30, 15, ["duration.max_minutes"]),
        (30, 1441, 1, ["duration.max_minutes"]),
        (30, 90, 0, ["duration.interval_minutes"]),
        (30, 90, 25, ["duration.interval_minutes"]),
        (0, 0, 0, ["duration.min_minutes", "duration.interval_minutes"]),
    ])
    func variableDuration(min: UInt32, max: UInt32, interval: UInt32, fields: [String]) {
        let found = violations(template {
            $0.duration = CatalogV1.ServiceDuration(type: .variable, minMinutes: min, maxMinutes: max, intervalMinutes: interval)
        })
        #expect(found.fields == fields)
    }

    @Test func intervalThatDoesNotDivideTheSpanSaysSo() {
        let found = violations(template {
            $0.duration = CatalogV1.ServiceDuration(type: .variable, minMinutes: 30, maxMinutes: 90, intervalMinutes: 25)
        })
        #expect(found.first?.rule == .notAllowed)
        #expect(found.first?.description == "must divide max_minutes - min_minutes (60)")
    }

    @Test(arguments: [
        (UInt32(1), UInt32(1), [String]()), (2, 365, []),
        (0, 3, ["duration.min_nights"]), (3, 2, ["duration.max_nights"]), (1, 366, ["duration.max_nights"]),
        (0, 0, ["duration.min_nights"]),
    ])
    func multiDayDuration(minNights: UInt32, maxNights: UInt32, fields: [String]) {
        let found = violations(template {
            $0.type = .multiDay
            $0.duration = CatalogV1.ServiceDuration(type: .multiDay, minNights: minNights, maxNights: maxNights)
        })
        #expect(found.fields == fields)
    }

    @Test func multiDayTypeNeedsAMultiDayDurationAndOnlyIt() {
        let fixedStay = violations(template { $0.type = .multiDay })
        #expect(fixedStay.fields == ["duration.type"])
        #expect(fixedStay.first?.rule == .conflict)
        let multiDayAppointment = violations(template {
            $0.duration = CatalogV1.ServiceDuration(type: .multiDay, minNights: 1, maxNights: 2)
        })
        #expect(multiDayAppointment.fields == ["duration.type"])
    }

    @Test func buffersAreAtMostADay() {
        let found = violations(template {
            $0.duration?.preBufferMinutes = 1441
            $0.duration?.postBufferMinutes = 1441
        })
        #expect(found.fields == ["duration.pre_buffer_minutes", "duration.post_buffer_minutes"])
    }

    // MARK: Requirements

    @Test func requirementKindRoleAndCount() {
        let found = violations(template {
            $0.requiredBookables = [CatalogV1.BookableRequirement(kind: .unspecified, count: 0, role: .unrecognized(9))]
        })
        #expect(found.fields == ["required_bookables[0].kind", "required_bookables[0].role", "required_bookables[0].count"])
        #expect(found.map(\.rule) == [.required, .unknown, .notAllowed])
        #expect(violations(template { $0.requiredBookables[0].count = 21 }).fields == ["required_bookables[0].count"])
        #expect(violations(template { $0.requiredBookables[0].count = 20 }).isEmpty)
    }

    @Test func requirementNamingOneBookableHasCountOneAndNoCriteria() {
        let found = violations(template {
            $0.requiredBookables = [CatalogV1.BookableRequirement(kind: .provider, bookableId: Fixture.bookableID,
                                                                  criteria: CatalogV1.BookableCriteria(tags: ["x"]), count: 2)]
        })
        #expect(found.fields == ["required_bookables[0].count", "required_bookables[0].criteria"])
        #expect(found.allSatisfy { $0.rule == .conflict })
    }

    @Test func requirementBookableIdMustBeAUUID() {
        let found = violations(template { $0.optionalBookables[0].bookableId = "room-1" })
        #expect(found.fields == ["optional_bookables[0].bookable_id"])
        #expect(found.first?.rule == .malformed)
    }

    @Test func requirementCriteriaLabels() {
        let found = violations(template {
            $0.requiredBookables[0].criteria = CatalogV1.BookableCriteria(categories: ["Wellness"], tags: ["a", "a"])
        })
        #expect(found.fields == ["required_bookables[0].criteria.categories[0]", "required_bookables[0].criteria.tags[1]"])
    }

    @Test(arguments: [
        (CatalogV1.BookableKind.provider, 5.0, true), (.companyProvider, 0.0, true),
        (.provider, 5.5, false), (.provider, -1.0, false), (.provider, Double.nan, false),
        (.venue, 3.0, false), (.asset, 3.0, false),
    ])
    func minimumRatingIsZeroToFiveAndOnlyForProviders(kind: CatalogV1.BookableKind, rating: Double, valid: Bool) {
        let found = violations(template {
            $0.requiredBookables = [CatalogV1.BookableRequirement(kind: kind, criteria: CatalogV1.BookableCriteria(minRating: rating), count: 1)]
        })
        #expect(found.fields == (valid ? [] : ["required_bookables[0].criteria.min_rating"]))
    }

    @Test func atMostTenRequirements() {
        let ten = Array(repeating: Fixture.requirement(), count: 10)
        #expect(violations(template { $0.requiredBookables = ten }).isEmpty)
        var eleven = ten
        eleven.append(CatalogV1.BookableRequirement())
        #expect(violations(template { $0.optionalBookables = eleven }).fields == ["optional_bookables"])
    }

    // MARK: Capacity

    @Test func individualCapacityIsTheDefault() {
        #expect(violations(template { $0.capacity = nil }).isEmpty)
    }

    @Test func groupCapacityNeedsItsDetails() {
        let found = violations(template { $0.capacity = CatalogV1.Capacity(type: .group) })
        #expect(found.fields == ["capacity.group"])
        #expect(found.first?.rule == .required)
    }

    @Test(arguments: [
        (UInt32(1), UInt32(1), [String]()), (10_000, 10_000, []),
        (0, 5, ["capacity.group.min_participants"]),
        (5, 4, ["capacity.group.max_participants"]),
        (0, 0, ["capacity.group.min_participants", "capacity.group.max_participants"]),
        (1, 10_001, ["capacity.group.max_participants"]),
    ])
    func groupParticipants(min: UInt32, max: UInt32, fields: [String]) {
        var template = Fixture.classTemplate()
        template.capacity?.group = CatalogV1.GroupCapacity(minParticipants: min, maxParticipants: max)
        #expect(violations(template).fields == fields)
    }

    @Test func groupDetailsAreOnlyForAGroup() {
        let found = violations(template {
            $0.capacity = CatalogV1.Capacity(type: .individual, group: CatalogV1.GroupCapacity(minParticipants: 1, maxParticipants: 2))
        })
        #expect(found.fields == ["capacity.group"])
        #expect(found.first?.rule == .notAllowed)
    }

    @Test func classNeedsGroupCapacity() {
        var template = Fixture.classTemplate()
        template.capacity = CatalogV1.Capacity(type: .individual)
        #expect(violations(template).fields == ["capacity.type"])
        template.capacity = nil
        #expect(violations(template).fields == ["capacity.type"])
        #expect(violations(template).first?.rule == .conflict)
    }

    @Test func unknownCapacityType() {
        #expect(violations(template { $0.capacity = CatalogV1.Capacity(type: .unrecognized(3)) }).fields == ["capacity.type"])
    }

    // MARK: Pricing

    @Test func pricingAndBasePriceAreRequired() {
        #expect(violations(template { $0.pricing = nil }).fields == ["pricing"])
        #expect(violations(template { $0.pricing?.basePrice = nil }).fields == ["pricing.base_price"])
    }

    @Test func pricesAreInTheCurrencyInForceAndNotNegative() {
        let found = violations(template {
            $0.pricing?.basePrice = CatalogV1.Money(amountMinor: 9_000, currency: "EUR")
            $0.pricing?.hourlyRate = Fixture.usd(-100)
        })
        #expect(found.fields == ["pricing.base_price.currency", "pricing.hourly_rate.amount_minor"])
        #expect(found.map(\.rule) == [.conflict, .notAllowed])
    }

    @Test func sameTemplateIsValidWhereItsCurrencyIsInForce() {
        let euros = template {
            $0.pricing = CatalogV1.Pricing(basePrice: CatalogV1.Money(amountMinor: 9_000, currency: "EUR"))
            $0.deposit = CatalogV1.Deposit(required: true, amount: CatalogV1.Money(amountMinor: 1_000, currency: "EUR"))
        }
        #expect(ServiceTemplateRules.violations(euros, context: RuleContext(currency: "EUR", now: Fixture.now)).isEmpty)
        #expect(violations(euros).fields == ["pricing.base_price.currency", "deposit.amount.currency"])
    }

    @Test func timeMultipliers() {
        let found = violations(template {
            $0.pricing?.timeMultipliers = [
                CatalogV1.TimeMultiplier(timeRange: nil, days: [], multiplierBasisPoints: 0),
                CatalogV1.TimeMultiplier(timeRange: CatalogV1.TimeRange(start: "22:00", end: "18:00"), days: [.monday, .unspecified, .unrecognized(8)],
                                         multiplierBasisPoints: 100_001),
            ]
        })
        #expect(found.fields == [
            "pricing.time_multipliers[0].time_range", "pricing.time_multipliers[0].days",
            "pricing.time_multipliers[0].multiplier_basis_points",
            "pricing.time_multipliers[1].time_range.end", "pricing.time_multipliers[1].days[1]",
            "pricing.time_multipliers[1].days[2]", "pricing.time_multipliers[1].multiplier_basis_points",
        ])
    }

    @Test func atMostTwentyTimeMultipliers() {
        let multiplier = Fixture.template().pricing!.timeMultipliers[0]
        let twenty = violations(template { $0.pricing?.timeMultipliers = Array(repeating: multiplier, count: 20) })
        let twentyOne = violations(template { $0.pricing?.timeMultipliers = Array(repeating: multiplier, count: 21) })
        #expect(twenty.isEmpty)
        #expect(twentyOne.fields == ["pricing.time_multipliers"])
    }

    @Test(arguments: [(UInt32(0), true), (1, true), (100_000, true), (100_001, false)])
    func holidayMultiplierIsOptional(basisPoints: UInt32, valid: Bool) {
        let found = violations(template { $0.pricing?.holidayMultiplierBasisPoints = basisPoints })
        #expect(found.fields == (valid ? [] : ["pricing.holiday_multiplier_basis_points"]))
    }

    // MARK: Cancellation

    private func tiers(_ tiers: [(UInt32, UInt32)]) -> CatalogV1.ServiceTemplate {
        template {
            $0.cancellation?.policy?.refundTiers = tiers.map { IdentityV1.RefundTier(minHoursBefore: $0.0, refundPercent: $0.1) }
        }
    }

    @Test func cancellationTermsAreOptional() {
        let noTerms = violations(template { $0.cancellation = nil })
        let noPolicy = violations(template { $0.cancellation?.policy = nil })
        let noNoShow = violations(template { $0.cancellation?.policy?.noShow = nil })
        #expect(noTerms.isEmpty)
        #expect(noPolicy.isEmpty)
        #expect(noNoShow.isEmpty)
    }

    /// (hours before, refund percent) tiers and the paths they break.
    static let tierCases: [([(UInt32, UInt32)], [String])] = [
        ([(72, 100), (24, 50), (0, 0)], []),
        ([(24, 50), (48, 100)], ["cancellation.policy.refund_tiers[1].min_hours_before"]),
        ([(24, 100), (24, 50)], ["cancellation.policy.refund_tiers[1].min_hours_before"]),
        ([(48, 50), (24, 100)], ["cancellation.policy.refund_tiers[1].refund_percent"]),
        ([(48, 101)], ["cancellation.policy.refund_tiers[0].refund_percent"]),
        ([(8_761, 100)], ["cancellation.policy.refund_tiers[0].min_hours_before"]),
    ]

    @Test(arguments: tierCases)
    func refundTiersAreOrderedByHoursWithPercentagesToAHundred(tiers: [(UInt32, UInt32)], fields: [String]) {
        let found = violations(self.tiers(tiers))
        #expect(found.fields == fields)
    }

    @Test func atMostTenRefundTiers() {
        let eleven = (0..<11).map { (UInt32(100 - $0), UInt32(100)) }
        #expect(violations(tiers(eleven)).fields == ["cancellation.policy.refund_tiers"])
    }

    @Test func noShowPolicy() {
        let found = violations(template {
            $0.cancellation?.policy?.noShow = IdentityV1.NoShowPolicy(gracePeriodMinutes: 1_441, chargePercent: 101)
        })
        #expect(found.fields == ["cancellation.policy.no_show.grace_period_minutes", "cancellation.policy.no_show.charge_percent"])
    }

    @Test func providerCompensation() {
        let found = violations(template {
            $0.cancellation?.providerCompensation = [
                CatalogV1.CompensationRule(when: .orgCancels, noticeHours: 8_760, compensationPercent: 100),
                CatalogV1.CompensationRule(when: .unspecified, noticeHours: 8_761, compensationPercent: 101),
            ]
            $0.cancellation?.noShowProviderCompensationPercent = 101
        })
        #expect(found.fields == [
            "cancellation.provider_compensation[1].when", "cancellation.provider_compensation[1].notice_hours",
            "cancellation.provider_compensation[1].compensation_percent", "cancellation.no_show_provider_compensation_percent",
        ])
    }

    @Test func atMostTenCompensationRules() {
        let rule = CatalogV1.CompensationRule(when: .clientCancels, noticeHours: 1, compensationPercent: 10)
        #expect(violations(template { $0.cancellation?.providerCompensation = Array(repeating: rule, count: 11) }).fields
                == ["cancellation.provider_compensation"])
    }

    // MARK: Deposit

    @Test(arguments: [
        (CatalogV1.Deposit?.none, [String]()),
        (CatalogV1.Deposit(), []),
        (CatalogV1.Deposit(required: true, amount: Fixture.usd(500)), []),
        (CatalogV1.Deposit(required: true, percent: 1), []),
        (CatalogV1.Deposit(required: true, percent: 100, refundable: true), []),
        (CatalogV1.Deposit(required: true, amount: Fixture.usd(500), percent: 20), ["deposit"]),
        (CatalogV1.Deposit(required: true), ["deposit"]),
        (CatalogV1.Deposit(required: true, amount: Fixture.usd(0)), ["deposit.amount.amount_minor"]),
        (CatalogV1.Deposit(required: true, amount: Fixture.usd(-1)), ["deposit.amount.amount_minor"]),
        (CatalogV1.Deposit(required: true, amount: CatalogV1.Money(amountMinor: 500, currency: "CAD")), ["deposit.amount.currency"]),
        (CatalogV1.Deposit(required: true, percent: 101), ["deposit.percent"]),
        (CatalogV1.Deposit(required: false, amount: Fixture.usd(500)), ["deposit.required"]),
        (CatalogV1.Deposit(required: false, percent: 10), ["deposit.required"]),
    ])
    func depositIsExactlyOneOfAmountOrPercent(deposit: CatalogV1.Deposit?, fields: [String]) {
        let found = violations(template {
            $0.deposit = deposit
            $0.reservation = nil
        })
        #expect(found.fields == fields)
    }

    @Test func depositRulesAreNamed() {
        let both = violations(template { $0.deposit = CatalogV1.Deposit(required: true, amount: Fixture.usd(1), percent: 1) })
        #expect(both.map(\.rule) == [.conflict])
        let neither = violations(template { $0.deposit = CatalogV1.Deposit(required: true) })
        #expect(neither.map(\.rule) == [.required])
    }

    // MARK: Included products

    @Test func includedProducts() {
        let found = violations(template {
            $0.includedProducts = [
                CatalogV1.IncludedProduct(productId: Fixture.productID, quantity: 1000, timing: .before),
                CatalogV1.IncludedProduct(productId: "", quantity: 0),
                CatalogV1.IncludedProduct(productId: Fixture.productID.uppercased(), quantity: 1001, timing: .unrecognized(4)),
                CatalogV1.IncludedProduct(productId: Fixture.otherProductID, quantity: 1),
            ]
        })
        #expect(found.fields == [
            "included_products[1].product_id", "included_products[1].quantity",
            "included_products[2].product_id", "included_products[2].quantity", "included_products[2].timing",
        ])
        #expect(found.map(\.rule) == [.required, .notAllowed, .conflict, .notAllowed, .unknown])
    }

    @Test func atMostFiftyIncludedProducts() {
        let product = CatalogV1.IncludedProduct(productId: Fixture.productID, quantity: 1)
        #expect(violations(template { $0.includedProducts = Array(repeating: product, count: 51) }).fields == ["included_products"])
    }

    // MARK: Reservation

    @Test(arguments: [
        (CatalogV1.ReservationSettings?.none, [String]()),
        (CatalogV1.ReservationSettings(), []),
        (CatalogV1.ReservationSettings(enabled: false, holdMinutes: 0, requireDeposit: true), ["reservation.require_deposit"]),
        (CatalogV1.ReservationSettings(enabled: true, holdMinutes: 1440), []),
        (CatalogV1.ReservationSettings(enabled: true, holdMinutes: 0), ["reservation.hold_minutes"]),
        (CatalogV1.ReservationSettings(enabled: true, holdMinutes: 1441), ["reservation.hold_minutes"]),
        (CatalogV1.ReservationSettings(enabled: true, holdMinutes: 30, maxHoldMinutes: 30), []),
        (CatalogV1.ReservationSettings(enabled: true, holdMinutes: 30, maxHoldMinutes: 10_080), []),
        (CatalogV1.ReservationSettings(enabled: true, holdMinutes: 30, maxHoldMinutes: 29), ["reservation.max_hold_minutes"]),
        (CatalogV1.ReservationSettings(enabled: true, holdMinutes: 30, maxHoldMinutes: 10_081), ["reservation.max_hold_minutes"]),
    ])
    func reservationSettings(reservation: CatalogV1.ReservationSettings?, fields: [String]) {
        #expect(violations(template { $0.reservation = reservation }).fields == fields)
    }

    @Test func reservationRequiringADepositNeedsARequiredDeposit() {
        let found = violations(template { $0.deposit = nil })
        #expect(found.fields == ["reservation.require_deposit"])
        #expect(found.first?.rule == .conflict)
        #expect(found.first?.description == "needs a required deposit")
    }
}

@Suite struct ServiceTemplateLifecycleTests {
    static let statuses: [CatalogV1.ServiceTemplateStatus] = [.unspecified, .draft, .active, .paused, .archived]
    static let allowed: Set<String> = ["draft>active", "active>paused", "paused>active", "draft>archived", "active>archived", "paused>archived"]

    @Test(arguments: statuses, statuses)
    func transitions(from: CatalogV1.ServiceTemplateStatus, to: CatalogV1.ServiceTemplateStatus) {
        let expected = Self.allowed.contains("\(from.columnValue)>\(to.columnValue)")
        #expect(ServiceTemplateLifecycle.allows(from: from, to: to) == expected)
    }

    @Test func archivedIsFinal() {
        for next in Self.statuses {
            #expect(!ServiceTemplateLifecycle.allows(from: .archived, to: next))
        }
        #expect(!ServiceTemplateLifecycle.allows(from: .paused, to: .draft))
        #expect(!ServiceTemplateLifecycle.allows(from: .active, to: .draft))
    }

    @Test func activationNeedsARequiredBookable() {
        #expect(ServiceTemplateLifecycle.activationViolations(Fixture.template()).isEmpty)
        var template = Fixture.template()
        template.requiredBookables = []
        let found = ServiceTemplateLifecycle.activationViolations(template)
        #expect(found.fields == ["required_bookables"])
        #expect(found.first?.rule == .required)
        // Optional bookables do not count.
        #expect(!template.optionalBookables.isEmpty)
    }
}
