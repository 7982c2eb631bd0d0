public import BizingRPC
public import BizingStore
import BizingAPI

/// What the Scheduling services work with: the store (its clock and ids).
public struct SchedulingEnvironment: Sendable {
    public let store: BizingStore

    public init(store: BizingStore) {
        self.store = store
    }
}

/// The Scheduling context as the server mounts it. Authentication is
/// Identity's interceptor, in front of every call.
public struct SchedulingServices: Sendable {
    public let environment: SchedulingEnvironment

    public init(_ environment: SchedulingEnvironment) {
        self.environment = environment
    }

    public var methods: [RPCMethod] {
        CalendarsServer(environment).methods + AvailabilityServer(environment).methods
    }
}
