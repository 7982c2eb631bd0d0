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
    static func templates(_ db: Database, requiringBookable bookable: CatalogV1.Bookable) throws -> [String] {
        try all(db, CatalogV1.ServiceTemplate.self, organization: bookable.organizationId)
            .filter { ($0.requiredBookables + $0.optionalBookables).contains { $0.bookableId == bookable.id } }.map(\.name)
    }

    /// Live templates that include the product.
    static func templates(_ db: Database, including product: CatalogV1.Product) throws -> [String] {
        try all(db, CatalogV1.ServiceTemplate.self, organization: product.organizationId)
            .filter { $0.includedProducts.contains { $0.productId == product.id } }.map(\.name)
    }

    /// Live packages and programs that sell the template.
    static func packagesAndPrograms(_ db: Database, using template: CatalogV1.ServiceTemplate) throws -> [String] {
        let packages = try all(db, CatalogV1.ServicePackage.self, organization: template.organizationId)
            .filter { $0.items.contains { $0.serviceTemplateId == template.id } }.map { "package \($0.name)" }
        let programs = try all(db, CatalogV1.ProgramTemplate.self, organization: template.organizationId)
            .filter { $0.sessions.contains { $0.serviceTemplateId == template.id } }.map { "program \($0.name)" }
        return packages + programs
    }

    /// Live providers based elsewhere who also work at the location.
    static func providers(_ db: Database, alsoWorkingAt location: CatalogV1.Location) throws -> [String] {
        try all(db, CatalogV1.Bookable.self, organization: location.organizationId, [.equals("kind", "provider")])
            .filter { $0.locationId != location.id && ($0.provider?.locationIds.contains(location.id) ?? false) }.map(\.name)
    }

    /// FAILED_PRECONDITION naming the users, when there are any.
    static func refuse(_ action: String, _ noun: String, usedBy users: [String]) throws {
        guard !users.isEmpty else { return }
        let named = users.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (users.count > 5 ? " and \(users.count - 5) more" : "")
        throw ContextStatus.failedPrecondition("cannot \(action) the \(noun): \(named) still use\(users.count == 1 ? "s" : "") it; change or delete \(users.count == 1 ? "it" : "them") first")
    }

    private static func all<R: CatalogResource>(_ db: Database, _ type: R.Type, organization: String, _ conditions: [ListCondition] = []) throws -> [R] {
        guard let id = UUID(uuidString: organization) else { return [] }
        return try CatalogTables.list(db, R.self, organizationID: id, conditions: conditions, after: nil, limit: Int.max)
    }
}
