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
                guard let id = UUID(uuidString: requirement.bookableId), requirement.kind != .unspecified else { continue }
                guard let bookable = try CatalogTables.fetch(db, CatalogV1.Bookable.self, organizationID: organizationID, id: id) else {
                    found.append(InvalidField(field: "\(field)[\(index)].bookable_id", rule: .unknown,
                                              description: "is not a live bookable of this organization"))
                    continue
                }
                guard bookable.kind == requirement.kind else {
                    found.append(InvalidField(field: "\(field)[\(index)].bookable_id", rule: .conflict,
                                              description: "is a \(bookable.kind.columnValue), not a \(requirement.kind.columnValue)"))
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
        for (index, included) in template.includedProducts.enumerated() {
            guard let id = UUID(uuidString: included.productId) else { continue }
            let product = try CatalogTables.fetch(db, CatalogV1.Product.self, organizationID: organizationID, id: id)
            if product?.status != .active {
                found.append(InvalidField(field: "included_products[\(index)].product_id", rule: .unknown,
                                          description: "is not an active product of this organization"))
            } else if let product, !product.locationId.isEmpty, product.locationId != template.locationId {
                found.append(InvalidField(field: "included_products[\(index)].product_id", rule: .conflict,
                                          description: "is sold only at another location than the template's"))
            }
        }
        return found
    }

    static func checkDeletable(_ db: Database, _ template: Resource) throws {
        try CatalogUsage.refuse("delete the service template", usedBy: CatalogUsage.packagesAndPrograms(db, using: template))
    }

    /// An archived template is final; moving a template to one location
    /// cannot leave package items allowed elsewhere.
    static func checkTransition(from previous: Resource, to next: Resource) throws {
        if previous.status == .archived {
            throw ContextStatus.failedPrecondition("the template is archived, which is final: it cannot change")
        }
    }

    static func saved(_ db: Database, _ template: Resource, previous: Resource?, now: Date, ids: IDGenerator) throws {
        guard let previous, previous.locationId != template.locationId, !template.locationId.isEmpty else { return }
        let elsewhere = try CatalogUsage.packages(db, using: template).filter { package in
            package.items.contains { $0.serviceTemplateId == template.id && $0.allowedLocationIds.contains { $0 != template.locationId } }
        }
        try CatalogUsage.refuse("offer the template only at that location", usedBy: elsewhere.map { CatalogUsage.named("package", $0.name) },
                                fix: "their items allow it elsewhere; change them first")
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
