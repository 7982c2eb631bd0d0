import GRDB
public import Foundation

/// A migration as the database records it in `schema_migrations`.
public struct AppliedMigration: Sendable, Equatable {
    public let version: Int
    public let name: String
    /// When it was applied, by the store's clock.
    public let appliedAt: Date

    public init(version: Int, name: String, appliedAt: Date) {
        self.version = version
        self.name = name
        self.appliedAt = appliedAt
    }
}

extension BizingStore {
    /// Applies the migrations this binary embeds (`schema/migrations`).
    /// See `migrate(_:)`.
    @discardableResult
    public func migrate() async throws(StoreError) -> [Migration] {
        try await migrate(MigrationSet.bizing)
    }

    /// Brings the database up to date with `migrations`: applies, in order,
    /// each one it has not had yet, each in its own IMMEDIATE transaction
    /// together with its row in `schema_migrations (version, name,
    /// applied_at)`, so a migration that fails leaves nothing behind and the
    /// next start tries it again. Foreign keys are off while a migration runs
    /// (so it may rebuild a table) and checked with `foreign_key_check` before
    /// it commits.
    ///
    /// The work runs on GRDB's writer queue; the calling task waits without
    /// holding a thread of the concurrency pool.
    ///
    /// - Returns: the migrations applied now (none when it was up to date).
    /// - Throws: `StoreError` when the database was migrated by a newer
    ///   version (it has a migration `migrations` does not know), when its
    ///   history differs from `migrations` (another name for a version, a
    ///   hole), when it has tables but no `schema_migrations` (it is not a
    ///   Bizing database), or when a migration fails (naming it).
    @discardableResult
    public func migrate(_ migrations: MigrationSet) async throws(StoreError) -> [Migration] {
        let migrator = Migrator(migrations: migrations, path: path, clock: clock)
        do {
            return try await pool.writeWithoutTransaction { db in try migrator.run(db) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("cannot migrate the database \(path): \(Self.message(error))")
        }
    }

    /// The migrations the database has recorded, in order (none before the
    /// first `migrate`).
    public func appliedMigrations() async throws(StoreError) -> [AppliedMigration] {
        do {
            return try await pool.read { db in
                guard try db.tableExists(Migrator.table) else { return [] }
                return try Row.fetchAll(db, sql: "SELECT version, name, applied_at FROM \(Migrator.table) ORDER BY version").map {
                    AppliedMigration(version: $0["version"], name: $0["name"], appliedAt: Date(unixMicroseconds: $0["applied_at"]))
                }
            }
        } catch {
            throw StoreError("cannot read the migrations of the database \(path): \(Self.message(error))")
        }
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}

/// Runs a `MigrationSet` on the writer connection.
struct Migrator: Sendable {
    static let table = "schema_migrations"

    let migrations: MigrationSet
    let path: String
    let clock: any Clock

    func run(_ db: Database) throws -> [Migration] {
        try prepare(db)
        var applied: [Migration] = []
        while let migration = try applyNext(db) {
            applied.append(migration)
        }
        return applied
    }

    /// Creates `schema_migrations` in a new database. A database with tables
    /// but without it was not made by Bizing: it is left alone.
    private func prepare(_ db: Database) throws {
        try db.inTransaction(.immediate) {
            if try db.tableExists(Self.table) { return .commit }
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name
                """)
            guard names.isEmpty else {
                let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", ..." : "")
                throw StoreError("""
                    the database \(path) has tables (\(shown)) but no \(Self.table): it was not made by bizingd; \
                    refusing to change it (use another --db)
                    """)
            }
            try db.execute(sql: """
                CREATE TABLE \(Self.table) (
                    version INTEGER NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at INTEGER NOT NULL
                ) STRICT
                """)
            return .commit
        }
    }

    /// Checks the recorded history, then applies the first migration not
    /// recorded, in one transaction with foreign keys off (the way SQLite
    /// documents for schema changes: off, begin, change, foreign_key_check,
    /// commit, on). Returns nil when every migration is recorded.
    private func applyNext(_ db: Database) throws -> Migration? {
        try db.execute(sql: "PRAGMA foreign_keys = OFF")
        var applied: Migration?
        var failure: (any Error)?
        do {
            try db.inTransaction(.immediate) {
                let recorded = try Row.fetchAll(db, sql: "SELECT version, name FROM \(Self.table) ORDER BY version")
                    .map { (version: $0["version"] as Int, name: $0["name"] as String) }
                try check(recorded)
                guard recorded.count < migrations.migrations.count else { return .commit }
                let next = migrations.migrations[recorded.count]
                do {
                    try db.execute(sql: next.sql)
                    try db.execute(
                        sql: "INSERT INTO \(Self.table) (version, name, applied_at) VALUES (?, ?, ?)",
                        arguments: [next.version, next.name, clock.nowMicroseconds])
                    try db.checkForeignKeys()
                } catch {
                    throw StoreError("""
                        migration \(next.label) failed on the database \(path), which is left as it was before it: \
                        \(BizingStore.message(error))
                        """)
                }
                applied = next
                return .commit
            }
        } catch {
            failure = error
        }
        do {
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        } catch {
            if failure == nil { failure = error }
        }
        if let failure { throw failure }
        return applied
    }

    /// The database's history must be a prefix of `migrations`: versions
    /// 1...n, with the same names.
    private func check(_ recorded: [(version: Int, name: String)]) throws {
        let latest = migrations.latestVersion
        let unknown = recorded.filter { $0.version > latest }
        if !unknown.isEmpty {
            let labels = unknown.prefix(5).map { Migration.label(version: $0.version, name: $0.name) }
            let known = migrations.migrations.last.map { "migrations up to \($0.label)" } ?? "no migrations"
            throw StoreError("""
                the database \(path) was migrated by a newer version of bizingd: it has \
                migration\(unknown.count == 1 ? "" : "s") \(labels.joined(separator: ", "))\(unknown.count > 5 ? ", ..." : ""), \
                and this bizingd knows \(known); run a bizingd at least as new, or restore a backup taken before the upgrade
                """)
        }
        for (index, entry) in recorded.enumerated() {
            guard entry.version == index + 1 else {
                let versions = recorded.map { String($0.version) }.joined(separator: ", ")
                throw StoreError("""
                    the database \(path) has a damaged migration history: \(Self.table) records versions \(versions), \
                    not 1, 2, 3, ...
                    """)
            }
            let known = migrations.migrations[index]
            guard known.name == entry.name else {
                throw StoreError("""
                    the database \(path) has migration \(Migration.label(version: entry.version, name: entry.name)) where \
                    this bizingd has \(known.label): it was migrated by a different line of development; refusing to migrate it
                    """)
            }
        }
    }
}
