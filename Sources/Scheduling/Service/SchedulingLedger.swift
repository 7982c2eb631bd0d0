public import BizingStore
import Catalog
import BizingAPI
import ContextKit
public import Foundation
public import GRDB

/// What the Booking context asks of Scheduling inside its own write
/// transaction: whether bookables are free for an interval (the same rules
/// as a search), and to reserve or release their time. Check and reserve in
/// one IMMEDIATE transaction: no other writer can slip between them, so a
/// bookable is never reserved twice for the same time. A protocol, so the
/// Booking context depends on what it asks, not on how it is answered.
public protocol AvailabilityLedger: Sendable {
    /// Every reason the bookables cannot take `service` (UTC seconds) with
    /// the service's buffers, at `locationID` (nil: each at its own
    /// location); empty when all are free. A `stay` is judged by whole days.
    /// `excluding`: references whose
    /// reservations do not count (a booking being moved).
    func conflicts(
        _ db: Database, organizationID: UUID, bookableIDs: [UUID], at locationID: UUID?, service: Interval, preBuffer: Int64,
        postBuffer: Int64, now: Int64, stay: Bool, excluding references: Set<String>
    ) throws -> [ConflictFinding]

    /// Records the time a booking or hold takes on each of its bookables.
    func reserve(_ db: Database, organizationID: UUID, _ reserved: [ReservedTime], ids: IDGenerator, now: Date) throws

    /// Frees what a booking or hold reserved; how many bookables it freed.
    @discardableResult
    func release(_ db: Database, organizationID: UUID, referenceID: String) throws -> Int

    /// Removes holds expired before `now` (UTC seconds): they reserve
    /// nothing already; this keeps the table small.
    @discardableResult
    func removeExpiredHolds(_ db: Database, now: Int64) throws -> Int

    /// The slot at one start, free, as a search would offer it (see `SchedulingLedger.offer`).
    func offer(_ db: Database, organizationID: UUID, _ wanted: SlotWanted, now: Int64) throws -> OfferedSlot

    /// The offer worked out on a reader before the write transaction (see `PreparedOffer`).
    func prepareOffer(_ db: Database, organizationID: UUID, _ wanted: SlotWanted, now: Int64) throws -> PreparedOffer

    /// `prepared` if nothing it was computed from has changed, else `offer` afresh.
    func offer(_ db: Database, organizationID: UUID, _ wanted: SlotWanted, now: Int64, prepared: PreparedOffer?) throws -> OfferedSlot

    /// A hold's reservations kept until `expiresAt` (UTC seconds), extended.
    func extendHold(_ db: Database, organizationID: UUID, referenceID: String, until expiresAt: Int64) throws

    /// The seats a group booking's reservations take, changed in place.
    func setParticipants(_ db: Database, organizationID: UUID, referenceID: String, _ participants: Int) throws

    /// The seats a group class's session has taken at `start` (UTC seconds)
    /// on `bookableID`, by live bookings and holds.
    func seatsTaken(_ db: Database, bookableID: String, templateID: String, start: Int64, now: Int64) throws -> Int
}

/// Scheduling's ledger over its `reserved_times` table.
public struct SchedulingLedger: AvailabilityLedger {
    /// Where the offer keeps templates, bookables and calendars decoded
    /// between calls (the store's `references`); nil: read every time.
    let cache: ReferenceCache?

    public init(cache: ReferenceCache? = nil) {
        self.cache = cache
    }

