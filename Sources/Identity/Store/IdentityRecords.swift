public import ContextKit
public import Foundation

/// An organization as the `organizations` table holds it.
public struct OrganizationRecord: Hashable, Sendable {
    public let id: UUID
    public var slug: String
    public var name: String
    public var type: OrganizationType
    public var timeZone: String
    public var currency: String
    public var cancellationPolicy: CancellationPolicy
    public var features: OrganizationFeatures
    public let createdAt: Date
    public var updatedAt: Date
    public var deletedAt: Date?
}

/// A row of `org_memberships`, with its organization's slug.
public struct MembershipRecord: Hashable, Sendable {
    public let id: UUID
    public let organizationID: UUID
    public let organizationSlug: String
    public let userID: UUID
    public var role: Role
    public var scope: MembershipScope
    public var isActive: Bool
    /// nil while the user has not accepted the invitation.
    public var acceptedAt: Date?
    public let createdAt: Date
    public var updatedAt: Date

    /// Whether the membership grants anything: active and accepted.
    public var isInForce: Bool { isActive && acceptedAt != nil }

    /// What the member may do (nothing unless in force is the caller's check).
    public var membership: Membership { Membership(role: role, scope: scope) }
}

/// A row of `service_tokens` (the secret's hash stays in the table).
public struct ServiceTokenRecord: Hashable, Sendable {
    public let id: UUID
    public let grant: ServiceTokenGrant
    /// nil when the bootstrap command made it.
    public let createdBy: UUID?
}

/// A company household's details (the seed's `companyInfo`).
public struct CompanyInfo: Hashable, Sendable, Codable {
    public var taxID: String
    public var industry: String
    public var website: String

    public init(taxID: String, industry: String, website: String) {
        self.taxID = taxID
        self.industry = industry
        self.website = website
    }

    enum CodingKeys: String, CodingKey {
        case taxID = "tax_id"
        case industry
        case website
    }
}

/// A household with its current members and pending invitations.
public struct HouseholdRecord: Hashable, Sendable {
    public let id: UUID
    public var name: String
    public var kind: HouseholdKind
    public var primaryContactID: UUID
    public var companyInfo: CompanyInfo?
    public let createdAt: Date
    public var updatedAt: Date
    /// Members (joined) first, then invitations, each in the order added.
    public var members: [HouseholdMemberRecord]

    /// The household the domain rules judge: joined members only (an
    /// invitation grants nothing until accepted).
    public func domain() throws(ValidationFailure) -> Household {
        try Household(id: id, members: members.filter(\.hasJoined).map(\.domain))
    }

    public func member(_ userID: UUID) -> HouseholdMemberRecord? {
        members.first { $0.userID == userID }
    }
}

/// A row of `household_members` (not removed), with the user's name and managers.
public struct HouseholdMemberRecord: Hashable, Sendable {
    public let userID: UUID
    public let name: String
    public var role: HouseholdRole
    public var permissions: HouseholdPermissions
    public var managedBy: Set<UUID>
    public var relationship: HouseholdRelationship?
    /// YYYY-MM-DD.
    public var dateOfBirth: String?
    /// nil while invited.
    public var joinedAt: Date?
    public let invitedBy: UUID?

    public var hasJoined: Bool { joinedAt != nil }

    public var domain: HouseholdMember {
        HouseholdMember(userID: userID, role: role, permissions: permissions, managedBy: managedBy)
    }
}
