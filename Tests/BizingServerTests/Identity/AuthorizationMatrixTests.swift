import BizingAPI
import BizingRPC
import BizingWire
import Foundation
import Identity
import Testing

/// Every Identity RPC x every kind of caller, over the real socket: the
/// status each gets. A row's target objects belong to organization A (or to
/// a household none of the callers is in); each row gets a fresh world and
/// each cell a freshly minted token, so no cell sees another's effects.
@Suite struct AuthorizationMatrixTests {
    enum Caller: String, CaseIterable, CustomStringConvertible {
        case none, garbage, expired, revoked
        /// The owner of organization B.
        case otherOrganization
        case owner, admin, manager, staff, provider
        /// An admin service token of organization A.
        case service

        var description: String { rawValue }

        static let unauthenticated: [Caller] = [.none, .garbage, .expired, .revoked]
        static let roles: [Caller] = [.owner, .admin, .manager, .staff, .provider]

        func token(_ h: IdentityHarness, _ world: IdentityWorld) async throws -> String? {
            switch self {
            case .none: nil
            case .garbage: "bzs_not-a-token"
            case .expired: try await h.expiredSession(userID: world.member(.owner).record.id)
            case .revoked: try await h.revokedSession(userID: world.member(.owner).record.id)
            case .otherOrganization: try await h.fixtures.openSession(userID: world.otherOwner.record.id)
            case .service: world.adminService
            case .owner, .admin, .manager, .staff, .provider:
                try await h.fixtures.openSession(userID: world.member(Role(rawValue: rawValue)!).record.id)
            }
        }
    }

    typealias Request = any Encodable & Sendable

    struct Row: CustomStringConvertible {
        let method: MethodDescriptor
        let request: @Sendable (IdentityHarness, IdentityWorld) async throws -> Request
        let expected: [Caller: StatusCode]
        var description: String { method.fullName }
    }

    /// Expected statuses: the four unauthenticated callers get
    /// UNAUTHENTICATED unless the method is open; `roles` is what every role
    /// of A gets unless `overrides` says otherwise.
    static func expect(
        roles: StatusCode, other: StatusCode, service: StatusCode, overrides: [Caller: StatusCode] = [:], open: Bool = false
    ) -> [Caller: StatusCode] {
        var expected: [Caller: StatusCode] = [.otherOrganization: other, .service: service]
        for caller in Caller.unauthenticated { expected[caller] = open ? .ok : .unauthenticated }
        for caller in Caller.roles { expected[caller] = roles }
        return expected.merging(overrides) { $1 }
    }

    static let managersOnly: [Caller: StatusCode] = [.owner: .ok, .admin: .ok]

