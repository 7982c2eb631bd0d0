import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import Identity

/// SplitMix64: a deterministic generator for tests (never for secrets).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A readable fixed UUID: `id(7)` is 00000000-0000-0000-0000-000000000007.
func id(_ n: Int) -> UUID {
    UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))!
}

/// Cheap scrypt parameters so most tests run in microseconds.
let fastParameters = ScryptParameters(logN: 4, r: 8, p: 1)!

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

/// CPU time of the calling thread, which the machine's other load does not inflate.
func threadCPUTime() -> Duration {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
}
