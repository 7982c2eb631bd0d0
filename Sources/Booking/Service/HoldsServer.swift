public import BizingAPI
public import BizingRPC
import BizingStore
import BizingWire
import Catalog
import ContextKit
import Foundation
import GRDB
import Identity
import Scheduling

/// `bizing.booking.v1.Holds`: a slot kept for its holder for the
/// template's hold minutes, then released by the clock (an expired hold
/// reserves nothing at once; the janitor deletes its rows later).
public struct HoldsServer: BookingV1.HoldsService {
    let calls: BookingCalls
    var environment: BookingEnvironment { calls.environment }

    public init(_ environment: BookingEnvironment) {
        calls = BookingCalls(environment: environment)
    }

    public func holdSlot(_ request: BookingV1.HoldSlotRequest, context: ServerCallContext) async throws -> BookingV1.Hold {
        try await calls.changing(request, request.organizationId, context) { db, caller, now in
            guard let choice = request.slot else {
                throw ValidationFailure([InvalidField(field: "slot", rule: .required, description: "is required")])
            }
            var slot = try SlotChoices.wanted(choice, field: "slot.")
            if case .unrecognized = request.onExpiry {
                throw ValidationFailure([InvalidField(field: "on_expiry", rule: .notAllowed, description: "is not a known choice")])
            }
            slot.seats = request.seats == 0 ? 1 : Int(request.seats)
            if request.seats > 10_000 {
                throw ValidationFailure([InvalidField(field: "seats", rule: .notAllowed, description: "must be at most 10000")])
            }
            let (template, location) = try Booker.place(db, caller, slot, cache: environment.store.references)
            if caller.userID == nil && !caller.worksDesk(location: location) {
                throw ContextStatus.permissionDenied("this service token may not hold slots at this location (it acts as \(caller.roleWithArticle))")
            }
            guard let settings = template.reservation, settings.enabled else {
                throw ContextStatus.failedPrecondition("the service template does not take holds (its reservation settings are off): book it directly")
            }
            // The offer names the seats after the request's own field ("seats").
            let offered = try environment.ledger.offer(db, organizationID: caller.organization.id, slot, now: now.seconds)
            let terms = HoldTerms(holdMinutes: Int(settings.holdMinutes), maxHoldMinutes: Int(settings.maxHoldMinutes))
            let id = environment.store.ids.next().lowercasedString
            var hold = BookingV1.Hold(
                id: id, organizationId: caller.organizationID, locationId: offered.location.id, serviceTemplateId: template.id, status: .active,
                startTime: Date(timeIntervalSince1970: TimeInterval(offered.service.start)), endTime: Date(timeIntervalSince1970: TimeInterval(offered.service.end)),
                timeZone: offered.location.timeZone, localStart: offered.localStart, localEnd: offered.localEnd,
                durationMinutes: UInt32(offered.minutes), nights: UInt32(offered.nights), seats: UInt32(slot.seats),
                assignedBookables: Booker.assigned(offered), holderUserId: caller.userID?.lowercasedString ?? "")
            let expiresAt = terms.expiry(createdAt: now.seconds)
            hold.createdAt = now.date
            hold.expiresAt = Date(timeIntervalSince1970: TimeInterval(expiresAt))
            hold.extendableUntil = Date(timeIntervalSince1970: TimeInterval(terms.limit(createdAt: now.seconds)))
            hold.onExpiry = .releaseSlot
            try environment.ledger.reserve(db, organizationID: caller.organization.id,
                                           offered.reservations(.hold(expiresAt: expiresAt), referenceID: id, participants: slot.seats),
                                           ids: environment.store.ids, now: now.date)
            try BookingTables.insertHold(db, BookingTables.HoldRow(
                hold: hold, holderTokenID: caller.tokenID, createdAt: now.seconds, expiresAt: expiresAt,
                extendableUntil: terms.limit(createdAt: now.seconds), stored: "active"), now: now.date)
            return hold
        }
    }

