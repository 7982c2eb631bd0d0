import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Booking
import Foundation
import GRDB
import Identity
import NIOCore
import Testing

/// Every Booking RPC (Holds and Bookings) x every kind of caller, over the
/// real socket and the real SQLite file: the status each gets for a valid
/// request, that a refused call leaves the booking tables (bookings,
/// booking_participants, assigned_bookables, holds, reserved_times,
/// idempotency_keys) byte for byte as they were, and that an allowed change
/// changes them. Every mutating call carries a fresh `idempotency-key`, so
/// a refusal that stored its key would show.
///
/// The rules (booking.proto's header, BookingCaller): any signed-in user
/// books and holds as a client, and sees, cancels and reschedules their own
/// bookings; owners, admins and a manager of the booking's location manage
/// it (confirm, approve, check in, complete, no-shows, cancel, reschedule,
/// participants, reassign); staff of its location see it, book walk-ins for
/// anyone and check people in; the provider assigned sees it, checks it in,
/// completes it and marks no-shows; service tokens act with their role's
/// powers (the admin token as an admin, the staff token as staff of every
/// location), never as a client. Holds: the holder extends and converts
/// them; the holder and the location's desk see and release them. Whoever
/// may not see the booking or hold gets NOT_FOUND; whoever sees it but may
/// not do this, PERMISSION_DENIED; no credential, UNAUTHENTICATED.
///
/// Most rows also make the call wrong (bad input, or a booking or hold in
/// the wrong state) on the same fixture first: whoever the row refuses is
/// refused the same way, whoever it lets through gets INVALID_ARGUMENT or
/// FAILED_PRECONDITION, and nothing changes (the order of judgement:
/// access, authority, input, lifecycle).
///
/// Every booking and hold is at location A, made by the booker (a client),
/// and assigned the target provider's bookable (the `.provider` caller's)
/// and one of two rooms. The in-scope manager and the staff member work A,
/// the out-of-scope manager B; the other provider has a bookable at A. A
/// cell's booking or hold is used again by the next cell until a call
/// changes it; each start is used once.
@Suite struct BookingAuthorizationMatrixTests {
    fileprivate enum Caller: String, CaseIterable, CustomStringConvertible, Sendable {
        case none, garbage
        /// A signed-in user who is no member and has nothing to do with the booking.
        case stranger
        /// The client who made every booking and hold (no member).
        case booker
        case owner, admin
        /// Managers of location A (the booking's) and of B.
        case managerInScope, managerOutOfScope
        /// Staff of location A.
        case staff
        /// The provider whose bookable the booking is assigned.
        case provider
        /// A provider with a bookable of their own at A.
        case otherProvider
        /// An admin service token of the organization, and a staff one.
        case service, staffService

        var description: String { rawValue }
        var isToken: Bool { self == .service || self == .staffService }
    }

    fileprivate typealias Request = any Encodable & Sendable

    /// What one cell calls on. A row reuses it from cell to cell until a
    /// call changes it (an allowed change), then makes another.
    fileprivate struct Fixture: Sendable {
        var booking: BookingV1.Booking?
        var hold: BookingV1.Hold?
        /// A start free for the target provider (nothing else uses it).
        var start: Date?
    }

    /// The same call made wrong (bad input, or the booking or hold in the
    /// wrong state): whoever the row refuses is refused the same way
    /// (access and authority are judged first); whoever it lets through
    /// gets `instead` (INVALID_ARGUMENT or FAILED_PRECONDITION).
    fileprivate struct Variant: Sendable {
        let label: String
        let instead: StatusCode
        /// When the call happens (nil: `SchedulingTime.now`).
        let clock: (@Sendable (Fixture) -> Date)?
        let request: @Sendable (BookingMatrixWorld, Fixture, Caller) -> Request

        init(_ label: String, _ instead: StatusCode, clock: (@Sendable (Fixture) -> Date)? = nil,
             request: @escaping @Sendable (BookingMatrixWorld, Fixture, Caller) -> Request) {
            self.label = label
            self.instead = instead
            self.clock = clock
            self.request = request
        }
    }

