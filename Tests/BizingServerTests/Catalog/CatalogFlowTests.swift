import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import Testing

/// Every Catalog RPC's happy path over a real socket and a real SQLite file:
/// Locations (and ResolveConfig), the four kinds of bookable and their
/// calendars, service templates (and ChangeStatus), products, packages and
/// programs.
@Suite struct CatalogFlowTests {
    // MARK: Locations

    @Test func locationsCreateGetUpdateListDelete() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let created = try await h.create(CatalogSample.location("downtown"), in: org)
            #expect(UUID(uuidString: created.id) != nil && created.id == created.id.lowercased())
            #expect(created.organizationId == org.id)
            #expect(created.slug == "downtown" && created.name == "Location downtown")
            #expect(created.type == .physical && created.status == .active, "unspecified status reads as active")
            #expect(created.timeZone == "America/New_York")
            #expect(created.address?.country == "US" && created.operatingHours == CatalogSample.weekdays)
            #expect(created.createdAt != nil && created.updatedAt == created.createdAt)
            #expect(created.deletedAt == nil && created.deletionReason.isEmpty)

            // The id, timestamps and deletion fields of a request are ignored.
            var forged = CatalogSample.location("forged")
            forged.id = UUID().uuidString.lowercased()
            forged.createdAt = Date(timeIntervalSince1970: 0)
            forged.deletedAt = Date(timeIntervalSince1970: 0)
            forged.deletionReason = "forged"
            let second = try await h.create(forged, in: org)
            #expect(second.id != forged.id && second.createdAt == created.createdAt)
            #expect(second.deletedAt == nil && second.deletionReason.isEmpty)

            let got: CatalogV1.Location = try await h.call(
                CatalogV1.Locations.get, CatalogV1.GetLocationRequest(organizationId: org.id, locationId: created.id), token: org.token)
            #expect(got == created)

            h.clock.advance(by: .seconds(60))
            var patch = CatalogV1.Location(id: created.id)
            patch.name = "Downtown Studio"
            let updated: CatalogV1.Location = try await h.call(
                CatalogV1.Locations.update, CatalogV1.UpdateLocationRequest(organizationId: org.id, location: patch, updateMask: ["name"]),
                token: org.token)
            #expect(updated.name == "Downtown Studio")
            #expect(updated.updatedAt! > created.updatedAt! && updated.createdAt == created.createdAt)
            let reread: CatalogV1.Location = try await h.call(
                CatalogV1.Locations.get, CatalogV1.GetLocationRequest(organizationId: org.id, locationId: created.id), token: org.token)
            #expect(reread == updated)

            let online = try await h.create(CatalogSample.virtualLocation("online"), in: org)
            #expect(online.type == .virtual && online.address == nil)
            let listed: CatalogV1.ListLocationsResponse = try await h.call(
                CatalogV1.Locations.list, CatalogV1.ListLocationsRequest(organizationId: org.id), token: org.token)
            #expect(listed.locations.map(\.id) == [created.id, second.id, online.id], "in id order, which is creation order")
            #expect(listed.locations.first == updated)
            #expect(listed.nextPageToken.isEmpty)

