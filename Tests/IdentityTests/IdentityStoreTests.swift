import BizingStore
import Foundation
import Testing
@testable import Identity

/// The Identity tables through `IdentityStore`, on a migrated database in a temp folder.
@Suite struct IdentityStoreTests {
    struct Fixture {
        let folder: URL
        let clock: TestClock
        let store: BizingStore
        let identity: IdentityStore

        static func make() async throws -> Fixture {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-identity-\(UUID().uuidString.prefix(8))")
            let clock = TestClock()
            let store = try BizingStore.open(path: folder.appendingPathComponent("db.sqlite").path, clock: clock)
            try await store.migrate()
            return Fixture(folder: folder, clock: clock, store: store, identity: IdentityStore(store))
        }

        func close() {
            try? store.close()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    static func newUser(_ email: String, password: String = "correct horse battery") throws -> NewUser {
        NewUser(
            email: try EmailAddress(email), name: "Ada", phone: nil,
            passwordHash: try PasswordHasher(parameters: fastParameters).hash(Password(password)))
    }

    @Test func registersAndFindsAUserByEmailIgnoringCase() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.close() }
        let user = try await fixture.identity.insertUser(try Self.newUser("Ada@Example.com"))
        #expect(user.email == "Ada@Example.com")
        #expect(user.createdAt == fixture.clock.now)
        let found = try #require(try await fixture.identity.user(withEmail: try EmailAddress("ada@EXAMPLE.com")))
        #expect(found == user)
        #expect(try await fixture.identity.user(id: user.id) == user)
        #expect(PasswordHasher(parameters: fastParameters).verify(Password("correct horse battery"), againstEncoded: try #require(found.passwordHash)))
    }

    @Test func anEmailIsTakenWhateverItsCaseEvenByConcurrentRegistrations() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.close() }
        _ = try await fixture.identity.insertUser(try Self.newUser("ada@example.com"))
        await #expect(throws: IdentityStoreError.emailTaken) { _ = try await fixture.identity.insertUser(try Self.newUser("ADA@example.com")) }

        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask { (try? await fixture.identity.insertUser(try Self.newUser("grace@example.com"))) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
    }

    @Test func sessionsAreFoundByTokenHashExpireAndRevoke() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.close() }
        let user = try await fixture.identity.insertUser(try Self.newUser("ada@example.com"))
        let token = SecretToken.generate(.session)
        let lifetime = SessionPolicy(lifetime: .seconds(3600)).lifetime(issuedAt: fixture.clock.now)
        let session = try await fixture.identity.insertSession(userID: user.id, tokenHash: token.hash, lifetime: lifetime)

        let found = try #require(try await fixture.identity.session(tokenHash: token.hash))
        #expect(found == session)
        #expect(found.lifetime.state(at: fixture.clock.now) == .active)
        #expect(try await fixture.identity.session(tokenHash: SecretToken.generate(.session).hash) == nil)

        fixture.clock.advance(by: .seconds(3600))
        #expect(try #require(try await fixture.identity.session(tokenHash: token.hash)).lifetime.state(at: fixture.clock.now) == .expired)

        #expect(try await fixture.identity.revokeSession(tokenHash: token.hash))
        let revoked = try #require(try await fixture.identity.session(tokenHash: token.hash))
        #expect(revoked.lifetime.state(at: fixture.clock.now) == .revoked)
        fixture.clock.advance(by: .seconds(60))
        try await fixture.identity.revokeSession(tokenHash: token.hash)
        #expect(try await fixture.identity.session(tokenHash: token.hash)?.lifetime.revokedAt == revoked.lifetime.revokedAt)
    }

    @Test func neitherPasswordNorTokenIsStoredInPlainText() async throws {
        let fixture = try await Fixture.make()
        let password = "plain-text-password-\(UUID().uuidString)"
        let user = try await fixture.identity.insertUser(try Self.newUser("ada@example.com", password: password))
        let token = SecretToken.generate(.session)
        _ = try await fixture.identity.insertSession(
            userID: user.id, tokenHash: token.hash, lifetime: SessionPolicy.default.lifetime(issuedAt: fixture.clock.now))
        let path = fixture.store.path
        try fixture.store.close()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        var bytes = Data()
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { bytes.append(data) }
        }
        #expect(!bytes.isEmpty)
        #expect(bytes.range(of: Data(password.utf8)) == nil)
        #expect(bytes.range(of: Data(token.rendered.utf8)) == nil)
    }
}
