import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Catalog
import ContextKit
import Foundation
import GRDB
import Identity
import Scheduling

/// Makes bookings: who they are for, whether the caller may book them,
/// the slot re-checked and its bookables assigned, the price snapshot, the
/// time reserved and the rows written — all inside the caller's one write
/// transaction, so nothing can take the slot in between.
struct Booker {
    let environment: BookingEnvironment
    var ledger: any AvailabilityLedger { environment.ledger }

    /// What one new booking asks for.
    struct Order {
        var slot: SlotWanted
        var participants: [BookingV1.Participant]
        var householdID: String
        var notes: String
        var source: BookingV1.BookingSource
        var technician: String
        /// Converting a hold: its id (its reservation is replaced).
        var holdID: String?
        /// The slot as a reader found it before the transaction (see `prepare`).
        var prepared: PreparedOffer? = nil

        /// The slot with the seats its participants take ("empty" is the
        /// caller alone) and whether it is a walk-in.
        var wanted: SlotWanted {
            var wanted = slot
            wanted.seats = participants.isEmpty ? 1 : Participants.takingPart(participants)
            wanted.seatsField = "participants"
            wanted.walkIn = source == .walkIn
            return wanted
        }
    }

    /// The order's slot worked out on a reader, before the write
    /// transaction, for `book` to reuse when nothing it read has changed by
    /// then. Who may book is not looked at here: `book` decides that first,
    /// and uses the offer only after.
    func prepare(_ db: Database, organizationID: UUID, _ order: Order, now: BookingCalls.Now) throws -> PreparedOffer {
        try ledger.prepareOffer(db, organizationID: organizationID, order.wanted, now: now.seconds)
    }

    /// A booking is "expensive" for households whose approval covers only
    /// expensive bookings from this total (minor units) until Commerce sets
    /// an organization's own threshold.
    static let expensiveFromMinor: Int64 = 10_000

