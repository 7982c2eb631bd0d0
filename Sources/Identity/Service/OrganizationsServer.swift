import ContextKit
public import BizingAPI
public import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB

/// `bizing.identity.v1.Organizations`.
public struct OrganizationsServer: IdentityV1.OrganizationsService {
    let environment: IdentityEnvironment
    private var store: BizingStore { environment.store }

    public init(_ environment: IdentityEnvironment) {
        self.environment = environment
    }

    public func create(_ request: IdentityV1.CreateOrganizationRequest, context: ServerCallContext) async throws -> IdentityV1.Organization {
        try await environment.answering {
            guard let owner = try context.caller.userID else { throw IdentityStatus.needsUser }
            let organization = try Self.newOrganization(request, id: store.ids.next(), now: store.clock.now)
            let membershipID = store.ids.next()
            return try await store.write { db in
                try IdentityTables.insertOrganization(db, organization)
                _ = try IdentityTables.insertMembership(
                    db, id: membershipID, organizationID: organization.id, userID: owner, role: .owner, scope: .allLocations,
                    now: organization.createdAt.unixMicroseconds)
                return organization
            }.wire
        }
    }

    public func get(_ request: IdentityV1.GetOrganizationRequest, context: ServerCallContext) async throws -> IdentityV1.Organization {
        try await environment.answering {
            let caller = try context.caller
            let id = try RequestFields.id(request.organizationId, field: "organization_id")
            return try await store.read { db in
                try OrganizationAccess.resolve(db, caller, organizationID: id).organization
            }.wire
        }
    }

    public func update(_ request: IdentityV1.UpdateOrganizationRequest, context: ServerCallContext) async throws -> IdentityV1.Organization {
        try await environment.answering {
            let caller = try context.caller
            let id = try RequestFields.id(request.organizationId, field: "organization_id")
            var found: [InvalidField] = []
            var name: String?
            if let requested = request.name {
                do throws(ValidationFailure) { name = try PersonalDetails.name(requested) } catch { found += error.violations }
            }
            if let zone = request.timeZone { found += TimeZoneName.violations(of: zone) }
            if let currency = request.currency { found += CurrencyCode.violations(of: currency) }
            var policy: CancellationPolicy?
            if let requested = request.cancellationPolicy {
                do throws(ValidationFailure) { policy = try CancellationPolicy.validated(requested) } catch { found += error.violations }
            }
            var type: OrganizationType?
            do throws(ValidationFailure) { type = try OrganizationType.from(request.type) } catch { found += error.violations }
            try found.throwIfAny()
            let now = store.clock.now
            let (newName, newPolicy, newType) = (name, policy, type)
            return try await store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: id)
                try access.require(.manageSettings, toDo: "change the organization's settings")
                var organization = access.organization
                organization.name = newName ?? organization.name
                organization.timeZone = request.timeZone ?? organization.timeZone
                organization.currency = request.currency ?? organization.currency
                organization.cancellationPolicy = newPolicy ?? organization.cancellationPolicy
                organization.features = request.features.map(OrganizationFeatures.init) ?? organization.features
                organization.type = newType ?? organization.type
                organization.updatedAt = now
                try IdentityTables.updateOrganization(db, organization)
                return organization
            }.wire
        }
    }

    public func delete(_ request: IdentityV1.DeleteOrganizationRequest, context: ServerCallContext) async throws -> IdentityV1.Organization {
        try await environment.answering {
            let caller = try context.caller
            let id = try RequestFields.id(request.organizationId, field: "organization_id")
            let now = store.clock.now
            // Its service tokens stop authenticating.
            defer { environment.credentials.invalidateAll() }
            return try await store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: id)
                guard access.role == .owner else {
                    throw IdentityStatus.permissionDenied("only an owner may delete the organization")
                }
                var organization = access.organization
                organization.updatedAt = now
                organization.deletedAt = now
                try IdentityTables.updateOrganization(db, organization)
                return organization
            }.wire
        }
    }

    /// A new organization from a request, validated: every rule broken is reported.
    static func newOrganization(_ request: IdentityV1.CreateOrganizationRequest, id: UUID, now: Date) throws(ValidationFailure) -> OrganizationRecord {
        var found: [InvalidField] = []
        var policy = CancellationPolicy.standard
        if let requested = request.cancellationPolicy {
            do throws(ValidationFailure) { policy = try CancellationPolicy.validated(requested) } catch { found += error.violations }
        }
        var type: OrganizationType?
        do throws(ValidationFailure) { type = try OrganizationType.from(request.type) } catch { found += error.violations }
        do throws(ValidationFailure) {
            let organization = try NewOrganization(
                slug: request.slug, name: request.name, type: type ?? .smallBusiness, timeZone: request.timeZone, currency: request.currency,
                features: request.features.map(OrganizationFeatures.init) ?? OrganizationFeatures())
            try found.throwIfAny()
            var record = organization.record(id: id, now: now)
            record.cancellationPolicy = policy
            return record
        } catch {
            throw ValidationFailure(error.violations + found.filter { !error.violations.contains($0) })
        }
    }
}
