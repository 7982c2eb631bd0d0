import BizingAPI
import BizingRPC
import BizingServer
import BizingStore
import BizingWire
import ContextKit
import Foundation
import GRDB
import Identity
import NIOCore
import Testing

/// An organization the catalog tests work in: its id as the wire carries
/// it, its owner (who may change all of its catalog) and the owner's token.
struct CatalogOrganization: Sendable {
    let id: String
    let ownerID: String
    let token: String
    let currency: String
}

/// A row of `calendars`, as the Catalog context wrote it.
struct CatalogCalendarRow: Hashable, Sendable {
    let id: String
    let organizationID: String
    let bookableID: String
    let timeZone: String
}

/// The soft-deletion columns of a catalog row.
struct CatalogDeletionColumns: Hashable, Sendable {
    let deletedAt: Int64?
    let deletionReason: String?
}

/// The Catalog services over a real socket and a real SQLite file: the
/// Identity harness's server (which mounts every context), with what the
/// catalog tests need on top of it: organizations in a chosen currency,
/// members, households, typed create calls, whole-list paging and reads of
/// the rows behind the API (on the harness's second connection).
final class CatalogHarness: Sendable {
    let identity: IdentityHarness

    private init(_ identity: IdentityHarness) {
        self.identity = identity
    }

    /// Runs `body` with a fresh server, stopping it whether or not the body throws.
    static func run(_ body: (CatalogHarness) async throws -> Void) async throws {
        let h = CatalogHarness(try await IdentityHarness.start())
        do {
            try await body(h)
        } catch {
            try? await h.identity.stop()
            throw error
        }
        try await h.identity.stop()
    }

    var clock: TestClock { identity.clock }
    var store: BizingStore { identity.fixtures.store }
    var socketPath: String { identity.server.configuration.socketPath }

    // MARK: - Calls

    /// A typed call with `token` as the bearer; throws the RPCStatus of a refusal.
    func call<Request: Encodable & Sendable, Response: Decodable & Sendable>(
        _ method: MethodDescriptor, _ request: Request, token: String, as: Response.Type = Response.self
    ) async throws -> Response {
        try await identity.call(method, request, token: token)
    }

    /// The status a call fails with; records an issue (and returns OK) when it answers.
    func failure<Request: Encodable & Sendable>(
        _ method: MethodDescriptor, _ request: Request, token: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> RPCStatus {
        var buffer = ByteBuffer()
        try ProtobufEncoder().encode(request, into: &buffer)
        do {
            _ = try await identity.client.unary(method.fullName, request: buffer, metadata: IdentityHarness.metadata(token))
        } catch let status as RPCStatus {
            return status
        }
        Issue.record("\(method.fullName) answered OK; a failure was expected", sourceLocation: sourceLocation)
        return .ok
    }

    /// The status code a call ends with (OK when it answers).
    func code<Request: Encodable & Sendable>(_ method: MethodDescriptor, _ request: Request, token: String) async -> StatusCode {
        await identity.status(method, request, token: token)
    }

    // MARK: - People and organizations

    /// A new owner and their organization, whose prices are in `currency`.
    func organization(
        _ name: String = "Catalog Org", currency: String = "USD", timeZone: String = "America/New_York"
    ) async throws -> CatalogOrganization {
        let owner = try await identity.user("\(name) Owner")
        let slug = "\(name.lowercased().filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(6).lowercased())"
        let record = try await identity.fixtures.createOrganization(
            try NewOrganization(slug: slug, name: name, timeZone: timeZone, currency: currency), owner: owner.record.id)
        return CatalogOrganization(
            id: record.id.lowercasedString, ownerID: owner.record.id.lowercasedString, token: owner.token, currency: currency)
    }

    /// A new user who is an active member of the organization in `role`.
    func member(of organization: CatalogOrganization, _ name: String, role: Role = .staff) async throws -> (id: String, token: String) {
        let person = try await identity.user(name)
        _ = try await identity.fixtures.addMembership(
            organizationID: UUID(uuidString: organization.id)!, userID: person.record.id, role: role, scope: .allLocations)
        return (person.record.id.lowercasedString, person.token)
    }

    /// A new user in no organization.
    func outsider(_ name: String) async throws -> (id: String, token: String) {
        let person = try await identity.user(name)
        return (person.record.id.lowercasedString, person.token)
    }

    /// A company household made through the Households service: `primary`
    /// creates it; each of `joined` is invited and accepts; each of
    /// `invited` is invited and has not answered yet.
    func companyHousehold(
        _ name: String, primary: (id: String, token: String), joined: [(id: String, token: String)],
        invited: [(id: String, token: String)] = []
    ) async throws -> IdentityV1.Household {
        let created: IdentityV1.Household = try await call(
            IdentityV1.Households.create,
            IdentityV1.CreateHouseholdRequest(
                name: name, type: .company, companyInfo: IdentityV1.CompanyInfo(taxId: "12-3456789", industry: "plumbing", website: "https://example.com")),
            token: primary.token)
        for person in joined + invited {
            _ = try await call(
                IdentityV1.Households.addMember, IdentityV1.AddHouseholdMemberRequest(householdId: created.id, userId: person.id, role: .adult),
                token: primary.token, as: IdentityV1.Household.self)
        }
        for person in joined {
            _ = try await call(
                IdentityV1.Households.acceptInvitation, IdentityV1.AcceptInvitationRequest(householdId: created.id), token: person.token,
                as: IdentityV1.Household.self)
        }
        return try await call(IdentityV1.Households.get, IdentityV1.GetHouseholdRequest(householdId: created.id), token: primary.token)
    }

    // MARK: - Creating catalog objects (as the organization's owner)

    func create(_ location: CatalogV1.Location, in organization: CatalogOrganization) async throws -> CatalogV1.Location {
        try await call(CatalogV1.Locations.create, CatalogV1.CreateLocationRequest(organizationId: organization.id, location: location), token: organization.token)
    }

    func create(_ bookable: CatalogV1.Bookable, in organization: CatalogOrganization) async throws -> CatalogV1.Bookable {
        try await call(CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: organization.id, bookable: bookable), token: organization.token)
    }

