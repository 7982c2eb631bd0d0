import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB
import Identity
import NIOCore
import Testing

/// Someone who calls: their user id and session token.
struct BookingPerson: Sendable, Hashable {
    let id: String
    let token: String
}

/// The Booking tests' world: the Scheduling tests' New York studio (open on
/// weekdays 09:00-17:00, the clock at Monday 2026-06-01 08:00 there) with
/// two providers, the first of them a member who signs in as that provider,
/// one room, and an active 30-minute template that needs exactly the first
/// provider and a venue (so the room), keeping 15 minutes free either side:
/// each of its slots takes the one provider and the one room from 15 minutes
/// before to 15 minutes after, so one booking fills a slot.
struct BookingWorld: Sendable {
    let org: CatalogOrganization
    let location: CatalogV1.Location
    /// The template's provider; `providerUser` signs in as them.
    let provider: CatalogV1.Bookable
    let providerUser: BookingPerson
    let otherProvider: CatalogV1.Bookable
    let room: CatalogV1.Bookable
    let template: CatalogV1.ServiceTemplate

    var id: String { org.id }

    /// A slot of `template` (the world's by default) at `start`.
    func slot(_ start: Date, template: String? = nil, bookables: [String] = []) -> BookingV1.SlotChoice {
        BookingV1.SlotChoice(serviceTemplateId: template ?? self.template.id, startTime: start, bookableIds: bookables)
    }

    func create(
        _ start: Date, template: String? = nil, participants: [BookingV1.Participant] = [], household: String = "",
        source: BookingV1.BookingSource = .unspecified, notes: String = ""
    ) -> BookingV1.CreateBookingRequest {
        BookingV1.CreateBookingRequest(
            organizationId: org.id, slot: slot(start, template: template), participants: participants, householdId: household, notes: notes,
            source: source)
    }

    func action(_ bookingID: String) -> BookingV1.BookingActionRequest {
        BookingV1.BookingActionRequest(organizationId: org.id, bookingId: bookingID)
    }

    func search(_ from: String, _ to: String, template: String? = nil, seats: UInt32 = 0) -> SchedulingV1.SearchAvailabilityRequest {
        SchedulingV1.SearchAvailabilityRequest(organizationId: org.id, serviceTemplateId: template ?? self.template.id, fromDate: from, toDate: to, seats: seats)
    }
}

/// Samples for the Booking tests.
enum BookingSample {
    /// A template at `location` needing `provider` (any provider when nil)
    /// and one venue, `minutes` long with buffers.
    static func template(
        _ slug: String, at location: String, provider: String?, minutes: UInt32 = 30, pre: UInt32 = 15, post: UInt32 = 15,
        type: CatalogV1.ServiceType = .appointment, capacity: CatalogV1.Capacity? = nil, reservation: CatalogV1.ReservationSettings? = nil,
        deposit: CatalogV1.Deposit? = nil, price: Int64 = 5_000
    ) -> CatalogV1.ServiceTemplate {
        let providerRequirement = provider.map { CatalogV1.BookableRequirement(kind: .provider, bookableId: $0) }
            ?? CatalogV1.BookableRequirement(kind: .provider, count: 1)
        return CatalogV1.ServiceTemplate(
            locationId: location, name: "Service \(slug)", slug: slug, type: type,
            duration: CatalogV1.ServiceDuration(type: .fixed, fixedMinutes: minutes, preBufferMinutes: pre, postBufferMinutes: post),
            requiredBookables: [providerRequirement, CatalogV1.BookableRequirement(kind: .venue, count: 1)],
            capacity: capacity, pricing: CatalogV1.Pricing(basePrice: CatalogSample.money(price)), deposit: deposit, reservation: reservation)
    }

    /// A guest participant.
    static func guest(_ name: String, role: BookingV1.ParticipantRole = .unspecified) -> BookingV1.Participant {
        BookingV1.Participant(name: name, email: "\(name.lowercased().filter(\.isLetter))@example.com", role: role)
    }

    static func user(_ id: String, role: BookingV1.ParticipantRole = .unspecified) -> BookingV1.Participant {
        BookingV1.Participant(userId: id, role: role)
    }
}

extension CatalogHarness {
    // MARK: - The world

    func bookingWorld(tag: String = "book", pre: UInt32 = 15, post: UInt32 = 15) async throws -> BookingWorld {
        let org = try await organization("Booking \(tag)")
        let location = try await create(CatalogSample.location("\(tag)-studio"), in: org)
        let providerUser = try await member(of: org, "Provider \(tag)", role: .provider)
        let provider = try await create(CatalogSample.provider("\(tag)-provider", at: location.id, userID: providerUser.id), in: org)
        let otherProvider = try await create(CatalogSample.provider("\(tag)-other", at: location.id), in: org)
        let room = try await create(CatalogSample.venue("\(tag)-room", at: location.id), in: org)
        let template = try await activate(
            BookingSample.template("\(tag)-facial", at: location.id, provider: provider.id, pre: pre, post: post), in: org)
        return BookingWorld(
            org: org, location: location, provider: provider, providerUser: BookingPerson(id: providerUser.id, token: providerUser.token),
            otherProvider: otherProvider, room: room, template: template)
    }

