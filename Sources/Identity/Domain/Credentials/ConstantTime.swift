/// Comparisons of secrets whose duration does not depend on where the inputs
/// differ. Lengths are not secret (every hash and token has a fixed size).
public enum ConstantTime {
    /// True when `a` and `b` hold the same bytes. Visits every byte whatever
    /// it finds; only a length mismatch returns early.
    @inline(never)
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
