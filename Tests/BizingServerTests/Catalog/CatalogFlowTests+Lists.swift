import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import Testing

/// Lists: cursor pages that neither repeat nor skip while rows are added,
/// the page size's default and cap, page tokens checked, and every filter.
@Suite struct CatalogFlowListTests {
    @Test func pagesNeitherRepeatNorSkipWhileRowsAreAdded() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let north = try await h.create(CatalogSample.location("north"), in: org)
            let south = try await h.create(CatalogSample.location("south"), in: org)
            var existing: [String] = []
            for index in 0..<20 {
                let location = index.isMultiple(of: 2) ? north.id : south.id
                let bookable = index.isMultiple(of: 3)
                    ? CatalogSample.asset("asset-\(index)", at: location)
                    : CatalogSample.venue("venue-\(index)", at: location)
                existing.append(try await h.create(bookable, in: org).id)
            }

            // Another client adds rows while this one pages.
            let socketPath = h.socketPath, token = org.token, organizationID = org.id
            let writer = Task {
                let client = try await RPCClient.connect(socketPath: socketPath)
                var made: [String] = []
                for index in 0..<10 {
                    let request = CatalogV1.CreateBookableRequest(
                        organizationId: organizationID, bookable: CatalogSample.venue("concurrent-\(index)", at: north.id))
                    let bookable: CatalogV1.Bookable = try await client.unary(
                        CatalogV1.Bookables.create.fullName, request, as: CatalogV1.Bookable.self, metadata: IdentityHarness.metadata(token))
                    made.append(bookable.id)
                }
                try await client.close()
                return made
            }

