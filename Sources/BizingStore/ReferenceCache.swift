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
/// an organization keeps at most `maximumValues` values (all dropped when
/// full), the cache at most `maximumOrganizations` organizations.
public final class ReferenceCache: Sendable {
    private struct Entry {
        var epoch: Int64
        var values: [String: any Sendable]
    }

    public static let maximumValues = 4_096
    public static let maximumOrganizations = 1_024
    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// The value under `key` for the organization at its current epoch,
    /// built by `load` (in the same transaction) when there is none.
    public func value<Value: Sendable>(
        _ db: Database, organizationID: String, key: String, load: (Database) throws -> Value
    ) throws -> Value {
        let epoch = try Self.epoch(db, organizationID: organizationID)
        // A one-element array, not an optional: Value may itself be optional
        // (a row that does not exist is cached too).
        let cached = entries.withLock { entries -> [Value] in
            guard let entry = entries[organizationID], entry.epoch == epoch, let stored = entry.values[key], let value = stored as? Value else { return [] }
            return [value]
        }
        if let value = cached.first { return value }
        let value = try load(db)
        entries.withLock { entries in
            var entry = entries[organizationID].flatMap { $0.epoch == epoch ? $0 : nil } ?? Entry(epoch: epoch, values: [:])
            if entry.values.count >= Self.maximumValues { entry.values = [:] }
            entry.values[key] = value
            if entries[organizationID] == nil, entries.count >= Self.maximumOrganizations, let any = entries.keys.first {
                entries[any] = nil
            }
            entries[organizationID] = entry
        }
        return value
    }

    /// The organization's epoch; 0 before anything of it has changed since
    /// migration 0007 (that state has no row, and once a row exists it stays).
    public static func epoch(_ db: Database, organizationID: String) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT epoch FROM reference_epochs WHERE organization_id = ?"), arguments: [organizationID]) ?? 0
    }
}
