import ContextKit
import BizingAPI
import BizingClient
import BizingRPC
import BizingServer
import BizingStore
import BizingWire
import Catalog
import Foundation
import GRDB
import Identity
import NIOCore
import Testing

// MARK: - Helpers for the Identity tests (beside the shared harness)

/// Runs `body` with a fresh harness, stopping it whether or not the body throws.
func withIdentityHarness(_ body: (IdentityHarness) async throws -> Void) async throws {
    let h = try await IdentityHarness.start()
    do {
        try await body(h)
    } catch {
        try? await h.stop()
        throw error
    }
    try await h.stop()
}

extension IdentityHarness {
    /// The status a call fails with; records an issue (and returns OK) when it succeeds.
    func failure<Request: Encodable & Sendable>(
        _ method: MethodDescriptor, _ request: Request, token: String?, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> RPCStatus {
        var buffer = ByteBuffer()
        try ProtobufEncoder().encode(request, into: &buffer)
        do {
            _ = try await client.unary(method.fullName, request: buffer, metadata: Self.metadata(token))
        } catch let status as RPCStatus {
            return status
        }
        Issue.record("\(method.fullName) answered OK; a failure was expected", sourceLocation: sourceLocation)
        return .ok
    }

    func signIn(_ email: String, _ password: String) async throws -> IdentityV1.SignInResponse {
        try await call(IdentityV1.Sessions.signIn, IdentityV1.SignInRequest(email: email, password: password), token: nil)
    }

    func whoAmI(_ token: String) async throws -> IdentityV1.WhoAmIResponse {
        try await call(IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: token)
    }

    /// Rows in `users`, read on the fixtures' connection.
    func userCount() async throws -> Int {
        try await fixtures.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM users") ?? 0 }
    }
}

extension IdentityV1.Household {
    func member(_ userID: String) -> IdentityV1.HouseholdMember? { members.first { $0.userId == userID } }
}

extension UUID {
    var wire: String { lowercasedString }
}

/// The field paths of a status's violations.
func fields(_ status: RPCStatus) -> [String] { status.details.fieldViolations.map(\.field) }

// MARK: - The flows

/// The Identity services over a real socket and a real SQLite file: who may
/// do what, and what each refusal looks like.
@Suite struct IdentityFlowTests {
    // MARK: Users

    @Test func registerWithAndWithoutEmailAndPassword() async throws {
        try await withIdentityHarness { h in
            let caller = try await h.user("Registrar")
            let ann: IdentityV1.User = try await h.call(
                IdentityV1.Users.register,
                IdentityV1.RegisterRequest(
                    email: " Ann.Lee@Example.com ", name: "  Ann Lee ", phone: "+44 20 7946 0958", password: "ann's long passphrase",
                    preferences: IdentityV1.Preferences(
                        timeZone: "Europe/Paris", locale: "fr_fr", notifications: IdentityV1.NotificationChoices(email: false, sms: true, push: false))),
                token: caller.token)
            #expect(UUID(uuidString: ann.id) != nil)
            #expect(ann.email == "Ann.Lee@Example.com")
            #expect(ann.name == "Ann Lee")
            #expect(ann.phone == "+44 20 7946 0958")
            #expect(ann.hasPassword)
            #expect(ann.preferences == IdentityV1.Preferences(
                timeZone: "Europe/Paris", locale: "fr-FR", notifications: IdentityV1.NotificationChoices(email: false, sms: true, push: false)))
            #expect(ann.createdAt != nil)

            // She signs in with what she registered, whatever the case of the address.
            let session = try await h.signIn("ann.lee@EXAMPLE.com", "ann's long passphrase")
            #expect(session.user?.id == ann.id)
            #expect(session.token.hasPrefix("bzs_") && session.token.count == 47)

            // A child: a name only. No email, no password, default preferences.
            let child: IdentityV1.User = try await h.call(
                IdentityV1.Users.register, IdentityV1.RegisterRequest(name: "Kim Lee"), token: session.token)
            #expect(child.email.isEmpty && !child.hasPassword && child.phone.isEmpty)
            #expect(child.preferences?.notifications == IdentityV1.NotificationChoices(email: true, sms: false, push: false))
            #expect(child.id != ann.id)

            // An email without a password: a client on file who cannot sign in yet.
            let walkIn: IdentityV1.User = try await h.call(
                IdentityV1.Users.register, IdentityV1.RegisterRequest(email: "walk-in@example.com", name: "Walk In"), token: caller.token)
            #expect(walkIn.email == "walk-in@example.com" && !walkIn.hasPassword)
            let refused = try await h.failure(
                IdentityV1.Sessions.signIn, IdentityV1.SignInRequest(email: "walk-in@example.com", password: "anything at all"), token: nil)
            #expect(refused.code == .unauthenticated)

