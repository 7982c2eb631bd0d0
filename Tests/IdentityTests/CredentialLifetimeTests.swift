import ContextKit
import Foundation
import Testing
@testable import Identity

@Suite struct CredentialLifetimeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func sessionExpiresAfterItsLifetime() {
        let lifetime = SessionPolicy.default.lifetime(issuedAt: t0)
        #expect(lifetime.issuedAt == t0)
        #expect(lifetime.expiresAt == t0.addingTimeInterval(7 * 24 * 3600))
        #expect(lifetime.state(at: t0) == .active)
        #expect(lifetime.state(at: t0.addingTimeInterval(7 * 24 * 3600 - 1)) == .active)
        #expect(lifetime.state(at: t0.addingTimeInterval(7 * 24 * 3600)) == .expired)
        let short = SessionPolicy(lifetime: .milliseconds(1500)).lifetime(issuedAt: t0)
        #expect(short.expiresAt == t0.addingTimeInterval(1.5))
    }

    @Test func signOutRevokesAndRevocationWins() {
        let lifetime = SessionPolicy.default.lifetime(issuedAt: t0)
        let revoked = lifetime.revoked(at: t0.addingTimeInterval(60))
        #expect(revoked.state(at: t0.addingTimeInterval(61)) == .revoked)
        #expect(revoked.state(at: t0.addingTimeInterval(30 * 24 * 3600)) == .revoked)
        // A second revocation keeps the first time.
        #expect(revoked.revoked(at: t0.addingTimeInterval(120)).revokedAt == t0.addingTimeInterval(60))
    }

    @Test func serviceTokensMayNeverExpire() {
        let forever = CredentialLifetime(issuedAt: t0, expiresAt: nil)
        #expect(forever.state(at: t0.addingTimeInterval(100 * 365 * 24 * 3600)) == .active)
        #expect(forever.revoked(at: t0).state(at: t0) == .revoked)
    }

    @Test func serviceTokenGrantRules() throws {
        let grant = try ServiceTokenGrant(name: "  billing exporter ", organizationID: id(1), role: .staff, expiresAt: nil, now: t0)
        #expect(grant.name == "billing exporter")
        #expect(grant.membership == Membership(role: .staff, scope: .allLocations))
        #expect(grant.lifetime.state(at: t0) == .active)

        let failure = try #require(throws: ValidationFailure.self) {
            try ServiceTokenGrant(name: " ", organizationID: id(1), role: .owner, expiresAt: t0, now: t0)
        }
        #expect(failure.violations.map(\.field) == ["name", "expires_at"])
        // The bootstrap command issues owner tokens; who may is the service's rank check.
        #expect(Role.owner.outranks(.admin) && !Role.admin.outranks(.admin))
        #expect(throws: ValidationFailure.self) {
            try ServiceTokenGrant(name: String(repeating: "n", count: 101), organizationID: id(1), role: .admin, expiresAt: nil, now: t0)
        }
        let expiring = try ServiceTokenGrant(name: "nightly", organizationID: id(1), role: .admin, expiresAt: t0.addingTimeInterval(3600), now: t0)
        #expect(expiring.lifetime.state(at: t0.addingTimeInterval(3600)) == .expired)
    }
}
