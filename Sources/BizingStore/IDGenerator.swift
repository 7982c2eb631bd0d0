public import Foundation
import Synchronization

/// Makes time-ordered UUIDs (version 7, RFC 9562): a 48-bit Unix timestamp
/// in milliseconds from the injected clock, then the version (7), 12 bits,
/// the variant (`10`), 62 bits. Ids sort (as bytes and as lowercase text) in
/// the order they were made, which keeps index inserts at the end of the
/// B-tree.
///
/// Within one generator ids are strictly increasing: an id made in the same
/// millisecond as the one before, or after the clock stepped back, takes the
/// previous id's timestamp and random bits plus one (RFC 9562 §6.2, method 2,
/// with an increment of 1). The 74 bits after the timestamp are fresh random
/// bits whenever the millisecond moves forward.
public final class IDGenerator: Sendable {
    private let clock: any Clock
    private let state: Mutex<State>

    private struct State {
        var random: any RandomNumberGenerator
        var millis: UInt64 = 0
        /// The 74 bits after the timestamp: `high` holds 12, `low` 62.
        var high: UInt16 = 0
        var low: UInt64 = 0
        var started = false
    }

    static let lowLimit: UInt64 = 1 << 62
    static let highLimit: UInt16 = 1 << 12
    static let millisMask: UInt64 = (1 << 48) - 1

    public init(clock: any Clock = SystemClock(), random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        self.clock = clock
        self.state = Mutex(State(random: random))
    }

    /// A new id, greater than every id this generator made before.
    public func next() -> UUID {
        let seconds = clock.now.timeIntervalSince1970
        let now = seconds > 0 ? min(UInt64(seconds * 1000), Self.millisMask) : 0
        let (millis, high, low) = state.withLock { state -> (UInt64, UInt16, UInt64) in
            if !state.started || now > state.millis {
                state.started = true
                state.millis = now
                state.high = UInt16.random(in: 0..<Self.highLimit, using: &state.random)
                state.low = UInt64.random(in: 0..<Self.lowLimit, using: &state.random)
            } else if state.low + 1 < Self.lowLimit {
                state.low += 1
            } else if state.high + 1 < Self.highLimit {
                state.low = 0
                state.high += 1
            } else {
                // 2^74 ids in one millisecond: borrow the next one.
                state.millis = min(state.millis + 1, Self.millisMask)
                state.high = 0
                state.low = 0
            }
            return (state.millis, state.high, state.low)
        }
        return Self.uuid(millis: millis, high: high, low: low)
    }

    static func uuid(millis: UInt64, high: UInt16, low: UInt64) -> UUID {
        let m = millis & millisMask
        return UUID(uuid: (
            UInt8(truncatingIfNeeded: m >> 40), UInt8(truncatingIfNeeded: m >> 32),
            UInt8(truncatingIfNeeded: m >> 24), UInt8(truncatingIfNeeded: m >> 16),
            UInt8(truncatingIfNeeded: m >> 8), UInt8(truncatingIfNeeded: m),
            0x70 | UInt8(truncatingIfNeeded: high >> 8) & 0x0F, UInt8(truncatingIfNeeded: high),
            0x80 | UInt8(truncatingIfNeeded: low >> 56) & 0x3F, UInt8(truncatingIfNeeded: low >> 48),
            UInt8(truncatingIfNeeded: low >> 40), UInt8(truncatingIfNeeded: low >> 32),
            UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
            UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low)
        ))
    }

    /// The instant (to the millisecond) encoded in a version 7 UUID; nil for
    /// other versions.
    public static func date(of id: UUID) -> Date? {
        let b = id.uuid
        guard b.6 >> 4 == 7, b.8 >> 6 == 0b10 else { return nil }
        let millis = [b.0, b.1, b.2, b.3, b.4, b.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