    fileprivate struct Row: CustomStringConvertible, Sendable {
        let method: MethodDescriptor
        let label: String
        let expected: [Caller: StatusCode]
        let mutates: Bool
        var variant: Variant?
        /// Made at `SchedulingTime.now`.
        let fixture: @Sendable (BookingMatrixWorld) async throws -> Fixture
        /// When the call happens (nil: `SchedulingTime.now`).
        let clock: (@Sendable (Fixture) -> Date)?
        /// A valid request for the cell's fixture and caller.
        let request: @Sendable (BookingMatrixWorld, Fixture, Caller) -> Request

        init(
            _ method: MethodDescriptor, _ expected: [Caller: StatusCode], mutates: Bool = true,
            clock: (@Sendable (Fixture) -> Date)? = nil,
            fixture: @escaping @Sendable (BookingMatrixWorld) async throws -> Fixture,
            request: @escaping @Sendable (BookingMatrixWorld, Fixture, Caller) -> Request
        ) {
            self.init(method, "", expected, mutates: mutates, clock: clock, fixture: fixture, request: request)
        }

        init(
            _ method: MethodDescriptor, _ label: String, _ expected: [Caller: StatusCode], mutates: Bool = true,
            clock: (@Sendable (Fixture) -> Date)? = nil,
            fixture: @escaping @Sendable (BookingMatrixWorld) async throws -> Fixture,
            request: @escaping @Sendable (BookingMatrixWorld, Fixture, Caller) -> Request
        ) {
            self.method = method
            self.label = label
            self.expected = expected
            self.mutates = mutates
            self.clock = clock
            self.fixture = fixture
            self.request = request
        }

        var description: String { label.isEmpty ? method.fullName : "\(method.fullName) (\(label))" }

        /// The row with its wrong-call variant.
        func or(_ variant: Variant) -> Row {
            var row = self
            row.variant = variant
            return row
        }

        /// What the variant expects of each caller.
        var variantExpected: [Caller: StatusCode] {
            guard let variant else { return [:] }
            return expected.mapValues { $0 == .ok ? variant.instead : $0 }
        }
    }

    // MARK: - Expectations

    /// No credential: UNAUTHENTICATED; `ok` are answered, `denied` are
    /// PERMISSION_DENIED; everyone else may not see it: NOT_FOUND.
    fileprivate static func table(ok: Set<Caller>, denied: Set<Caller> = []) -> [Caller: StatusCode] {
        precondition(ok.isDisjoint(with: denied))
        var table: [Caller: StatusCode] = [:]
        for caller in Caller.allCases {
            table[caller] = caller == .none || caller == .garbage ? .unauthenticated
                : ok.contains(caller) ? .ok : denied.contains(caller) ? .permissionDenied : .notFound
        }
        return table
    }

    fileprivate static let signedIn: Set<Caller> = Set(Caller.allCases).subtracting([.none, .garbage])
    /// Those who see every booking at A: its managers and its desk.
    fileprivate static let seeA: Set<Caller> = [.owner, .admin, .managerInScope, .staff, .service, .staffService]
    /// Those who manage A's bookings.
    fileprivate static let manageA: Set<Caller> = [.owner, .admin, .managerInScope, .service]
    /// Those who see A's bookings without managing them.
    fileprivate static let deskOnly: Set<Caller> = [.staff, .staffService]

    /// The holder only; the desk sees it, so is refused. (A hold is no
    /// booking: the provider whose time it holds does not see it.)
    fileprivate static let holderOnly = table(ok: [.booker], denied: seeA)
    /// The holder and the desk.
    fileprivate static let holderOrDesk = table(ok: seeA.union([.booker]))
    /// Managers only: the booker, the desk and the provider see it.
    fileprivate static let managersOnly = table(ok: manageA, denied: deskOnly.union([.booker, .provider]))
    /// What a client may do to their own booking, and managers.
    fileprivate static let clientChange = table(ok: manageA.union([.booker]), denied: deskOnly.union([.provider]))

    // MARK: - Rows

    /// The rows in four groups, each run on its own server (in parallel).
    enum Group: String, CaseIterable, CustomStringConvertible, Sendable {
        case holds, booking, lifecycle, changes

        var description: String { rawValue }

        fileprivate var rows: [Row] {
            switch self {
            case .holds: BookingAuthorizationMatrixTests.holdRows
            case .booking: BookingAuthorizationMatrixTests.bookingRows
            case .lifecycle: BookingAuthorizationMatrixTests.lifecycleRows
            case .changes: BookingAuthorizationMatrixTests.changeRows
            }
        }
    }

    fileprivate static var rows: [Row] { Group.allCases.flatMap(\.rows) }

    fileprivate static let holdRows: [Row] = [
        Row(BookingV1.Holds.holdSlot, table(ok: signedIn), fixture: { w in Fixture(start: try await w.starts.next()) }) { w, f, _ in
            BookingV1.HoldSlotRequest(organizationId: w.org.id, slot: w.slot(w.holdable, f.start!))
        }.or(Variant("no slot", .invalidArgument) { w, _, _ in BookingV1.HoldSlotRequest(organizationId: w.org.id) }),
        Row(BookingV1.Holds.extendHold, holderOnly, clock: { _ in SchedulingTime.now.addingTimeInterval(60) }, fixture: { w in
            Fixture(hold: try await w.hold())
        }) { w, f, _ in
            BookingV1.HoldRequest(organizationId: w.org.id, holdId: f.hold!.id)
        },
        Row(BookingV1.Holds.releaseHold, holderOrDesk, fixture: { w in Fixture(hold: try await w.hold()) }) { w, f, _ in
            BookingV1.HoldRequest(organizationId: w.org.id, holdId: f.hold!.id)
        },
        Row(BookingV1.Holds.getHold, holderOrDesk, mutates: false, fixture: { w in Fixture(hold: try await w.hold()) }) { w, f, _ in
            BookingV1.HoldRequest(organizationId: w.org.id, holdId: f.hold!.id)
        },
        Row(BookingV1.Holds.convertHold, holderOnly, fixture: { w in Fixture(hold: try await w.hold()) }) { w, f, _ in
            BookingV1.ConvertHoldRequest(organizationId: w.org.id, holdId: f.hold!.id)
        }.or(Variant("a guest without an email", .invalidArgument) { w, f, _ in
            BookingV1.ConvertHoldRequest(organizationId: w.org.id, holdId: f.hold!.id, participants: [BookingV1.Participant(name: "No Email")])
        }),
    ]

