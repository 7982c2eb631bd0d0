import struct Foundation.Date

/// `google.protobuf.Timestamp`: seconds and nanoseconds since the Unix epoch,
/// the nanoseconds always in 0 ..< 1e9.
struct WireTimestamp: Equatable {
    var seconds: Int64
    var nanos: Int32

    /// The range the protobuf spec allows: 0001-01-01 ... 9999-12-31.
    static let validSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// Rounds to the nearest nanosecond (a `Date` holds about 0.1 µs of precision today).
    init?(_ date: Date) {
        let t = date.timeIntervalSince1970
        guard t.isFinite, t >= Double(Self.validSeconds.lowerBound), t < Double(Self.validSeconds.upperBound) + 1
        else { return nil }
        var seconds = t.rounded(.down)
        var nanos = ((t - seconds) * 1e9).rounded()
        if nanos >= 1e9 {
            seconds += 1
            nanos -= 1e9
        }
        self.seconds = Int64(seconds)
        self.nanos = Int32(nanos)
    }

    init(seconds: Int64, nanos: Int32) {
        self.seconds = seconds
        self.nanos = nanos
    }

    var date: Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9)
    }
}
