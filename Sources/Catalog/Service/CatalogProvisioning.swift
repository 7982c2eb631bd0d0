public import BizingAPI
public import BizingStore
import ContextKit
public import Foundation
import GRDB
import Identity

/// Catalog objects made without a caller: what the demo data and test
/// fixtures use. Every object passes the same rules as through the API
/// (a `ValidationFailure` otherwise); there is no caller to authorize.
public struct CatalogProvisioning: Sendable {
    let store: BizingStore

    public init(_ store: BizingStore) {
        self.store = store
    }

    public func location(_ location: CatalogV1.Location, organizationID: UUID) async throws -> CatalogV1.Location {
        try await create(LocationCatalogKind.self, location, organizationID: organizationID)
    }

    public func bookable(_ bookable: CatalogV1.Bookable, organizationID: UUID) async throws -> CatalogV1.Bookable {
        try await create(BookableCatalogKind.self, bookable, organizationID: organizationID)
    }

    public func serviceTemplate(_ template: CatalogV1.ServiceTemplate, organizationID: UUID) async throws -> CatalogV1.ServiceTemplate {
        try await create(ServiceTemplateCatalogKind.self, template, organizationID: organizationID)
    }

    public func product(_ product: CatalogV1.Product, organizationID: UUID) async throws -> CatalogV1.Product {
        try await create(ProductCatalogKind.self, product, organizationID: organizationID)
    }

    public func package(_ package: CatalogV1.ServicePackage, organizationID: UUID) async throws -> CatalogV1.ServicePackage {
        try await create(PackageCatalogKind.self, package, organizationID: organizationID)
    }

    public func program(_ program: CatalogV1.ProgramTemplate, organizationID: UUID) async throws -> CatalogV1.ProgramTemplate {
        try await create(ProgramCatalogKind.self, program, organizationID: organizationID)
    }

    /// Activates a draft template (it must name what it books).
    public func activate(_ template: CatalogV1.ServiceTemplate) async throws -> CatalogV1.ServiceTemplate {
        guard let organizationID = UUID(uuidString: template.organizationId), let id = UUID(uuidString: template.id) else {
            throw ContextStatus.unvalidated
        }
        let now = store.clock.now
        return try await store.write { db in
            var template = try CatalogOperations<ServiceTemplateCatalogKind>.existing(db, organizationID: organizationID, id: id)
            guard ServiceTemplateLifecycle.allows(from: template.status, to: .active) else {
                throw ContextStatus.failedPrecondition("the template is \(template.status.columnValue)")
            }
            try ServiceTemplateLifecycle.activationViolations(template).throwIfAny()
            (template.status, template.updatedAt) = (.active, now)
            try CatalogTables.update(db, template)
            return template
        }
    }

    private func create<Kind: CatalogKind>(_ kind: Kind.Type, _ resource: Kind.Resource, organizationID: UUID) async throws -> Kind.Resource {
        let now = store.clock.now
        let ids = store.ids
        let prepared = CatalogOperations<Kind>.prepared(resource, organizationID: organizationID, now: now, ids: ids)
        return try await store.write { db in
            guard let organization = try IdentityDirectory.organization(db, id: organizationID) else {
                throw ContextStatus.notFound("organization", organizationID.lowercasedString)
            }
            return try CatalogOperations<Kind>.insert(db, prepared, organization: organization, now: now, ids: ids)
        }
    }
}
