public import ContextKit
public import BizingAPI
import BizingStore
import Foundation

/// Records and domain values as the wire's `bizing.identity.v1` messages, and back.
extension UserRecord {
    var wire: IdentityV1.User {
        let preferences = decodedPreferences
        return IdentityV1.User(
            id: id.lowercasedString, email: email ?? "", name: name, phone: phone ?? "",
            preferences: IdentityV1.Preferences(
                timeZone: preferences.timeZone ?? "", locale: preferences.locale ?? "",
                notifications: IdentityV1.NotificationChoices(
                    email: preferences.notifications.email, sms: preferences.notifications.sms, push: preferences.notifications.push)),
            hasPassword: hasPassword, createdAt: createdAt, updatedAt: updatedAt)
    }
}

extension MembershipRecord {
    var wire: IdentityV1.Membership {
        let locations: [String] = switch scope {
        case .allLocations: []
        case .locations(let ids): ids.map(\.lowercasedString).sorted()
        }
        return IdentityV1.Membership(
            id: id.lowercasedString, organizationId: organizationID.lowercasedString, organizationSlug: organizationSlug,
            userId: userID.lowercasedString, role: role.wire, locationIds: locations,
            status: !isActive ? .inactive : acceptedAt == nil ? .invited : .active,
            createdAt: createdAt, updatedAt: updatedAt)
    }
}

extension Role {
    var wire: IdentityV1.Role {
        switch self {
        case .owner: .owner
        case .admin: .admin
        case .manager: .manager
        case .staff: .staff
        case .provider: .provider
        }
    }

    /// The role a request names; INVALID_ARGUMENT for none or an unknown value.
    static func from(_ wire: IdentityV1.Role, field: String = "role") throws(ValidationFailure) -> Role {
        switch wire {
        case .owner: return .owner
        case .admin: return .admin
        case .manager: return .manager
        case .staff: return .staff
        case .provider: return .provider
        case .unspecified:
            throw ValidationFailure([InvalidField(field: field, rule: .required, description: "is required: owner, admin, manager, staff or provider")])
        case .unrecognized(let value):
            throw ValidationFailure([InvalidField(field: field, rule: .unknown, description: "\(value) is not a role")])
        }
    }
}

extension ServiceTokenRecord {
    func wire(at now: Date) -> IdentityV1.ServiceToken {
        let state: IdentityV1.TokenState = switch grant.lifetime.state(at: now) {
        case .active: .active
        case .expired: .expired
        case .revoked: .revoked
        }
        return IdentityV1.ServiceToken(
            id: id.lowercasedString, organizationId: grant.organizationID.lowercasedString, name: grant.name, role: grant.role.wire,
            createdBy: createdBy?.lowercasedString ?? "", createdAt: grant.lifetime.issuedAt, expiresAt: grant.lifetime.expiresAt,
            revokedAt: grant.lifetime.revokedAt, state: state)
    }
}

extension OrganizationRecord {
    var wire: IdentityV1.Organization {
        IdentityV1.Organization(
            id: id.lowercasedString, slug: slug, name: name, type: type.wire, timeZone: timeZone, currency: currency,
            cancellationPolicy: cancellationPolicy.wire, features: features.wire,
            createdAt: createdAt, updatedAt: updatedAt, deletedAt: deletedAt)
    }
}

extension OrganizationType {
    var wire: IdentityV1.OrganizationType {
        switch self {
        case .individual: .individual
        case .smallBusiness: .smallBusiness
        case .enterprise: .enterprise
        }
    }

    /// nil for unspecified (the caller's default applies).
    static func from(_ wire: IdentityV1.OrganizationType, field: String = "type") throws(ValidationFailure) -> OrganizationType? {
        switch wire {
        case .unspecified: return nil
        case .individual: return .individual
        case .smallBusiness: return .smallBusiness
        case .enterprise: return .enterprise
        case .unrecognized(let value):
            throw ValidationFailure([InvalidField(field: field, rule: .unknown, description: "\(value) is not an organization type")])
        }
    }
}

extension OrganizationFeatures {
    public var wire: IdentityV1.Features {
        IdentityV1.Features(
            waitlistEnabled: waitlistEnabled, recurringBookings: recurringBookings, multiDayBookings: multiDayBookings,
            paymentProcessing: paymentProcessing, productsEnabled: productsEnabled)
    }

    init(_ wire: IdentityV1.Features) {
        self.init(
            waitlistEnabled: wire.waitlistEnabled, recurringBookings: wire.recurringBookings, multiDayBookings: wire.multiDayBookings,
            paymentProcessing: wire.paymentProcessing, productsEnabled: wire.productsEnabled)
    }
}

extension CancellationPolicy {
    public var wire: IdentityV1.CancellationPolicy {
        IdentityV1.CancellationPolicy(
            allowClientCancellation: allowClientCancellation,
            refundTiers: refundTiers.map {
                IdentityV1.RefundTier(minHoursBefore: UInt32($0.minHoursBefore), refundPercent: UInt32($0.refundPercent), offerStoreCredit: $0.offerStoreCredit)
            },
            noShow: IdentityV1.NoShowPolicy(gracePeriodMinutes: UInt32(noShow.gracePeriodMinutes), chargePercent: UInt32(noShow.chargePercent)))
    }

