public import BizingAPI
public import BizingRPC

/// `bizing.catalog.v1.Packages`.
public struct PackagesServer: CatalogV1.PackagesService {
    let environment: CatalogEnvironment
    private var operations: CatalogOperations<PackageCatalogKind> { environment.operations(PackageCatalogKind.self) }

    public init(_ environment: CatalogEnvironment) {
        self.environment = environment
    }

    public func create(_ request: CatalogV1.CreatePackageRequest, context: ServerCallContext) async throws -> CatalogV1.ServicePackage {
        try await operations.create(organizationID: request.organizationId, request.servicePackage, context: context)
    }

    public func get(_ request: CatalogV1.GetPackageRequest, context: ServerCallContext) async throws -> CatalogV1.ServicePackage {
        try await operations.get(organizationID: request.organizationId, id: request.packageId, idField: "package_id", context: context)
    }

    public func update(_ request: CatalogV1.UpdatePackageRequest, context: ServerCallContext) async throws -> CatalogV1.ServicePackage {
        try await operations.update(organizationID: request.organizationId, request.servicePackage, mask: request.updateMask, context: context)
    }

    public func list(_ request: CatalogV1.ListPackagesRequest, context: ServerCallContext) async throws -> CatalogV1.ListPackagesResponse {
        var filters = ListFilters()
        filters.equals("status", request.status, field: "status")
        let page = try await operations.list(
            organizationID: request.organizationId, pageSize: request.pageSize, pageToken: request.pageToken,
            conditions: try operations.answering { try filters.checked() }, context: context)
        return CatalogV1.ListPackagesResponse(packages: page.items, nextPageToken: page.nextPageToken)
    }

    public func delete(_ request: CatalogV1.DeletePackageRequest, context: ServerCallContext) async throws -> CatalogV1.ServicePackage {
        try await operations.delete(organizationID: request.organizationId, id: request.packageId, idField: "package_id", reason: request.reason, context: context)
    }
}
