public import Foundation

extension Date {
    /// Microseconds since 1970-01-01T00:00:00Z, rounded to the nearest: how
    /// the database stores an instant (INTEGER columns named `*_at`).
    public var unixMicroseconds: Int64 {
        Int64((timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The instant `microseconds` after 1970-01-01T00:00:00Z.
    public init(unixMicroseconds microseconds: Int64) {
        self.init(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }
}