    static func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    static let rows: [Row] = [
        // Users
        Row(method: IdentityV1.Users.register, request: { _, _ in
            IdentityV1.RegisterRequest(email: "\(unique("new"))@example.com", name: "New Person", password: "a long passphrase")
        }, expected: expect(roles: .ok, other: .ok, service: .ok)),
        Row(method: IdentityV1.Users.get, request: { _, world in
            IdentityV1.GetUserRequest(userId: world.member(.staff).record.id.uuidString)
        }, expected: expect(roles: .ok, other: .notFound, service: .ok)),
        Row(method: IdentityV1.Users.update, request: { h, world in
            let extra = try await h.user("Extra")
            _ = try await h.fixtures.addMembership(organizationID: world.a.id, userID: extra.record.id, role: .staff)
            return IdentityV1.UpdateUserRequest(userId: extra.record.id.uuidString, name: "Renamed")
        }, expected: expect(roles: .permissionDenied, other: .notFound, service: .permissionDenied)),
        Row(method: IdentityV1.Users.listMembers, request: { _, world in
            IdentityV1.ListMembersRequest(organizationId: world.a.id.uuidString)
        }, expected: expect(roles: .ok, other: .notFound, service: .ok)),
        // Sessions
        Row(method: IdentityV1.Sessions.signIn, request: { _, world in
            IdentityV1.SignInRequest(email: world.member(.staff).record.email!, password: fixturePassword)
        }, expected: expect(roles: .ok, other: .ok, service: .ok, open: true)),
        Row(method: IdentityV1.Sessions.signOut, request: { _, _ in IdentityV1.SignOutRequest() },
            expected: expect(roles: .ok, other: .ok, service: .failedPrecondition)),
        Row(method: IdentityV1.Sessions.whoAmI, request: { _, _ in IdentityV1.WhoAmIRequest() },
            expected: expect(roles: .ok, other: .ok, service: .ok)),
        // Organizations
        Row(method: IdentityV1.Organizations.create, request: { _, _ in
            IdentityV1.CreateOrganizationRequest(slug: unique("new"), name: "New", timeZone: "Asia/Kathmandu", currency: "NPR")
        }, expected: expect(roles: .ok, other: .ok, service: .permissionDenied)),
        Row(method: IdentityV1.Organizations.get, request: { _, world in
            IdentityV1.GetOrganizationRequest(organizationId: world.a.id.uuidString)
        }, expected: expect(roles: .ok, other: .notFound, service: .ok)),
        Row(method: IdentityV1.Organizations.update, request: { _, world in
            IdentityV1.UpdateOrganizationRequest(organizationId: world.a.id.uuidString, name: "Renamed")
        }, expected: expect(roles: .permissionDenied, other: .notFound, service: .ok, overrides: managersOnly)),
        Row(method: IdentityV1.Organizations.delete, request: { _, world in
            IdentityV1.DeleteOrganizationRequest(organizationId: world.a.id.uuidString)
        }, expected: expect(roles: .permissionDenied, other: .notFound, service: .permissionDenied, overrides: [.owner: .ok])),
        // Memberships
        Row(method: IdentityV1.Memberships.add, request: { h, world in
            let newcomer = try await h.user("Newcomer")
            return IdentityV1.AddMembershipRequest(organizationId: world.a.id.uuidString, userId: newcomer.record.id.uuidString, role: .staff)
        }, expected: expect(roles: .permissionDenied, other: .notFound, service: .ok, overrides: managersOnly)),
        Row(method: IdentityV1.Memberships.change, request: { h, world in
            let extra = try await h.user("Extra")
            _ = try await h.fixtures.addMembership(organizationID: world.a.id, userID: extra.record.id, role: .staff)
            return IdentityV1.ChangeMembershipRequest(
                organizationId: world.a.id.uuidString, userId: extra.record.id.uuidString, role: .provider,
                scope: IdentityV1.LocationScope(locationIds: [world.location1.uuidString]))
        }, expected: expect(roles: .permissionDenied, other: .notFound, service: .ok, overrides: managersOnly)),
        // A provider at L1: the manager of L1 may deactivate them too.
        Row(method: IdentityV1.Memberships.deactivate, request: { h, world in
            let extra = try await h.user("Extra")
            _ = try await h.fixtures.addMembership(organizationID: world.a.id, userID: extra.record.id, role: .provider, scope: .locations([world.location1]))
            return IdentityV1.DeactivateMembershipRequest(organizationId: world.a.id.uuidString, userId: extra.record.id.uuidString)
        }, expected: expect(roles: .permissionDenied, other: .notFound, service: .ok, overrides: [.owner: .ok, .admin: .ok, .manager: .ok])),
        // Accepting is the invitee's own act: A's members have accepted already (OK, unchanged).
        Row(method: IdentityV1.Memberships.accept, request: { _, world in
            IdentityV1.AcceptMembershipRequest(organizationId: world.a.id.uuidString)
        }, expected: expect(roles: .ok, other: .notFound, service: .permissionDenied)),
        // Service tokens
        Row(method: IdentityV1.ServiceTokens.create, request: { _, world in
            IdentityV1.CreateServiceTokenRequest(organizationId: world.a.id.uuidString, name: "reporter", role: .staff)
        }, expected: expect(roles: .permissionDenied, other: .notFound, service: .ok, overrides: managersOnly)),
        Row(method: IdentityV1.ServiceTokens.list, request: { _, world in
            IdentityV1.ListServiceTokensRequest(organizationId: world.a.id.uuidString)
        }, expected: expect(roles: .permissionDenied, other: .notFound, service: .ok, overrides: managersOnly)),
        Row(method: IdentityV1.ServiceTokens.revoke, request: { h, world in
            let (record, _) = try await h.fixtures.issueServiceToken(organizationID: world.a.id, name: "victim", role: .staff)
            return IdentityV1.RevokeServiceTokenRequest(serviceTokenId: record.id.uuidString)
        }, expected: expect(roles: .permissionDenied, other: .notFound, service: .ok, overrides: managersOnly)),
        // Households: they belong to people; none of these callers is in the strangers' one.
        Row(method: IdentityV1.Households.create, request: { _, _ in IdentityV1.CreateHouseholdRequest(name: "Ours") },
            expected: expect(roles: .ok, other: .ok, service: .permissionDenied)),
        Row(method: IdentityV1.Households.get, request: { _, world in
            IdentityV1.GetHouseholdRequest(householdId: world.strangersHousehold.id.uuidString)
        }, expected: expect(roles: .notFound, other: .notFound, service: .permissionDenied)),
        Row(method: IdentityV1.Households.list, request: { _, _ in IdentityV1.ListHouseholdsRequest() },
            expected: expect(roles: .ok, other: .ok, service: .permissionDenied)),
        Row(method: IdentityV1.Households.addMember, request: { h, world in
            let someone = try await h.user("Someone", password: false)
            return IdentityV1.AddHouseholdMemberRequest(
                householdId: world.strangersHousehold.id.uuidString, userId: someone.record.id.uuidString, role: .dependent)
        }, expected: expect(roles: .notFound, other: .notFound, service: .permissionDenied)),
        Row(method: IdentityV1.Households.updateMember, request: { _, world in
            IdentityV1.UpdateHouseholdMemberRequest(
                householdId: world.strangersHousehold.id.uuidString, userId: world.strangersHousehold.members[1].userID.uuidString,
                relationship: .child)
        }, expected: expect(roles: .notFound, other: .notFound, service: .permissionDenied)),
        Row(method: IdentityV1.Households.removeMember, request: { _, world in
            IdentityV1.RemoveHouseholdMemberRequest(
                householdId: world.strangersHousehold.id.uuidString, userId: world.strangersHousehold.members[1].userID.uuidString)
        }, expected: expect(roles: .notFound, other: .notFound, service: .permissionDenied)),
        Row(method: IdentityV1.Households.acceptInvitation, request: { _, world in
            IdentityV1.AcceptInvitationRequest(householdId: world.strangersHousehold.id.uuidString)
        }, expected: expect(roles: .notFound, other: .notFound, service: .permissionDenied)),
    ]

