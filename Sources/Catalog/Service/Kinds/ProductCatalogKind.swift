import BizingAPI
import BizingStore
import ContextKit
import Foundation
import GRDB
import Identity

enum ProductCatalogKind: CatalogKind {
    typealias Resource = CatalogV1.Product

    static func normalize(_ product: inout Resource, context: RuleContext, ids: IDGenerator) {
        product.locationId = product.locationId.lowercased()
        if product.status == .unspecified { product.status = .active }
        if product.fulfillment == .unspecified {
            product.fulfillment = product.type == .digital ? .digitalDelivery : .pickup
        }
        fillCurrency(&product.price, context.currency)
        fillCurrency(&product.costOfGoods, context.currency)
    }

    static func authorityLocation(_ product: Resource) -> UUID? { UUID(uuidString: product.locationId) }
    static func pricingLocation(_ product: Resource) -> UUID? { UUID(uuidString: product.locationId) }

    static func violations(_ product: Resource, context: RuleContext) -> [InvalidField] {
        ProductRules.violations(product, context: context)
    }

    static func checkDeletable(_ db: Database, _ product: Resource) throws {
        try CatalogUsage.refuse("delete the product", usedBy: CatalogUsage.templates(db, including: product).map { CatalogUsage.named("service template", $0.name) })
    }

    /// A product a template includes stays active, and sold where the template is.
    static func saved(_ db: Database, _ product: Resource, previous: Resource?, now: Date, ids: IDGenerator) throws {
        guard let previous, previous.status != product.status || previous.locationId != product.locationId else { return }
        let broken = try CatalogUsage.templates(db, including: product)
            .filter { product.status != .active || (!product.locationId.isEmpty && product.locationId != $0.locationId) }
        try CatalogUsage.refuse("make that change to the product", usedBy: broken.map { CatalogUsage.named("service template", $0.name) },
                                fix: "they include it; change them first")
    }

    static func apply(_ path: String, from patch: Resource, to product: inout Resource) -> Bool {
        switch path {
        case "location_id": product.locationId = patch.locationId
        case "name": product.name = patch.name
        case "description": product.description = patch.description
        case "sku": product.sku = patch.sku
        case "type": product.type = patch.type
        case "physical": product.physical = patch.physical
        case "inventory": product.inventory = patch.inventory
        case "digital": product.digital = patch.digital
        case "price": product.price = patch.price
        case "cost_of_goods": product.costOfGoods = patch.costOfGoods
        case "fulfillment": product.fulfillment = patch.fulfillment
        case "status": product.status = patch.status
        case "tags": product.tags = patch.tags
        default: return false
        }
        return true
    }
}
