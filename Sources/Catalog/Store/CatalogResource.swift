public import BizingAPI
public import BizingRPC
import BizingStore
public import Foundation
public import GRDB

/// A catalog object as its table keeps it: the whole message in `spec`, and
/// the columns SQL filters and constrains on, derived from it.
public protocol CatalogResource: Codable, Sendable {
    /// The table (`bookables`).
    static var table: String { get }
    /// The object in messages (`bookable`).
    static var noun: String { get }
    /// The request field the object travels in, and the prefix of its violations' paths.
    static var requestField: String { get }
    /// The field whose value is unique among the organization's live objects.
    static var uniqueField: String { get }
    /// The generated descriptor (field names, for update masks).
    static var descriptor: MessageDescriptor { get }

    var id: String { get set }
    var organizationId: String { get set }
    var createdAt: Date? { get set }
    var updatedAt: Date? { get set }
    var deletedAt: Date? { get set }
    var deletionReason: String { get set }

    /// The values of the columns beyond id, organization, spec, timestamps
    /// and deletion, in a fixed order. The unique field's column is `slug`.
    var columns: [(name: String, value: (any DatabaseValueConvertible)?)] { get }
}

extension CatalogResource {
    /// The JSON array a `tags` column holds.
    static func tagsColumn(_ tags: [String]) -> String {
        // Labels are a-z, 0-9 and '-' (validated), so no escaping is needed; encode anyway.
        String(decoding: (try? JSONEncoder().encode(tags)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
}

extension CatalogV1.Location: CatalogResource {
    public static let table = "locations"
    public static let noun = "location"
    public static let requestField = "location"
    public static let uniqueField = "slug"
    public var columns: [(name: String, value: (any DatabaseValueConvertible)?)] {
        [("slug", slug), ("name", name), ("kind", type.columnValue), ("status", status.columnValue), ("time_zone", timeZone)]
    }
}

extension CatalogV1.Bookable: CatalogResource {
    public static let table = "bookables"
    public static let noun = "bookable"
    public static let requestField = "bookable"
    public static let uniqueField = "slug"
    public var columns: [(name: String, value: (any DatabaseValueConvertible)?)] {
        [("location_id", locationId.lowercased()), ("kind", kind.columnValue), ("slug", slug), ("name", name), ("status", status.columnValue),
         ("category", Self.optional(category)), ("tags", Self.tagsColumn(tags))]
    }
}

extension CatalogV1.ServiceTemplate: CatalogResource {
    public static let table = "service_templates"
    public static let noun = "service template"
    public static let requestField = "service_template"
    public static let uniqueField = "slug"
    public var columns: [(name: String, value: (any DatabaseValueConvertible)?)] {
        [("location_id", Self.optional(locationId.lowercased())), ("kind", type.columnValue), ("slug", slug), ("name", name),
         ("status", status.columnValue), ("category", Self.optional(category)), ("tags", Self.tagsColumn(tags))]
    }
}

extension CatalogV1.Product: CatalogResource {
    public static let table = "products"
    public static let noun = "product"
    public static let requestField = "product"
    public static let uniqueField = "sku"
    public var columns: [(name: String, value: (any DatabaseValueConvertible)?)] {
        [("location_id", Self.optional(locationId.lowercased())), ("kind", type.columnValue), ("slug", sku), ("name", name),
         ("status", status.columnValue), ("tags", Self.tagsColumn(tags))]
    }
}

extension CatalogV1.ServicePackage: CatalogResource {
    public static let table = "service_packages"
    public static let noun = "package"
    public static let requestField = "service_package"
    public static let uniqueField = "slug"
    public var columns: [(name: String, value: (any DatabaseValueConvertible)?)] {
        [("slug", slug), ("name", name), ("status", status.columnValue)]
    }
}

extension CatalogV1.ProgramTemplate: CatalogResource {
    public static let table = "program_templates"
    public static let noun = "program"
    public static let requestField = "program"
    public static let uniqueField = "slug"
    public var columns: [(name: String, value: (any DatabaseValueConvertible)?)] {
        [("slug", slug), ("name", name), ("status", status.columnValue)]
    }
}
