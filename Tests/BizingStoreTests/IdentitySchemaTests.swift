import Testing
import Foundation
import GRDB
import BizingStore

/// What 0001_identity.sql enforces by itself, and that every lookup the
/// Identity RPCs make is an index search.
@Suite struct IdentitySchemaTests {
    /// Inserts a user; returns its id.
    @discardableResult
    static func user(_ db: Database, _ store: BizingStore, email: String?) throws -> String {
        let id = store.ids.next().lowercasedString
        let now = store.clock.nowMicroseconds
        try db.execute(
            sql: "INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, ?, 'Someone', ?, ?)",
            arguments: [id, email, now, now])
        return id
    }

    @discardableResult
    static func organization(_ db: Database, _ store: BizingStore, slug: String) throws -> String {
        let id = store.ids.next().lowercasedString
        try db.execute(sql: """
            INSERT INTO organizations (id, slug, name, type, time_zone, currency, created_at, updated_at)
            VALUES (?, ?, 'Org', 'small_business', 'Europe/Paris', 'EUR', 0, 0)
            """, arguments: [id, slug])
        return id
    }

    static func household(_ db: Database, _ store: BizingStore, contact: String) throws -> String {
        let id = store.ids.next().lowercasedString
        try db.execute(sql: "INSERT INTO households (id, name, primary_contact_id, created_at, updated_at) VALUES (?, 'Smith', ?, 0, 0)",
                       arguments: [id, contact])
        return id
    }

    static func member(_ db: Database, _ store: BizingStore, household: String, user: String, role: String = "adult") throws {
        try db.execute(sql: """
            INSERT INTO household_members (id, household_id, user_id, role, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)
            """, arguments: [store.ids.next().lowercasedString, household, user, role])
    }

    @Test func emailsAreUniqueIgnoringCaseAmongUsersNotDeleted() async throws {
        let temporary = try await TemporaryStore.migrated()
        defer { temporary.remove() }
        let store = temporary.store
        try await store.write { db throws in
            let ann = try Self.user(db, store, email: "Ann@Example.com")
            #expect(db.failure { try Self.user($0, store, email: "ann@example.COM") } == .SQLITE_CONSTRAINT_UNIQUE)
            // Users without an email (a child in a household) do not collide.
            _ = try Self.user(db, store, email: nil)
            _ = try Self.user(db, store, email: nil)
            // The lookup finds her whatever the case.
            #expect(try String.fetchOne(db, sql: "SELECT id FROM users WHERE email = ? AND deleted_at IS NULL", arguments: ["ANN@example.com"]) == ann)
            // Once she is deleted, the address may be used again.
            try db.execute(sql: "UPDATE users SET deleted_at = 1 WHERE id = ?", arguments: [ann])
            _ = try Self.user(db, store, email: "ann@example.com")
            #expect(db.failure { try Self.user($0, store, email: "not an address") } == .SQLITE_CONSTRAINT_CHECK)
        }
    }

