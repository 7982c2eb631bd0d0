public import BizingAPI
public import BizingWire
import BizingStore
import Catalog
import ContextKit
public import Foundation
public import GRDB

/// One start of a service, as the Booking context asks for it: the same
/// fields as a search, for a single start.
public struct SlotWanted: Sendable, Equatable {
    public var templateID: String
    public var locationID: String
    /// UTC seconds.
    public var start: Int64
    public var bookableIDs: [String]
    public var durationMinutes: Int
    public var nights: Int
    public var seats: Int
    /// A walk-in booked by staff: the calendars' minimum advance is waived.
    public var walkIn: Bool
    /// Reservations that do not count (a booking being moved, a hold being converted).
    public var excluding: Set<String>
    /// The request's path to these fields, for violations ("slot.").
    public var fieldPrefix: String
    /// The request's field the seats come from ("seats", "participants").
    public var seatsField: String = "seats"

    public init(
        templateID: String, locationID: String, start: Int64, bookableIDs: [String] = [], durationMinutes: Int = 0, nights: Int = 0,
        seats: Int = 1, walkIn: Bool = false, excluding: Set<String> = [], fieldPrefix: String = ""
    ) {
        self.templateID = templateID
        self.locationID = locationID
        self.start = start
        self.bookableIDs = bookableIDs
        self.durationMinutes = durationMinutes
        self.nights = nights
        self.seats = seats
        self.walkIn = walkIn
        self.excluding = excluding
        self.fieldPrefix = fieldPrefix
    }
}

/// The slot at the start asked for, free: what a booking or hold takes.
public struct OfferedSlot: Sendable {
    public let template: CatalogV1.ServiceTemplate
    public let location: CatalogV1.Location
    /// The service, UTC seconds; `busy` adds the template's buffers.
    public let service: Interval
    public let busy: Interval
    public let localStart: String
    public let localEnd: String
    /// Per requirement of the template, in its order.
    public let assignments: [SchedulingV1.Assignment]
    /// A group class: the seats left after this one's; nil otherwise.
    public let seatsLeft: Int?
    /// A group class's size; nil otherwise.
    public let groupSeats: Int?
    public let minutes: Int
    public let nights: Int
    /// The slot's price multiplier (premium, special pricing), basis points.
    public let multiplierBasisPoints: Int

    /// The time it takes on each assigned bookable, for the ledger.
    public func reservations(_ kind: ReservedTime.Kind, referenceID: String, participants: Int) -> [ReservedTime] {
        assignments.flatMap(\.bookableIds).map {
            ReservedTime(bookableID: $0, kind: kind, referenceID: referenceID, templateID: template.id, service: service, busy: busy,
                         participants: max(1, participants))
        }
    }
}

/// An offer worked out on a reader connection before the write
/// transaction, with what it was read at: the organization's reference
/// epoch and the reservation versions of the bookables it assigns. The
/// writer takes it as it is when all of those are unchanged (the offer is a
/// function of exactly them, the request and the moment), which leaves the
/// search, its reads and its decoding off SQLite's one writer.
public struct PreparedOffer: Sendable {
    let wanted: SlotWanted
    let now: Int64
    let epoch: Int64
    let versions: [String: Int64]
    let offered: OfferedSlot
}

extension SchedulingLedger {
    /// `offer` on a reader, for `offer(_:organizationID:_:now:prepared:)` to
    /// take inside the write transaction if nothing it read has changed.
    public func prepareOffer(_ db: Database, organizationID: UUID, _ wanted: SlotWanted, now: Int64) throws -> PreparedOffer {
        let epoch = try ReferenceCache.epoch(db, organizationID: organizationID.lowercasedString)
        let offered = try offer(db, organizationID: organizationID, wanted, now: now)
        let versions = try SchedulingTables.reservationVersions(db, bookableIDs: offered.assignments.flatMap(\.bookableIds))
        return PreparedOffer(wanted: wanted, now: now, epoch: epoch, versions: versions, offered: offered)
    }

    /// The prepared offer when it was made for this request at this moment
    /// and neither the organization's reference rows nor its bookables'
    /// reservations changed since; otherwise `offer` afresh.
    public func offer(_ db: Database, organizationID: UUID, _ wanted: SlotWanted, now: Int64, prepared: PreparedOffer?) throws -> OfferedSlot {
        if let prepared, prepared.wanted == wanted, prepared.now == now,
           try ReferenceCache.epoch(db, organizationID: organizationID.lowercasedString) == prepared.epoch,
           try SchedulingTables.reservationVersions(db, bookableIDs: Array(prepared.versions.keys)) == prepared.versions {
            return prepared.offered
        }
        return try offer(db, organizationID: organizationID, wanted, now: now)
    }