            let deleted: CatalogV1.Location = try await h.call(
                CatalogV1.Locations.delete, CatalogV1.DeleteLocationRequest(organizationId: org.id, locationId: second.id, reason: "opened by mistake"),
                token: org.token)
            #expect(deleted.id == second.id && deleted.deletedAt != nil && deleted.deletionReason == "opened by mistake")
            let after = try await h.allLocations(CatalogV1.ListLocationsRequest(organizationId: org.id), token: org.token)
            #expect(after.map(\.id) == [created.id, online.id])
        }
    }

    @Test func resolveConfigReportsWhereEachSettingComesFrom() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization(currency: "USD")
            let organization: IdentityV1.Organization = try await h.call(
                IdentityV1.Organizations.get, IdentityV1.GetOrganizationRequest(organizationId: org.id), token: org.token)
            let inherits = try await h.create(CatalogSample.location("inherits", timeZone: "America/Chicago"), in: org)

            let plain: CatalogV1.ResolvedConfig = try await h.call(
                CatalogV1.Locations.resolveConfig, CatalogV1.ResolveConfigRequest(organizationId: org.id, locationId: inherits.id), token: org.token)
            #expect(plain.locationId == inherits.id)
            #expect(plain.timeZone == "America/Chicago", "the location's own zone, not the organization's")
            #expect(plain.currency == "USD" && plain.currencySource == .organization)
            #expect(plain.cancellationPolicy == organization.cancellationPolicy && plain.cancellationPolicySource == .organization)
            #expect(plain.features == organization.features)

            // A location overriding both.
            let strict = IdentityV1.CancellationPolicy(
                allowClientCancellation: false, refundTiers: [IdentityV1.RefundTier(minHoursBefore: 48, refundPercent: 50)],
                noShow: IdentityV1.NoShowPolicy(gracePeriodMinutes: 5, chargePercent: 100))
            var paris = CatalogSample.location("paris", timeZone: "Europe/Paris", currency: "EUR")
            paris.address?.country = "FR"
            paris.configOverride?.cancellationPolicy = strict
            let overriding = try await h.create(paris, in: org)
            let own: CatalogV1.ResolvedConfig = try await h.call(
                CatalogV1.Locations.resolveConfig, CatalogV1.ResolveConfigRequest(organizationId: org.id, locationId: overriding.id), token: org.token)
            #expect(own.timeZone == "Europe/Paris")
            #expect(own.currency == "EUR" && own.currencySource == .location)
            #expect(own.cancellationPolicy == strict && own.cancellationPolicySource == .location)
            #expect(own.features == organization.features)

            // Only the currency overridden: the policy is still the organization's.
            var half = CatalogSample.location("half", currency: "CAD")
            half.address?.country = "CA"
            let halfway = try await h.create(half, in: org)
            let mixed: CatalogV1.ResolvedConfig = try await h.call(
                CatalogV1.Locations.resolveConfig, CatalogV1.ResolveConfigRequest(organizationId: org.id, locationId: halfway.id), token: org.token)
            #expect(mixed.currency == "CAD" && mixed.currencySource == .location)
            #expect(mixed.cancellationPolicy == organization.cancellationPolicy && mixed.cancellationPolicySource == .organization)

            // The organization's defaults are read live: a change there shows at once where nothing overrides it.
            var changes = IdentityV1.UpdateOrganizationRequest(organizationId: org.id)
            changes.currency = "GBP"
            _ = try await h.call(IdentityV1.Organizations.update, changes, token: org.token, as: IdentityV1.Organization.self)
            let followed: CatalogV1.ResolvedConfig = try await h.call(
                CatalogV1.Locations.resolveConfig, CatalogV1.ResolveConfigRequest(organizationId: org.id, locationId: inherits.id), token: org.token)
            #expect(followed.currency == "GBP" && followed.currencySource == .organization)
            let kept: CatalogV1.ResolvedConfig = try await h.call(
                CatalogV1.Locations.resolveConfig, CatalogV1.ResolveConfigRequest(organizationId: org.id, locationId: overriding.id), token: org.token)
            #expect(kept.currency == "EUR" && kept.currencySource == .location)

            // Dropping the override: back to the organization's.
            var patch = CatalogV1.Location(id: overriding.id)
            patch.configOverride = nil
            _ = try await h.call(
                CatalogV1.Locations.update, CatalogV1.UpdateLocationRequest(organizationId: org.id, location: patch, updateMask: ["config_override"]),
                token: org.token, as: CatalogV1.Location.self)
            let dropped: CatalogV1.ResolvedConfig = try await h.call(
                CatalogV1.Locations.resolveConfig, CatalogV1.ResolveConfigRequest(organizationId: org.id, locationId: overriding.id), token: org.token)
            #expect(dropped.currency == "GBP" && dropped.currencySource == .organization && dropped.cancellationPolicySource == .organization)
        }
    }

    // MARK: Bookables

    @Test func bookablesOfEveryKindWithTheirCalendars() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio", timeZone: "America/New_York"), in: org)
            let annex = try await h.create(CatalogSample.location("annex", timeZone: "America/Los_Angeles"), in: org)
            let therapist = try await h.member(of: org, "Theo Therapist", role: .provider)

            // A provider who is a member, working at both locations.
            var providerRequest = CatalogSample.provider("theo", at: studio.id, userID: therapist.id, category: "massage", tags: ["deep-tissue"])
            providerRequest.provider?.locationIds = [annex.id]
            providerRequest.provider?.certifications = [
                CatalogV1.Certification(type: "massage-license", issuedBy: "State Board", issuedAt: h.clock.now.addingTimeInterval(-86_400 * 365),
                                        expiresAt: h.clock.now.addingTimeInterval(86_400 * 30)),
            ]
            providerRequest.provider?.paymentProfile = CatalogV1.PaymentProfile(
                hourlyRate: CatalogSample.money(4_000), commissionBasisPoints: 7_000)
            let provider = try await h.create(providerRequest, in: org)
            #expect(provider.kind == .provider && provider.status == .active)
            #expect(provider.provider?.userId == therapist.id)
            #expect(provider.provider?.locationIds == [annex.id, studio.id], "the home location is always one they work at (appended)")
            #expect(provider.provider?.paymentProfile?.hourlyRate == CatalogSample.money(4_000, "USD"), "the currency in force fills an empty one")
            let certification = try #require(provider.provider?.certifications.first)
            #expect(UUID(uuidString: certification.id) != nil, "the server assigns certification ids")
            #expect(!certification.expired)

            let asset = try await h.create(CatalogSample.asset("van-1", at: studio.id, category: "vehicle"), in: org)
            #expect(asset.kind == .asset && asset.asset?.assetType == .equipment && asset.asset?.serialNumber == "SN-van-1")
            let venue = try await h.create(CatalogSample.venue("room-a", at: annex.id), in: org)
            #expect(venue.kind == .venue && venue.venue?.capacityMax == 12 && venue.venue?.amenities == ["projector"])

            // A company provider: a company household whose technicians joined,
            // its primary contact a member of the organization.
            let boss = try await h.member(of: org, "Company Boss", role: .provider)
            let techA = try await h.outsider("Tech A"), techB = try await h.outsider("Tech B")
            let household = try await h.companyHousehold("ABC Plumbing", primary: boss, joined: [techA, techB])
            let company = try await h.create(
                CatalogSample.companyProvider("abc-plumbing", at: studio.id, household: household.id, technicians: [techA.id, boss.id, techB.id]), in: org)
            #expect(company.kind == .companyProvider)
            #expect(company.companyProvider?.householdId == household.id)
            #expect(company.companyProvider?.technicianIds == [techA.id, boss.id, techB.id])
            #expect(company.companyProvider?.dispatchMethod == .manual, "unspecified dispatch reads as manual")

            // Each has its own calendar, in its location's zone.
            let all = [provider, asset, venue, company]
            #expect(Set(all.map(\.calendarId)).count == 4)
            for bookable in all {
                #expect(UUID(uuidString: bookable.calendarId) != nil)
                let calendar = try #require(try await h.calendar(ofBookable: bookable.id), "\(bookable.slug) has a calendar row")
                #expect(calendar.id == bookable.calendarId)
                #expect(calendar.organizationID == org.id)
                #expect(calendar.timeZone == (bookable.locationId == studio.id ? "America/New_York" : "America/Los_Angeles"))
            }
            #expect(try await h.calendarCount() == 4)

            // Get answers what Create did.
            for bookable in all {
                let got: CatalogV1.Bookable = try await h.call(
                    CatalogV1.Bookables.get, CatalogV1.GetBookableRequest(organizationId: org.id, bookableId: bookable.id), token: org.token)
                #expect(got == bookable)
            }
            let listed: CatalogV1.ListBookablesResponse = try await h.call(
                CatalogV1.Bookables.list, CatalogV1.ListBookablesRequest(organizationId: org.id), token: org.token)
            #expect(listed.bookables == all && listed.nextPageToken.isEmpty)

            // Update: a rename; then the asset moves, and its calendar takes the new zone.
            h.clock.advance(by: .seconds(5))
            var rename = CatalogV1.Bookable(id: venue.id)
            rename.name = "Room A (large)"
            let renamed: CatalogV1.Bookable = try await h.call(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: rename, updateMask: ["name"]), token: org.token)
            #expect(renamed.name == "Room A (large)" && renamed.calendarId == venue.calendarId && renamed.updatedAt! > venue.updatedAt!)

            var move = CatalogV1.Bookable(id: asset.id)
            move.locationId = annex.id
            let moved: CatalogV1.Bookable = try await h.call(
                CatalogV1.Bookables.update, CatalogV1.UpdateBookableRequest(organizationId: org.id, bookable: move, updateMask: ["location_id"]), token: org.token)
            #expect(moved.locationId == annex.id && moved.calendarId == asset.calendarId)
            #expect(try await h.calendar(ofBookable: asset.id)?.timeZone == "America/Los_Angeles")

            // The studio's zone changes: the calendars of the bookables at it follow; the others stay.
            var zone = CatalogV1.Location(id: studio.id)
            zone.timeZone = "America/Chicago"
            _ = try await h.call(
                CatalogV1.Locations.update, CatalogV1.UpdateLocationRequest(organizationId: org.id, location: zone, updateMask: ["time_zone"]),
                token: org.token, as: CatalogV1.Location.self)
            #expect(try await h.calendar(ofBookable: provider.id)?.timeZone == "America/Chicago")
            #expect(try await h.calendar(ofBookable: company.id)?.timeZone == "America/Chicago")
            #expect(try await h.calendar(ofBookable: asset.id)?.timeZone == "America/Los_Angeles")
            #expect(try await h.calendar(ofBookable: venue.id)?.timeZone == "America/Los_Angeles")

            let deleted: CatalogV1.Bookable = try await h.call(
                CatalogV1.Bookables.delete, CatalogV1.DeleteBookableRequest(organizationId: org.id, bookableId: venue.id, reason: "room converted"),
                token: org.token)
            #expect(deleted.deletedAt != nil && deleted.deletionReason == "room converted")
            let remaining = try await h.allBookables(CatalogV1.ListBookablesRequest(organizationId: org.id), token: org.token)
            #expect(remaining.map(\.id) == [provider.id, asset.id, company.id])
        }
    }

    @Test
    func aCalendarIDInACreateRequestIsIgnored() async throws {
        // calendar_id is output only ("created with the bookable"), but
        // Sources/Catalog/Service/Kinds/BookableCatalogKind.swift normalize()
        // makes one only when the request's is empty, and saved() inserts the
        // calendar only when it parses as a UUID: "not-a-calendar" is kept and
        // answered, with no calendars row; another bookable's calendar id
        // fails the calendars primary key and answers INTERNAL.
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let first = try await h.create(CatalogSample.venue("first", at: studio.id), in: org)

            var garbled = CatalogSample.venue("garbled", at: studio.id)
            garbled.calendarId = "not-a-calendar"
            let made = try await h.create(garbled, in: org)
            #expect(UUID(uuidString: made.calendarId) != nil, "the server makes the calendar id: \(made.calendarId)")
            #expect(try await h.calendar(ofBookable: made.id)?.id == made.calendarId, "and the calendar")

            var borrowed = CatalogSample.venue("borrowed", at: studio.id)
            borrowed.calendarId = first.calendarId
            let status = await h.code(CatalogV1.Bookables.create, CatalogV1.CreateBookableRequest(organizationId: org.id, bookable: borrowed), token: org.token)
            #expect(status == .ok, "another bookable's calendar id in the request is ignored too")
            #expect(try await h.calendar(id: first.calendarId)?.bookableID == first.id)
        }
    }

    @Test func aCertificationPastItsExpiryIsFlaggedOnRead() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            var request = CatalogSample.provider("cpr-holder", at: studio.id)
            request.provider?.certifications = [
                CatalogV1.Certification(type: "cpr", issuedAt: h.clock.now.addingTimeInterval(-3_600), expiresAt: h.clock.now.addingTimeInterval(3_600)),
            ]
            let created = try await h.create(request, in: org)
            #expect(created.provider?.certifications.first?.expired == false)
            h.clock.advance(by: .seconds(7_200))
            let later: CatalogV1.Bookable = try await h.call(
                CatalogV1.Bookables.get, CatalogV1.GetBookableRequest(organizationId: org.id, bookableId: created.id), token: org.token)
            #expect(later.provider?.certifications.first?.expired == true, "kept, and flagged")
            #expect(later.provider?.certifications.first?.id == created.provider?.certifications.first?.id)
        }
    }

    // MARK: Service templates

    @Test func serviceTemplatesAndTheirStatusMoves() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("pat", at: studio.id), in: org)

            // A new template is a draft whatever the request says; defaults filled.
            var request = CatalogSample.template("massage-60", location: studio.id, requiring: provider.id, price: 9_000)
            request.status = .active
            let created = try await h.create(request, in: org)
            #expect(created.status == .draft)
            #expect(created.capacity == CatalogV1.Capacity(type: .individual))
            #expect(created.requiredBookables == [CatalogV1.BookableRequirement(kind: .provider, bookableId: provider.id, count: 1, role: .primary)])
            #expect(created.pricing?.basePrice == CatalogSample.money(9_000, "USD"))

            let got: CatalogV1.ServiceTemplate = try await h.call(
                CatalogV1.ServiceTemplates.get, CatalogV1.GetServiceTemplateRequest(organizationId: org.id, serviceTemplateId: created.id), token: org.token)
            #expect(got == created)

            var patch = CatalogV1.ServiceTemplate(id: created.id)
            patch.description = "An hour of massage."
            let described: CatalogV1.ServiceTemplate = try await h.call(
                CatalogV1.ServiceTemplates.update,
                CatalogV1.UpdateServiceTemplateRequest(organizationId: org.id, serviceTemplate: patch, updateMask: ["description"]), token: org.token)
            #expect(described.description == "An hour of massage." && described.status == .draft)

            // Status is ChangeStatus's alone.
            var statusPatch = CatalogV1.ServiceTemplate(id: created.id)
            statusPatch.status = .active
            let masked = try await h.failure(
                CatalogV1.ServiceTemplates.update,
                CatalogV1.UpdateServiceTemplateRequest(organizationId: org.id, serviceTemplate: statusPatch, updateMask: ["status"]), token: org.token)
            #expect(masked.code == .invalidArgument && catalogViolationFields(masked) == ["update_mask[0]"])

            // draft -> active -> paused -> active -> archived.
            for next in [CatalogV1.ServiceTemplateStatus.active, .paused, .active, .archived] {
                let moved = try await h.changeStatus(created.id, to: next, in: org)
                #expect(moved.status == next)
                let reread: CatalogV1.ServiceTemplate = try await h.call(
                    CatalogV1.ServiceTemplates.get, CatalogV1.GetServiceTemplateRequest(organizationId: org.id, serviceTemplateId: created.id),
                    token: org.token)
                #expect(reread == moved)
            }
            // Archived is final; asking for the current status changes nothing.
            let same: CatalogV1.ServiceTemplate = try await h.call(
                CatalogV1.ServiceTemplates.changeStatus,
                CatalogV1.ChangeServiceTemplateStatusRequest(organizationId: org.id, serviceTemplateId: created.id, status: .archived), token: org.token)
            #expect(same.status == .archived)
            for next in [CatalogV1.ServiceTemplateStatus.active, .paused, .draft] {
                let refused = try await h.failure(
                    CatalogV1.ServiceTemplates.changeStatus,
                    CatalogV1.ChangeServiceTemplateStatusRequest(organizationId: org.id, serviceTemplateId: created.id, status: next), token: org.token)
                #expect(refused.code == .failedPrecondition, "archived -> \(next)")
                #expect(refused.message.contains("archived"), "names the current status: \(refused.message)")
            }

            // A draft without required bookables cannot be activated, nor paused; it can be archived.
            let bare = try await h.create(CatalogSample.template("consultation"), in: org)
            #expect(bare.locationId.isEmpty && bare.requiredBookables.isEmpty)
            let notBookable = try await h.failure(
                CatalogV1.ServiceTemplates.changeStatus,
                CatalogV1.ChangeServiceTemplateStatusRequest(organizationId: org.id, serviceTemplateId: bare.id, status: .active), token: org.token)
            #expect(notBookable.code == .failedPrecondition && notBookable.message.contains("required_bookables"))
            let pausedDraft = try await h.failure(
                CatalogV1.ServiceTemplates.changeStatus,
                CatalogV1.ChangeServiceTemplateStatusRequest(organizationId: org.id, serviceTemplateId: bare.id, status: .paused), token: org.token)
            #expect(pausedDraft.code == .failedPrecondition && pausedDraft.message.contains("draft"))
            let stillDraft: CatalogV1.ServiceTemplate = try await h.call(
                CatalogV1.ServiceTemplates.get, CatalogV1.GetServiceTemplateRequest(organizationId: org.id, serviceTemplateId: bare.id), token: org.token)
            #expect(stillDraft.status == .draft)
            let unspecified = try await h.failure(
                CatalogV1.ServiceTemplates.changeStatus,
                CatalogV1.ChangeServiceTemplateStatusRequest(organizationId: org.id, serviceTemplateId: bare.id), token: org.token)
            #expect(unspecified.code == .invalidArgument && catalogViolationFields(unspecified) == ["status"])
            #expect(try await h.changeStatus(bare.id, to: .archived, in: org).status == .archived)

            // Requirements by criteria activate too; paused -> paused is not a move.
            var byCriteria = CatalogSample.template("any-venue")
            byCriteria.requiredBookables = [CatalogV1.BookableRequirement(kind: .venue, criteria: CatalogV1.BookableCriteria(tags: ["large"]), count: 2)]
            let criteria = try await h.create(byCriteria, in: org)
            _ = try await h.changeStatus(criteria.id, to: .active, in: org)
            _ = try await h.changeStatus(criteria.id, to: .paused, in: org)
            let again: CatalogV1.ServiceTemplate = try await h.call(
                CatalogV1.ServiceTemplates.changeStatus,
                CatalogV1.ChangeServiceTemplateStatusRequest(organizationId: org.id, serviceTemplateId: criteria.id, status: .paused), token: org.token)
            #expect(again.status == .paused, "the current status again is a no-op")

            let listed: CatalogV1.ListServiceTemplatesResponse = try await h.call(
                CatalogV1.ServiceTemplates.list, CatalogV1.ListServiceTemplatesRequest(organizationId: org.id), token: org.token)
            #expect(listed.serviceTemplates.map(\.id) == [created.id, bare.id, criteria.id])
            #expect(listed.serviceTemplates.map(\.status) == [.archived, .archived, .paused])

            let deleted: CatalogV1.ServiceTemplate = try await h.call(
                CatalogV1.ServiceTemplates.delete,
                CatalogV1.DeleteServiceTemplateRequest(organizationId: org.id, serviceTemplateId: bare.id, reason: "never offered"), token: org.token)
            #expect(deleted.deletedAt != nil && deleted.deletionReason == "never offered")
            let remaining = try await h.allTemplates(CatalogV1.ListServiceTemplatesRequest(organizationId: org.id), token: org.token)
            #expect(remaining.map(\.id) == [created.id, criteria.id])
        }
    }

    // MARK: Products

    @Test func productsCreateGetUpdateListDelete() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let oil = try await h.create(CatalogSample.product("OIL-250.ml", location: studio.id, price: 1_800, tags: ["oils"]), in: org)
            #expect(oil.sku == "OIL-250.ml" && oil.type == .physical && oil.status == .active)
            #expect(oil.fulfillment == .pickup, "a physical product is picked up unless it says otherwise")
            #expect(oil.price == CatalogSample.money(1_800, "USD"))

            let guide = try await h.create(
                CatalogV1.Product(name: "Stretching guide", sku: "GUIDE_1", type: .digital,
                                  digital: CatalogV1.DigitalDetails(fileUrl: "https://example.com/guide.pdf", downloadLimit: 3),
                                  price: CatalogSample.money(900)), in: org)
            #expect(guide.fulfillment == .digitalDelivery && guide.locationId.isEmpty)

            let got: CatalogV1.Product = try await h.call(
                CatalogV1.Products.get, CatalogV1.GetProductRequest(organizationId: org.id, productId: oil.id), token: org.token)
            #expect(got == oil)

            var patch = CatalogV1.Product(id: oil.id)
            patch.price = CatalogSample.money(2_000, "USD")
            patch.inventory = CatalogV1.Inventory(trackInventory: true, quantityOnHand: 40, quantityReserved: 2, reorderPoint: 10)
            let repriced: CatalogV1.Product = try await h.call(
                CatalogV1.Products.update, CatalogV1.UpdateProductRequest(organizationId: org.id, product: patch, updateMask: ["price", "inventory"]),
                token: org.token)
            #expect(repriced.price?.amountMinor == 2_000 && repriced.inventory?.quantityOnHand == 40 && repriced.name == oil.name)

            let listed: CatalogV1.ListProductsResponse = try await h.call(
                CatalogV1.Products.list, CatalogV1.ListProductsRequest(organizationId: org.id), token: org.token)
            #expect(listed.products == [repriced, guide])

            let deleted: CatalogV1.Product = try await h.call(
                CatalogV1.Products.delete, CatalogV1.DeleteProductRequest(organizationId: org.id, productId: guide.id, reason: "discontinued"),
                token: org.token)
            #expect(deleted.deletedAt != nil && deleted.deletionReason == "discontinued")
            #expect(try await h.allProducts(CatalogV1.ListProductsRequest(organizationId: org.id), token: org.token).map(\.id) == [oil.id])
        }
    }

    // MARK: Packages

    @Test func packagesComputeTheirOriginalValue() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let provider = try await h.create(CatalogSample.provider("pat", at: studio.id), in: org)
            let massage = try await h.activeTemplate("massage", requiring: provider.id, price: 5_000, in: org)
            let facial = try await h.activeTemplate("facial", requiring: provider.id, price: 8_000, in: org)

            // original_value is output only: what the request says is ignored.
            var request = CatalogSample.package("spa-day", items: [(massage.id, 3), (facial.id, 2)], total: 25_000)
            request.originalValue = CatalogSample.money(1, "USD")
            let created = try await h.create(request, in: org)
            #expect(created.originalValue == CatalogSample.money(3 * 5_000 + 2 * 8_000, "USD"))
            #expect(created.totalPrice == CatalogSample.money(25_000, "USD"))
            #expect(created.status == .active)

            let got: CatalogV1.ServicePackage = try await h.call(
                CatalogV1.Packages.get, CatalogV1.GetPackageRequest(organizationId: org.id, packageId: created.id), token: org.token)
            #expect(got == created)

            // New items: the value is computed again.
            var patch = CatalogV1.ServicePackage(id: created.id)
            patch.items = [CatalogV1.PackageItem(serviceTemplateId: facial.id, quantity: 5, allowedLocationIds: [studio.id], excludedDates: ["2026-12-25"])]
            let updated: CatalogV1.ServicePackage = try await h.call(
                CatalogV1.Packages.update, CatalogV1.UpdatePackageRequest(organizationId: org.id, servicePackage: patch, updateMask: ["items"]),
                token: org.token)
            #expect(updated.originalValue == CatalogSample.money(5 * 8_000, "USD"))
            #expect(updated.items.first?.allowedLocationIds == [studio.id] && updated.items.first?.excludedDates == ["2026-12-25"])

            // A draft template counts too (only archived ones are refused).
            let draft = try await h.create(CatalogSample.template("draft-one", price: 700), in: org)
            let withDraft = try await h.create(CatalogSample.package("starter", items: [(draft.id, 4)], total: 2_000), in: org)
            #expect(withDraft.originalValue == CatalogSample.money(2_800, "USD"))

            let listed: CatalogV1.ListPackagesResponse = try await h.call(
                CatalogV1.Packages.list, CatalogV1.ListPackagesRequest(organizationId: org.id), token: org.token)
            #expect(listed.packages == [updated, withDraft])

            let deleted: CatalogV1.ServicePackage = try await h.call(
                CatalogV1.Packages.delete, CatalogV1.DeletePackageRequest(organizationId: org.id, packageId: withDraft.id, reason: "replaced"), token: org.token)
            #expect(deleted.deletedAt != nil && deleted.deletionReason == "replaced")
            #expect(try await h.allPackages(CatalogV1.ListPackagesRequest(organizationId: org.id), token: org.token).map(\.id) == [created.id])
        }
    }

    // MARK: Programs

    @Test func programsCreateGetUpdateListDelete() async throws {
        try await CatalogHarness.run { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let venue = try await h.create(CatalogSample.venue("hall", at: studio.id), in: org)
            let yoga = try await h.activeTemplate("yoga-class", requiring: venue.id, kind: .venue, in: org)

            let created = try await h.create(CatalogSample.program("yoga-foundations", templates: [yoga.id, yoga.id, yoga.id]), in: org)
            #expect(created.status == .draft && created.enrollmentType == .fullOnly)
            #expect(created.sessions.map(\.sequenceNumber) == [1, 2, 3] && created.sessions.map(\.daysAfterStart) == [0, 7, 14])
            #expect(created.fullProgramPrice == CatalogSample.money(40_000, "USD"))

            let got: CatalogV1.ProgramTemplate = try await h.call(
                CatalogV1.Programs.get, CatalogV1.GetProgramRequest(organizationId: org.id, programId: created.id), token: org.token)
            #expect(got == created)

            // draft -> active by `status`; drop-ins with their price.
            var patch = CatalogV1.ProgramTemplate(id: created.id)
            patch.status = .active
            patch.enrollmentType = .both
            patch.dropInPrice = CatalogSample.money(6_000)
            let active: CatalogV1.ProgramTemplate = try await h.call(
                CatalogV1.Programs.update,
                CatalogV1.UpdateProgramRequest(organizationId: org.id, program: patch, updateMask: ["status", "enrollment_type", "drop_in_price"]),
                token: org.token)
            #expect(active.status == .active && active.enrollmentType == .both && active.dropInPrice == CatalogSample.money(6_000, "USD"))

            // active -> draft is not a move.
            var back = CatalogV1.ProgramTemplate(id: created.id)
            back.status = .draft
            let refused = try await h.failure(
                CatalogV1.Programs.update, CatalogV1.UpdateProgramRequest(organizationId: org.id, program: back, updateMask: ["status"]), token: org.token)
            #expect(refused.code == .failedPrecondition && refused.message.contains("active"))

            let second = try await h.create(CatalogSample.program("yoga-two", templates: [yoga.id]), in: org)
            let listed: CatalogV1.ListProgramsResponse = try await h.call(
                CatalogV1.Programs.list, CatalogV1.ListProgramsRequest(organizationId: org.id), token: org.token)
            #expect(listed.programs == [active, second])
            let drafts = try await h.allPrograms(CatalogV1.ListProgramsRequest(organizationId: org.id, status: .draft), token: org.token)
            #expect(drafts.map(\.id) == [second.id])

            // archived is final.
            var archive = CatalogV1.ProgramTemplate(id: created.id)
            archive.status = .archived
            _ = try await h.call(
                CatalogV1.Programs.update, CatalogV1.UpdateProgramRequest(organizationId: org.id, program: archive, updateMask: ["status"]),
                token: org.token, as: CatalogV1.ProgramTemplate.self)
            let revive = try await h.failure(
                CatalogV1.Programs.update, CatalogV1.UpdateProgramRequest(organizationId: org.id, program: patch, updateMask: ["status"]), token: org.token)
            #expect(revive.code == .failedPrecondition && revive.message.contains("archived"))

            let deleted: CatalogV1.ProgramTemplate = try await h.call(
                CatalogV1.Programs.delete, CatalogV1.DeleteProgramRequest(organizationId: org.id, programId: second.id, reason: "merged"), token: org.token)
            #expect(deleted.deletedAt != nil && deleted.deletionReason == "merged")
            #expect(try await h.allPrograms(CatalogV1.ListProgramsRequest(organizationId: org.id), token: org.token).map(\.id) == [created.id])
        }
    }
}
