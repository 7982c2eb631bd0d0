import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import Testing

/// Update with `update_mask`: only the named fields change, however much
/// else the request carries; a named message field is replaced whole; an
/// unknown path or an empty mask is refused and changes nothing.
@Suite struct CatalogFlowMaskTests {
    /// A bookable differing from the usual provider sample in every field.
    private static func everythingElse(at location: String, id: String) -> CatalogV1.Bookable {
        CatalogV1.Bookable(
            id: id, organizationId: UUID().uuidString.lowercased(), locationId: location, kind: .provider, name: "Someone Else",
            description: "A different description", slug: "someone-else", category: "other", tags: ["x", "y"],
            calendarId: UUID().uuidString.lowercased(), status: .maintenance,
            provider: CatalogV1.ProviderDetails(email: "else@example.com", bio: "Else", specialties: ["reiki"], languages: ["fr"], minRestMinutes: 15),
            createdAt: Date(timeIntervalSince1970: 0), deletionReason: "not deleted")
    }

    @Test func aBookableUpdateTouchesOnlyTheMaskedFields() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let annex = try await h.create(CatalogSample.location("annex", timeZone: "America/Denver"), in: org)
            var request = CatalogSample.provider("pat", at: studio.id, category: "massage", tags: ["deep-tissue", "prenatal"])
            request.description = "Pat's description"
            request.provider?.bio = "Twenty years of practice."
            request.provider?.specialties = ["sports"]
            let before = try await h.create(request, in: org)
            let patch = Self.everythingElse(at: annex.id, id: before.id)

