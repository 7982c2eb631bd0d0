import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import Testing

/// Validation through the server: one INVALID_ARGUMENT with a violation per
/// problem, paths as in the request, and nothing written; the rules about
/// other objects (locations, members, households, products, templates,
/// currencies) included.
@Suite struct CatalogFlowValidationTests {
    /// Rows of every catalog table of the organization, and calendars: what a refusal must leave as it was.
    private static func footprint(_ h: CatalogHarness, _ org: CatalogOrganization) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in ["locations", "bookables", "service_templates", "products", "service_packages", "program_templates"] {
            counts[table] = try await h.rowCount(table, organizationID: org.id)
        }
        counts["calendars"] = try await h.calendarCount()
        return counts
    }

    /// Checks a refusal: INVALID_ARGUMENT, exactly these paths, each once.
    private static func expectViolations(
        _ status: RPCStatus, _ expected: Set<String>, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(status.code == .invalidArgument, "\(status)", sourceLocation: sourceLocation)
        let found = catalogViolationFields(status)
        #expect(Set(found) == expected, "\(found)", sourceLocation: sourceLocation)
        #expect(found.count == expected.count, "one violation per problem: \(found)", sourceLocation: sourceLocation)
    }

    @Test func everyBrokenRuleOfAnObjectIsReportedAtOnce() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let before = try await Self.footprint(h, org)

            // A location.
            var location = CatalogSample.location("Bad Slug!")
            location.name = "   "
            location.timeZone = "Mars/Olympus_Mons"
            location.address = CatalogV1.Address(street: "", city: "Springfield", country: "usa")
            location.operatingHours = CatalogV1.WeeklyHours(days: [
                CatalogV1.DayHours(day: .monday, ranges: [CatalogV1.TimeRange(start: "09:00", end: "12:00"), CatalogV1.TimeRange(start: "11:00", end: "13:00")]),
                CatalogV1.DayHours(day: .tuesday, ranges: [CatalogV1.TimeRange(start: "25:00", end: "26:00")]),
            ])
            location.configOverride = CatalogV1.ConfigOverride(currency: "usd")
            location.serviceArea = CatalogV1.ServiceArea(radiusMiles: 10, center: CatalogV1.Coordinates(latitude: 1, longitude: 1))
            let badLocation = try await h.failure(
                CatalogV1.Locations.create, CatalogV1.CreateLocationRequest(organizationId: org.id, location: location), token: org.token)
            Self.expectViolations(badLocation, [
                "location.slug", "location.name", "location.time_zone", "location.address.street", "location.address.country",
                "location.operating_hours.days[0].ranges[1]", "location.operating_hours.days[1].ranges[0].start",
                "location.operating_hours.days[1].ranges[0].end", "location.config_override.currency", "location.service_area",
            ])
            for value in ["Bad Slug!", "Mars/Olympus_Mons", "usa"] {
                #expect(!badLocation.message.contains(value), "the message repeats \(value)")
            }
            // A mobile location needs its service area.
            let mobile = try await h.failure(
                CatalogV1.Locations.create,
                CatalogV1.CreateLocationRequest(organizationId: org.id, location: CatalogV1.Location(slug: "van", name: "Van", type: .mobile, timeZone: "UTC")),
                token: org.token)
            Self.expectViolations(mobile, ["location.service_area"])

            // A venue.
            var venue = CatalogSample.venue("", at: studio.id, category: "Spa Rooms", tags: ["ok", "Not OK"])
            venue.venue = CatalogV1.VenueDetails(
                capacityMin: 2, capacityMax: 0, allowSimultaneousBookings: true, maxSimultaneousBookings: 1, setupMinutes: 2_000)
            venue.provider = CatalogV1.ProviderDetails(email: "x@example.com")
            let badVenue = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: venue), token: org.token)
            Self.expectViolations(badVenue, [
                "bookable.slug", "bookable.category", "bookable.tags[1]", "bookable.provider", "bookable.venue.capacity_max",
                "bookable.venue.capacity_min", "bookable.venue.max_simultaneous_bookings", "bookable.venue.setup_minutes",
            ])

            // A provider.
            var provider = CatalogSample.provider("pat", at: studio.id)
            provider.provider?.email = ""
            provider.provider?.travelRadiusMiles = 5_000
            provider.provider?.rating = 7
            provider.provider?.paymentProfile = CatalogV1.PaymentProfile(commissionBasisPoints: 20_000)
            provider.provider?.certifications = [CatalogV1.Certification(type: " ", issuedAt: h.clock.now.addingTimeInterval(86_400))]
            let badProvider = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: provider), token: org.token)
            Self.expectViolations(badProvider, [
                "bookable.provider.email", "bookable.provider.travel_radius_miles", "bookable.provider.rating",
                "bookable.provider.payment_profile.commission_basis_points", "bookable.provider.certifications[0].type",
                "bookable.provider.certifications[0].issued_at",
            ])
            // A bookable without its kind's part, or without a kind.
            let partless = try await h.failure(
                CatalogV1.Bookables.create,
                CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: CatalogV1.Bookable(locationId: studio.id, kind: .asset, name: "Lift", slug: "lift")),
                token: org.token)
            Self.expectViolations(partless, ["bookable.asset"])
            let kindless = try await h.failure(
                CatalogV1.Bookables.create,
                CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: CatalogV1.Bookable(name: "Thing", slug: "thing")), token: org.token)
            Self.expectViolations(kindless, ["bookable.location_id", "bookable.kind"])

            // A service template.
            var template = CatalogSample.template("yoga", requiring: UUID().uuidString.lowercased(), currency: "usd")
            template.type = .class
            template.duration = CatalogV1.ServiceDuration(type: .variable, minMinutes: 30, maxMinutes: 90, intervalMinutes: 25)
            template.requiredBookables[0].count = 2
            template.deposit = CatalogV1.Deposit(required: true, amount: CatalogSample.money(1_000), percent: 10)
            template.reservation = CatalogV1.ReservationSettings(enabled: true, holdMinutes: 0)
            let badTemplate = try await h.failure(
                CatalogV1.ServiceTemplates.create, CatalogV1.CreateServiceTemplateRequest(organizationId: org.id, serviceTemplate: template), token: org.token)
            Self.expectViolations(badTemplate, [
                "service_template.duration.interval_minutes", "service_template.required_bookables[0].count", "service_template.capacity.type",
                "service_template.required_bookables[0].bookable_id",
                "service_template.pricing.base_price.currency", "service_template.deposit", "service_template.reservation.hold_minutes",
            ])

            // A product.
            var product = CatalogSample.product("bad sku!", price: -5, currency: "EUR")
            product.type = .digital
            product.physical = nil
            product.inventory = CatalogV1.Inventory(quantityOnHand: 1, quantityReserved: 5)
            product.costOfGoods = CatalogSample.money(1, "XYZ")
            let badProduct = try await h.failure(
                CatalogV1.Products.create, CatalogV1.CreateProductRequest(organizationId: org.id, product: product), token: org.token)
            Self.expectViolations(badProduct, [
                "product.sku", "product.digital", "product.inventory.quantity_reserved", "product.price.amount_minor", "product.price.currency",
                "product.cost_of_goods.currency",
            ])

            // A package and a program.
            let badPackage = try await h.failure(
                CatalogV1.Packages.create,
                CatalogV1.CreatePackageRequest(organizationId: org.id, servicePackage: CatalogV1.ServicePackage(slug: "", name: "Empty")), token: org.token)
            Self.expectViolations(badPackage, ["service_package.slug", "service_package.items", "service_package.total_price", "service_package.use_within_days"])
            var program = CatalogSample.program("course", templates: [UUID().uuidString.lowercased()])
            program.sessions[0].sequenceNumber = 2
            program.sessions[0].allowDropIn = true
            program.fullProgramPrice = nil
            program.minAttendanceRequired = 5
            let badProgram = try await h.failure(
                CatalogV1.Programs.create, CatalogV1.CreateProgramRequest(organizationId: org.id, program: program), token: org.token)
            Self.expectViolations(badProgram, [
                "program.sessions[0].sequence_number", "program.sessions[0].allow_drop_in", "program.full_program_price", "program.min_attendance_required",
                "program.sessions[0].service_template_id",
            ])

            // Request fields outside the object.
            let badOrganization = try await h.failure(
                CatalogV1.Locations.create, CatalogV1.CreateLocationRequest(organizationId: "not-a-uuid", location: CatalogSample.location("x")), token: org.token)
            Self.expectViolations(badOrganization, ["organization_id"])

            #expect(try await Self.footprint(h, org) == before, "nothing was written")
            #expect(try await h.allLocations(CatalogV1.ListLocationsRequest(organizationId: org.id), token: org.token).map(\.id) == [studio.id])
            #expect(try await h.allBookables(CatalogV1.ListBookablesRequest(organizationId: org.id), token: org.token).isEmpty)
        }
    }

    @Test func aProviderWorksAtTheOrganizationsLocationsAndIsAMember() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let other = try await h.organization("Other Org")
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let annex = try await h.create(CatalogSample.location("annex"), in: org)
            let foreign = try await h.create(CatalogSample.location("foreign"), in: other)
            let member = try await h.member(of: org, "Mel Member", role: .provider)
            let outsider = try await h.outsider("Oscar Outsider")
            let otherMember = try await h.member(of: other, "Olga Other", role: .provider)
            let before = try await Self.footprint(h, org)

            // Both problems in one answer.
            var request = CatalogSample.provider("pat", at: studio.id, userID: outsider.id)
            request.provider?.locationIds = [studio.id, foreign.id, annex.id]
            let both = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: request), token: org.token)
            Self.expectViolations(both, ["bookable.provider.location_ids[1]", "bookable.provider.user_id"])

            // A member of another organization is no member here.
            let elsewhere = try await h.failure(
                CatalogV1.Bookables.create,
                CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: CatalogSample.provider("olga", at: studio.id, userID: otherMember.id)),
                token: org.token)
            Self.expectViolations(elsewhere, ["bookable.provider.user_id"])

            // A home location of another organization.
            let foreignHome = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: CatalogSample.venue("room", at: foreign.id)),
                token: org.token)
            Self.expectViolations(foreignHome, ["bookable.location_id"])
            #expect(try await Self.footprint(h, org) == before, "nothing was written")

            // With a member and the organization's locations it is made; an update is held to the same rules.
            request.provider?.userId = member.id
            request.provider?.locationIds = [studio.id, annex.id]
            let made = try await h.create(request, in: org)
            var patch = CatalogV1.Bookable(id: made.id)
            patch.provider = made.provider
            patch.provider?.locationIds = [studio.id, foreign.id]
            patch.provider?.userId = outsider.id
            let update = try await h.failure(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: patch, updateMask: ["provider"]), token: org.token)
            Self.expectViolations(update, ["bookable.provider.location_ids[1]", "bookable.provider.user_id"])
            let unchanged: CatalogV1.Bookable = try await h.call(
                CatalogV1.Bookables.get, CatalogV1.GetBookableRequest(organizationId: org.id, bookableId: made.id), token: org.token)
            #expect(unchanged == made)
        }
    }

    @Test
    func aProvidersLocationViolationNamesTheRequestsIndex() async throws {
        // Sources/Catalog/Service/Kinds/BookableCatalogKind.swift: normalize()
        // inserts the home location at index 0 of provider.location_ids before
        // the rules and references run, so a request listing only [foreign]
        // is told about "bookable.provider.location_ids[1]", an index the
        // request does not have.
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let other = try await h.organization("Other Org")
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let foreign = try await h.create(CatalogSample.location("foreign"), in: other)
            var request = CatalogSample.provider("pat", at: studio.id)
            request.provider?.locationIds = [foreign.id]
            let refused = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: request), token: org.token)
            Self.expectViolations(refused, ["bookable.provider.location_ids[0]"])
            var malformed = CatalogSample.provider("kim", at: studio.id)
            malformed.provider?.locationIds = ["not-a-uuid"]
            let garbled = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: malformed), token: org.token)
            Self.expectViolations(garbled, ["bookable.provider.location_ids[0]"])
        }
    }

    @Test func aCompanyProvidersTechniciansAreMembersOfItsCompanyHousehold() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let boss = try await h.member(of: org, "Boss", role: .provider), joined = try await h.outsider("Joined Tech")
            let invited = try await h.outsider("Invited Tech"), stranger = try await h.outsider("Stranger")
            let company = try await h.companyHousehold("ABC Plumbing", primary: boss, joined: [joined], invited: [invited])
            #expect(company.members.count == 3)
            let before = try await Self.footprint(h, org)

            // A company whose primary contact is not in the organization cannot be named (nor probed).
            let outsiderBoss = try await h.outsider("Outside Boss")
            let outsiders = try await h.companyHousehold("Elsewhere Inc", primary: outsiderBoss, joined: [stranger])
            let foreign = try await h.failure(
                CatalogV1.Bookables.create,
                CatalogV1.CreateBookableRequest(
                    organizationId: org.id,
                    bookable: CatalogSample.companyProvider("elsewhere", at: studio.id, household: outsiders.id, technicians: [stranger.id, joined.id])),
                token: org.token)
            Self.expectViolations(foreign, ["bookable.company_provider.household_id"])

            let technicians = try await h.failure(
                CatalogV1.Bookables.create,
                CatalogV1.CreateBookableRequest(
                    organizationId: org.id,
                    bookable: CatalogSample.companyProvider("abc", at: studio.id, household: company.id, technicians: [joined.id, invited.id, stranger.id, boss.id])),
                token: org.token)
            Self.expectViolations(technicians, ["bookable.company_provider.technician_ids[1]", "bookable.company_provider.technician_ids[2]"])

            // A family household is not a company; nor is a household that does not exist.
            let family: IdentityV1.Household = try await h.call(
                IdentityV1.Households.create, IdentityV1.CreateHouseholdRequest(name: "The Bosses"), token: boss.token)
            for householdID in [family.id, UUID().uuidString.lowercased()] {
                let notCompany = try await h.failure(
                    CatalogV1.Bookables.create,
                    CatalogV1.CreateBookableRequest(
                        organizationId: org.id, bookable: CatalogSample.companyProvider("fam", at: studio.id, household: householdID, technicians: [boss.id])),
                    token: org.token)
                Self.expectViolations(notCompany, ["bookable.company_provider.household_id"])
            }
            // Its own rules: a phone is required, technicians listed once.
            var noPhone = CatalogSample.companyProvider("abc", at: studio.id, household: company.id, technicians: [joined.id, joined.id])
            noPhone.companyProvider?.phone = ""
            let own = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: noPhone), token: org.token)
            Self.expectViolations(own, ["bookable.company_provider.phone", "bookable.company_provider.technician_ids[1]"])
            #expect(try await Self.footprint(h, org) == before, "nothing was written")

            // Once the invitation is accepted, the same request succeeds.
            _ = try await h.call(
                IdentityV1.Households.acceptInvitation, IdentityV1.AcceptInvitationRequest(householdId: company.id), token: invited.token,
                as: IdentityV1.Household.self)
            let made = try await h.create(
                CatalogSample.companyProvider("abc", at: studio.id, household: company.id, technicians: [joined.id, invited.id, boss.id]), in: org)
            #expect(made.companyProvider?.technicianIds == [joined.id, invited.id, boss.id])
        }
    }

    @Test func includedProductsExistAndAreActive() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let other = try await h.organization("Other Org")
            let active = try await h.create(CatalogSample.product("ACTIVE-1"), in: org)
            let inactive = try await h.create(CatalogSample.product("INACTIVE-1"), in: org)
            var off = CatalogV1.Product(id: inactive.id)
            off.status = .inactive
            _ = try await h.call(
                CatalogV1.Products.update, CatalogV1.UpdateProductRequest(organizationId: org.id, product: off, updateMask: ["status"]), token: org.token,
                as: CatalogV1.Product.self)
            let deleted = try await h.create(CatalogSample.product("DELETED-1"), in: org)
            _ = try await h.call(
                CatalogV1.Products.delete, CatalogV1.DeleteProductRequest(organizationId: org.id, productId: deleted.id, reason: "gone"), token: org.token,
                as: CatalogV1.Product.self)
            let theirs = try await h.create(CatalogSample.product("THEIRS-1"), in: other)
            let before = try await Self.footprint(h, org)

            var template = CatalogSample.template("facial")
            template.includedProducts = [active, inactive, deleted, theirs].map { CatalogV1.IncludedProduct(productId: $0.id, quantity: 1) }
                + [CatalogV1.IncludedProduct(productId: UUID().uuidString.lowercased(), quantity: 2)]
            let refused = try await h.failure(
                CatalogV1.ServiceTemplates.create, CatalogV1.CreateServiceTemplateRequest(organizationId: org.id, serviceTemplate: template), token: org.token)
            Self.expectViolations(refused, Set((1...4).map { "service_template.included_products[\($0)].product_id" }))
            #expect(try await Self.footprint(h, org) == before, "nothing was written")

            template.includedProducts = [CatalogV1.IncludedProduct(productId: active.id, quantity: 2)]
            let made = try await h.create(template, in: org)
            #expect(made.includedProducts == [CatalogV1.IncludedProduct(productId: active.id, quantity: 2, timing: .during)])

            // A required bookable named by id is one of the organization's, of the kind required.
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("pat", at: studio.id), in: org)
            var wrongKind = CatalogSample.template("wrong-kind", requiring: provider.id, kind: .venue)
            wrongKind.optionalBookables = [CatalogV1.BookableRequirement(kind: .asset, bookableId: UUID().uuidString.lowercased())]
            let kinds = try await h.failure(
                CatalogV1.ServiceTemplates.create, CatalogV1.CreateServiceTemplateRequest(organizationId: org.id, serviceTemplate: wrongKind), token: org.token)
            Self.expectViolations(kinds, ["service_template.required_bookables[0].bookable_id", "service_template.optional_bookables[0].bookable_id"])
        }
    }

    @Test func pricesAreInTheCurrencyInForceWhereTheObjectIs() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization(currency: "USD")
            let home = try await h.create(CatalogSample.location("home"), in: org)
            var parisRequest = CatalogSample.location("paris", timeZone: "Europe/Paris", currency: "EUR")
            parisRequest.address?.country = "FR"
            let paris = try await h.create(parisRequest, in: org)
            let before = try await Self.footprint(h, org)

            // Dollars are wrong in Paris...
            let template = try await h.failure(
                CatalogV1.ServiceTemplates.create,
                CatalogV1.CreateServiceTemplateRequest(organizationId: org.id, serviceTemplate: CatalogSample.template("massage", location: paris.id, currency: "USD")),
                token: org.token)
            Self.expectViolations(template, ["service_template.pricing.base_price.currency"])
            let product = try await h.failure(
                CatalogV1.Products.create,
                CatalogV1.CreateProductRequest(organizationId: org.id, product: CatalogSample.product("OIL-1", location: paris.id, currency: "USD")), token: org.token)
            Self.expectViolations(product, ["product.price.currency"])
            var provider = CatalogSample.provider("amelie", at: paris.id)
            provider.provider?.paymentProfile = CatalogV1.PaymentProfile(hourlyRate: CatalogSample.money(3_000, "USD"))
            let rate = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: provider), token: org.token)
            Self.expectViolations(rate, ["bookable.provider.payment_profile.hourly_rate.currency"])
            // ...and euros are wrong anywhere else (an organization-wide template is in the organization's).
            let euros = try await h.failure(
                CatalogV1.ServiceTemplates.create,
                CatalogV1.CreateServiceTemplateRequest(organizationId: org.id, serviceTemplate: CatalogSample.template("anywhere", currency: "EUR")),
                token: org.token)
            Self.expectViolations(euros, ["service_template.pricing.base_price.currency"])
            let homeEuros = try await h.failure(
                CatalogV1.Products.create,
                CatalogV1.CreateProductRequest(organizationId: org.id, product: CatalogSample.product("OIL-2", location: home.id, currency: "EUR")), token: org.token)
            Self.expectViolations(homeEuros, ["product.price.currency"])
            #expect(try await Self.footprint(h, org) == before, "nothing was written")

            // In the right currency, or none (the one in force fills it), it is made.
            let parisTemplate = try await h.create(CatalogSample.template("massage", location: paris.id, price: 7_000, currency: "EUR"), in: org)
            let parisProduct = try await h.create(CatalogSample.product("OIL-1", location: paris.id, price: 1_200), in: org)
            #expect(parisProduct.price == CatalogSample.money(1_200, "EUR"))
            let homeTemplate = try await h.create(CatalogSample.template("home-massage", location: home.id, price: 6_000), in: org)
            #expect(homeTemplate.pricing?.basePrice == CatalogSample.money(6_000, "USD"))

            // Moving a template to Paris with its dollar price is refused too.
            var move = CatalogV1.ServiceTemplate(id: homeTemplate.id)
            move.locationId = paris.id
            let moved = try await h.failure(
                CatalogV1.ServiceTemplates.update,
                CatalogV1.UpdateServiceTemplateRequest(organizationId: org.id, serviceTemplate: move, updateMask: ["location_id"]), token: org.token)
            Self.expectViolations(moved, ["service_template.pricing.base_price.currency"])

            // A package is in the organization's currency: a template priced in euros does not fit in it.
            let package = try await h.failure(
                CatalogV1.Packages.create,
                CatalogV1.CreatePackageRequest(
                    organizationId: org.id, servicePackage: CatalogSample.package("mixed", items: [(homeTemplate.id, 1), (parisTemplate.id, 1)], total: 10_000)),
                token: org.token)
            Self.expectViolations(package, ["service_package.items[1].service_template_id"])
        }
    }

    @Test func packagesAndProgramsNameLiveUnarchivedTemplatesOfTheOrganization() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let other = try await h.organization("Other Org")
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("pat", at: studio.id), in: org)
            let live = try await h.activeTemplate("live", requiring: provider.id, in: org)
            let archived = try await h.activeTemplate("archived", requiring: provider.id, in: org)
            _ = try await h.changeStatus(archived.id, to: .archived, in: org)
            let deleted = try await h.create(CatalogSample.template("deleted"), in: org)
            _ = try await h.call(
                CatalogV1.ServiceTemplates.delete,
                CatalogV1.DeleteServiceTemplateRequest(organizationId: org.id, serviceTemplateId: deleted.id, reason: "gone"), token: org.token,
                as: CatalogV1.ServiceTemplate.self)
            let theirs = try await h.create(CatalogSample.template("theirs"), in: other)
            let foreignLocation = try await h.create(CatalogSample.location("foreign"), in: other)
            let before = try await Self.footprint(h, org)

            var package = CatalogSample.package("bundle", items: [(live.id, 1), (archived.id, 1), (deleted.id, 1), (theirs.id, 1)], total: 10_000)
            package.items[0].allowedLocationIds = [studio.id, foreignLocation.id]
            let refusedPackage = try await h.failure(
                CatalogV1.Packages.create, CatalogV1.CreatePackageRequest(organizationId: org.id, servicePackage: package), token: org.token)
            Self.expectViolations(refusedPackage, [
                "service_package.items[0].allowed_location_ids[1]", "service_package.items[1].service_template_id",
                "service_package.items[2].service_template_id", "service_package.items[3].service_template_id",
            ])
            let program = CatalogSample.program("course", templates: [live.id, archived.id, deleted.id, theirs.id])
            let refusedProgram = try await h.failure(
                CatalogV1.Programs.create, CatalogV1.CreateProgramRequest(organizationId: org.id, program: program), token: org.token)
            Self.expectViolations(refusedProgram, [
                "program.sessions[1].service_template_id", "program.sessions[2].service_template_id", "program.sessions[3].service_template_id",
            ])
            #expect(try await Self.footprint(h, org) == before, "nothing was written")

            // A package already made cannot take an archived template in on update either.
            let made = try await h.create(CatalogSample.package("bundle", items: [(live.id, 2)], total: 9_000), in: org)
            var patch = CatalogV1.ServicePackage(id: made.id)
            patch.items = [CatalogV1.PackageItem(serviceTemplateId: archived.id, quantity: 1)]
            let update = try await h.failure(
                CatalogV1.Packages.update, CatalogV1.UpdatePackageRequest(organizationId: org.id, servicePackage: patch, updateMask: ["items"]), token: org.token)
            Self.expectViolations(update, ["service_package.items[0].service_template_id"])
        }
    }
}
