import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB
import Identity
import Testing

/// Every Catalog RPC x every kind of caller, over the real socket and the
/// real SQLite file: the status each gets for a valid request, and that a
/// refused call leaves every catalog table as it was.
///
/// The rule (CatalogAuthority): owners, admins and an admin service token
/// manage the whole catalog; the manager (scoped to location A only) manages
/// what is at A (bookables, A's templates and products, updating A itself)
/// but nothing spanning the organization (packages, programs, templates and
/// products without a location) and never creates or deletes locations;
/// staff and providers read; everyone else is UNAUTHENTICATED or, for
/// another organization's owner, NOT_FOUND.
///
/// Location-scoped rows are run twice for the manager: at location A (the
/// `.manager` column) and at location B (`.managerAtB`, outside their
/// scope). Each service's rows share one server and one set of fixtures
/// (made by the owner through the API); a Delete, ChangeStatus or move cell
/// gets its own fresh object, and every cell a freshly minted token.
@Suite struct CatalogAuthorizationMatrixTests {
    fileprivate enum Caller: String, CaseIterable, CustomStringConvertible, Sendable {
        case none, garbage
        /// The owner of another organization, naming this one's objects.
        case otherOrganization
        case owner, admin
        /// The manager of location A, acting at A (or, on organization-wide rows, on the organization's objects).
        case manager
        case staff, provider
        /// An admin service token of the organization.
        case service
        /// The same manager acting at location B, outside their scope (location-scoped rows only).
        case managerAtB

        var description: String { rawValue }
    }

    /// Where a row's target is: at location A (location-scoped rows; the
    /// manager-at-B cell moves it to B) or the whole organization.
    fileprivate enum Site: Sendable {
        case a, b, organization

        var other: Site { self == .a ? .b : .a }
    }

    fileprivate typealias Request = any Encodable & Sendable

    fileprivate struct Row: CustomStringConvertible, Sendable {
        let method: MethodDescriptor
        /// What the row is about beyond the method ("organization-wide", "move").
        let variant: String
        let site: Site
        let request: @Sendable (AuthzWorld, Site, Caller) async throws -> Request
        let expected: [Caller: StatusCode]

        init(
            _ method: MethodDescriptor, _ variant: String = "", at site: Site = .a, expected: [Caller: StatusCode],
            request: @escaping @Sendable (AuthzWorld, Site, Caller) async throws -> Request
        ) {
            self.method = method
            self.variant = variant
            self.site = site
            self.request = request
            self.expected = expected
        }

        var scoped: Bool { site == .a }
        var callers: [Caller] { scoped ? Caller.allCases : Caller.allCases.filter { $0 != .managerAtB } }
        var description: String { variant.isEmpty ? method.fullName : "\(method.fullName) (\(variant))" }
    }

    // MARK: - Expectations

    fileprivate static func expect(_ members: [Caller: StatusCode], scoped: Bool) -> [Caller: StatusCode] {
        var expected: [Caller: StatusCode] = [.none: .unauthenticated, .garbage: .unauthenticated, .otherOrganization: .notFound]
        expected.merge(members) { $1 }
        if !scoped { expected[.managerAtB] = nil }
        return expected
    }

    /// Any member and the service token read.
    fileprivate static func reads(scoped: Bool) -> [Caller: StatusCode] {
        expect([.owner: .ok, .admin: .ok, .manager: .ok, .staff: .ok, .provider: .ok, .service: .ok, .managerAtB: .ok], scoped: scoped)
    }

    /// Owners, admins and the manager within their scope change it.
    fileprivate static let managedAtLocation = expect(
        [.owner: .ok, .admin: .ok, .manager: .ok, .managerAtB: .permissionDenied, .staff: .permissionDenied, .provider: .permissionDenied,
         .service: .ok], scoped: true)

    /// Only owners and admins (and the admin service token) change it.
    fileprivate static func ownersAndAdmins(scoped: Bool) -> [Caller: StatusCode] {
        expect([.owner: .ok, .admin: .ok, .manager: .permissionDenied, .managerAtB: .permissionDenied, .staff: .permissionDenied,
                .provider: .permissionDenied, .service: .ok], scoped: scoped)
    }

    fileprivate static let reason = "authorization matrix"

    // MARK: - Rows

    fileprivate static let rows: [Row] = locationRows + bookableRows + templateRows + productRows + packageRows + programRows

