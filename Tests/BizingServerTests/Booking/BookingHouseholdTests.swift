import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import Testing

/// Booking for a family over the socket: who may book whom (the household's
/// rules), approval by the primary, and who sees a member's booking.
///
/// The Parkers: Pat the primary; Alex, an adult with the adult defaults
/// (books for and sees the others, changes nothing of theirs); Sam, an adult
/// who may neither book for nor see the others; Casey, an adult whose every
/// booking needs Pat's approval; Kim, a minor Alex manages; Lee, a minor no
/// one but Pat manages. Olive is a client in no household.
struct Parkers: Sendable {
    let household: String
    let pat, alex, sam, casey, kim, lee, olive: BookingPerson

    static func make(_ h: CatalogHarness) async throws -> Parkers {
        let pat = try await h.identity.user("Pat Parker"), alex = try await h.identity.user("Alex Parker")
        let sam = try await h.identity.user("Sam Parker"), casey = try await h.identity.user("Casey Parker")
        let kim = try await h.identity.user("Kim Parker", password: false), lee = try await h.identity.user("Lee Parker", password: false)
        var samMember = HouseholdMemberRecord.new(userID: sam.record.id, role: .adult)
        samMember.permissions.canBookForOthers = false
        samMember.permissions.canViewOthersBookings = false
        var caseyMember = HouseholdMemberRecord.new(userID: casey.record.id, role: .adult)
        caseyMember.permissions.approvalRequiredFor = .all
        let household = try await h.identity.fixtures.createHousehold(name: "The Parkers", kind: .family, primary: pat.record.id, members: [
            HouseholdMemberRecord.new(userID: alex.record.id, role: .adult), samMember, caseyMember,
            HouseholdMemberRecord.new(userID: kim.record.id, role: .minor, managedBy: [alex.record.id]),
            HouseholdMemberRecord.new(userID: lee.record.id, role: .minor),
        ])
        func person(_ user: (record: UserRecord, token: String)) -> BookingPerson { BookingPerson(id: user.record.id.lowercasedString, token: user.token) }
        return Parkers(household: household.id.lowercasedString, pat: person(pat), alex: person(alex), sam: person(sam), casey: person(casey),
                       kim: person(kim), lee: person(lee), olive: try await h.client("Olive"))
    }
}

