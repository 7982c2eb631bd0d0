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

/// `bizing.booking.v1.Bookings`. Each call is one transaction: access
/// (NOT_FOUND), authority (PERMISSION_DENIED), input (INVALID_ARGUMENT),
/// the lifecycle (FAILED_PRECONDITION naming the status), then the write.
public struct BookingsServer: BookingV1.BookingsService {
    let calls: BookingCalls
    var environment: BookingEnvironment { calls.environment }
    var ledger: any AvailabilityLedger { environment.ledger }

    public init(_ environment: BookingEnvironment) {
        calls = BookingCalls(environment: environment)
    }

    // MARK: Booking

    public func create(_ request: BookingV1.CreateBookingRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        let booker = Booker(environment: environment)
        // A direct booking's slot is worked out on a reader first (ignored if anything it read changes).
        var prepare: (@Sendable (Database, UUID, BookingCalls.Now) throws -> PreparedOffer)?
        if request.holdId.isEmpty, let choice = request.slot, let slot = try? SlotChoices.wanted(choice, field: "slot.") {
            let order = Booker.Order(slot: slot, participants: request.participants, householdID: request.householdId, notes: request.notes,
                                     source: request.source, technician: request.technicianUserId, holdID: nil)
            prepare = { db, organizationID, now in try booker.prepare(db, organizationID: organizationID, order, now: now) }
        }
        return try await calls.changing(request, request.organizationId, context, prepare: prepare) { db, caller, now, prepared in
            if !request.holdId.isEmpty {
                if request.slot != nil {
                    throw ValidationFailure([InvalidField(field: "slot", rule: .notAllowed, description: "the slot is the hold's: send hold_id or slot, not both")])
                }
                return try HoldsServer.convert(db, caller, environment, holdID: request.holdId, field: "hold_id", participants: request.participants,
                                               householdID: request.householdId, notes: request.notes, source: request.source,
                                               technician: request.technicianUserId, now: now)
            }
            guard let choice = request.slot else {
                throw ValidationFailure([InvalidField(field: "slot", rule: .required, description: "is required (or hold_id)")])
            }
            var order = Booker.Order(
                slot: try SlotChoices.wanted(choice, field: "slot."), participants: request.participants, householdID: request.householdId,
                notes: request.notes, source: request.source, technician: request.technicianUserId, holdID: nil)
            order.prepared = prepared
            return try booker.book(db, caller, order, now: now)
        }
    }

    public func get(_ request: BookingV1.GetBookingRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await calls.reading(request.organizationId, context) { db, caller, _ in
            Self.presented(try BookingCalls.visibleBooking(db, caller, request.bookingId))
        }
    }

    public func list(_ request: BookingV1.ListBookingsRequest, context: ServerCallContext) async throws -> BookingV1.ListBookingsResponse {
        try await calls.reading(request.organizationId, context) { db, caller, _ in
            try BookingListing(request, caller).page(db)
        }
    }

    public func agenda(_ request: BookingV1.AgendaRequest, context: ServerCallContext) async throws -> BookingV1.AgendaResponse {
        try await calls.reading(request.organizationId, context) { db, caller, _ in
            try BookingListing.agenda(db, request, caller)
        }
    }

    // MARK: The lifecycle

    public func confirm(_ request: BookingV1.BookingActionRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await changingBooking(request, request.organizationId, request.bookingId, context) { db, caller, booking, now in
            try caller.requireManage(booking, "confirm")
            try Self.move(&booking, .confirm)
            booking.confirmedAt = now.date
        }
    }

    public func approve(_ request: BookingV1.BookingActionRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await changingBooking(request, request.organizationId, request.bookingId, context) { db, caller, booking, now in
            let approver = UUID(uuidString: booking.approverUserId)
            guard caller.manages(location: booking.locationId) || (approver != nil && caller.userID == approver) else {
                throw ContextStatus.permissionDenied("only the household primary the booking waits for (or a manager of its location) may approve it")
            }
            let template = try CatalogDirectory.template(db, organizationID: caller.organization.id, id: UUID(uuidString: booking.serviceTemplateId) ?? UUID())
            try Self.move(&booking, .approve(needsConfirmation: template?.deposit?.required == true))
            if booking.status == .confirmed { booking.confirmedAt = now.date }
        }
    }

