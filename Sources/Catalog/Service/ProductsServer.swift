public import BizingAPI
public import BizingRPC

/// `bizing.catalog.v1.Products`.
public struct ProductsServer: CatalogV1.ProductsService {
    let environment: CatalogEnvironment
    private var operations: CatalogOperations<ProductCatalogKind> { environment.operations(ProductCatalogKind.self) }

    public init(_ environment: CatalogEnvironment) {
        self.environment = environment
    }

    public func create(_ request: CatalogV1.CreateProductRequest, context: ServerCallContext) async throws -> CatalogV1.Product {
        try await operations.create(organizationID: request.organizationId, request.product, context: context)
    }

    public func get(_ request: CatalogV1.GetProductRequest, context: ServerCallContext) async throws -> CatalogV1.Product {
        try await operations.get(organizationID: request.organizationId, id: request.productId, idField: "product_id", context: context)
    }

    public func update(_ request: CatalogV1.UpdateProductRequest, context: ServerCallContext) async throws -> CatalogV1.Product {
        try await operations.update(organizationID: request.organizationId, request.product, mask: request.updateMask, context: context)
    }

    public func list(_ request: CatalogV1.ListProductsRequest, context: ServerCallContext) async throws -> CatalogV1.ListProductsResponse {
        var filters = ListFilters()
        filters.location(request.locationId, includingEveryLocation: true)
        filters.equals("kind", request.type, field: "type")
        filters.equals("status", request.status, field: "status")
        filters.tags(request.tags)
        let page = try await operations.list(
            organizationID: request.organizationId, pageSize: request.pageSize, pageToken: request.pageToken,
            conditions: try operations.answering { try filters.checked() }, context: context)
        return CatalogV1.ListProductsResponse(products: page.items, nextPageToken: page.nextPageToken)
    }

    public func delete(_ request: CatalogV1.DeleteProductRequest, context: ServerCallContext) async throws -> CatalogV1.Product {
        try await operations.delete(organizationID: request.organizationId, id: request.productId, idField: "product_id", reason: request.reason, context: context)
    }
}