    // Create judges who may book whom from the participants, so malformed
    // participants are INVALID_ARGUMENT before that: its rows have no variants.
    fileprivate static let bookingRows: [Row] = [
        Row(BookingV1.Bookings.create, "for oneself; a token for a guest", table(ok: signedIn), fixture: { w in
            Fixture(start: try await w.starts.next())
        }) { w, f, caller in
            BookingV1.CreateBookingRequest(
                organizationId: w.org.id, slot: w.slot(w.plain, f.start!), participants: caller.isToken ? [BookingMatrixWorld.guest] : [])
        },
        // Booking someone else (the booker, in no household with the caller): managers and the desk book anyone.
        Row(BookingV1.Bookings.create, "for the booker", table(ok: seeA.union([.booker]), denied: [.stranger, .managerOutOfScope, .provider, .otherProvider]),
            fixture: { w in Fixture(start: try await w.starts.next()) }) { w, f, _ in
            BookingV1.CreateBookingRequest(
                organizationId: w.org.id, slot: w.slot(w.plain, f.start!), participants: [BookingV1.Participant(userId: w.booker.id)])
        },
        Row(BookingV1.Bookings.create, "a walk-in for the booker",
            table(ok: seeA, denied: [.stranger, .booker, .managerOutOfScope, .provider, .otherProvider]),
            fixture: { w in Fixture(start: try await w.starts.next()) }) { w, f, _ in
            BookingV1.CreateBookingRequest(
                organizationId: w.org.id, slot: w.slot(w.plain, f.start!), participants: [BookingV1.Participant(userId: w.booker.id)], source: .walkIn)
        },
        Row(BookingV1.Bookings.create, "from the booker's hold", holderOnly, fixture: { w in Fixture(hold: try await w.hold()) }) { w, f, _ in
            BookingV1.CreateBookingRequest(organizationId: w.org.id, holdId: f.hold!.id)
        }.or(Variant("a guest without an email", .invalidArgument) { w, f, _ in
            BookingV1.CreateBookingRequest(organizationId: w.org.id, holdId: f.hold!.id, participants: [BookingV1.Participant(name: "No Email")])
        }),
        Row(BookingV1.Bookings.get, table(ok: seeA.union([.booker, .provider])), mutates: false, fixture: { w in
            Fixture(booking: try await w.book())
        }) { w, f, _ in
            BookingV1.GetBookingRequest(organizationId: w.org.id, bookingId: f.booking!.id)
        },
        // Everyone signed in lists (what they may see: see listShowsWhatGetShows).
        Row(BookingV1.Bookings.list, table(ok: signedIn), mutates: false, fixture: { w in Fixture(booking: try await w.book()) }) { w, _, _ in
            BookingV1.ListBookingsRequest(organizationId: w.org.id)
        }.or(Variant("to_time before from_time", .invalidArgument) { w, _, _ in
            BookingV1.ListBookingsRequest(organizationId: w.org.id, fromTime: SchedulingTime.now, toTime: SchedulingTime.now.addingTimeInterval(-3_600))
        }),
        // The target provider's day: members who see A's bookings and the provider themself; clients may not see a member's agenda.
        Row(BookingV1.Bookings.agenda, table(ok: seeA.union([.provider]), denied: [.managerOutOfScope, .otherProvider]), mutates: false,
            fixture: { w in Fixture(booking: try await w.book()) }) { w, f, _ in
            BookingV1.AgendaRequest(organizationId: w.org.id, bookableId: w.target, date: SchedulingTime.date(of: f.booking!.startTime!))
        }.or(Variant("no such day", .invalidArgument) { w, _, _ in
            BookingV1.AgendaRequest(organizationId: w.org.id, bookableId: w.target, date: "2026-06-31")
        }),
    ]

