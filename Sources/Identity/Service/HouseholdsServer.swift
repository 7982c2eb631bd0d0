import ContextKit
public import BizingAPI
public import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB

/// `bizing.identity.v1.Households`. Households belong to people, not to an
/// organization: a service token gets PERMISSION_DENIED, and a household
/// answers NOT_FOUND to anyone who is neither in it nor invited to it.
public struct HouseholdsServer: IdentityV1.HouseholdsService {
    let environment: IdentityEnvironment
    private var store: BizingStore { environment.store }

    public init(_ environment: IdentityEnvironment) {
        self.environment = environment
    }

    public func create(_ request: IdentityV1.CreateHouseholdRequest, context: ServerCallContext) async throws -> IdentityV1.Household {
        try await environment.answering {
            let primary = try Self.user(context)
            var found: [InvalidField] = []
            var name = "", kind = HouseholdKind.family
            do throws(ValidationFailure) { name = try PersonalDetails.name(request.name) } catch { found += error.violations }
            do throws(ValidationFailure) { kind = try HouseholdKind.from(request.type) } catch { found += error.violations }
            if request.companyInfo != nil && kind != .company {
                found.append(InvalidField(field: "company_info", rule: .notAllowed, description: "is only for a company household"))
            }
            try found.throwIfAny()
            let info = request.companyInfo.map { CompanyInfo(taxID: $0.taxId, industry: $0.industry, website: $0.website) }
            let (id, rowID, now) = (store.ids.next(), store.ids.next(), store.clock.nowMicroseconds)
            let (householdName, householdKind) = (name, kind)
            return try await store.write { db in
                try IdentityTables.insertHousehold(
                    db, id: id, memberRowID: rowID, name: householdName, kind: householdKind, companyInfo: info, primary: primary, now: now)
                return try IdentityTables.household(db, id: id)!
            }.wire
        }
    }

    public func get(_ request: IdentityV1.GetHouseholdRequest, context: ServerCallContext) async throws -> IdentityV1.Household {
        try await environment.answering {
            let caller = try Self.user(context)
            let id = try RequestFields.id(request.householdId, field: "household_id")
            return try await store.read { db in try Self.visible(db, id, to: caller) }.wire
        }
    }

    public func list(_ request: IdentityV1.ListHouseholdsRequest, context: ServerCallContext) async throws -> IdentityV1.ListHouseholdsResponse {
        try await environment.answering {
            let caller = try Self.user(context)
            return try await store.read { db in
                IdentityV1.ListHouseholdsResponse(
                    households: try IdentityTables.householdIDs(db, userID: caller).compactMap { try IdentityTables.household(db, id: $0)?.wire })
            }
        }
    }

    public func addMember(_ request: IdentityV1.AddHouseholdMemberRequest, context: ServerCallContext) async throws -> IdentityV1.Household {
        try await environment.answering {
            let caller = try Self.user(context)
            let today = store.clock.now
            var found: [InvalidField] = []
            var householdID: UUID?, target: UserReference?, role: HouseholdRole?, managedBy: [UUID] = []
            do throws(ValidationFailure) { householdID = try RequestFields.id(request.householdId, field: "household_id") } catch { found += error.violations }
            do throws(ValidationFailure) { target = try RequestFields.user(id: request.userId, email: request.email) } catch { found += error.violations }
            do throws(ValidationFailure) { role = try HouseholdRole.from(request.role) } catch { found += error.violations }
            if role == nil && request.role == .unspecified {
                found.append(InvalidField(field: "role", rule: .required, description: "is required: adult, minor or dependent"))
            } else if role == .primary {
                found.append(InvalidField(field: "role", rule: .notAllowed, description: "a household has one primary, its creator"))
            }
            do throws(ValidationFailure) { managedBy = try RequestFields.ids(request.managedBy, field: "managed_by") } catch { found += error.violations }
            let details = Self.details(
                permissions: request.permissions, relationship: request.relationship, dateOfBirth: request.dateOfBirth, today: today, into: &found)
            try found.throwIfAny()
            guard let householdID, let role, let target else { throw IdentityStatus.unvalidated }
            let (rowID, now) = (store.ids.next(), store.clock.nowMicroseconds)
            let (grants, managers, related, born) = (details.permissions, managedBy, details.relationship, details.dateOfBirth)
            return try await store.write { db in
                let household = try Self.managed(db, householdID, by: caller)
                let user = try target.user(db)
                let userID = user.id
                if household.member(userID) != nil {
                    throw IdentityStatus.alreadyExists(field: "user_id", "is already in the household (or invited)")
                }
                // Someone who signs in joins by accepting; a person without a
                // password (a child) cannot, and is a member at once.
                let member = HouseholdMemberRecord(
                    userID: userID, name: user.name, role: role, permissions: grants ?? .defaults(for: role), managedBy: Set(managers),
                    relationship: related, dateOfBirth: born, joinedAt: user.hasPassword ? nil : Date(unixMicroseconds: now), invitedBy: caller)
                try Self.validate(household, with: member)
                try IdentityTables.upsertHouseholdMember(db, householdID: householdID, rowID: rowID, member, now: now)
                try IdentityTables.touchHousehold(db, id: householdID, now: now)
                return try IdentityTables.household(db, id: householdID)!
            }.wire
        }
    }