    fileprivate static let locationRows: [Row] = [
        Row(CatalogV1.Locations.create, at: .organization, expected: ownersAndAdmins(scoped: false)) { w, _, _ in
            CatalogV1.CreateLocationRequest(organizationId: w.organization, location: AuthzBody.location(AuthzBody.unique("loc")))
        },
        Row(CatalogV1.Locations.get, expected: reads(scoped: true)) { w, site, _ in
            CatalogV1.GetLocationRequest(organizationId: w.organization, locationId: w.location(site))
        },
        Row(CatalogV1.Locations.update, expected: managedAtLocation) { w, site, _ in
            CatalogV1.UpdateLocationRequest(
                organizationId: w.organization, location: CatalogV1.Location(id: w.location(site), name: AuthzBody.unique("Renamed")), updateMask: ["name"])
        },
        Row(CatalogV1.Locations.list, at: .organization, expected: reads(scoped: false)) { w, _, _ in
            CatalogV1.ListLocationsRequest(organizationId: w.organization)
        },
        // The managers aim at the location of their cell (A is in scope: deleting a location is still not theirs;
        // refused before the emptiness check); everyone else at a fresh empty location.
        Row(CatalogV1.Locations.delete, expected: ownersAndAdmins(scoped: true)) { w, site, caller in
            let id = caller == .manager || caller == .managerAtB ? w.location(site) : try await w.freshLocation()
            return CatalogV1.DeleteLocationRequest(organizationId: w.organization, locationId: id, reason: reason)
        },
        Row(CatalogV1.Locations.resolveConfig, expected: reads(scoped: true)) { w, site, _ in
            CatalogV1.ResolveConfigRequest(organizationId: w.organization, locationId: w.location(site))
        },
    ]

    fileprivate static let bookableRows: [Row] = [
        Row(CatalogV1.Bookables.create, expected: managedAtLocation) { w, site, _ in
            CatalogV1.CreateBookableRequest(organizationId: w.organization, bookable: AuthzBody.provider(at: w.location(site), slug: AuthzBody.unique("pro")))
        },
        Row(CatalogV1.Bookables.get, expected: reads(scoped: true)) { w, site, _ in
            CatalogV1.GetBookableRequest(organizationId: w.organization, bookableId: w.bookables[site]!)
        },
        Row(CatalogV1.Bookables.update, expected: managedAtLocation) { w, site, _ in
            CatalogV1.UpdateBookableRequest(
                organizationId: w.organization, bookable: CatalogV1.Bookable(id: w.bookables[site]!, name: AuthzBody.unique("Renamed")), updateMask: ["name"])
        },
        // A fresh bookable at the cell's location moved to the other one: the manager of A may neither send one away
        // from A to B nor bring one from B to A.
        Row(CatalogV1.Bookables.update, "move to the other location", expected: ownersAndAdmins(scoped: true)) { w, site, _ in
            let id = try await w.freshBookable(at: site)
            return CatalogV1.UpdateBookableRequest(
                organizationId: w.organization, bookable: CatalogV1.Bookable(id: id, locationId: w.location(site.other)), updateMask: ["location_id"])
        },
        Row(CatalogV1.Bookables.list, expected: reads(scoped: true)) { w, site, _ in
            CatalogV1.ListBookablesRequest(organizationId: w.organization, locationId: w.location(site))
        },
        Row(CatalogV1.Bookables.delete, expected: managedAtLocation) { w, site, _ in
            CatalogV1.DeleteBookableRequest(organizationId: w.organization, bookableId: try await w.freshBookable(at: site), reason: reason)
        },
    ]

