public import GRDB
import Synchronization

/// Decoded copies of an organization's reference data (its record,
/// locations, templates, bookables, calendars), kept between calls and
/// trusted only while the organization's epoch is the one they were read
/// at. Migration 0007's triggers give the organization a new random epoch
/// in the same transaction as any change to those rows, so a copy is
/// checked with one indexed read of `reference_epochs` instead of reading
/// and decoding the rows again: that decoding was a third of a booking's
/// time on SQLite's one writer.
///
/// Why this is safe: a value is stored under the epoch read in the same
/// transaction (the same snapshot) as the rows it was built from, so an
/// (epoch, value) pair always describes one state of the database. A state
/// that is rolled back leaves behind an epoch that is never used again (the
/// triggers draw it at random), so its values are never matched.
///
/// Values must be built only from the organization's rows the triggers
/// watch, never from the clock or from reserved time. Memory is bounded:
/// each value has a weight (its caller's count of the objects it holds, 1
/// by default), and the cache holds at most `maximumWeight` in all: a value
/// that would pass it empties the cache first, and one heavier than a
/// tenth of it is not kept at all.
public final class ReferenceCache: Sendable {
    private struct Entry {
        var epoch: Int64
        var values: [String: (value: any Sendable, weight: Int)]
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var weight = 0

        mutating func drop(_ organizationID: String) {
            weight -= entries[organizationID]?.values.values.reduce(0) { $0 + $1.weight } ?? 0
            entries[organizationID] = nil
        }
    }

    /// About a kilobyte a unit (a decoded bookable with its calendar):
    /// tens of megabytes at most.
    public static let maximumWeight = 50_000
    private let state = Mutex(State())

    public init() {}

    /// The value under `key` for the organization at its current epoch,
    /// built by `load` (in the same transaction) when there is none.
    /// `weight`: how many objects the value holds, for the bound.
    public func value<Value: Sendable>(
        _ db: Database, organizationID: String, key: String, weight: (Value) -> Int = { _ in 1 }, load: (Database) throws -> Value
    ) throws -> Value {
        let epoch = try Self.epoch(db, organizationID: organizationID)
        // A one-element array, not an optional: Value may itself be optional
        // (a row that does not exist is cached too), and a missing key must
        // not read as a cached nil, which `nil as? Value` would be.
        let cached = state.withLock { state -> [Value] in
            guard let entry = state.entries[organizationID], entry.epoch == epoch, let stored = entry.values[key],
                  let value = stored.value as? Value else { return [] }
            return [value]
        }
        if let value = cached.first { return value }
        let value = try load(db)
        let added = max(1, weight(value))
        guard added <= Self.maximumWeight / 10 else { return value }
        state.withLock { state in
            if let entry = state.entries[organizationID], entry.epoch != epoch { state.drop(organizationID) }
            if state.weight + added > Self.maximumWeight { state = State() }
            var entry = state.entries[organizationID] ?? Entry(epoch: epoch, values: [:])
            state.weight += added - (entry.values[key]?.weight ?? 0)
            entry.values[key] = (value, added)
            state.entries[organizationID] = entry
        }
        return value
    }

    /// The organization's epoch; 0 before anything of it has changed since
    /// migration 0007 (that state has no row, and once a row exists it stays).
    public static func epoch(_ db: Database, organizationID: String) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT epoch FROM reference_epochs WHERE organization_id = ?"), arguments: [organizationID]) ?? 0
    }
}
