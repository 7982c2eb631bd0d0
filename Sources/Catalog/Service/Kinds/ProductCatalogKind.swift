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
        try CatalogUsage.refuse("delete", "product", usedBy: CatalogUsage.templates(db, including: product))
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