    public func extendHold(_ request: BookingV1.HoldRequest, context: ServerCallContext) async throws -> BookingV1.Hold {
        try await calls.changing(request, request.organizationId, context) { db, caller, now in
            let row = try Self.held(db, caller, request.holdId, now: now, mine: true)
            try Self.requireLive(row, now: now)
            guard let templateID = UUID(uuidString: row.hold.serviceTemplateId),
                  let settings = try CatalogDirectory.template(db, organizationID: caller.organization.id, id: templateID)?.reservation
            else { throw ContextStatus.notFound("service template", row.hold.serviceTemplateId) }
            let terms = HoldTerms(holdMinutes: Int(settings.holdMinutes), maxHoldMinutes: Int(settings.maxHoldMinutes))
            switch terms.extend(createdAt: row.createdAt, expiresAt: row.expiresAt, now: now.seconds) {
            case .expired:
                throw ContextStatus.failedPrecondition("the hold expired at \(Self.instant(row.expiresAt)): hold the slot again")
            case .atLimit(let limit):
                throw ContextStatus.failedPrecondition("the hold cannot be extended past \(Self.instant(limit)) (the template's max_hold_minutes)")
            case .extended(let until) where until == row.expiresAt:
                break  // Asked again within the same second: nothing to move.
            case .extended(let until):
                try BookingTables.extendHold(db, id: row.hold.id, until: until, now: now.date)
                try environment.ledger.extendHold(db, organizationID: caller.organization.id, referenceID: row.hold.id, until: until)
            }
            return try Self.held(db, caller, request.holdId, now: now, mine: true).hold
        }
    }

    public func releaseHold(_ request: BookingV1.HoldRequest, context: ServerCallContext) async throws -> BookingV1.Hold {
        try await calls.changing(request, request.organizationId, context) { db, caller, now in
            let row = try Self.held(db, caller, request.holdId, now: now, mine: false)
            guard row.stored == "active" else {
                throw ContextStatus.failedPrecondition("the hold is \(row.stored) already")
            }
            // Like extending and converting: an expired hold keeps nothing to release.
            if row.hold.status == .expired {
                throw ContextStatus.failedPrecondition("the hold expired at \(Self.instant(row.expiresAt)): it keeps the slot no longer, there is nothing to release")
            }
            try environment.ledger.release(db, organizationID: caller.organization.id, referenceID: row.hold.id)
            try BookingTables.finishHold(db, id: row.hold.id, status: "released", bookingID: nil, now: now.date)
            return try Self.held(db, caller, request.holdId, now: now, mine: false).hold
        }
    }

    public func getHold(_ request: BookingV1.HoldRequest, context: ServerCallContext) async throws -> BookingV1.Hold {
        try await calls.reading(request.organizationId, context) { db, caller, now in
            try Self.held(db, caller, request.holdId, now: now, mine: false).hold
        }
    }

    public func convertHold(_ request: BookingV1.ConvertHoldRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await calls.changing(request, request.organizationId, context) { db, caller, now in
            try Self.convert(db, caller, environment, holdID: request.holdId, field: "hold_id", participants: request.participants,
                             householdID: request.householdId, notes: request.notes, source: request.source, technician: "", now: now)
        }
    }

