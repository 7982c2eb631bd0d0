import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import Testing

/// Slugs (and SKUs) unique among an organization's live objects; soft
/// deletion: a reason, NOT_FOUND afterwards, the row kept; a location that
/// still holds things stays.
@Suite struct CatalogFlowLifecycleTests {
    @Test func slugsAreUniqueAmongAnOrganizationsLiveObjects() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let other = try await h.organization("Other Org")
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let theirStudio = try await h.create(CatalogSample.location("studio"), in: other)
            #expect(theirStudio.slug == studio.slug, "the same slug in another organization is fine")

            // A location.
            let location = try await h.failure(
                CatalogV1.Locations.create, CatalogV1.CreateLocationRequest(organizationId: org.id, location: CatalogSample.location("studio")), token: org.token)
            #expect(location.code == .alreadyExists && catalogViolationFields(location) == ["location.slug"])

            // A bookable: the failed insert leaves no calendar behind.
            let room = try await h.create(CatalogSample.venue("room", at: studio.id), in: org)
            let calendars = try await h.calendarCount()
            let bookable = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: CatalogSample.provider("room", at: studio.id)),
                token: org.token)
            #expect(bookable.code == .alreadyExists && catalogViolationFields(bookable) == ["bookable.slug"])
            #expect(try await h.calendarCount() == calendars)
            #expect(try await h.rowCount("bookables", organizationID: org.id) == 1)
            _ = try await h.create(CatalogSample.venue("room", at: theirStudio.id), in: other)

            // A template, a product (its SKU), a package, a program.
            let template = try await h.create(CatalogSample.template("massage"), in: org)
            let sameTemplate = try await h.failure(
                CatalogV1.ServiceTemplates.create,
                CatalogV1.CreateServiceTemplateRequest(organizationId: org.id, serviceTemplate: CatalogSample.template("massage", price: 1)), token: org.token)
            #expect(sameTemplate.code == .alreadyExists && catalogViolationFields(sameTemplate) == ["service_template.slug"])
            _ = try await h.create(CatalogSample.product("SKU-1"), in: org)
            let sameSKU = try await h.failure(
                CatalogV1.Products.create, CatalogV1.CreateProductRequest(organizationId: org.id, product: CatalogSample.product("SKU-1", location: studio.id)),
                token: org.token)
            #expect(sameSKU.code == .alreadyExists && catalogViolationFields(sameSKU) == ["product.sku"])
            let sold = try await h.create(CatalogSample.template("sold"), in: org)
            _ = try await h.create(CatalogSample.package("bundle", items: [(sold.id, 1)], total: 100), in: org)
            let samePackage = try await h.failure(
                CatalogV1.Packages.create,
                CatalogV1.CreatePackageRequest(organizationId: org.id, servicePackage: CatalogSample.package("bundle", items: [(sold.id, 2)], total: 100)),
                token: org.token)
            #expect(samePackage.code == .alreadyExists && catalogViolationFields(samePackage) == ["service_package.slug"])
            _ = try await h.create(CatalogSample.program("course", templates: [sold.id]), in: org)
            let sameProgram = try await h.failure(
                CatalogV1.Programs.create, CatalogV1.CreateProgramRequest(organizationId: org.id, program: CatalogSample.program("course", templates: [sold.id])),
                token: org.token)
            #expect(sameProgram.code == .alreadyExists && catalogViolationFields(sameProgram) == ["program.slug"])

            // Taking a slug by update is refused the same way, and changes nothing.
            let hall = try await h.create(CatalogSample.venue("hall", at: studio.id), in: org)
            var rename = CatalogV1.Bookable(id: hall.id)
            rename.slug = "room"
            let taken = try await h.failure(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: rename, updateMask: ["slug"]), token: org.token)
            #expect(taken.code == .alreadyExists && catalogViolationFields(taken) == ["bookable.slug"])
            let unchanged: CatalogV1.Bookable = try await h.call(
                CatalogV1.Bookables.get, CatalogV1.GetBookableRequest(organizationId: org.id, bookableId: hall.id), token: org.token)
            #expect(unchanged == hall)
            // Keeping one's own slug is no conflict.
            rename.slug = "hall"
            _ = try await h.call(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: rename, updateMask: ["slug"]), token: org.token,
                as: CatalogV1.Bookable.self)

            // After a soft delete the slug is free again.
            _ = try await h.call(
                CatalogV1.Bookables.delete, CatalogV1.DeleteBookableRequest(organizationId: org.id, bookableId: room.id, reason: "renovated"), token: org.token,
                as: CatalogV1.Bookable.self)
            let reused = try await h.create(CatalogSample.provider("room", at: studio.id), in: org)
            #expect(reused.slug == "room" && reused.id != room.id && reused.calendarId != room.calendarId)
            _ = try await h.call(
                CatalogV1.ServiceTemplates.delete,
                CatalogV1.DeleteServiceTemplateRequest(organizationId: org.id, serviceTemplateId: template.id, reason: "renamed"), token: org.token,
                as: CatalogV1.ServiceTemplate.self)
            #expect(try await h.create(CatalogSample.template("massage"), in: org).slug == "massage")
        }
    }

    @Test func deletionNeedsAReasonAndKeepsTheRow() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("pat", at: studio.id), in: org)
            let keep = try await h.create(CatalogSample.asset("lift", at: studio.id), in: org)

            for reason in ["", "   \n", String(repeating: "r", count: 501)] {
                let refused = try await h.failure(
                    CatalogV1.Bookables.delete, CatalogV1.DeleteBookableRequest(organizationId: org.id, bookableId: provider.id, reason: reason), token: org.token)
                #expect(refused.code == .invalidArgument && catalogViolationFields(refused) == ["reason"], "reason \(reason.prefix(5).debugDescription)")
            }
            #expect(try await h.deletionColumns("bookables", id: provider.id) == CatalogDeletionColumns(deletedAt: nil, deletionReason: nil))

            h.clock.advance(by: .seconds(30))
            let deleted: CatalogV1.Bookable = try await h.call(
                CatalogV1.Bookables.delete, CatalogV1.DeleteBookableRequest(organizationId: org.id, bookableId: provider.id, reason: "  moved away \n"),
                token: org.token)
            #expect(deleted.deletionReason == "moved away", "kept trimmed")
            let deletedAt = try #require(deleted.deletedAt)
            #expect(deleted.updatedAt == deletedAt && deletedAt > provider.updatedAt!)
            var expected = provider
            (expected.updatedAt, expected.deletedAt, expected.deletionReason) = (deletedAt, deletedAt, "moved away")
            #expect(deleted == expected, "the answer is the object as it was, with its deletion")

            // Gone from Get, Update, Delete and List...
            #expect(await h.code(CatalogV1.Bookables.get, CatalogV1.GetBookableRequest(organizationId: org.id, bookableId: provider.id), token: org.token) == .notFound)
            var rename = CatalogV1.Bookable(id: provider.id)
            rename.name = "Back Again"
            #expect(await h.code(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: rename, updateMask: ["name"]), token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.Bookables.delete, CatalogV1.DeleteBookableRequest(organizationId: org.id, bookableId: provider.id, reason: "again"), token: org.token) == .notFound)
            #expect(try await h.allBookables(CatalogV1.ListBookablesRequest(organizationId: org.id), token: org.token).map(\.id) == [keep.id])
            // ...and from templates that would name it.
            let naming = try await h.failure(
                CatalogV1.ServiceTemplates.create,
                CatalogV1.CreateServiceTemplateRequest(organizationId: org.id, serviceTemplate: CatalogSample.template("massage", requiring: provider.id)),
                token: org.token)
            #expect(naming.code == .invalidArgument && catalogViolationFields(naming) == ["service_template.required_bookables[0].bookable_id"])

            // ...but the row stays, with its deletion, and the reason given.
            let columns = try #require(try await h.deletionColumns("bookables", id: provider.id))
            #expect(columns.deletedAt.map { abs($0 - deletedAt.unixMicroseconds) <= 1 } == true, "deleted_at is the instant of the answer")
            #expect(columns.deletionReason == "moved away")
            #expect(try await h.calendar(ofBookable: provider.id) != nil, "its calendar row stays too")
        }
    }

    @Test func everyResourceSoftDeletesTheSameWay() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let spare = try await h.create(CatalogSample.location("spare"), in: org)
            let template = try await h.create(CatalogSample.template("massage"), in: org)
            let product = try await h.create(CatalogSample.product("SKU-1"), in: org)
            let package = try await h.create(CatalogSample.package("bundle", items: [(template.id, 1)], total: 100), in: org)
            let program = try await h.create(CatalogSample.program("course", templates: [template.id]), in: org)

            // Location (and ResolveConfig).
            let noReason = try await h.failure(
                CatalogV1.Locations.delete, CatalogV1.DeleteLocationRequest(organizationId: org.id, locationId: spare.id), token: org.token)
            #expect(noReason.code == .invalidArgument && catalogViolationFields(noReason) == ["reason"])
            _ = try await h.call(
                CatalogV1.Locations.delete, CatalogV1.DeleteLocationRequest(organizationId: org.id, locationId: spare.id, reason: "closed"), token: org.token,
                as: CatalogV1.Location.self)
            #expect(await h.code(CatalogV1.Locations.get, CatalogV1.GetLocationRequest(organizationId: org.id, locationId: spare.id), token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.Locations.resolveConfig, CatalogV1.ResolveConfigRequest(organizationId: org.id, locationId: spare.id), token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.Locations.update,
                CatalogV1.UpdateLocationRequest(organizationId: org.id, location: CatalogV1.Location(id: spare.id, name: "x"), updateMask: ["name"]),
                token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.Locations.delete, CatalogV1.DeleteLocationRequest(organizationId: org.id, locationId: spare.id, reason: "again"), token: org.token) == .notFound)
            #expect(try await h.allLocations(CatalogV1.ListLocationsRequest(organizationId: org.id), token: org.token).map(\.id) == [studio.id])
            #expect(try await h.deletionColumns("locations", id: spare.id)?.deletionReason == "closed")
            // Nothing can be put at a deleted location.
            let atDeleted = try await h.failure(
                CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: CatalogSample.venue("room", at: spare.id)),
                token: org.token)
            #expect(atDeleted.code == .invalidArgument && catalogViolationFields(atDeleted) == ["bookable.location_id"])

            // A template still sold by a package or a program cannot go.
            let inUse = try await h.failure(
                CatalogV1.ServiceTemplates.delete,
                CatalogV1.DeleteServiceTemplateRequest(organizationId: org.id, serviceTemplateId: template.id, reason: "retired"), token: org.token)
            #expect(inUse.code == .failedPrecondition && inUse.message.contains("package 'Package bundle'") && inUse.message.contains("program 'Program course'"))

            // Product.
            _ = try await h.call(
                CatalogV1.Products.delete, CatalogV1.DeleteProductRequest(organizationId: org.id, productId: product.id, reason: "sold out"), token: org.token,
                as: CatalogV1.Product.self)
            #expect(await h.code(CatalogV1.Products.get, CatalogV1.GetProductRequest(organizationId: org.id, productId: product.id), token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.Products.update,
                CatalogV1.UpdateProductRequest(organizationId: org.id, product: CatalogV1.Product(id: product.id, name: "x"), updateMask: ["name"]),
                token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.Products.delete, CatalogV1.DeleteProductRequest(organizationId: org.id, productId: product.id, reason: "again"), token: org.token) == .notFound)
            #expect(try await h.allProducts(CatalogV1.ListProductsRequest(organizationId: org.id), token: org.token).isEmpty)
            #expect(try await h.deletionColumns("products", id: product.id)?.deletionReason == "sold out")

            // Package.
            _ = try await h.call(
                CatalogV1.Packages.delete, CatalogV1.DeletePackageRequest(organizationId: org.id, packageId: package.id, reason: "season over"), token: org.token,
                as: CatalogV1.ServicePackage.self)
            #expect(await h.code(CatalogV1.Packages.get, CatalogV1.GetPackageRequest(organizationId: org.id, packageId: package.id), token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.Packages.update,
                CatalogV1.UpdatePackageRequest(organizationId: org.id, servicePackage: CatalogV1.ServicePackage(id: package.id, name: "x"), updateMask: ["name"]),
                token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.Packages.delete, CatalogV1.DeletePackageRequest(organizationId: org.id, packageId: package.id, reason: "again"), token: org.token) == .notFound)
            #expect(try await h.allPackages(CatalogV1.ListPackagesRequest(organizationId: org.id), token: org.token).isEmpty)
            #expect(try await h.deletionColumns("service_packages", id: package.id)?.deletionReason == "season over")

            // Program.
            _ = try await h.call(
                CatalogV1.Programs.delete, CatalogV1.DeleteProgramRequest(organizationId: org.id, programId: program.id, reason: "no teacher"), token: org.token,
                as: CatalogV1.ProgramTemplate.self)
            #expect(await h.code(CatalogV1.Programs.get, CatalogV1.GetProgramRequest(organizationId: org.id, programId: program.id), token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.Programs.update,
                CatalogV1.UpdateProgramRequest(organizationId: org.id, program: CatalogV1.ProgramTemplate(id: program.id, name: "x"), updateMask: ["name"]),
                token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.Programs.delete, CatalogV1.DeleteProgramRequest(organizationId: org.id, programId: program.id, reason: "again"), token: org.token) == .notFound)
            #expect(try await h.allPrograms(CatalogV1.ListProgramsRequest(organizationId: org.id), token: org.token).isEmpty)
            #expect(try await h.deletionColumns("program_templates", id: program.id)?.deletionReason == "no teacher")

            // Template (and ChangeStatus).
            _ = try await h.call(
                CatalogV1.ServiceTemplates.delete,
                CatalogV1.DeleteServiceTemplateRequest(organizationId: org.id, serviceTemplateId: template.id, reason: "retired"), token: org.token,
                as: CatalogV1.ServiceTemplate.self)
            #expect(await h.code(
                CatalogV1.ServiceTemplates.get, CatalogV1.GetServiceTemplateRequest(organizationId: org.id, serviceTemplateId: template.id), token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.ServiceTemplates.changeStatus,
                CatalogV1.ChangeServiceTemplateStatusRequest(organizationId: org.id, serviceTemplateId: template.id, status: .archived), token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.ServiceTemplates.update,
                CatalogV1.UpdateServiceTemplateRequest(
                    organizationId: org.id, serviceTemplate: CatalogV1.ServiceTemplate(id: template.id, name: "x"), updateMask: ["name"]),
                token: org.token) == .notFound)
            #expect(await h.code(
                CatalogV1.ServiceTemplates.delete,
                CatalogV1.DeleteServiceTemplateRequest(organizationId: org.id, serviceTemplateId: template.id, reason: "again"), token: org.token) == .notFound)
            #expect(try await h.allTemplates(CatalogV1.ListServiceTemplatesRequest(organizationId: org.id), token: org.token).isEmpty)
            #expect(try await h.deletionColumns("service_templates", id: template.id)?.deletionReason == "retired")
        }
    }

    @Test func aLocationHoldingLiveObjectsCannotBeDeleted() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let venue = try await h.create(CatalogSample.venue("room", at: studio.id), in: org)
            let template = try await h.create(CatalogSample.template("massage", location: studio.id), in: org)
            let product = try await h.create(CatalogSample.product("SKU-1", location: studio.id), in: org)
            let delete = CatalogV1.DeleteLocationRequest(organizationId: org.id, locationId: studio.id, reason: "closing")

            let refused = try await h.failure(CatalogV1.Locations.delete, delete, token: org.token)
            #expect(refused.code == .failedPrecondition)
            #expect(refused.message.contains("bookable 'Venue room'") && refused.message.contains("service template 'Service massage'")
                && refused.message.contains("product 'Product SKU-1'"), "names what is there: \(refused.message)")

            // Each removal leaves one fewer thing in the way.
            _ = try await h.call(
                CatalogV1.Bookables.delete, CatalogV1.DeleteBookableRequest(organizationId: org.id, bookableId: venue.id, reason: "gone"), token: org.token,
                as: CatalogV1.Bookable.self)
            let templateLeft = try await h.failure(CatalogV1.Locations.delete, delete, token: org.token)
            #expect(templateLeft.code == .failedPrecondition && !templateLeft.message.contains("bookable"))
            // Moving the template to every location also frees the location.
            var everywhere = CatalogV1.ServiceTemplate(id: template.id)
            everywhere.locationId = ""
            _ = try await h.call(
                CatalogV1.ServiceTemplates.update,
                CatalogV1.UpdateServiceTemplateRequest(organizationId: org.id, serviceTemplate: everywhere, updateMask: ["location_id"]), token: org.token,
                as: CatalogV1.ServiceTemplate.self)
            let productLeft = try await h.failure(CatalogV1.Locations.delete, delete, token: org.token)
            #expect(productLeft.code == .failedPrecondition && productLeft.message.contains("product 'Product SKU-1'") && !productLeft.message.contains("template"))
            _ = try await h.call(
                CatalogV1.Products.delete, CatalogV1.DeleteProductRequest(organizationId: org.id, productId: product.id, reason: "gone"), token: org.token,
                as: CatalogV1.Product.self)

            #expect(try await h.deletionColumns("locations", id: studio.id) == CatalogDeletionColumns(deletedAt: nil, deletionReason: nil), "still live")
            let deleted: CatalogV1.Location = try await h.call(CatalogV1.Locations.delete, delete, token: org.token)
            #expect(deleted.deletionReason == "closing" && deleted.deletedAt != nil)
        }
    }
}
