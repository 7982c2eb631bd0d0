import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB
import Identity
import NIOCore
import Testing

/// Two organizations, each with two locations, a bookable of every kind
/// (provider, asset, venue, company provider), a template at a location and
/// one offered everywhere, a product of each, a package and a program, all
/// made by their owners through the API. Organization 1's credentials (its
/// owner's and its admin's sessions and an admin service token) never reach
/// organization 2's catalog:
///
/// - every call naming one of 2's objects answers NOT_FOUND, never
///   PERMISSION_DENIED and never data, whether it names 2's organization_id
///   or 1's own with 2's object ids;
/// - 1's lists and gets never carry any of 2's ids, slugs or names, even
///   when filtered by one of 2's locations;
/// - a reference from 1's catalog to 2's objects is INVALID_ARGUMENT naming
///   the field;
/// - and 2's catalog rows in the SQLite file are byte for byte what they were.
///
/// One cell is a known issue (a bug in Sources/, not fixed here): see
/// `aBookableCannotTakeTheOtherOrganizationsCalendar`.
@Suite struct CatalogTenantIsolationTests {
    // MARK: - Tests

    /// Gets, updates, deletes, status changes and config of 2's objects, and
    /// (under 2's organization_id) its lists and creates.
    @Test(arguments: [false, true])
    func callsNamingTheOtherOrganizationsObjectsAreNotFound(underOwnOrganization: Bool) async throws {
        try await Self.withWorld { h, one, two in
            let before = try await Self.snapshot(h, two)
            let calls = Self.attacks(on: two, organization: underOwnOrganization ? one.organization : two.organization)
            #expect(calls.count >= 40)
            var mismatches: [String] = []
            for (name, credential) in one.credentials {
                for (label, method, request) in calls {
                    switch try await Self.answer(h, method, request, token: credential) {
                    case .success(let bytes):
                        mismatches.append("\(name) \(label): answered OK with \(bytes.count) bytes")
                    case .failure(let status):
                        if status.code != .notFound {
                            mismatches.append("\(name) \(label): \(status), expected NOT_FOUND")
                        }
                        if !status.details.fieldViolations.isEmpty || !status.details.reason.isEmpty {
                            mismatches.append("\(name) \(label): the refusal carries details \(status.details)")
                        }
                        // The message may echo the ids the call named; never the other's names or slugs.
                        for word in two.names where status.message.contains(word) {
                            mismatches.append("\(name) \(label): the message names \(word) of the other organization")
                        }
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
            #expect(try await Self.snapshot(h, two) == before, "organization 2's catalog rows changed")
        }
    }

    /// 1's lists (plain and filtered by 2's locations) and gets show 1's objects and nothing of 2's.
    @Test func listsAndGetsNeverCarryTheOtherOrganizationsObjects() async throws {
        try await Self.withWorld { h, one, two in
            let before = try await Self.snapshot(h, two)
            var mismatches: [String] = []
            for (name, credential) in one.credentials {
                for reading in Self.readings(of: one, filteringBy: two) {
                    switch try await Self.answer(h, reading.method, reading.request, token: credential) {
                    case .failure(let status):
                        mismatches.append("\(name) \(reading.label): \(status), expected OK")
                    case .success(let bytes):
                        let text = String(decoding: bytes, as: UTF8.self)
                        for word in two.words where text.contains(word) {
                            mismatches.append("\(name) \(reading.label): the answer carries \(word) of the other organization")
                        }
                        if let expected = reading.expectedIDs {
                            let found = try reading.decode(bytes)
                            if Set(found.map(\.0)) != expected || found.count != expected.count {
                                mismatches.append("\(name) \(reading.label): got \(found.map(\.0).sorted()), expected \(expected.sorted())")
                            }
                            if found.contains(where: { $0.1 != one.organization }) {
                                mismatches.append("\(name) \(reading.label): an object of another organization")
                            }
                        }
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
            #expect(try await Self.snapshot(h, two) == before, "organization 2's catalog rows changed")
        }
    }

    /// 1's objects may not name 2's: created or changed to, each is INVALID_ARGUMENT naming exactly the field.
    @Test func referencesToTheOtherOrganizationAreInvalid() async throws {
        try await Self.withWorld { h, one, two in
            let (beforeOne, beforeTwo) = (try await Self.snapshot(h, one), try await Self.snapshot(h, two))
            let references = Self.references(from: one, to: two)
            #expect(references.count >= 15)
            var mismatches: [String] = []
            for (name, credential) in one.credentials {
                for reference in references {
                    switch try await Self.answer(h, reference.method, reference.request, token: credential) {
                    case .success:
                        mismatches.append("\(name) \(reference.label): answered OK")
                    case .failure(let status):
                        let fields = status.details.fieldViolations.map(\.field)
                        if status.code != .invalidArgument || fields != [reference.field] {
                            mismatches.append("\(name) \(reference.label): \(status.code) \(fields), expected INVALID_ARGUMENT [\(reference.field)]")
                        }
                        for word in two.names where status.message.contains(word) {
                            mismatches.append("\(name) \(reference.label): the message names \(word) of the other organization")
                        }
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
            #expect(try await Self.snapshot(h, one) == beforeOne, "a refused call changed organization 1's catalog rows")
            #expect(try await Self.snapshot(h, two) == beforeTwo, "organization 2's catalog rows changed")
        }
    }

    /// `calendar_id` is output only ("created with the bookable"): a bookable
    /// of 1 that names 2's calendar must not get it, and the answer must not
    /// tell that the id exists (an INTERNAL where a made-up id succeeds).
    @Test func aBookableCannotTakeTheOtherOrganizationsCalendar() async throws {
        try await Self.withWorld { h, one, two in
            let provider = two.provider
            let calendar = try await h.fixtures.store.read { db in
                try String.fetchOne(db, sql: "SELECT id FROM calendars WHERE bookable_id = ?", arguments: [provider])
            }
            let taken = try #require(calendar)
            let before = try await Self.snapshot(h, two)
            for (name, credential) in one.credentials {
                var venue = IsolationBody.venue(at: one.locations[0], slug: IsolationBody.unique("venue"))
                venue.calendarId = taken
                let answer = try await Self.answer(
                    h, CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: one.organization, bookable: venue), token: credential)
                // The field is output only: the server ignores it and makes a fresh calendar.
                switch answer {
                case .success(let bytes):
                    let created = try ProtobufDecoder().decode(CatalogV1.Bookable.self, from: bytes)
                    #expect(created.calendarId != taken, "\(name): the new bookable took organization 2's calendar")
                case .failure(let status):
                    #expect(status.code == .invalidArgument && status.details.fieldViolations.map(\.field) == ["bookable.calendar_id"],
                            "\(name): \(status)")
                }
            }
            #expect(try await Self.snapshot(h, two) == before, "organization 2's catalog rows changed")
        }
    }

    // MARK: - The calls

    typealias Call = (label: String, method: MethodDescriptor, request: any Encodable & Sendable)

    /// Every call naming one of `victim`'s objects, under `organization`
    /// (the victim's own id, or the attacker's); under the victim's id also
    /// its lists and creates (valid bodies naming its own objects).
    fileprivate static func attacks(on victim: IsolationTenant, organization: String) -> [Call] {
        let reason = "taken over"
        var calls: [Call] = []
        for location in victim.locations {
            calls += [
                ("Locations.Get \(location)", CatalogV1.Locations.get, CatalogV1.GetLocationRequest(organizationId: organization, locationId: location)),
                ("Locations.Update \(location)", CatalogV1.Locations.update, CatalogV1.UpdateLocationRequest(
                    organizationId: organization, location: CatalogV1.Location(id: location, name: "Taken over"), updateMask: ["name"])),
                ("Locations.Delete \(location)", CatalogV1.Locations.delete,
                 CatalogV1.DeleteLocationRequest(organizationId: organization, locationId: location, reason: reason)),
                ("Locations.ResolveConfig \(location)", CatalogV1.Locations.resolveConfig,
                 CatalogV1.ResolveConfigRequest(organizationId: organization, locationId: location)),
            ]
        }
        for bookable in victim.bookables {
            calls += [
                ("Bookables.Get \(bookable)", CatalogV1.Bookables.get, CatalogV1.GetBookableRequest(organizationId: organization, bookableId: bookable)),
                ("Bookables.Update \(bookable)", CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(
                    organizationId: organization, bookable: CatalogV1.Bookable(id: bookable, name: "Taken over"), updateMask: ["name"])),
                ("Bookables.Delete \(bookable)", CatalogV1.Bookables.delete,
                 CatalogV1.DeleteBookableRequest(organizationId: organization, bookableId: bookable, reason: reason)),
            ]
        }
        for template in victim.templates {
            calls += [
                ("ServiceTemplates.Get \(template)", CatalogV1.ServiceTemplates.get,
                 CatalogV1.GetServiceTemplateRequest(organizationId: organization, serviceTemplateId: template)),
                ("ServiceTemplates.Update \(template)", CatalogV1.ServiceTemplates.update, CatalogV1.UpdateServiceTemplateRequest(
                    organizationId: organization, serviceTemplate: CatalogV1.ServiceTemplate(id: template, name: "Taken over"), updateMask: ["name"])),
                ("ServiceTemplates.Delete \(template)", CatalogV1.ServiceTemplates.delete,
                 CatalogV1.DeleteServiceTemplateRequest(organizationId: organization, serviceTemplateId: template, reason: reason)),
                ("ServiceTemplates.ChangeStatus \(template)", CatalogV1.ServiceTemplates.changeStatus,
                 CatalogV1.ChangeServiceTemplateStatusRequest(organizationId: organization, serviceTemplateId: template, status: .archived)),
            ]
        }
        for product in victim.products {
            calls += [
                ("Products.Get \(product)", CatalogV1.Products.get, CatalogV1.GetProductRequest(organizationId: organization, productId: product)),
                ("Products.Update \(product)", CatalogV1.Products.update, CatalogV1.UpdateProductRequest(
                    organizationId: organization, product: CatalogV1.Product(id: product, name: "Taken over"), updateMask: ["name"])),
                ("Products.Delete \(product)", CatalogV1.Products.delete,
                 CatalogV1.DeleteProductRequest(organizationId: organization, productId: product, reason: reason)),
            ]
        }
        calls += [
            ("Packages.Get", CatalogV1.Packages.get, CatalogV1.GetPackageRequest(organizationId: organization, packageId: victim.package)),
            ("Packages.Update", CatalogV1.Packages.update, CatalogV1.UpdatePackageRequest(
                organizationId: organization, servicePackage: CatalogV1.ServicePackage(id: victim.package, name: "Taken over"), updateMask: ["name"])),
            ("Packages.Delete", CatalogV1.Packages.delete, CatalogV1.DeletePackageRequest(organizationId: organization, packageId: victim.package, reason: reason)),
            ("Programs.Get", CatalogV1.Programs.get, CatalogV1.GetProgramRequest(organizationId: organization, programId: victim.program)),
            ("Programs.Update", CatalogV1.Programs.update, CatalogV1.UpdateProgramRequest(
                organizationId: organization, program: CatalogV1.ProgramTemplate(id: victim.program, name: "Taken over"), updateMask: ["name"])),
            ("Programs.Delete", CatalogV1.Programs.delete, CatalogV1.DeleteProgramRequest(organizationId: organization, programId: victim.program, reason: reason)),
        ]
        guard organization == victim.organization else { return calls }
        let (l1, l2) = (victim.locations[0], victim.locations[1])
        calls += [
            ("Locations.List", CatalogV1.Locations.list, CatalogV1.ListLocationsRequest(organizationId: organization, pageSize: 200)),
            ("Bookables.List", CatalogV1.Bookables.list, CatalogV1.ListBookablesRequest(organizationId: organization, pageSize: 200)),
            ("Bookables.List at \(l1)", CatalogV1.Bookables.list, CatalogV1.ListBookablesRequest(organizationId: organization, locationId: l1)),
            ("ServiceTemplates.List", CatalogV1.ServiceTemplates.list, CatalogV1.ListServiceTemplatesRequest(organizationId: organization, pageSize: 200)),
            ("Products.List", CatalogV1.Products.list, CatalogV1.ListProductsRequest(organizationId: organization, pageSize: 200)),
            ("Packages.List", CatalogV1.Packages.list, CatalogV1.ListPackagesRequest(organizationId: organization, pageSize: 200)),
            ("Programs.List", CatalogV1.Programs.list, CatalogV1.ListProgramsRequest(organizationId: organization, pageSize: 200)),
            ("Locations.Create", CatalogV1.Locations.create,
             CatalogV1.CreateLocationRequest(organizationId: organization, location: IsolationBody.location(IsolationBody.unique("intruder"), virtual: false))),
            ("Bookables.Create", CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(
                organizationId: organization, bookable: IsolationBody.provider(at: l1, slug: IsolationBody.unique("intruder"), locations: [l1, l2]))),
            ("ServiceTemplates.Create", CatalogV1.ServiceTemplates.create, CatalogV1.CreateServiceTemplateRequest(
                organizationId: organization,
                serviceTemplate: IsolationBody.template(at: l1, slug: IsolationBody.unique("intruder"), requiring: victim.provider))),
            ("Products.Create", CatalogV1.Products.create,
             CatalogV1.CreateProductRequest(organizationId: organization, product: IsolationBody.product(at: l1, sku: IsolationBody.unique("intruder")))),
            ("Packages.Create", CatalogV1.Packages.create, CatalogV1.CreatePackageRequest(
                organizationId: organization, servicePackage: IsolationBody.package(slug: IsolationBody.unique("intruder"), templates: victim.templates))),
            ("Programs.Create", CatalogV1.Programs.create, CatalogV1.CreateProgramRequest(
                organizationId: organization, program: IsolationBody.program(slug: IsolationBody.unique("intruder"), template: victim.templateEverywhere))),
        ]
        return calls
    }

    fileprivate struct Reading {
        let label: String
        let method: MethodDescriptor
        let request: any Encodable & Sendable
        /// The ids the answer must hold exactly (nil: only the leak check).
        let expectedIDs: Set<String>?
        let decode: @Sendable ([UInt8]) throws -> [(String, String)]

        init<Response: Decodable & Sendable>(
            _ label: String, _ method: MethodDescriptor, _ request: any Encodable & Sendable, expecting expectedIDs: Set<String>?,
            _ type: Response.Type, _ objects: @escaping @Sendable (Response) -> [(String, String)]
        ) {
            self.label = label
            self.method = method
            self.request = request
            self.expectedIDs = expectedIDs
            self.decode = { bytes in objects(try ProtobufDecoder().decode(Response.self, from: bytes)) }
        }
    }

    /// `own`'s lists (plain and filtered by `other`'s locations), and a get of each of its objects.
    fileprivate static func readings(of own: IsolationTenant, filteringBy other: IsolationTenant) -> [Reading] {
        let org = own.organization
        let foreign = other.locations[0]
        var readings: [Reading] = [
            Reading("Locations.List", CatalogV1.Locations.list, CatalogV1.ListLocationsRequest(organizationId: org, pageSize: 200),
                    expecting: Set(own.locations), CatalogV1.ListLocationsResponse.self) { $0.locations.map { ($0.id, $0.organizationId) } },
            Reading("Bookables.List", CatalogV1.Bookables.list, CatalogV1.ListBookablesRequest(organizationId: org, pageSize: 200),
                    expecting: Set(own.bookables), CatalogV1.ListBookablesResponse.self) { $0.bookables.map { ($0.id, $0.organizationId) } },
            Reading("Bookables.List at 2's location", CatalogV1.Bookables.list,
                    CatalogV1.ListBookablesRequest(organizationId: org, pageSize: 200, locationId: foreign),
                    expecting: [], CatalogV1.ListBookablesResponse.self) { $0.bookables.map { ($0.id, $0.organizationId) } },
            Reading("ServiceTemplates.List", CatalogV1.ServiceTemplates.list, CatalogV1.ListServiceTemplatesRequest(organizationId: org, pageSize: 200),
                    expecting: Set(own.templates), CatalogV1.ListServiceTemplatesResponse.self) { $0.serviceTemplates.map { ($0.id, $0.organizationId) } },
            // Filtered by a location: also the templates and products offered everywhere (1's own).
            Reading("ServiceTemplates.List at 2's location", CatalogV1.ServiceTemplates.list,
                    CatalogV1.ListServiceTemplatesRequest(organizationId: org, pageSize: 200, locationId: foreign),
                    expecting: [own.templateEverywhere], CatalogV1.ListServiceTemplatesResponse.self) { $0.serviceTemplates.map { ($0.id, $0.organizationId) } },
            Reading("Products.List", CatalogV1.Products.list, CatalogV1.ListProductsRequest(organizationId: org, pageSize: 200),
                    expecting: Set(own.products), CatalogV1.ListProductsResponse.self) { $0.products.map { ($0.id, $0.organizationId) } },
            Reading("Products.List at 2's location", CatalogV1.Products.list,
                    CatalogV1.ListProductsRequest(organizationId: org, pageSize: 200, locationId: foreign),
                    expecting: [own.productEverywhere], CatalogV1.ListProductsResponse.self) { $0.products.map { ($0.id, $0.organizationId) } },
            Reading("Packages.List", CatalogV1.Packages.list, CatalogV1.ListPackagesRequest(organizationId: org, pageSize: 200),
                    expecting: [own.package], CatalogV1.ListPackagesResponse.self) { $0.packages.map { ($0.id, $0.organizationId) } },
            Reading("Programs.List", CatalogV1.Programs.list, CatalogV1.ListProgramsRequest(organizationId: org, pageSize: 200),
                    expecting: [own.program], CatalogV1.ListProgramsResponse.self) { $0.programs.map { ($0.id, $0.organizationId) } },
            Reading("Packages.Get", CatalogV1.Packages.get, CatalogV1.GetPackageRequest(organizationId: org, packageId: own.package),
                    expecting: [own.package], CatalogV1.ServicePackage.self) { [($0.id, $0.organizationId)] },
            Reading("Programs.Get", CatalogV1.Programs.get, CatalogV1.GetProgramRequest(organizationId: org, programId: own.program),
                    expecting: [own.program], CatalogV1.ProgramTemplate.self) { [($0.id, $0.organizationId)] },
        ]
        for location in own.locations {
            readings.append(Reading("Locations.Get", CatalogV1.Locations.get, CatalogV1.GetLocationRequest(organizationId: org, locationId: location),
                                    expecting: [location], CatalogV1.Location.self) { [($0.id, $0.organizationId)] })
            readings.append(Reading("Locations.ResolveConfig", CatalogV1.Locations.resolveConfig,
                                    CatalogV1.ResolveConfigRequest(organizationId: org, locationId: location),
                                    expecting: nil, CatalogV1.ResolvedConfig.self) { _ in [] })
        }
        for bookable in own.bookables {
            readings.append(Reading("Bookables.Get", CatalogV1.Bookables.get, CatalogV1.GetBookableRequest(organizationId: org, bookableId: bookable),
                                    expecting: [bookable], CatalogV1.Bookable.self) { [($0.id, $0.organizationId)] })
        }
        for template in own.templates {
            readings.append(Reading("ServiceTemplates.Get", CatalogV1.ServiceTemplates.get,
                                    CatalogV1.GetServiceTemplateRequest(organizationId: org, serviceTemplateId: template),
                                    expecting: [template], CatalogV1.ServiceTemplate.self) { [($0.id, $0.organizationId)] })
        }
        for product in own.products {
            readings.append(Reading("Products.Get", CatalogV1.Products.get, CatalogV1.GetProductRequest(organizationId: org, productId: product),
                                    expecting: [product], CatalogV1.Product.self) { [($0.id, $0.organizationId)] })
        }
        return readings
    }

    fileprivate struct Reference {
        let label: String
        let method: MethodDescriptor
        let request: any Encodable & Sendable
        /// The one violation's path.
        let field: String
    }

    /// Creates in `own` and updates of `own`'s objects, each naming exactly one of `other`'s objects.
    fileprivate static func references(from own: IsolationTenant, to other: IsolationTenant) -> [Reference] {
        let org = own.organization
        let (l1, foreignL1, foreignL2) = (own.locations[0], other.locations[0], other.locations[1])
        func slug() -> String { IsolationBody.unique("ref") }
        var template = IsolationBody.template(at: l1, slug: slug(), requiring: own.provider)
        template.optionalBookables = [CatalogV1.BookableRequirement(kind: .asset, bookableId: other.asset)]
        var including = IsolationBody.template(at: "", slug: slug())
        including.includedProducts = [CatalogV1.IncludedProduct(productId: other.productEverywhere, quantity: 1)]
        var venueThere = IsolationBody.venue(at: foreignL2, slug: slug())
        venueThere.description = "a venue at another organization's location"
        var employee = IsolationBody.provider(at: l1, slug: slug(), locations: [l1])
        employee.provider?.userId = other.ownerID.lowercasedString
        var restricted = IsolationBody.package(slug: slug(), templates: [own.templateEverywhere])
        restricted.items[0].allowedLocationIds = [foreignL1]
        return [
            // Creates
            Reference(label: "a template requiring 2's provider", method: CatalogV1.ServiceTemplates.create,
                      request: CatalogV1.CreateServiceTemplateRequest(
                        organizationId: org, serviceTemplate: IsolationBody.template(at: l1, slug: slug(), requiring: other.provider)),
                      field: "service_template.required_bookables[0].bookable_id"),
            Reference(label: "a template with 2's asset as optional", method: CatalogV1.ServiceTemplates.create,
                      request: CatalogV1.CreateServiceTemplateRequest(organizationId: org, serviceTemplate: template),
                      field: "service_template.optional_bookables[0].bookable_id"),
            Reference(label: "a template including 2's product", method: CatalogV1.ServiceTemplates.create,
                      request: CatalogV1.CreateServiceTemplateRequest(organizationId: org, serviceTemplate: including),
                      field: "service_template.included_products[0].product_id"),
            Reference(label: "a template at 2's location", method: CatalogV1.ServiceTemplates.create,
                      request: CatalogV1.CreateServiceTemplateRequest(organizationId: org, serviceTemplate: IsolationBody.template(at: foreignL1, slug: slug())),
                      field: "service_template.location_id"),
            Reference(label: "a provider working at 2's location", method: CatalogV1.Bookables.create,
                      request: CatalogV1.CreateBookableRequest(
                        organizationId: org, bookable: IsolationBody.provider(at: l1, slug: slug(), locations: [l1, foreignL1])),
                      field: "bookable.provider.location_ids[1]"),
            Reference(label: "a venue at 2's location", method: CatalogV1.Bookables.create,
                      request: CatalogV1.CreateBookableRequest(organizationId: org, bookable: venueThere),
                      field: "bookable.location_id"),
            Reference(label: "a provider who is 2's owner, not 1's member", method: CatalogV1.Bookables.create,
                      request: CatalogV1.CreateBookableRequest(organizationId: org, bookable: employee),
                      field: "bookable.provider.user_id"),
            Reference(label: "a product at 2's location", method: CatalogV1.Products.create,
                      request: CatalogV1.CreateProductRequest(organizationId: org, product: IsolationBody.product(at: foreignL1, sku: IsolationBody.unique("REF"))),
                      field: "product.location_id"),
            Reference(label: "a package of 2's template", method: CatalogV1.Packages.create,
                      request: CatalogV1.CreatePackageRequest(
                        organizationId: org, servicePackage: IsolationBody.package(slug: slug(), templates: [other.templateEverywhere])),
                      field: "service_package.items[0].service_template_id"),
            Reference(label: "a package item usable at 2's location", method: CatalogV1.Packages.create,
                      request: CatalogV1.CreatePackageRequest(organizationId: org, servicePackage: restricted),
                      field: "service_package.items[0].allowed_location_ids[0]"),
            Reference(label: "a program of 2's template", method: CatalogV1.Programs.create,
                      request: CatalogV1.CreateProgramRequest(
                        organizationId: org, program: IsolationBody.program(slug: slug(), template: other.templateEverywhere)),
                      field: "program.sessions[0].service_template_id"),
            // Updates of 1's own objects
            Reference(label: "1's asset moved to 2's location", method: CatalogV1.Bookables.update,
                      request: CatalogV1.UpdateBookableRequest(
                        organizationId: org, bookable: CatalogV1.Bookable(id: own.asset, locationId: foreignL1), updateMask: ["location_id"]),
                      field: "bookable.location_id"),
            Reference(label: "1's provider given 2's location to work at", method: CatalogV1.Bookables.update,
                      request: CatalogV1.UpdateBookableRequest(
                        organizationId: org,
                        bookable: CatalogV1.Bookable(id: own.provider, provider: CatalogV1.ProviderDetails(email: "moved@example.com", locationIds: [l1, foreignL2])),
                        updateMask: ["provider"]),
                      field: "bookable.provider.location_ids[1]"),
            Reference(label: "1's template now requiring 2's provider", method: CatalogV1.ServiceTemplates.update,
                      request: CatalogV1.UpdateServiceTemplateRequest(
                        organizationId: org,
                        serviceTemplate: CatalogV1.ServiceTemplate(
                            id: own.templateAtLocation, requiredBookables: [CatalogV1.BookableRequirement(kind: .provider, bookableId: other.provider)]),
                        updateMask: ["required_bookables"]),
                      field: "service_template.required_bookables[0].bookable_id"),
            Reference(label: "1's template moved to 2's location", method: CatalogV1.ServiceTemplates.update,
                      request: CatalogV1.UpdateServiceTemplateRequest(
                        organizationId: org, serviceTemplate: CatalogV1.ServiceTemplate(id: own.templateEverywhere, locationId: foreignL1),
                        updateMask: ["location_id"]),
                      field: "service_template.location_id"),
            Reference(label: "1's product moved to 2's location", method: CatalogV1.Products.update,
                      request: CatalogV1.UpdateProductRequest(
                        organizationId: org, product: CatalogV1.Product(id: own.productAtLocation, locationId: foreignL2), updateMask: ["location_id"]),
                      field: "product.location_id"),
            Reference(label: "1's package now of 2's template", method: CatalogV1.Packages.update,
                      request: CatalogV1.UpdatePackageRequest(
                        organizationId: org,
                        servicePackage: CatalogV1.ServicePackage(id: own.package, items: [CatalogV1.PackageItem(serviceTemplateId: other.templateAtLocation, quantity: 1)]),
                        updateMask: ["items"]),
                      field: "service_package.items[0].service_template_id"),
            Reference(label: "1's program now of 2's template", method: CatalogV1.Programs.update,
                      request: CatalogV1.UpdateProgramRequest(
                        organizationId: org,
                        program: CatalogV1.ProgramTemplate(
                            id: own.program,
                            sessions: [CatalogV1.ProgramSession(sequenceNumber: 1, name: "Borrowed", serviceTemplateId: other.templateAtLocation)]),
                        updateMask: ["sessions"]),
                      field: "program.sessions[0].service_template_id"),
        ]
    }

    // MARK: - Support

    /// A fresh server with two tenants, stopped whether or not the body throws.
    fileprivate static func withWorld(_ body: (IdentityHarness, IsolationTenant, IsolationTenant) async throws -> Void) async throws {
        let h = try await IdentityHarness.start()
        do {
            let one = try await IsolationTenant.make(h, "alpha")
            let two = try await IsolationTenant.make(h, "bravo")
            try await body(h, one, two)
        } catch {
            try? await h.stop()
            throw error
        }
        try await h.stop()
    }

    /// The call's answer bytes, or the status it failed with.
    static func answer(_ h: IdentityHarness, _ method: MethodDescriptor, _ request: any Encodable & Sendable, token: String) async throws
        -> Result<[UInt8], RPCStatus>
    {
        var buffer = ByteBuffer()
        try ProtobufEncoder().encode(request, into: &buffer)
        do {
            let answer = try await h.client.unary(method.fullName, request: buffer, metadata: IdentityHarness.metadata(token))
            return .success(Array(answer.readableBytesView))
        } catch let status as RPCStatus {
            return .failure(status)
        }
    }

    static let catalogTables = ["locations", "bookables", "calendars", "service_templates", "products", "service_packages", "program_templates"]

    /// Every row of `tenant` in every catalog table, read from the SQLite
    /// file on the fixtures' connection, each value exactly (blobs as hex).
    fileprivate static func snapshot(_ h: IdentityHarness, _ tenant: IsolationTenant) async throws -> [String] {
        let organization = tenant.organization
        let rows = try await h.fixtures.store.read { db in
            var rows: [String] = []
            for table in Self.catalogTables {
                for row in try GRDB.Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE organization_id = ? ORDER BY id", arguments: [organization]) {
                    rows.append(table + ": " + zip(row.columnNames, row.databaseValues).map { "\($0)=\($1.exactText)" }.joined(separator: " | "))
                }
            }
            return rows
        }
        // 2 locations, 4 bookables and their 4 calendars, 2 templates, 2 products, a package, a program.
        #expect(rows.count >= 16, "the snapshot missed rows of \(organization)")
        return rows
    }

}

// MARK: - Fixtures

/// Valid request bodies (the fixture organizations' currency is GBP).
fileprivate enum IsolationBody {
    static func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    static func location(_ slug: String, virtual: Bool) -> CatalogV1.Location {
        virtual
            ? CatalogV1.Location(slug: slug, name: "Place \(slug)", type: .virtual, timeZone: "Europe/London")
            : CatalogV1.Location(
                slug: slug, name: "Place \(slug)", type: .physical,
                address: CatalogV1.Address(street: "2 Market Square", city: "Leeds", country: "GB"), timeZone: "Europe/London")
    }

    static func provider(at location: String, slug: String, locations: [String]) -> CatalogV1.Bookable {
        CatalogV1.Bookable(
            locationId: location, kind: .provider, name: "Provider \(slug)", slug: slug,
            provider: CatalogV1.ProviderDetails(email: "\(slug)@example.com", locationIds: locations))
    }

    static func venue(at location: String, slug: String) -> CatalogV1.Bookable {
        CatalogV1.Bookable(locationId: location, kind: .venue, name: "Studio \(slug)", slug: slug, venue: CatalogV1.VenueDetails(capacityMax: 12))
    }

    static func template(at location: String, slug: String, requiring bookable: String? = nil) -> CatalogV1.ServiceTemplate {
        CatalogV1.ServiceTemplate(
            locationId: location, name: "Service \(slug)", slug: slug, type: .appointment,
            duration: CatalogV1.ServiceDuration(type: .fixed, fixedMinutes: 45),
            requiredBookables: bookable.map { [CatalogV1.BookableRequirement(kind: .provider, bookableId: $0)] } ?? [],
            pricing: CatalogV1.Pricing(basePrice: CatalogV1.Money(amountMinor: 4_500, currency: "GBP")))
    }

    static func product(at location: String, sku: String) -> CatalogV1.Product {
        CatalogV1.Product(locationId: location, name: "Balm \(sku)", sku: sku, type: .physical, price: CatalogV1.Money(amountMinor: 900, currency: "GBP"))
    }

    static func package(slug: String, templates: [String]) -> CatalogV1.ServicePackage {
        CatalogV1.ServicePackage(
            slug: slug, name: "Bundle \(slug)", items: templates.map { CatalogV1.PackageItem(serviceTemplateId: $0, quantity: 2) },
            totalPrice: CatalogV1.Money(amountMinor: 15_000, currency: "GBP"), useWithinDays: 180)
    }

    static func program(slug: String, template: String) -> CatalogV1.ProgramTemplate {
        CatalogV1.ProgramTemplate(
            slug: slug, name: "Course \(slug)",
            sessions: [CatalogV1.ProgramSession(sequenceNumber: 1, name: "Session 1", serviceTemplateId: template, daysAfterStart: 0)],
            fullProgramPrice: CatalogV1.Money(amountMinor: 8_000, currency: "GBP"))
    }
}

/// An organization and its catalog, made by its owner through the API, and
/// the credentials that act for it: the owner's and an admin's sessions and
/// an admin service token.
fileprivate struct IsolationTenant: Sendable {
    let organization: String
    let ownerID: UUID
    let credentials: [(name: String, token: String)]
    /// A physical and a virtual location.
    let locations: [String]
    let provider: String, asset: String, venue: String, companyProvider: String
    let templateAtLocation: String, templateEverywhere: String
    let productAtLocation: String, productEverywhere: String
    let package: String, program: String
    /// The slugs, SKUs and names of its objects.
    let names: [String]

    var bookables: [String] { [provider, asset, venue, companyProvider] }
    var templates: [String] { [templateAtLocation, templateEverywhere] }
    var products: [String] { [productAtLocation, productEverywhere] }
    var ids: [String] { [organization] + locations + bookables + templates + products + [package, program] }
    /// What no answer to the other organization may contain.
    var words: [String] { ids + names }

    static func make(_ h: IdentityHarness, _ name: String) async throws -> IsolationTenant {
        let owner = try await h.user("\(name.capitalized) Owner")
        let record = try await h.organization(slug: name, owner: owner.record.id)
        let org = record.id.lowercasedString
        let admin = try await h.user("\(name.capitalized) Admin")
        _ = try await h.fixtures.addMembership(organizationID: record.id, userID: admin.record.id, role: .admin)
        let (_, service) = try await h.fixtures.issueServiceToken(organizationID: record.id, name: "\(name) exporter", role: .admin)
        let technician = try await h.user("\(name.capitalized) Technician")
        let company = try await h.fixtures.createHousehold(
            name: "\(name.capitalized) Plumbing", kind: .company, primary: owner.record.id,
            members: [HouseholdMemberRecord.new(userID: technician.record.id, role: .adult)])

        var names: [String] = []
        func slug(_ what: String) -> String {
            let slug = IsolationBody.unique("\(name)-\(what)")
            names.append(slug)
            return slug
        }
        func create<Request: Encodable & Sendable, Response: Decodable & Sendable>(
            _ method: MethodDescriptor, _ request: Request, as: Response.Type
        ) async throws -> Response {
            try await h.call(method, request, token: owner.token)
        }

        var locations: [String] = []
        for virtual in [false, true] {
            let location = IsolationBody.location(slug("loc"), virtual: virtual)
            names.append(location.name)
            locations.append(try await create(
                CatalogV1.Locations.create, CatalogV1.CreateLocationRequest(organizationId: org, location: location), as: CatalogV1.Location.self).id)
        }
        let (l1, l2) = (locations[0], locations[1])
        func bookable(_ bookable: CatalogV1.Bookable) async throws -> String {
            names.append(bookable.name)
            return try await create(CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org, bookable: bookable), as: CatalogV1.Bookable.self).id
        }
        var provider = IsolationBody.provider(at: l1, slug: slug("provider"), locations: [l1, l2])
        provider.provider?.userId = admin.record.id.lowercasedString
        let providerID = try await bookable(provider)
        let assetID = try await bookable(CatalogV1.Bookable(
            locationId: l1, kind: .asset, name: "Kiln \(slug("asset"))", slug: names.last!, asset: CatalogV1.AssetDetails(assetType: .equipment, serialNumber: "SN-1")))
        let venueID = try await bookable(IsolationBody.venue(at: l2, slug: slug("venue")))
        let companyID = try await bookable(CatalogV1.Bookable(
            locationId: l2, kind: .companyProvider, name: "Plumbers \(slug("company"))", slug: names.last!,
            companyProvider: CatalogV1.CompanyProviderDetails(
                householdId: company.id.lowercasedString, email: "\(name)-plumbing@example.com", phone: "+44 20 7946 0000",
                technicianIds: [technician.record.id.lowercasedString])))

        func product(_ product: CatalogV1.Product) async throws -> String {
            names.append(product.name)
            return try await create(CatalogV1.Products.create, CatalogV1.CreateProductRequest(organizationId: org, product: product), as: CatalogV1.Product.self).id
        }
        let productAtLocation = try await product(IsolationBody.product(at: l1, sku: slug("sku")))
        let productEverywhere = try await product(CatalogV1.Product(
            name: "Guide \(slug("guide"))", sku: names.last!, type: .digital,
            digital: CatalogV1.DigitalDetails(fileUrl: "https://example.com/\(name)/guide.pdf"), price: CatalogV1.Money(amountMinor: 500, currency: "GBP")))

        func template(_ template: CatalogV1.ServiceTemplate) async throws -> String {
            names.append(template.name)
            return try await create(
                CatalogV1.ServiceTemplates.create, CatalogV1.CreateServiceTemplateRequest(organizationId: org, serviceTemplate: template),
                as: CatalogV1.ServiceTemplate.self).id
        }
        var atLocation = IsolationBody.template(at: l1, slug: slug("svc"), requiring: providerID)
        atLocation.optionalBookables = [CatalogV1.BookableRequirement(kind: .asset, bookableId: assetID)]
        let templateAtLocation = try await template(atLocation)
        var everywhere = IsolationBody.template(at: "", slug: slug("svc"))
        everywhere.includedProducts = [CatalogV1.IncludedProduct(productId: productEverywhere, quantity: 1)]
        let templateEverywhere = try await template(everywhere)

        var bundle = IsolationBody.package(slug: slug("pkg"), templates: [templateAtLocation, templateEverywhere])
        bundle.items[0].allowedLocationIds = [l1]
        names.append(bundle.name)
        let package = try await create(
            CatalogV1.Packages.create, CatalogV1.CreatePackageRequest(organizationId: org, servicePackage: bundle), as: CatalogV1.ServicePackage.self).id
        let course = IsolationBody.program(slug: slug("prog"), template: templateEverywhere)
        names.append(course.name)
        let program = try await create(
            CatalogV1.Programs.create, CatalogV1.CreateProgramRequest(organizationId: org, program: course), as: CatalogV1.ProgramTemplate.self).id

        return IsolationTenant(
            organization: org, ownerID: owner.record.id,
            credentials: [("owner", owner.token), ("admin", try await h.fixtures.openSession(userID: admin.record.id)), ("service token", service)],
            locations: locations, provider: providerID, asset: assetID, venue: venueID, companyProvider: companyID,
            templateAtLocation: templateAtLocation, templateEverywhere: templateEverywhere,
            productAtLocation: productAtLocation, productEverywhere: productEverywhere, package: package, program: program, names: names)
    }
}