    public func checkIn(_ request: BookingV1.CheckInRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await changingBooking(request, request.organizationId, request.bookingId, context) { db, caller, booking, now in
            try caller.requireWork(db, booking, desk: true, "check in")
            let by = caller.userID?.lowercasedString ?? caller.tokenID ?? ""
            var targets = booking.participants.indices.filter { booking.participants[$0].role != .observer }
            if !request.participantId.isEmpty {
                let id = try RequestFields.id(request.participantId, field: "participant_id").lowercasedString
                guard let index = booking.participants.firstIndex(where: { $0.id == id }) else {
                    throw ContextStatus.notFound("participant", id)
                }
                if booking.participants[index].status == .checkedIn {
                    throw ContextStatus.failedPrecondition("the participant is checked in already")
                }
                targets = [index]
            }
            // The booking follows its first participant in; later ones join it.
            if booking.status != .checkedIn || request.participantId.isEmpty {
                try Self.move(&booking, .checkIn)
                booking.checkedInAt = now.date
                booking.checkedInBy = by
            }
            for index in targets where booking.participants[index].status != .checkedIn {
                booking.participants[index].status = .checkedIn
                booking.participants[index].checkedInAt = now.date
                booking.participants[index].checkedInBy = by
            }
            try BookingTables.replaceParticipants(db, booking)
        }
    }

    public func complete(_ request: BookingV1.BookingActionRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await changingBooking(request, request.organizationId, request.bookingId, context) { db, caller, booking, now in
            try caller.requireWork(db, booking, desk: false, "complete")
            try Self.move(&booking, .complete)
            booking.completedAt = now.date
        }
    }

    public func markNoShow(_ request: BookingV1.BookingActionRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await changingBooking(request, request.organizationId, request.bookingId, context) { db, caller, booking, now in
            try caller.requireWork(db, booking, desk: false, "mark a no-show")
            let grace = Int64(try Self.policy(db, caller, booking).noShow?.gracePeriodMinutes ?? 0) * 60
            try Self.move(&booking, .markNoShow(now: now.seconds, start: Int64((booking.startTime ?? now.date).timeIntervalSince1970), graceSeconds: grace))
            booking.noShowAt = now.date
            for index in booking.participants.indices where booking.participants[index].status == .confirmed && booking.participants[index].role != .observer {
                booking.participants[index].status = .noShow
            }
            try BookingTables.replaceParticipants(db, booking)
            try ledger.release(db, organizationID: caller.organization.id, referenceID: booking.id)
        }
    }

    public func cancel(_ request: BookingV1.CancelBookingRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await changingBooking(request, request.organizationId, request.bookingId, context) { db, caller, booking, now in
            let staff = caller.manages(location: booking.locationId)
            if !staff { try caller.requireModify(db, booking, "cancel") }
            var found: [InvalidField] = []
            FieldRules.text(request.reason, "reason", maximum: 500, into: &found)
            if case .unrecognized = request.cancelledBy { found.append(InvalidField(field: "cancelled_by", rule: .notAllowed, description: "is not known")) }
            try found.throwIfAny()
            let by: BookingV1.CancelledBy = request.cancelledBy == .unspecified ? (staff ? .provider : .client) : request.cancelledBy
            switch by {
            case .client: break
            case .provider where !staff:
                throw ContextStatus.permissionDenied("only staff cancel as the provider")
            case .system where caller.userID != nil:
                throw ContextStatus.permissionDenied("only a service token cancels as the system")
            default: break
            }
            if !staff {
                guard try Self.policy(db, caller, booking).allowClientCancellation else {
                    throw ContextStatus.failedPrecondition("the organization does not let clients cancel online: contact the location")
                }
            }
            try Self.move(&booking, .cancel)
            booking.cancelledAt = now.date
            booking.cancelledBy = by
            booking.cancellationReason = request.reason
            try ledger.release(db, organizationID: caller.organization.id, referenceID: booking.id)
        }
    }

