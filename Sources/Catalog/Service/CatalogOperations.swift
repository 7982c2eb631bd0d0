import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import ContextKit
import Foundation
import GRDB
import Identity

/// Create, get, update, list and delete, the same for every catalog object:
/// each mutating call is one write transaction that resolves the caller's
/// access, validates everything (the object's own rules and its references),
/// checks authority, and writes; nothing is written unless all of it passes.
struct CatalogOperations<Kind: CatalogKind>: Sendable {
    typealias Resource = Kind.Resource
    let store: BizingStore

    static var maximumPageSize: Int { 200 }

    func create(organizationID text: String, _ requested: Resource?, context: ServerCallContext) async throws -> Resource {
        try await answering {
            let caller = try context.caller
            let organizationID = try RequestFields.id(text, field: "organization_id")
            let now = store.clock.now
            let ids = store.ids
            let prepared = Self.prepared(requested, organizationID: organizationID, now: now, ids: ids)
            return Kind.presented(try await store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                try Self.requireSomeAuthority(access, "create")
                return try Self.insert(db, prepared, organization: access.organization, now: now, ids: ids) { resource in
                    try Self.authorize(access, Kind.authorityLocation(resource), "create", organizationWide: Resource.self == CatalogV1.Location.self)
                }
            }, now: now)
        }
    }

    func get(organizationID: String, id: String, idField: String, context: ServerCallContext) async throws -> Resource {
        try await answering {
            let caller = try context.caller
            let (organizationID, id) = try RequestFields.ids((organizationID, "organization_id"), (id, idField))
            let now = store.clock.now
            return Kind.presented(try await store.read { db in
                _ = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                return try Self.existing(db, organizationID: organizationID, id: id)
            }, now: now)
        }
    }

    func update(organizationID text: String, _ patch: Resource?, mask: [String], context: ServerCallContext) async throws -> Resource {
        try await answering {
            let caller = try context.caller
            let field = Resource.requestField
            guard let patch else {
                throw ValidationFailure([InvalidField(field: field, rule: .required, description: "is required: it names the \(Resource.noun) by id")])
            }
            let (organizationID, id) = try RequestFields.ids((text, "organization_id"), (patch.id, "\(field).id"))
            var found: [InvalidField] = []
            if mask.isEmpty {
                found.append(InvalidField(field: "update_mask", rule: .required, description: "must name the fields to change"))
            }
            let mask = mask.map(Self.snakeCase)
            var probe = patch
            for (index, path) in mask.enumerated() where !Kind.apply(path, from: patch, to: &probe) {
                let hint = path == "status" && Resource.self == CatalogV1.ServiceTemplate.self ? " (its status moves by ChangeStatus)" : ""
                found.append(InvalidField(field: "update_mask[\(index)]", rule: .unknown, description:
                    "is not a top-level field of a \(Resource.noun) that can be changed\(hint); one of: \(Self.maskPaths.joined(separator: ", "))"))
            }
            try found.throwIfAny()
            let now = store.clock.now
            let ids = store.ids
            return Kind.presented(try await store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                let previous = try Self.existing(db, organizationID: organizationID, id: id)
                try Self.requireSomeAuthority(access, "change")
                try Self.authorize(access, Kind.authorityLocation(previous), "change")
                var resource = previous
                for path in mask { _ = Kind.apply(path, from: patch, to: &resource) }
                resource.updatedAt = now
                try Self.validate(db, &resource, organization: access.organization, now: now, ids: ids)
                try Kind.checkTransition(from: previous, to: resource)
                try Self.authorize(access, Kind.authorityLocation(resource), "move")
                try CatalogTables.update(db, resource)
                try Kind.saved(db, resource, previous: previous, now: now, ids: ids)
                return resource
            }, now: now)
        }
    }

    /// A page of live objects meeting `conditions`, and the token of the next.
    func list(
        organizationID text: String, pageSize: UInt32, pageToken: String, conditions: [ListCondition], context: ServerCallContext
    ) async throws -> (items: [Resource], nextPageToken: String) {
        try await answering {
            let caller = try context.caller
            var found: [InvalidField] = []
            var organizationID: UUID?
            var after: UUID?
            do throws(ValidationFailure) { organizationID = try RequestFields.id(text, field: "organization_id") } catch { found += error.violations }
            do throws(ValidationFailure) { after = try PageToken.decode(pageToken) } catch { found += error.violations }
            try found.throwIfAny()
            guard let organizationID else { throw ContextStatus.unvalidated }
            let cursor = after
            let limit = PageToken.pageSize(pageSize, maximum: Self.maximumPageSize)
            let now = store.clock.now
            let rows = try await store.read { db in
                _ = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                return try CatalogTables.list(db, Resource.self, organizationID: organizationID, conditions: conditions, after: cursor, limit: limit + 1)
            }
            let page = Array(rows.prefix(limit))
            let next = rows.count > limit ? page.last.flatMap { UUID(uuidString: $0.id) }.map(PageToken.encode) ?? "" : ""
            return (page.map { Kind.presented($0, now: now) }, next)
        }
    }

    func delete(organizationID: String, id: String, idField: String, reason: String, context: ServerCallContext) async throws -> Resource {
        try await answering {
            let caller = try context.caller
            let (organizationID, id) = try RequestFields.ids((organizationID, "organization_id"), (id, idField))
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            var found: [InvalidField] = []
            if reason.isEmpty {
                found.append(InvalidField(field: "reason", rule: .required, description: "say why the \(Resource.noun) is deleted"))
            } else {
                FieldRules.text(reason, "reason", maximum: 500, into: &found)
            }
            try found.throwIfAny()
            let now = store.clock.now
            return Kind.presented(try await store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                var resource = try Self.existing(db, organizationID: organizationID, id: id)
                try Self.authorize(access, Kind.authorityLocation(resource), "delete", organizationWide: Resource.self == CatalogV1.Location.self)
                try Kind.checkDeletable(db, resource)
                (resource.updatedAt, resource.deletedAt, resource.deletionReason) = (now, now, reason)
                try CatalogTables.update(db, resource)
                return resource
            }, now: now)
        }
    }

    /// Validates a new object, lets `authorize` judge it, inserts it and what
    /// comes with it. `prepared` has its id, organization and timestamps.
    static func insert(
        _ db: Database, _ prepared: Resource, organization: OrganizationRecord, now: Date, ids: IDGenerator, authorize: (Resource) throws -> Void
    ) throws -> Resource {
        var resource = prepared
        try validate(db, &resource, organization: organization, now: now, ids: ids)
        try authorize(resource)
        try CatalogTables.insert(db, resource)
        try Kind.saved(db, resource, previous: nil, now: now, ids: ids)
        return resource
    }

    /// A new object of `organizationID` from a request's message: fresh id and timestamps.
    static func prepared(_ requested: Resource?, organizationID: UUID, now: Date, ids: IDGenerator) -> Resource {
        var resource = requested ?? empty()
        resource.id = ids.next().lowercasedString
        resource.organizationId = organizationID.lowercasedString
        (resource.createdAt, resource.updatedAt, resource.deletedAt, resource.deletionReason) = (now, now, nil, "")
        Kind.prepareNew(&resource)
        return resource
    }

    /// The mask paths the object has: its top-level fields that `apply` knows.
    static var maskPaths: [String] {
        var scratch = empty()
        return Resource.descriptor.fields.map(\.name).filter { Kind.apply($0, from: scratch, to: &scratch) }
    }

    /// A mask path as sent: proto names (`time_zone`), or JSON names (`timeZone`) turned into them.
    static func snakeCase(_ path: String) -> String {
        var out = ""
        for character in path {
            if character.isUppercase, character.isASCII {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// A live object of the organization; NOT_FOUND otherwise (deleted ones included).
    static func existing(_ db: Database, organizationID: UUID, id: UUID) throws -> Resource {
        guard let resource = try CatalogTables.fetch(db, Resource.self, organizationID: organizationID, id: id) else {
            throw ContextStatus.notFound(Resource.noun, id.lowercasedString)
        }
        return resource
    }

    /// The object's own rules and its references, all reported at once,
    /// with paths from the request (`bookable.venue.capacity_max`).
    static func validate(_ db: Database, _ resource: inout Resource, organization: OrganizationRecord, now: Date, ids: IDGenerator) throws {
        var found: [InvalidField] = []
        var currency = organization.currency
        if let locationID = Kind.pricingLocation(resource) {
            if let location = try CatalogTables.fetch(db, CatalogV1.Location.self, organizationID: organization.id, id: locationID) {
                currency = location.configOverride?.currency ?? currency
            } else {
                found.append(InvalidField(field: "location_id", rule: .unknown, description: "is not a location of this organization"))
            }
        }
        let context = RuleContext(currency: currency, now: now)
        Kind.normalize(&resource, context: context, ids: ids)
        found += Kind.violations(resource, context: context)
        // References too, so one answer names every problem (malformed ids are skipped there).
        found += try Kind.references(db, &resource, organization: organization, context: context)
        try found.nested(under: Resource.requestField).throwIfAny()
    }

    /// PERMISSION_DENIED unless the caller may change the catalog at `location`.
    /// `action` completes "may not ...": "create", "change", "delete".
    static func authorize(_ access: OrganizationAccess, _ location: UUID?, _ action: String, organizationWide: Bool = false) throws {
        let membership = access.membership
        let allowed = organizationWide
            ? CatalogAuthority.mayManageLocations(membership)
            : CatalogAuthority.mayManage(membership, atLocation: location)
        guard !allowed else { return }
        let why: String
        switch membership.role {
        case .staff, .provider:
            why = "staff and providers read the catalog; owners, admins and location managers change it"
        default:
            if organizationWide {
                why = "only owners and admins create and delete locations"
            } else if location == nil {
                why = "only owners and admins manage what spans the organization"
            } else {
                why = Resource.self == CatalogV1.Location.self ? "the location is outside their scope" : "it is at a location outside their scope"
            }
        }
        throw ContextStatus.permissionDenied("\(access.role.withArticle) in this organization may not \(action) this \(Resource.noun): \(why)")
    }

    /// Staff and providers change nothing in the catalog: they are told so
    /// before their input is judged.
    static func requireSomeAuthority(_ access: OrganizationAccess, _ action: String) throws {
        if access.role == .staff || access.role == .provider {
            try authorize(access, nil, action)
        }
    }

    /// The body's refusals as statuses: invalid input, a taken unique value.
    func answering<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as ValidationFailure {
            throw failure.status
        } catch let taken as CatalogTables.UniqueValueTaken {
            throw ContextStatus.alreadyExists(
                field: "\(Resource.requestField).\(taken.field)", "another live \(Resource.noun) of the organization has this \(taken.field)")
        }
    }

    private static func empty() -> Resource {
        // Every generated message decodes from zero bytes to its defaults.
        try! ProtobufDecoder().decode(Resource.self, from: [UInt8]())
    }
}
