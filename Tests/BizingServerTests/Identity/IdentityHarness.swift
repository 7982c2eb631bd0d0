import BizingAPI
import BizingRPC
import BizingServer
import BizingStore
import BizingWire
import Catalog
import Foundation
import Identity
import Logging
import NIOCore
import Testing

/// The password every fixture user has.
let fixturePassword = "correct horse battery"
/// Fast scrypt for tests (the server's default is OWASP's N = 2^17).
let fastScrypt = ScryptParameters(logN: 4, r: 8, p: 1)!

/// A real server on a socket and a SQLite file in a temp folder, with a test
/// clock and fast scrypt, plus a second connection to the same database for
/// fixtures (as `bizingd bootstrap` would make them).
final class IdentityHarness: Sendable {
    let folder: URL
    let server: BizingServer
    let clock: TestClock
    let fixtures: IdentityStore
    let client: RPCClient

    static func start(logger: Logger = RPCServer.silentLogger) async throws -> IdentityHarness {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-identity-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let clock = TestClock(Date())
        var configuration = ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 2)
        configuration.clock = clock
        configuration.passwordParameters = fastScrypt
        configuration.synchronous = .normal
        let server = try await BizingServer.start(configuration, logger: logger)
        let store = try BizingStore.open(path: configuration.databasePath, synchronous: .normal, clock: clock)
        let client = try await RPCClient.connect(socketPath: configuration.socketPath)
        return IdentityHarness(folder: folder, server: server, clock: clock, fixtures: IdentityStore(store), client: client)
    }

    private init(folder: URL, server: BizingServer, clock: TestClock, fixtures: IdentityStore, client: RPCClient) {
        self.folder = folder
        self.server = server
        self.clock = clock
        self.fixtures = fixtures
        self.client = client
    }

    func stop() async throws {
        try await client.close()
        try await server.stop()
        try fixtures.store.close()
        try? FileManager.default.removeItem(at: folder)
    }

    static func metadata(_ token: String?) -> [MetadataEntry] {
        token.map { [MetadataEntry(key: "authorization", value: "Bearer \($0)")] } ?? []
    }

    /// A typed call with `token` as the bearer.
    func call<Request: Encodable & Sendable, Response: Decodable & Sendable>(
        _ method: MethodDescriptor, _ request: Request, token: String?, as: Response.Type = Response.self
    ) async throws -> Response {
        try await client.unary(method.fullName, request, as: Response.self, metadata: Self.metadata(token))
    }

    /// The status a call ends with (OK when it answers).
    func status<Request: Encodable & Sendable>(_ method: MethodDescriptor, _ request: Request, token: String?) async -> StatusCode {
        var buffer = ByteBuffer()
        do {
            try ProtobufEncoder().encode(request, into: &buffer)
            _ = try await client.unary(method.fullName, request: buffer, metadata: Self.metadata(token))
            return .ok
        } catch let status as RPCStatus {
            return status.code
        } catch {
            Issue.record("\(method.fullName): \(error)")
            return .unknown
        }
    }

    // MARK: - Fixtures

    /// A user who signs in with `fixturePassword` (or cannot, without one), and a session token.
    func user(_ name: String, email: String? = nil, password: Bool = true) async throws -> (record: UserRecord, token: String) {
        let address = try email.map { try EmailAddress($0) }
            ?? (password ? try EmailAddress("\(name.lowercased().filter(\.isLetter))-\(UUID().uuidString.prefix(8))@example.com") : nil)
        let hash = password ? try PasswordHasher(parameters: fastScrypt).hash(Password(fixturePassword)) : nil
        let record = try await fixtures.insertUser(NewUser(email: address, name: name, phone: nil, passwordHash: hash))
        return (record, try await fixtures.openSession(userID: record.id))
    }

    func organization(slug: String, owner: UUID) async throws -> OrganizationRecord {
        try await fixtures.createOrganization(
            try NewOrganization(slug: "\(slug)-\(UUID().uuidString.prefix(6).lowercased())", name: slug, timeZone: "Europe/London", currency: "GBP"),
            owner: owner)
    }

    /// A session token that expired an hour ago.
    func expiredSession(userID: UUID) async throws -> String {
        let token = SecretToken.generate(.session)
        let now = clock.now
        _ = try await fixtures.insertSession(
            userID: userID, tokenHash: token.hash,
            lifetime: CredentialLifetime(issuedAt: now.addingTimeInterval(-8 * 86_400), expiresAt: now.addingTimeInterval(-3_600)))
        return token.rendered
    }

    /// A session token that was signed out.
    func revokedSession(userID: UUID) async throws -> String {
        let token = try await fixtures.openSession(userID: userID)
        try await fixtures.revokeSession(tokenHash: SecretToken(parsing: token)!.hash)
        return token
    }
}

/// Two organizations and the people around them: in A an owner, an admin, a
/// manager of location L1, a staff member and a provider; B's owner; an
/// admin service token of A; and a household none of them is in.
struct IdentityWorld {
    let a: OrganizationRecord
    let b: OrganizationRecord
    let location1: UUID
    let location2: UUID
    let members: [Role: (record: UserRecord, token: String)]
    let otherOwner: (record: UserRecord, token: String)
    let adminService: String
    let strangersHousehold: HouseholdRecord
    let strangerToken: String

    static func make(_ h: IdentityHarness) async throws -> IdentityWorld {
        let owner = try await h.user("Owner")
        let a = try await h.organization(slug: "org-a", owner: owner.record.id)
        var members: [Role: (record: UserRecord, token: String)] = [.owner: owner]
        // Real locations: membership scopes name live locations of the organization.
        let catalog = CatalogProvisioning(h.fixtures.store)
        var locations: [UUID] = []
        for slug in ["location-1", "location-2"] {
            let location = try await catalog.location(
                CatalogV1.Location(slug: slug, name: slug, type: .virtual, timeZone: "America/New_York"), organizationID: a.id)
            locations.append(UUID(uuidString: location.id)!)
        }
        let (location1, location2) = (locations[0], locations[1])
        for role in [Role.admin, .manager, .staff, .provider] {
            let person = try await h.user(role.rawValue.capitalized)
            let scope: MembershipScope = role == .manager || role == .provider ? .locations([location1]) : .allLocations
            _ = try await h.fixtures.addMembership(organizationID: a.id, userID: person.record.id, role: role, scope: scope)
            members[role] = person
        }
        let otherOwner = try await h.user("Other Owner")
        let b = try await h.organization(slug: "org-b", owner: otherOwner.record.id)
        let (_, adminService) = try await h.fixtures.issueServiceToken(organizationID: a.id, name: "exporter", role: .admin)
        let stranger = try await h.user("Stranger")
        let child = try await h.user("Stranger Child", password: false)
        let household = try await h.fixtures.createHousehold(
            name: "Strangers", kind: .family, primary: stranger.record.id,
            members: [HouseholdMemberRecord.new(userID: child.record.id, role: .minor)])
        return IdentityWorld(
            a: a, b: b, location1: location1, location2: location2, members: members, otherOwner: otherOwner,
            adminService: adminService, strangersHousehold: household, strangerToken: stranger.token)
    }

    func member(_ role: Role) -> (record: UserRecord, token: String) { members[role]! }
}