            // Registering someone needs a signed-in caller.
            #expect(await h.status(IdentityV1.Users.register, IdentityV1.RegisterRequest(name: "Nobody"), token: nil) == .unauthenticated)
        }
    }

    @Test func anEmailIsTakenWhateverItsCase() async throws {
        try await withIdentityHarness { h in
            let caller = try await h.user("Registrar")
            let first: IdentityV1.User = try await h.call(
                IdentityV1.Users.register,
                IdentityV1.RegisterRequest(email: "Dup.Person@Example.com", name: "Dup Person", password: "first person's passphrase"),
                token: caller.token)
            let before = try await h.userCount()

            let taken = try await h.failure(
                IdentityV1.Users.register,
                IdentityV1.RegisterRequest(email: "dup.person@EXAMPLE.COM", name: "Other Person", password: "second person's passphrase"),
                token: caller.token)
            #expect(taken.code == .alreadyExists)
            #expect(fields(taken) == ["email"])
            #expect(try await h.userCount() == before, "nothing was written")

            // Taking it by changing one's own email fails the same way.
            let renamed = try await h.failure(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(email: "DUP.PERSON@example.com"), token: caller.token)
            #expect(renamed.code == .alreadyExists)
            #expect(fields(renamed) == ["email"])

            // The first registration still signs in.
            #expect(try await h.signIn("dup.person@example.com", "first person's passphrase").user?.id == first.id)
        }
    }

    @Test func badFieldsAreInvalidArgumentAndWriteNothing() async throws {
        try await withIdentityHarness { h in
            let caller = try await h.user("Registrar")
            let before = try await h.userCount()

            let everything = try await h.failure(
                IdentityV1.Users.register,
                IdentityV1.RegisterRequest(
                    email: "not-an-email", name: "   ", phone: "call me", password: "Qz9!kp",
                    preferences: IdentityV1.Preferences(timeZone: "Mars/Olympus_Mons", locale: "xx")),
                token: caller.token)
            #expect(everything.code == .invalidArgument)
            #expect(Set(fields(everything)) == ["email", "name", "phone", "password", "preferences.time_zone", "preferences.locale"])
            #expect(fields(everything).count == 6, "one violation per broken rule: \(fields(everything))")
            for value in ["not-an-email", "call me", "Qz9!kp", "Mars/Olympus_Mons"] {
                #expect(!everything.message.contains(value), "the message repeats \(value)")
            }

            // Each rule alone is enough to refuse the whole request.
            let common = try await h.failure(
                IdentityV1.Users.register,
                IdentityV1.RegisterRequest(email: "common@example.com", name: "Common", password: "Password123"), token: caller.token)
            #expect(fields(common) == ["password"])
            let ownEmail = try await h.failure(
                IdentityV1.Users.register,
                IdentityV1.RegisterRequest(email: "same.as.email@example.com", name: "Same", password: "Same.As.Email@example.com"),
                token: caller.token)
            #expect(fields(ownEmail) == ["password"])
            let badPhone = try await h.failure(
                IdentityV1.Users.register,
                IdentityV1.RegisterRequest(email: "phone@example.com", name: "Phone", phone: "555-CALL-NOW"), token: caller.token)
            #expect(fields(badPhone) == ["phone"])
            let longName = try await h.failure(
                IdentityV1.Users.register, IdentityV1.RegisterRequest(name: String(repeating: "n", count: 201)), token: caller.token)
            #expect(fields(longName) == ["name"])

            #expect(try await h.userCount() == before, "no refused registration was written")
            for email in ["common@example.com", "same.as.email@example.com", "phone@example.com"] {
                #expect(try await h.fixtures.user(withEmail: EmailAddress(email)) == nil)
            }
        }
    }

    // MARK: Sessions

    @Test func aWrongPasswordAndAnUnknownEmailGetTheSameAnswer() async throws {
        try await withIdentityHarness { h in
            let known = try await h.user("Known", email: "known@example.com")
            _ = try await h.user("No Password", email: "no-password@example.com", password: false)

            let wrongPassword = try await h.failure(
                IdentityV1.Sessions.signIn, IdentityV1.SignInRequest(email: "known@example.com", password: "not the password"), token: nil)
            let unknownEmail = try await h.failure(
                IdentityV1.Sessions.signIn, IdentityV1.SignInRequest(email: "unknown@example.com", password: "not the password"), token: nil)
            let noPassword = try await h.failure(
                IdentityV1.Sessions.signIn, IdentityV1.SignInRequest(email: "no-password@example.com", password: "not the password"), token: nil)
            #expect(wrongPassword.code == .unauthenticated)
            #expect(!wrongPassword.message.isEmpty)
            #expect(unknownEmail == wrongPassword, "code, message and details alike")
            #expect(noPassword == wrongPassword)
            #expect(!wrongPassword.message.contains("known@example.com"))

            // The right password signs in, with the address in any case.
            let signedIn = try await h.signIn("KNOWN@example.com", fixturePassword)
            #expect(signedIn.user?.id == known.record.id.wire)
            #expect(signedIn.user?.email == "known@example.com")
            #expect(try #require(signedIn.expiresAt) > h.clock.now)

            // Missing fields are the caller's mistake, not a failed sign-in.
            let empty = try await h.failure(IdentityV1.Sessions.signIn, IdentityV1.SignInRequest(), token: nil)
            #expect(empty.code == .invalidArgument)
            #expect(Set(fields(empty)) == ["email", "password"])
        }
    }

    @Test func signingOutEndsThatSessionOnly() async throws {
        try await withIdentityHarness { h in
            let person = try await h.user("Leaver", email: "leaver@example.com")
            let first = try await h.signIn("leaver@example.com", fixturePassword)
            let second = try await h.signIn("leaver@example.com", fixturePassword)
            #expect(first.token != second.token)
            #expect(try await h.whoAmI(first.token).kind == .user)

            let _: IdentityV1.SignOutResponse = try await h.call(IdentityV1.Sessions.signOut, IdentityV1.SignOutRequest(), token: first.token)
            #expect(await h.status(IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: first.token) == .unauthenticated)
            #expect(await h.status(IdentityV1.Users.get, IdentityV1.GetUserRequest(), token: first.token) == .unauthenticated)
            #expect(await h.status(IdentityV1.Sessions.signOut, IdentityV1.SignOutRequest(), token: first.token) == .unauthenticated)

            // A signed-out token answers exactly as no token, or a made-up one.
            let signedOut = try await h.failure(IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: first.token)
            let none = try await h.failure(IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: nil)
            let madeUp = try await h.failure(
                IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: SecretToken.generate(.session).rendered)
            let garbage = try await h.failure(IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: "garbage")
            #expect(signedOut == none && none == madeUp && madeUp == garbage)

            // The user's other sessions go on.
            #expect(try await h.whoAmI(second.token).user?.id == person.record.id.wire)
            #expect(try await h.whoAmI(person.token).user?.id == person.record.id.wire)

            // A service token is revoked, not signed out.
            let organization = try await h.organization(slug: "leavers", owner: person.record.id)
            let (_, service) = try await h.fixtures.issueServiceToken(organizationID: organization.id, name: "bot", role: .staff)
            #expect(await h.status(IdentityV1.Sessions.signOut, IdentityV1.SignOutRequest(), token: service) == .failedPrecondition)
            #expect(try await h.whoAmI(service).kind == .service)
        }
    }

    @Test func whoAmIForASessionAndForAServiceToken() async throws {
        try await withIdentityHarness { h in
            let world = try await IdentityWorld.make(h)
            let owner = world.member(.owner)

            let me = try await h.whoAmI(owner.token)
            #expect(me.kind == .user)
            #expect(me.user?.id == owner.record.id.wire)
            #expect(me.user?.hasPassword == true)
            #expect(me.serviceToken == nil)
            #expect(me.expiresAt != nil)
            let membership = try #require(me.memberships.first)
            #expect(me.memberships.count == 1)
            #expect(membership.organizationId == world.a.id.wire)
            #expect(membership.organizationSlug == world.a.slug)
            #expect(membership.role == .owner)
            #expect(membership.status == .active)
            #expect(membership.locationIds.isEmpty)

            let manager = try await h.whoAmI(world.member(.manager).token)
            #expect(manager.memberships.map(\.role) == [.manager])
            #expect(manager.memberships.map(\.locationIds) == [[world.location1.wire]])

            let service = try await h.whoAmI(world.adminService)
            #expect(service.kind == .service)
            #expect(service.user == nil)
            let token = try #require(service.serviceToken)
            #expect(token.name == "exporter")
            #expect(token.role == .admin)
            #expect(token.organizationId == world.a.id.wire)
            #expect(token.state == .active)
            #expect(token.createdBy.isEmpty, "issued by provisioning, not by a user")
            #expect(service.memberships.map(\.organizationId) == [world.a.id.wire])
            #expect(service.memberships.map(\.role) == [.admin])
            #expect(service.memberships.map(\.organizationSlug) == [world.a.slug])
            #expect(service.expiresAt == nil, "the token never expires")
        }
    }

    @Test func updateOwnProfile() async throws {
        try await withIdentityHarness { h in
            let world = try await IdentityWorld.make(h)
            let staff = world.member(.staff)
            let id = staff.record.id.wire

            let updated: IdentityV1.User = try await h.call(
                IdentityV1.Users.update,
                IdentityV1.UpdateUserRequest(
                    name: "Sam Staff", phone: "+1 555 0100", preferences: IdentityV1.Preferences(timeZone: "America/New_York", locale: "en-us")),
                token: staff.token)
            #expect(updated.id == id)
            #expect(updated.name == "Sam Staff")
            #expect(updated.phone == "+1 555 0100")
            #expect(updated.preferences?.timeZone == "America/New_York")
            #expect(updated.preferences?.locale == "en-US")
            #expect(updated.email == staff.record.email, "a field not sent stays")
            let fetched: IdentityV1.User = try await h.call(IdentityV1.Users.get, IdentityV1.GetUserRequest(), token: staff.token)
            #expect(fetched == updated)

            // An empty phone clears it; the name stays.
            let cleared: IdentityV1.User = try await h.call(IdentityV1.Users.update, IdentityV1.UpdateUserRequest(phone: ""), token: staff.token)
            #expect(cleared.phone.isEmpty)
            #expect(cleared.name == "Sam Staff")

            // Invalid values: every one reported, nothing changed.
            let bad = try await h.failure(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(name: "", email: "nope", phone: "phone?"), token: staff.token)
            #expect(bad.code == .invalidArgument)
            #expect(Set(fields(bad)) == ["name", "email", "phone"])
            let after: IdentityV1.User = try await h.call(IdentityV1.Users.get, IdentityV1.GetUserRequest(), token: staff.token)
            #expect(after.name == "Sam Staff" && after.email == staff.record.email)

            // A colleague sees the profile but may not change it, not even the owner.
            let seen: IdentityV1.User = try await h.call(IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: id), token: world.member(.admin).token)
            #expect(seen.name == "Sam Staff")
            for role in [Role.owner, .admin] {
                #expect(await h.status(
                    IdentityV1.Users.update, IdentityV1.UpdateUserRequest(userId: id, name: "Hijacked"), token: world.member(role).token
                ) == .permissionDenied)
            }
            // A stranger neither sees nor changes it: NOT_FOUND, as for a user that does not exist.
            let hidden = try await h.failure(IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: id), token: world.strangerToken)
            let missing = try await h.failure(IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: UUID().wire), token: world.strangerToken)
            #expect(hidden.code == .notFound && missing.code == .notFound)
            #expect(await h.status(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(userId: id, name: "Hijacked"), token: world.strangerToken) == .notFound)
            let final: IdentityV1.User = try await h.call(IdentityV1.Users.get, IdentityV1.GetUserRequest(), token: staff.token)
            #expect(final.name == "Sam Staff")
        }
    }

    @Test func changingYourOwnPasswordNeedsTheCurrentOne() async throws {
        try await withIdentityHarness { h in
            let person = try await h.user("Pat Changer", email: "pat.changer@example.com")
            let newPassword = "a brand new passphrase"

            let noCurrent = try await h.failure(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(newPassword: newPassword), token: person.token)
            #expect(noCurrent.code == .invalidArgument)
            #expect(fields(noCurrent) == ["current_password"])
            let wrongCurrent = try await h.failure(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(newPassword: newPassword, currentPassword: "not my password"),
                token: person.token)
            #expect(wrongCurrent.code == .invalidArgument)
            #expect(fields(wrongCurrent) == ["current_password"])
            let weak = try await h.failure(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(newPassword: "short", currentPassword: fixturePassword), token: person.token)
            #expect(fields(weak) == ["new_password"])
            // None of that changed anything.
            _ = try await h.signIn("pat.changer@example.com", fixturePassword)

            let changed: IdentityV1.User = try await h.call(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(newPassword: newPassword, currentPassword: fixturePassword),
                token: person.token)
            #expect(changed.hasPassword)
            let old = try await h.failure(
                IdentityV1.Sessions.signIn, IdentityV1.SignInRequest(email: "pat.changer@example.com", password: fixturePassword), token: nil)
            #expect(old.code == .unauthenticated)
            #expect(try await h.signIn("pat.changer@example.com", newPassword).user?.id == person.record.id.wire)
        }
    }

    // MARK: Organizations

    @Test func creatingAnOrganizationMakesTheCallerItsOwner() async throws {
        try await withIdentityHarness { h in
            let founder = try await h.user("Founder")
            let slug = "acme-spa-\(UUID().uuidString.prefix(6).lowercased())"
            let organization: IdentityV1.Organization = try await h.call(
                IdentityV1.Organizations.create,
                IdentityV1.CreateOrganizationRequest(slug: slug, name: "Acme Spa", timeZone: "Europe/Paris", currency: "EUR"),
                token: founder.token)
            #expect(organization.slug == slug)
            #expect(organization.name == "Acme Spa")
            #expect(organization.type == .smallBusiness)
            #expect(organization.timeZone == "Europe/Paris" && organization.currency == "EUR")
            #expect(organization.deletedAt == nil)
            #expect(organization.features == IdentityV1.Features())
            #expect(organization.cancellationPolicy == IdentityV1.CancellationPolicy(
                allowClientCancellation: true, refundTiers: [IdentityV1.RefundTier(minHoursBefore: 24, refundPercent: 100)],
                noShow: IdentityV1.NoShowPolicy(gracePeriodMinutes: 15, chargePercent: 100)))

            let me = try await h.whoAmI(founder.token)
            #expect(me.memberships.map(\.organizationId) == [organization.id])
            #expect(me.memberships.map(\.role) == [.owner])
            let fetched: IdentityV1.Organization = try await h.call(
                IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: organization.id), token: founder.token)
            #expect(fetched == organization)

            // Someone else: the organization does not exist for them, and its slug is taken.
            let other = try await h.user("Other Founder")
            #expect(await h.status(
                IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: organization.id), token: other.token) == .notFound)
            let taken = try await h.failure(
                IdentityV1.Organizations.create,
                IdentityV1.CreateOrganizationRequest(slug: slug, name: "Copycat", timeZone: "Europe/Paris", currency: "EUR"), token: other.token)
            #expect(taken.code == .alreadyExists)
            #expect(fields(taken) == ["slug"])
            #expect(try await h.whoAmI(other.token).memberships.isEmpty, "the refused create left no membership")

            // A service token acts for its organization; it cannot found another.
            let (_, service) = try await h.fixtures.issueServiceToken(organizationID: UUID(uuidString: organization.id)!, name: "bot", role: .owner)
            #expect(await h.status(
                IdentityV1.Organizations.create,
                IdentityV1.CreateOrganizationRequest(slug: "\(slug)-2", name: "Bot Co", timeZone: "Europe/Paris", currency: "EUR"),
                token: service) == .permissionDenied)

            // Every bad field at once.
            let bad = try await h.failure(
                IdentityV1.Organizations.create,
                IdentityV1.CreateOrganizationRequest(
                    slug: "Bad Slug", name: " ", timeZone: "Mars/Olympus_Mons", currency: "eur",
                    cancellationPolicy: IdentityV1.CancellationPolicy(refundTiers: [
                        IdentityV1.RefundTier(minHoursBefore: 10, refundPercent: 10), IdentityV1.RefundTier(minHoursBefore: 20, refundPercent: 5),
                    ])),
                token: other.token)
            #expect(bad.code == .invalidArgument)
            #expect(Set(fields(bad)) == ["slug", "name", "time_zone", "currency", "cancellation_policy.refund_tiers[1].min_hours_before"])
        }
    }

    @Test func updatingAnOrganizationsSettings() async throws {
        try await withIdentityHarness { h in
            let world = try await IdentityWorld.make(h)
            let a = world.a.id.wire
            let features = IdentityV1.Features(
                waitlistEnabled: true, recurringBookings: false, multiDayBookings: true, paymentProcessing: false, productsEnabled: true)
            let policy = IdentityV1.CancellationPolicy(
                allowClientCancellation: false,
                refundTiers: [
                    IdentityV1.RefundTier(minHoursBefore: 48, refundPercent: 100),
                    IdentityV1.RefundTier(minHoursBefore: 24, refundPercent: 50, offerStoreCredit: true),
                    IdentityV1.RefundTier(minHoursBefore: 0, refundPercent: 0),
                ],
                noShow: IdentityV1.NoShowPolicy(gracePeriodMinutes: 10, chargePercent: 50))

            let updated: IdentityV1.Organization = try await h.call(
                IdentityV1.Organizations.update,
                IdentityV1.UpdateOrganizationRequest(organizationId: a, name: "A Renamed", cancellationPolicy: policy, features: features),
                token: world.member(.owner).token)
            #expect(updated.name == "A Renamed")
            #expect(updated.features == features)
            #expect(updated.cancellationPolicy == policy)
            #expect(updated.timeZone == "Europe/London" && updated.currency == "GBP", "fields not sent stay")
            let fetched: IdentityV1.Organization = try await h.call(
                IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: a), token: world.member(.staff).token)
            #expect(fetched == updated)

            // An admin (and the admin service token) may change settings too.
            let byAdmin: IdentityV1.Organization = try await h.call(
                IdentityV1.Organizations.update,
                IdentityV1.UpdateOrganizationRequest(organizationId: a, timeZone: "Europe/Paris", currency: "EUR", type: .enterprise),
                token: world.member(.admin).token)
            #expect(byAdmin.timeZone == "Europe/Paris" && byAdmin.currency == "EUR" && byAdmin.type == .enterprise)
            #expect(byAdmin.features == features && byAdmin.cancellationPolicy == policy)
            #expect(await h.status(
                IdentityV1.Organizations.update, IdentityV1.UpdateOrganizationRequest(organizationId: a, name: "By Service"),
                token: world.adminService) == .ok)
            // Others may not: members are refused, outsiders do not see it.
            for role in [Role.manager, .staff, .provider] {
                #expect(await h.status(
                    IdentityV1.Organizations.update, IdentityV1.UpdateOrganizationRequest(organizationId: a, name: "Nope"),
                    token: world.member(role).token) == .permissionDenied, "\(role)")
            }
            #expect(await h.status(
                IdentityV1.Organizations.update, IdentityV1.UpdateOrganizationRequest(organizationId: a, name: "Nope"),
                token: world.otherOwner.token) == .notFound)

            // A policy that breaks the rules names the tier and field that do.
            func violations(_ policy: IdentityV1.CancellationPolicy) async throws -> [String] {
                let status = try await h.failure(
                    IdentityV1.Organizations.update, IdentityV1.UpdateOrganizationRequest(organizationId: a, cancellationPolicy: policy),
                    token: world.member(.owner).token)
                #expect(status.code == .invalidArgument)
                return fields(status)
            }
            #expect(try await violations(IdentityV1.CancellationPolicy(refundTiers: [
                IdentityV1.RefundTier(minHoursBefore: 48, refundPercent: 100), IdentityV1.RefundTier(minHoursBefore: 48, refundPercent: 50),
            ])) == ["cancellation_policy.refund_tiers[1].min_hours_before"])
            #expect(try await violations(IdentityV1.CancellationPolicy(refundTiers: [
                IdentityV1.RefundTier(minHoursBefore: 48, refundPercent: 50), IdentityV1.RefundTier(minHoursBefore: 24, refundPercent: 80),
            ])) == ["cancellation_policy.refund_tiers[1].refund_percent"])
            #expect(try await violations(IdentityV1.CancellationPolicy(
                refundTiers: [IdentityV1.RefundTier(minHoursBefore: 9_000, refundPercent: 150)],
                noShow: IdentityV1.NoShowPolicy(gracePeriodMinutes: 2_000, chargePercent: 101))) == [
                    "cancellation_policy.refund_tiers[0].min_hours_before", "cancellation_policy.refund_tiers[0].refund_percent",
                    "cancellation_policy.no_show.grace_period_minutes", "cancellation_policy.no_show.charge_percent",
                ])
            let others = try await h.failure(
                IdentityV1.Organizations.update,
                IdentityV1.UpdateOrganizationRequest(organizationId: a, name: "", timeZone: "GMT+1", currency: "ABC"),
                token: world.member(.owner).token)
            #expect(Set(fields(others)) == ["name", "time_zone", "currency"])

            // The refused updates changed nothing.
            let after: IdentityV1.Organization = try await h.call(
                IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: a), token: world.member(.owner).token)
            #expect(after.cancellationPolicy == policy && after.name == "By Service" && after.currency == "EUR")
        }
    }

    @Test func aDeletedOrganizationIsGoneAndItsServiceTokensStopWorking() async throws {
        try await withIdentityHarness { h in
            let world = try await IdentityWorld.make(h)
            let a = world.a.id.wire
            let owner = world.member(.owner)
            let request = IdentityV1.DeleteOrganizationRequest(organizationId: a)
            #expect(await h.status(IdentityV1.Organizations.delete, request, token: world.member(.admin).token) == .permissionDenied)
            #expect(await h.status(IdentityV1.Organizations.delete, request, token: world.adminService) == .permissionDenied)
            #expect(await h.status(IdentityV1.Organizations.delete, request, token: world.otherOwner.token) == .notFound)

            let cron: IdentityV1.CreateServiceTokenResponse = try await h.call(
                IdentityV1.ServiceTokens.create, IdentityV1.CreateServiceTokenRequest(organizationId: a, name: "cron", role: .staff),
                token: owner.token)
            #expect(try await h.whoAmI(cron.token).kind == .service)

            let deleted: IdentityV1.Organization = try await h.call(IdentityV1.Organizations.delete, request, token: owner.token)
            #expect(deleted.id == a)
            #expect(deleted.deletedAt != nil)

            for role in [Role.owner, .admin, .staff] {
                #expect(await h.status(
                    IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: a), token: world.member(role).token
                ) == .notFound, "\(role)")
            }
            #expect(await h.status(IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: a), token: owner.token) == .notFound)
            #expect(await h.status(IdentityV1.Organizations.delete, request, token: owner.token) == .notFound)
            #expect(await h.status(
                IdentityV1.ServiceTokens.list, IdentityV1.ListServiceTokensRequest(organizationId: a), token: owner.token) == .notFound)

            // Its service tokens no longer authenticate, whenever they were made.
            #expect(await h.status(IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: world.adminService) == .unauthenticated)
            #expect(await h.status(IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: cron.token) == .unauthenticated)

            // Its members are still users, without it.
            #expect(try await h.whoAmI(owner.token).memberships.isEmpty)
            #expect(try await h.whoAmI(world.member(.staff).token).memberships.isEmpty)
            // Another organization is untouched.
            #expect(await h.status(
                IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: world.b.id.wire), token: world.otherOwner.token) == .ok)
            // The slug stays taken.
            let reuse = try await h.failure(
                IdentityV1.Organizations.create,
                IdentityV1.CreateOrganizationRequest(slug: world.a.slug, name: "A Again", timeZone: "Europe/London", currency: "GBP"),
                token: owner.token)
            #expect(reuse.code == .alreadyExists)
            #expect(fields(reuse) == ["slug"])
        }
    }

    /// What Create, Update or SignIn answers is what a later read answers,
    /// to the microsecond. These instants are ones where rounding `t * 1e6`
    /// (how an instant is stored) and rounding the fraction of a second alone
    /// (how the wire sends one) disagree by a microsecond: about one instant
    /// in eight.
    @Test func answersShowInstantsAsTheyAreStored() async throws {
        try await withIdentityHarness { h in
            _ = try await h.user("Founder", email: "instants@example.com")
            h.clock.set(Date(timeIntervalSince1970: 1_900_000_000.123_456_5))
            let session = try await h.signIn("instants@example.com", fixturePassword)
            #expect(try await h.whoAmI(session.token).expiresAt == session.expiresAt, "SignIn's expiry and WhoAmI's")

            let created: IdentityV1.Organization = try await h.call(
                IdentityV1.Organizations.create,
                IdentityV1.CreateOrganizationRequest(slug: "instants-\(UUID().uuidString.prefix(6).lowercased())", name: "Instants", timeZone: "UTC", currency: "EUR"),
                token: session.token)
            let read: IdentityV1.Organization = try await h.call(
                IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: created.id), token: session.token)
            #expect(read.createdAt == created.createdAt && read.updatedAt == created.updatedAt, "Create's instants and Get's")

            h.clock.set(Date(timeIntervalSince1970: 1_900_000_000.123_457_5))
            let updated: IdentityV1.Organization = try await h.call(
                IdentityV1.Organizations.update, IdentityV1.UpdateOrganizationRequest(organizationId: created.id, name: "Instants 2"),
                token: session.token)
            let reread: IdentityV1.Organization = try await h.call(
                IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: created.id), token: session.token)
            #expect(reread.updatedAt == updated.updatedAt, "Update's instant and Get's")

            h.clock.set(Date(timeIntervalSince1970: 1_900_000_000.123_458_5))
            let issued: IdentityV1.CreateServiceTokenResponse = try await h.call(
                IdentityV1.ServiceTokens.create, IdentityV1.CreateServiceTokenRequest(organizationId: created.id, name: "clock", role: .staff),
                token: session.token)
            let listed: IdentityV1.ListServiceTokensResponse = try await h.call(
                IdentityV1.ServiceTokens.list, IdentityV1.ListServiceTokensRequest(organizationId: created.id), token: session.token)
            #expect(listed.serviceTokens.first?.createdAt == issued.serviceToken?.createdAt, "Create's instant and List's")
            #expect(try await h.whoAmI(issued.token).serviceToken?.createdAt == issued.serviceToken?.createdAt)
        }
    }

    // MARK: Memberships

    @Test func membershipsAreAddedChangedDeactivatedAndReactivated() async throws {
        try await withIdentityHarness { h in
            let world = try await IdentityWorld.make(h)
            let a = world.a.id.wire
            let owner = world.member(.owner), admin = world.member(.admin)
            let newcomer = try await h.user("Newcomer")
            let newcomerID = newcomer.record.id.wire
            let email = try #require(newcomer.record.email)

            // By email, in any case.
            let added: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.add, IdentityV1.AddMembershipRequest(organizationId: a, email: email.uppercased(), role: .staff),
                token: owner.token)
            #expect(added.userId == newcomerID)
            #expect(added.organizationId == a && added.organizationSlug == world.a.slug)
            #expect(added.role == .staff && added.status == .invited && added.locationIds.isEmpty)
            // An invitation grants nothing, and the organization sees only the id and email it typed.
            #expect(try await h.whoAmI(newcomer.token).memberships.map(\.status) == [.invited])
            #expect(await h.status(
                IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: a), token: newcomer.token) == .notFound)
            let listed: IdentityV1.ListMembersResponse = try await h.call(
                IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: a, pageSize: 200), token: owner.token)
            let invitee = try #require(listed.members.first { $0.user?.id == newcomerID })
            #expect(invitee.user?.name == "" && invitee.user?.email == email && invitee.membership?.status == .invited)
            #expect(await h.status(
                IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: newcomerID), token: owner.token) == .notFound)
            let accepted: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.accept, IdentityV1.AcceptMembershipRequest(organizationId: a), token: newcomer.token)
            #expect(accepted.status == .active && accepted.id == added.id)
            #expect(try await h.whoAmI(newcomer.token).memberships.map(\.role) == [.staff])
            #expect(await h.status(
                IdentityV1.Memberships.accept, IdentityV1.AcceptMembershipRequest(organizationId: world.b.id.wire), token: newcomer.token)
                == .notFound, "no invitation there")

            let twice = try await h.failure(
                IdentityV1.Memberships.add, IdentityV1.AddMembershipRequest(organizationId: a, userId: newcomerID, role: .provider),
                token: owner.token)
            #expect(twice.code == .alreadyExists)
            #expect(fields(twice) == ["user_id"])

            let changed: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.change,
                IdentityV1.ChangeMembershipRequest(
                    organizationId: a, userId: newcomerID, role: .manager, scope: IdentityV1.LocationScope(locationIds: [world.location1.wire])),
                token: owner.token)
            #expect(changed.id == added.id)
            #expect(changed.role == .manager && changed.locationIds == [world.location1.wire])
            // A scope alone: the role stays; no ids is every location.
            let widened: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.change,
                IdentityV1.ChangeMembershipRequest(organizationId: a, userId: newcomerID, scope: IdentityV1.LocationScope()), token: admin.token)
            #expect(widened.role == .manager && widened.locationIds.isEmpty)

            let deactivated: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.deactivate, IdentityV1.DeactivateMembershipRequest(organizationId: a, userId: newcomerID),
                token: admin.token)
            #expect(deactivated.status == .inactive)
            #expect(try await h.whoAmI(newcomer.token).memberships.isEmpty)
            #expect(await h.status(
                IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: a), token: newcomer.token) == .notFound)

            // Adding them again brings the same membership back, as asked for.
            let back: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.add,
                IdentityV1.AddMembershipRequest(organizationId: a, userId: newcomerID, role: .provider, locationIds: [world.location2.wire]),
                token: owner.token)
            #expect(back.id == added.id)
            #expect(back.status == .invited && back.role == .provider && back.locationIds == [world.location2.wire], "invited again")

            // Requests that cannot be right.
            #expect(await h.status(
                IdentityV1.Memberships.add, IdentityV1.AddMembershipRequest(organizationId: a, email: "nobody-here@example.com", role: .staff),
                token: owner.token) == .notFound)
            let both = try await h.failure(
                IdentityV1.Memberships.add,
                IdentityV1.AddMembershipRequest(organizationId: a, userId: newcomerID, email: email, role: .staff), token: owner.token)
            #expect(fields(both) == ["user_id"])
            let noRole = try await h.failure(
                IdentityV1.Memberships.add, IdentityV1.AddMembershipRequest(organizationId: a, email: email), token: owner.token)
            #expect(fields(noRole) == ["role"])
            let scopedOwner = try await h.failure(
                IdentityV1.Memberships.add,
                IdentityV1.AddMembershipRequest(organizationId: a, email: email, role: .owner, locationIds: [world.location1.wire]),
                token: owner.token)
            #expect(fields(scopedOwner) == ["location_ids"])

            // Nobody grants above their own role; outsiders see nothing.
            let hopeful = try await h.user("Hopeful")
            #expect(await h.status(
                IdentityV1.Memberships.add, IdentityV1.AddMembershipRequest(organizationId: a, userId: hopeful.record.id.wire, role: .owner),
                token: admin.token) == .permissionDenied)
            #expect(await h.status(
                IdentityV1.Memberships.add, IdentityV1.AddMembershipRequest(organizationId: a, userId: hopeful.record.id.wire, role: .staff),
                token: world.member(.staff).token) == .permissionDenied)
            #expect(await h.status(
                IdentityV1.Memberships.add, IdentityV1.AddMembershipRequest(organizationId: a, userId: hopeful.record.id.wire, role: .staff),
                token: world.otherOwner.token) == .notFound)
            #expect(await h.status(
                IdentityV1.Memberships.change,
                IdentityV1.ChangeMembershipRequest(organizationId: a, userId: owner.record.id.wire, role: .staff), token: admin.token
            ) == .permissionDenied)
            #expect(await h.status(
                IdentityV1.Memberships.change,
                IdentityV1.ChangeMembershipRequest(organizationId: a, userId: newcomerID, role: .owner, scope: IdentityV1.LocationScope()),
                token: admin.token) == .permissionDenied)
            let promoted: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.add, IdentityV1.AddMembershipRequest(organizationId: a, userId: hopeful.record.id.wire, role: .admin),
                token: admin.token)
            #expect(promoted.role == .admin, "an admin may grant their own role")
        }
    }

    @Test func theLastOwnerStaysAnOwner() async throws {
        try await withIdentityHarness { h in
            let world = try await IdentityWorld.make(h)
            let a = world.a.id.wire
            let owner = world.member(.owner), admin = world.member(.admin)

            let demote = try await h.failure(
                IdentityV1.Memberships.change, IdentityV1.ChangeMembershipRequest(organizationId: a, userId: owner.record.id.wire, role: .admin),
                token: owner.token)
            #expect(demote.code == .failedPrecondition)
            let leave = try await h.failure(
                IdentityV1.Memberships.deactivate, IdentityV1.DeactivateMembershipRequest(organizationId: a, userId: owner.record.id.wire),
                token: owner.token)
            #expect(leave.code == .failedPrecondition)
            #expect(try await h.whoAmI(owner.token).memberships.map(\.role) == [.owner])
            // A scope change that keeps the role is not a demotion.
            #expect(await h.status(
                IdentityV1.Memberships.change,
                IdentityV1.ChangeMembershipRequest(organizationId: a, userId: owner.record.id.wire, scope: IdentityV1.LocationScope()),
                token: owner.token) == .ok)

            // With a second owner, the first may step down; then the second is the last.
            let promoted: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.change, IdentityV1.ChangeMembershipRequest(organizationId: a, userId: admin.record.id.wire, role: .owner),
                token: owner.token)
            #expect(promoted.role == .owner)
            let stepped: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.change, IdentityV1.ChangeMembershipRequest(organizationId: a, userId: owner.record.id.wire, role: .admin),
                token: owner.token)
            #expect(stepped.role == .admin)
            let last = try await h.failure(
                IdentityV1.Memberships.deactivate, IdentityV1.DeactivateMembershipRequest(organizationId: a, userId: admin.record.id.wire),
                token: admin.token)
            #expect(last.code == .failedPrecondition)
            // The former owner, now an admin, cannot touch the owner.
            #expect(await h.status(
                IdentityV1.Memberships.deactivate, IdentityV1.DeactivateMembershipRequest(organizationId: a, userId: admin.record.id.wire),
                token: owner.token) == .permissionDenied)
        }
    }

    /// Two owners demote (or deactivate) each other at the same moment, each
    /// on its own connection: exactly one wins, and one owner remains.
    @Test(arguments: ["change", "deactivate"])
    func twoOwnersTurningOnEachOtherAtOnce(_ how: String) async throws {
        try await withIdentityHarness { h in
            let socket = h.server.configuration.socketPath
            for round in 0..<4 {
                let first = try await h.user("First \(round)"), second = try await h.user("Second \(round)")
                let organization = try await h.organization(slug: "duel-\(round)", owner: first.record.id)
                _ = try await h.fixtures.addMembership(organizationID: organization.id, userID: second.record.id, role: .owner)
                let a = try await RPCClient.connect(socketPath: socket), b = try await RPCClient.connect(socketPath: socket)

                @Sendable func strike(_ client: RPCClient, _ caller: String, at target: UUID) async -> StatusCode {
                    let clients = IdentityV1.Memberships.Client(client)
                    let metadata = IdentityHarness.metadata(caller)
                    do {
                        if how == "change" {
                            _ = try await clients.change(
                                IdentityV1.ChangeMembershipRequest(organizationId: organization.id.wire, userId: target.wire, role: .admin),
                                metadata: metadata)
                        } else {
                            _ = try await clients.deactivate(
                                IdentityV1.DeactivateMembershipRequest(organizationId: organization.id.wire, userId: target.wire), metadata: metadata)
                        }
                        return .ok
                    } catch let status as RPCStatus {
                        return status.code
                    } catch {
                        return .unknown
                    }
                }
                async let one = strike(a, first.token, at: second.record.id)
                async let two = strike(b, second.token, at: first.record.id)
                let outcomes = await [one, two]
                try await a.close()
                try await b.close()

                #expect(outcomes.filter { $0 == .ok }.count == 1, "round \(round): \(outcomes)")
                // The loser finds itself demoted (no authority over an owner any more), deactivated (the
                // organization is gone for it), or, had the checks run outside the transaction, the last owner.
                #expect(outcomes.allSatisfy { [.ok, .permissionDenied, .notFound, .failedPrecondition].contains($0) }, "round \(round): \(outcomes)")
                let winner = outcomes[0] == .ok ? first : second
                let members: IdentityV1.ListMembersResponse = try await h.call(
                    IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: organization.id.wire), token: winner.token)
                let owners = members.members.compactMap(\.membership).filter { $0.role == .owner && $0.status == .active }
                #expect(owners.map(\.userId) == [winner.record.id.wire], "round \(round)")
            }
        }
    }

    /// A membership's scope names live locations of its organization (the
    /// Catalog answers through Identity's `LocationDirectory`).
    @Test func membershipScopesNameTheOrganizationsLocations() async throws {
        try await withIdentityHarness { h in
            let world = try await IdentityWorld.make(h)
            let owner = world.member(.owner)
            let hire = try await h.user("Hire")
            let elsewhere = try await CatalogProvisioning(h.fixtures.store).location(
                CatalogV1.Location(slug: "b-place", name: "B's place", type: .virtual, timeZone: "Europe/London"), organizationID: world.b.id)
            let add = try await h.failure(
                IdentityV1.Memberships.add,
                IdentityV1.AddMembershipRequest(
                    organizationId: world.a.id.wire, userId: hire.record.id.wire, role: .manager,
                    locationIds: [world.location1.wire, UUID().wire, elsewhere.id]),
                token: owner.token)
            #expect(add.code == .invalidArgument && fields(add) == ["location_ids[1]", "location_ids[2]"])
            let change = try await h.failure(
                IdentityV1.Memberships.change,
                IdentityV1.ChangeMembershipRequest(
                    organizationId: world.a.id.wire, userId: world.member(.staff).record.id.wire,
                    scope: IdentityV1.LocationScope(locationIds: [elsewhere.id])),
                token: owner.token)
            #expect(change.code == .invalidArgument && fields(change) == ["scope.location_ids[0]"])
            let added: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.add,
                IdentityV1.AddMembershipRequest(organizationId: world.a.id.wire, userId: hire.record.id.wire, role: .manager, locationIds: [world.location2.wire]),
                token: owner.token)
            #expect(added.locationIds == [world.location2.wire])
        }
    }

    @Test func managersManageProvidersAtTheirOwnLocationsOnly() async throws {
        try await withIdentityHarness { h in
            let world = try await IdentityWorld.make(h)
            let a = world.a.id.wire
            let manager = world.member(.manager)  // of location 1
            let l1 = world.location1.wire, l2 = world.location2.wire
            let hire = try await h.user("Hire"), other = try await h.user("Other Hire")

            let added: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.add,
                IdentityV1.AddMembershipRequest(organizationId: a, userId: hire.record.id.wire, role: .provider, locationIds: [l1]),
                token: manager.token)
            #expect(added.role == .provider && added.locationIds == [l1])

            let elsewhere = try await h.failure(
                IdentityV1.Memberships.add,
                IdentityV1.AddMembershipRequest(organizationId: a, userId: other.record.id.wire, role: .provider, locationIds: [l2]),
                token: manager.token)
            #expect(elsewhere.code == .permissionDenied)
            #expect(elsewhere.message.contains("own locations"), "\(elsewhere.message)")
            for (role, locations) in [(IdentityV1.Role.provider, [l1, l2]), (.provider, []), (.staff, [l1]), (.manager, [l1])] {
                #expect(await h.status(
                    IdentityV1.Memberships.add,
                    IdentityV1.AddMembershipRequest(organizationId: a, userId: other.record.id.wire, role: role, locationIds: locations),
                    token: manager.token) == .permissionDenied, "\(role) at \(locations)")
            }
            // Their provider stays within their locations and stays a provider.
            #expect(await h.status(
                IdentityV1.Memberships.change,
                IdentityV1.ChangeMembershipRequest(organizationId: a, userId: hire.record.id.wire, scope: IdentityV1.LocationScope(locationIds: [l2])),
                token: manager.token) == .permissionDenied)
            #expect(await h.status(
                IdentityV1.Memberships.change,
                IdentityV1.ChangeMembershipRequest(organizationId: a, userId: hire.record.id.wire, role: .staff), token: manager.token
            ) == .permissionDenied)
            // Staff and providers, even at location 1, manage no one.
            for role in [Role.staff, .provider] {
                #expect(await h.status(
                    IdentityV1.Memberships.add,
                    IdentityV1.AddMembershipRequest(organizationId: a, userId: other.record.id.wire, role: .provider, locationIds: [l1]),
                    token: world.member(role).token) == .permissionDenied, "\(role)")
            }
            // The world's provider (location 1) they may let go; the staff member they may not.
            let gone: IdentityV1.Membership = try await h.call(
                IdentityV1.Memberships.deactivate,
                IdentityV1.DeactivateMembershipRequest(organizationId: a, userId: world.member(.provider).record.id.wire), token: manager.token)
            #expect(gone.status == .inactive)
            #expect(await h.status(
                IdentityV1.Memberships.deactivate,
                IdentityV1.DeactivateMembershipRequest(organizationId: a, userId: world.member(.staff).record.id.wire), token: manager.token
            ) == .permissionDenied)
        }
    }

    // MARK: Service tokens

    @Test func serviceTokensAreShownOnceListedWithoutSecretsAndRevoked() async throws {
        try await withIdentityHarness { h in
            let world = try await IdentityWorld.make(h)
            let a = world.a.id.wire
            let owner = world.member(.owner), admin = world.member(.admin)

            h.clock.advance(by: .seconds(1))
            let created: IdentityV1.CreateServiceTokenResponse = try await h.call(
                IdentityV1.ServiceTokens.create, IdentityV1.CreateServiceTokenRequest(organizationId: a, name: "booking-sync", role: .staff),
                token: owner.token)
            #expect(created.token.hasPrefix("bzt_") && created.token.count == 47)
            let record = try #require(created.serviceToken)
            #expect(record.name == "booking-sync" && record.role == .staff && record.organizationId == a)
            #expect(record.state == .active && record.revokedAt == nil && record.expiresAt == nil)
            #expect(record.createdBy == owner.record.id.wire)

            let who = try await h.whoAmI(created.token)
            #expect(who.kind == .service && who.serviceToken?.id == record.id && who.serviceToken?.role == .staff)

            h.clock.advance(by: .seconds(1))
            let second: IdentityV1.CreateServiceTokenResponse = try await h.call(
                IdentityV1.ServiceTokens.create,
                IdentityV1.CreateServiceTokenRequest(organizationId: a, name: "reports", role: .admin, expiresAt: h.clock.now.addingTimeInterval(86_400)),
                token: admin.token)
            #expect(second.serviceToken?.expiresAt != nil)
            #expect(second.serviceToken?.createdBy == admin.record.id.wire)

            // Newest first, and no secret anywhere in the answer.
            let list: IdentityV1.ListServiceTokensResponse = try await h.call(
                IdentityV1.ServiceTokens.list, IdentityV1.ListServiceTokensRequest(organizationId: a), token: admin.token)
            #expect(list.serviceTokens.map(\.name) == ["reports", "booking-sync", "exporter"])
            var encoded = ByteBuffer()
            try ProtobufEncoder().encode(list, into: &encoded)
            let bytes = Data(encoded.readableBytesView)
            for secret in [created.token, second.token, world.adminService] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil)
                #expect(bytes.range(of: Data(secret.dropFirst(4).utf8)) == nil)
            }

            h.clock.advance(by: .seconds(1))
            let revoked: IdentityV1.ServiceToken = try await h.call(
                IdentityV1.ServiceTokens.revoke, IdentityV1.RevokeServiceTokenRequest(serviceTokenId: record.id), token: admin.token)
            #expect(revoked.state == .revoked && revoked.revokedAt != nil)
            #expect(await h.status(IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: created.token) == .unauthenticated)
            let relisted: IdentityV1.ListServiceTokensResponse = try await h.call(
                IdentityV1.ServiceTokens.list, IdentityV1.ListServiceTokensRequest(organizationId: a), token: owner.token)
            #expect(relisted.serviceTokens.first { $0.id == record.id }?.state == .revoked)
            #expect(try await h.whoAmI(second.token).kind == .service, "revoking one token leaves the others")

            // Nobody issues a token that outranks them, nor revokes one.
            #expect(await h.status(
                IdentityV1.ServiceTokens.create, IdentityV1.CreateServiceTokenRequest(organizationId: a, name: "root", role: .owner),
                token: admin.token) == .permissionDenied)
            #expect(await h.status(
                IdentityV1.ServiceTokens.create, IdentityV1.CreateServiceTokenRequest(organizationId: a, name: "escalate", role: .owner),
                token: world.adminService) == .permissionDenied)
            let minted: IdentityV1.CreateServiceTokenResponse = try await h.call(
                IdentityV1.ServiceTokens.create, IdentityV1.CreateServiceTokenRequest(organizationId: a, name: "child", role: .manager),
                token: world.adminService)
            #expect(minted.serviceToken?.createdBy == "", "a service token is no user")
            let root: IdentityV1.CreateServiceTokenResponse = try await h.call(
                IdentityV1.ServiceTokens.create, IdentityV1.CreateServiceTokenRequest(organizationId: a, name: "root", role: .owner),
                token: owner.token)
            #expect(await h.status(
                IdentityV1.ServiceTokens.revoke, IdentityV1.RevokeServiceTokenRequest(serviceTokenId: root.serviceToken!.id), token: admin.token
            ) == .permissionDenied)
            #expect(try await h.whoAmI(root.token).serviceToken?.role == .owner)

            // Managers and below have no say; another organization does not see these tokens.
            for role in [Role.manager, .staff] {
                #expect(await h.status(
                    IdentityV1.ServiceTokens.create, IdentityV1.CreateServiceTokenRequest(organizationId: a, name: "mine", role: .provider),
                    token: world.member(role).token) == .permissionDenied)
                #expect(await h.status(
                    IdentityV1.ServiceTokens.list, IdentityV1.ListServiceTokensRequest(organizationId: a), token: world.member(role).token
                ) == .permissionDenied)
            }
            #expect(await h.status(
                IdentityV1.ServiceTokens.list, IdentityV1.ListServiceTokensRequest(organizationId: a), token: world.otherOwner.token) == .notFound)
            #expect(await h.status(
                IdentityV1.ServiceTokens.revoke, IdentityV1.RevokeServiceTokenRequest(serviceTokenId: second.serviceToken!.id),
                token: world.otherOwner.token) == .notFound)
            #expect(try await h.whoAmI(second.token).kind == .service)

            let bad = try await h.failure(
                IdentityV1.ServiceTokens.create,
                IdentityV1.CreateServiceTokenRequest(organizationId: a, name: " ", expiresAt: h.clock.now.addingTimeInterval(-60)),
                token: owner.token)
            #expect(Set(fields(bad)) == ["role", "name", "expires_at"])
        }
    }

    // MARK: Households

    @Test func householdsTakeChildrenAtOnceAndInviteAdults() async throws {
        try await withIdentityHarness { h in
            let pat = try await h.user("Pat Parker"), alex = try await h.user("Alex Parker"), sam = try await h.user("Sam Parker")
            let outsider = try await h.user("Outsider")
            let (patID, alexID, samID) = (pat.record.id.wire, alex.record.id.wire, sam.record.id.wire)

            let created: IdentityV1.Household = try await h.call(
                IdentityV1.Households.create, IdentityV1.CreateHouseholdRequest(name: "The Parkers"), token: pat.token)
            let hid = created.id
            #expect(created.type == .family && created.primaryContactId == patID && created.name == "The Parkers")
            #expect(created.members.map(\.userId) == [patID])
            #expect(created.member(patID)?.role == .primary && created.member(patID)?.joinedAt != nil)

            // A child Pat registers (no password) is a member at once.
            let kim: IdentityV1.User = try await h.call(IdentityV1.Users.register, IdentityV1.RegisterRequest(name: "Kim Parker"), token: pat.token)
            let withKim: IdentityV1.Household = try await h.call(
                IdentityV1.Households.addMember,
                IdentityV1.AddHouseholdMemberRequest(householdId: hid, userId: kim.id, role: .minor, relationship: .child, dateOfBirth: "2016-05-04"),
                token: pat.token)
            let kimMember = try #require(withKim.member(kim.id))
            #expect(kimMember.joinedAt != nil && kimMember.role == .minor && kimMember.name == "Kim Parker")
            #expect(kimMember.relationship == .child && kimMember.dateOfBirth == "2016-05-04")
            #expect(kimMember.permissions == IdentityV1.HouseholdPermissions(
                canBookForOthers: false, canViewOthersBookings: false, canModifyOthersBookings: false, approvalRequiredFor: .all))
            let visible: IdentityV1.User = try await h.call(IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: kim.id), token: pat.token)
            #expect(visible.name == "Kim Parker")

            // Adults who sign in are invited.
            let invited: IdentityV1.Household = try await h.call(
                IdentityV1.Households.addMember,
                IdentityV1.AddHouseholdMemberRequest(householdId: hid, userId: alexID, role: .adult, relationship: .spouse), token: pat.token)
            #expect(invited.member(alexID)?.joinedAt == nil)
            #expect(invited.member(alexID)?.role == .adult)
            _ = try await h.call(
                IdentityV1.Households.addMember, IdentityV1.AddHouseholdMemberRequest(householdId: hid, userId: samID, role: .adult),
                token: pat.token, as: IdentityV1.Household.self)
            let twice = try await h.failure(
                IdentityV1.Households.addMember, IdentityV1.AddHouseholdMemberRequest(householdId: hid, userId: alexID, role: .adult),
                token: pat.token)
            #expect(twice.code == .alreadyExists && fields(twice) == ["user_id"])

            // The invitee sees the household and the invitation...
            let seen: IdentityV1.Household = try await h.call(
                IdentityV1.Households.get, IdentityV1.GetHouseholdRequest(householdId: hid), token: alex.token)
            #expect(seen.id == hid)
            let listed: IdentityV1.ListHouseholdsResponse = try await h.call(
                IdentityV1.Households.list, IdentityV1.ListHouseholdsRequest(), token: alex.token)
            #expect(listed.households.map(\.id) == [hid])
            // ...and has no member's rights until accepting.
            #expect(await h.status(IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: patID), token: alex.token) == .notFound)
            #expect(await h.status(IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: kim.id), token: alex.token) == .notFound)
            #expect(await h.status(IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: alexID), token: pat.token) == .notFound)
            #expect(await h.status(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(userId: kim.id, name: "Kimberly"), token: alex.token) == .notFound)
            let managerNotYet = try await h.failure(
                IdentityV1.Households.updateMember,
                IdentityV1.UpdateHouseholdMemberRequest(householdId: hid, userId: kim.id, managedBy: IdentityV1.UserIDs(userIds: [alexID])),
                token: pat.token)
            #expect(managerNotYet.code == .invalidArgument && fields(managerNotYet) == ["managed_by"], "an invitee manages no one")

            let accepted: IdentityV1.Household = try await h.call(
                IdentityV1.Households.acceptInvitation, IdentityV1.AcceptInvitationRequest(householdId: hid), token: alex.token)
            let joinedAt = try #require(accepted.member(alexID)?.joinedAt)
            let again: IdentityV1.Household = try await h.call(
                IdentityV1.Households.acceptInvitation, IdentityV1.AcceptInvitationRequest(householdId: hid), token: alex.token)
            #expect(again.member(alexID)?.joinedAt == joinedAt, "accepting twice changes nothing")
            #expect(await h.status(IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: patID), token: alex.token) == .ok)
            _ = try await h.call(
                IdentityV1.Households.acceptInvitation, IdentityV1.AcceptInvitationRequest(householdId: hid), token: sam.token,
                as: IdentityV1.Household.self)

            // The primary updates members.
            let managed: IdentityV1.Household = try await h.call(
                IdentityV1.Households.updateMember,
                IdentityV1.UpdateHouseholdMemberRequest(householdId: hid, userId: kim.id, managedBy: IdentityV1.UserIDs(userIds: [alexID])),
                token: pat.token)
            #expect(managed.member(kim.id)?.managedBy == [alexID])
            #expect(managed.member(kim.id)?.dateOfBirth == "2016-05-04", "fields not sent stay")
            let trusted = IdentityV1.HouseholdPermissions(
                canBookForOthers: true, canViewOthersBookings: true, canModifyOthersBookings: true, approvalRequiredFor: .expensiveOnly)
            let updated: IdentityV1.Household = try await h.call(
                IdentityV1.Households.updateMember,
                IdentityV1.UpdateHouseholdMemberRequest(householdId: hid, userId: alexID, permissions: trusted), token: pat.token)
            #expect(updated.member(alexID)?.permissions == trusted)
            #expect(updated.member(alexID)?.relationship == .spouse)
            #expect(await h.status(
                IdentityV1.Households.updateMember,
                IdentityV1.UpdateHouseholdMemberRequest(householdId: hid, userId: kim.id, dateOfBirth: "2016-05-05"), token: alex.token
            ) == .permissionDenied)
            let secondPrimary = try await h.failure(
                IdentityV1.Households.updateMember,
                IdentityV1.UpdateHouseholdMemberRequest(householdId: hid, userId: alexID, role: .primary), token: pat.token)
            #expect(fields(secondPrimary) == ["role"])

            // Profiles: a minor's managers change it; an adult's is theirs alone.
            let renamed: IdentityV1.User = try await h.call(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(userId: kim.id, name: "Kimberly Parker"), token: alex.token)
            #expect(renamed.name == "Kimberly Parker")
            let phoned: IdentityV1.User = try await h.call(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(userId: kim.id, phone: "+44 7700 900123"), token: pat.token)
            #expect(phoned.phone == "+44 7700 900123" && phoned.name == "Kimberly Parker")
            #expect(await h.status(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(userId: samID, name: "Samuel"), token: alex.token) == .permissionDenied)
            #expect(await h.status(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(userId: samID, name: "Samuel"), token: pat.token) == .permissionDenied)
            #expect(await h.status(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(userId: kim.id, name: "Kimmy"), token: sam.token) == .permissionDenied,
                "an adult who does not manage Kim")

            // Outsiders, other members and service tokens.
            #expect(await h.status(IdentityV1.Households.get, IdentityV1.GetHouseholdRequest(householdId: hid), token: outsider.token) == .notFound)
            #expect(await h.status(
                IdentityV1.Households.addMember,
                IdentityV1.AddHouseholdMemberRequest(householdId: hid, userId: outsider.record.id.wire, role: .adult), token: outsider.token
            ) == .notFound)
            #expect(await h.status(IdentityV1.Users.get, IdentityV1.GetUserRequest(userId: kim.id), token: outsider.token) == .notFound)
            #expect(await h.status(
                IdentityV1.Households.addMember,
                IdentityV1.AddHouseholdMemberRequest(householdId: hid, userId: outsider.record.id.wire, role: .adult), token: alex.token
            ) == .permissionDenied)
            let organization = try await h.organization(slug: "parkers-co", owner: pat.record.id)
            let (_, service) = try await h.fixtures.issueServiceToken(organizationID: organization.id, name: "bot", role: .owner)
            #expect(await h.status(IdentityV1.Households.get, IdentityV1.GetHouseholdRequest(householdId: hid), token: service) == .permissionDenied)

            // Leaving and removing; the primary stays.
            let primaryLeaves = try await h.failure(
                IdentityV1.Households.removeMember, IdentityV1.RemoveHouseholdMemberRequest(householdId: hid, userId: patID), token: pat.token)
            #expect(primaryLeaves.code == .failedPrecondition)
            #expect(await h.status(
                IdentityV1.Households.removeMember, IdentityV1.RemoveHouseholdMemberRequest(householdId: hid, userId: patID), token: sam.token
            ) == .failedPrecondition)
            #expect(await h.status(
                IdentityV1.Households.removeMember, IdentityV1.RemoveHouseholdMemberRequest(householdId: hid, userId: kim.id), token: sam.token
            ) == .permissionDenied)
            let left: IdentityV1.Household = try await h.call(
                IdentityV1.Households.removeMember, IdentityV1.RemoveHouseholdMemberRequest(householdId: hid, userId: samID), token: sam.token)
            #expect(left.member(samID) == nil)
            #expect(await h.status(IdentityV1.Households.get, IdentityV1.GetHouseholdRequest(householdId: hid), token: sam.token) == .notFound)
            let removed: IdentityV1.Household = try await h.call(
                IdentityV1.Households.removeMember, IdentityV1.RemoveHouseholdMemberRequest(householdId: hid, userId: alexID), token: pat.token)
            #expect(removed.member(alexID) == nil)
            #expect(removed.member(kim.id)?.managedBy == [], "a removed manager manages no one")
            #expect(await h.status(
                IdentityV1.Users.update, IdentityV1.UpdateUserRequest(userId: kim.id, name: "K"), token: alex.token) == .notFound)
            // A former member comes back as an invitee.
            let reinvited: IdentityV1.Household = try await h.call(
                IdentityV1.Households.addMember, IdentityV1.AddHouseholdMemberRequest(householdId: hid, userId: alexID, role: .adult),
                token: pat.token)
            #expect(reinvited.member(alexID) != nil && reinvited.member(alexID)?.joinedAt == nil)
        }
    }

    // MARK: Listing members

    @Test func listMembersPagesWithoutRepeatsOrGaps() async throws {
        try await withIdentityHarness { h in
            let world = try await IdentityWorld.make(h)
            let a = world.a.id.wire
            let owner = world.member(.owner)
            let order: [Role] = [.owner, .admin, .manager, .staff, .provider]

            func page(_ token: String, size: UInt32 = 2) async throws -> IdentityV1.ListMembersResponse {
                try await h.call(
                    IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: a, pageSize: size, pageToken: token),
                    token: world.member(.staff).token)
            }
            let first = try await page("")
            #expect(first.members.count == 2 && !first.nextPageToken.isEmpty)
            // Someone joins while the client pages: they land after the cursor.
            h.clock.advance(by: .seconds(1))
            let late = try await h.user("Late Joiner")
            _ = try await h.fixtures.addMembership(organizationID: world.a.id, userID: late.record.id, role: .staff)
            let second = try await page(first.nextPageToken)
            #expect(second.members.count == 2 && !second.nextPageToken.isEmpty)
            let third = try await page(second.nextPageToken)
            #expect(third.members.count == 2)
            #expect(third.nextPageToken.isEmpty, "the last page says so")

            let seen = (first.members + second.members + third.members).compactMap(\.user?.id)
            #expect(seen == order.map { world.member($0).record.id.wire } + [late.record.id.wire], "in the order they joined, each once")
            #expect((first.members + second.members + third.members).compactMap(\.membership?.role) == [.owner, .admin, .manager, .staff, .provider, .staff])
            #expect(first.members.first?.user?.email == owner.record.email)

            // The default page holds them all.
            let all: IdentityV1.ListMembersResponse = try await h.call(
                IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: a), token: owner.token)
            #expect(all.members.compactMap(\.user?.id) == seen && all.nextPageToken.isEmpty)

            // Inactive members only on request.
            _ = try await h.call(
                IdentityV1.Memberships.deactivate, IdentityV1.DeactivateMembershipRequest(organizationId: a, userId: late.record.id.wire),
                token: owner.token, as: IdentityV1.Membership.self)
            let active: IdentityV1.ListMembersResponse = try await h.call(
                IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: a), token: owner.token)
            #expect(active.members.count == 5)
            let everyone: IdentityV1.ListMembersResponse = try await h.call(
                IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: a, includeInactive: true), token: owner.token)
            #expect(everyone.members.count == 6)
            #expect(everyone.members.last?.membership?.status == .inactive)

            // Garbage cursors and sizes are the caller's mistake.
            for garbage in ["garbage", "!!!", String(repeating: "A", count: 80), "djE6bm90LWEtdXVpZA"] {
                let refused = try await h.failure(
                    IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: a, pageSize: 2, pageToken: garbage), token: owner.token)
                #expect(refused.code == .invalidArgument, "\(garbage)")
                #expect(fields(refused) == ["page_token"], "\(garbage)")
            }
            let tooBig = try await h.failure(
                IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: a, pageSize: 201), token: owner.token)
            #expect(fields(tooBig) == ["page_size"])
            // Outsiders do not see the organization.
            #expect(await h.status(
                IdentityV1.Users.listMembers, IdentityV1.ListMembersRequest(organizationId: a), token: world.otherOwner.token) == .notFound)
        }
    }
}
