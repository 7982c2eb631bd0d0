/// Cascading availability: a calendar offers only a few of its slots at a
/// time, opening more as those fill, so bookings cluster instead of
/// scattering across the day. Slots beyond the open ones may be sold as
/// premium ("skip the line") at a multiplier.
public struct Cascade: Hashable, Sendable {
    public enum Strategy: Hashable, Sendable {
        /// The next slot opens as soon as one fills: always `initialOpen` unfilled slots open.
        case sequential
        /// Slots open in batches of `initialOpen`; the next batch when the current one is full.
        case batch
    }

    public let strategy: Strategy
    /// How many slots are open at first (at least 1).
    public let initialOpen: Int
    /// Basis points (15000 = 1.5x) for slots beyond the open ones; nil: they are not offered.
    public let premiumMultiplierBasisPoints: Int?

    public init(strategy: Strategy, initialOpen: Int, premiumMultiplierBasisPoints: Int? = nil) {
        precondition(initialOpen >= 1, "a cascade opens at least one slot")
        self.strategy = strategy
        self.initialOpen = initialOpen
        self.premiumMultiplierBasisPoints = premiumMultiplierBasisPoints
    }

    /// How one slot of the sequence is offered.
    public enum Offer: Hashable, Sendable {
        case open
        /// Beyond the cascade, sold at the premium multiplier.
        case premium(multiplierBasisPoints: Int)
        /// Beyond the cascade and not sold.
        case closed
        /// Already taken.
        case filled
    }

    /// The offer of each slot of one cascade sequence (a calendar's slots of
    /// a day, in time order), given which are filled.
    public func offers(filled: [Bool]) -> [Offer] {
        var opened = Set<Int>()
        switch strategy {
        case .sequential:
            opened = Set(filled.indices.filter { !filled[$0] }.prefix(initialOpen))
        case .batch:
            var start = 0
            while start < filled.count {
                let batch = start..<min(start + initialOpen, filled.count)
                let waiting = batch.filter { !filled[$0] }
                if !waiting.isEmpty {
                    opened = Set(waiting)
                    break
                }
                start += initialOpen
            }
        }
        return filled.indices.map { index in
            if filled[index] { return .filled }
            if opened.contains(index) { return .open }
            return premiumMultiplierBasisPoints.map { .premium(multiplierBasisPoints: $0) } ?? .closed
        }
    }
}