    /// Every reason the bookables cannot take `service` (UTC seconds) with
    /// the service's buffers; empty when they are all free. Each bookable is
    /// judged at `locationID`'s hours (it must work there), or with none, at
    /// its own location's. Reservations of `excluding` (a booking being
    /// moved) do not count. NOT_FOUND for a bookable or location the
    /// organization does not have.
    public func conflicts(
        _ db: Database, organizationID: UUID, bookableIDs: [UUID], at locationID: UUID? = nil, service: Interval, preBuffer: Int64,
        postBuffer: Int64, now: Int64, stay: Bool = false, excluding references: Set<String> = []
    ) throws -> [ConflictFinding] {
        var bookables: [CatalogV1.Bookable] = []
        for id in bookableIDs {
            guard let bookable = try CatalogDirectory.bookable(db, organizationID: organizationID, id: id) else {
                throw ContextStatus.notFound("bookable", id.lowercasedString)
            }
            bookables.append(bookable)
        }
        var locations: [String: (hours: WorkingTime, active: Bool)] = [:]
        func hours(_ id: String) throws -> (hours: WorkingTime, active: Bool) {
            if let known = locations[id] { return known }
            guard let locationID = UUID(uuidString: id), let record = try CatalogDirectory.location(db, organizationID: organizationID, id: locationID)
            else { throw ContextStatus.notFound("location", id) }
            guard let clock = ZoneClock(identifier: record.timeZone) else { throw ContextStatus.unvalidated }
            let found = (WorkingTime(weekly: WeeklyHours.parse(record.operatingHours, field: "operating_hours").0, clock: clock),
                         record.status == .active || record.status == .unspecified)
            locations[id] = found
            return found
        }
        let place = locationID?.lowercasedString
        if let place { _ = try hours(place) }
        // A day either side: buffers, rest and zones reach over midnight.
        let span = service.padded(before: preBuffer + 2 * 86_400, after: postBuffer + 2 * 86_400)
        let loaded = try BookableTimeLoader.load(db, bookables: bookables, span: span, cache: cache)
        let times = Dictionary(loaded.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var found: [ConflictFinding] = []
        for bookable in bookables {
            guard let time = times[bookable.id] else { throw ContextStatus.unvalidated }
            if let place, bookable.locationId != place, bookable.provider?.locationIds.contains(place) != true {
                found.append(ConflictFinding(bookableID: bookable.id, kind: .unavailable, span: nil, detail: "does not work at location \(place)"))
                continue
            }
            let location = try hours(place ?? bookable.locationId)
            guard location.active else {
                found.append(ConflictFinding(bookableID: bookable.id, kind: .unavailable, span: nil, detail: "its location is not active"))
                continue
            }
            found += IntervalCheck.conflicts(of: time, location: location.hours, service: service, preBuffer: preBuffer,
                                             postBuffer: postBuffer, now: now, stay: stay, excluding: references)
        }
        return found
    }

    /// Records the time a booking or hold takes on each of its bookables.
    public func reserve(_ db: Database, organizationID: UUID, _ reserved: [ReservedTime], ids: IDGenerator, now: Date) throws {
        for time in reserved {
            try SchedulingTables.insertReserved(db, id: ids.next().lowercasedString, organizationID: organizationID.lowercasedString, time, now: now)
        }
    }

    /// Frees what a booking or hold reserved (cancelled, moved, expired);
    /// how many bookables it freed.
    @discardableResult
    public func release(_ db: Database, organizationID: UUID, referenceID: String) throws -> Int {
        try SchedulingTables.deleteReserved(db, organizationID: organizationID.lowercasedString, referenceID: referenceID)
    }

    /// Removes holds that expired before `now` (UTC seconds). They already
    /// reserve nothing; this only keeps the table small.
    @discardableResult
    public func removeExpiredHolds(_ db: Database, now: Int64) throws -> Int {
        try SchedulingTables.deleteExpiredHolds(db, now: now)
    }

    public func extendHold(_ db: Database, organizationID: UUID, referenceID: String, until expiresAt: Int64) throws {
        try db.cachedStatement(sql: "UPDATE reserved_times SET expires_at = ? WHERE organization_id = ? AND reference_id = ? AND kind = 'hold'")
            .execute(arguments: [expiresAt * 1_000_000, organizationID.lowercasedString, referenceID])
    }

    public func setParticipants(_ db: Database, organizationID: UUID, referenceID: String, _ participants: Int) throws {
        try db.cachedStatement(sql: "UPDATE reserved_times SET participants = ? WHERE organization_id = ? AND reference_id = ?")
            .execute(arguments: [max(1, participants), organizationID.lowercasedString, referenceID])
    }

    public func seatsTaken(_ db: Database, bookableID: String, templateID: String, start: Int64, now: Int64) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: """
            SELECT COALESCE(SUM(participants), 0) FROM reserved_times
            WHERE bookable_id = ? AND service_template_id = ? AND starts_at = ? AND (expires_at IS NULL OR expires_at > ?)
            """), arguments: [bookableID, templateID, start * 1_000_000, now * 1_000_000]) ?? 0
    }
}
