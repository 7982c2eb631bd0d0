import struct Foundation.Date

/// `google.protobuf.Timestamp`: seconds and nanoseconds since the Unix epoch,
/// the nanoseconds always in 0 ..< 1e9.
struct WireTimestamp: Equatable {
    var seconds: Int64
    var nanos: Int32

    /// The range the protobuf spec allows: 0001-01-01 ... 9999-12-31.
    static let validSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// Rounds to the nearest microsecond. A `Date` is a `Double` of seconds
    /// since 2001, about 0.1-0.2 µs precise today, so nanoseconds would be
    /// noise: `1_700_000_000.123` would go out as 122999907 ns. Whole
    /// microseconds make every millisecond or microsecond instant between
    /// about 1865 and 2137 round-trip exactly.
    init?(_ date: Date) {
        let t = date.timeIntervalSince1970
        // Up to and including upper + 1: near year 9999 a Double is only
        // ~30 µs precise, so the last valid instant reads back as exactly that.
        guard t.isFinite, t >= Double(Self.validSeconds.lowerBound), t <= Double(Self.validSeconds.upperBound) + 1
        else { return nil }
        var seconds = t.rounded(.down)
        var micros = ((t - seconds) * 1e6).rounded()
        if micros >= 1e6 {
            seconds += 1
            micros -= 1e6
        }
        // The last representable instant must not round past the range.
        if seconds > Double(Self.validSeconds.upperBound) {
            seconds = Double(Self.validSeconds.upperBound)
            micros = 999_999
        }
        self.seconds = Int64(seconds)
        self.nanos = Int32(micros) * 1000
    }

    init(seconds: Int64, nanos: Int32) {
        self.seconds = seconds
        self.nanos = nanos
    }

    var date: Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9)
    }
}
