/// One numbered schema change: `schema/migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    /// 1, 2, 3, ...: the order migrations are applied in.
    public let version: Int
    /// The file name's part after the number (`identity` in `0001_identity.sql`).
    public let name: String
    /// The SQL, run as it is inside the migration's transaction. It must not
    /// contain BEGIN, COMMIT or ROLLBACK statements of its own.
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// `0001_identity`: the file name without `.sql`.
    public var label: String { Self.label(version: version, name: name) }

    static func label(version: Int, name: String) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + name
    }
}

/// The migrations a binary knows, checked: versions 1, 2, 3, ... with no gap
/// and no duplicate, names of lowercase letters, digits and `_`, no empty SQL.
public struct MigrationSet: Sendable {
    /// In version order.
    public let migrations: [Migration]

    /// - Throws: `StoreError` naming the gap, the duplicate, the bad name or
    ///   the empty migration.
    public init(_ migrations: [Migration]) throws(StoreError) {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (index, migration) in sorted.enumerated() {
            let expected = index + 1
            if migration.version < expected {
                let other = sorted[index - 1]
                throw StoreError("migration version \(migration.version) is used twice: \(other.label) and \(migration.label)")
            }
            if migration.version > expected {
                let missing = Migration.label(version: expected, name: "…")
                throw StoreError("migration \(missing) is missing: migrations are numbered 1, 2, 3, ... without gaps (next after \(expected - 1) is \(migration.label))")
            }
            guard !migration.name.isEmpty, migration.name.utf8.allSatisfy({ Self.nameBytes.contains($0) }) else {
                throw StoreError("migration \(migration.version) has the name '\(migration.name)'; use lowercase letters, digits and _")
            }
            guard migration.sql.contains(where: { !$0.isWhitespace }) else {
                throw StoreError("migration \(migration.label) has no SQL")
            }
        }
        self.migrations = sorted
    }

    /// The migrations in `schema/migrations`, embedded in the binary at
    /// build time by `scripts/generate`.
    public static var bizing: MigrationSet {
        get throws(StoreError) { try MigrationSet(embedded) }
    }

    /// The highest version, 0 when there is none.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    private static let nameBytes: Set<UInt8> = Set(Array("abcdefghijklmnopqrstuvwxyz0123456789_".utf8))
}