    /// The policy a request carries, validated.
    public static func validated(_ wire: IdentityV1.CancellationPolicy, field: String = "cancellation_policy") throws(ValidationFailure) -> CancellationPolicy {
        let noShow = wire.noShow ?? IdentityV1.NoShowPolicy()
        let policy = CancellationPolicy(
            allowClientCancellation: wire.allowClientCancellation,
            refundTiers: wire.refundTiers.map {
                RefundTier(minHoursBefore: Int($0.minHoursBefore), refundPercent: Int($0.refundPercent), offerStoreCredit: $0.offerStoreCredit)
            },
            noShow: NoShowPolicy(gracePeriodMinutes: Int(noShow.gracePeriodMinutes), chargePercent: Int(noShow.chargePercent)))
        try policy.violations(field: field).throwIfAny()
        return policy
    }
}

extension HouseholdRecord {
    var wire: IdentityV1.Household {
        IdentityV1.Household(
            id: id.lowercasedString, name: name, type: kind.wire, primaryContactId: primaryContactID.lowercasedString,
            companyInfo: companyInfo.map { IdentityV1.CompanyInfo(taxId: $0.taxID, industry: $0.industry, website: $0.website) },
            members: members.map(\.wire), createdAt: createdAt, updatedAt: updatedAt)
    }
}

extension HouseholdMemberRecord {
    var wire: IdentityV1.HouseholdMember {
        IdentityV1.HouseholdMember(
            userId: userID.lowercasedString, name: name, role: role.wire, permissions: permissions.wire,
            managedBy: managedBy.map(\.lowercasedString).sorted(), relationship: relationship?.wire ?? .unspecified,
            dateOfBirth: dateOfBirth ?? "", joinedAt: joinedAt)
    }
}

extension HouseholdKind {
    var wire: IdentityV1.HouseholdType {
        switch self {
        case .family: .family
        case .company: .company
        case .group: .group
        }
    }

    static func from(_ wire: IdentityV1.HouseholdType, field: String = "type") throws(ValidationFailure) -> HouseholdKind {
        switch wire {
        case .unspecified, .family: return .family
        case .company: return .company
        case .group: return .group
        case .unrecognized(let value):
            throw ValidationFailure([InvalidField(field: field, rule: .unknown, description: "\(value) is not a household type")])
        }
    }
}

extension HouseholdRole {
    var wire: IdentityV1.HouseholdRole {
        switch self {
        case .primary: .primary
        case .adult: .adult
        case .minor: .minor
        case .dependent: .dependent
        }
    }

    /// nil for unspecified.
    static func from(_ wire: IdentityV1.HouseholdRole, field: String = "role") throws(ValidationFailure) -> HouseholdRole? {
        switch wire {
        case .unspecified: return nil
        case .primary: return .primary
        case .adult: return .adult
        case .minor: return .minor
        case .dependent: return .dependent
        case .unrecognized(let value):
            throw ValidationFailure([InvalidField(field: field, rule: .unknown, description: "\(value) is not a household role")])
        }
    }
}

extension HouseholdRelationship {
    var wire: IdentityV1.Relationship {
        switch self {
        case .spouse: .spouse
        case .child: .child
        case .parent: .parent
        case .sibling: .sibling
        case .guardian: .guardian
        case .dependent: .dependent
        case .employee: .employee
        }
    }

    /// nil for unspecified.
    static func from(_ wire: IdentityV1.Relationship, field: String = "relationship") throws(ValidationFailure) -> HouseholdRelationship? {
        switch wire {
        case .unspecified: return nil
        case .spouse: return .spouse
        case .child: return .child
        case .parent: return .parent
        case .sibling: return .sibling
        case .guardian: return .guardian
        case .dependent: return .dependent
        case .employee: return .employee
        case .unrecognized(let value):
            throw ValidationFailure([InvalidField(field: field, rule: .unknown, description: "\(value) is not a relationship")])
        }
    }
}

extension HouseholdPermissions {
    var wire: IdentityV1.HouseholdPermissions {
        let approval: IdentityV1.Approval = switch approvalRequiredFor {
        case .none: .none
        case .expensiveOnly: .expensiveOnly
        case .all: .all
        }
        return IdentityV1.HouseholdPermissions(
            canBookForOthers: canBookForOthers, canViewOthersBookings: canViewOthersBookings,
            canModifyOthersBookings: canModifyOthersBookings, approvalRequiredFor: approval)
    }

    /// The permissions a request carries; an unspecified approval is `none`.
    static func from(_ wire: IdentityV1.HouseholdPermissions, field: String = "permissions") throws(ValidationFailure) -> HouseholdPermissions {
        let approval: Approval
        switch wire.approvalRequiredFor {
        case .unspecified, .none: approval = .none
        case .expensiveOnly: approval = .expensiveOnly
        case .all: approval = .all
        case .unrecognized(let value):
            throw ValidationFailure([InvalidField(field: "\(field).approval_required_for", rule: .unknown, description: "\(value) is not an approval")])
        }
        return HouseholdPermissions(
            canBookForOthers: wire.canBookForOthers, canViewOthersBookings: wire.canViewOthersBookings,
            canModifyOthersBookings: wire.canModifyOthersBookings, approvalRequiredFor: approval)
    }
}
