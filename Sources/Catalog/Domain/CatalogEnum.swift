public import BizingAPI
public import BizingRPC
public import BizingWire

/// A generated catalog enum with its descriptor: whether a value is one this
/// build knows, and its name for a database column.
public protocol CatalogEnum: ProtobufEnum {
    static var descriptor: EnumDescriptor { get }
}

extension CatalogEnum {
    /// The value's name without the enum's prefix, lowercased:
    /// `BOOKABLE_KIND_COMPANY_PROVIDER` is `company_provider`. What the
    /// catalog tables store (readable in sqlite3), and what their filters compare.
    public var columnValue: String {
        let values = Self.descriptor.values
        guard let name = values.first(where: { $0.number == Int(protobufValue) })?.name else { return "unknown_\(protobufValue)" }
        let prefix = values.first { $0.number == 0 }.map { String($0.name.dropLast("UNSPECIFIED".count)) } ?? ""
        return (name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name).lowercased()
    }

    /// The value a column holds (`columnValue` read back); unspecified for
    /// a value this build does not know.
    public init(columnValue: String) {
        let match = Self.descriptor.values.first { Self(protobufValue: Int32($0.number)).columnValue == columnValue }
        self.init(protobufValue: Int32(match?.number ?? 0))
    }
}

extension CatalogV1.DayOfWeek: CatalogEnum {}
extension CatalogV1.LocationType: CatalogEnum {}
extension CatalogV1.LocationStatus: CatalogEnum {}
extension CatalogV1.ConfigSource: CatalogEnum {}
extension CatalogV1.BookableKind: CatalogEnum {}
extension CatalogV1.BookableStatus: CatalogEnum {}
extension CatalogV1.AssetType: CatalogEnum {}
extension CatalogV1.DispatchMethod: CatalogEnum {}
extension CatalogV1.ServiceType: CatalogEnum {}
extension CatalogV1.ServiceTemplateStatus: CatalogEnum {}
extension CatalogV1.DurationType: CatalogEnum {}
extension CatalogV1.RequirementRole: CatalogEnum {}
extension CatalogV1.CapacityType: CatalogEnum {}
extension CatalogV1.ProductTiming: CatalogEnum {}
extension CatalogV1.ProductType: CatalogEnum {}
extension CatalogV1.ProductStatus: CatalogEnum {}
extension CatalogV1.FulfillmentType: CatalogEnum {}
extension CatalogV1.PackageStatus: CatalogEnum {}
extension CatalogV1.ProgramStatus: CatalogEnum {}
extension CatalogV1.EnrollmentType: CatalogEnum {}
extension CatalogV1.CompensationRule.When: CatalogEnum {}