    fileprivate static let lifecycleRows: [Row] = [
        Row(BookingV1.Bookings.confirm, managersOnly, fixture: { w in
            Fixture(booking: try await w.book(w.deposit, expecting: .reserved))
        }) { w, f, _ in
            BookingV1.BookingActionRequest(organizationId: w.org.id, bookingId: f.booking!.id)
        }.or(Variant("a confirmed booking", .failedPrecondition) { w, _, _ in
            BookingV1.BookingActionRequest(organizationId: w.org.id, bookingId: w.settled!.id)
        }),
        // The household primary the booking waits for approves too (they are no caller here: see theHouseholdPrimaryApproves).
        Row(BookingV1.Bookings.approve, managersOnly, fixture: { w in
            Fixture(booking: try await w.book(w.expensive, expecting: .pending))
        }) { w, f, _ in
            BookingV1.BookingActionRequest(organizationId: w.org.id, bookingId: f.booking!.id)
        }.or(Variant("a confirmed booking", .failedPrecondition) { w, _, _ in
            BookingV1.BookingActionRequest(organizationId: w.org.id, bookingId: w.settled!.id)
        }),
        Row(BookingV1.Bookings.checkIn, table(ok: seeA.union([.provider]), denied: [.booker]), fixture: { w in
            Fixture(booking: try await w.book())
        }) { w, f, _ in
            BookingV1.CheckInRequest(organizationId: w.org.id, bookingId: f.booking!.id)
        }.or(Variant("a malformed participant_id", .invalidArgument) { w, f, _ in
            BookingV1.CheckInRequest(organizationId: w.org.id, bookingId: f.booking!.id, participantId: "participant-1")
        }),
        Row(BookingV1.Bookings.complete, table(ok: manageA.union([.provider]), denied: deskOnly.union([.booker])), fixture: { w in
            Fixture(booking: try await w.checkedIn())
        }) { w, f, _ in
            BookingV1.BookingActionRequest(organizationId: w.org.id, bookingId: f.booking!.id)
        }.or(Variant("a booking not checked in", .failedPrecondition) { w, _, _ in
            BookingV1.BookingActionRequest(organizationId: w.org.id, bookingId: w.settled!.id)
        }),
        // From the start plus the organization's 15 minutes' grace: a minute after, and (the variant) a minute before.
        Row(BookingV1.Bookings.markNoShow, table(ok: manageA.union([.provider]), denied: deskOnly.union([.booker])),
            clock: { f in f.booking!.startTime!.addingTimeInterval(16 * 60) }, fixture: { w in
                Fixture(booking: try await w.book(at: try await w.soon.next()))
            }) { w, f, _ in
            BookingV1.BookingActionRequest(organizationId: w.org.id, bookingId: f.booking!.id)
        }.or(Variant("within the grace", .failedPrecondition, clock: { f in f.booking!.startTime!.addingTimeInterval(14 * 60) }) { w, f, _ in
            BookingV1.BookingActionRequest(organizationId: w.org.id, bookingId: f.booking!.id)
        }),
    ]