    /// A signed-in user who is not a member of any organization: a client.
    func client(_ name: String) async throws -> BookingPerson {
        let person = try await outsider(name)
        return BookingPerson(id: person.id, token: person.token)
    }

    func staff(of org: CatalogOrganization, _ name: String, role: Role = .staff) async throws -> BookingPerson {
        let person = try await member(of: org, name, role: role)
        return BookingPerson(id: person.id, token: person.token)
    }

    /// The starts SearchAvailability offers `token` for `request`.
    func starts(_ request: SchedulingV1.SearchAvailabilityRequest, token: String) async throws -> [Date] {
        try await allSlots(request, token: token).slots.compactMap(\.startTime)
    }

    /// `count` starts of the template (the world's by default), from `first` (Tuesday 2026-06-02) on,
    /// whose busy spans (the service and its buffers) do not touch one
    /// another: each can be booked whatever happens to the others.
    func independentStarts(
        _ w: BookingWorld, template: CatalogV1.ServiceTemplate? = nil, count: Int, from first: String = "2026-06-02", through last: String = "2026-06-12",
        token: String? = nil
    ) async throws -> [Date] {
        let template = template ?? w.template
        let duration = template.duration ?? CatalogV1.ServiceDuration()
        let busy = TimeInterval(duration.preBufferMinutes + duration.fixedMinutes + duration.postBufferMinutes) * 60
        var chosen: [Date] = []
        for start in try await starts(w.search(first, last, template: template.id), token: token ?? w.org.token) {
            if let last = chosen.last, start.timeIntervalSince(last) < busy { continue }
            chosen.append(start)
            if chosen.count == count { break }
        }
        #expect(chosen.count == count, "the world offers \(count) independent starts")
        return chosen
    }

    // MARK: - Calls

    func book(_ request: BookingV1.CreateBookingRequest, token: String) async throws -> BookingV1.Booking {
        try await call(BookingV1.Bookings.create, request, token: token)
    }

    func booking(_ id: String, in w: BookingWorld, token: String? = nil) async throws -> BookingV1.Booking {
        try await call(BookingV1.Bookings.get, BookingV1.GetBookingRequest(organizationId: w.org.id, bookingId: id), token: token ?? w.org.token)
    }

    /// Confirm, Approve, Complete or MarkNoShow.
    func act(_ method: MethodDescriptor, _ id: String, in w: BookingWorld, token: String? = nil) async throws -> BookingV1.Booking {
        try await call(method, w.action(id), token: token ?? w.org.token)
    }

    func cancel(_ id: String, in w: BookingWorld, token: String? = nil, reason: String = "") async throws -> BookingV1.Booking {
        try await call(BookingV1.Bookings.cancel, BookingV1.CancelBookingRequest(organizationId: w.org.id, bookingId: id, reason: reason),
                       token: token ?? w.org.token)
    }

    func checkIn(_ id: String, participant: String = "", in w: BookingWorld, token: String? = nil) async throws -> BookingV1.Booking {
        try await call(BookingV1.Bookings.checkIn, BookingV1.CheckInRequest(organizationId: w.org.id, bookingId: id, participantId: participant),
                       token: token ?? w.org.token)
    }

    func hold(_ start: Date, template: String, in w: BookingWorld, token: String, seats: UInt32 = 0) async throws -> BookingV1.Hold {
        try await call(BookingV1.Holds.holdSlot, BookingV1.HoldSlotRequest(organizationId: w.org.id, slot: w.slot(start, template: template), seats: seats),
                       token: token)
    }

    /// ExtendHold, ReleaseHold or GetHold.
    func holdCall(_ method: MethodDescriptor, _ id: String, in w: BookingWorld, token: String) async throws -> BookingV1.Hold {
        try await call(method, BookingV1.HoldRequest(organizationId: w.org.id, holdId: id), token: token)
    }

    func list(_ request: BookingV1.ListBookingsRequest, token: String) async throws -> BookingV1.ListBookingsResponse {
        try await call(BookingV1.Bookings.list, request, token: token)
    }