    @Test func everyRowCoversEveryCaller() {
        for row in Self.rows {
            #expect(Set(row.expected.keys) == Set(Caller.allCases), "\(row)")
        }
    }

    @Test func theRowsCoverEveryIdentityMethod() {
        let methods = BizingSchema.services.filter { $0.name.hasPrefix("bizing.identity.v1.") }.flatMap(\.methods).map(\.fullName)
        #expect(Set(Self.rows.map(\.method.fullName)) == Set(methods))
        #expect(Self.rows.count == methods.count)
    }

    @Test(arguments: rows)
    func statusesMatchTheMatrix(_ row: Row) async throws {
        let h = try await IdentityHarness.start()
        let world = try await IdentityWorld.make(h)
        var mismatches: [String] = []
        // Deleting organization A must come last: every later caller would see NOT_FOUND.
        let deletes = row.method.fullName == IdentityV1.Organizations.delete.fullName
        let callers = deletes ? Caller.allCases.filter { $0 != .owner } + [.owner] : Caller.allCases
        for caller in callers {
            let request = try await row.request(h, world)
            let token = try await caller.token(h, world)
            let status = await h.status(row.method, request, token: token)
            if status != row.expected[caller] {
                mismatches.append("\(caller): got \(status), expected \(row.expected[caller]!)")
            }
        }
        #expect(mismatches.isEmpty, "\(row.method.fullName):\n\(mismatches.joined(separator: "\n"))")
        try await h.stop()
    }
}