    func book(_ db: Database, _ caller: BookingCaller, _ order: Order, now: BookingCalls.Now) throws -> BookingV1.Booking {
        var found: [InvalidField] = []
        FieldRules.text(order.notes, "notes", maximum: 2000, into: &found)
        if case .unrecognized = order.source { found.append(InvalidField(field: "source", rule: .notAllowed, description: "is not a known source")) }
        try found.throwIfAny()
        let (template, location) = try Self.place(db, caller, order.slot, cache: environment.store.references)
        let desk = caller.worksDesk(location: location)
        if order.source == .walkIn && !desk {
            throw ContextStatus.permissionDenied("only staff of the location book walk-ins (needs \(Permission.createWalkInBooking.rawValue))")
        }
        if caller.userID == nil && !desk {
            throw ContextStatus.permissionDenied("this service token may not book at this location (it acts as \(caller.roleWithArticle))")
        }
        let participants = try Participants.resolve(db, order.participants, field: "participants", caller: caller, ids: environment.store.ids)
        var household = try Self.household(db, order.householdID, caller: caller)
        var slot = order.wanted
        slot.seats = Participants.takingPart(participants)
        slot.walkIn = desk && order.source == .walkIn

        // Who may book whom: before the slot is looked at, so a refusal says nothing of availability.
        var approver: UUID?
        if !desk, let booker = caller.userID {
            let users = participants.compactMap { UUID(uuidString: $0.userId) }
            let expensive = (template.pricing?.basePrice?.amountMinor ?? 0) >= Self.expensiveFromMinor
            // Booking only for oneself without naming a household does not
            // escape one's household rules: a member whose own bookings wait
            // for approval books in that household.
            if household == nil, users == [booker] {
                household = try IdentityDirectory.households(db, userID: booker).first {
                    $0.canAct(actor: booker, on: booker, action: .book(expensive: expensive)) != .allowed
                }
            }
            switch BookingAuthority.decide(booker: booker, participants: users, household: household, expensive: expensive, actingAsStaff: false) {
            case .allowed: break
            case .needsApproval(let primary): approver = primary
            case .denied(let participant, let why):
                let index = participants.firstIndex { UUID(uuidString: $0.userId) == participant } ?? 0
                throw ContextStatus.permissionDenied("participants[\(index)]: you may not book for this user (\(Self.words(why)))")
            }
        }

        let offered: OfferedSlot
        do {
            offered = try ledger.offer(db, organizationID: caller.organization.id, slot, now: now.seconds, prepared: order.prepared)
        } catch let failure as ValidationFailure {
            // The seats asked for are the participants taking part: say so where the request says it.
            throw ValidationFailure(failure.violations.map {
                $0.field == "participants"
                    ? InvalidField(field: "participants", rule: $0.rule, description: "\(slot.seats) take part (observers aside); \($0.description)") : $0
            })
        }
        try Self.checkCapacity(offered, participants)
        if offered.groupSeats != nil {
            try Self.requireNewToSession(db, templateID: offered.template.id, start: offered.service.start, participants, excluding: order.holdID ?? "")
        }
        let bookingID = environment.store.ids.next().lowercasedString
        var assigned = Self.assigned(offered)
        try Dispatcher.send(db, caller, &assigned, at: offered.location.id, service: offered.service, pick: order.technician, excluding: bookingID)

        let price = Self.price(template, minutes: offered.minutes, seats: offered.groupSeats == nil ? 1 : slot.seats,
                               multiplier: offered.multiplierBasisPoints, fallbackCurrency: caller.organization.currency)
        let status = BookingStatus.initial(needsApproval: approver != nil, needsConfirmation: template.deposit?.required == true)
        var booking = BookingV1.Booking(
            id: bookingID, organizationId: caller.organizationID, locationId: offered.location.id, serviceTemplateId: template.id,
            status: BookingV1.BookingStatus(columnValue: status.rawValue),
            startTime: Date(timeIntervalSince1970: TimeInterval(offered.service.start)), endTime: Date(timeIntervalSince1970: TimeInterval(offered.service.end)),
            timeZone: offered.location.timeZone, localStart: offered.localStart, localEnd: offered.localEnd)
        booking.durationMinutes = UInt32(offered.minutes)
        booking.nights = UInt32(offered.nights)
        booking.bookedByUserId = caller.userID?.lowercasedString ?? ""
        booking.householdId = household?.id.lowercasedString ?? ""
        booking.participants = participants
        booking.assignedBookables = assigned
        booking.participantCount = UInt32(slot.seats)
        booking.maxParticipants = UInt32(offered.groupSeats ?? 1)
        booking.price = price
        booking.source = order.source == .unspecified ? .web : order.source
        booking.holdId = order.holdID ?? ""
        booking.notes = order.notes
        booking.approverUserId = approver?.lowercasedString ?? ""
        if status == .confirmed { booking.confirmedAt = now.date }
        booking.createdAt = now.date
        booking.updatedAt = now.date
        booking.version = 1

        if let holdID = order.holdID { try ledger.release(db, organizationID: caller.organization.id, referenceID: holdID) }
        try ledger.reserve(db, organizationID: caller.organization.id, offered.reservations(.booking, referenceID: bookingID, participants: slot.seats),
                           ids: environment.store.ids, now: now.date)
        try BookingTables.insertBooking(db, booking)
        return booking
    }

    // MARK: Pieces shared with holds and changes

    /// The slot's template and the location it is at: the template's, or the one asked for.
    static func place(_ db: Database, _ caller: BookingCaller, _ slot: SlotWanted, cache: ReferenceCache) throws -> (template: CatalogV1.ServiceTemplate, location: String) {
        guard let templateID = UUID(uuidString: slot.templateID) else {
            throw ValidationFailure([InvalidField(field: slot.fieldPrefix + "service_template_id", rule: .malformed, description: "must be a UUID")])
        }
        let template = try cache.value(db, organizationID: caller.organizationID, key: "template|\(templateID.lowercasedString)") {
            try CatalogDirectory.template($0, organizationID: caller.organization.id, id: templateID)
        }
        guard let template else {
            throw ContextStatus.notFound("service template", templateID.lowercasedString)
        }
        return (template, template.locationId.isEmpty ? slot.locationID.lowercased() : template.locationId)
    }