    func create(_ template: CatalogV1.ServiceTemplate, in organization: CatalogOrganization) async throws -> CatalogV1.ServiceTemplate {
        try await call(
            CatalogV1.ServiceTemplates.create, CatalogV1.CreateServiceTemplateRequest(organizationId: organization.id, serviceTemplate: template),
            token: organization.token)
    }

    func create(_ product: CatalogV1.Product, in organization: CatalogOrganization) async throws -> CatalogV1.Product {
        try await call(CatalogV1.Products.create, CatalogV1.CreateProductRequest(organizationId: organization.id, product: product), token: organization.token)
    }

    func create(_ package: CatalogV1.ServicePackage, in organization: CatalogOrganization) async throws -> CatalogV1.ServicePackage {
        try await call(
            CatalogV1.Packages.create, CatalogV1.CreatePackageRequest(organizationId: organization.id, servicePackage: package), token: organization.token)
    }

    func create(_ program: CatalogV1.ProgramTemplate, in organization: CatalogOrganization) async throws -> CatalogV1.ProgramTemplate {
        try await call(CatalogV1.Programs.create, CatalogV1.CreateProgramRequest(organizationId: organization.id, program: program), token: organization.token)
    }

    /// A template moved along ChangeStatus.
    func changeStatus(
        _ templateID: String, to status: CatalogV1.ServiceTemplateStatus, in organization: CatalogOrganization
    ) async throws -> CatalogV1.ServiceTemplate {
        try await call(
            CatalogV1.ServiceTemplates.changeStatus,
            CatalogV1.ChangeServiceTemplateStatusRequest(organizationId: organization.id, serviceTemplateId: templateID, status: status),
            token: organization.token)
    }

    /// An active template at `location` (empty: every location) requiring one
    /// specific bookable, priced at `price` minor units.
    func activeTemplate(
        _ slug: String, requiring bookableID: String, kind: CatalogV1.BookableKind = .provider, location: String = "", price: Int64 = 5_000,
        in organization: CatalogOrganization
    ) async throws -> CatalogV1.ServiceTemplate {
        let draft = try await create(CatalogSample.template(slug, location: location, requiring: bookableID, kind: kind, price: price), in: organization)
        return try await changeStatus(draft.id, to: .active, in: organization)
    }

    // MARK: - Whole lists