    fileprivate static let templateRows: [Row] = [
        Row(CatalogV1.ServiceTemplates.create, expected: managedAtLocation) { w, site, _ in
            CatalogV1.CreateServiceTemplateRequest(
                organizationId: w.organization, serviceTemplate: AuthzBody.template(at: w.location(site), slug: AuthzBody.unique("svc")))
        },
        Row(CatalogV1.ServiceTemplates.create, "organization-wide", at: .organization, expected: ownersAndAdmins(scoped: false)) { w, site, _ in
            CatalogV1.CreateServiceTemplateRequest(
                organizationId: w.organization, serviceTemplate: AuthzBody.template(at: w.location(site), slug: AuthzBody.unique("svc")))
        },
        Row(CatalogV1.ServiceTemplates.get, expected: reads(scoped: true)) { w, site, _ in
            CatalogV1.GetServiceTemplateRequest(organizationId: w.organization, serviceTemplateId: w.templates[site]!)
        },
        Row(CatalogV1.ServiceTemplates.update, expected: managedAtLocation) { w, site, _ in
            CatalogV1.UpdateServiceTemplateRequest(
                organizationId: w.organization, serviceTemplate: CatalogV1.ServiceTemplate(id: w.templates[site]!, name: AuthzBody.unique("Renamed")),
                updateMask: ["name"])
        },
        Row(CatalogV1.ServiceTemplates.update, "organization-wide", at: .organization, expected: ownersAndAdmins(scoped: false)) { w, site, _ in
            CatalogV1.UpdateServiceTemplateRequest(
                organizationId: w.organization, serviceTemplate: CatalogV1.ServiceTemplate(id: w.templates[site]!, name: AuthzBody.unique("Renamed")),
                updateMask: ["name"])
        },
        // A fresh template at the cell's location made organization-wide: beyond any manager.
        Row(CatalogV1.ServiceTemplates.update, "make organization-wide", expected: ownersAndAdmins(scoped: true)) { w, site, _ in
            let id = try await w.freshTemplate(at: site)
            return CatalogV1.UpdateServiceTemplateRequest(
                organizationId: w.organization, serviceTemplate: CatalogV1.ServiceTemplate(id: id, locationId: ""), updateMask: ["location_id"])
        },
        Row(CatalogV1.ServiceTemplates.list, expected: reads(scoped: true)) { w, site, _ in
            CatalogV1.ListServiceTemplatesRequest(organizationId: w.organization, locationId: w.location(site))
        },
        Row(CatalogV1.ServiceTemplates.delete, expected: managedAtLocation) { w, site, _ in
            CatalogV1.DeleteServiceTemplateRequest(organizationId: w.organization, serviceTemplateId: try await w.freshTemplate(at: site), reason: reason)
        },
        Row(CatalogV1.ServiceTemplates.delete, "organization-wide", at: .organization, expected: ownersAndAdmins(scoped: false)) { w, site, _ in
            CatalogV1.DeleteServiceTemplateRequest(organizationId: w.organization, serviceTemplateId: try await w.freshTemplate(at: site), reason: reason)
        },
        // A fresh draft that names a provider of its location, activated.
        Row(CatalogV1.ServiceTemplates.changeStatus, expected: managedAtLocation) { w, site, _ in
            CatalogV1.ChangeServiceTemplateStatusRequest(
                organizationId: w.organization, serviceTemplateId: try await w.freshTemplate(at: site, requiring: w.bookables[site]!), status: .active)
        },
        Row(CatalogV1.ServiceTemplates.changeStatus, "organization-wide", at: .organization, expected: ownersAndAdmins(scoped: false)) { w, site, _ in
            CatalogV1.ChangeServiceTemplateStatusRequest(
                organizationId: w.organization, serviceTemplateId: try await w.freshTemplate(at: site, requiring: w.bookables[.a]!), status: .active)
        },
    ]

