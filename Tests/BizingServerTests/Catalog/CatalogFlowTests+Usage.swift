import BizingAPI
import BizingRPC
import BizingWire
import Foundation
import Identity
import Testing

/// What keeps references whole: objects in use cannot be deleted or
/// archived, a template at one location books what works there, and masks
/// and refusals say what to do.
@Suite struct CatalogFlowUsageTests {
    @Test func objectsInUseCannotBeDeletedOrArchived() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("pat", at: studio.id), in: org)
            let oil = try await h.create(CatalogSample.product("OIL-1"), in: org)
            var massage = CatalogSample.template("massage", requiring: provider.id)
            massage.includedProducts = [CatalogV1.IncludedProduct(productId: oil.id, quantity: 1)]
            let template = try await h.create(massage, in: org)
            let package = try await h.create(CatalogSample.package("five", items: [(template.id, 5)], total: 20_000), in: org)

            let bookable = try await h.failure(
                CatalogV1.Bookables.delete, CatalogV1.DeleteBookableRequest(organizationId: org.id, bookableId: provider.id, reason: "left"), token: org.token)
            #expect(bookable.code == .failedPrecondition && bookable.message.contains("Service massage"), "\(bookable.message)")
            let product = try await h.failure(
                CatalogV1.Products.delete, CatalogV1.DeleteProductRequest(organizationId: org.id, productId: oil.id, reason: "gone"), token: org.token)
            #expect(product.code == .failedPrecondition && product.message.contains("Service massage"))
            let archive = try await h.failure(
                CatalogV1.ServiceTemplates.changeStatus,
                CatalogV1.ChangeServiceTemplateStatusRequest(organizationId: org.id, serviceTemplateId: template.id, status: .archived), token: org.token)
            #expect(archive.code == .failedPrecondition && archive.message.contains("package"))
            #expect(try await h.rowCount("bookables", organizationID: org.id) == 1)

            // Once the users are gone, so can they be.
            _ = try await h.call(
                CatalogV1.Packages.delete, CatalogV1.DeletePackageRequest(organizationId: org.id, packageId: package.id, reason: "ended"), token: org.token,
                as: CatalogV1.ServicePackage.self)
            _ = try await h.call(
                CatalogV1.ServiceTemplates.delete,
                CatalogV1.DeleteServiceTemplateRequest(organizationId: org.id, serviceTemplateId: template.id, reason: "retired"), token: org.token,
                as: CatalogV1.ServiceTemplate.self)
            _ = try await h.call(
                CatalogV1.Bookables.delete, CatalogV1.DeleteBookableRequest(organizationId: org.id, bookableId: provider.id, reason: "left"), token: org.token,
                as: CatalogV1.Bookable.self)
            _ = try await h.call(
                CatalogV1.Products.delete, CatalogV1.DeleteProductRequest(organizationId: org.id, productId: oil.id, reason: "gone"), token: org.token,
                as: CatalogV1.Product.self)
        }
    }

    @Test func aTemplateAtOneLocationBooksWhatWorksThere() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let annex = try await h.create(CatalogSample.location("annex"), in: org)
            let annexRoom = try await h.create(CatalogSample.venue("annex-room", at: annex.id), in: org)
            var travelling = CatalogSample.provider("tess", at: annex.id)
            travelling.provider?.locationIds = [studio.id]
            let tess = try await h.create(travelling, in: org)

            let elsewhere = try await h.failure(
                CatalogV1.ServiceTemplates.create,
                CatalogV1.CreateServiceTemplateRequest(
                    organizationId: org.id, serviceTemplate: CatalogSample.template("studio-room", location: studio.id, requiring: annexRoom.id, kind: .venue)),
                token: org.token)
            #expect(elsewhere.code == .invalidArgument && catalogViolationFields(elsewhere) == ["service_template.required_bookables[0].bookable_id"])
            // A provider who also works at the studio may be required there.
            let template = try await h.create(CatalogSample.template("with-tess", location: studio.id, requiring: tess.id), in: org)

            // A package item of a studio-only template cannot be used at the annex.
            var package = CatalogSample.package("studio-pack", items: [(template.id, 2)], total: 9_000)
            package.items[0].allowedLocationIds = [studio.id, annex.id]
            let refused = try await h.failure(
                CatalogV1.Packages.create, CatalogV1.CreatePackageRequest(organizationId: org.id, servicePackage: package), token: org.token)
            #expect(refused.code == .invalidArgument && catalogViolationFields(refused) == ["service_package.items[0].allowed_location_ids[1]"])
        }
    }

    @Test func masksTakeJSONNamesAndRefusalsSayWhatToDo() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            var patch = CatalogV1.Location(id: studio.id)
            patch.timeZone = "Europe/Paris"
            let moved: CatalogV1.Location = try await h.call(
                CatalogV1.Locations.update, CatalogV1.UpdateLocationRequest(organizationId: org.id, location: patch, updateMask: ["timeZone"]), token: org.token)
            #expect(moved.timeZone == "Europe/Paris")

            let nested = try await h.failure(
                CatalogV1.Locations.update, CatalogV1.UpdateLocationRequest(organizationId: org.id, location: patch, updateMask: ["address.city"]), token: org.token)
            #expect(catalogViolationFields(nested) == ["update_mask[0]"])
            let nestedRefusal = nested.details.fieldViolations.first?.description ?? ""
            #expect(nestedRefusal.contains("send the whole address") && nestedRefusal.contains("the fields that can be: slug, name, type, address, time_zone"))

            // Staff are told they may not write before their input is judged.
            let staff = try await h.member(of: org, "Sam Staff", role: .staff)
            let denied = try await h.failure(
                CatalogV1.Locations.create, CatalogV1.CreateLocationRequest(organizationId: org.id, location: CatalogV1.Location(slug: "BAD SLUG")), token: staff.token)
            #expect(denied.code == .permissionDenied && denied.message.contains("staff and providers read the catalog"))
            // A manager is told locations are created by owners and admins.
            let manager = try await h.identity.user("Max Manager")
            _ = try await h.identity.fixtures.addMembership(
                organizationID: UUID(uuidString: org.id)!, userID: manager.record.id, role: .manager, scope: .locations([UUID(uuidString: studio.id)!]))
            let create = try await h.failure(
                CatalogV1.Locations.create, CatalogV1.CreateLocationRequest(organizationId: org.id, location: CatalogSample.location("new")), token: manager.token)
            #expect(create.code == .permissionDenied && create.message.contains("only owners and admins create and delete locations"))
        }
    }

    /// The other side of a reference cannot break it either: moving what a
    /// template needs, deactivating or moving an included product, moving
    /// a template out from under a package, deleting a location a package names.
    @Test func changingTheOtherSideOfAReferenceIsRefused() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let annex = try await h.create(CatalogSample.location("annex"), in: org)
            let room = try await h.create(CatalogSample.venue("room", at: studio.id), in: org)
            let oil = try await h.create(CatalogSample.product("OIL-1"), in: org)
            var needsRoom = CatalogSample.template("room-only", location: studio.id, requiring: room.id, kind: .venue)
            needsRoom.includedProducts = [CatalogV1.IncludedProduct(productId: oil.id, quantity: 1)]
            let template = try await h.create(needsRoom, in: org)
            let everywhere = try await h.create(CatalogSample.template("anywhere"), in: org)
            var package = CatalogSample.package("annex-pack", items: [(everywhere.id, 2)], total: 9_000)
            package.items[0].allowedLocationIds = [annex.id]
            _ = try await h.create(package, in: org)

            var moveRoom = CatalogV1.Bookable(id: room.id)
            moveRoom.locationId = annex.id
            let moved = try await h.failure(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: moveRoom, updateMask: ["location_id"]), token: org.token)
            #expect(moved.code == .failedPrecondition && moved.message.contains("service template 'Service room-only'"))

            var inactive = CatalogV1.Product(id: oil.id)
            inactive.status = .inactive
            let deactivated = try await h.failure(
                CatalogV1.Products.update, CatalogV1.UpdateProductRequest(organizationId: org.id, product: inactive, updateMask: ["status"]), token: org.token)
            #expect(deactivated.code == .failedPrecondition)
            var elsewhere = CatalogV1.Product(id: oil.id)
            elsewhere.locationId = annex.id
            let movedProduct = try await h.failure(
                CatalogV1.Products.update, CatalogV1.UpdateProductRequest(organizationId: org.id, product: elsewhere, updateMask: ["location_id"]), token: org.token)
            #expect(movedProduct.code == .failedPrecondition)

            var studioOnly = CatalogV1.ServiceTemplate(id: everywhere.id)
            studioOnly.locationId = studio.id
            let narrowed = try await h.failure(
                CatalogV1.ServiceTemplates.update,
                CatalogV1.UpdateServiceTemplateRequest(organizationId: org.id, serviceTemplate: studioOnly, updateMask: ["location_id"]), token: org.token)
            #expect(narrowed.code == .failedPrecondition && narrowed.message.contains("package 'Package annex-pack'"))

            let annexGone = try await h.failure(
                CatalogV1.Locations.delete, CatalogV1.DeleteLocationRequest(organizationId: org.id, locationId: annex.id, reason: "closing"), token: org.token)
            #expect(annexGone.code == .failedPrecondition && annexGone.message.contains("package 'Package annex-pack'"))

            // Archived is final.
            _ = try await h.changeStatus(template.id, to: .archived, in: org)
            var rename = CatalogV1.ServiceTemplate(id: template.id)
            rename.name = "Renamed"
            let archived = try await h.failure(
                CatalogV1.ServiceTemplates.update,
                CatalogV1.UpdateServiceTemplateRequest(organizationId: org.id, serviceTemplate: rename, updateMask: ["name"]), token: org.token)
            #expect(archived.code == .failedPrecondition && archived.message.contains("archived"))
        }
    }

    @Test func aManagerCannotReachBeyondTheirLocationsAndASlugClashComesWithTheRest() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let annex = try await h.create(CatalogSample.location("annex"), in: org)
            let manager = try await h.identity.user("Max Manager")
            let token = manager.token
            _ = try await h.identity.fixtures.addMembership(
                organizationID: UUID(uuidString: org.id)!, userID: manager.record.id, role: .manager, scope: .locations([UUID(uuidString: studio.id)!]))
            let provider = try await h.create(CatalogSample.provider("pat", at: studio.id), in: org)
            var extend = CatalogV1.Bookable(id: provider.id)
            extend.provider = provider.provider
            extend.provider?.locationIds = [studio.id, annex.id]
            let extended = try await h.failure(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: extend, updateMask: ["provider"]), token: token)
            #expect(extended.code == .permissionDenied && extended.message.contains("that location is outside their scope"))
            // Out of scope is said before the input is judged.
            var bad = CatalogSample.venue("BAD SLUG", at: annex.id)
            bad.venue?.capacityMax = 0
            let outOfScope = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: bad), token: token)
            #expect(outOfScope.code == .permissionDenied)

            // A taken slug among other problems is one more line of the same answer.
            var clash = CatalogSample.venue("pat", at: studio.id)
            clash.venue?.capacityMax = 0
            let both = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: clash), token: org.token)
            #expect(both.code == .invalidArgument && Set(catalogViolationFields(both)) == ["bookable.venue.capacity_max", "bookable.venue.capacity_min", "bookable.slug"], "\(both)")
        }
    }
}