    /// Every page of a list (the request's page size, tokens followed) and how many pages.
    func allBookings(_ request: BookingV1.ListBookingsRequest, token: String) async throws -> (bookings: [BookingV1.Booking], pages: Int) {
        var request = request
        var all: [BookingV1.Booking] = []
        var pages = 0
        repeat {
            let page = try await list(request, token: token)
            all += page.bookings
            pages += 1
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty && pages < 1_000
        return (all, pages)
    }

    /// A call with an `idempotency-key` metadata entry, on `client` (the harness's by default).
    func keyed<Request: Encodable & Sendable, Response: Decodable & Sendable>(
        _ method: MethodDescriptor, _ request: Request, token: String, key: String, on client: RPCClient? = nil, as: Response.Type = Response.self
    ) async throws -> Response {
        try await (client ?? identity.client).unary(
            method.fullName, request, as: Response.self, metadata: IdentityHarness.metadata(token) + [MetadataEntry(key: "idempotency-key", value: key)])
    }

    /// The status a keyed call fails with; records an issue when it answers.
    func keyedFailure<Request: Encodable & Sendable>(
        _ method: MethodDescriptor, _ request: Request, token: String, key: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> RPCStatus {
        var buffer = ByteBuffer()
        try ProtobufEncoder().encode(request, into: &buffer)
        do {
            _ = try await identity.client.unary(
                method.fullName, request: buffer, metadata: IdentityHarness.metadata(token) + [MetadataEntry(key: "idempotency-key", value: key)])
        } catch let status as RPCStatus {
            return status
        }
        Issue.record("\(method.fullName) answered OK; a failure was expected", sourceLocation: sourceLocation)
        return .ok
    }

    // MARK: - The rows behind the API

    /// The reserved_times rows of one booking or hold, each value exactly, in bookable order.
    func reservedRows(_ reference: String) async throws -> [String] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reserved_times WHERE reference_id = ? ORDER BY bookable_id", arguments: [reference])
                .map { $0.databaseValues.map(\.exactText).joined(separator: " | ") }
        }
    }

    /// Pairs of reservations of bookings that overlap on one bookable
    /// (buffers included): the self-join the promise is checked with.
    func bookingOverlaps() async throws -> [String] {
        try await store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.bookable_id, a.reference_id, b.reference_id FROM reserved_times a JOIN reserved_times b
                ON a.bookable_id = b.bookable_id AND a.id < b.id AND a.reference_id <> b.reference_id
                   AND a.busy_from < b.busy_until AND b.busy_from < a.busy_until
                WHERE a.kind = 'booking' AND b.kind = 'booking'
                """).map { "\($0[0] as String): \($0[1] as String) and \($0[2] as String)" }
        }
    }

    /// Whether the bookings that hold time, their assigned bookables and
    /// their reserved_times rows agree: the same (booking, bookable) pairs,
    /// at the booking's start and end; and nothing else is reserved as a booking.
    func bookingRowsDisagreements(organizationID: String) async throws -> [String] {
        try await store.read { db in
            let live = "SELECT id FROM bookings WHERE organization_id = ? AND status IN ('reserved', 'pending', 'confirmed', 'checked_in')"
            let assigned = Set(try Row.fetchAll(db, sql: """
                SELECT a.reference_id, a.bookable_id, b.starts_at, b.ends_at FROM assigned_bookables a JOIN bookings b ON b.id = a.reference_id
                WHERE a.reference_id IN (\(live))
                """, arguments: [organizationID]).map { "\($0[0] as String) \($0[1] as String) \($0[2] as Int64)-\($0[3] as Int64)" })
            let reserved = Set(try Row.fetchAll(db, sql: """
                SELECT reference_id, bookable_id, starts_at, ends_at FROM reserved_times WHERE organization_id = ? AND kind = 'booking'
                """, arguments: [organizationID]).map { "\($0[0] as String) \($0[1] as String) \($0[2] as Int64)-\($0[3] as Int64)" })
            return assigned.symmetricDifference(reserved).sorted()
        }
    }

    func bookingCount(organizationID: String) async throws -> Int {
        try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM bookings WHERE organization_id = ?", arguments: [organizationID]) ?? -1 }
    }

    /// Every row of the Booking tables and reserved_times of an organization, each value exactly, in key order.
    func bookingSnapshot(organizationID: String) async throws -> [String] {
        try await store.read { db in
            var rows: [String] = []
            for table in ["holds", "bookings", "booking_participants", "assigned_bookables", "reserved_times"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE organization_id = ? ORDER BY 1, 2", arguments: [organizationID]) {
                    rows.append(table + ": " + row.databaseValues.map(\.exactText).joined(separator: " | "))
                }
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM idempotency_keys ORDER BY 1, 2") {
                rows.append("idempotency_keys: " + row.databaseValues.map(\.exactText).joined(separator: " | "))
            }
            return rows
        }
    }
}

/// A refusal's code and reason, compactly.
func refusal(_ status: RPCStatus) -> String {
    status.details.reason.isEmpty ? status.code.name : "\(status.code.name) \(status.details.reason)"
}
