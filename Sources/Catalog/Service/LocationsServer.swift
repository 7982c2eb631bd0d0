public import BizingAPI
public import BizingRPC
import BizingStore
import ContextKit
import Foundation
import Identity

/// `bizing.catalog.v1.Locations`.
public struct LocationsServer: CatalogV1.LocationsService {
    let environment: CatalogEnvironment
    private var operations: CatalogOperations<LocationCatalogKind> { environment.operations(LocationCatalogKind.self) }

    public init(_ environment: CatalogEnvironment) {
        self.environment = environment
    }

    public func create(_ request: CatalogV1.CreateLocationRequest, context: ServerCallContext) async throws -> CatalogV1.Location {
        try await operations.create(organizationID: request.organizationId, request.location, context: context)
    }

    public func get(_ request: CatalogV1.GetLocationRequest, context: ServerCallContext) async throws -> CatalogV1.Location {
        try await operations.get(organizationID: request.organizationId, id: request.locationId, idField: "location_id", context: context)
    }

    public func update(_ request: CatalogV1.UpdateLocationRequest, context: ServerCallContext) async throws -> CatalogV1.Location {
        try await operations.update(organizationID: request.organizationId, request.location, mask: request.updateMask, context: context)
    }

    public func list(_ request: CatalogV1.ListLocationsRequest, context: ServerCallContext) async throws -> CatalogV1.ListLocationsResponse {
        var filters = ListFilters()
        filters.equals("status", request.status, field: "status")
        filters.equals("kind", request.type, field: "type")
        let page = try await operations.list(
            organizationID: request.organizationId, pageSize: request.pageSize, pageToken: request.pageToken,
            conditions: try operations.answering { try filters.checked() }, context: context)
        return CatalogV1.ListLocationsResponse(locations: page.items, nextPageToken: page.nextPageToken)
    }

    public func delete(_ request: CatalogV1.DeleteLocationRequest, context: ServerCallContext) async throws -> CatalogV1.Location {
        try await operations.delete(organizationID: request.organizationId, id: request.locationId, idField: "location_id", reason: request.reason, context: context)
    }

    /// The location's own zone; its currency and cancellation policy where
    /// it overrides them, the organization's otherwise.
    public func resolveConfig(_ request: CatalogV1.ResolveConfigRequest, context: ServerCallContext) async throws -> CatalogV1.ResolvedConfig {
        try await operations.answering {
            let caller = try context.caller
            let (organizationID, locationID) = try RequestFields.ids((request.organizationId, "organization_id"), (request.locationId, "location_id"))
            let (location, access) = try await environment.store.read { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                return (try CatalogOperations<LocationCatalogKind>.existing(db, organizationID: organizationID, id: locationID), access)
            }
            let organization = access.organization
            let override = location.configOverride
            return CatalogV1.ResolvedConfig(
                locationId: location.id, timeZone: location.timeZone,
                currency: override?.currency ?? organization.currency,
                currencySource: override?.currency == nil ? .organization : .location,
                cancellationPolicy: override?.cancellationPolicy ?? organization.cancellationPolicy.wire,
                cancellationPolicySource: override?.cancellationPolicy == nil ? .organization : .location,
                features: organization.features.wire)
        }
    }
}