            var current = before
            for mask in [["description"], ["tags", "category"], ["name", "status"]] {
                h.clock.advance(by: .seconds(1))
                let after: CatalogV1.Bookable = try await h.call(
                    CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: patch, updateMask: mask), token: org.token)
                var expected = current
                for path in mask {
                    switch path {
                    case "description": expected.description = patch.description
                    case "tags": expected.tags = patch.tags
                    case "category": expected.category = patch.category
                    case "name": expected.name = patch.name
                    case "status": expected.status = patch.status
                    default: Issue.record("unexpected path \(path)")
                    }
                }
                #expect(after.updatedAt! > current.updatedAt!, "\(mask) moves updated_at")
                expected.updatedAt = after.updatedAt
                #expect(after == expected, "\(mask): nothing else changed")
                let reread: CatalogV1.Bookable = try await h.call(
                    CatalogV1.Bookables.get, CatalogV1.GetBookableRequest(organizationId: org.id, bookableId: before.id), token: org.token)
                #expect(reread == after)
                current = after
            }
            #expect(try await h.calendar(ofBookable: before.id)?.timeZone == "America/New_York", "not moved: the calendar kept its zone")

            // A message field named is replaced whole: what the new part leaves out is gone.
            h.clock.advance(by: .seconds(1))
            let replaced: CatalogV1.Bookable = try await h.call(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: patch, updateMask: ["provider"]), token: org.token)
            var expected = current
            expected.provider = patch.provider
            expected.provider?.locationIds = [studio.id]
            expected.updatedAt = replaced.updatedAt
            #expect(replaced == expected)
            #expect(replaced.provider?.specialties == ["reiki"] && replaced.provider?.bio == "Else")
        }
    }

    @Test func otherResourcesUpdateOnlyTheMaskedFieldsToo() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()

            // Location: operating hours only, then the address replaced whole.
            let location = try await h.create(CatalogSample.location("studio"), in: org)
            var locationPatch = CatalogSample.location("renamed", timeZone: "Europe/Paris", currency: "EUR")
            locationPatch.id = location.id
            locationPatch.name = "Renamed"
            locationPatch.operatingHours = CatalogV1.WeeklyHours(days: [CatalogV1.DayHours(day: .saturday, ranges: [CatalogV1.TimeRange(start: "10:00", end: "14:00")])])
            locationPatch.address = CatalogV1.Address(street: "2 Side Street", city: "Shelbyville", country: "US")
            h.clock.advance(by: .seconds(1))
            let hours: CatalogV1.Location = try await h.call(
                CatalogV1.Locations.update, CatalogV1.UpdateLocationRequest(organizationId: org.id, location: locationPatch, updateMask: ["operating_hours"]),
                token: org.token)
            var expectedLocation = location
            expectedLocation.operatingHours = locationPatch.operatingHours
            expectedLocation.updatedAt = hours.updatedAt
            #expect(hours == expectedLocation)
            let address: CatalogV1.Location = try await h.call(
                CatalogV1.Locations.update, CatalogV1.UpdateLocationRequest(organizationId: org.id, location: locationPatch, updateMask: ["address"]),
                token: org.token)
            #expect(address.address == locationPatch.address, "region, postal code and coordinates went with the old address")
            #expect(address.slug == "studio" && address.timeZone == "America/New_York" && address.configOverride == nil)

            // Template: pricing only.
            let template = try await h.create(CatalogSample.template("massage", location: location.id, price: 5_000, category: "massage", tags: ["calm"]), in: org)
            var templatePatch = CatalogSample.template("other", price: 6_500, category: "other", tags: ["loud"])
            templatePatch.id = template.id
            templatePatch.duration = CatalogV1.ServiceDuration(type: .fixed, fixedMinutes: 90)
            h.clock.advance(by: .seconds(1))
            let priced: CatalogV1.ServiceTemplate = try await h.call(
                CatalogV1.ServiceTemplates.update,
                CatalogV1.UpdateServiceTemplateRequest(organizationId: org.id, serviceTemplate: templatePatch, updateMask: ["pricing"]), token: org.token)
            var expectedTemplate = template
            expectedTemplate.pricing = CatalogV1.Pricing(basePrice: CatalogSample.money(6_500, "USD"))
            expectedTemplate.updatedAt = priced.updatedAt
            #expect(priced == expectedTemplate)

            // Product: tags only.
            let product = try await h.create(CatalogSample.product("OIL-1", location: location.id, price: 1_000, tags: ["oils"]), in: org)
            var productPatch = CatalogSample.product("OIL-2", price: 99, tags: ["sale", "oils"])
            productPatch.id = product.id
            productPatch.status = .inactive
            h.clock.advance(by: .seconds(1))
            let tagged: CatalogV1.Product = try await h.call(
                CatalogV1.Products.update, CatalogV1.UpdateProductRequest(organizationId: org.id, product: productPatch, updateMask: ["tags"]), token: org.token)
            var expectedProduct = product
            expectedProduct.tags = ["sale", "oils"]
            expectedProduct.updatedAt = tagged.updatedAt
            #expect(tagged == expectedProduct)

            // Package: name only; the computed value stays.
            let package = try await h.create(CatalogSample.package("bundle", items: [(template.id, 2)], total: 9_000), in: org)
            var packagePatch = CatalogSample.package("other-bundle", items: [(template.id, 9)], total: 1)
            packagePatch.id = package.id
            packagePatch.name = "Two massages"
            h.clock.advance(by: .seconds(1))
            let named: CatalogV1.ServicePackage = try await h.call(
                CatalogV1.Packages.update, CatalogV1.UpdatePackageRequest(organizationId: org.id, servicePackage: packagePatch, updateMask: ["name"]),
                token: org.token)
            var expectedPackage = package
            expectedPackage.name = "Two massages"
            expectedPackage.updatedAt = named.updatedAt
            #expect(named == expectedPackage)
            #expect(named.originalValue == package.originalValue && package.originalValue == CatalogSample.money(2 * 6_500, "USD"), "two at the new price")

            // Program: description only.
            let program = try await h.create(CatalogSample.program("course", templates: [template.id]), in: org)
            var programPatch = CatalogSample.program("other-course", templates: [template.id, template.id], price: 1)
            programPatch.id = program.id
            programPatch.description = "Four weeks."
            h.clock.advance(by: .seconds(1))
            let described: CatalogV1.ProgramTemplate = try await h.call(
                CatalogV1.Programs.update, CatalogV1.UpdateProgramRequest(organizationId: org.id, program: programPatch, updateMask: ["description"]),
                token: org.token)
            var expectedProgram = program
            expectedProgram.description = "Four weeks."
            expectedProgram.updatedAt = described.updatedAt
            #expect(described == expectedProgram)
        }
    }

    @Test func unknownPathsAndEmptyMasksAreRefusedAndChangeNothing() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let before = try await h.create(CatalogSample.venue("room", at: studio.id), in: org)
            let patch = Self.everythingElse(at: studio.id, id: before.id)

            let unknown = try await h.failure(
                CatalogV1.Bookables.update,
                CatalogV1.UpdateBookableRequest(
                    organizationId: org.id, bookable: patch, updateMask: ["name", "colour", "kind", "calendar_id", "Name", "created_at", "provider.bio"]),
                token: org.token)
            #expect(unknown.code == .invalidArgument)
            #expect(catalogViolationFields(unknown) == ["update_mask[1]", "update_mask[2]", "update_mask[3]", "update_mask[4]", "update_mask[5]", "update_mask[6]"])
            for path in ["colour", "calendar_id", "provider.bio"] {
                #expect(!unknown.message.contains(path), "the message does not repeat the path \(path)")
            }

            let empty = try await h.failure(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: patch, updateMask: []), token: org.token)
            #expect(empty.code == .invalidArgument && catalogViolationFields(empty) == ["update_mask"])

            // Without the object, or without its id.
            let missing = try await h.failure(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, updateMask: ["name"]), token: org.token)
            #expect(missing.code == .invalidArgument && catalogViolationFields(missing) == ["bookable"])
            let noID = try await h.failure(
                CatalogV1.Bookables.update,
                CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: CatalogV1.Bookable(name: "x"), updateMask: ["name"]), token: org.token)
            #expect(noID.code == .invalidArgument && catalogViolationFields(noID) == ["bookable.id"])

            // A masked value that breaks a rule: refused with its request path.
            var broken = CatalogV1.Bookable(id: before.id)
            broken.venue = CatalogV1.VenueDetails(capacityMin: 3, capacityMax: 0)
            let invalid = try await h.failure(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: broken, updateMask: ["venue"]), token: org.token)
            #expect(invalid.code == .invalidArgument)
            #expect(Set(catalogViolationFields(invalid)) == ["bookable.venue.capacity_max", "bookable.venue.capacity_min"])
            // The kind's part cannot be another kind's.
            let wrongPart = try await h.failure(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: patch, updateMask: ["provider"]), token: org.token)
            #expect(wrongPart.code == .invalidArgument && catalogViolationFields(wrongPart) == ["bookable.provider"])

            let after: CatalogV1.Bookable = try await h.call(
                CatalogV1.Bookables.get, CatalogV1.GetBookableRequest(organizationId: org.id, bookableId: before.id), token: org.token)
            #expect(after == before, "no refused update changed anything")

            // The same for every other resource's update.
            let location = try await h.failure(
                CatalogV1.Locations.update,
                CatalogV1.UpdateLocationRequest(organizationId: org.id, location: CatalogV1.Location(id: studio.id), updateMask: ["id", "slug"]), token: org.token)
            #expect(location.code == .invalidArgument && catalogViolationFields(location) == ["update_mask[0]"])
            let template = try await h.create(CatalogSample.template("massage"), in: org)
            let templateMask = try await h.failure(
                CatalogV1.ServiceTemplates.update,
                CatalogV1.UpdateServiceTemplateRequest(organizationId: org.id, serviceTemplate: CatalogV1.ServiceTemplate(id: template.id), updateMask: []),
                token: org.token)
            #expect(templateMask.code == .invalidArgument && catalogViolationFields(templateMask) == ["update_mask"])
            let product = try await h.create(CatalogSample.product("SKU-1"), in: org)
            let productMask = try await h.failure(
                CatalogV1.Products.update,
                CatalogV1.UpdateProductRequest(organizationId: org.id, product: CatalogV1.Product(id: product.id), updateMask: ["slug"]), token: org.token)
            #expect(productMask.code == .invalidArgument && catalogViolationFields(productMask) == ["update_mask[0]"], "a product's unique field is its sku")
            let package = try await h.create(CatalogSample.package("bundle", items: [(template.id, 1)], total: 100), in: org)
            let packageMask = try await h.failure(
                CatalogV1.Packages.update,
                CatalogV1.UpdatePackageRequest(organizationId: org.id, servicePackage: CatalogV1.ServicePackage(id: package.id), updateMask: ["original_value"]),
                token: org.token)
            #expect(packageMask.code == .invalidArgument && catalogViolationFields(packageMask) == ["update_mask[0]"], "original_value is computed")
            let program = try await h.create(CatalogSample.program("course", templates: [template.id]), in: org)
            let programMask = try await h.failure(
                CatalogV1.Programs.update,
                CatalogV1.UpdateProgramRequest(organizationId: org.id, program: CatalogV1.ProgramTemplate(id: program.id), updateMask: ["name", "organization_id"]),
                token: org.token)
            #expect(programMask.code == .invalidArgument && catalogViolationFields(programMask) == ["update_mask[1]"])
            let unchangedLocation: CatalogV1.Location = try await h.call(
                CatalogV1.Locations.get, CatalogV1.GetLocationRequest(organizationId: org.id, locationId: studio.id), token: org.token)
            #expect(unchangedLocation == studio)
            let unchangedProgram: CatalogV1.ProgramTemplate = try await h.call(
                CatalogV1.Programs.get, CatalogV1.GetProgramRequest(organizationId: org.id, programId: program.id), token: org.token)
            #expect(unchangedProgram == program)
        }
    }
}
