import BizingAPI
public import BizingRPC

/// The Identity context as the server mounts it: its six services' methods
/// and the interceptor that authenticates every call.
public struct IdentityServices: Sendable {
    public let environment: IdentityEnvironment

    public init(_ environment: IdentityEnvironment) {
        self.environment = environment
    }

    public var methods: [RPCMethod] {
        UsersServer(environment).methods + SessionsServer(environment).methods + OrganizationsServer(environment).methods
            + MembershipsServer(environment).methods + ServiceTokensServer(environment).methods + HouseholdsServer(environment).methods
    }

    public var authentication: Authentication<Principal> {
        TokenAuthenticator(store: environment.store, cache: environment.credentials).interceptor
    }
}