            var seen: [String] = []
            var between: [String] = []
            var request = CatalogV1.ListBookablesRequest(organizationId: org.id, pageSize: 3)
            var pages = 0
            repeat {
                let page: CatalogV1.ListBookablesResponse = try await h.call(CatalogV1.Bookables.list, request, token: org.token)
                pages += 1
                #expect(page.bookables.count <= 3)
                if !page.nextPageToken.isEmpty { #expect(page.bookables.count == 3, "only the last page is short") }
                seen += page.bookables.map(\.id)
                request.pageToken = page.nextPageToken
                // A row added between pages, on this connection (while there are pages to come).
                if pages <= 6 && !page.nextPageToken.isEmpty {
                    between.append(try await h.create(CatalogSample.asset("between-\(pages)", at: south.id), in: org).id)
                }
            } while !request.pageToken.isEmpty && pages < 100
            let concurrent = try await writer.value

            #expect(Set(seen).count == seen.count, "no row on two pages")
            #expect(seen == seen.sorted(), "pages go in id order")
            #expect(Set(existing).isSubset(of: Set(seen)), "every row that existed before paging began was seen")
            #expect(Set(between).isSubset(of: Set(seen)), "a row added after a page came back sorts after it, so a later page has it")
            #expect(Set(seen).isSubset(of: Set(existing + between + concurrent)))

            // At rest, everything once.
            let all = try await h.allBookables(CatalogV1.ListBookablesRequest(organizationId: org.id, pageSize: 3), token: org.token)
            #expect(all.map(\.id) == (existing + between + concurrent).sorted())
        }
    }

    @Test func pageSizeZeroMeansFiftyAndTheMostIsTwoHundred() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            var made: [String] = []
            try await withThrowingTaskGroup(of: [String].self) { group in
                for lane in 0..<4 {
                    group.addTask {
                        var ids: [String] = []
                        for index in stride(from: lane, to: 205, by: 4) {
                            ids.append(try await h.create(CatalogSample.virtualLocation("online-\(index)"), in: org).id)
                        }
                        return ids
                    }
                }
                for try await ids in group { made += ids }
            }
            made.sort()
            #expect(made.count == 205)

            let byDefault: CatalogV1.ListLocationsResponse = try await h.call(
                CatalogV1.Locations.list, CatalogV1.ListLocationsRequest(organizationId: org.id, pageSize: 0), token: org.token)
            #expect(byDefault.locations.map(\.id) == Array(made.prefix(50)))
            #expect(!byDefault.nextPageToken.isEmpty)

            for size: UInt32 in [200, 201, 1_000, .max] {
                let capped: CatalogV1.ListLocationsResponse = try await h.call(
                    CatalogV1.Locations.list, CatalogV1.ListLocationsRequest(organizationId: org.id, pageSize: size), token: org.token)
                #expect(capped.locations.map(\.id) == Array(made.prefix(200)), "page_size \(size)")
                #expect(!capped.nextPageToken.isEmpty)
                let rest: CatalogV1.ListLocationsResponse = try await h.call(
                    CatalogV1.Locations.list, CatalogV1.ListLocationsRequest(organizationId: org.id, pageSize: size, pageToken: capped.nextPageToken),
                    token: org.token)
                #expect(rest.locations.map(\.id) == Array(made.suffix(5)) && rest.nextPageToken.isEmpty)
            }

            // Walking with the default: 50, 50, 50, 50, 5.
            var sizes: [Int] = []
            var request = CatalogV1.ListLocationsRequest(organizationId: org.id)
            var walked: [String] = []
            repeat {
                let page: CatalogV1.ListLocationsResponse = try await h.call(CatalogV1.Locations.list, request, token: org.token)
                sizes.append(page.locations.count)
                walked += page.locations.map(\.id)
                request.pageToken = page.nextPageToken
            } while !request.pageToken.isEmpty && sizes.count < 10
            #expect(sizes == [50, 50, 50, 50, 5])
            #expect(walked == made)
        }
    }

    @Test func aFullLastPageHasNoNextToken() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            var made: [String] = []
            for index in 0..<6 { made.append(try await h.create(CatalogSample.product("SKU-\(index)"), in: org).id) }
            let first: CatalogV1.ListProductsResponse = try await h.call(
                CatalogV1.Products.list, CatalogV1.ListProductsRequest(organizationId: org.id, pageSize: 3), token: org.token)
            #expect(first.products.map(\.id) == Array(made.prefix(3)) && !first.nextPageToken.isEmpty)
            let second: CatalogV1.ListProductsResponse = try await h.call(
                CatalogV1.Products.list, CatalogV1.ListProductsRequest(organizationId: org.id, pageSize: 3, pageToken: first.nextPageToken), token: org.token)
            #expect(second.products.map(\.id) == Array(made.suffix(3)))
            #expect(second.nextPageToken.isEmpty, "exactly a page left: no token to an empty page")

            // The row a token points after may be deleted: the next page is still the rest.
            _ = try await h.call(
                CatalogV1.Products.delete, CatalogV1.DeleteProductRequest(organizationId: org.id, productId: made[2], reason: "gone"), token: org.token,
                as: CatalogV1.Product.self)
            let afterDeleted: CatalogV1.ListProductsResponse = try await h.call(
                CatalogV1.Products.list, CatalogV1.ListProductsRequest(organizationId: org.id, pageSize: 3, pageToken: first.nextPageToken), token: org.token)
            #expect(afterDeleted.products.map(\.id) == Array(made.suffix(3)))
            let empty: CatalogV1.ListPackagesResponse = try await h.call(
                CatalogV1.Packages.list, CatalogV1.ListPackagesRequest(organizationId: org.id), token: org.token)
            #expect(empty.packages.isEmpty && empty.nextPageToken.isEmpty)
        }
    }

    @Test func aGarbagePageTokenIsInvalidArgument() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let notAnID = Data("v1:not-an-id".utf8).base64EncodedString()
            for token in ["garbage!", "djE6", notAnID, String(repeating: "A", count: 100)] {
                let refusals = [
                    try await h.failure(CatalogV1.Locations.list, CatalogV1.ListLocationsRequest(organizationId: org.id, pageToken: token), token: org.token),
                    try await h.failure(CatalogV1.Bookables.list, CatalogV1.ListBookablesRequest(organizationId: org.id, pageToken: token), token: org.token),
                    try await h.failure(
                        CatalogV1.ServiceTemplates.list, CatalogV1.ListServiceTemplatesRequest(organizationId: org.id, pageToken: token), token: org.token),
                    try await h.failure(CatalogV1.Products.list, CatalogV1.ListProductsRequest(organizationId: org.id, pageToken: token), token: org.token),
                    try await h.failure(CatalogV1.Packages.list, CatalogV1.ListPackagesRequest(organizationId: org.id, pageToken: token), token: org.token),
                    try await h.failure(CatalogV1.Programs.list, CatalogV1.ListProgramsRequest(organizationId: org.id, pageToken: token), token: org.token),
                ]
                for refused in refusals {
                    #expect(refused.code == .invalidArgument && catalogViolationFields(refused) == ["page_token"], "token \(token.prefix(12))")
                }
            }
            // A malformed organization and a malformed token: both reported.
            let both = try await h.failure(
                CatalogV1.Bookables.list, CatalogV1.ListBookablesRequest(organizationId: "nope", pageToken: "garbage!"), token: org.token)
            #expect(both.code == .invalidArgument && Set(catalogViolationFields(both)) == ["organization_id", "page_token"])
        }
    }

    @Test func bookableFiltersReturnExactlyTheMatchingRows() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let other = try await h.organization("Other Org")
            let north = try await h.create(CatalogSample.location("north"), in: org)
            let south = try await h.create(CatalogSample.location("south"), in: org)
            let theirs = try await h.create(CatalogSample.location("theirs"), in: other)
            _ = try await h.create(CatalogSample.provider("their-pat", at: theirs.id, category: "massage", tags: ["deep-tissue"]), in: other)

            let b1 = try await h.create(CatalogSample.provider("b1", at: north.id, category: "massage", tags: ["deep-tissue", "prenatal"]), in: org)
            let b2 = try await h.create(CatalogSample.provider("b2", at: south.id, category: "massage", tags: ["deep-tissue"]), in: org)
            let b3 = try await h.create(CatalogSample.venue("b3", at: north.id, category: "rooms", tags: ["large", "quiet"]), in: org)
            var inactive = CatalogSample.venue("b4", at: north.id, category: "rooms", tags: ["large"])
            inactive.status = .inactive
            let b4 = try await h.create(inactive, in: org)
            var maintenance = CatalogSample.asset("b5", at: south.id)
            maintenance.status = .maintenance
            let b5 = try await h.create(maintenance, in: org)
            let b6 = try await h.create(CatalogSample.asset("b6", at: north.id, category: "massage", tags: ["prenatal"]), in: org)
            #expect(b4.status == .inactive && b5.status == .maintenance)

            func ids(_ request: CatalogV1.ListBookablesRequest) async throws -> [String] {
                var request = request
                request.organizationId = org.id
                request.pageSize = 2
                return try await h.allBookables(request, token: org.token).map(\.id)
            }
            #expect(try await ids(.init()) == [b1, b2, b3, b4, b5, b6].map(\.id))
            #expect(try await ids(.init(locationId: north.id)) == [b1, b3, b4, b6].map(\.id))
            #expect(try await ids(.init(locationId: north.id.uppercased())) == [b1, b3, b4, b6].map(\.id), "ids in any case")
            #expect(try await ids(.init(locationId: south.id)) == [b2, b5].map(\.id))
            #expect(try await ids(.init(locationId: theirs.id)).isEmpty, "another organization's location matches nothing here")
            #expect(try await ids(.init(kind: .venue)) == [b3, b4].map(\.id))
            #expect(try await ids(.init(kind: .provider)) == [b1, b2].map(\.id))
            #expect(try await ids(.init(kind: .companyProvider)).isEmpty)
            #expect(try await ids(.init(status: .inactive)) == [b4.id])
            #expect(try await ids(.init(status: .active)) == [b1, b2, b3, b6].map(\.id))
            #expect(try await ids(.init(status: .retired)).isEmpty)
            #expect(try await ids(.init(tags: ["deep-tissue"])) == [b1, b2].map(\.id))
            #expect(try await ids(.init(tags: ["deep-tissue", "prenatal"])) == [b1.id], "every tag listed must be present")
            #expect(try await ids(.init(tags: ["prenatal"])) == [b1, b6].map(\.id))
            #expect(try await ids(.init(tags: ["large", "quiet"])) == [b3.id])
            #expect(try await ids(.init(tags: ["large", "missing"])).isEmpty)
            #expect(try await ids(.init(category: "massage")) == [b1, b2, b6].map(\.id))
            #expect(try await ids(.init(category: "rooms")) == [b3, b4].map(\.id))
            #expect(try await ids(.init(locationId: north.id, kind: .provider, tags: ["prenatal"], category: "massage")) == [b1.id])
            #expect(try await ids(.init(locationId: north.id, status: .active, tags: ["large"])) == [b3.id])

            // A deleted row matches no filter.
            _ = try await h.call(
                CatalogV1.Bookables.delete, CatalogV1.DeleteBookableRequest(organizationId: org.id, bookableId: b2.id, reason: "left"), token: org.token,
                as: CatalogV1.Bookable.self)
            #expect(try await ids(.init(tags: ["deep-tissue"])) == [b1.id])
            #expect(try await ids(.init(locationId: south.id)) == [b5.id])

            // A malformed filter is INVALID_ARGUMENT, not an empty page.
            let malformed = try await h.failure(
                CatalogV1.Bookables.list,
                CatalogV1.ListBookablesRequest(
                    organizationId: org.id, locationId: "north", kind: .unrecognized(99), tags: ["Deep Tissue", "ok", "ok"], category: "Massage!"),
                token: org.token)
            #expect(malformed.code == .invalidArgument)
            #expect(Set(catalogViolationFields(malformed)) == ["location_id", "kind", "tags[0]", "tags[2]", "category"])
        }
    }

    @Test func templateAndProductFiltersIncludeOrganizationWideOnesAtALocation() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let north = try await h.create(CatalogSample.location("north"), in: org)
            let south = try await h.create(CatalogSample.location("south"), in: org)
            let provider = try await h.create(CatalogSample.provider("pat", at: north.id), in: org)

            let t1 = try await h.create(CatalogSample.template("t1", location: north.id, category: "massage", tags: ["calm"]), in: org)
            var rental = CatalogSample.template("t2", category: "rooms", tags: ["calm", "evening"])
            rental.type = .rental
            let t2 = try await h.create(rental, in: org)
            let t3 = try await h.create(CatalogSample.template("t3", location: south.id, category: "massage"), in: org)
            let t4 = try await h.activeTemplate("t4", requiring: provider.id, in: org)

            func templates(_ request: CatalogV1.ListServiceTemplatesRequest) async throws -> [String] {
                var request = request
                request.organizationId = org.id
                request.pageSize = 2
                return try await h.allTemplates(request, token: org.token).map(\.id)
            }
            #expect(try await templates(.init(locationId: north.id)) == [t1, t2, t4].map(\.id), "a location's own and the organization-wide ones")
            #expect(try await templates(.init(locationId: south.id)) == [t2, t3, t4].map(\.id))
            #expect(try await templates(.init(type: .rental)) == [t2.id])
            #expect(try await templates(.init(type: .appointment)) == [t1, t3, t4].map(\.id))
            #expect(try await templates(.init(status: .active)) == [t4.id])
            #expect(try await templates(.init(status: .draft)) == [t1, t2, t3].map(\.id))
            #expect(try await templates(.init(tags: ["calm"])) == [t1, t2].map(\.id))
            #expect(try await templates(.init(tags: ["calm", "evening"])) == [t2.id])
            #expect(try await templates(.init(category: "massage")) == [t1, t3].map(\.id))
            #expect(try await templates(.init(locationId: south.id, category: "massage")) == [t3.id])
            #expect(try await templates(.init(locationId: north.id, status: .draft, tags: ["calm"])) == [t1, t2].map(\.id))

            let p1 = try await h.create(CatalogSample.product("P1", location: north.id, tags: ["oils"]), in: org)
            let p2 = try await h.create(
                CatalogV1.Product(name: "Guide", sku: "P2", type: .digital, digital: CatalogV1.DigitalDetails(fileUrl: "https://example.com/g.pdf"),
                                  price: CatalogSample.money(500), tags: ["oils", "books"]), in: org)
            var inactive = CatalogSample.product("P3", location: south.id)
            inactive.status = .inactive
            let p3 = try await h.create(inactive, in: org)

            func products(_ request: CatalogV1.ListProductsRequest) async throws -> [String] {
                var request = request
                request.organizationId = org.id
                request.pageSize = 2
                return try await h.allProducts(request, token: org.token).map(\.id)
            }
            #expect(try await products(.init(locationId: north.id)) == [p1, p2].map(\.id), "a location's own and those sold everywhere")
            #expect(try await products(.init(locationId: south.id)) == [p2, p3].map(\.id))
            #expect(try await products(.init(type: .digital)) == [p2.id])
            #expect(try await products(.init(type: .physical)) == [p1, p3].map(\.id))
            #expect(try await products(.init(status: .inactive)) == [p3.id])
            #expect(try await products(.init(tags: ["oils"])) == [p1, p2].map(\.id))
            #expect(try await products(.init(tags: ["oils", "books"])) == [p2.id])
            #expect(try await products(.init(locationId: south.id, status: .active)) == [p2.id])
        }
    }

    @Test func locationPackageAndProgramFilters() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let physical = try await h.create(CatalogSample.location("physical"), in: org)
            let online = try await h.create(CatalogSample.virtualLocation("online"), in: org)
            var closed = CatalogSample.virtualLocation("closed")
            closed.status = .inactive
            let inactive = try await h.create(closed, in: org)
            let mobile = try await h.create(
                CatalogV1.Location(
                    slug: "van", name: "Van", type: .mobile, timeZone: "America/New_York",
                    serviceArea: CatalogV1.ServiceArea(radiusMiles: 25, center: CatalogV1.Coordinates(latitude: 40.7, longitude: -74))),
                in: org)
            let byType: (CatalogV1.LocationType) async throws -> [String] = { type in
                try await h.allLocations(CatalogV1.ListLocationsRequest(organizationId: org.id, type: type), token: org.token).map(\.id)
            }
            #expect(try await byType(.virtual) == [online, inactive].map(\.id))
            #expect(try await byType(.physical) == [physical.id])
            #expect(try await byType(.mobile) == [mobile.id])
            #expect(try await h.allLocations(CatalogV1.ListLocationsRequest(organizationId: org.id, status: .inactive), token: org.token).map(\.id) == [inactive.id])
            #expect(try await h.allLocations(CatalogV1.ListLocationsRequest(organizationId: org.id, status: .active, type: .virtual), token: org.token)
                .map(\.id) == [online.id])

            let template = try await h.create(CatalogSample.template("massage"), in: org)
            let activePackage = try await h.create(CatalogSample.package("a", items: [(template.id, 1)], total: 100), in: org)
            var off = CatalogSample.package("b", items: [(template.id, 2)], total: 100)
            off.status = .inactive
            let inactivePackage = try await h.create(off, in: org)
            #expect(try await h.allPackages(CatalogV1.ListPackagesRequest(organizationId: org.id, status: .inactive), token: org.token).map(\.id)
                == [inactivePackage.id])
            #expect(try await h.allPackages(CatalogV1.ListPackagesRequest(organizationId: org.id, status: .active), token: org.token).map(\.id)
                == [activePackage.id])

            let draft = try await h.create(CatalogSample.program("draft", templates: [template.id]), in: org)
            var running = CatalogSample.program("running", templates: [template.id])
            running.status = .active
            let active = try await h.create(running, in: org)
            #expect(active.status == .active, "a program may start active")
            #expect(try await h.allPrograms(CatalogV1.ListProgramsRequest(organizationId: org.id, status: .draft), token: org.token).map(\.id) == [draft.id])
            #expect(try await h.allPrograms(CatalogV1.ListProgramsRequest(organizationId: org.id, status: .active), token: org.token).map(\.id) == [active.id])
            #expect(try await h.allPrograms(CatalogV1.ListProgramsRequest(organizationId: org.id, status: .archived), token: org.token).isEmpty)
        }
    }
}
