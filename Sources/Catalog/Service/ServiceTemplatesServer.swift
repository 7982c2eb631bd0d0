public import BizingAPI
public import BizingRPC
import BizingStore
import ContextKit
import Foundation
import Identity

/// `bizing.catalog.v1.ServiceTemplates`.
public struct ServiceTemplatesServer: CatalogV1.ServiceTemplatesService {
    let environment: CatalogEnvironment
    private var operations: CatalogOperations<ServiceTemplateCatalogKind> { environment.operations(ServiceTemplateCatalogKind.self) }

    public init(_ environment: CatalogEnvironment) {
        self.environment = environment
    }

    public func create(_ request: CatalogV1.CreateServiceTemplateRequest, context: ServerCallContext) async throws -> CatalogV1.ServiceTemplate {
        try await operations.create(organizationID: request.organizationId, request.serviceTemplate, context: context)
    }

    public func get(_ request: CatalogV1.GetServiceTemplateRequest, context: ServerCallContext) async throws -> CatalogV1.ServiceTemplate {
        try await operations.get(organizationID: request.organizationId, id: request.serviceTemplateId, idField: "service_template_id", context: context)
    }

    public func update(_ request: CatalogV1.UpdateServiceTemplateRequest, context: ServerCallContext) async throws -> CatalogV1.ServiceTemplate {
        try await operations.update(organizationID: request.organizationId, request.serviceTemplate, mask: request.updateMask, context: context)
    }

    public func list(_ request: CatalogV1.ListServiceTemplatesRequest, context: ServerCallContext) async throws -> CatalogV1.ListServiceTemplatesResponse {
        var filters = ListFilters()
        filters.location(request.locationId, includingEveryLocation: true)
        filters.equals("kind", request.type, field: "type")
        filters.equals("status", request.status, field: "status")
        filters.tags(request.tags)
        filters.category(request.category)
        let page = try await operations.list(
            organizationID: request.organizationId, pageSize: request.pageSize, pageToken: request.pageToken,
            conditions: try operations.answering { try filters.checked() }, context: context)
        return CatalogV1.ListServiceTemplatesResponse(serviceTemplates: page.items, nextPageToken: page.nextPageToken)
    }

    public func delete(_ request: CatalogV1.DeleteServiceTemplateRequest, context: ServerCallContext) async throws -> CatalogV1.ServiceTemplate {
        try await operations.delete(
            organizationID: request.organizationId, id: request.serviceTemplateId, idField: "service_template_id", reason: request.reason, context: context)
    }

    /// Moves the template along draft -> active <-> paused -> archived.
    public func changeStatus(_ request: CatalogV1.ChangeServiceTemplateStatusRequest, context: ServerCallContext) async throws -> CatalogV1.ServiceTemplate {
        try await operations.answering {
            let caller = try context.caller
            let (organizationID, id) = try RequestFields.ids((request.organizationId, "organization_id"), (request.serviceTemplateId, "service_template_id"))
            var found: [InvalidField] = []
            FieldRules.known(request.status, "status", required: true, into: &found)
            try found.throwIfAny()
            let next = request.status
            let now = environment.store.clock.now
            let ids = environment.store.ids
            return try await environment.store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                var template = try CatalogOperations<ServiceTemplateCatalogKind>.existing(db, organizationID: organizationID, id: id)
                try CatalogOperations<ServiceTemplateCatalogKind>.authorize(access, ServiceTemplateCatalogKind.authorityLocation(template), "change the status of")
                if template.status == next { return template }
                guard ServiceTemplateLifecycle.allows(from: template.status, to: next) else {
                    throw ContextStatus.failedPrecondition(
                        "the template is \(template.status.columnValue): it cannot become \(next.columnValue) (draft -> active <-> paused, any -> archived)")
                }
                if next == .active {
                    // What it books and sells must still exist: re-check its references as they are now.
                    var checked = template
                    var problems = ServiceTemplateLifecycle.activationViolations(template)
                    do {
                        try CatalogOperations<ServiceTemplateCatalogKind>.validate(db, &checked, organization: access.organization, now: now, ids: ids)
                    } catch let failure as ValidationFailure {
                        problems += failure.violations
                    }
                    if let problem = problems.first {
                        throw ContextStatus.failedPrecondition("the template cannot be activated: \(problem.field): \(problem.description)")
                    }
                }
                if next == .archived {
                    try CatalogUsage.refuse("archive the service template", usedBy: CatalogUsage.packagesAndPrograms(db, using: template))
                }
                template.status = next
                template.updatedAt = now
                try CatalogTables.update(db, template)
                return template
            }
        }
    }
}
