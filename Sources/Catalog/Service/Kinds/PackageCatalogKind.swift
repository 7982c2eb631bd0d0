import BizingAPI
import BizingStore
import ContextKit
import Foundation
import GRDB
import Identity

enum PackageCatalogKind: CatalogKind {
    typealias Resource = CatalogV1.ServicePackage

    static func normalize(_ package: inout Resource, context: RuleContext, ids: IDGenerator) {
        if package.status == .unspecified { package.status = .active }
        fillCurrency(&package.totalPrice, context.currency)
        for index in package.items.indices {
            package.items[index].serviceTemplateId = package.items[index].serviceTemplateId.lowercased()
            package.items[index].allowedLocationIds = package.items[index].allowedLocationIds.map { $0.lowercased() }
        }
    }

    static func authorityLocation(_ package: Resource) -> UUID? { nil }
    static func pricingLocation(_ package: Resource) -> UUID? { nil }

    static func violations(_ package: Resource, context: RuleContext) -> [InvalidField] {
        PackageRules.violations(package, context: context)
    }

    /// Each item's template is live and not archived, priced in the
    /// package's currency; its locations are the organization's. Computes
    /// the original value: the items bought one by one.
    static func references(_ db: Database, _ package: inout Resource, organization: OrganizationRecord, context: RuleContext) throws -> [InvalidField] {
        var found: [InvalidField] = []
        var value: Int64 = 0
        for (index, item) in package.items.enumerated() {
            let path = "items[\(index)]"
            guard let templateID = UUID(uuidString: item.serviceTemplateId) else { continue }
            let template = try CatalogTables.fetch(db, CatalogV1.ServiceTemplate.self, organizationID: organization.id, id: templateID)
            guard let template, template.status != .archived else {
                found.append(InvalidField(field: "\(path).service_template_id", rule: .unknown,
                                          description: "is not a live, unarchived service template of this organization"))
                continue
            }
            let price = template.pricing?.basePrice ?? CatalogV1.Money(amountMinor: 0, currency: context.currency)
            if price.currency != context.currency {
                found.append(InvalidField(field: "\(path).service_template_id", rule: .conflict,
                                          description: "is priced in \(price.currency), the package in \(context.currency)"))
            }
            value += price.amountMinor * Int64(item.quantity)
            if !template.locationId.isEmpty {
                for (locationIndex, id) in item.allowedLocationIds.enumerated() where UUID(uuidString: id) != nil && id != template.locationId {
                    found.append(InvalidField(field: "\(path).allowed_location_ids[\(locationIndex)]", rule: .conflict,
                                              description: "the template is offered only at its own location"))
                }
            }
            let locations = item.allowedLocationIds.compactMap(UUID.init(uuidString:))
            let live = try CatalogTables.liveIDs(db, CatalogV1.Location.self, organizationID: organization.id, among: locations)
            for (locationIndex, id) in item.allowedLocationIds.enumerated() where UUID(uuidString: id).map(live.contains) == false {
                found.append(InvalidField(field: "\(path).allowed_location_ids[\(locationIndex)]", rule: .unknown,
                                          description: "is not a location of this organization"))
            }
        }
        package.originalValue = CatalogV1.Money(amountMinor: value, currency: context.currency)
        return found
    }

    static func apply(_ path: String, from patch: Resource, to package: inout Resource) -> Bool {
        switch path {
        case "slug": package.slug = patch.slug
        case "name": package.name = patch.name
        case "description": package.description = patch.description
        case "items": package.items = patch.items
        case "total_price": package.totalPrice = patch.totalPrice
        case "use_within_days": package.useWithinDays = patch.useWithinDays
        case "allow_any_order": package.allowAnyOrder = patch.allowAnyOrder
        case "allow_transfer": package.allowTransfer = patch.allowTransfer
        case "status": package.status = patch.status
        default: return false
        }
        return true
    }
}
