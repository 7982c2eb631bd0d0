import BizingAPI
import BizingRPC
import BizingWire
import Foundation
import Testing

/// The price snapshot as written with the booking: the base price, the
/// slot's multiplier (a special-pricing day here) half up to the minor
/// unit, and a class's seats each paying; and a class session takes each
/// person once.
@Suite struct BookingPriceTests {
    @Test func theSnapshotCarriesTheSlotsMultiplierAndEachSeat() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "price")
            let alice = try await h.client("Alice")
            // Wednesday 2026-06-03 at 1.25x on the provider's calendar (the first requirement: it sets the slot's rate).
            _ = try await h.addOverride(w.provider.id, SchedulingV1.DateOverride(
                date: "2026-06-03", type: .specialPricing, pricingMultiplierBasisPoints: 12_345, reason: "Busy day"), in: w.org)
            let tuesday = try #require(try await h.independentStarts(w, count: 1).first)
            let wednesday = try #require(try await h.independentStarts(w, count: 1, from: "2026-06-03", through: "2026-06-03").first)

            let plain = try await h.book(w.create(tuesday), token: alice.token)
            #expect(plain.price?.total?.amountMinor == 5_000 && plain.price?.priceMultiplierBasisPoints == 10_000 && plain.price?.seats == 1)
            let busy = try await h.book(w.create(wednesday), token: alice.token)
            // 5000 x 1.2345 = 6172.5, half up: 6173.
            #expect(busy.price?.basePrice?.amountMinor == 5_000 && busy.price?.priceMultiplierBasisPoints == 12_345)
            #expect(busy.price?.total == CatalogV1.Money(amountMinor: 6_173, currency: "USD"))
            // As stored and read back.
            #expect(try await h.booking(busy.id, in: w).price == busy.price)
        }
    }

    @Test func aClassesSeatsEachPayAndAPersonTakesPartInASessionOnce() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "seats")
            let yoga = try await h.activate(BookingSample.template(
                "class", at: w.location.id, provider: w.provider.id, type: .class,
                capacity: CatalogV1.Capacity(type: .group, group: CatalogV1.GroupCapacity(minParticipants: 1, maxParticipants: 6)), price: 1_999), in: w.org)
            let (alice, bob) = (try await h.client("Alice"), try await h.client("Bob"))
            let start = try #require(try await h.independentStarts(w, template: yoga, count: 1).first)

            let three = try await h.book(w.create(start, template: yoga.id, participants: [
                BookingSample.user(alice.id), BookingSample.guest("Gus Guest"), BookingSample.guest("Hal Guest"),
            ]), token: alice.token)
            #expect(three.price?.seats == 3 && three.price?.total?.amountMinor == 3 * 1_999)

            // Alice is in the session already: neither she nor anyone may book her in again, nor add her to another booking of it.
            let again = try await h.failure(BookingV1.Bookings.create, w.create(start, template: yoga.id), token: alice.token)
            #expect(again.code == .alreadyExists && again.details.fieldViolations.map(\.field) == ["participants[0].user_id"])
            let bobs = try await h.book(w.create(start, template: yoga.id), token: bob.token)
            let added = try await h.failure(BookingV1.Bookings.addParticipants, BookingV1.AddParticipantsRequest(
                organizationId: w.org.id, bookingId: bobs.id, participants: [BookingSample.user(alice.id)]), token: w.org.token)
            #expect(added.code == .alreadyExists)
            // Once her booking is cancelled she may come again.
            _ = try await h.cancel(three.id, in: w, token: alice.token)
            let back = try await h.book(w.create(start, template: yoga.id), token: alice.token)
            #expect(back.status == .confirmed && back.price?.total?.amountMinor == 1_999)
        }
    }
}
