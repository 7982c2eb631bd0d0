import ContextKit
public import BizingAPI
public import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB

/// `bizing.identity.v1.Memberships`. Every change runs its checks inside its
/// write transaction: two owners demoting each other at once cannot leave
/// the organization without one.
public struct MembershipsServer: IdentityV1.MembershipsService {
    let environment: IdentityEnvironment
    private var store: BizingStore { environment.store }

    public init(_ environment: IdentityEnvironment) {
        self.environment = environment
    }

    public func add(_ request: IdentityV1.AddMembershipRequest, context: ServerCallContext) async throws -> IdentityV1.Membership {
        try await environment.answering {
            let caller = try context.caller
            var found: [InvalidField] = []
            var organizationID: UUID?, target: UserReference?, role: Role?, scope = MembershipScope.allLocations
            do throws(ValidationFailure) { organizationID = try RequestFields.id(request.organizationId, field: "organization_id") } catch { found += error.violations }
            do throws(ValidationFailure) { target = try RequestFields.user(id: request.userId, email: request.email) } catch { found += error.violations }
            do throws(ValidationFailure) { role = try Role.from(request.role) } catch { found += error.violations }
            do throws(ValidationFailure) { scope = try Self.scope(request.locationIds) } catch { found += error.violations }
            if let role { found += Membership(role: role, scope: scope).violations }
            try found.throwIfAny()
            guard let organizationID, let role, let target else { throw IdentityStatus.unvalidated }
            let newScope = scope
            let id = store.ids.next(), now = store.clock.nowMicroseconds
            return try await store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                try Self.requireAuthority(access, over: role, newScope)
                try unknownLocations(db, organizationID, request.locationIds, field: "location_ids").throwIfAny()
                let user = try target.user(db)
                if var existing = try IdentityTables.membership(db, organizationID: organizationID, userID: user.id) {
                    guard !existing.isActive else {
                        throw IdentityStatus.alreadyExists(field: target.field, "is already a member; change the membership instead")
                    }
                    // A former member is invited again: consent is not carried over.
                    existing.role = role
                    existing.scope = newScope
                    existing.isActive = true
                    existing.acceptedAt = nil
                    return try IdentityTables.updateMembership(db, existing, now: now)
                }
                return try IdentityTables.insertMembership(
                    db, id: id, organizationID: organizationID, userID: user.id, role: role, scope: newScope, now: now,
                    accepted: false, invitedBy: caller.userID)
            }.wire
        }
    }

    public func change(_ request: IdentityV1.ChangeMembershipRequest, context: ServerCallContext) async throws -> IdentityV1.Membership {
        try await environment.answering {
            let caller = try context.caller
            let (organizationID, userID) = try RequestFields.ids((request.organizationId, "organization_id"), (request.userId, "user_id"))
            var found: [InvalidField] = []
            var role: Role?, scope: MembershipScope?
            if request.role != .unspecified {
                do throws(ValidationFailure) { role = try Role.from(request.role) } catch { found += error.violations }
            }
            if let requested = request.scope {
                do throws(ValidationFailure) { scope = try Self.scope(requested.locationIds) } catch { found += error.violations }
            }
            try found.throwIfAny()
            let (newRole, newScope) = (role, scope)
            let now = store.clock.nowMicroseconds
            return try await store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                var membership = try Self.existing(db, organizationID, userID)
                try Self.requireAuthority(access, over: membership.role, membership.scope)
                let before = membership
                membership.role = newRole ?? membership.role
                membership.scope = newScope ?? membership.scope
                try Membership(role: membership.role, scope: membership.scope).violations.throwIfAny()
                try Self.requireAuthority(access, over: membership.role, membership.scope)
                try unknownLocations(db, organizationID, request.scope?.locationIds ?? [], field: "scope.location_ids").throwIfAny()
                if before.isInForce, before.role == .owner, membership.role != .owner {
                    try Self.requireAnotherOwner(db, organizationID, doing: "change the last owner's role")
                }
                return try IdentityTables.updateMembership(db, membership, now: now)
            }.wire
        }
    }

    public func deactivate(_ request: IdentityV1.DeactivateMembershipRequest, context: ServerCallContext) async throws -> IdentityV1.Membership {
        try await environment.answering {
            let caller = try context.caller
            let (organizationID, userID) = try RequestFields.ids((request.organizationId, "organization_id"), (request.userId, "user_id"))
            let now = store.clock.nowMicroseconds
            return try await store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                var membership = try Self.existing(db, organizationID, userID)
                try Self.requireAuthority(access, over: membership.role, membership.scope)
                guard membership.isActive else { return membership }
                if membership.isInForce && membership.role == .owner {
                    try Self.requireAnotherOwner(db, organizationID, doing: "deactivate the last owner")
                }
                membership.isActive = false
                return try IdentityTables.updateMembership(db, membership, now: now)
            }.wire
        }
    }

    public func accept(_ request: IdentityV1.AcceptMembershipRequest, context: ServerCallContext) async throws -> IdentityV1.Membership {
        try await environment.answering {
            guard let userID = try context.caller.userID else { throw IdentityStatus.needsUser }
            let organizationID = try RequestFields.id(request.organizationId, field: "organization_id")
            let now = store.clock.nowMicroseconds
            return try await store.write { db in
                guard var membership = try IdentityTables.membership(db, organizationID: organizationID, userID: userID), membership.isActive else {
                    throw IdentityStatus.notFound("invitation to organization", organizationID.lowercasedString)
                }
                guard membership.acceptedAt == nil else { return membership }
                membership.acceptedAt = Date(unixMicroseconds: now)
                return try IdentityTables.updateMembership(db, membership, now: now)
            }.wire
        }
    }

    // MARK: - Rules

    /// No ids: every location.
    /// The scope's location ids that name no live location of the organization.
    func unknownLocations(_ db: Database, _ organizationID: UUID, _ texts: [String], field: String) throws -> [InvalidField] {
        guard let locations = environment.locations, !texts.isEmpty else { return [] }
        let live = try locations.liveLocationIDs(db, organizationID: organizationID, among: texts.compactMap(UUID.init(uuidString:)))
        return texts.enumerated().compactMap { index, text in
            UUID(uuidString: text).map(live.contains) == true ? nil
                : InvalidField(field: "\(field)[\(index)]", rule: .unknown, description: "is not a location of this organization")
        }
    }

    static func scope(_ ids: [String]) throws(ValidationFailure) -> MembershipScope {
        ids.isEmpty ? .allLocations : .locations(Set(try RequestFields.ids(ids, field: "location_ids")))
    }

    static func existing(_ db: Database, _ organizationID: UUID, _ userID: UUID) throws -> MembershipRecord {
        guard let membership = try IdentityTables.membership(db, organizationID: organizationID, userID: userID) else {
            throw IdentityStatus.notFound("membership of user", userID.lowercasedString)
        }
        return membership
    }

    static func requireAuthority(_ access: OrganizationAccess, over role: Role, _ scope: MembershipScope) throws {
        guard access.membership.mayManageMembership(role: role, scope: scope) else {
            throw IdentityStatus.permissionDenied(
                "\(access.role.withArticle) may not manage \(role.withArticle) membership"
                    + (access.role == .manager ? " (managers manage providers at their own locations)" : ""))
        }
    }

    static func requireAnotherOwner(_ db: Database, _ organizationID: UUID, doing what: String) throws {
        if try IdentityTables.activeOwnerCount(db, organizationID: organizationID) <= 1 {
            throw IdentityStatus.failedPrecondition("cannot \(what): an organization keeps at least one active owner")
        }
    }
}
