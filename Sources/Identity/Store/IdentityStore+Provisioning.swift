public import ContextKit
import BizingStore
public import Foundation

/// Provisioning without a caller: what `bizingd bootstrap`, the demo data
/// and test fixtures use to make the first organization and its people.
/// Every function is one transaction.
extension IdentityStore {
    /// What bootstrap made. `token` is the owner service token, shown once.
    public struct Bootstrapped: Sendable {
        public let owner: UserRecord
        public let organization: OrganizationRecord
        public let token: String
    }

    /// Creates the first user, the first organization with that user as its
    /// owner, and an owner service token for programs. Refuses
    /// (`alreadyBootstrapped`) once any organization exists, so running it
    /// twice cannot mint a second set of keys.
    public func bootstrap(owner: NewUser, organization: NewOrganization, tokenName: String = "bootstrap") async throws -> Bootstrapped {
        let (userID, organizationID, membershipID, tokenID) = (store.ids.next(), store.ids.next(), store.ids.next(), store.ids.next())
        let now = store.clock.now
        let token = SecretToken.generate(.service)
        let grant = try ServiceTokenGrant(name: tokenName, organizationID: organizationID, role: .owner, expiresAt: nil, now: now)
        let record = organization.record(id: organizationID, now: now)
        let user = try await store.write { db in
            guard try IdentityTables.organizationCount(db) == 0 else { throw IdentityStoreError.alreadyBootstrapped }
            let user = try IdentityTables.insertUser(db, id: userID, owner, now: now.unixMicroseconds)
            try IdentityTables.insertOrganization(db, record)
            _ = try IdentityTables.insertMembership(
                db, id: membershipID, organizationID: organizationID, userID: userID, role: .owner, scope: .allLocations, now: now.unixMicroseconds)
            _ = try IdentityTables.insertServiceToken(db, id: tokenID, grant: grant, tokenHash: token.hash, createdBy: nil)
            return user
        }
        return Bootstrapped(owner: user, organization: record, token: token.rendered)
    }

    /// Creates an organization owned by an existing user.
    public func createOrganization(_ organization: NewOrganization, owner: UUID) async throws -> OrganizationRecord {
        let (organizationID, membershipID) = (store.ids.next(), store.ids.next())
        let record = organization.record(id: organizationID, now: store.clock.now)
        try await store.write { db in
            try IdentityTables.insertOrganization(db, record)
            _ = try IdentityTables.insertMembership(
                db, id: membershipID, organizationID: organizationID, userID: owner, role: .owner, scope: .allLocations,
                now: record.createdAt.unixMicroseconds)
        }
        return record
    }

    /// Adds an active membership.
    public func addMembership(organizationID: UUID, userID: UUID, role: Role, scope: MembershipScope = .allLocations) async throws -> MembershipRecord {
        let id = store.ids.next(), now = store.clock.nowMicroseconds
        return try await store.write { db in
            try IdentityTables.insertMembership(db, id: id, organizationID: organizationID, userID: userID, role: role, scope: scope, now: now)
        }
    }

    /// Issues a service token; returns the token text, shown once.
    public func issueServiceToken(organizationID: UUID, name: String, role: Role, expiresAt: Date? = nil) async throws -> (ServiceTokenRecord, String) {
        let id = store.ids.next()
        let token = SecretToken.generate(.service)
        let grant = try ServiceTokenGrant(name: name, organizationID: organizationID, role: role, expiresAt: expiresAt, now: store.clock.now)
        let record = try await store.write { db in
            try IdentityTables.insertServiceToken(db, id: id, grant: grant, tokenHash: token.hash, createdBy: nil)
        }
        return (record, token.rendered)
    }

    /// Signs a user in without a password check (fixtures and the demo);
    /// returns the session token, shown once.
    public func openSession(userID: UUID, policy: SessionPolicy = .default) async throws -> String {
        let token = SecretToken.generate(.session)
        _ = try await insertSession(userID: userID, tokenHash: token.hash, lifetime: policy.lifetime(issuedAt: store.clock.now))
        return token.rendered
    }

    /// Whether any organization exists (the demo data seeds only an empty database).
    public func hasOrganizations() async throws -> Bool {
        try await store.read { db in try IdentityTables.organizationCount(db) > 0 }
    }
}

/// An organization to create, validated.
public struct NewOrganization: Sendable {
    public let slug: String
    public let name: String
    public let type: OrganizationType
    public let timeZone: String
    public let currency: String
    public let cancellationPolicy: CancellationPolicy
    public let features: OrganizationFeatures

    public init(
        slug: String, name: String, type: OrganizationType = .smallBusiness, timeZone: String, currency: String,
        cancellationPolicy: CancellationPolicy = .standard, features: OrganizationFeatures = OrganizationFeatures()
    ) throws(ValidationFailure) {
        var found = OrganizationSlug.violations(of: slug)
        var trimmed = ""
        do throws(ValidationFailure) { trimmed = try PersonalDetails.name(name) } catch { found += error.violations }
        found += TimeZoneName.violations(of: timeZone)
        found += CurrencyCode.violations(of: currency)
        found += cancellationPolicy.violations()
        try found.throwIfAny()
        self.slug = slug
        self.name = trimmed
        self.type = type
        self.timeZone = timeZone
        self.currency = currency
        self.cancellationPolicy = cancellationPolicy
        self.features = features
    }

    func record(id: UUID, now: Date) -> OrganizationRecord {
        OrganizationRecord(
            id: id, slug: slug, name: name, type: type, timeZone: timeZone, currency: currency, cancellationPolicy: cancellationPolicy,
            features: features, createdAt: now, updatedAt: now, deletedAt: nil)
    }
}

extension IdentityStore {
    /// Creates a household with its primary and members, all joined (for
    /// the demo and fixtures: the members have agreed out of band).
    public func createHousehold(name: String, kind: HouseholdKind, primary: UUID, members: [HouseholdMemberRecord]) async throws -> HouseholdRecord {
        let id = store.ids.next()
        let rowIDs = (0...members.count).map { _ in store.ids.next() }
        let now = store.clock.nowMicroseconds
        return try await store.write { db in
            try IdentityTables.insertHousehold(db, id: id, memberRowID: rowIDs[0], name: name, kind: kind, companyInfo: nil, primary: primary, now: now)
            for (index, member) in members.enumerated() {
                var joined = member
                joined.joinedAt = Date(unixMicroseconds: now)
                try IdentityTables.upsertHouseholdMember(db, householdID: id, rowID: rowIDs[index + 1], joined, now: now)
            }
            let household = try IdentityTables.household(db, id: id)!
            _ = try household.domain()
            return household
        }
    }
}

extension HouseholdMemberRecord {
    /// A member to add, with the role's default permissions.
    public static func new(
        userID: UUID, role: HouseholdRole, managedBy: Set<UUID> = [], relationship: HouseholdRelationship? = nil, dateOfBirth: String? = nil
    ) -> HouseholdMemberRecord {
        HouseholdMemberRecord(
            userID: userID, name: "", role: role, permissions: .defaults(for: role), managedBy: managedBy, relationship: relationship,
            dateOfBirth: dateOfBirth, joinedAt: nil, invitedBy: nil)
    }
}