    fileprivate static let changeRows: [Row] = [
        Row(BookingV1.Bookings.cancel, clientChange, fixture: { w in Fixture(booking: try await w.book()) }) { w, f, _ in
            BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: f.booking!.id, reason: "plans changed")
        }.or(Variant("a 501-character reason", .invalidArgument) { w, f, _ in
            BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: f.booking!.id, reason: String(repeating: "r", count: 501))
        }),
        Row(BookingV1.Bookings.reschedule, clientChange, fixture: { w in
            Fixture(booking: try await w.book(), start: try await w.starts.next())
        }) { w, f, _ in
            BookingV1.RescheduleBookingRequest(organizationId: w.org.id, bookingId: f.booking!.id, startTime: f.start!)
        }.or(Variant("no start_time", .invalidArgument) { w, f, _ in
            BookingV1.RescheduleBookingRequest(organizationId: w.org.id, bookingId: f.booking!.id)
        }),
        Row(BookingV1.Bookings.addParticipants, "an observer", clientChange, fixture: { w in Fixture(booking: try await w.book()) }) { w, f, _ in
            BookingV1.AddParticipantsRequest(
                organizationId: w.org.id, bookingId: f.booking!.id,
                participants: [BookingV1.Participant(name: "Watching Parent", email: "watcher@example.com", role: .observer)])
        }.or(Variant("nobody", .invalidArgument) { w, f, _ in
            BookingV1.AddParticipantsRequest(organizationId: w.org.id, bookingId: f.booking!.id)
        }),
        Row(BookingV1.Bookings.removeParticipant, "the observer", clientChange, fixture: { w in
            Fixture(booking: try await w.book(participants: [BookingV1.Participant(userId: w.booker.id), BookingMatrixWorld.observer]))
        }) { w, f, _ in
            BookingV1.RemoveParticipantRequest(
                organizationId: w.org.id, bookingId: f.booking!.id, participantId: f.booking!.participants.first { $0.role == .observer }!.id)
        }.or(Variant("a malformed participant_id", .invalidArgument) { w, f, _ in
            BookingV1.RemoveParticipantRequest(organizationId: w.org.id, bookingId: f.booking!.id, participantId: "observer")
        }),
        Row(BookingV1.Bookings.reassignBookable, "the other room", managersOnly, fixture: { w in Fixture(booking: try await w.book()) }) { w, f, _ in
            let room = f.booking!.assignedBookables.first { $0.kind == .venue }!.bookableId
            return BookingV1.ReassignBookableRequest(
                organizationId: w.org.id, bookingId: f.booking!.id, bookableId: room, newBookableId: w.rooms.first { $0 != room }!)
        }.or(Variant("a malformed bookable_id", .invalidArgument) { w, f, _ in
            BookingV1.ReassignBookableRequest(organizationId: w.org.id, bookingId: f.booking!.id, bookableId: "room-1", newBookableId: w.rooms[1])
        }),
    ]

    static var bookingServices: [ServiceDescriptor] { BizingSchema.services.filter { $0.name.hasPrefix("bizing.booking.v1.") } }

    // MARK: - Tests

    @Test func everyRowCoversEveryCaller() {
        for row in Self.rows {
            #expect(Set(row.expected.keys) == Set(Caller.allCases), "\(row)")
            #expect(row.expected[.none] == .unauthenticated && row.expected[.garbage] == .unauthenticated, "\(row)")
        }
    }

    @Test func theRowsCoverEveryBookingMethod() {
        #expect(Self.bookingServices.map(\.name).sorted() == ["bizing.booking.v1.Bookings", "bizing.booking.v1.Holds"])
        #expect(Self.bookingServices == [BookingV1.Holds.descriptor, BookingV1.Bookings.descriptor])
        let methods = Self.bookingServices.flatMap(\.methods).map(\.fullName)
        #expect(methods.count == 19)
        #expect(Set(Self.rows.map(\.method.fullName)) == Set(methods), "at least one row per method, and no other")
        #expect(Set(Self.rows.map(\.description)).count == Self.rows.count, "rows of one method are told apart by their labels")
    }

    /// One server and one world per group of rows; every row's cells run one after another on it.
    @Test(arguments: Group.allCases)
    func statusesMatchTheMatrix(_ group: Group) async throws {
        try await CatalogHarness.scheduling { h in
            let world = try await BookingMatrixWorld.make(h)
            var mismatches: [String] = []
            var cells = 0
            var last: BookingMatrixWorld.Tables?
            for row in group.rows {
                var fixture: Fixture?
                for caller in Caller.allCases {
                    h.clock.set(SchedulingTime.now)
                    let current: Fixture
                    if let fixture {
                        current = fixture
                    } else {
                        current = try await row.fixture(world)
                        last = nil
                    }
                    fixture = current
                    // The wrong call first, on the same fixture: it must change nothing.
                    if let variant = row.variant {
                        h.clock.set(variant.clock?(current) ?? SchedulingTime.now)
                        let (status, message, changed) = try await world.judge(
                            row.method, variant.request(world, current, caller), caller: caller, key: row.mutates ? "matrix-variant-\(cells)" : nil,
                            last: &last)
                        let expected = row.variantExpected[caller]!
                        if status != expected {
                            mismatches.append("\(row), \(variant.label): \(caller): got \(status) (\(message)), expected \(expected)")
                        }
                        if changed { mismatches.append("\(row), \(variant.label): \(caller): answered \(status) but the booking tables changed") }
                    }
                    h.clock.set(row.clock?(current) ?? SchedulingTime.now)
                    let (status, message, changed) = try await world.judge(
                        row.method, row.request(world, current, caller), caller: caller, key: row.mutates ? "matrix-\(cells)" : nil, last: &last)
                    cells += 1
                    let expected = row.expected[caller]!
                    if status != expected {
                        mismatches.append("\(row) \(caller): got \(status) (\(message)), expected \(expected)")
                    }
                    if status != .ok, changed {
                        mismatches.append("\(row) \(caller): refused with \(status) but the booking tables changed")
                    }
                    if status == .ok, row.mutates, !changed {
                        mismatches.append("\(row) \(caller): answered OK but wrote nothing")
                    }
                    if status == .ok, !row.mutates, changed {
                        mismatches.append("\(row) \(caller): a read changed the booking tables")
                    }
                    // A change used the fixture up (a booking moved on, a hold converted, a start taken).
                    if status == .ok, row.mutates { fixture = nil }
                }
            }
            #expect(cells == group.rows.count * Caller.allCases.count)
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        }
    }

    /// List shows each caller exactly the bookings Get lets them see: of a
    /// booking at A and one at B, both the booker's.
    @Test func listShowsWhatGetShows() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await BookingMatrixWorld.make(h)
            let atA = try await w.book()
            let atB = try await w.book(w.plainAtB, at: try await w.starts.next())
            var mismatches: [String] = []
            for caller in Caller.allCases where caller != .none && caller != .garbage {
                let token = w.tokens[caller]!
                let listed: BookingV1.ListBookingsResponse = try await h.call(
                    BookingV1.Bookings.list, BookingV1.ListBookingsRequest(organizationId: w.org.id, pageSize: 500), token: token!)
                for booking in [atA, atB] {
                    let get = await h.code(BookingV1.Bookings.get, BookingV1.GetBookingRequest(organizationId: w.org.id, bookingId: booking.id), token: token!)
                    let shown = listed.bookings.contains { $0.id == booking.id }
                    if shown != (get == .ok) {
                        mismatches.append("\(caller) at \(booking.locationId == w.locationA ? "A" : "B"): listed \(shown), Get \(get)")
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
            // The booking at B: its managers and the organization-wide see it, the booker too; A's manager, staff and provider do not.
            let seesB = await Caller.allCases.asyncFilter {
                guard let token = w.tokens[$0]! else { return false }
                return await h.code(BookingV1.Bookings.get, BookingV1.GetBookingRequest(organizationId: w.org.id, bookingId: atB.id), token: token) == .ok
            }
            #expect(Set(seesB) == [.booker, .owner, .admin, .managerOutOfScope, .service, .staffService])
        }
    }

    /// Approve's other half: the household primary a pending booking waits
    /// for sees it and approves it; the booker may not.
    @Test func theHouseholdPrimaryApproves() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await BookingMatrixWorld.make(h)
            let pending = try await w.book(w.expensive, expecting: .pending)
            #expect(pending.approverUserId == w.primary.id)
            let request = BookingV1.BookingActionRequest(organizationId: w.org.id, bookingId: pending.id)
            #expect(await h.code(BookingV1.Bookings.approve, request, token: w.booker.token) == .permissionDenied)
            #expect(await h.code(BookingV1.Bookings.get, BookingV1.GetBookingRequest(organizationId: w.org.id, bookingId: pending.id),
                                 token: w.primary.token) == .ok)
            let approved: BookingV1.Booking = try await h.call(BookingV1.Bookings.approve, request, token: w.primary.token)
            #expect(approved.status == .confirmed && approved.version == pending.version + 1)
            #expect(await h.code(BookingV1.Bookings.approve, request, token: w.primary.token) == .failedPrecondition, "once")
        }
    }
}