    /// The slot at `wanted.start`, exactly as SearchAvailability would offer
    /// it (its bookables assigned by the search's rule, or the ones asked
    /// for), read inside the caller's transaction so that a reservation
    /// written next cannot collide. INVALID_ARGUMENT for a malformed request
    /// (paths under `fieldPrefix`), NOT_FOUND for an unknown template or
    /// location, FAILED_PRECONDITION (reason SLOT_UNAVAILABLE) when no such
    /// slot is free.
    public func offer(_ db: Database, organizationID: UUID, _ wanted: SlotWanted, now: Int64) throws -> OfferedSlot {
        let plan: SearchPlan
        do {
            var request = SchedulingV1.SearchAvailabilityRequest(
                organizationId: organizationID.lowercasedString, serviceTemplateId: wanted.templateID, locationId: wanted.locationID,
                fromDate: "2000-01-01", toDate: "2000-01-01")
            request.bookableIds = wanted.bookableIDs
            request.durationMinutes = UInt32(clamping: wanted.durationMinutes)
            request.nights = UInt32(clamping: wanted.nights)
            request.seats = UInt32(clamping: wanted.seats)
            plan = try SearchPlan.resolve(db, organizationID: organizationID, SearchQuery(request, maximumDays: 1), cache: cache)
        } catch let failure as ValidationFailure {
            throw ValidationFailure(failure.violations.map {
                InvalidField(field: $0.field == "seats" ? wanted.seatsField : wanted.fieldPrefix + $0.field, rule: $0.rule, description: $0.description)
            })
        }
        let local = plan.clock.wallClock(at: wanted.start)
        let slots = try plan.slots(db, from: local.date, through: local.date, now: now, excluding: wanted.excluding, minimumAdvanceWaived: wanted.walkIn)
        guard let slot = slots.first(where: { $0.interval.start == wanted.start }) else {
            // A class that has the start but not the seats says so.
            if plan.shape.groupSeats != nil, wanted.seats > 1 {
                let one = SearchPlan(template: plan.template, location: plan.location, clock: plan.clock, hours: plan.hours, shape: plan.shape,
                                     requirements: plan.requirements, seats: 1, display: nil, cache: cache)
                let session = try one.slots(db, from: local.date, through: local.date, now: now, excluding: wanted.excluding, minimumAdvanceWaived: wanted.walkIn)
                    .first { $0.interval.start == wanted.start }
                if let left = session?.seatsLeft {
                    throw Self.unavailable("only \(left) seat\(left == 1 ? "" : "s") left in the class at \(plan.clock.iso8601(at: wanted.start)) (\(wanted.seats) asked for)")
                }
            }
            throw Self.unavailable(wanted.start <= now
                ? "\(plan.clock.iso8601(at: wanted.start)) has passed"
                : "no slot of this service starts at \(plan.clock.iso8601(at: wanted.start)) with what was asked for: it is taken, "
                    + "outside the hours or the booking window, or off the calendar's grid (SearchAvailability lists the free starts)")
        }
        let presented = plan.present(slot)
        let nights: Int = if case .nights(let count) = plan.shape.length { count } else { 0 }
        return OfferedSlot(
            template: plan.template, location: plan.location, service: slot.interval,
            busy: slot.interval.padded(before: plan.shape.preBuffer, after: plan.shape.postBuffer),
            localStart: presented.localStart, localEnd: presented.localEnd, assignments: presented.assignments,
            seatsLeft: slot.seatsLeft, groupSeats: plan.shape.groupSeats, minutes: Int((slot.interval.end - slot.interval.start) / 60), nights: nights,
            multiplierBasisPoints: Int(presented.priceMultiplierBasisPoints))
    }

    /// FAILED_PRECONDITION, reason SLOT_UNAVAILABLE.
    public static func unavailable(_ why: String) -> RPCStatus {
        RPCStatus(.failedPrecondition, "the slot is not available: \(why)", details: StatusDetails(reason: "SLOT_UNAVAILABLE"))
    }
}