    /// A live hold of the caller's turned into a booking on its slot.
    static func convert(
        _ db: Database, _ caller: BookingCaller, _ environment: BookingEnvironment, holdID: String, field: String,
        participants: [BookingV1.Participant], householdID: String, notes: String, source: BookingV1.BookingSource, technician: String,
        now: BookingCalls.Now
    ) throws -> BookingV1.Booking {
        let row = try held(db, caller, holdID, now: now, mine: true, field: field)
        try requireLive(row, now: now)
        let hold = row.hold
        // The length is asked for only where the client chose it (a variable-length service); otherwise the offer refuses it.
        let template = try CatalogDirectory.template(db, organizationID: caller.organization.id, id: UUID(uuidString: hold.serviceTemplateId) ?? UUID())
        let slot = SlotWanted(
            templateID: hold.serviceTemplateId, locationID: hold.locationId, start: Int64((hold.startTime ?? Date()).timeIntervalSince1970),
            bookableIDs: hold.assignedBookables.map(\.bookableId),
            durationMinutes: template?.duration?.type == .variable ? Int(hold.durationMinutes) : 0, nights: Int(hold.nights),
            seats: Int(hold.seats), excluding: [hold.id])
        var booked = participants
        if booked.isEmpty, caller.userID == nil {
            throw ValidationFailure([InvalidField(field: "participants", rule: .required, description: "is required when a service token books")])
        }
        if booked.isEmpty, let userID = caller.userID { booked = [BookingV1.Participant(userId: userID.lowercasedString)] }
        if Participants.takingPart(booked) > Int(hold.seats) {
            throw ValidationFailure([InvalidField(field: "participants", rule: .tooLong,
                                                  description: "the hold keeps \(hold.seats) seat\(hold.seats == 1 ? "" : "s"); hold more, or book directly")])
        }
        let booking = try Booker(environment: environment).book(db, caller, Booker.Order(
            slot: slot, participants: booked, householdID: householdID, notes: notes, source: source, technician: technician, holdID: hold.id),
            now: now)
        try BookingTables.finishHold(db, id: hold.id, status: "converted", bookingID: booking.id, now: now.date)
        return booking
    }

    /// The hold, NOT_FOUND unless it is the caller's (`mine`), or the caller
    /// is its holder or works its location's desk.
    static func held(
        _ db: Database, _ caller: BookingCaller, _ id: String, now: BookingCalls.Now, mine: Bool, field: String = "hold_id"
    ) throws -> BookingTables.HoldRow {
        let holdID = try RequestFields.id(id, field: field).lowercasedString
        guard let row = try BookingTables.hold(db, organizationID: caller.organizationID, id: holdID, now: now.seconds) else {
            throw ContextStatus.notFound("hold", holdID)
        }
        let holder = caller.userID.map { row.hold.holderUserId == $0.lowercasedString } ?? (row.holderTokenID == caller.tokenID)
        if holder { return row }
        if !mine && caller.worksDesk(location: row.hold.locationId) { return row }
        if caller.seesAll(location: row.hold.locationId) {
            throw ContextStatus.permissionDenied("only the holder may extend or convert a hold")
        }
        throw ContextStatus.notFound("hold", holdID)
    }

    static func requireLive(_ row: BookingTables.HoldRow, now: BookingCalls.Now) throws {
        switch row.hold.status {
        case .converted: throw ContextStatus.failedPrecondition("the hold was converted into booking \(row.hold.convertedBookingId)")
        case .released: throw ContextStatus.failedPrecondition("the hold was released")
        case .expired: throw ContextStatus.failedPrecondition("the hold expired at \(instant(row.expiresAt)): hold the slot again, or book it directly")
        default: break
        }
    }

    static func instant(_ seconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
    }
}

/// A slot choice checked into what Scheduling's offer takes.
enum SlotChoices {
    static func wanted(_ choice: BookingV1.SlotChoice, field prefix: String) throws -> SlotWanted {
        var found: [InvalidField] = []
        _ = FieldRules.id(choice.serviceTemplateId, prefix + "service_template_id", required: true, into: &found)
        _ = FieldRules.id(choice.locationId, prefix + "location_id", required: false, into: &found)
        if choice.startTime == nil { found.append(InvalidField(field: prefix + "start_time", rule: .required, description: "is required")) }
        try found.throwIfAny()
        return SlotWanted(
            templateID: choice.serviceTemplateId.lowercased(), locationID: choice.locationId.lowercased(),
            start: Int64((choice.startTime ?? Date()).timeIntervalSince1970.rounded(.down)), bookableIDs: choice.bookableIds,
            durationMinutes: Int(choice.durationMinutes), nights: Int(choice.nights), fieldPrefix: prefix)
    }
}
