public import ContextKit
/// An organization's default cancellation policy (the seed's
/// `cancellation` block without provider compensation, which belongs to a
/// service template): what a client gets back when cancelling, and what a
/// no-show costs. Percentages are whole percents; the amounts they apply to
/// are integer minor units, computed by the Commerce context.
public struct CancellationPolicy: Hashable, Sendable, Codable {
    public struct RefundTier: Hashable, Sendable, Codable {
        /// Cancelling at least this many hours before the start...
        public var minHoursBefore: Int
        /// ...refunds this percent of what was paid.
        public var refundPercent: Int
        /// The refund may be taken as store credit instead.
        public var offerStoreCredit: Bool

        public init(minHoursBefore: Int, refundPercent: Int, offerStoreCredit: Bool = false) {
            self.minHoursBefore = minHoursBefore
            self.refundPercent = refundPercent
            self.offerStoreCredit = offerStoreCredit
        }

        enum CodingKeys: String, CodingKey {
            case minHoursBefore = "min_hours_before"
            case refundPercent = "refund_percent"
            case offerStoreCredit = "offer_store_credit"
        }
    }

    public struct NoShowPolicy: Hashable, Sendable, Codable {
        /// A booking becomes a no-show this many minutes after its start.
        public var gracePeriodMinutes: Int
        /// The percent of the price charged for a no-show.
        public var chargePercent: Int

        public init(gracePeriodMinutes: Int, chargePercent: Int) {
            self.gracePeriodMinutes = gracePeriodMinutes
            self.chargePercent = chargePercent
        }

        enum CodingKeys: String, CodingKey {
            case gracePeriodMinutes = "grace_period_minutes"
            case chargePercent = "charge_percent"
        }
    }

    public var allowClientCancellation: Bool
    /// Most generous first: strictly decreasing `minHoursBefore`.
    public var refundTiers: [RefundTier]
    public var noShow: NoShowPolicy

    /// A policy for an organization that has not chosen one: clients may
    /// cancel; a full refund 24 hours ahead, none later; no-show after 15
    /// minutes, charged in full.
    public static let standard = CancellationPolicy(
        allowClientCancellation: true,
        refundTiers: [RefundTier(minHoursBefore: 24, refundPercent: 100)],
        noShow: NoShowPolicy(gracePeriodMinutes: 15, chargePercent: 100))

    public init(allowClientCancellation: Bool, refundTiers: [RefundTier], noShow: NoShowPolicy) {
        self.allowClientCancellation = allowClientCancellation
        self.refundTiers = refundTiers
        self.noShow = noShow
    }

    enum CodingKeys: String, CodingKey {
        case allowClientCancellation = "allow_client_cancellation"
        case refundTiers = "refund_tiers"
        case noShow = "no_show"
    }

    public static let maximumTiers = 10

    /// The rules a policy must keep: at most ten tiers, ordered by strictly
    /// decreasing hours (0 to a year), refunds in 0...100 that do not grow as
    /// the start nears; a grace period of 0 to 24 hours; a charge in 0...100.
    public func violations(field: String = "cancellation_policy") -> [InvalidField] {
        var found: [InvalidField] = []
        if refundTiers.count > Self.maximumTiers {
            found.append(InvalidField(field: "\(field).refund_tiers", rule: .tooLong, description: "must have at most \(Self.maximumTiers) tiers"))
        }
        for (index, tier) in refundTiers.enumerated() {
            let path = "\(field).refund_tiers[\(index)]"
            if !(0...8_760).contains(tier.minHoursBefore) {
                found.append(InvalidField(field: "\(path).min_hours_before", rule: .notAllowed, description: "must be 0 to 8,760 hours"))
            }
            if !(0...100).contains(tier.refundPercent) {
                found.append(InvalidField(field: "\(path).refund_percent", rule: .notAllowed, description: "must be 0 to 100"))
            }
            if index > 0 {
                let previous = refundTiers[index - 1]
                if tier.minHoursBefore >= previous.minHoursBefore {
                    found.append(InvalidField(field: "\(path).min_hours_before", rule: .notAllowed,
                                              description: "must be fewer hours than the tier before it (most notice first)"))
                } else if tier.refundPercent > previous.refundPercent {
                    found.append(InvalidField(field: "\(path).refund_percent", rule: .notAllowed,
                                              description: "must not refund more than a tier with more notice"))
                }
            }
        }
        if !(0...1_440).contains(noShow.gracePeriodMinutes) {
            found.append(InvalidField(field: "\(field).no_show.grace_period_minutes", rule: .notAllowed, description: "must be 0 to 1,440 minutes"))
        }
        if !(0...100).contains(noShow.chargePercent) {
            found.append(InvalidField(field: "\(field).no_show.charge_percent", rule: .notAllowed, description: "must be 0 to 100"))
        }
        return found
    }
}
