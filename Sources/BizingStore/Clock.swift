public import Foundation
import Synchronization

/// Where the store and the contexts get the time from: the system clock in
/// production, a `TestClock` in tests, so expiry and ordering are tested
/// without sleeping.
///
/// In modules that import BizingStore this `Clock` shadows the standard
/// library's `Clock` protocol; write `Swift.Clock` for that one.
public protocol Clock: Sendable {
    /// The current instant.
    var now: Date { get }
}

extension Clock {
    /// `now` as the database stores instants: microseconds since 1970 (UTC).
    public var nowMicroseconds: Int64 { now.unixMicroseconds }
}

/// The system's wall clock.
public struct SystemClock: Clock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that stands still until told to move. Safe to share across tasks.
public final class TestClock: Clock {
    private let current: Mutex<Date>

    /// Starts at `start`; by default 2026-01-01T00:00:00Z.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    /// Moves the clock to `date` (backwards too).
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }

    /// Moves the clock by `duration` (negative moves it back).
    public func advance(by duration: Duration) {
        let parts = duration.components
        let seconds = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