    /// Every page of a bookables list (the request's page size, tokens followed).
    func allBookables(_ request: CatalogV1.ListBookablesRequest, token: String) async throws -> [CatalogV1.Bookable] {
        var request = request
        var all: [CatalogV1.Bookable] = []
        repeat {
            let page: CatalogV1.ListBookablesResponse = try await call(CatalogV1.Bookables.list, request, token: token)
            all += page.bookables
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        return all
    }

    func allLocations(_ request: CatalogV1.ListLocationsRequest, token: String) async throws -> [CatalogV1.Location] {
        var request = request
        var all: [CatalogV1.Location] = []
        repeat {
            let page: CatalogV1.ListLocationsResponse = try await call(CatalogV1.Locations.list, request, token: token)
            all += page.locations
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        return all
    }

    func allTemplates(_ request: CatalogV1.ListServiceTemplatesRequest, token: String) async throws -> [CatalogV1.ServiceTemplate] {
        var request = request
        var all: [CatalogV1.ServiceTemplate] = []
        repeat {
            let page: CatalogV1.ListServiceTemplatesResponse = try await call(CatalogV1.ServiceTemplates.list, request, token: token)
            all += page.serviceTemplates
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        return all
    }

    func allProducts(_ request: CatalogV1.ListProductsRequest, token: String) async throws -> [CatalogV1.Product] {
        var request = request
        var all: [CatalogV1.Product] = []
        repeat {
            let page: CatalogV1.ListProductsResponse = try await call(CatalogV1.Products.list, request, token: token)
            all += page.products
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        return all
    }

    func allPackages(_ request: CatalogV1.ListPackagesRequest, token: String) async throws -> [CatalogV1.ServicePackage] {
        var request = request
        var all: [CatalogV1.ServicePackage] = []
        repeat {
            let page: CatalogV1.ListPackagesResponse = try await call(CatalogV1.Packages.list, request, token: token)
            all += page.packages
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        return all
    }

    func allPrograms(_ request: CatalogV1.ListProgramsRequest, token: String) async throws -> [CatalogV1.ProgramTemplate] {
        var request = request
        var all: [CatalogV1.ProgramTemplate] = []
        repeat {
            let page: CatalogV1.ListProgramsResponse = try await call(CatalogV1.Programs.list, request, token: token)
            all += page.programs
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        return all
    }

    // MARK: - The rows behind the API

    /// The calendar of a bookable, read from the file.
    func calendar(ofBookable bookableID: String) async throws -> CatalogCalendarRow? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM calendars WHERE bookable_id = ?", arguments: [bookableID]).map {
                CatalogCalendarRow(id: $0["id"], organizationID: $0["organization_id"], bookableID: $0["bookable_id"], timeZone: $0["time_zone"])
            }
        }
    }

    /// The calendar with this id, read from the file.
    func calendar(id: String) async throws -> CatalogCalendarRow? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM calendars WHERE id = ?", arguments: [id]).map {
                CatalogCalendarRow(id: $0["id"], organizationID: $0["organization_id"], bookableID: $0["bookable_id"], timeZone: $0["time_zone"])
            }
        }
    }

    /// A catalog row's deletion columns (nil: no such row at all).
    func deletionColumns(_ table: String, id: String) async throws -> CatalogDeletionColumns? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT deleted_at, deletion_reason FROM \(table) WHERE id = ?", arguments: [id]).map {
                CatalogDeletionColumns(deletedAt: $0["deleted_at"], deletionReason: $0["deletion_reason"])
            }
        }
    }

    /// Rows of a catalog table (live and deleted) of an organization.
    func rowCount(_ table: String, organizationID: String) async throws -> Int {
        try await store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE organization_id = ?", arguments: [organizationID]) ?? 0
        }
    }

    /// Rows of `calendars` in the whole file.
    func calendarCount() async throws -> Int {
        try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM calendars") ?? 0 }
    }
}

/// Valid catalog objects to create (or break one field of). Prices leave the
/// currency to the caller: empty means the currency in force.
enum CatalogSample {
    static let weekdays = CatalogV1.WeeklyHours(days: [
        .monday, .tuesday, .wednesday, .thursday, .friday,
    ].map { CatalogV1.DayHours(day: $0, ranges: [CatalogV1.TimeRange(start: "09:00", end: "17:00")]) })

    static func money(_ amount: Int64, _ currency: String = "") -> CatalogV1.Money {
        CatalogV1.Money(amountMinor: amount, currency: currency)
    }

    /// A physical location with an address and weekday hours.
    static func location(_ slug: String, timeZone: String = "America/New_York", currency: String? = nil) -> CatalogV1.Location {
        CatalogV1.Location(
            slug: slug, name: "Location \(slug)", type: .physical,
            address: CatalogV1.Address(street: "1 Main Street", city: "Springfield", region: "IL", postalCode: "62701", country: "US",
                                       coordinates: CatalogV1.Coordinates(latitude: 39.8, longitude: -89.6)),
            timeZone: timeZone, operatingHours: weekdays,
            configOverride: currency.map { CatalogV1.ConfigOverride(currency: $0) })
    }