    public func updateMember(_ request: IdentityV1.UpdateHouseholdMemberRequest, context: ServerCallContext) async throws -> IdentityV1.Household {
        try await environment.answering {
            let caller = try Self.user(context)
            let today = store.clock.now
            var found: [InvalidField] = []
            var householdID: UUID?, userID: UUID?, role: HouseholdRole?, managedBy: [UUID]?
            do throws(ValidationFailure) { householdID = try RequestFields.id(request.householdId, field: "household_id") } catch { found += error.violations }
            do throws(ValidationFailure) { userID = try RequestFields.id(request.userId, field: "user_id") } catch { found += error.violations }
            do throws(ValidationFailure) { role = try HouseholdRole.from(request.role) } catch { found += error.violations }
            if role == .primary {
                found.append(InvalidField(field: "role", rule: .notAllowed, description: "a household has one primary, its creator"))
            }
            if let wire = request.managedBy {
                do throws(ValidationFailure) { managedBy = try RequestFields.ids(wire.userIds, field: "managed_by.user_ids") } catch { found += error.violations }
            }
            let details = Self.details(
                permissions: request.permissions, relationship: request.relationship, dateOfBirth: request.dateOfBirth, today: today, into: &found)
            try found.throwIfAny()
            guard let householdID, let userID else { throw IdentityStatus.unvalidated }
            let (rowID, now) = (store.ids.next(), store.clock.nowMicroseconds)
            let (newRole, grants, managers, related, born, clearBirthDate) = (
                role, details.permissions, managedBy, details.relationship, details.dateOfBirth, request.dateOfBirth == "")
            return try await store.write { db in
                let household = try Self.managed(db, householdID, by: caller)
                guard var member = household.member(userID) else { throw IdentityStatus.notFound("household member", userID.lowercasedString) }
                if member.role == .primary, let newRole, newRole != .primary {
                    throw IdentityStatus.failedPrecondition("the primary stays the primary")
                }
                member.role = newRole ?? member.role
                member.permissions = grants ?? member.permissions
                member.managedBy = managers.map(Set.init) ?? member.managedBy
                member.relationship = related ?? member.relationship
                member.dateOfBirth = clearBirthDate ? nil : (born ?? member.dateOfBirth)
                var others = household
                others.members.removeAll { $0.userID == userID }
                try Self.validate(others, with: member)
                try IdentityTables.upsertHouseholdMember(db, householdID: householdID, rowID: rowID, member, now: now)
                try IdentityTables.touchHousehold(db, id: householdID, now: now)
                return try IdentityTables.household(db, id: householdID)!
            }.wire
        }
    }

    public func removeMember(_ request: IdentityV1.RemoveHouseholdMemberRequest, context: ServerCallContext) async throws -> IdentityV1.Household {
        try await environment.answering {
            let caller = try Self.user(context)
            let (householdID, userID) = try RequestFields.ids((request.householdId, "household_id"), (request.userId, "user_id"))
            let now = store.clock.nowMicroseconds
            return try await store.write { db in
                let household = try Self.visible(db, householdID, to: caller)
                guard let member = household.member(userID) else { throw IdentityStatus.notFound("household member", userID.lowercasedString) }
                if member.role == .primary {
                    throw IdentityStatus.failedPrecondition("the primary cannot leave the household")
                }
                let callerIsPrimary = household.member(caller).map { $0.role == .primary && $0.hasJoined } ?? false
                guard callerIsPrimary || caller == userID else {
                    throw IdentityStatus.permissionDenied("only the household's primary removes other members")
                }
                try IdentityTables.removeHouseholdMember(db, householdID: householdID, userID: userID, now: now)
                try IdentityTables.touchHousehold(db, id: householdID, now: now)
                return try IdentityTables.household(db, id: householdID)!
            }.wire
        }
    }

