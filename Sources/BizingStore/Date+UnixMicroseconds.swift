public import Foundation

extension Date {
    /// Microseconds since 1970-01-01T00:00:00Z, rounded to the nearest: how
    /// the database stores an instant (INTEGER columns named `*_at`).
    ///
    /// The fraction of a second is rounded on its own (subtracting the whole
    /// seconds is exact), as the wire's Timestamp rounds a `Date`: rounding
    /// `t * 1e6` instead adds the multiplication's error and, for about one
    /// instant in eight, stored a microsecond other than the one an answer
    /// built from the same `Date` showed.
    public var unixMicroseconds: Int64 {
        let t = timeIntervalSince1970
        let seconds = t.rounded(.down)
        return Int64(seconds) * 1_000_000 + Int64(((t - seconds) * 1_000_000).rounded())
    }

    /// The instant `microseconds` after 1970-01-01T00:00:00Z.
    public init(unixMicroseconds microseconds: Int64) {
        self.init(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }
}