    /// A virtual location: the cheapest kind to make many of.
    static func virtualLocation(_ slug: String, timeZone: String = "UTC") -> CatalogV1.Location {
        CatalogV1.Location(slug: slug, name: "Online \(slug)", type: .virtual, timeZone: timeZone)
    }

    static func provider(_ slug: String, at location: String, userID: String = "", category: String = "", tags: [String] = []) -> CatalogV1.Bookable {
        CatalogV1.Bookable(
            locationId: location, kind: .provider, name: "Provider \(slug)", slug: slug, category: category, tags: tags,
            provider: CatalogV1.ProviderDetails(userId: userID, email: "\(slug)@example.com", languages: ["en"]))
    }

    static func asset(_ slug: String, at location: String, category: String = "", tags: [String] = []) -> CatalogV1.Bookable {
        CatalogV1.Bookable(
            locationId: location, kind: .asset, name: "Asset \(slug)", slug: slug, category: category, tags: tags,
            asset: CatalogV1.AssetDetails(assetType: .equipment, serialNumber: "SN-\(slug)"))
    }

    static func venue(_ slug: String, at location: String, category: String = "", tags: [String] = []) -> CatalogV1.Bookable {
        CatalogV1.Bookable(
            locationId: location, kind: .venue, name: "Venue \(slug)", slug: slug, category: category, tags: tags,
            venue: CatalogV1.VenueDetails(capacityMin: 1, capacityMax: 12, amenities: ["projector"]))
    }

    static func companyProvider(_ slug: String, at location: String, household: String, technicians: [String]) -> CatalogV1.Bookable {
        CatalogV1.Bookable(
            locationId: location, kind: .companyProvider, name: "Company \(slug)", slug: slug,
            companyProvider: CatalogV1.CompanyProviderDetails(
                householdId: household, email: "\(slug)@example.com", phone: "+1 217 555 0100", technicianIds: technicians))
    }

    /// A one-hour appointment; with `requiring`, it needs that bookable.
    static func template(
        _ slug: String, location: String = "", requiring bookableID: String? = nil, kind: CatalogV1.BookableKind = .provider,
        price: Int64 = 5_000, currency: String = "", category: String = "", tags: [String] = []
    ) -> CatalogV1.ServiceTemplate {
        CatalogV1.ServiceTemplate(
            locationId: location, name: "Service \(slug)", slug: slug, category: category, tags: tags, type: .appointment,
            duration: CatalogV1.ServiceDuration(type: .fixed, fixedMinutes: 60),
            requiredBookables: bookableID.map { [CatalogV1.BookableRequirement(kind: kind, bookableId: $0)] } ?? [],
            pricing: CatalogV1.Pricing(basePrice: money(price, currency)))
    }

    static func product(_ sku: String, location: String = "", price: Int64 = 1_500, currency: String = "", tags: [String] = []) -> CatalogV1.Product {
        CatalogV1.Product(
            locationId: location, name: "Product \(sku)", sku: sku, type: .physical,
            physical: CatalogV1.PhysicalDetails(weightGrams: 250), price: money(price, currency), tags: tags)
    }

    static func package(_ slug: String, items: [(template: String, quantity: UInt32)], total: Int64, currency: String = "") -> CatalogV1.ServicePackage {
        CatalogV1.ServicePackage(
            slug: slug, name: "Package \(slug)",
            items: items.map { CatalogV1.PackageItem(serviceTemplateId: $0.template, quantity: $0.quantity) },
            totalPrice: money(total, currency), useWithinDays: 365)
    }

    static func program(_ slug: String, templates: [String], price: Int64 = 40_000, currency: String = "") -> CatalogV1.ProgramTemplate {
        CatalogV1.ProgramTemplate(
            slug: slug, name: "Program \(slug)",
            sessions: templates.enumerated().map {
                CatalogV1.ProgramSession(sequenceNumber: UInt32($0.offset + 1), name: "Week \($0.offset + 1)", serviceTemplateId: $0.element,
                                         daysAfterStart: UInt32($0.offset * 7))
            },
            fullProgramPrice: money(price, currency))
    }
}

/// The field paths of a status's violations, in order.
func catalogViolationFields(_ status: RPCStatus) -> [String] { status.details.fieldViolations.map(\.field) }

extension DatabaseValue {
    /// The value exactly, for byte-for-byte comparisons of rows (doubles by their bits, blobs in hex).
    var exactText: String {
        switch storage {
        case .null: "NULL"
        case .int64(let number): "\(number)"
        case .double(let number): "\(number.bitPattern)d"
        case .string(let text): "'\(text)'"
        case .blob(let data): "x'" + data.map { String(format: "%02x", $0) }.joined() + "'"
        }
    }
}
