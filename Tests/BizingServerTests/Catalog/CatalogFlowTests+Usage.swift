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
            #expect(nested.details.fieldViolations.first?.description.contains("one of: slug, name, type, address, time_zone") == true)

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
}
