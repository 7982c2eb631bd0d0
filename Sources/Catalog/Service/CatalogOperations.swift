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
                // Authority first, on the request as sent: who may not make
                // it is told so before their input is judged.
                try Self.authorizeChange(access, from: nil, to: prepared, "create")
                return try Self.insert(db, prepared, organization: access.organization, now: now, ids: ids)
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
            let now = store.clock.now
            let ids = store.ids
            return Kind.presented(try await store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                let previous = try Self.existing(db, organizationID: organizationID, id: id)
                try Self.requireSomeAuthority(access, "change")
                try Self.authorize(access, Kind.authorityLocation(previous), "change")
                let mask = try Self.checkedMask(mask)
                var resource = previous
                for path in mask { _ = Kind.apply(path, from: patch, to: &resource) }
                resource.updatedAt = now
                try Self.authorizeChange(access, from: previous, to: resource, "move")
                try Kind.checkTransition(from: previous, to: resource)
                try Self.validate(db, &resource, organization: access.organization, now: now, ids: ids)
                try CatalogTables.update(db, resource)
                try Kind.saved(db, resource, previous: previous, now: now, ids: ids)
                return resource
            }, now: now)
        }
    }

    /// The mask's paths in proto spelling; INVALID_ARGUMENT for an empty
    /// mask or a path that names no changeable top-level field.
    static func checkedMask(_ mask: [String]) throws -> [String] {
        guard !mask.isEmpty else {
            throw ValidationFailure([InvalidField(field: "update_mask", rule: .required, description: "must name the fields to change")])
        }
        let paths = mask.map(UpdateMask.snakeCase)
        let valid = maskPaths
        var found: [InvalidField] = []
        for (index, path) in paths.enumerated() where !valid.contains(path) {
            let description: String
            if let dot = path.firstIndex(of: "."), valid.contains(String(path[..<dot])) {
                description = "names a field inside \(path[..<dot]): masks name top-level fields; send the whole \(path[..<dot])"
            } else if Resource.descriptor.fields.contains(where: { $0.name == path }) {
                let hint = path == "status" && Resource.self == CatalogV1.ServiceTemplate.self ? " (use ServiceTemplates/ChangeStatus: bizing catalog service-templates change-status)" : ""
                description = "cannot be changed\(hint)"
            } else {
                description = "is not a field of a \(Resource.noun)"
            }
            found.append(InvalidField(field: "update_mask[\(index)]", rule: .unknown, description: description))
        }
        if !found.isEmpty {
            let first = found[0]
            found[0] = InvalidField(field: first.field, rule: first.rule, description: first.description + "; the fields that can be: \(valid.joined(separator: ", "))")
        }
        try found.throwIfAny()
        return paths
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
            let now = store.clock.now
            return Kind.presented(try await store.write { db in
                let access = try OrganizationAccess.resolve(db, caller, organizationID: organizationID)
                var resource = try Self.existing(db, organizationID: organizationID, id: id)
                try Self.requireSomeAuthority(access, "delete")
                try Self.authorize(access, Kind.authorityLocation(resource), "delete", organizationWide: Resource.self == CatalogV1.Location.self)
                var found: [InvalidField] = []
                if reason.isEmpty {
                    found.append(InvalidField(field: "reason", rule: .required, description: "is required: say why the \(Resource.noun) is deleted"))
                } else {
                    FieldRules.text(reason, "reason", maximum: 500, into: &found)
                }
                try found.throwIfAny()
                try Kind.checkDeletable(db, resource)
                (resource.updatedAt, resource.deletedAt, resource.deletionReason) = (now, now, reason)
                try CatalogTables.update(db, resource)
                return resource
            }, now: now)
        }
    }

    /// Validates a new object (its caller has judged authority), inserts it and what
    /// comes with it. `prepared` has its id, organization and timestamps.
    static func insert(
        _ db: Database, _ prepared: Resource, organization: OrganizationRecord, now: Date, ids: IDGenerator
    ) throws -> Resource {
        var resource = prepared
        try validate(db, &resource, organization: organization, now: now, ids: ids)
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
        // A taken slug alone is ALREADY_EXISTS (from the insert); among other problems, one of them.
        if !found.isEmpty, let taken = try CatalogTables.uniqueValueTaken(db, resource) {
            found.append(InvalidField(field: Resource.uniqueField, rule: .conflict,
                                      description: "another live \(Resource.noun) of the organization has this \(Resource.uniqueField) ('\(taken)')"))
        }
        try found.nested(under: Resource.requestField).throwIfAny()
    }

    /// PERMISSION_DENIED unless the caller may change the catalog at `location`.
    /// `action` completes "may not ...": "create", "change", "delete".
    static func authorize(_ access: OrganizationAccess, _ location: UUID?, _ action: String, organizationWide: Bool = false, movingThere: Bool = false) throws {
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
                why = movingThere ? "that location is outside their scope"
                    : Resource.self == CatalogV1.Location.self ? "the location is outside their scope" : "it is at a location outside their scope"
            }
        }
        throw ContextStatus.permissionDenied("\(access.role.withArticle) in this organization may not \(action) this \(Resource.noun): \(why)")
    }

    /// PERMISSION_DENIED unless the caller may put the object where `next`
    /// puts it: its authority location (a new one, for a move) and every
    /// further location it reaches that `previous` did not (a provider's
    /// other locations). Staff and providers are refused outright.
    static func authorizeChange(_ access: OrganizationAccess, from previous: Resource?, to next: Resource, _ action: String) throws {
        try requireSomeAuthority(access, action)
        let organizationWide = previous == nil && Resource.self == CatalogV1.Location.self
        let location = Kind.authorityLocation(next)
        if previous == nil || location != previous.flatMap(Kind.authorityLocation) {
            try authorize(access, location, action, organizationWide: organizationWide, movingThere: previous != nil)
        }
        let reached = Set(Kind.reachedLocations(next)).subtracting(previous.map(Kind.reachedLocations) ?? [])
        for extra in reached.sorted(by: { $0.uuidString < $1.uuidString }) {
            try authorize(access, extra, action == "create" ? "create" : "extend", movingThere: true)
        }
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
