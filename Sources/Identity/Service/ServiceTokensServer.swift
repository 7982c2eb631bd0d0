import ContextKit
public import BizingAPI
public import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB

/// `bizing.identity.v1.ServiceTokens`: issued, listed and revoked by those
/// with `user:manage` (owners and admins), never above their own role.
public struct ServiceTokensServer: IdentityV1.ServiceTokensService {
    let environment: IdentityEnvironment
    private var store: BizingStore { environment.store }

    public init(_ environment: IdentityEnvironment) {
        self.environment = environment
    }

    public func create(_ request: IdentityV1.CreateServiceTokenRequest, context: ServerCallContext) async throws -> IdentityV1.CreateServiceTokenResponse {
        try await environment.answering {
            let caller = try context.caller
            let now = store.clock.now
            var found: [InvalidField] = []
            var organizationID: UUID?, role: Role?
            do throws(ValidationFailure) { organizationID = try RequestFields.id(request.organizationId, field: "organization_id") } catch { found += error.violations }
            do throws(ValidationFailure) { role = try Role.from(request.role) } catch { found += error.violations }
            var grant: ServiceTokenGrant?
            do throws(ValidationFailure) {
                grant = try ServiceTokenGrant(
                    name: request.name, organizationID: organizationID ?? UUID(), role: role ?? .provider, expiresAt: request.expiresAt, now: now)
            } catch { found += error.violations }
            try found.throwIfAny()
            guard let grant, let organizationID else { throw IdentityStatus.unvalidated }
            let token = SecretToken.generate(.service)
            let id = store.ids.next()
            let record = try await store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                try access.require(.manageUsers, toDo: "issue service tokens")
                try Self.requireRank(access, over: grant.role, doing: "issue")
                return try IdentityTables.insertServiceToken(db, id: id, grant: grant, tokenHash: token.hash, createdBy: caller.userID)
            }
            return IdentityV1.CreateServiceTokenResponse(token: token.rendered, serviceToken: record.wire(at: now))
        }
    }

    public func list(_ request: IdentityV1.ListServiceTokensRequest, context: ServerCallContext) async throws -> IdentityV1.ListServiceTokensResponse {
        try await environment.answering {
            let caller = try context.caller
            let organizationID = try RequestFields.id(request.organizationId, field: "organization_id")
            let now = store.clock.now
            return try await store.read { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                try access.require(.manageUsers, toDo: "list service tokens")
                return IdentityV1.ListServiceTokensResponse(
                    serviceTokens: try IdentityTables.serviceTokens(db, organizationID: organizationID).map { $0.wire(at: now) })
            }
        }
    }

    public func revoke(_ request: IdentityV1.RevokeServiceTokenRequest, context: ServerCallContext) async throws -> IdentityV1.ServiceToken {
        try await environment.answering {
            let caller = try context.caller
            let id = try RequestFields.id(request.serviceTokenId, field: "service_token_id")
            let now = store.clock.now
            defer { environment.credentials.invalidateAll() }
            return try await store.write { db in
                let notFound = IdentityStatus.notFound("service token", id.lowercasedString)
                guard let token = try IdentityTables.serviceToken(db, id: id) else { throw notFound }
                let access: OrganizationAccess
                do {
                    access = try OrganizationAccess.resolve(db, caller, organizationID: token.grant.organizationID)
                } catch let status as RPCStatus where status.code == .notFound {
                    // Another organization's token: as if there were none.
                    throw notFound
                }
                try access.require(.manageUsers, toDo: "revoke service tokens")
                try Self.requireRank(access, over: token.grant.role, doing: "revoke")
                try IdentityTables.revokeServiceToken(db, id: id, now: now.unixMicroseconds)
                return try IdentityTables.serviceToken(db, id: id)!
            }.wire(at: now)
        }
    }

    static func requireRank(_ access: OrganizationAccess, over role: Role, doing what: String) throws {
        if role.outranks(access.role) {
            throw IdentityStatus.permissionDenied("\(access.role.withArticle) may not \(what) \(role == .owner || role == .admin ? "an" : "a") \(role.rawValue) token")
        }
    }
}