    public func reschedule(_ request: BookingV1.RescheduleBookingRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await changingBooking(request, request.organizationId, request.bookingId, context) { db, caller, booking, now in
            try caller.requireModify(db, booking, "reschedule")
            guard let start = request.startTime else {
                throw ValidationFailure([InvalidField(field: "start_time", rule: .required, description: "is required")])
            }
            try Self.requireOpen(booking, "be rescheduled")
            var found: [InvalidField] = []
            let asked = FieldRules.ids(request.bookableIds, "bookable_ids", maximum: 50, into: &found)
            try found.throwIfAny()
            var slot = SlotWanted(
                templateID: booking.serviceTemplateId, locationID: booking.locationId, start: Int64(start.timeIntervalSince1970.rounded(.down)),
                bookableIDs: asked.isEmpty ? booking.assignedBookables.map(\.bookableId) : asked.map(\.lowercasedString),
                durationMinutes: try Self.variableMinutes(db, caller, booking), nights: Int(booking.nights), seats: Int(booking.participantCount),
                excluding: [booking.id])
            let offered: OfferedSlot
            do {
                offered = try ledger.offer(db, organizationID: caller.organization.id, slot, now: now.seconds)
            } catch let status as RPCStatus where asked.isEmpty && status.code == .failedPrecondition {
                // The bookables it has are not all free then: any that qualify.
                slot.bookableIDs = []
                offered = try ledger.offer(db, organizationID: caller.organization.id, slot, now: now.seconds)
            }
            var assigned = Booker.assigned(offered)
            let technicians = Dictionary(booking.assignedBookables.map { ($0.bookableId, $0.technicianUserId) }, uniquingKeysWith: { first, _ in first })
            for index in assigned.indices where assigned[index].kind == .companyProvider {
                assigned[index].technicianUserId = technicians[assigned[index].bookableId] ?? ""
            }
            try Self.redispatch(db, caller, &assigned, booking: booking, service: offered.service)
            try ledger.release(db, organizationID: caller.organization.id, referenceID: booking.id)
            try ledger.reserve(db, organizationID: caller.organization.id,
                               offered.reservations(.booking, referenceID: booking.id, participants: Int(booking.participantCount)),
                               ids: environment.store.ids, now: now.date)
            booking.startTime = Date(timeIntervalSince1970: TimeInterval(offered.service.start))
            booking.endTime = Date(timeIntervalSince1970: TimeInterval(offered.service.end))
            booking.assignedBookables = assigned
            try BookingTables.replaceAssignments(db, booking)
        }
    }

    // MARK: Participants and bookables

    public func addParticipants(_ request: BookingV1.AddParticipantsRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await changingBooking(request, request.organizationId, request.bookingId, context) { db, caller, booking, now in
            let manager = caller.manages(location: booking.locationId)
            try caller.requireModify(db, booking, "add participants to")
            try Self.requireOpen(booking, "take participants")
            if request.participants.isEmpty {
                throw ValidationFailure([InvalidField(field: "participants", rule: .required, description: "names at least one participant")])
            }
            let added = try Participants.resolve(db, request.participants, field: "participants", caller: caller, ids: environment.store.ids,
                                                 existing: booking.participants)
            if !manager, let booker = caller.userID {
                let household = try Booker.household(db, booking.householdId, caller: caller)
                let users = added.compactMap { UUID(uuidString: $0.userId) }
                if case .denied(let participant, let why) = BookingAuthority.decide(booker: booker, participants: users, household: household,
                                                                                    expensive: false, actingAsStaff: false) {
                    let index = added.firstIndex { UUID(uuidString: $0.userId) == participant } ?? 0
                    throw ContextStatus.permissionDenied("participants[\(index)]: you may not book for this user (\(Booker.words(why)))")
                }
            }
            if booking.maxParticipants > 1 {
                try Booker.requireNewToSession(db, templateID: booking.serviceTemplateId, start: Self.interval(booking).start, added, excluding: booking.id)
            }
            let adding = Participants.takingPart(added)
            if adding > 0 {
                if booking.maxParticipants <= 1 {
                    throw ValidationFailure([InvalidField(field: "participants", rule: .tooLong,
                                                          description: "an individual service takes one participant (observers aside)")])
                }
                let taken = try Self.sessionSeats(db, ledger, booking, now: now)
                do throws(Seats.Refusal) {
                    _ = try Seats.take(adding, taken: taken, maximum: Int(booking.maxParticipants))
                } catch {
                    throw SchedulingLedger.unavailable("the class is full: \(error.description)")
                }
                booking.participantCount += UInt32(adding)
                try ledger.setParticipants(db, organizationID: caller.organization.id, referenceID: booking.id, Int(booking.participantCount))
            }
            booking.participants += added
            try BookingTables.replaceParticipants(db, booking)
        }
    }

