import BizingAPI
import BizingStore
import ContextKit
import Foundation
import GRDB
import Identity

/// How one kind of catalog object is checked and changed. The generic flow
/// (`CatalogOperations`) is the same for all six: these are the differences.
protocol CatalogKind: Sendable {
    associatedtype Resource: CatalogResource

    /// Sets what a new object starts with whatever the request said (a template's draft status).
    static func prepareNew(_ resource: inout Resource)
    /// Fills defaults a request may leave out (statuses, currencies, counts).
    static func normalize(_ resource: inout Resource, context: RuleContext, ids: IDGenerator)
    /// FAILED_PRECONDITION when `next` may not follow `previous` (a status move).
    static func checkTransition(from previous: Resource, to next: Resource) throws
    /// The location whose manager may change the object; nil: only owners
    /// and admins (it spans the organization).
    static func authorityLocation(_ resource: Resource) -> UUID?
    /// Further locations the object reaches beyond its own (a provider's
    /// other locations): changing the catalog there needs authority too.
    static func reachedLocations(_ resource: Resource) -> [UUID]
    /// The location whose currency the object's prices are in; nil: the organization's.
    static func pricingLocation(_ resource: Resource) -> UUID?
    /// The object's own rules (paths within it).
    static func violations(_ resource: Resource, context: RuleContext) -> [InvalidField]
    /// Rules about other objects, checked in the write transaction; may
    /// complete fields computed from them (a package's original value).
    static func references(_ db: Database, _ resource: inout Resource, organization: OrganizationRecord, context: RuleContext) throws -> [InvalidField]
    /// Copies the field a mask path names from `patch`; false when the path
    /// names no field that can be changed.
    static func apply(_ path: String, from patch: Resource, to resource: inout Resource) -> Bool
    /// Changes a transition makes beyond the row (a bookable's calendar).
    static func saved(_ db: Database, _ resource: Resource, previous: Resource?, now: Date, ids: IDGenerator) throws
    /// FAILED_PRECONDITION when the object cannot be deleted yet.
    static func checkDeletable(_ db: Database, _ resource: Resource) throws
    /// The object as readers see it at `now`.
    static func presented(_ resource: Resource, now: Date) -> Resource
}

extension CatalogKind {
    static func reachedLocations(_ resource: Resource) -> [UUID] { [] }
    static func prepareNew(_ resource: inout Resource) {}
    static func checkTransition(from previous: Resource, to next: Resource) throws {}
    static func references(_ db: Database, _ resource: inout Resource, organization: OrganizationRecord, context: RuleContext) throws -> [InvalidField] { [] }
    static func saved(_ db: Database, _ resource: Resource, previous: Resource?, now: Date, ids: IDGenerator) throws {}
    static func checkDeletable(_ db: Database, _ resource: Resource) throws {}
    static func presented(_ resource: Resource, now: Date) -> Resource { resource }
}

/// Money a request left without a currency is in the currency in force.
func fillCurrency(_ money: inout CatalogV1.Money?, _ currency: String) {
    if money != nil, money?.currency.isEmpty == true { money?.currency = currency }
}
