public import BizingAPI
public import BizingRPC

/// `bizing.catalog.v1.Bookables`.
public struct BookablesServer: CatalogV1.BookablesService {
    let environment: CatalogEnvironment
    private var operations: CatalogOperations<BookableCatalogKind> { environment.operations(BookableCatalogKind.self) }

    public init(_ environment: CatalogEnvironment) {
        self.environment = environment
    }

    public func create(_ request: CatalogV1.CreateBookableRequest, context: ServerCallContext) async throws -> CatalogV1.Bookable {
        try await operations.create(organizationID: request.organizationId, request.bookable, context: context)
    }

    public func get(_ request: CatalogV1.GetBookableRequest, context: ServerCallContext) async throws -> CatalogV1.Bookable {
        try await operations.get(organizationID: request.organizationId, id: request.bookableId, idField: "bookable_id", context: context)
    }

    public func update(_ request: CatalogV1.UpdateBookableRequest, context: ServerCallContext) async throws -> CatalogV1.Bookable {
        try await operations.update(organizationID: request.organizationId, request.bookable, mask: request.updateMask, context: context)
    }

    public func list(_ request: CatalogV1.ListBookablesRequest, context: ServerCallContext) async throws -> CatalogV1.ListBookablesResponse {
        var filters = ListFilters()
        filters.location(request.locationId)
        filters.equals("kind", request.kind, field: "kind")
        filters.equals("status", request.status, field: "status")
        filters.tags(request.tags)
        filters.category(request.category)
        let page = try await operations.list(
            organizationID: request.organizationId, pageSize: request.pageSize, pageToken: request.pageToken,
            conditions: try operations.answering { try filters.checked() }, context: context)
        return CatalogV1.ListBookablesResponse(bookables: page.items, nextPageToken: page.nextPageToken)
    }

    public func delete(_ request: CatalogV1.DeleteBookableRequest, context: ServerCallContext) async throws -> CatalogV1.Bookable {
        try await operations.delete(organizationID: request.organizationId, id: request.bookableId, idField: "bookable_id", reason: request.reason, context: context)
    }
}
