import BizingAPI
import BizingStore
import ContextKit
import Foundation
import GRDB
import Identity

enum ServiceTemplateCatalogKind: CatalogKind {
    typealias Resource = CatalogV1.ServiceTemplate

    /// A new template is a draft; ChangeStatus moves it on.
    static func prepareNew(_ template: inout Resource) {
        template.status = .draft
    }

    static func normalize(_ template: inout Resource, context: RuleContext, ids: IDGenerator) {
        template.locationId = template.locationId.lowercased()
        for index in template.requiredBookables.indices { defaults(&template.requiredBookables[index]) }
        for index in template.optionalBookables.indices { defaults(&template.optionalBookables[index]) }
        var capacity = template.capacity ?? CatalogV1.Capacity(type: .individual)
        if capacity.type == .unspecified { capacity.type = capacity.group == nil ? .individual : .group }
        template.capacity = capacity
        if var pricing = template.pricing {
            fillCurrency(&pricing.basePrice, context.currency)
            fillCurrency(&pricing.hourlyRate, context.currency)
            template.pricing = pricing
        }
        if var deposit = template.deposit {
            fillCurrency(&deposit.amount, context.currency)
            template.deposit = deposit
        }
        for index in template.includedProducts.indices {
            template.includedProducts[index].productId = template.includedProducts[index].productId.lowercased()
            if template.includedProducts[index].timing == .unspecified { template.includedProducts[index].timing = .during }
        }
    }

    private static func defaults(_ requirement: inout CatalogV1.BookableRequirement) {
        if requirement.count == 0 { requirement.count = 1 }
        if requirement.role == .unspecified { requirement.role = .primary }
        requirement.bookableId = requirement.bookableId.lowercased()
    }

    static func authorityLocation(_ template: Resource) -> UUID? { UUID(uuidString: template.locationId) }
    static func pricingLocation(_ template: Resource) -> UUID? { UUID(uuidString: template.locationId) }

    static func violations(_ template: Resource, context: RuleContext) -> [InvalidField] {
        ServiceTemplateRules.violations(template, context: context)
    }

    /// Specific bookables exist and are of the kind required; included
    /// products exist and are active.
    static func references(_ db: Database, _ template: inout Resource, organization: OrganizationRecord, context: RuleContext) throws -> [InvalidField] {
        var found: [InvalidField] = []
        let organizationID = organization.id
        for (field, requirements) in [("required_bookables", template.requiredBookables), ("optional_bookables", template.optionalBookables)] {
            for (index, requirement) in requirements.enumerated() {
                guard let id = UUID(uuidString: requirement.bookableId) else { continue }
                let bookable = try CatalogTables.fetch(db, CatalogV1.Bookable.self, organizationID: organizationID, id: id)
                guard let bookable, bookable.kind == requirement.kind else {
                    found.append(InvalidField(field: "\(field)[\(index)].bookable_id", rule: .unknown,
                                              description: "is not a live \(requirement.kind.columnValue) bookable of this organization"))
                    continue
                }
                // A template offered at one location books what works there.
                let worksThere = template.locationId.isEmpty || bookable.locationId == template.locationId
                    || (bookable.provider?.locationIds.contains(template.locationId) ?? false)
                if !worksThere {
                    found.append(InvalidField(field: "\(field)[\(index)].bookable_id", rule: .conflict,
                                              description: "is at another location than the template's"))
                }
            }
        }
        let productIDs = template.includedProducts.compactMap { UUID(uuidString: $0.productId) }
        let active = try CatalogTables.liveIDs(db, CatalogV1.Product.self, organizationID: organizationID, among: productIDs,
                                               where: .equals("status", CatalogV1.ProductStatus.active.columnValue))
        for (index, product) in template.includedProducts.enumerated() where UUID(uuidString: product.productId).map(active.contains) == false {
            found.append(InvalidField(field: "included_products[\(index)].product_id", rule: .unknown,
                                      description: "is not an active product of this organization"))
        }
        return found
    }

    static func checkDeletable(_ db: Database, _ template: Resource) throws {
        try CatalogUsage.refuse("delete", "service template", usedBy: CatalogUsage.packagesAndPrograms(db, using: template))
    }

    static func apply(_ path: String, from patch: Resource, to template: inout Resource) -> Bool {
        switch path {
        case "location_id": template.locationId = patch.locationId
        case "name": template.name = patch.name
        case "description": template.description = patch.description
        case "slug": template.slug = patch.slug
        case "category": template.category = patch.category
        case "tags": template.tags = patch.tags
        case "type": template.type = patch.type
        case "duration": template.duration = patch.duration
        case "required_bookables": template.requiredBookables = patch.requiredBookables
        case "optional_bookables": template.optionalBookables = patch.optionalBookables
        case "capacity": template.capacity = patch.capacity
        case "pricing": template.pricing = patch.pricing
        case "cancellation": template.cancellation = patch.cancellation
        case "deposit": template.deposit = patch.deposit
        case "included_products": template.includedProducts = patch.includedProducts
        case "reservation": template.reservation = patch.reservation
        default: return false
        }
        return true
    }
}