// MARK: - Fixtures

/// Starts on the target provider's weekday grid (09:00 to 16:00, New York), each handed out once.
fileprivate actor BookingMatrixStarts {
    private var free: [Date]

    init(_ dates: [String]) {
        free = dates.flatMap { date in (9...16).map { SchedulingTime.at(date, $0 < 10 ? "0\($0):00" : "\($0):00") } }
    }

    func next() throws -> Date {
        guard !free.isEmpty else { throw BookingMatrixOutOfStarts() }
        return free.removeFirst()
    }
}

fileprivate struct BookingMatrixOutOfStarts: Error {}

/// One organization with locations A and B (New York, weekdays 09:00 to
/// 17:00); at A the target provider's bookable, the other provider's and
/// two rooms; templates at A that need the target provider and a room (one
/// plain, one with a required deposit, one above the household's
/// "expensive", one taking holds for a day), and a plain one at B; a member
/// in every role; the booker, a client whose household's primary approves
/// their expensive bookings; a stranger; the two service tokens.
fileprivate struct BookingMatrixWorld: Sendable {
    typealias Caller = BookingAuthorizationMatrixTests.Caller

    let h: CatalogHarness
    let org: CatalogOrganization
    let locationA: String
    let target: String
    let rooms: [String]
    let plain: String
    let deposit: String
    let expensive: String
    let holdable: String
    let plainAtB: String
    let booker: (id: String, token: String)
    let primary: (id: String, token: String)
    let tokens: [Caller: String?]
    let snapshotSQL: String
    /// A confirmed booking of the booker's that no call changes (the wrong-state variants).
    var settled: BookingV1.Booking?
    /// From Wednesday 2026-06-03 on; and Monday 1 and Tuesday 2 June, for
    /// no-shows (the clock goes past their start, never a week ahead).
    let starts = BookingMatrixStarts(SchedulingTime.dates("2026-06-03", through: "2026-08-14").filter(SchedulingTime.isWeekday))
    let soon = BookingMatrixStarts(["2026-06-01", "2026-06-02"])

    static let guest = BookingV1.Participant(name: "Walk In Guest", email: "guest@example.com")
    static let observer = BookingV1.Participant(name: "Watching Friend", email: "friend@example.com", role: .observer)

    static func make(_ h: CatalogHarness) async throws -> BookingMatrixWorld {
        let org = try await h.organization("Booking Matrix")
        let organizationID = UUID(uuidString: org.id)!
        let a = try await h.create(CatalogSample.location("site-a"), in: org)
        let b = try await h.create(CatalogSample.location("site-b"), in: org)
        let (locationA, locationB) = (UUID(uuidString: a.id)!, UUID(uuidString: b.id)!)
        var members: [Caller: UUID] = [.owner: UUID(uuidString: org.ownerID)!]
        let people: [(Caller, Role, MembershipScope)] = [
            (.admin, .admin, .allLocations), (.managerInScope, .manager, .locations([locationA])),
            (.managerOutOfScope, .manager, .locations([locationB])), (.staff, .staff, .locations([locationA])),
            (.provider, .provider, .locations([locationA])), (.otherProvider, .provider, .locations([locationA])),
        ]
        for (caller, role, scope) in people {
            let person = try await h.identity.user(caller.rawValue)
            _ = try await h.identity.fixtures.addMembership(organizationID: organizationID, userID: person.record.id, role: role, scope: scope)
            members[caller] = person.record.id
        }
        let target = try await h.create(CatalogSample.provider("target", at: a.id, userID: members[.provider]!.lowercasedString), in: org)
        _ = try await h.create(CatalogSample.provider("other", at: a.id, userID: members[.otherProvider]!.lowercasedString), in: org)
        let rooms = [try await h.create(CatalogSample.venue("room-1", at: a.id), in: org), try await h.create(CatalogSample.venue("room-2", at: a.id), in: org)]
        let providerAtB = try await h.create(CatalogSample.provider("at-b", at: b.id), in: org)
        _ = try await h.create(CatalogSample.venue("room-b", at: b.id), in: org)

        func template(_ slug: String, price: Int64 = 5_000, at location: String = a.id, provider: String = target.id,
                      _ change: (inout CatalogV1.ServiceTemplate) -> Void = { _ in }) async throws -> String {
            var template = SchedulingSample.template(slug, at: location, requirements: [
                CatalogV1.BookableRequirement(kind: .provider, bookableId: provider),
                CatalogV1.BookableRequirement(kind: .venue, count: 1, allowSubstitution: true),
            ])
            template.pricing = CatalogV1.Pricing(basePrice: CatalogSample.money(price))
            change(&template)
            return try await h.activate(template, in: org).id
        }
        let plain = try await template("plain")
        let deposit = try await template("deposit") { $0.deposit = CatalogV1.Deposit(required: true, percent: 20) }
        let expensive = try await template("expensive", price: 20_000)
        let holdable = try await template("holdable") {
            $0.reservation = CatalogV1.ReservationSettings(enabled: true, holdMinutes: 1_440, maxHoldMinutes: 2_880)
        }
        let plainAtB = try await template("plain-b", at: b.id, provider: providerAtB.id)

        // The booker's household: its primary approves the booker's expensive bookings.
        let booker = try await h.outsider("Booker")
        let primary = try await h.outsider("Primary")
        let household: IdentityV1.Household = try await h.call(
            IdentityV1.Households.create, IdentityV1.CreateHouseholdRequest(name: "Booker Family"), token: primary.token)
        _ = try await h.call(IdentityV1.Households.addMember, IdentityV1.AddHouseholdMemberRequest(
            householdId: household.id, userId: booker.id, role: .adult,
            permissions: IdentityV1.HouseholdPermissions(approvalRequiredFor: .expensiveOnly)), token: primary.token, as: IdentityV1.Household.self)
        _ = try await h.call(IdentityV1.Households.acceptInvitation, IdentityV1.AcceptInvitationRequest(householdId: household.id),
                             token: booker.token, as: IdentityV1.Household.self)

        var tokens: [Caller: String?] = [
            .none: nil, .garbage: "bzs_not-a-token", .booker: booker.token, .stranger: try await h.outsider("Stranger").token,
            .service: try await h.identity.fixtures.issueServiceToken(organizationID: organizationID, name: "matrix-admin", role: .admin).1,
            .staffService: try await h.identity.fixtures.issueServiceToken(organizationID: organizationID, name: "matrix-staff", role: .staff).1,
        ]
        for (caller, id) in members { tokens[caller] = try await h.identity.fixtures.openSession(userID: id) }
        var world = BookingMatrixWorld(
            h: h, org: org, locationA: a.id, target: target.id, rooms: rooms.map(\.id), plain: plain, deposit: deposit, expensive: expensive,
            holdable: holdable, plainAtB: plainAtB, booker: booker, primary: primary, tokens: tokens, snapshotSQL: try await snapshotSQL(h.store))
        world.settled = try await world.book()
        return world
    }

    func slot(_ template: String, _ start: Date) -> BookingV1.SlotChoice {
        BookingV1.SlotChoice(serviceTemplateId: template, startTime: start)
    }

    /// A booking the booker makes for themself (or `participants`) at the next free start.
    func book(
        _ template: String? = nil, at start: Date? = nil, participants: [BookingV1.Participant] = [], expecting status: BookingV1.BookingStatus = .confirmed
    ) async throws -> BookingV1.Booking {
        var at = start
        if at == nil { at = try await starts.next() }
        let booking: BookingV1.Booking = try await h.call(BookingV1.Bookings.create, BookingV1.CreateBookingRequest(
            organizationId: org.id, slot: slot(template ?? plain, at!), participants: participants), token: booker.token)
        try #require(booking.status == status, "a fixture booking of \(template ?? plain) is \(booking.status)")
        try #require(template == plainAtB || booking.assignedBookables.contains { $0.bookableId == target }, "assigned the target provider")
        return booking
    }

    /// A confirmed booking of the booker's, checked in by the owner.
    func checkedIn() async throws -> BookingV1.Booking {
        let booking = try await book()
        let checked: BookingV1.Booking = try await h.call(
            BookingV1.Bookings.checkIn, BookingV1.CheckInRequest(organizationId: org.id, bookingId: booking.id), token: org.token)
        try #require(checked.status == .checkedIn)
        return checked
    }

    /// A hold the booker makes (for a day) at the next free start.
    func hold() async throws -> BookingV1.Hold {
        let hold: BookingV1.Hold = try await h.call(
            BookingV1.Holds.holdSlot, BookingV1.HoldSlotRequest(organizationId: org.id, slot: slot(holdable, try await starts.next())), token: booker.token)
        try #require(hold.status == .active && hold.holderUserId == booker.id)
        return hold
    }

    /// The status a call ends with (and its message), `idempotency-key` sent when given.
    func status(_ method: MethodDescriptor, _ request: any Encodable & Sendable, caller: Caller, idempotencyKey: String?) async -> (StatusCode, String) {
        var buffer = ByteBuffer()
        var metadata = IdentityHarness.metadata(tokens[caller]!)
        if let idempotencyKey { metadata.append(MetadataEntry(key: "idempotency-key", value: idempotencyKey)) }
        do {
            try ProtobufEncoder().encode(request, into: &buffer)
            _ = try await h.identity.client.unary(method.fullName, request: buffer, metadata: metadata)
            return (.ok, "")
        } catch let status as RPCStatus {
            return (status.code, status.message)
        } catch {
            Issue.record("\(method.fullName): \(error)")
            return (.unknown, "\(error)")
        }
    }

    /// The booking tables as a judgement left them, and the clock's time then.
    struct Tables: Sendable {
        let at: Date
        let text: String
    }

    /// A call judged: its status and message, and whether the booking
    /// tables changed. What the clock let expire is swept first, so the
    /// server's own janitor cannot change them in the middle. `last`: the
    /// tables as the previous judgement left them when nothing was written
    /// since (nil: unknown), reused while the clock stands where it stood
    /// (so nothing more can have expired); left as this call leaves them.
    func judge(
        _ method: MethodDescriptor, _ request: any Encodable & Sendable, caller: Caller, key: String?, last: inout Tables?
    ) async throws -> (StatusCode, String, changed: Bool) {
        let now = h.clock.now
        let swept = try await BookingServices(BookingEnvironment(store: h.store)).janitor.sweep()
        if swept.holds + swept.keys > 0 || last?.at != now { last = nil }
        let before: String
        if let last { before = last.text } else { before = try await snapshot() }
        let (status, message) = await status(method, request, caller: caller, idempotencyKey: key)
        let after = try await snapshot()
        last = Tables(at: now, text: after)
        return (status, message, after != before)
    }

    static let tables = ["bookings", "booking_participants", "assigned_bookables", "holds", "reserved_times", "idempotency_keys"]

    /// Every row of the booking tables, each value exactly, in key order,
    /// as one text built by SQLite in one statement (`quote` writes text
    /// and blobs exactly; these STRICT tables hold no REAL): a thousand
    /// snapshots of a few thousand rows take a second or two.
    func snapshot() async throws -> String {
        try await h.store.read { [snapshotSQL] db in try String.fetchOne(db, sql: snapshotSQL) ?? "" }
    }

    /// The statement `snapshot` runs, from the tables' columns.
    static func snapshotSQL(_ store: BizingStore) async throws -> String {
        try await store.read { db in
            let parts = try tables.map { table in
                let names = try db.columns(in: table).map(\.name)
                let line = names.map { "quote(\($0))" }.joined(separator: " || ' | ' || ")
                return "'\(table):' || char(10) || ifnull((SELECT group_concat(line, char(10)) FROM "
                    + "(SELECT \(line) AS line FROM \(table) ORDER BY \(names[0]), \(names[1]))), '')"
            }
            return "SELECT " + parts.joined(separator: " || char(10) || ")
        }
    }
}

extension Sequence {
    fileprivate func asyncFilter(_ include: (Element) async throws -> Bool) async rethrows -> [Element] {
        var kept: [Element] = []
        for element in self where try await include(element) { kept.append(element) }
        return kept
    }
}
