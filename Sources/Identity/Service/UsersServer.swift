import ContextKit
public import BizingAPI
public import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB

/// `bizing.identity.v1.Users`.
public struct UsersServer: IdentityV1.UsersService {
    let environment: IdentityEnvironment
    private var store: BizingStore { environment.store }

    public init(_ environment: IdentityEnvironment) {
        self.environment = environment
    }

    public static let defaultPageSize = 50
    public static let maximumPageSize = 200

    public func register(_ request: IdentityV1.RegisterRequest, context: ServerCallContext) async throws -> IdentityV1.User {
        try await environment.answering {
            _ = try context.caller
            var found: [InvalidField] = []
            var email: EmailAddress?
            var name = "", phone: String?
            var preferences = UserPreferences()
            if !request.email.isEmpty {
                do throws(ValidationFailure) { email = try EmailAddress(request.email) } catch { found += error.violations }
            }
            do throws(ValidationFailure) { name = try PersonalDetails.name(request.name) } catch { found += error.violations }
            do throws(ValidationFailure) { phone = try PersonalDetails.phone(request.phone) } catch { found += error.violations }
            do throws(ValidationFailure) { preferences = try Self.preferences(request.preferences) } catch { found += error.violations }
            let context = IdentityEnvironment.passwordContext(email: email?.display, name: name)
            if !request.password.isEmpty {
                found += environment.passwordPolicy.violations(of: Password(request.password), context: context)
            }
            try found.throwIfAny()
            let hash = request.password.isEmpty
                ? nil : try await environment.hashNewPassword(request.password, field: "password", context: context)
            let new = NewUser(email: email, name: name, phone: phone, passwordHash: hash, preferences: IdentityTables.json(preferences))
            let id = store.ids.next(), now = store.clock.nowMicroseconds
            return try await store.write { db in try IdentityTables.insertUser(db, id: id, new, now: now) }.wire
        }
    }

    public func get(_ request: IdentityV1.GetUserRequest, context: ServerCallContext) async throws -> IdentityV1.User {
        try await environment.answering {
            let caller = try context.caller
            let target = try Self.target(request.userId, caller: caller)
            return try await store.read { db in
                try Self.visibleUser(db, target, to: caller)
            }.wire
        }
    }

    public func update(_ request: IdentityV1.UpdateUserRequest, context: ServerCallContext) async throws -> IdentityV1.User {
        try await environment.answering {
            let caller = try context.caller
            let target = try Self.target(request.userId, caller: caller)
            var changes = IdentityTables.UserChanges()
            var found: [InvalidField] = []
            if let name = request.name {
                do throws(ValidationFailure) { changes.name = try PersonalDetails.name(name) } catch { found += error.violations }
            }
            if let email = request.email {
                do throws(ValidationFailure) { changes.email = try EmailAddress(email) } catch { found += error.violations }
            }
            if let phone = request.phone {
                do throws(ValidationFailure) { changes.phone = .some(try PersonalDetails.phone(phone)) } catch { found += error.violations }
            }
            if let preferences = request.preferences {
                do throws(ValidationFailure) { changes.preferences = IdentityTables.json(try Self.preferences(preferences)) } catch { found += error.violations }
            }
            try found.throwIfAny()

            // Who may: the user, or a household manager of a minor or dependent.
            let current = try await store.read { db in
                let user = try Self.visibleUser(db, target, to: caller)
                guard let actor = caller.userID else { throw IdentityStatus.needsUser }
                if actor != target, try !Self.managesProfile(db, actor: actor, of: target) {
                    throw IdentityStatus.permissionDenied("only the user, or a household manager of a minor or dependent, may change a profile")
                }
                return user
            }
            if let newPassword = request.newPassword {
                if caller.userID == target {
                    // Changing one's own password proves knowledge of the current one.
                    guard !request.currentPassword.isEmpty else {
                        throw ValidationFailure([InvalidField(field: "current_password", rule: .required, description: "is required to change your password")])
                    }
                    let password = Password(request.currentPassword)
                    let matches = try await environment.passwords.run { hasher in
                        current.passwordHash.map { hasher.verify(password, againstEncoded: $0) } ?? hasher.verifyAgainstDummy(password)
                    }
                    guard matches else {
                        throw ValidationFailure([InvalidField(field: "current_password", rule: .notAllowed, description: "is not the current password")])
                    }
                }
                let context = IdentityEnvironment.passwordContext(
                    email: changes.email?.display ?? current.email, name: changes.name ?? current.name)
                changes.passwordHash = try await environment.hashNewPassword(newPassword, field: "new_password", context: context)
            }
            let now = store.clock.nowMicroseconds
            let finalChanges = changes
            return try await store.write { db in
                // Again inside the write: the household may have changed since.
                _ = try Self.visibleUser(db, target, to: caller)
                if let actor = caller.userID, actor != target, try !Self.managesProfile(db, actor: actor, of: target) {
                    throw IdentityStatus.permissionDenied("only the user, or a household manager of a minor or dependent, may change a profile")
                }
                return try IdentityTables.updateUser(db, id: target, finalChanges, now: now)
            }.wire
        }
    }