    /// The household named, which the booker must belong to (staff: any).
    static func household(_ db: Database, _ id: String, caller: BookingCaller) throws -> Household? {
        guard !id.isEmpty else { return nil }
        let householdID = try RequestFields.id(id, field: "household_id")
        guard let household = try IdentityDirectory.household(db, id: householdID) else {
            throw ContextStatus.notFound("household", householdID.lowercasedString)
        }
        if let userID = caller.userID, household.member(userID) == nil, caller.access == nil {
            throw ContextStatus.notFound("household", householdID.lowercasedString)
        }
        return household
    }

    /// An individual service takes one participant taking part (observers
    /// aside); a class, its seats (the offer already counted them).
    static func checkCapacity(_ offered: OfferedSlot, _ participants: [BookingV1.Participant]) throws {
        if offered.groupSeats == nil && Participants.takingPart(participants) > 1 {
            throw ValidationFailure([InvalidField(field: "participants", rule: .tooLong,
                                                  description: "an individual service takes one participant (observers aside); this one has \(Participants.takingPart(participants))")])
        }
    }

    /// ALREADY_EXISTS for a participant who already takes part in the
    /// class's session (another booking at the same start).
    static func requireNewToSession(
        _ db: Database, templateID: String, start: Int64, _ participants: [BookingV1.Participant], excluding: String, field: String = "participants"
    ) throws {
        let taken = try BookingTables.alreadyInSession(db, templateID: templateID, start: start, userIDs: participants.compactMap {
            $0.userId.isEmpty ? nil : $0.userId
        }, excluding: excluding)
        if let index = participants.firstIndex(where: { taken.contains($0.userId) }) {
            throw ContextStatus.alreadyExists(field: "\(field)[\(index)].user_id", "already takes part in this class at this time")
        }
    }

    /// The offer's assignments as a booking's assigned bookables.
    static func assigned(_ offered: OfferedSlot) -> [BookingV1.AssignedBookable] {
        offered.assignments.flatMap { assignment in
            let requirement = offered.template.requiredBookables.indices.contains(Int(assignment.requirementIndex))
                ? offered.template.requiredBookables[Int(assignment.requirementIndex)] : nil
            return assignment.bookableIds.map {
                BookingV1.AssignedBookable(bookableId: $0, kind: assignment.kind, requirementIndex: assignment.requirementIndex,
                                           role: requirement?.role == .unspecified ? .primary : requirement?.role ?? .primary)
            }
        }
    }

    /// The snapshot: the template's base price, plus its hourly rate for
    /// the minutes booked when the length is the client's to choose, per
    /// seat (a class's seats each pay).
    static func price(
        _ template: CatalogV1.ServiceTemplate, minutes: Int, seats: Int, multiplier: Int, fallbackCurrency: String
    ) -> BookingV1.PriceSnapshot {
        let pricing = template.pricing ?? CatalogV1.Pricing()
        let variable = template.duration?.type == .variable
        let currency = pricing.basePrice?.currency ?? pricing.hourlyRate?.currency ?? fallbackCurrency
        let snapshot = PriceSnapshot.of(baseMinor: pricing.basePrice?.amountMinor ?? 0, hourlyRateMinor: variable ? pricing.hourlyRate?.amountMinor : nil,
                                        minutes: minutes, currency: currency)
        return BookingV1.PriceSnapshot(
            basePrice: CatalogV1.Money(amountMinor: snapshot.baseMinor, currency: currency),
            durationPrice: CatalogV1.Money(amountMinor: snapshot.durationMinor, currency: currency),
            total: CatalogV1.Money(amountMinor: Self.total(snapshot.totalMinor, multiplier: multiplier, seats: seats), currency: currency),
            durationMinutes: UInt32(minutes), seats: UInt32(seats), priceMultiplierBasisPoints: UInt32(multiplier))
    }

    /// A seat's price times the multiplier (basis points, half up to the minor unit), times the seats.
    static func total(_ seatMinor: Int64, multiplier: Int, seats: Int) -> Int64 {
        (seatMinor * Int64(multiplier) * 2 + 10_000) / 20_000 * Int64(seats)
    }

    static func words(_ denial: HouseholdDecision.Denial) -> String {
        switch denial {
        case .notAMember: "not a member of a household with you; name the household_id you share"
        case .notTheirManager: "a minor or dependent is booked only by those who manage them"
        case .actorIsManaged: "a minor or dependent books for no one else"
        case .notPermitted: "your household does not let you book for others"
        }
    }
}