    public func acceptInvitation(_ request: IdentityV1.AcceptInvitationRequest, context: ServerCallContext) async throws -> IdentityV1.Household {
        try await environment.answering {
            let caller = try Self.user(context)
            let householdID = try RequestFields.id(request.householdId, field: "household_id")
            let (rowID, now) = (store.ids.next(), store.clock.nowMicroseconds)
            return try await store.write { db in
                let household = try Self.visible(db, householdID, to: caller)
                guard var member = household.member(caller), !member.hasJoined else { return household }
                member.joinedAt = Date(unixMicroseconds: now)
                try IdentityTables.upsertHouseholdMember(db, householdID: householdID, rowID: rowID, member, now: now)
                try IdentityTables.touchHousehold(db, id: householdID, now: now)
                return try IdentityTables.household(db, id: householdID)!
            }.wire
        }
    }

    // MARK: - Rules

    /// The member details AddMember and UpdateMember both carry, validated
    /// (problems appended to `found`); an empty or absent one is nil.
    static func details(
        permissions: IdentityV1.HouseholdPermissions?, relationship: IdentityV1.Relationship, dateOfBirth: String?, today: Date,
        into found: inout [InvalidField]
    ) -> (permissions: HouseholdPermissions?, relationship: HouseholdRelationship?, dateOfBirth: String?) {
        var result: (permissions: HouseholdPermissions?, relationship: HouseholdRelationship?, dateOfBirth: String?) = (nil, nil, nil)
        if let permissions {
            do throws(ValidationFailure) { result.permissions = try HouseholdPermissions.from(permissions) } catch { found += error.violations }
        }
        do throws(ValidationFailure) { result.relationship = try HouseholdRelationship.from(relationship) } catch { found += error.violations }
        if let dateOfBirth, !dateOfBirth.isEmpty {
            do throws(ValidationFailure) {
                result.dateOfBirth = try RequestFields.birthDate(dateOfBirth, field: "date_of_birth", today: today)
            } catch { found += error.violations }
        }
        return result
    }

    static func user(_ context: ServerCallContext) throws -> UUID {
        guard let userID = try context.caller.userID else { throw IdentityStatus.needsUser }
        return userID
    }

    /// The household if the caller is in it or invited to it; NOT_FOUND otherwise.
    static func visible(_ db: Database, _ id: UUID, to caller: UUID) throws -> HouseholdRecord {
        guard let household = try IdentityTables.household(db, id: id), household.member(caller) != nil else {
            throw IdentityStatus.notFound("household", id.lowercasedString)
        }
        return household
    }

    /// The household if the caller is its primary: NOT_FOUND to outsiders, PERMISSION_DENIED to other members.
    static func managed(_ db: Database, _ id: UUID, by caller: UUID) throws -> HouseholdRecord {
        let household = try visible(db, id, to: caller)
        guard let member = household.member(caller), member.role == .primary, member.hasJoined else {
            throw IdentityStatus.permissionDenied("only the household's primary manages its members")
        }
        return household
    }

    /// The domain's household rules, with `member` counted as joined, and
    /// the violations named by the request's fields.
    static func validate(_ household: HouseholdRecord, with member: HouseholdMemberRecord) throws(ValidationFailure) {
        var joined = household.members.filter(\.hasJoined).map(\.domain)
        joined.append(member.domain)
        let index = joined.count - 1
        do throws(ValidationFailure) {
            _ = try Household(id: household.id, members: joined)
        } catch {
            let prefix = "members[\(index)]."
            throw ValidationFailure(error.violations.map {
                $0.field.hasPrefix(prefix)
                    ? InvalidField(field: String($0.field.dropFirst(prefix.count)), rule: $0.rule, description: $0.description)
                    : $0
            })
        }
    }
}
