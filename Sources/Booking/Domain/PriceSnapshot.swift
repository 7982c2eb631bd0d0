/// The price a booking is made at, written once with it and never changed
/// (integer minor units of one currency). The Commerce issue widens it
/// (time multipliers, products, packages, deposits); this is the base and
/// the duration-based part.
public struct PriceSnapshot: Hashable, Sendable {
    public let currency: String
    /// The template's base price.
    public let baseMinor: Int64
    /// For a variable-length service: its hourly rate times the hours
    /// chosen, rounded half up to the minor unit.
    public let durationMinor: Int64
    public let minutes: Int

    public var totalMinor: Int64 { baseMinor + durationMinor }

    /// The snapshot of a service of `minutes` at `base` plus `hourlyRate` per hour (nil: none).
    public static func of(baseMinor: Int64, hourlyRateMinor: Int64?, minutes: Int, currency: String) -> PriceSnapshot {
        let duration = hourlyRateMinor.map { rate in (rate * Int64(minutes) * 2 + 60) / 120 } ?? 0
        return PriceSnapshot(currency: currency, baseMinor: baseMinor, durationMinor: duration, minutes: minutes)
    }
}
