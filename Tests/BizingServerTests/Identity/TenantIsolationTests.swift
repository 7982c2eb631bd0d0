import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB
import Identity
import NIOCore
import Testing

/// Two organizations with random people, roles, service tokens and
/// households. Every call made with one organization's credentials (each
/// member's session and each service token) that names an object of the
/// other answers NOT_FOUND (or, for a service token and a household,
/// PERMISSION_DENIED), no answer carries any of the other's ids or emails,
/// and the other's rows are byte for byte what they were.
@Suite struct TenantIsolationTests {
    struct Tenant {
        let organization: OrganizationRecord
        var members: [(record: UserRecord, token: String, role: Role)] = []
        var serviceTokens: [(record: ServiceTokenRecord, token: String)] = []
        var households: [HouseholdRecord] = []

        var credentials: [String] { members.map(\.token) + serviceTokens.map(\.token) }
        /// Every id and email of the tenant, as they appear on the wire.
        var identifiers: [String] {
            [organization.id.lowercasedString, organization.slug]
                + members.flatMap { [$0.record.id.lowercasedString, $0.record.email ?? ""] }
                + serviceTokens.map { $0.record.id.lowercasedString }
                + households.map { $0.id.lowercasedString }
        }
    }

    static func tenant(_ h: IdentityHarness, _ name: String, using random: inout some RandomNumberGenerator) async throws -> Tenant {
        let owner = try await h.user("\(name) Owner")
        var tenant = Tenant(organization: try await h.organization(slug: name.lowercased(), owner: owner.record.id))
        tenant.members.append((owner.record, owner.token, .owner))
        for index in 0..<Int.random(in: 3...6, using: &random) {
            let role = Role.allCases.randomElement(using: &random)!
            let person = try await h.user("\(name) Member \(index)")
            let scope: MembershipScope = [.owner, .admin].contains(role) ? .allLocations : .locations([UUID()])
            _ = try await h.fixtures.addMembership(organizationID: tenant.organization.id, userID: person.record.id, role: role, scope: scope)
            tenant.members.append((person.record, person.token, role))
        }
        for index in 0..<Int.random(in: 1...3, using: &random) {
            let role = [Role.admin, .manager, .staff].randomElement(using: &random)!
            tenant.serviceTokens.append(try await h.fixtures.issueServiceToken(organizationID: tenant.organization.id, name: "\(name) svc \(index)", role: role))
        }
        // A family around a random member, with a child who does not sign in.
        let primary = tenant.members.randomElement(using: &random)!
        let child = try await h.user("\(name) Child", password: false)
        tenant.households.append(try await h.fixtures.createHousehold(
            name: "\(name) family", kind: .family, primary: primary.record.id,
            members: [HouseholdMemberRecord.new(userID: child.record.id, role: .minor)]))
        return tenant
    }

    /// Every row of `tenant` in every Identity table, as text.
    static func snapshot(_ h: IdentityHarness, _ tenant: Tenant) async throws -> [String] {
        let organization = tenant.organization.id.lowercasedString
        let users = tenant.members.map(\.record.id.lowercasedString) + tenant.households.flatMap { $0.members.map(\.userID.lowercasedString) }
        let households = tenant.households.map(\.id.lowercasedString)
        return try await h.fixtures.store.read { db in
            func rows(_ sql: String, _ arguments: StatementArguments) throws -> [String] {
                try Row.fetchAll(db, sql: sql, arguments: arguments).map(\.description)
            }
            let userList = "(" + users.map { _ in "?" }.joined(separator: ",") + ")"
            let householdList = "(" + households.map { _ in "?" }.joined(separator: ",") + ")"
            return try rows("SELECT * FROM organizations WHERE id = ?", [organization])
                + rows("SELECT * FROM org_memberships WHERE organization_id = ? ORDER BY id", [organization])
                + rows("SELECT * FROM service_tokens WHERE organization_id = ? ORDER BY id", [organization])
                + rows("SELECT * FROM users WHERE id IN \(userList) ORDER BY id", StatementArguments(users))
                + rows("SELECT * FROM sessions WHERE user_id IN \(userList) ORDER BY id", StatementArguments(users))
                + rows("SELECT * FROM households WHERE id IN \(householdList) ORDER BY id", StatementArguments(households))
                + rows("SELECT * FROM household_members WHERE household_id IN \(householdList) ORDER BY id", StatementArguments(households))
                + rows("SELECT * FROM household_member_managers WHERE household_id IN \(householdList)", StatementArguments(households))
        }
    }

