public import BizingRPC
public import BizingStore
import BizingAPI
public import Scheduling

/// What the Booking services work with: the store (its clock and ids) and
/// the Scheduling ledger that time is taken through.
public struct BookingEnvironment: Sendable {
    public let store: BizingStore
    public let ledger: any AvailabilityLedger

    /// `ledger`: Scheduling's, over the store's reference cache, unless another is given.
    public init(store: BizingStore, ledger: (any AvailabilityLedger)? = nil) {
        self.store = store
        self.ledger = ledger ?? SchedulingLedger(cache: store.references)
    }
}

/// The Booking context as the server mounts it. Authentication is
/// Identity's interceptor, in front of every call.
public struct BookingServices: Sendable {
    public let environment: BookingEnvironment

    public init(_ environment: BookingEnvironment) {
        self.environment = environment
    }

    public var methods: [RPCMethod] {
        HoldsServer(environment).methods + BookingsServer(environment).methods
    }

    /// The housekeeping job: expired holds' reservations and old
    /// idempotency keys removed, every `interval`, until cancelled.
    public var janitor: BookingJanitor { BookingJanitor(environment) }
}