    public func removeParticipant(_ request: BookingV1.RemoveParticipantRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await changingBooking(request, request.organizationId, request.bookingId, context) { db, caller, booking, now in
            try caller.requireModify(db, booking, "remove participants from")
            try Self.requireOpen(booking, "lose participants")
            let id = try RequestFields.id(request.participantId, field: "participant_id").lowercasedString
            guard let index = booking.participants.firstIndex(where: { $0.id == id }) else { throw ContextStatus.notFound("participant", id) }
            let removed = booking.participants.remove(at: index)
            if removed.role != .observer {
                guard Participants.takingPart(booking.participants) > 0 else {
                    throw ContextStatus.failedPrecondition("the last participant taking part cannot be removed: cancel the booking instead")
                }
                booking.participantCount -= 1
                try ledger.setParticipants(db, organizationID: caller.organization.id, referenceID: booking.id, Int(booking.participantCount))
            }
            if removed.role == .primary, let next = booking.participants.firstIndex(where: { $0.role == .participant }) {
                booking.participants[next].role = .primary
            }
            try BookingTables.replaceParticipants(db, booking)
        }
    }

    public func reassignBookable(_ request: BookingV1.ReassignBookableRequest, context: ServerCallContext) async throws -> BookingV1.Booking {
        try await changingBooking(request, request.organizationId, request.bookingId, context) { db, caller, booking, now in
            try caller.requireManage(booking, "reassign the bookables of")
            try Self.requireOpen(booking, "be reassigned")
            let current = try RequestFields.id(request.bookableId, field: "bookable_id").lowercasedString
            guard let index = booking.assignedBookables.firstIndex(where: { $0.bookableId == current }) else {
                throw ValidationFailure([InvalidField(field: "bookable_id", rule: .notAllowed, description: "is not assigned to the booking")])
            }
            var assigned = booking.assignedBookables
            if request.newBookableId.isEmpty {
                guard assigned[index].kind == .companyProvider else {
                    throw ValidationFailure([InvalidField(field: "new_bookable_id", rule: .required, description: "is required (only a company provider keeps itself and changes technician)")])
                }
                assigned[index].technicianUserId = ""
                var one = [assigned[index]]
                try Dispatcher.send(db, caller, &one, at: booking.locationId, service: Self.interval(booking), pick: request.technicianUserId,
                                    excluding: booking.id)
                assigned[index] = one[0]
                booking.assignedBookables = assigned
                try BookingTables.replaceAssignments(db, booking)
                return
            }
            let replacement = try RequestFields.id(request.newBookableId, field: "new_bookable_id")
            guard let template = try CatalogDirectory.template(db, organizationID: caller.organization.id, id: UUID(uuidString: booking.serviceTemplateId) ?? UUID()),
                  template.requiredBookables.indices.contains(Int(assigned[index].requirementIndex))
            else { throw ContextStatus.notFound("service template", booking.serviceTemplateId) }
            let requirement = template.requiredBookables[Int(assigned[index].requirementIndex)]
            guard requirement.allowSubstitution else {
                throw ContextStatus.failedPrecondition("the template's requirement \(assigned[index].requirementIndex) does not allow substitution")
            }
            if booking.maxParticipants > 1 {
                throw ContextStatus.failedPrecondition("a class's bookables serve every booking of its session: reschedule or cancel instead")
            }
            guard let bookable = try CatalogDirectory.bookable(db, organizationID: caller.organization.id, id: replacement) else {
                throw ContextStatus.notFound("bookable", replacement.lowercasedString)
            }
            guard !assigned.contains(where: { $0.bookableId == bookable.id }), Qualification.qualifies(bookable, for: requirement, extra: []) else {
                throw ValidationFailure([InvalidField(field: "new_bookable_id", rule: .notAllowed,
                                                      description: "does not qualify for requirement \(assigned[index].requirementIndex) of the template, or is assigned already")])
            }
            let duration = template.duration ?? CatalogV1.ServiceDuration()
            let conflicts = try ledger.conflicts(
                db, organizationID: caller.organization.id, bookableIDs: [replacement], at: UUID(uuidString: booking.locationId), service: Self.interval(booking),
                preBuffer: Int64(duration.preBufferMinutes) * 60, postBuffer: Int64(duration.postBufferMinutes) * 60, now: now.seconds,
                stay: booking.nights > 0, excluding: [booking.id])
            if let conflict = conflicts.first {
                throw SchedulingLedger.unavailable("\(bookable.name) is not free then (\(conflict.detail))")
            }
            assigned[index].bookableId = bookable.id
            assigned[index].technicianUserId = ""
            if assigned[index].kind == .companyProvider {
                var one = [assigned[index]]
                try Dispatcher.send(db, caller, &one, at: booking.locationId, service: Self.interval(booking), pick: request.technicianUserId,
                                    excluding: booking.id)
                assigned[index] = one[0]
            } else if !request.technicianUserId.isEmpty {
                throw ValidationFailure([InvalidField(field: "technician_user_id", rule: .notAllowed, description: "only a company provider sends technicians")])
            }
            let service = Self.interval(booking)
            let busy = service.padded(before: Int64(duration.preBufferMinutes) * 60, after: Int64(duration.postBufferMinutes) * 60)
            try ledger.release(db, organizationID: caller.organization.id, referenceID: booking.id)
            try ledger.reserve(db, organizationID: caller.organization.id, assigned.map {
                ReservedTime(bookableID: $0.bookableId, kind: .booking, referenceID: booking.id, templateID: booking.serviceTemplateId,
                             service: service, busy: busy, participants: Int(booking.participantCount))
            }, ids: environment.store.ids, now: now.date)
            booking.assignedBookables = assigned
            try BookingTables.replaceAssignments(db, booking)
        }
    }