    /// Every call naming one of `other`'s objects.
    static func attacks(on other: Tenant, newcomer: UUID) -> [(MethodDescriptor, any Encodable & Sendable)] {
        let organization = other.organization.id.uuidString
        var calls: [(MethodDescriptor, any Encodable & Sendable)] = [
            (IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: organization, includeInactive: true)),
            (IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: organization)),
            (IdentityV1.Organizations.update, IdentityV1.UpdateOrganizationRequest(organizationId: organization, name: "Taken over")),
            (IdentityV1.Organizations.delete, IdentityV1.DeleteOrganizationRequest(organizationId: organization)),
            (IdentityV1.Memberships.add, IdentityV1.AddMembershipRequest(organizationId: organization, userId: newcomer.uuidString, role: .admin)),
            (IdentityV1.ServiceTokens.create, IdentityV1.CreateServiceTokenRequest(organizationId: organization, name: "backdoor", role: .admin)),
            (IdentityV1.ServiceTokens.list, IdentityV1.ListServiceTokensRequest(organizationId: organization)),
            (IdentityV1.Memberships.accept, IdentityV1.AcceptMembershipRequest(organizationId: organization)),
        ]
        for member in other.members {
            let user = member.record.id.uuidString
            calls += [
                (IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: user)),
                (IdentityV1.Users.update, IdentityV1.UpdateUserRequest(userId: user, name: "Renamed", newPassword: "a new passphrase")),
                (IdentityV1.Memberships.change, IdentityV1.ChangeMembershipRequest(organizationId: organization, userId: user, role: .provider)),
                (IdentityV1.Memberships.deactivate, IdentityV1.DeactivateMembershipRequest(organizationId: organization, userId: user)),
            ]
        }
        for token in other.serviceTokens {
            calls.append((IdentityV1.ServiceTokens.revoke, IdentityV1.RevokeServiceTokenRequest(serviceTokenId: token.record.id.uuidString)))
        }
        for household in other.households {
            let id = household.id.uuidString
            calls += [
                (IdentityV1.Households.get, IdentityV1.GetHouseholdRequest(householdId: id)),
                (IdentityV1.Households.addMember, IdentityV1.AddHouseholdMemberRequest(householdId: id, userId: newcomer.uuidString, role: .adult)),
                (IdentityV1.Households.acceptInvitation, IdentityV1.AcceptInvitationRequest(householdId: id)),
            ]
            for member in household.members {
                calls += [
                    (IdentityV1.Households.updateMember, IdentityV1.UpdateHouseholdMemberRequest(householdId: id, userId: member.userID.uuidString, role: .adult)),
                    (IdentityV1.Households.removeMember, IdentityV1.RemoveHouseholdMemberRequest(householdId: id, userId: member.userID.uuidString)),
                ]
            }
        }
        return calls
    }

    /// The calls whose answers list things: none may carry the other tenant's ids.
    static func listings(of own: Tenant) -> [(MethodDescriptor, any Encodable & Sendable)] {
        [
            (IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest()),
            (IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: own.organization.id.uuidString, pageSize: 200, includeInactive: true)),
            (IdentityV1.ServiceTokens.list, IdentityV1.ListServiceTokensRequest(organizationId: own.organization.id.uuidString)),
            (IdentityV1.Households.list, IdentityV1.ListHouseholdsRequest()),
            (IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: own.organization.id.uuidString)),
        ]
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func oneOrganizationsCredentialsNeverReachTheOther(seed: UInt64) async throws {
        var random = SeededGenerator(seed: seed)
        let h = try await IdentityHarness.start()
        let a = try await Self.tenant(h, "Alpha", using: &random)
        let b = try await Self.tenant(h, "Bravo", using: &random)
        let newcomer = try await h.user("Newcomer").record.id

        for (attacker, victim) in [(a, b), (b, a)] {
            let before = try await Self.snapshot(h, victim)
            for credential in attacker.credentials {
                for (method, request) in Self.attacks(on: victim, newcomer: newcomer) {
                    let status = await h.status(method, request, token: credential)
                    #expect(status == .notFound || status == .permissionDenied, "\(method.fullName) with \(credential.prefix(4))…: \(status)")
                }
                for (method, request) in Self.listings(of: attacker) {
                    var buffer = ByteBuffer()
                    try ProtobufEncoder().encode(request, into: &buffer)
                    guard let answer = try? await h.client.unary(method.fullName, request: buffer, metadata: IdentityHarness.metadata(credential))
                    else { continue }  // a role that may not list gets nothing at all
                    let bytes = String(decoding: answer.readableBytesView, as: UTF8.self)
                    for identifier in victim.identifiers where !identifier.isEmpty {
                        #expect(!bytes.contains(identifier), "\(method.fullName) answered with \(identifier) of the other organization")
                    }
                }
            }
            #expect(try await Self.snapshot(h, victim) == before)
        }
        try await h.stop()
    }
}

/// SplitMix64: a reproducible random source for a test's data.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
