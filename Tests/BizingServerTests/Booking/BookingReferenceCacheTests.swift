import BizingAPI
import BizingRPC
import BizingWire
import Foundation
import Testing

/// The server keeps templates, bookables, calendars and memberships decoded
/// between calls (BizingStore.ReferenceCache). Each change here comes right
/// after bookings and searches that read the old state, and the very next
/// call must see the new one.
@Suite struct BookingReferenceCacheTests {
    @Test func bookingsSeeCatalogCalendarAndMembershipChangesAtOnce() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "cache")
            let alice = try await h.client("Alice")
            // Tuesday twice, then Wednesday's and Thursday's first.
            var starts = try await h.independentStarts(w, count: 2)
            starts += try await h.independentStarts(w, count: 1, from: "2026-06-04", through: "2026-06-04")
            starts += try await h.independentStarts(w, count: 1, from: "2026-06-03", through: "2026-06-03")
            try #require(starts.count == 4)
            let first = try await h.book(w.create(starts[0]), token: alice.token)
            #expect(first.price?.total?.amountMinor == 5_000)

            // A new price: the next booking's snapshot has it.
            var priced = w.template
            priced.pricing = CatalogV1.Pricing(basePrice: CatalogSample.money(7_500))
            _ = try await h.call(CatalogV1.ServiceTemplates.update, CatalogV1.UpdateServiceTemplateRequest(
                organizationId: w.org.id, serviceTemplate: priced, updateMask: ["pricing"]), token: w.org.token, as: CatalogV1.ServiceTemplate.self)
            let second = try await h.book(w.create(starts[1]), token: alice.token)
            #expect(second.price?.total?.amountMinor == 7_500)

            // The provider's day closed: its remaining start is gone from search and refused.
            let day = SchedulingTime.iso(starts[2]).prefix(10)
            _ = try await h.addOverride(w.provider.id, SchedulingV1.DateOverride(date: String(day), type: .closed, reason: "Away"), in: w.org)
            #expect(try await h.starts(w.search(String(day), String(day)), token: alice.token).contains(starts[2]) == false)
            let closed = try await h.failure(BookingV1.Bookings.create, w.create(starts[2]), token: alice.token)
            #expect(closed.code == .failedPrecondition && closed.details.reason == "SLOT_UNAVAILABLE")

            // A template no longer active cannot be booked.
            _ = try await h.changeStatus(w.template.id, to: .paused, in: w.org)
            let inactive = try await h.failure(BookingV1.Bookings.create, w.create(starts[3]), token: alice.token)
            #expect(inactive.code == .failedPrecondition)

            // A member whose membership ends is a client from the next call: no walk-ins.
            let desk = try await h.staff(of: w.org, "Dana Desk")
            _ = try await h.changeStatus(w.template.id, to: .active, in: w.org)
            let walkIn = try await h.book(w.create(starts[3], source: .walkIn), token: desk.token)
            #expect(walkIn.source == .walkIn)
            _ = try await h.cancel(walkIn.id, in: w)
            _ = try await h.call(IdentityV1.Memberships.deactivate, IdentityV1.DeactivateMembershipRequest(organizationId: w.org.id, userId: desk.id),
                                 token: w.org.token, as: IdentityV1.Membership.self)
            let refused = try await h.failure(BookingV1.Bookings.create, w.create(starts[3], source: .walkIn), token: desk.token)
            #expect(refused.code == .permissionDenied)
        }
    }
}
