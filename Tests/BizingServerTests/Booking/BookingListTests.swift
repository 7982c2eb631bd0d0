import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import Testing

/// ListBookings and Agenda over the socket: each filter, their
/// combinations, paging with tokens tied to their filters, and what each
/// caller sees (clients their own; a provider their agenda).
@Suite struct BookingListTests {
    @Test func filtersPagingAndWhoSeesWhat() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "list")
            // A second location with its own provider, room and template.
            let l2 = try await h.create(CatalogSample.location("list-annex"), in: w.org)
            let p2 = try await h.create(CatalogSample.provider("list-annex-provider", at: l2.id), in: w.org)
            _ = try await h.create(CatalogSample.venue("list-annex-room", at: l2.id), in: w.org)
            let annex = try await h.activate(BookingSample.template("annex", at: l2.id, provider: p2.id), in: w.org)
            let (alice, bob) = (try await h.client("Alice"), try await h.client("Bob"))
            let ann = try await h.identity.user("Ann")
            let household = try await h.identity.fixtures.createHousehold(
                name: "Alice and Ann", kind: .family, primary: UUID(uuidString: alice.id)!, members: [HouseholdMemberRecord.new(userID: ann.record.id, role: .adult)])
            let annP = BookingPerson(id: ann.record.id.lowercasedString, token: ann.token)
            let hid = household.id.lowercasedString

            let tuesday = try await h.independentStarts(w, count: 3, through: "2026-06-02")
            let wednesday = try await h.independentStarts(w, count: 2, from: "2026-06-03", through: "2026-06-03")
            let annexTue = try #require(try await h.independentStarts(w, template: annex, count: 1, through: "2026-06-02").first)
            let annexWed = try #require(try await h.independentStarts(w, template: annex, count: 1, from: "2026-06-03", through: "2026-06-03").first)
            let b1 = try await h.book(w.create(tuesday[0]), token: alice.token)
            let b2 = try await h.book(w.create(tuesday[1]), token: bob.token)
            let b3 = try await h.book(w.create(tuesday[2]), token: alice.token)
            let b4 = try await h.book(w.create(annexTue, template: annex.id), token: bob.token)
            let b5 = try await h.book(w.create(annexWed, template: annex.id), token: alice.token)
            let b6 = try await h.book(w.create(wednesday[0], participants: [BookingSample.user(annP.id)], household: hid), token: alice.token)
            let b7 = try await h.book(w.create(wednesday[1]), token: annP.token)
            let b2Cancelled = try await h.cancel(b2.id, in: w, token: bob.token)
            let all = [b1, b2Cancelled, b3, b4, b5, b6, b7]
            /// The ids in start order, then id.
            func ordered(_ bookings: [BookingV1.Booking]) -> [String] {
                bookings.sorted { ($0.startTime!, $0.id) < ($1.startTime!, $1.id) }.map(\.id)
            }
            func listed(_ request: BookingV1.ListBookingsRequest, token: String? = nil) async throws -> [String] {
                try await h.allBookings(request, token: token ?? w.org.token).bookings.map(\.id)
            }
            let org = w.org.id
            let tueFrom = SchedulingTime.at("2026-06-02", "00:00"), wedFrom = SchedulingTime.at("2026-06-03", "00:00")

            // The whole list, as presented by Get.
            let everything = try await h.list(BookingV1.ListBookingsRequest(organizationId: org), token: w.org.token)
            #expect(everything.bookings.map(\.id) == ordered(all) && everything.nextPageToken == "")
            for booking in everything.bookings { #expect(try await h.booking(booking.id, in: w) == booking) }
            #expect(everything.bookings.first { $0.id == b2.id }?.status == .cancelled)

            // Each filter, and some together.
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, locationId: w.location.id)) == ordered([b1, b2, b3, b6, b7]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, locationId: l2.id)) == ordered([b4, b5]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, bookableId: p2.id)) == ordered([b4, b5]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, bookableId: w.room.id)) == ordered([b1, b2, b3, b6, b7]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, bookableId: w.otherProvider.id)) == [])
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, userId: alice.id)) == ordered([b1, b3, b5, b6]),
                    "what Alice booked, for herself or Ann")
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, userId: annP.id)) == ordered([b6, b7]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, householdId: hid)) == [b6.id])
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, fromTime: tueFrom, toTime: wedFrom)) == ordered([b1, b2, b3, b4]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, fromTime: wedFrom)) == ordered([b5, b6, b7]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, toTime: tuesday[1])) == ordered([b1] + (annexTue < tuesday[1] ? [b4] : [])),
                    "to_time is exclusive")
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, statuses: [.cancelled])) == [b2.id])
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, statuses: [.confirmed])) == ordered([b1, b3, b4, b5, b6, b7]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, statuses: [.cancelled, .confirmed])) == ordered(all))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, statuses: [.pending, .noShow])) == [])
            #expect(try await listed(BookingV1.ListBookingsRequest(
                organizationId: org, locationId: w.location.id, userId: alice.id, fromTime: tueFrom, toTime: wedFrom, statuses: [.confirmed])) == ordered([b1, b3]))

            // Paging: every page's size, no repeats, no gaps, the last without a token.
            for size in [1, 2, 3, 6, 7] {
                let paged = try await h.allBookings(BookingV1.ListBookingsRequest(organizationId: org, pageSize: UInt32(size)), token: w.org.token)
                #expect(paged.bookings.map(\.id) == ordered(all), "page size \(size)")
                #expect(paged.pages == (7 + size - 1) / size, "page size \(size)")
            }
            let firstPage = try await h.list(BookingV1.ListBookingsRequest(organizationId: org, locationId: w.location.id, pageSize: 2), token: w.org.token)
            #expect(firstPage.bookings.count == 2 && !firstPage.nextPageToken.isEmpty)
            // A token belongs to its list: with other filters it is refused.
            for other in [BookingV1.ListBookingsRequest(organizationId: org, locationId: l2.id, pageSize: 2, pageToken: firstPage.nextPageToken),
                          BookingV1.ListBookingsRequest(organizationId: org, pageSize: 2, pageToken: firstPage.nextPageToken),
                          BookingV1.ListBookingsRequest(organizationId: org, locationId: w.location.id, statuses: [.confirmed], pageSize: 2,
                                                        pageToken: firstPage.nextPageToken)] {
                let refused = try await h.failure(BookingV1.Bookings.list, other, token: w.org.token)
                #expect(refused.code == .invalidArgument && catalogViolationFields(refused) == ["page_token"])
            }
            // The same filters with another page size follow it.
            let resumed = try await h.list(BookingV1.ListBookingsRequest(organizationId: org, locationId: w.location.id, pageSize: 10,
                                                                         pageToken: firstPage.nextPageToken), token: w.org.token)
            #expect(firstPage.bookings.map(\.id) + resumed.bookings.map(\.id) == ordered([b1, b2, b3, b6, b7]) && resumed.nextPageToken == "")
            for token in ["garbage", "azE6MTIzOm5vdC1hLXV1aWQ6ZmY="] {
                let malformed = try await h.failure(BookingV1.Bookings.list, BookingV1.ListBookingsRequest(organizationId: org, pageToken: token), token: w.org.token)
                #expect(malformed.code == .invalidArgument && catalogViolationFields(malformed) == ["page_token"])
            }
            let backwards = try await h.failure(BookingV1.Bookings.list, BookingV1.ListBookingsRequest(organizationId: org, fromTime: wedFrom, toTime: tueFrom),
                                                token: w.org.token)
            #expect(backwards.code == .invalidArgument && catalogViolationFields(backwards) == ["to_time"])
            let unspecified = try await h.failure(BookingV1.Bookings.list, BookingV1.ListBookingsRequest(organizationId: org, statuses: [.unspecified]),
                                                  token: w.org.token)
            #expect(unspecified.code == .invalidArgument && catalogViolationFields(unspecified) == ["statuses[0]"])

            // Clients see their own and, where their household lets them see others' bookings, its members' (even those
            // booked without naming it): Alice (the primary) and Ann (an adult, can_view_others_bookings) see each other's.
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, pageSize: 1), token: alice.token) == ordered([b1, b3, b5, b6, b7]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org), token: bob.token) == ordered([b2, b4]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org), token: annP.token) == ordered([b1, b3, b5, b6, b7]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, userId: alice.id), token: bob.token) == [])
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, locationId: l2.id), token: alice.token) == [b5.id])
            #expect(try await h.failure(BookingV1.Bookings.get, BookingV1.GetBookingRequest(organizationId: org, bookingId: b1.id), token: bob.token).code
                == .notFound)
            // The provider sees the bookings assigned to them (every one at the studio).
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org), token: w.providerUser.token) == ordered([b1, b2, b3, b6, b7]))

            // Agenda: the provider's own day, in start order, without cancelled bookings.
            func agenda(_ date: String, bookable: String = "", token: String) async throws -> BookingV1.AgendaResponse {
                try await h.call(BookingV1.Bookings.agenda, BookingV1.AgendaRequest(organizationId: org, bookableId: bookable, date: date), token: token)
            }
            let tue = try await agenda("2026-06-02", token: w.providerUser.token)
            #expect(tue.bookableId == w.provider.id && tue.date == "2026-06-02" && tue.timeZone == "America/New_York")
            #expect(tue.bookings.map(\.id) == [b1.id, b3.id])
            #expect(tue.bookings.first == everything.bookings.first { $0.id == b1.id })
            #expect(try await agenda("2026-06-03", token: w.providerUser.token).bookings.map(\.id) == [b6.id, b7.id])
            #expect(try await agenda("2026-06-04", token: w.providerUser.token).bookings == [])
            let desk = try await h.staff(of: w.org, "Desk")
            #expect(try await agenda("2026-06-02", bookable: w.provider.id, token: desk.token) == tue)
            #expect(try await agenda("2026-06-02", bookable: p2.id, token: w.org.token).bookings.map(\.id) == [b4.id])
            #expect(try await h.failure(BookingV1.Bookings.agenda, BookingV1.AgendaRequest(organizationId: org, bookableId: p2.id, date: "2026-06-02"),
                                        token: w.providerUser.token).code == .permissionDenied, "another provider's agenda")
            #expect(try await h.failure(BookingV1.Bookings.agenda, BookingV1.AgendaRequest(organizationId: org, bookableId: w.provider.id, date: "2026-06-02"),
                                        token: alice.token).code == .notFound, "clients have no agendas to see")
            let noDate = try await h.failure(BookingV1.Bookings.agenda, BookingV1.AgendaRequest(organizationId: org, date: "2026-02-30"),
                                             token: w.providerUser.token)
            #expect(noDate.code == .invalidArgument && catalogViolationFields(noDate) == ["date"])
            let notProvider = try await h.failure(BookingV1.Bookings.agenda, BookingV1.AgendaRequest(organizationId: org, date: "2026-06-02"), token: desk.token)
            #expect(notProvider.code == .invalidArgument && catalogViolationFields(notProvider) == ["bookable_id"])

            // A manager of the annex only: its bookings, nothing of the studio's.
            let annexManager = try await h.identity.user("Annex Manager")
            _ = try await h.identity.fixtures.addMembership(
                organizationID: UUID(uuidString: org)!, userID: annexManager.record.id, role: .manager, scope: .locations([UUID(uuidString: l2.id)!]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, pageSize: 1), token: annexManager.token) == ordered([b4, b5]))
            #expect(try await listed(BookingV1.ListBookingsRequest(organizationId: org, locationId: w.location.id), token: annexManager.token) == [])
            #expect(try await h.failure(BookingV1.Bookings.get, BookingV1.GetBookingRequest(organizationId: org, bookingId: b1.id), token: annexManager.token).code
                == .notFound)
            #expect(try await h.failure(BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: org, bookingId: b1.id), token: annexManager.token).code
                == .notFound)
            #expect(try await agenda("2026-06-02", bookable: p2.id, token: annexManager.token).bookings.map(\.id) == [b4.id])
            #expect(try await h.failure(BookingV1.Bookings.agenda, BookingV1.AgendaRequest(organizationId: org, bookableId: w.provider.id, date: "2026-06-02"),
                                        token: annexManager.token).code == .permissionDenied)
            let byManager = try await h.cancel(b4.id, in: w, token: annexManager.token)
            #expect(byManager.status == .cancelled && byManager.cancelledBy == .provider)
        }
    }
}
