import Testing
import Foundation
import GRDB
import Synchronization
import BizingStore

/// `ReferenceCache`: a value is served while its organization's epoch is
/// the one it was read at, and read again once a watched row changes.
@Suite struct ReferenceCacheTests {
    /// A watched table with 0007's trigger pattern, and the epochs table.
    static let toySchema = Migration(version: 1, name: "toy", sql: """
        CREATE TABLE reference_epochs (organization_id TEXT NOT NULL PRIMARY KEY, epoch INTEGER NOT NULL) STRICT, WITHOUT ROWID;
        CREATE TABLE names (organization_id TEXT NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (organization_id, id)) STRICT;
        CREATE TRIGGER names_insert_epoch AFTER INSERT ON names BEGIN
            INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
            ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
        END;
        CREATE TRIGGER names_update_epoch AFTER UPDATE ON names BEGIN
            INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
            ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
        END;
        """)

    /// The name read through the cache, and how many times it was loaded from the table.
    final class Reader: Sendable {
        let cache = ReferenceCache()
        let loads = Mutex(0)

        func name(_ db: Database, organization: String, id: Int) throws -> String? {
            try cache.value(db, organizationID: organization, key: "name|\(id)") { db in
                loads.withLock { $0 += 1 }
                return try String.fetchOne(db, sql: "SELECT name FROM names WHERE organization_id = ? AND id = ?", arguments: [organization, id])
            }
        }
    }

    @Test func aValueIsReadOnceUntilItsOrganizationChanges() async throws {
        let temporary = try TemporaryStore(synchronous: .normal)
        defer { temporary.remove() }
        let store = temporary.store
        try await store.migrate(MigrationSet([Self.toySchema]))
        try await store.write { try $0.execute(sql: "INSERT INTO names VALUES ('a', 1, 'Ann'), ('b', 1, 'Bob')") }
        let reader = Reader()

        #expect(try await store.read { try reader.name($0, organization: "a", id: 1) } == "Ann")
        #expect(try await store.read { try reader.name($0, organization: "a", id: 1) } == "Ann")
        #expect(reader.loads.withLock { $0 } == 1)

        // Another organization's change leaves it cached; its own change does not.
        try await store.write { try $0.execute(sql: "UPDATE names SET name = 'Bea' WHERE organization_id = 'b'") }
        #expect(try await store.read { try reader.name($0, organization: "a", id: 1) } == "Ann")
        #expect(reader.loads.withLock { $0 } == 1)
        try await store.write { try $0.execute(sql: "UPDATE names SET name = 'Anna' WHERE organization_id = 'a'") }
        #expect(try await store.read { try reader.name($0, organization: "a", id: 1) } == "Anna")
        #expect(reader.loads.withLock { $0 } == 2)
    }

    @Test func aMissingRowIsCachedAsMissingAndFoundOnceInserted() async throws {
        let temporary = try TemporaryStore(synchronous: .normal)
        defer { temporary.remove() }
        let store = temporary.store
        try await store.migrate(MigrationSet([Self.toySchema]))
        let reader = Reader()

        #expect(try await store.read { try reader.name($0, organization: "a", id: 7) } == nil)
        #expect(try await store.read { try reader.name($0, organization: "a", id: 7) } == nil)
        #expect(reader.loads.withLock { $0 } == 1)
        try await store.write { try $0.execute(sql: "INSERT INTO names VALUES ('a', 7, 'Sam')") }
        #expect(try await store.read { try reader.name($0, organization: "a", id: 7) } == "Sam")
    }

    @Test func whatARolledBackChangeCachedIsNeverServedLater() async throws {
        let temporary = try TemporaryStore(synchronous: .normal)
        defer { temporary.remove() }
        let store = temporary.store
        try await store.migrate(MigrationSet([Self.toySchema]))
        try await store.write { try $0.execute(sql: "INSERT INTO names VALUES ('a', 1, 'Ann')") }
        let reader = Reader()

        // A change read through the cache inside its transaction, then rolled back.
        struct Undo: Error {}
        await #expect(throws: Undo.self) {
            try await store.write { db in
                try db.execute(sql: "UPDATE names SET name = 'Never' WHERE organization_id = 'a'")
                #expect(try reader.name(db, organization: "a", id: 1) == "Never")
                throw Undo()
            }
        }
        #expect(try await store.read { try reader.name($0, organization: "a", id: 1) } == "Ann")
        // The next real change gets an epoch of its own, not the rolled-back one's.
        try await store.write { try $0.execute(sql: "UPDATE names SET name = 'Anna' WHERE organization_id = 'a'") }
        #expect(try await store.read { try reader.name($0, organization: "a", id: 1) } == "Anna")
    }

    @Test func memoryIsBoundedByTheValuesWeights() async throws {
        let temporary = try TemporaryStore(synchronous: .normal)
        defer { temporary.remove() }
        let store = temporary.store
        try await store.migrate(MigrationSet([Self.toySchema]))
        let cache = ReferenceCache()
        let loads = Mutex(0)
        @Sendable func read(_ key: String, weight: Int) async throws {
            _ = try await store.read { db in
                try cache.value(db, organizationID: "a", key: key, weight: { _ in weight }) { _ in loads.withLock { $0 += 1 } }
            }
        }
        // Too heavy to keep: loaded every time.
        try await read("huge", weight: ReferenceCache.maximumWeight / 10 + 1)
        try await read("huge", weight: ReferenceCache.maximumWeight / 10 + 1)
        #expect(loads.withLock { $0 } == 2)
        // Kept while the total allows; the value that passes the bound empties the cache first.
        try await read("first", weight: ReferenceCache.maximumWeight / 10)
        try await read("first", weight: ReferenceCache.maximumWeight / 10)
        #expect(loads.withLock { $0 } == 3)
        for index in 0..<9 { try await read("more \(index)", weight: ReferenceCache.maximumWeight / 10) }
        try await read("first", weight: ReferenceCache.maximumWeight / 10)
        #expect(loads.withLock { $0 } == 12)
        try await read("one too many", weight: ReferenceCache.maximumWeight / 10)
        try await read("first", weight: ReferenceCache.maximumWeight / 10)
        #expect(loads.withLock { $0 } == 14)
    }

    /// Migration 0007 watches every table the cached reads decode.
    @Test func theMigrationsWatchEveryReferenceTable() async throws {
        let temporary = try await TemporaryStore.migrated(synchronous: .normal)
        defer { temporary.remove() }
        let triggers = try await temporary.store.read {
            try String.fetchSet($0, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%reference_epochs%'")
        }
        let watched = ["organizations", "org_memberships", "locations", "bookables", "calendars", "service_templates",
                       "calendar_settings", "calendar_overrides", "blocked_times"]
        #expect(triggers == Set(watched.flatMap { table in ["insert", "update", "delete"].map { "\(table)_\($0)_epoch" } }))
    }
}