    fileprivate static let productRows: [Row] = [
        Row(CatalogV1.Products.create, expected: managedAtLocation) { w, site, _ in
            CatalogV1.CreateProductRequest(organizationId: w.organization, product: AuthzBody.product(at: w.location(site), sku: AuthzBody.unique("SKU")))
        },
        Row(CatalogV1.Products.create, "organization-wide", at: .organization, expected: ownersAndAdmins(scoped: false)) { w, site, _ in
            CatalogV1.CreateProductRequest(organizationId: w.organization, product: AuthzBody.product(at: w.location(site), sku: AuthzBody.unique("SKU")))
        },
        Row(CatalogV1.Products.get, expected: reads(scoped: true)) { w, site, _ in
            CatalogV1.GetProductRequest(organizationId: w.organization, productId: w.products[site]!)
        },
        Row(CatalogV1.Products.update, expected: managedAtLocation) { w, site, _ in
            CatalogV1.UpdateProductRequest(
                organizationId: w.organization, product: CatalogV1.Product(id: w.products[site]!, name: AuthzBody.unique("Renamed")), updateMask: ["name"])
        },
        Row(CatalogV1.Products.update, "organization-wide", at: .organization, expected: ownersAndAdmins(scoped: false)) { w, site, _ in
            CatalogV1.UpdateProductRequest(
                organizationId: w.organization, product: CatalogV1.Product(id: w.products[site]!, name: AuthzBody.unique("Renamed")), updateMask: ["name"])
        },
        Row(CatalogV1.Products.update, "move to the other location", expected: ownersAndAdmins(scoped: true)) { w, site, _ in
            let id = try await w.freshProduct(at: site)
            return CatalogV1.UpdateProductRequest(
                organizationId: w.organization, product: CatalogV1.Product(id: id, locationId: w.location(site.other)), updateMask: ["location_id"])
        },
        Row(CatalogV1.Products.list, expected: reads(scoped: true)) { w, site, _ in
            CatalogV1.ListProductsRequest(organizationId: w.organization, locationId: w.location(site))
        },
        Row(CatalogV1.Products.delete, expected: managedAtLocation) { w, site, _ in
            CatalogV1.DeleteProductRequest(organizationId: w.organization, productId: try await w.freshProduct(at: site), reason: reason)
        },
        Row(CatalogV1.Products.delete, "organization-wide", at: .organization, expected: ownersAndAdmins(scoped: false)) { w, site, _ in
            CatalogV1.DeleteProductRequest(organizationId: w.organization, productId: try await w.freshProduct(at: site), reason: reason)
        },
    ]

    fileprivate static let packageRows: [Row] = [
        Row(CatalogV1.Packages.create, at: .organization, expected: ownersAndAdmins(scoped: false)) { w, _, _ in
            CatalogV1.CreatePackageRequest(organizationId: w.organization, servicePackage: AuthzBody.package(slug: AuthzBody.unique("pkg"), template: w.templates[.organization]!))
        },
        Row(CatalogV1.Packages.get, at: .organization, expected: reads(scoped: false)) { w, _, _ in
            CatalogV1.GetPackageRequest(organizationId: w.organization, packageId: w.package)
        },
        Row(CatalogV1.Packages.update, at: .organization, expected: ownersAndAdmins(scoped: false)) { w, _, _ in
            CatalogV1.UpdatePackageRequest(
                organizationId: w.organization, servicePackage: CatalogV1.ServicePackage(id: w.package, name: AuthzBody.unique("Renamed")), updateMask: ["name"])
        },
        Row(CatalogV1.Packages.list, at: .organization, expected: reads(scoped: false)) { w, _, _ in
            CatalogV1.ListPackagesRequest(organizationId: w.organization)
        },
        Row(CatalogV1.Packages.delete, at: .organization, expected: ownersAndAdmins(scoped: false)) { w, _, _ in
            CatalogV1.DeletePackageRequest(organizationId: w.organization, packageId: try await w.freshPackage(), reason: reason)
        },
    ]

    fileprivate static let programRows: [Row] = [
        Row(CatalogV1.Programs.create, at: .organization, expected: ownersAndAdmins(scoped: false)) { w, _, _ in
            CatalogV1.CreateProgramRequest(organizationId: w.organization, program: AuthzBody.program(slug: AuthzBody.unique("prog"), template: w.templates[.organization]!))
        },
        Row(CatalogV1.Programs.get, at: .organization, expected: reads(scoped: false)) { w, _, _ in
            CatalogV1.GetProgramRequest(organizationId: w.organization, programId: w.program)
        },
        Row(CatalogV1.Programs.update, at: .organization, expected: ownersAndAdmins(scoped: false)) { w, _, _ in
            CatalogV1.UpdateProgramRequest(
                organizationId: w.organization, program: CatalogV1.ProgramTemplate(id: w.program, name: AuthzBody.unique("Renamed")), updateMask: ["name"])
        },
        Row(CatalogV1.Programs.list, at: .organization, expected: reads(scoped: false)) { w, _, _ in
            CatalogV1.ListProgramsRequest(organizationId: w.organization)
        },
        Row(CatalogV1.Programs.delete, at: .organization, expected: ownersAndAdmins(scoped: false)) { w, _, _ in
            CatalogV1.DeleteProgramRequest(organizationId: w.organization, programId: try await w.freshProgram(), reason: reason)
        },
    ]

    static var catalogServices: [ServiceDescriptor] { BizingSchema.services.filter { $0.name.hasPrefix("bizing.catalog.v1.") } }

    // MARK: - Tests