    // MARK: Helpers

    /// A change to one visible booking: `body` edits it; the row is then
    /// written with one more version and presented.
    private func changingBooking<Request: Encodable & Sendable>(
        _ request: Request, _ organizationID: String, _ bookingID: String, _ context: ServerCallContext,
        _ body: @escaping @Sendable (Database, BookingCaller, inout BookingV1.Booking, BookingCalls.Now) throws -> Void
    ) async throws -> BookingV1.Booking {
        try await calls.changing(request, organizationID, context) { db, caller, now in
            var booking = try BookingCalls.visibleBooking(db, caller, bookingID)
            try body(db, caller, &booking, now)
            booking.updatedAt = now.date
            try BookingTables.updateBooking(db, booking)
            guard let saved = try BookingTables.booking(db, organizationID: caller.organizationID, id: booking.id) else { throw ContextStatus.unvalidated }
            return Self.presented(saved)
        }
    }

    /// A stored booking with its local times (in its location's zone).
    static func presented(_ booking: BookingV1.Booking) -> BookingV1.Booking {
        var presented = booking
        if let clock = ZoneClock(identifier: booking.timeZone) {
            presented.localStart = clock.iso8601(at: Int64((booking.startTime ?? Date()).timeIntervalSince1970))
            presented.localEnd = clock.iso8601(at: Int64((booking.endTime ?? Date()).timeIntervalSince1970))
        }
        return presented
    }