    @Test func foreignKeysAreEnforcedAndRestrictDeletion() async throws {
        let temporary = try await TemporaryStore.migrated()
        defer { temporary.remove() }
        let store = temporary.store
        try await store.write { db throws in
            let token = Data(repeating: 7, count: 32)
            #expect(db.failure {
                try $0.execute(sql: "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, 0, 1)",
                               arguments: [store.ids.next().lowercasedString, store.ids.next().lowercasedString, token])
            } == .SQLITE_CONSTRAINT_FOREIGNKEY)
            let user = try Self.user(db, store, email: "bob@example.com")
            try db.execute(sql: "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, 0, 1)",
                           arguments: [store.ids.next().lowercasedString, user, token])
            // The same token hash twice is refused; so is one that is not a SHA-256.
            #expect(db.failure {
                try $0.execute(sql: "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, 0, 1)",
                               arguments: [store.ids.next().lowercasedString, user, token])
            } == .SQLITE_CONSTRAINT_UNIQUE)
            #expect(db.failure {
                try $0.execute(sql: "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, 0, 1)",
                               arguments: [store.ids.next().lowercasedString, user, Data([1, 2, 3])])
            } == .SQLITE_CONSTRAINT_CHECK)
            // A user with a session cannot be deleted (soft deletion is the norm).
            #expect(db.failureMessage { try $0.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [user]) } == "FOREIGN KEY constraint failed")

            let organization = try Self.organization(db, store, slug: "spa")
            #expect(db.failure {
                try $0.execute(sql: """
                    INSERT INTO org_memberships (id, organization_id, user_id, role, created_at, updated_at) VALUES (?, ?, ?, 'owner', 0, 0)
                    """, arguments: [store.ids.next().lowercasedString, organization, store.ids.next().lowercasedString])
            } == .SQLITE_CONSTRAINT_FOREIGNKEY)
            try db.execute(sql: """
                INSERT INTO org_memberships (id, organization_id, user_id, role, created_at, updated_at) VALUES (?, ?, ?, 'owner', 0, 0)
                """, arguments: [store.ids.next().lowercasedString, organization, user])
            #expect(db.failure {
                try $0.execute(sql: """
                    INSERT INTO org_memberships (id, organization_id, user_id, role, created_at, updated_at) VALUES (?, ?, ?, 'staff', 0, 0)
                    """, arguments: [store.ids.next().lowercasedString, organization, user])
            } == .SQLITE_CONSTRAINT_UNIQUE)
            #expect(db.failureMessage { try $0.execute(sql: "DELETE FROM organizations WHERE id = ?", arguments: [organization]) }
                == "FOREIGN KEY constraint failed")
        }
    }

    @Test func aManagerMustBelongToTheSameHousehold() async throws {
        let temporary = try await TemporaryStore.migrated()
        defer { temporary.remove() }
        let store = temporary.store
        try await store.write { db throws in
            let parent = try Self.user(db, store, email: "parent@example.com")
            let child = try Self.user(db, store, email: nil)
            let stranger = try Self.user(db, store, email: "stranger@example.com")
            let smiths = try Self.household(db, store, contact: parent)
            let others = try Self.household(db, store, contact: stranger)
            try Self.member(db, store, household: smiths, user: parent, role: "primary")
            try Self.member(db, store, household: smiths, user: child, role: "minor")
            try Self.member(db, store, household: others, user: stranger, role: "primary")
            let manage = "INSERT INTO household_member_managers (household_id, member_user_id, manager_user_id, created_at) VALUES (?, ?, ?, 0)"
            try db.execute(sql: manage, arguments: [smiths, child, parent])
            #expect(db.failure { try $0.execute(sql: manage, arguments: [smiths, child, stranger]) } == .SQLITE_CONSTRAINT_FOREIGNKEY)
            #expect(db.failure { try $0.execute(sql: manage, arguments: [smiths, child, child]) } == .SQLITE_CONSTRAINT_CHECK)
            // One membership per user and household; roles and dates are checked.
            #expect(db.failure { try Self.member($0, store, household: smiths, user: child) } == .SQLITE_CONSTRAINT_UNIQUE)
            #expect(db.failure { try Self.member($0, store, household: others, user: child, role: "boss") } == .SQLITE_CONSTRAINT_CHECK)
            #expect(db.failure {
                try $0.execute(sql: "UPDATE household_members SET date_of_birth = '2020-02-30' WHERE user_id = ?", arguments: [child])
            } == .SQLITE_CONSTRAINT_CHECK)
            try db.execute(sql: "UPDATE household_members SET date_of_birth = '2020-02-29' WHERE user_id = ?", arguments: [child])
        }
    }

    @Test func columnsHoldTheirTypesAndIdsAreLowercaseUUIDs() async throws {
        let temporary = try await TemporaryStore.migrated()
        defer { temporary.remove() }
        let store = temporary.store
        try await store.write { db throws in
            let insert = "INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, NULL, 'X', ?, 0)"
            let id = store.ids.next()
            // uuidString is uppercase; a UUID passed as is is a 16-byte blob: both refused.
            #expect(db.failure { try $0.execute(sql: insert, arguments: [id.uuidString, 0]) } == .SQLITE_CONSTRAINT_CHECK)
            #expect(db.failure { try $0.execute(sql: insert, arguments: [id, 0]) } != nil)
            // Instants are integers (STRICT tables): text or a real is refused.
            #expect(db.failure { try $0.execute(sql: insert, arguments: [id.lowercasedString, "2026-01-01"]) } == .SQLITE_CONSTRAINT_DATATYPE)
            #expect(db.failure { try $0.execute(sql: insert, arguments: [id.lowercasedString, 1.5]) } == .SQLITE_CONSTRAINT_DATATYPE)
            try db.execute(sql: insert, arguments: [id.lowercasedString, 0])

            // Organization: slug, currency, type and JSON columns are checked.
            let org = "INSERT INTO organizations (id, slug, name, type, time_zone, currency, features, created_at, updated_at) VALUES (?, ?, 'O', ?, 'UTC', ?, ?, 0, 0)"
            func organization(slug: String = "ok", type: String = "enterprise", currency: String = "USD", features: String = "{}") -> ResultCode? {
                db.failure { try $0.execute(sql: org, arguments: [store.ids.next().lowercasedString, slug, type, currency, features]) }
            }
            #expect(organization(slug: "Upper") == .SQLITE_CONSTRAINT_CHECK)
            #expect(organization(slug: "-dash") == .SQLITE_CONSTRAINT_CHECK)
            #expect(organization(type: "huge") == .SQLITE_CONSTRAINT_CHECK)
            #expect(organization(currency: "usd") == .SQLITE_CONSTRAINT_CHECK)
            #expect(organization(currency: "EURO") == .SQLITE_CONSTRAINT_CHECK)
            #expect(organization(features: "[]") == .SQLITE_CONSTRAINT_CHECK)
            #expect(organization(features: "{nope") != nil)
            #expect(organization(slug: "yoga-studio-2") == nil)
            #expect(organization(slug: "yoga-studio-2") == .SQLITE_CONSTRAINT_UNIQUE)
        }
    }

    @Test func everyTableIsStrictWithRestrictingForeignKeysAndOrgScopedTablesLeadWithTheOrganization() async throws {
        let temporary = try await TemporaryStore.migrated()
        defer { temporary.remove() }
        try await temporary.store.read { db throws in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'")
            #expect(tables.count >= 9)
            for table in tables {
                #expect(try Bool.fetchOne(db, sql: "SELECT strict FROM pragma_table_list WHERE name = ?", arguments: [table]) == true,
                        "\(table) is not STRICT")
                for foreignKey in try Row.fetchAll(db, sql: "SELECT * FROM pragma_foreign_key_list(?)", arguments: [table]) {
                    #expect(foreignKey["on_delete"] as String == "RESTRICT", "\(table) → \(foreignKey["table"] as String)")
                }
                let columns = try Row.fetchAll(db, sql: "SELECT name, \"notnull\" FROM pragma_table_info(?)", arguments: [table])
                guard let organization = columns.first(where: { $0["name"] as String == "organization_id" }) else { continue }
                #expect(organization["notnull"] as Bool, "\(table).organization_id may be NULL")
                let leading = try String.fetchAll(db, sql: """
                    SELECT il.name FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii ON ii.seqno = 0
                    WHERE ii.name = 'organization_id'
                    """, arguments: [table])
                #expect(!leading.isEmpty, "\(table) has no index leading with organization_id")
            }
        }
    }

    /// Every lookup the Identity RPCs make, and the index it must use.
    static let lookups: [(sql: String, index: String)] = [
        ("SELECT * FROM organizations WHERE id = ?", "sqlite_autoindex_organizations_1"),
        ("SELECT * FROM organizations WHERE slug = ?", "sqlite_autoindex_organizations_2"),
        ("SELECT * FROM users WHERE id = ?", "sqlite_autoindex_users_1"),
        ("SELECT * FROM users WHERE email = ? AND deleted_at IS NULL", "users_email"),
        ("SELECT * FROM sessions WHERE token_hash = ?", "sqlite_autoindex_sessions_2"),
        ("SELECT * FROM sessions WHERE user_id = ?", "sessions_user"),
        ("SELECT * FROM service_tokens WHERE token_hash = ?", "sqlite_autoindex_service_tokens_2"),
        ("SELECT * FROM service_tokens WHERE organization_id = ? ORDER BY created_at DESC", "service_tokens_organization"),
        ("SELECT * FROM org_memberships WHERE organization_id = ? AND user_id = ?", "sqlite_autoindex_org_memberships_2"),
        ("SELECT * FROM org_memberships WHERE organization_id = ? AND id > ? ORDER BY id", "org_memberships_organization"),
        ("SELECT * FROM org_memberships WHERE user_id = ?", "org_memberships_user"),
        ("SELECT * FROM households WHERE primary_contact_id = ?", "households_primary_contact"),
        ("SELECT * FROM household_members WHERE household_id = ?", "sqlite_autoindex_household_members_2"),
        ("SELECT * FROM household_members WHERE user_id = ?", "household_members_user"),
        ("SELECT * FROM household_member_managers WHERE household_id = ? AND member_user_id = ?", "PRIMARY KEY"),
        ("SELECT * FROM household_member_managers WHERE household_id = ?", "PRIMARY KEY"),
        ("SELECT * FROM household_member_managers WHERE manager_user_id = ?", "household_member_managers_manager"),
    ]

    @Test func everyLookupUsesAnIndex() async throws {
        let temporary = try await TemporaryStore.migrated()
        defer { temporary.remove() }
        try await temporary.store.read { db throws in
            for lookup in Self.lookups {
                let arguments = StatementArguments(Array(repeating: "x", count: lookup.sql.filter { $0 == "?" }.count))!
                // EXPLAIN QUERY PLAN rows are (id, parent, notused, detail).
                let details = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + lookup.sql, arguments: arguments).map { $0["detail"] as String }
                #expect(details.allSatisfy { !$0.hasPrefix("SCAN") && !$0.contains("TEMP B-TREE") }, "\(lookup.sql): \(details)")
                #expect(details.contains { $0.hasPrefix("SEARCH") && $0.contains(lookup.index) }, "\(lookup.sql): \(details)")
            }
        }
    }
}