    @Test func everyRowCoversEveryCaller() {
        for row in Self.rows {
            #expect(Set(row.expected.keys) == Set(row.callers), "\(row)")
        }
    }

    @Test func theRowsCoverEveryCatalogMethod() {
        let methods = Self.catalogServices.flatMap(\.methods).map(\.fullName)
        #expect(methods.count == 32)
        #expect(Set(Self.rows.map(\.method.fullName)) == Set(methods))
        // Each method has exactly one plain row; the variants come on top.
        #expect(Self.rows.filter(\.variant.isEmpty).map(\.method.fullName).sorted() == methods.sorted())
    }

    /// One server and one set of fixtures per service; its rows run one after another on them.
    @Test(arguments: catalogServices.map(\.name))
    func statusesMatchTheMatrix(service: String) async throws {
        let rows = Self.rows.filter { $0.method.service == service }
        try #require(!rows.isEmpty)
        let h = try await IdentityHarness.start()
        do {
            let world = try await AuthzWorld.make(h)
            var mismatches: [String] = []
            for row in rows {
                for caller in row.callers {
                    let site = caller == .managerAtB ? Site.b : row.site
                    let request = try await row.request(world, site, caller)
                    let token = try await world.token(caller)
                    let before = try await world.snapshot()
                    let status = await h.status(row.method, request, token: token)
                    let expected = row.expected[caller]!
                    if status != expected {
                        mismatches.append("\(row) \(caller): got \(status), expected \(expected)")
                    }
                    if status != .ok, try await world.snapshot() != before {
                        mismatches.append("\(row) \(caller): refused with \(status) but the catalog tables changed")
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(service):\n\(mismatches.joined(separator: "\n"))")
        } catch {
            try? await h.stop()
            throw error
        }
        try await h.stop()
    }
}

// MARK: - Fixtures

/// Valid request bodies (the fixture organization's currency is GBP).
fileprivate enum AuthzBody {
    static func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    static func location(_ slug: String) -> CatalogV1.Location {
        CatalogV1.Location(
            slug: slug, name: "Location \(slug)", type: .physical,
            address: CatalogV1.Address(street: "1 High Street", city: "London", country: "GB"), timeZone: "Europe/London")
    }

    static func provider(at location: String, slug: String) -> CatalogV1.Bookable {
        CatalogV1.Bookable(
            locationId: location, kind: .provider, name: "Provider \(slug)", slug: slug,
            provider: CatalogV1.ProviderDetails(email: "\(slug)@example.com"))
    }

    /// A fixed one-hour appointment; `location` empty: offered everywhere.
    static func template(at location: String, slug: String, requiring bookable: String? = nil) -> CatalogV1.ServiceTemplate {
        CatalogV1.ServiceTemplate(
            locationId: location, name: "Massage \(slug)", slug: slug, type: .appointment,
            duration: CatalogV1.ServiceDuration(type: .fixed, fixedMinutes: 60),
            requiredBookables: bookable.map { [CatalogV1.BookableRequirement(kind: .provider, bookableId: $0)] } ?? [],
            pricing: CatalogV1.Pricing(basePrice: CatalogV1.Money(amountMinor: 5_000, currency: "GBP")))
    }

    static func product(at location: String, sku: String) -> CatalogV1.Product {
        CatalogV1.Product(locationId: location, name: "Oil \(sku)", sku: sku, type: .physical, price: CatalogV1.Money(amountMinor: 1_200, currency: "GBP"))
    }

    static func package(slug: String, template: String) -> CatalogV1.ServicePackage {
        CatalogV1.ServicePackage(
            slug: slug, name: "Five \(slug)", items: [CatalogV1.PackageItem(serviceTemplateId: template, quantity: 5)],
            totalPrice: CatalogV1.Money(amountMinor: 22_000, currency: "GBP"), useWithinDays: 365)
    }

    static func program(slug: String, template: String) -> CatalogV1.ProgramTemplate {
        CatalogV1.ProgramTemplate(
            slug: slug, name: "Course \(slug)",
            sessions: [CatalogV1.ProgramSession(sequenceNumber: 1, name: "Week 1", serviceTemplateId: template, daysAfterStart: 0),
                       CatalogV1.ProgramSession(sequenceNumber: 2, name: "Week 2", serviceTemplateId: template, daysAfterStart: 7)],
            fullProgramPrice: CatalogV1.Money(amountMinor: 9_000, currency: "GBP"))
    }
}

/// One organization with locations A and B, a member in every role (the
/// manager and the provider scoped to A), another organization's owner, and
/// the catalog objects the rows aim at: a provider, a template and a
/// product at each location, an organization-wide template and product, a
/// package and a program. All catalog objects are made by the owner through
/// the API.
fileprivate struct AuthzWorld: Sendable {
    let h: IdentityHarness
    let organizationID: UUID
    let ownerToken: String
    let members: [Role: UUID]
    let otherOwner: UUID
    let locations: [CatalogAuthorizationMatrixTests.Site: String]
    let bookables: [CatalogAuthorizationMatrixTests.Site: String]
    let templates: [CatalogAuthorizationMatrixTests.Site: String]
    let products: [CatalogAuthorizationMatrixTests.Site: String]
    let package: String
    let program: String

    var organization: String { organizationID.lowercasedString }

    /// The location's id; empty for the organization (an organization-wide template or product).
    func location(_ site: CatalogAuthorizationMatrixTests.Site) -> String { locations[site] ?? "" }

    static func make(_ h: IdentityHarness) async throws -> AuthzWorld {
        let owner = try await h.user("Owner")
        let organization = try await h.organization(slug: "catalog", owner: owner.record.id)
        let org = organization.id.lowercasedString
        func create<Request: Encodable & Sendable, Response: Decodable & Sendable>(
            _ method: MethodDescriptor, _ request: Request, as: Response.Type
        ) async throws -> Response {
            try await h.call(method, request, token: owner.token)
        }
        var locations: [CatalogAuthorizationMatrixTests.Site: String] = [:]
        for site in [CatalogAuthorizationMatrixTests.Site.a, .b] {
            locations[site] = try await create(
                CatalogV1.Locations.create, CatalogV1.CreateLocationRequest(organizationId: org, location: AuthzBody.location(AuthzBody.unique("loc"))),
                as: CatalogV1.Location.self).id
        }
        let locationA = try #require(UUID(uuidString: locations[.a]!))
        var members: [Role: UUID] = [.owner: owner.record.id]
        for role in [Role.admin, .manager, .staff, .provider] {
            let person = try await h.user(role.rawValue.capitalized)
            let scope: MembershipScope = role == .manager || role == .provider ? .locations([locationA]) : .allLocations
            _ = try await h.fixtures.addMembership(organizationID: organization.id, userID: person.record.id, role: role, scope: scope)
            members[role] = person.record.id
        }
        let otherOwner = try await h.user("Other Owner")
        _ = try await h.organization(slug: "other", owner: otherOwner.record.id)

        var bookables: [CatalogAuthorizationMatrixTests.Site: String] = [:]
        var templates: [CatalogAuthorizationMatrixTests.Site: String] = [:]
        var products: [CatalogAuthorizationMatrixTests.Site: String] = [:]
        for site in [CatalogAuthorizationMatrixTests.Site.a, .b, .organization] {
            let location = locations[site] ?? ""
            if !location.isEmpty {
                bookables[site] = try await create(
                    CatalogV1.Bookables.create,
                    CatalogV1.CreateBookableRequest(organizationId: org, bookable: AuthzBody.provider(at: location, slug: AuthzBody.unique("pro"))),
                    as: CatalogV1.Bookable.self).id
            }
            templates[site] = try await create(
                CatalogV1.ServiceTemplates.create,
                CatalogV1.CreateServiceTemplateRequest(
                    organizationId: org, serviceTemplate: AuthzBody.template(at: location, slug: AuthzBody.unique("svc"), requiring: bookables[site])),
                as: CatalogV1.ServiceTemplate.self).id
            products[site] = try await create(
                CatalogV1.Products.create, CatalogV1.CreateProductRequest(organizationId: org, product: AuthzBody.product(at: location, sku: AuthzBody.unique("SKU"))),
                as: CatalogV1.Product.self).id
        }
        let package = try await create(
            CatalogV1.Packages.create,
            CatalogV1.CreatePackageRequest(organizationId: org, servicePackage: AuthzBody.package(slug: AuthzBody.unique("pkg"), template: templates[.organization]!)),
            as: CatalogV1.ServicePackage.self).id
        let program = try await create(
            CatalogV1.Programs.create,
            CatalogV1.CreateProgramRequest(organizationId: org, program: AuthzBody.program(slug: AuthzBody.unique("prog"), template: templates[.organization]!)),
            as: CatalogV1.ProgramTemplate.self).id
        return AuthzWorld(
            h: h, organizationID: organization.id, ownerToken: owner.token, members: members, otherOwner: otherOwner.record.id,
            locations: locations, bookables: bookables, templates: templates, products: products, package: package, program: program)
    }

    /// A fresh token for the caller (a new session, or a new admin service token).
    func token(_ caller: CatalogAuthorizationMatrixTests.Caller) async throws -> String? {
        switch caller {
        case .none: nil
        case .garbage: "bzs_not-a-token"
        case .otherOrganization: try await h.fixtures.openSession(userID: otherOwner)
        case .owner: try await h.fixtures.openSession(userID: members[.owner]!)
        case .admin: try await h.fixtures.openSession(userID: members[.admin]!)
        case .manager, .managerAtB: try await h.fixtures.openSession(userID: members[.manager]!)
        case .staff: try await h.fixtures.openSession(userID: members[.staff]!)
        case .provider: try await h.fixtures.openSession(userID: members[.provider]!)
        case .service:
            try await h.fixtures.issueServiceToken(organizationID: organizationID, name: AuthzBody.unique("svc"), role: .admin).1
        }
    }

    // MARK: Fresh objects, made by the owner, for the cells that consume one

    private func make<Request: Encodable & Sendable, Response: Decodable & Sendable>(
        _ method: MethodDescriptor, _ request: Request, as: Response.Type
    ) async throws -> Response {
        try await h.call(method, request, token: ownerToken)
    }

    func freshLocation() async throws -> String {
        try await make(
            CatalogV1.Locations.create, CatalogV1.CreateLocationRequest(organizationId: organization, location: AuthzBody.location(AuthzBody.unique("loc"))),
            as: CatalogV1.Location.self).id
    }

    func freshBookable(at site: CatalogAuthorizationMatrixTests.Site) async throws -> String {
        try await make(
            CatalogV1.Bookables.create,
            CatalogV1.CreateBookableRequest(organizationId: organization, bookable: AuthzBody.provider(at: location(site), slug: AuthzBody.unique("pro"))),
            as: CatalogV1.Bookable.self).id
    }

    func freshTemplate(at site: CatalogAuthorizationMatrixTests.Site, requiring bookable: String? = nil) async throws -> String {
        try await make(
            CatalogV1.ServiceTemplates.create,
            CatalogV1.CreateServiceTemplateRequest(
                organizationId: organization, serviceTemplate: AuthzBody.template(at: location(site), slug: AuthzBody.unique("svc"), requiring: bookable)),
            as: CatalogV1.ServiceTemplate.self).id
    }

    func freshProduct(at site: CatalogAuthorizationMatrixTests.Site) async throws -> String {
        try await make(
            CatalogV1.Products.create,
            CatalogV1.CreateProductRequest(organizationId: organization, product: AuthzBody.product(at: location(site), sku: AuthzBody.unique("SKU"))),
            as: CatalogV1.Product.self).id
    }

    func freshPackage() async throws -> String {
        try await make(
            CatalogV1.Packages.create,
            CatalogV1.CreatePackageRequest(organizationId: organization, servicePackage: AuthzBody.package(slug: AuthzBody.unique("pkg"), template: templates[.organization]!)),
            as: CatalogV1.ServicePackage.self).id
    }

    func freshProgram() async throws -> String {
        try await make(
            CatalogV1.Programs.create,
            CatalogV1.CreateProgramRequest(organizationId: organization, program: AuthzBody.program(slug: AuthzBody.unique("prog"), template: templates[.organization]!)),
            as: CatalogV1.ProgramTemplate.self).id
    }

    // MARK: The database

    static let catalogTables = ["locations", "bookables", "calendars", "service_templates", "products", "service_packages", "program_templates"]

    /// Every row of every catalog table, read from the SQLite file on the
    /// fixtures' connection, each value exactly (blobs as hex).
    func snapshot() async throws -> [String] {
        try await h.fixtures.store.read { db in
            var rows: [String] = []
            for table in Self.catalogTables {
                for row in try GRDB.Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY id") {
                    rows.append(table + ": " + row.databaseValues.map(\.exactText).joined(separator: " | "))
                }
            }
            return rows
        }
    }

}