    public func listMembers(_ request: IdentityV1.ListMembersRequest, context: ServerCallContext) async throws -> IdentityV1.ListMembersResponse {
        try await environment.answering {
            let caller = try context.caller
            let organizationID = try RequestFields.id(request.organizationId, field: "organization_id")
            let pageSize = Int(request.pageSize == 0 ? UInt32(Self.defaultPageSize) : request.pageSize)
            guard (1...Self.maximumPageSize).contains(pageSize) else {
                throw ValidationFailure([InvalidField(field: "page_size", rule: .notAllowed, description: "must be 1 to \(Self.maximumPageSize)")])
            }
            let after = try PageToken.decode(request.pageToken, field: "page_token")
            return try await store.read { db in
                _ = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                let rows = try IdentityTables.members(
                    db, organizationID: organizationID, after: after, limit: pageSize + 1, includeInactive: request.includeInactive)
                let page = rows.prefix(pageSize)
                return IdentityV1.ListMembersResponse(
                    // An invitee has not agreed to show the organization more than it typed.
                    members: page.map { row in
                        IdentityV1.Member(
                            user: row.membership.acceptedAt == nil
                                ? IdentityV1.User(id: row.user.id.lowercasedString, email: row.user.email ?? "") : row.user.wire,
                            membership: row.membership.wire)
                    },
                    nextPageToken: rows.count > pageSize ? PageToken.encode(page.last!.membership.id) : "")
            }
        }
    }

    // MARK: - Rules

    /// The user a request names, or the caller when it names none.
    static func target(_ text: String, caller: Principal) throws -> UUID {
        if text.isEmpty {
            guard let userID = caller.userID else {
                throw ValidationFailure([InvalidField(field: "user_id", rule: .required, description: "is required for a service token")])
            }
            return userID
        }
        return try RequestFields.id(text, field: "user_id")
    }

    /// The user if the caller may see them: themself, someone in one of
    /// their households, a member of one of their organizations (for a
    /// service token: of its organization). NOT_FOUND otherwise.
    static func visibleUser(_ db: Database, _ id: UUID, to caller: Principal) throws -> UserRecord {
        let notFound = IdentityStatus.notFound("user", id.lowercasedString)
        guard let user = try IdentityTables.user(db, id: id) else { throw notFound }
        switch caller.credential {
        case .session(_, let userID):
            let visible = try userID == id || IdentityTables.shareAHousehold(db, userID, id) || IdentityTables.shareAnOrganization(db, userID, id)
            guard visible else { throw notFound }
        case .service(let token):
            guard let membership = try IdentityTables.membership(db, organizationID: token.grant.organizationID, userID: id), membership.isInForce
            else { throw notFound }
        }
        return user
    }

    /// Whether `actor` manages `member`'s profile in some household they share.
    static func managesProfile(_ db: Database, actor: UUID, of member: UUID) throws -> Bool {
        for householdID in try IdentityTables.householdIDs(db, userID: member) {
            if let household = try IdentityTables.household(db, id: householdID), let domain = try? household.domain(),
               domain.canManageProfile(actor: actor, of: member) {
                return true
            }
        }
        return false
    }

    static func preferences(_ wire: IdentityV1.Preferences?) throws(ValidationFailure) -> UserPreferences {
        guard let wire else { return UserPreferences() }
        let notifications = wire.notifications.map {
            UserPreferences.Notifications(email: $0.email, sms: $0.sms, push: $0.push)
        } ?? UserPreferences.Notifications()
        return try UserPreferences.validated(timeZone: wire.timeZone, locale: wire.locale, notifications: notifications)
    }
}
