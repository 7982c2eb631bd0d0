import BizingAPI
import BizingClient
import BizingRPC
import BizingServer
import BizingStore
import BizingWire
import Foundation
import GRDB
import Identity
import Testing

/// A database made by a bizingd that knew only 0001 is upgraded by this one
/// at start: household members from before invitations existed are members
/// (joined when they were added), and everything stays usable over RPC. (A
/// database newer than the binary is refused: DatabaseMigrationTests.)
@Suite struct IdentityMigrationTests {
    struct OldMember: Sendable {
        let userID: UUID
        let role: String
        let addedAt: Int64
    }

    static func server(_ folder: URL, database: String, clock: TestClock) async throws -> (BizingServer, RPCClient) {
        var configuration = ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, databasePath: database, threads: 2)
        configuration.clock = clock
        configuration.passwordParameters = fastScrypt
        configuration.synchronous = .normal
        let server = try await BizingServer.start(configuration)
        return (server, try await RPCClient.connect(socketPath: configuration.socketPath))
    }

    static func call<Request: Encodable & Sendable, Response: Decodable & Sendable>(
        _ client: RPCClient, _ method: MethodDescriptor, _ request: Request, token: String?, as: Response.Type = Response.self
    ) async throws -> Response {
        try await client.unary(method.fullName, request, as: Response.self, metadata: IdentityHarness.metadata(token))
    }

    @Test func aDatabaseAt0001IsUpgradedAndItsHouseholdMembersHaveJoined() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bizing.sqlite").path
        let clock = TestClock(Date())
        let migrations = try MigrationSet.bizing.migrations
        try #require(migrations.count >= 2 && migrations[1].name == "household_invitations")

        // A database as the first release left it.
        let old = try BizingStore.open(path: path, synchronous: .normal, clock: clock)
        try await old.migrate(MigrationSet([migrations[0]]))
        #expect(try await old.appliedMigrations().map(\.version) == [1])
        let identity = IdentityStore(old)
        let hash = try PasswordHasher(parameters: fastScrypt).hash(Password(fixturePassword))
        let pat = try await identity.insertUser(NewUser(email: EmailAddress("pat.old@example.com"), name: "Pat Old", phone: nil, passwordHash: hash))
        let alex = try await identity.insertUser(NewUser(email: EmailAddress("alex.old@example.com"), name: "Alex Old", phone: nil, passwordHash: hash))
        let kim = try await identity.insertUser(NewUser(email: nil, name: "Kim Old", phone: nil, passwordHash: nil))
        let former = try await identity.insertUser(NewUser(email: EmailAddress("former@example.com"), name: "Former", phone: nil, passwordHash: hash))
        // The organization and its owner's membership as 0001 stores them (today's provisioning writes 0003's columns).
        let organization = (id: old.ids.next(), membershipID: old.ids.next())
        try await old.write { db in
            let now = clock.nowMicroseconds
            try db.execute(
                sql: """
                    INSERT INTO organizations (id, slug, name, type, time_zone, currency, created_at, updated_at)
                    VALUES (?, 'old-spa', 'Old Spa', 'small_business', 'Europe/London', 'GBP', ?, ?)
                    """,
                arguments: [organization.id.lowercasedString, now, now])
            try db.execute(
                sql: """
                    INSERT INTO org_memberships (id, organization_id, user_id, role, status, created_at, updated_at)
                    VALUES (?, ?, ?, 'owner', 'active', ?, ?)
                    """,
                arguments: [organization.membershipID.lowercasedString, organization.id.lowercasedString, pat.id.lowercasedString, now, now])
        }
        let oldSession = try await identity.openSession(userID: pat.id)
        let (_, oldServiceToken) = try await identity.issueServiceToken(organizationID: organization.id, name: "legacy", role: .admin)

        let householdID = old.ids.next()
        let start = clock.now.addingTimeInterval(-30 * 86_400).unixMicroseconds
        let members = [
            OldMember(userID: pat.id, role: "primary", addedAt: start),
            OldMember(userID: alex.id, role: "adult", addedAt: start + 1_000_000),
            OldMember(userID: kim.id, role: "minor", addedAt: start + 2_000_000),
            OldMember(userID: former.id, role: "adult", addedAt: start + 3_000_000),
        ]
        let rowIDs = members.map { _ in old.ids.next() }
        try await old.write { db in
            try db.execute(
                sql: "INSERT INTO households (id, name, type, primary_contact_id, created_at, updated_at) VALUES (?, 'The Olds', 'family', ?, ?, ?)",
                arguments: [householdID.lowercasedString, pat.id.lowercasedString, start, start])
            for (member, rowID) in zip(members, rowIDs) {
                let flags: (Int, Int, Int, String) = switch member.role {
                case "primary": (1, 1, 1, "none")
                case "adult": (1, 1, 0, "none")
                default: (0, 0, 0, "all")
                }
                try db.execute(
                    sql: """
                        INSERT INTO household_members
                            (id, household_id, user_id, role, can_book_for_others, can_view_others_bookings, can_modify_others_bookings,
                             approval_required_for, relationship, date_of_birth, created_at, updated_at, removed_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        rowID.lowercasedString, householdID.lowercasedString, member.userID.lowercasedString, member.role,
                        flags.0, flags.1, flags.2, flags.3, member.role == "minor" ? "child" : nil,
                        member.role == "minor" ? "2015-01-02" : nil, member.addedAt, member.addedAt,
                        member.userID == former.id ? member.addedAt + 500_000 : nil,
                    ])
            }
            try db.execute(
                sql: "INSERT INTO household_member_managers (household_id, member_user_id, manager_user_id, created_at) VALUES (?, ?, ?, ?)",
                arguments: [householdID.lowercasedString, kim.id.lowercasedString, alex.id.lowercasedString, start + 2_000_000])
        }
        try old.close()

        // This bizingd starts on it and upgrades it.
        var (server, client) = try await Self.server(folder, database: path, clock: clock)
        let store = try BizingStore.open(path: path, synchronous: .normal, clock: clock)
        #expect(try await store.appliedMigrations().map(\.version) == migrations.map(\.version))
        let rows = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT user_id, created_at, joined_at, invited_by FROM household_members ORDER BY created_at").map {
                (user: $0["user_id"] as String, created: $0["created_at"] as Int64, joined: $0["joined_at"] as Int64?, invitedBy: $0["invited_by"] as String?)
            }
        }
        #expect(rows.map(\.user) == members.map(\.userID.lowercasedString))
        for row in rows {
            #expect(row.joined == row.created, "members from before invitations joined when they were added")
            #expect(row.invitedBy == nil)
        }

        // Their credentials still work, the new ones too.
        let who: IdentityV1.WhoAmIResponse = try await Self.call(client, IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: oldSession)
        #expect(who.user?.id == pat.id.lowercasedString)
        #expect(who.memberships.map(\.organizationSlug) == ["old-spa"])
        let service: IdentityV1.WhoAmIResponse = try await Self.call(
            client, IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: oldServiceToken)
        #expect(service.serviceToken?.name == "legacy" && service.serviceToken?.role == .admin)
        let signedIn: IdentityV1.SignInResponse = try await Self.call(
            client, IdentityV1.Sessions.signIn, IdentityV1.SignInRequest(email: "alex.old@example.com", password: fixturePassword), token: nil)
        let alexToken = signedIn.token

        // The household reads as it was, everyone a member since they were added.
        let household: IdentityV1.Household = try await Self.call(
            client, IdentityV1.Households.get, IdentityV1.GetHouseholdRequest(householdId: householdID.lowercasedString), token: oldSession)
        #expect(household.name == "The Olds" && household.primaryContactId == pat.id.lowercasedString)
        #expect(household.members.map(\.userId) == [pat.id, alex.id, kim.id].map(\.lowercasedString), "the former member stays removed")
        for member in household.members {
            let added = try #require(members.first { $0.userID.lowercasedString == member.userId }).addedAt
            #expect(member.joinedAt?.unixMicroseconds == added, "\(member.name)")
        }
        let kimMember = try #require(household.member(kim.id.lowercasedString))
        #expect(kimMember.role == .minor && kimMember.relationship == .child && kimMember.dateOfBirth == "2015-01-02")
        #expect(kimMember.managedBy == [alex.id.lowercasedString])
        #expect(kimMember.permissions?.approvalRequiredFor == .all)
        #expect(household.member(alex.id.lowercasedString)?.permissions == IdentityV1.HouseholdPermissions(
            canBookForOthers: true, canViewOthersBookings: true, canModifyOthersBookings: false, approvalRequiredFor: IdentityV1.Approval.none))

        // ...with a member's rights: Alex (who shares no organization with them) sees Pat and,
        // as Kim's manager, changes Kim's profile.
        let seen: IdentityV1.User = try await Self.call(
            client, IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: pat.id.lowercasedString), token: alexToken)
        #expect(seen.name == "Pat Old")
        let renamed: IdentityV1.User = try await Self.call(
            client, IdentityV1.Users.update, IdentityV1.UpdateUserRequest(userId: kim.id.lowercasedString, name: "Kimberly Old"), token: alexToken)
        #expect(renamed.name == "Kimberly Old")

        // New invitations work on the upgraded table: the former member is invited back.
        let invited: IdentityV1.Household = try await Self.call(
            client, IdentityV1.Households.addMember,
            IdentityV1.AddHouseholdMemberRequest(householdId: householdID.lowercasedString, userId: former.id.lowercasedString, role: .adult),
            token: oldSession)
        #expect(invited.member(former.id.lowercasedString)?.joinedAt == nil)
        let members2: IdentityV1.ListMembersResponse = try await Self.call(
            client, IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: organization.id.lowercasedString), token: oldSession)
        #expect(members2.members.compactMap(\.user?.id) == [pat.id.lowercasedString])

        // A second start finds nothing to migrate and the data as it was.
        try await client.close()
        try await server.stop()
        (server, client) = try await Self.server(folder, database: path, clock: clock)
        #expect(try await store.appliedMigrations().map(\.version) == migrations.map(\.version))
        let again: IdentityV1.Household = try await Self.call(
            client, IdentityV1.Households.get, IdentityV1.GetHouseholdRequest(householdId: householdID.lowercasedString), token: alexToken)
        #expect(again.members.map(\.userId) == household.members.map(\.userId) + [former.id.lowercasedString])
        #expect(Array(again.members.prefix(3).map(\.joinedAt)) == household.members.map(\.joinedAt))
        try await client.close()
        try await server.stop()
        try store.close()
    }

    @Test func aFreshDatabaseIsAtTheLatestMigrationAndWorks() async throws {
        try await withIdentityHarness { h in
            let migrations = try MigrationSet.bizing.migrations
            #expect(try await h.fixtures.store.appliedMigrations().map(\.name) == migrations.map(\.name))
            let columns = try await h.fixtures.store.read { db in
                try Row.fetchAll(db, sql: "PRAGMA table_info(household_members)").map { $0["name"] as String }
            }
            #expect(columns.contains("joined_at") && columns.contains("invited_by"))

            let primary = try await h.user("Fresh Primary"), adult = try await h.user("Fresh Adult")
            let household: IdentityV1.Household = try await h.call(
                IdentityV1.Households.create, IdentityV1.CreateHouseholdRequest(name: "Fresh"), token: primary.token)
            let invited: IdentityV1.Household = try await h.call(
                IdentityV1.Households.addMember,
                IdentityV1.AddHouseholdMemberRequest(householdId: household.id, userId: adult.record.id.lowercasedString, role: .adult),
                token: primary.token)
            #expect(invited.member(adult.record.id.lowercasedString)?.joinedAt == nil)
            let invitedBy = try await h.fixtures.store.read { db in
                try String.fetchOne(
                    db, sql: "SELECT invited_by FROM household_members WHERE user_id = ?", arguments: [adult.record.id.lowercasedString])
            }
            #expect(invitedBy == primary.record.id.lowercasedString)
        }
    }
}
