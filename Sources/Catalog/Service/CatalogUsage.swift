import BizingAPI
import ContextKit
import Foundation
import GRDB

/// Which live objects use another one, so deleting (or archiving) it cannot
/// leave them pointing at nothing. References live inside the objects'
/// messages, so this reads the organization's objects of the using kind:
/// catalogs are small (hundreds of objects), and deletes rare.
enum CatalogUsage {
    /// Live templates that name the bookable specifically.
    static func templates(_ db: Database, requiringBookable bookable: CatalogV1.Bookable) throws -> [CatalogV1.ServiceTemplate] {
        try all(db, CatalogV1.ServiceTemplate.self, organization: bookable.organizationId)
            .filter { ($0.requiredBookables + $0.optionalBookables).contains { $0.bookableId == bookable.id } }
    }

    /// Live templates that include the product.
    static func templates(_ db: Database, including product: CatalogV1.Product) throws -> [CatalogV1.ServiceTemplate] {
        try all(db, CatalogV1.ServiceTemplate.self, organization: product.organizationId)
            .filter { $0.includedProducts.contains { $0.productId == product.id } }
    }

    /// Live packages that sell the template.
    static func packages(_ db: Database, using template: CatalogV1.ServiceTemplate) throws -> [CatalogV1.ServicePackage] {
        try all(db, CatalogV1.ServicePackage.self, organization: template.organizationId)
            .filter { $0.items.contains { $0.serviceTemplateId == template.id } }
    }

    /// Live packages and programs (not archived) that sell the template, named.
    static func packagesAndPrograms(_ db: Database, using template: CatalogV1.ServiceTemplate) throws -> [String] {
        let programs = try all(db, CatalogV1.ProgramTemplate.self, organization: template.organizationId)
            .filter { $0.status != .archived && $0.sessions.contains { $0.serviceTemplateId == template.id } }
        return try packages(db, using: template).map { named("package", $0.name) } + programs.map { named("program", $0.name) }
    }

    /// Live packages whose items may be used at the location.
    static func packages(_ db: Database, allowingAt location: CatalogV1.Location) throws -> [CatalogV1.ServicePackage] {
        try all(db, CatalogV1.ServicePackage.self, organization: location.organizationId)
            .filter { $0.items.contains { $0.allowedLocationIds.contains(location.id) } }
    }

    /// Live providers based elsewhere who also work at the location.
    static func providers(_ db: Database, alsoWorkingAt location: CatalogV1.Location) throws -> [CatalogV1.Bookable] {
        try all(db, CatalogV1.Bookable.self, organization: location.organizationId, [.equals("kind", "provider")])
            .filter { $0.locationId != location.id && ($0.provider?.locationIds.contains(location.id) ?? false) }
    }

    /// Live objects at the location, named with their kind.
    static func objects(_ db: Database, at location: CatalogV1.Location) throws -> [String] {
        let condition = [ListCondition.equals("location_id", location.id)]
        return try all(db, CatalogV1.Bookable.self, organization: location.organizationId, condition).map { named("bookable", $0.name) }
            + all(db, CatalogV1.ServiceTemplate.self, organization: location.organizationId, condition).map { named("service template", $0.name) }
            + all(db, CatalogV1.Product.self, organization: location.organizationId, condition).map { named("product", $0.name) }
    }

    /// "service template 'Swedish Massage'".
    static func named(_ kind: String, _ name: String) -> String { "\(kind) '\(name)'" }

    /// FAILED_PRECONDITION naming the users, when there are any (at most five, then a count).
    static func refuse(_ what: String, usedBy users: [String], fix: String = "change or delete them first") throws {
        guard !users.isEmpty else { return }
        let named = users.prefix(5).joined(separator: ", ") + (users.count > 5 ? " and \(users.count - 5) more" : "")
        throw ContextStatus.failedPrecondition("cannot \(what): \(named) \(users.count == 1 ? "uses" : "use") it; \(fix)")
    }

    private static func all<R: CatalogResource>(_ db: Database, _ type: R.Type, organization: String, _ conditions: [ListCondition] = []) throws -> [R] {
        guard let id = UUID(uuidString: organization) else { return [] }
        return try CatalogTables.list(db, R.self, organizationID: id, conditions: conditions, after: nil, limit: Int.max)
    }
}