@Suite struct BookingHouseholdTests {
    @Test func whoMayBookWhomFollowsTheHouseholdsRules() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "family")
            let f = try await Parkers.make(h)
            let starts = try await h.independentStarts(w, count: 8)
            var next = 0
            func slot() -> Date { defer { next += 1 }; return starts[next] }
            func book(_ booker: BookingPerson, for person: BookingPerson, household: Bool = true) async throws -> BookingV1.Booking {
                try await h.book(w.create(slot(), participants: [BookingSample.user(person.id)], household: household ? f.household : ""), token: booker.token)
            }
            func refused(_ booker: BookingPerson, for person: BookingPerson, household: Bool = true) async throws -> RPCStatus {
                try await h.failure(BookingV1.Bookings.create,
                                    w.create(starts[7], participants: [BookingSample.user(person.id)], household: household ? f.household : ""), token: booker.token)
            }

            // Oneself: always, with or without the household.
            let own = try await h.book(w.create(slot()), token: f.sam.token)
            #expect(own.status == .confirmed && own.householdId == "" && own.participants.map(\.userId) == [f.sam.id] && own.bookedByUserId == f.sam.id)
            let ownInHousehold = try await book(f.sam, for: f.sam)
            #expect(ownInHousehold.status == .confirmed && ownInHousehold.householdId == f.household)

            // Another adult: with can_book_for_others, naming the household.
            let forSam = try await book(f.alex, for: f.sam)
            #expect(forSam.status == .confirmed && forSam.bookedByUserId == f.alex.id && forSam.participants.map(\.userId) == [f.sam.id])
            #expect(forSam.participants[0].name == "Sam Parker" && forSam.householdId == f.household && forSam.approverUserId == "")
            let noHousehold = try await refused(f.alex, for: f.sam, household: false)
            #expect(noHousehold.code == .permissionDenied && noHousehold.message.contains("participants[0]") && noHousehold.message.contains("household_id"))
            let notPermitted = try await refused(f.sam, for: f.alex)
            #expect(notPermitted.code == .permissionDenied && notPermitted.message.contains("does not let you book for others"))

            // A minor: by those who manage them, and the primary.
            let forKim = try await book(f.alex, for: f.kim)
            #expect(forKim.status == .confirmed && forKim.participants.map(\.userId) == [f.kim.id])
            let notManager = try await refused(f.sam, for: f.kim)
            #expect(notManager.code == .permissionDenied && notManager.message.contains("only by those who manage them"))
            #expect(try await refused(f.alex, for: f.lee).code == .permissionDenied, "Alex manages Kim, not Lee")
            let forLee = try await book(f.pat, for: f.lee)
            #expect(forLee.status == .confirmed && forLee.bookedByUserId == f.pat.id)
            // A minor books for no one else.
            let minorBooking = try await refused(f.kim, for: f.alex)
            #expect(minorBooking.code == .permissionDenied && minorBooking.message.contains("books for no one else"))

            // Not a member: the household is not theirs to name.
            #expect(try await refused(f.olive, for: f.alex).code == .notFound)
            #expect(try await refused(f.olive, for: f.alex, household: false).code == .permissionDenied)
            // A stranger's household id is unknown to a client.
            let strangers = try await h.identity.fixtures.createHousehold(
                name: "Others", kind: .family, primary: UUID(uuidString: f.olive.id)!, members: [])
            let foreign = try await h.failure(BookingV1.Bookings.create,
                                              w.create(starts[7], participants: [BookingSample.user(f.alex.id)], household: strangers.id.lowercasedString),
                                              token: f.alex.token)
            #expect(foreign.code == .notFound)

            // Staff book anyone (a walk-in at the desk), no household needed.
            let desk = try await h.staff(of: w.org, "Desk")
            let walkIn = try await h.book(w.create(starts[7], participants: [BookingSample.user(f.lee.id)], source: .walkIn), token: desk.token)
            #expect(walkIn.status == .confirmed && walkIn.source == .walkIn && walkIn.bookedByUserId == desk.id)
            // A client may not claim a walk-in.
            let claimed = try await h.failure(BookingV1.Bookings.create, w.create(starts[6], source: .walkIn), token: f.pat.token)
            #expect(claimed.code == .permissionDenied)
            #expect(try await h.bookingCount(organizationID: w.org.id) == 6)
        }
    }

    @Test func approvalHoldsTheBookingPendingUntilThePrimaryApproves() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "approve")
            let f = try await Parkers.make(h)
            let deposit = try await BookingLifecycleTests.deposit(w, h)
            let starts = try await h.independentStarts(w, count: 5)

            // Casey's approval_required_for is all: booking through the household waits for Pat.
            let pending = try await h.book(w.create(starts[0], household: f.household), token: f.casey.token)
            #expect(pending.status == .pending && pending.approverUserId == f.pat.id && pending.confirmedAt == nil)
            #expect(try await h.reservedRows(pending.id).count == 2, "a pending booking holds its time")
            #expect(!(try await h.starts(w.search("2026-06-02", "2026-06-12"), token: f.olive.token)).contains(starts[0]))
            // Not Casey, not Alex, not the provider: Pat (or a manager).
            for person in [f.casey, f.alex] {
                #expect(try await h.failure(BookingV1.Bookings.approve, w.action(pending.id), token: person.token).code == .permissionDenied)
            }
            #expect(try await h.failure(BookingV1.Bookings.approve, w.action(pending.id), token: w.providerUser.token).code == .permissionDenied)
            #expect(try await h.failure(BookingV1.Bookings.approve, w.action(pending.id), token: f.olive.token).code == .notFound)
            try await BookingLifecycleTests.expectRefused(h, BookingV1.Bookings.confirm, w.action(pending.id), token: w.org.token, naming: "pending")
            try await BookingLifecycleTests.expectRefused(h, BookingV1.Bookings.checkIn,
                                                          BookingV1.CheckInRequest(organizationId: w.org.id, bookingId: pending.id), token: w.org.token,
                                                          naming: "pending")
            h.clock.advance(by: .seconds(300))
            let approved = try await h.act(BookingV1.Bookings.approve, pending.id, in: w, token: f.pat.token)
            #expect(approved.status == .confirmed && approved.confirmedAt == h.clock.now && approved.version == 2)
            try await BookingLifecycleTests.expectRefused(h, BookingV1.Bookings.approve, w.action(pending.id), token: f.pat.token, naming: "confirmed")

            // With a deposit due, approval leaves it reserved; a manager confirms.
            let withDeposit = try await h.book(w.create(starts[1], template: deposit.id, household: f.household), token: f.casey.token)
            #expect(withDeposit.status == .pending && withDeposit.approverUserId == f.pat.id)
            let reserved = try await h.act(BookingV1.Bookings.approve, withDeposit.id, in: w, token: f.pat.token)
            #expect(reserved.status == .reserved && reserved.confirmedAt == nil)
            #expect(try await h.act(BookingV1.Bookings.confirm, withDeposit.id, in: w).status == .confirmed)

            // Kim (a minor: approval for all) books herself in the household: pending for Pat.
            let kims = try await h.book(w.create(starts[2], household: f.household), token: f.kim.token)
            #expect(kims.status == .pending && kims.approverUserId == f.pat.id)
            // A manager of the location may approve too; a pending booking may be cancelled by its booker.
            let byManager = try await h.act(BookingV1.Bookings.approve, kims.id, in: w)
            #expect(byManager.status == .confirmed)
            let another = try await h.book(w.create(starts[3], household: f.household), token: f.casey.token)
            let cancelled = try await h.cancel(another.id, in: w, token: f.casey.token)
            #expect(cancelled.status == .cancelled && cancelled.cancelledBy == .client)
            #expect(try await h.reservedRows(another.id) == [])
            // Casey alone, without naming the household, does not escape its rules: pending for Pat, in the household.
            let direct = try await h.book(w.create(starts[4]), token: f.casey.token)
            #expect(direct.status == .pending && direct.approverUserId == f.pat.id && direct.householdId == f.household)
        }
    }

    @Test func aMembersBookingIsSeenOnlyWithCanViewOthersBookings() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await h.bookingWorld(tag: "seen")
            let f = try await Parkers.make(h)
            let starts = try await h.independentStarts(w, count: 4)
            // Pat books Alex; Alex books Kim; Sam books himself in the household; Olive books herself.
            let alexs = try await h.book(w.create(starts[0], participants: [BookingSample.user(f.alex.id)], household: f.household), token: f.pat.token)
            let kims = try await h.book(w.create(starts[1], participants: [BookingSample.user(f.kim.id)], household: f.household), token: f.alex.token)
            let sams = try await h.book(w.create(starts[2], household: f.household), token: f.sam.token)
            let olives = try await h.book(w.create(starts[3]), token: f.olive.token)

            func sees(_ person: BookingPerson) async throws -> [String] {
                var seen: [String] = []
                for booking in [alexs, kims, sams, olives] {
                    switch await h.code(BookingV1.Bookings.get, BookingV1.GetBookingRequest(organizationId: w.org.id, bookingId: booking.id), token: person.token) {
                    case .ok: seen.append(booking.id)
                    case .notFound: break
                    case let code: Issue.record("\(code) for \(booking.id)")
                    }
                }
                return seen
            }
            func listed(_ person: BookingPerson, household: String = "") async throws -> [String] {
                try await h.allBookings(BookingV1.ListBookingsRequest(organizationId: w.org.id, householdId: household, pageSize: 1), token: person.token)
                    .bookings.map(\.id)
            }
            // Pat (the primary) sees every member's; Alex (can view) the adults' and Kim's, whom he manages;
            // Sam (cannot view) only his own; Casey (can view) the adults', not Kim's (a minor she does not manage).
            let expected: [(BookingPerson, [String])] = [
                (f.pat, [alexs.id, kims.id, sams.id]), (f.alex, [alexs.id, kims.id, sams.id]), (f.sam, [sams.id]),
                (f.casey, [alexs.id, sams.id]), (f.kim, [kims.id]), (f.lee, []), (f.olive, [olives.id]),
            ]
            for (person, ids) in expected {
                #expect(try await sees(person) == ids, "Get by \(person.id)")
                #expect(try await listed(person) == ids, "List by \(person.id)")
            }
            #expect(try await listed(f.pat, household: f.household) == [alexs.id, kims.id, sams.id])
            #expect(try await listed(f.sam, household: f.household) == [sams.id])
            #expect(try await listed(f.olive, household: f.household) == [])
            // Staff of the location see them all.
            #expect(try await listed(BookingPerson(id: "", token: w.org.token)) == [alexs.id, kims.id, sams.id, olives.id])

            // Changing a member's booking takes can_modify_others_bookings, which the adult default lacks and the primary has.
            let byAlex = try await h.failure(BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: sams.id),
                                             token: f.alex.token)
            #expect(byAlex.code == .permissionDenied, "Alex sees Sam's booking but may not change it")
            let byPat = try await h.cancel(sams.id, in: w, token: f.pat.token)
            #expect(byPat.status == .cancelled && byPat.cancelledBy == .client)
        }
    }
}