    static func status(_ booking: BookingV1.Booking) throws -> BookingStatus {
        guard let status = BookingStatus(rawValue: booking.status.columnValue) else { throw ContextStatus.unvalidated }
        return status
    }

    static func move(_ booking: inout BookingV1.Booking, _ event: BookingEvent) throws {
        let next = try BookingLifecycle.next(from: try status(booking), on: event)
        booking.status = BookingV1.BookingStatus(columnValue: next.rawValue)
    }

    /// FAILED_PRECONDITION unless the booking still holds its time and has not begun.
    static func requireOpen(_ booking: BookingV1.Booking, _ what: String) throws {
        let status = try status(booking)
        guard status == .reserved || status == .pending || status == .confirmed else {
            throw ContextStatus.failedPrecondition("a booking that is \(status.rawValue.replacingOccurrences(of: "_", with: " ")) cannot \(what)")
        }
    }

    static func interval(_ booking: BookingV1.Booking) -> Interval {
        let start = Int64((booking.startTime ?? Date()).timeIntervalSince1970)
        let end = Int64((booking.endTime ?? Date()).timeIntervalSince1970)
        return Interval(start, max(end, start + 1))!
    }

    /// The length chosen, for a variable-length template (0 otherwise).
    static func variableMinutes(_ db: Database, _ caller: BookingCaller, _ booking: BookingV1.Booking) throws -> Int {
        let template = try CatalogDirectory.template(db, organizationID: caller.organization.id, id: UUID(uuidString: booking.serviceTemplateId) ?? UUID())
        return template?.duration?.type == .variable ? Int(booking.durationMinutes) : 0
    }

    /// A company provider keeps its technician at the new time when they are
    /// free; otherwise its dispatch method chooses again.
    static func redispatch(_ db: Database, _ caller: BookingCaller, _ assigned: inout [BookingV1.AssignedBookable], booking: BookingV1.Booking, service: Interval) throws {
        for index in assigned.indices where assigned[index].kind == .companyProvider {
            var one = [assigned[index]]
            let kept = one[0].technicianUserId
            one[0].technicianUserId = ""
            do {
                try Dispatcher.send(db, caller, &one, at: booking.locationId, service: service, pick: kept, excluding: booking.id)
            } catch {
                try Dispatcher.send(db, caller, &one, at: booking.locationId, service: service, pick: "", excluding: booking.id)
            }
            assigned[index] = one[0]
        }
    }

    /// Seats the booking's class session has taken, this booking's included.
    static func sessionSeats(_ db: Database, _ ledger: any AvailabilityLedger, _ booking: BookingV1.Booking, now: BookingCalls.Now) throws -> Int {
        guard let first = booking.assignedBookables.first else { return Int(booking.participantCount) }
        return try ledger.seatsTaken(db, bookableID: first.bookableId, templateID: booking.serviceTemplateId,
                                                 start: interval(booking).start, now: now.seconds)
    }

    /// The cancellation policy that applies: the template's, the location's, the organization's.
    static func policy(_ db: Database, _ caller: BookingCaller, _ booking: BookingV1.Booking) throws -> IdentityV1.CancellationPolicy {
        let organizationID = caller.organization.id
        if let template = try CatalogDirectory.template(db, organizationID: organizationID, id: UUID(uuidString: booking.serviceTemplateId) ?? UUID()),
           let policy = template.cancellation?.policy {
            return policy
        }
        if let location = try CatalogDirectory.location(db, organizationID: organizationID, id: UUID(uuidString: booking.locationId) ?? UUID()),
           let policy = location.configOverride?.cancellationPolicy {
            return policy
        }
        return caller.organization.cancellationPolicy.wire
    }
}
