import BizingAPI
public import BizingRPC

/// The Catalog context as the server mounts it: its six services' methods.
/// Authentication is Identity's interceptor, in front of every call.
public struct CatalogServices: Sendable {
    public let environment: CatalogEnvironment

    public init(_ environment: CatalogEnvironment) {
        self.environment = environment
    }

    public var methods: [RPCMethod] {
        LocationsServer(environment).methods + BookablesServer(environment).methods + ServiceTemplatesServer(environment).methods
            + ProductsServer(environment).methods + PackagesServer(environment).methods + ProgramsServer(environment).methods
    }
}
