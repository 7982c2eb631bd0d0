import Testing
import Foundation
import GRDB
import BizingStore

/// A synthetic two-step history, for the upgrade path.
enum Synthetic {
    static let notes = Migration(version: 1, name: "notes", sql: """
        CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT;
        """)
    static let tags = Migration(version: 2, name: "note_tags", sql: """
        ALTER TABLE notes ADD COLUMN tag TEXT NOT NULL DEFAULT 'none';
        CREATE INDEX notes_tag ON notes (tag);
        """)
    static let one = try! MigrationSet([notes])
    static let two = try! MigrationSet([notes, tags])
}

@Suite struct MigrationTests {
    @Test func aFreshDatabaseGetsEveryMigrationAndItsTables() async throws {
        let clock = TestClock()
        let temporary = try TemporaryStore(clock: clock)
        defer { temporary.remove() }
        let store = temporary.store
        let all = try MigrationSet.bizing
        #expect(all.migrations.first?.label == "0001_identity")

        let applied = try await store.migrate()
        #expect(applied == all.migrations)
        #expect(try await store.appliedMigrations() == all.migrations.map {
            AppliedMigration(version: $0.version, name: $0.name, appliedAt: Date(unixMicroseconds: clock.nowMicroseconds))
        })
        let names = try await store.read { db throws in
            try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite!_%' ESCAPE '!'")
        }
        let tables: Set = [
            "schema_migrations", "organizations", "users", "sessions", "service_tokens", "org_memberships",
            "households", "household_members", "household_member_managers",
            "locations", "bookables", "calendars", "service_templates", "products", "service_packages", "program_templates",
            "calendar_settings", "calendar_overrides", "blocked_times", "reserved_times",
            "holds", "bookings", "booking_participants", "assigned_bookables", "idempotency_keys", "reference_epochs", "reservation_versions",
        ]
        let indexes: Set = [
            "users_email", "sessions_user", "service_tokens_organization", "service_tokens_created_by",
            "org_memberships_user", "org_memberships_organization", "households_primary_contact", "household_members_user",
            "household_member_managers_manager",
            "locations_slug", "locations_organization", "bookables_slug", "bookables_organization", "bookables_location",
            "calendars_organization", "service_templates_slug", "service_templates_organization", "service_templates_location",
            "products_sku", "products_organization", "products_location", "service_packages_slug", "service_packages_organization",
            "program_templates_slug", "program_templates_organization",
            "calendar_settings_organization", "calendar_overrides_organization", "blocked_times_organization", "blocked_times_bookable",
            "reserved_times_organization", "reserved_times_bookable",
            "holds_organization", "holds_expiry", "bookings_organization", "bookings_location", "bookings_booked_by", "bookings_household",
            "booking_participants_organization", "booking_participants_booking", "booking_participants_user",
            "assigned_bookables_organization", "assigned_bookables_bookable", "idempotency_keys_age",
        ]
        #expect(names == tables.union(indexes))
        // Running it again changes nothing.
        #expect(try await store.migrate().isEmpty)
        #expect(try await store.appliedMigrations().count == all.migrations.count)
    }

    @Test func anUpgradeAppliesOnlyTheNewMigrationAndKeepsTheData() async throws {
        let clock = TestClock()
        let temporary = try TemporaryStore(clock: clock)
        defer { temporary.remove() }
        #expect(try await temporary.store.migrate(Synthetic.one) == [Synthetic.notes])
        try await temporary.store.write { db throws in
            try db.execute(sql: "INSERT INTO notes (text) VALUES ('kept'), ('also kept')")
        }
        try temporary.store.close()

        clock.advance(by: .seconds(3600))
        let reopened = try BizingStore.open(path: temporary.path, clock: clock)
        defer { try? reopened.close() }
        #expect(try await reopened.migrate(Synthetic.two) == [Synthetic.tags])
        let rows = try await reopened.read { db throws in
            try Row.fetchAll(db, sql: "SELECT text, tag FROM notes ORDER BY id").map { [$0["text"] as String, $0["tag"] as String] }
        }
        #expect(rows == [["kept", "none"], ["also kept", "none"]])
        let applied = try await reopened.appliedMigrations()
        #expect(applied.map(\.version) == [1, 2])
        #expect(applied[1].appliedAt.timeIntervalSince(applied[0].appliedAt) == 3600)
        #expect(try await reopened.migrate(Synthetic.two).isEmpty)
    }

    @Test func anUpgradeFromTheRealFirstMigrationKeepsItsData() async throws {
        // The shipped 0001, then a 0002 that rebuilds a table other tables
        // point at (the way SQLite documents: foreign keys off meanwhile).
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let first = try MigrationSet.bizing.migrations.filter { $0.version == 1 }
        try await temporary.store.migrate(MigrationSet(first))
        let owner = temporary.store.ids.next().lowercasedString
        let household = temporary.store.ids.next().lowercasedString
        try await temporary.store.write { db throws in
            try db.execute(sql: "INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, 'ann@example.com', 'Ann', 1, 1)",
                           arguments: [owner])
            try db.execute(sql: "INSERT INTO households (id, name, primary_contact_id, created_at, updated_at) VALUES (?, 'Smith', ?, 1, 1)",
                           arguments: [household, owner])
            try db.execute(sql: """
                INSERT INTO household_members (id, household_id, user_id, role, created_at, updated_at) VALUES (?, ?, ?, 'primary', 1, 1)
                """, arguments: [temporary.store.ids.next().lowercasedString, household, owner])
        }
        let rebuild = Migration(version: 2, name: "households_motto", sql: """
            CREATE TABLE households_new (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                type TEXT NOT NULL DEFAULT 'family',
                primary_contact_id TEXT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
                company_info TEXT,
                motto TEXT NOT NULL DEFAULT '',
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                deleted_at INTEGER
            ) STRICT;
            INSERT INTO households_new (id, name, type, primary_contact_id, company_info, created_at, updated_at, deleted_at)
                SELECT id, name, type, primary_contact_id, company_info, created_at, updated_at, deleted_at FROM households;
            DROP TABLE households;
            ALTER TABLE households_new RENAME TO households;
            """)
        #expect(try await temporary.store.migrate(MigrationSet(first + [rebuild])) == [rebuild])
        try await temporary.store.read { db throws in
            #expect(try String.fetchOne(db, sql: "SELECT name || '/' || motto FROM households") == "Smith/")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM household_members") == 1)
            #expect(try Int.fetchOne(db, sql: "PRAGMA foreign_keys") == 1)
        }
        try await temporary.store.write { db throws in
            #expect(try Int.fetchOne(db, sql: "PRAGMA foreign_keys") == 1)  // on again after the migration
        }
    }

    @Test func aDatabaseMigratedByANewerVersionIsRefused() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        try await temporary.store.migrate(Synthetic.two)
        let error = await #expect(throws: StoreError.self) { try await temporary.store.migrate(Synthetic.one) }
        let message = try #require(error?.description)
        #expect(message.contains("migrated by a newer version"))
        #expect(message.contains("0002_note_tags"))
        #expect(message.contains("up to 0001_notes"))
        #expect(message.contains(temporary.path))
        // Nothing changed.
        #expect(try await temporary.store.appliedMigrations().map(\.version) == [1, 2])
    }

    @Test func aDifferentHistoryIsRefused() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        try await temporary.store.migrate(Synthetic.two)
        let other = try MigrationSet([Synthetic.notes, Migration(version: 2, name: "note_colors", sql: "SELECT 1")])
        let error = await #expect(throws: StoreError.self) { try await temporary.store.migrate(other) }
        #expect(error?.description.contains("has migration 0002_note_tags where this bizingd has 0002_note_colors") == true)
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        try await temporary.store.migrate(Synthetic.one)
        let broken = Migration(version: 2, name: "note_tags", sql: """
            CREATE TABLE tags (name TEXT NOT NULL) STRICT;
            INSERT INTO tags VALUES (NULL);
            """)
        let error = await #expect(throws: StoreError.self) { try await temporary.store.migrate(MigrationSet([Synthetic.notes, broken])) }
        #expect(error?.description.contains("migration 0002_note_tags failed") == true)
        #expect(error?.description.contains("NOT NULL constraint failed") == true)
        #expect(try await temporary.store.appliedMigrations().map(\.version) == [1])
        #expect(try await temporary.store.read { try $0.tableExists("tags") } == false)
        // Fixed, it applies.
        #expect(try await temporary.store.migrate(Synthetic.two) == [Synthetic.tags])
    }

    @Test func aMigrationThatBreaksAForeignKeyIsRolledBack() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let parents = Migration(version: 1, name: "parents", sql: """
            CREATE TABLE parents (id INTEGER PRIMARY KEY) STRICT;
            CREATE TABLE children (parent INTEGER NOT NULL REFERENCES parents (id)) STRICT;
            """)
        let orphan = Migration(version: 2, name: "orphan", sql: "INSERT INTO children VALUES (42);")
        let error = await #expect(throws: StoreError.self) { try await temporary.store.migrate(MigrationSet([parents, orphan])) }
        #expect(error?.description.contains("0002_orphan failed") == true)
        #expect(try await temporary.store.appliedMigrations().map(\.version) == [1])
        #expect(try await temporary.store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM children") } == 0)
    }

    @Test func aDatabaseWithOtherTablesIsNotTouched() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        try await temporary.store.write { try $0.execute(sql: "CREATE TABLE recipes (name TEXT)") }
        let error = await #expect(throws: StoreError.self) { try await temporary.store.migrate() }
        #expect(error?.description.contains("has tables (recipes) but no schema_migrations") == true)
        #expect(try await temporary.store.read { try $0.tableExists("schema_migrations") } == false)
    }

    @Test func numberingGapsDuplicatesAndBadNamesAreRejected() throws {
        let gap = #expect(throws: StoreError.self) {
            try MigrationSet([Synthetic.notes, Migration(version: 3, name: "three", sql: "SELECT 1")])
        }
        #expect(gap?.description.contains("migration 0002_… is missing") == true)
        let first = #expect(throws: StoreError.self) { try MigrationSet([Synthetic.tags]) }
        #expect(first?.description.contains("0001_… is missing") == true)
        let duplicate = #expect(throws: StoreError.self) {
            try MigrationSet([Synthetic.notes, Synthetic.tags, Migration(version: 2, name: "again", sql: "SELECT 1")])
        }
        #expect(duplicate?.description.contains("version 2 is used twice") == true)
        #expect(throws: StoreError.self) { try MigrationSet([Migration(version: 1, name: "Notes", sql: "SELECT 1")]) }
        #expect(throws: StoreError.self) { try MigrationSet([Migration(version: 1, name: "", sql: "SELECT 1")]) }
        #expect(throws: StoreError.self) { try MigrationSet([Migration(version: 1, name: "empty", sql: " \n")]) }
        // Order of the list does not matter; the set is sorted.
        #expect(try MigrationSet([Synthetic.tags, Synthetic.notes]).migrations == [Synthetic.notes, Synthetic.tags])
        #expect(try MigrationSet([]).latestVersion == 0)
    }

    @Test func theEmbeddedMigrationsAreTheFilesInSchemaMigrations() throws {
        let folder = repositoryRoot.appendingPathComponent("schema/migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        let embedded = try MigrationSet.bizing.migrations
        #expect(files == embedded.map { $0.label + ".sql" }, "run scripts/generate")
        for migration in embedded where files.contains(migration.label + ".sql") {
            var text = try String(contentsOf: folder.appendingPathComponent(migration.label + ".sql"), encoding: .utf8)
            if text.hasSuffix("\n") { text.removeLast() }
            #expect(text == migration.sql, "\(migration.label) differs from its file: run scripts/generate")
        }
    }
}
