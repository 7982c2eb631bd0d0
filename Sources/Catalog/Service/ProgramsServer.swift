public import BizingAPI
public import BizingRPC

/// `bizing.catalog.v1.Programs`.
public struct ProgramsServer: CatalogV1.ProgramsService {
    let environment: CatalogEnvironment
    private var operations: CatalogOperations<ProgramCatalogKind> { environment.operations(ProgramCatalogKind.self) }

    public init(_ environment: CatalogEnvironment) {
        self.environment = environment
    }

    public func create(_ request: CatalogV1.CreateProgramRequest, context: ServerCallContext) async throws -> CatalogV1.ProgramTemplate {
        try await operations.create(organizationID: request.organizationId, request.program, context: context)
    }

    public func get(_ request: CatalogV1.GetProgramRequest, context: ServerCallContext) async throws -> CatalogV1.ProgramTemplate {
        try await operations.get(organizationID: request.organizationId, id: request.programId, idField: "program_id", context: context)
    }

    public func update(_ request: CatalogV1.UpdateProgramRequest, context: ServerCallContext) async throws -> CatalogV1.ProgramTemplate {
        try await operations.update(organizationID: request.organizationId, request.program, mask: request.updateMask, context: context)
    }

    public func list(_ request: CatalogV1.ListProgramsRequest, context: ServerCallContext) async throws -> CatalogV1.ListProgramsResponse {
        var filters = ListFilters()
        filters.equals("status", request.status, field: "status")
        let page = try await operations.list(
            organizationID: request.organizationId, pageSize: request.pageSize, pageToken: request.pageToken,
            conditions: try operations.answering { try filters.checked() }, context: context)
        return CatalogV1.ListProgramsResponse(programs: page.items, nextPageToken: page.nextPageToken)
    }

    public func delete(_ request: CatalogV1.DeleteProgramRequest, context: ServerCallContext) async throws -> CatalogV1.ProgramTemplate {
        try await operations.delete(organizationID: request.organizationId, id: request.programId, idField: "program_id", reason: request.reason, context: context)
    }
}
