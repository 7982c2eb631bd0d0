public import BizingAPI
import BizingStore
public import Catalog
import Foundation
import GRDB
import Scheduling

extension BookingV1.BookingStatus: CatalogEnum {}
extension BookingV1.BookingSource: CatalogEnum {}
extension BookingV1.ParticipantRole: CatalogEnum {}
extension BookingV1.ParticipantStatus: CatalogEnum {}
extension BookingV1.CancelledBy: CatalogEnum {}
extension BookingV1.OnExpiry: CatalogEnum {}

/// The Booking context's tables: holds, bookings, participants, assigned
/// bookables, idempotency keys. Instants are stored as microseconds and
/// carried here as UTC seconds (the service's unit) or Dates.
enum BookingTables {
    // MARK: Holds

    /// A hold row, with the states the API computes from it.
    struct HoldRow: Sendable {
        var hold: BookingV1.Hold
        var holderTokenID: String?
        /// UTC seconds.
        var createdAt: Int64
        var expiresAt: Int64
        var extendableUntil: Int64
        /// active | converted | released
        var stored: String
    }

    static func insertHold(_ db: Database, _ row: HoldRow, now: Date) throws {
        let hold = row.hold
        try db.cachedStatement(sql: """
            INSERT INTO holds (id, organization_id, location_id, service_template_id, status, starts_at, ends_at, time_zone, duration_minutes,
                               nights, seats, holder_user_id, holder_token_id, expires_at, extendable_until, extension_count, on_expiry,
                               created_at, updated_at)
            VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'release_slot', ?, ?)
            """).execute(arguments: [
                hold.id, hold.organizationId, hold.locationId, hold.serviceTemplateId, micro(hold.startTime), micro(hold.endTime), hold.timeZone,
                Int(hold.durationMinutes), Int(hold.nights), Int(hold.seats), hold.holderUserId.isEmpty ? nil : hold.holderUserId, row.holderTokenID,
                row.expiresAt * 1_000_000, row.extendableUntil * 1_000_000, now.unixMicroseconds, now.unixMicroseconds,
            ])
        try insertAssignments(db, referenceID: hold.id, organizationID: hold.organizationId, hold.assignedBookables)
    }

    static func hold(_ db: Database, organizationID: String, id: String, now: Int64) throws -> HoldRow? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM holds WHERE id = ? AND organization_id = ?"), arguments: [id, organizationID])
        else { return nil }
        var hold = BookingV1.Hold(
            id: row["id"], organizationId: row["organization_id"], locationId: row["location_id"], serviceTemplateId: row["service_template_id"],
            startTime: date(row["starts_at"]), endTime: date(row["ends_at"]), timeZone: row["time_zone"],
            durationMinutes: UInt32(row["duration_minutes"] as Int), nights: UInt32(row["nights"] as Int), seats: UInt32(row["seats"] as Int))
        if let clock = ZoneClock(identifier: hold.timeZone) {
            hold.localStart = clock.iso8601(at: (row["starts_at"] as Int64) / 1_000_000)
            hold.localEnd = clock.iso8601(at: (row["ends_at"] as Int64) / 1_000_000)
        }
        hold.holderUserId = row["holder_user_id"] ?? ""
        hold.createdAt = date(row["created_at"])
        hold.expiresAt = date(row["expires_at"])
        hold.extendableUntil = date(row["extendable_until"])
        hold.extensionCount = UInt32(row["extension_count"] as Int)
        hold.onExpiry = BookingV1.OnExpiry(columnValue: row["on_expiry"])
        hold.convertedBookingId = row["converted_booking_id"] ?? ""
        hold.assignedBookables = try assignments(db, referenceIDs: [id])[id] ?? []
        let stored: String = row["status"]
        let expiresAt = (row["expires_at"] as Int64) / 1_000_000
        hold.status = switch stored {
        case "converted": .converted
        case "released": .released
        default: expiresAt <= now ? .expired : hold.extensionCount > 0 ? .extended : .active
        }
        return HoldRow(hold: hold, holderTokenID: row["holder_token_id"], createdAt: (row["created_at"] as Int64) / 1_000_000,
                       expiresAt: expiresAt, extendableUntil: (row["extendable_until"] as Int64) / 1_000_000, stored: stored)
    }

    static func extendHold(_ db: Database, id: String, until: Int64, now: Date) throws {
        try db.cachedStatement(sql: "UPDATE holds SET expires_at = ?, extension_count = extension_count + 1, updated_at = ? WHERE id = ?")
            .execute(arguments: [until * 1_000_000, now.unixMicroseconds, id])
    }

    static func finishHold(_ db: Database, id: String, status: String, bookingID: String?, now: Date) throws {
        try db.cachedStatement(sql: "UPDATE holds SET status = ?, converted_booking_id = ?, updated_at = ? WHERE id = ?")
            .execute(arguments: [status, bookingID, now.unixMicroseconds, id])
    }

    // MARK: Bookings

    static func insertBooking(_ db: Database, _ booking: BookingV1.Booking) throws {
        let price = booking.price ?? BookingV1.PriceSnapshot()
        try db.cachedStatement(sql: """
            INSERT INTO bookings (id, organization_id, location_id, service_template_id, status, starts_at, ends_at, time_zone, duration_minutes,
                                  nights, booked_by_user_id, household_id, participant_count, max_participants, currency, base_price_minor,
                                  duration_price_minor, price_seats, price_multiplier_bp, source, hold_id, notes, approver_user_id, confirmed_at, created_at,
                                  updated_at, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            """).execute(arguments: [
                booking.id, booking.organizationId, booking.locationId, booking.serviceTemplateId, booking.status.columnValue,
                micro(booking.startTime), micro(booking.endTime), booking.timeZone, Int(booking.durationMinutes), Int(booking.nights),
                nonEmpty(booking.bookedByUserId), nonEmpty(booking.householdId), Int(booking.participantCount), Int(booking.maxParticipants),
                price.total?.currency ?? "", price.basePrice?.amountMinor ?? 0, price.durationPrice?.amountMinor ?? 0, Int(max(1, price.seats)),
                Int(price.priceMultiplierBasisPoints == 0 ? 10_000 : price.priceMultiplierBasisPoints),
                booking.source.columnValue, nonEmpty(booking.holdId), booking.notes, nonEmpty(booking.approverUserId),
                booking.confirmedAt.map(micro), micro(booking.createdAt), micro(booking.updatedAt),
            ])
        try insertParticipants(db, booking)
        try insertAssignments(db, referenceID: booking.id, organizationID: booking.organizationId, booking.assignedBookables)
    }

    /// Writes a booking's changed columns (the snapshot, who booked and
    /// when never change) and one more version.
    static func updateBooking(_ db: Database, _ booking: BookingV1.Booking) throws {
        try db.cachedStatement(sql: """
            UPDATE bookings SET status = ?, starts_at = ?, ends_at = ?, participant_count = ?, approver_user_id = ?, confirmed_at = ?,
                checked_in_at = ?, checked_in_by = ?, completed_at = ?, cancelled_at = ?, cancelled_by = ?, cancellation_reason = ?,
                no_show_at = ?, updated_at = ?, version = version + 1
            WHERE id = ?
            """).execute(arguments: [
                booking.status.columnValue, micro(booking.startTime), micro(booking.endTime), Int(booking.participantCount),
                nonEmpty(booking.approverUserId), booking.confirmedAt.map(micro), booking.checkedInAt.map(micro), nonEmpty(booking.checkedInBy),
                booking.completedAt.map(micro), booking.cancelledAt.map(micro),
                booking.cancelledBy == .unspecified ? nil : booking.cancelledBy.columnValue, booking.cancellationReason,
                booking.noShowAt.map(micro), micro(booking.updatedAt), booking.id,
            ])
    }

    static func replaceParticipants(_ db: Database, _ booking: BookingV1.Booking) throws {
        try db.cachedStatement(sql: "DELETE FROM booking_participants WHERE booking_id = ?").execute(arguments: [booking.id])
        try insertParticipants(db, booking)
    }

    /// A new booking's participants (nothing to replace).
    private static func insertParticipants(_ db: Database, _ booking: BookingV1.Booking) throws {
        for (position, participant) in booking.participants.enumerated() {
            try db.cachedStatement(sql: """
                INSERT INTO booking_participants (id, booking_id, organization_id, position, user_id, name, email, phone, role, status,
                                                  checked_in_at, checked_in_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    participant.id, booking.id, booking.organizationId, position, nonEmpty(participant.userId), participant.name, participant.email,
                    participant.phone, participant.role.columnValue, participant.status.columnValue, participant.checkedInAt.map(micro),
                    nonEmpty(participant.checkedInBy),
                ])
        }
    }

    static func replaceAssignments(_ db: Database, _ booking: BookingV1.Booking) throws {
        try db.cachedStatement(sql: "DELETE FROM assigned_bookables WHERE reference_id = ?").execute(arguments: [booking.id])
        try insertAssignments(db, referenceID: booking.id, organizationID: booking.organizationId, booking.assignedBookables)
    }

    private static func insertAssignments(_ db: Database, referenceID: String, organizationID: String, _ assigned: [BookingV1.AssignedBookable]) throws {
        for item in assigned {
            try db.cachedStatement(sql: """
                INSERT INTO assigned_bookables (reference_id, bookable_id, organization_id, requirement_index, kind, role, technician_user_id)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    referenceID, item.bookableId, organizationID, Int(item.requirementIndex), item.kind.columnValue, item.role.columnValue,
                    nonEmpty(item.technicianUserId),
                ])
        }
    }

    static func assignments(_ db: Database, referenceIDs: [String]) throws -> [String: [BookingV1.AssignedBookable]] {
        guard !referenceIDs.isEmpty else { return [:] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM assigned_bookables WHERE reference_id IN (\(placeholders(referenceIDs.count))) ORDER BY requirement_index, bookable_id
            """, arguments: StatementArguments(referenceIDs))
        var found: [String: [BookingV1.AssignedBookable]] = [:]
        for row in rows {
            found[row["reference_id"], default: []].append(BookingV1.AssignedBookable(
                bookableId: row["bookable_id"], kind: CatalogV1.BookableKind(columnValue: row["kind"]),
                requirementIndex: UInt32(row["requirement_index"] as Int), role: CatalogV1.RequirementRole(columnValue: row["role"]),
                technicianUserId: row["technician_user_id"] ?? ""))
        }
        return found
    }

    static func booking(_ db: Database, organizationID: String, id: String) throws -> BookingV1.Booking? {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM bookings WHERE id = ? AND organization_id = ?"), arguments: [id, organizationID])
        return try complete(db, rows).first
    }

    /// Bookings from their rows, with participants and assignments.
    static func complete(_ db: Database, _ rows: [Row]) throws -> [BookingV1.Booking] {
        let ids = rows.map { $0["id"] as String }
        guard !ids.isEmpty else { return [] }
        let assigned = try assignments(db, referenceIDs: ids)
        var participants: [String: [BookingV1.Participant]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT * FROM booking_participants WHERE booking_id IN (\(placeholders(ids.count))) ORDER BY position
            """, arguments: StatementArguments(ids)) {
            var participant = BookingV1.Participant(
                id: row["id"], userId: row["user_id"] ?? "", name: row["name"], email: row["email"], phone: row["phone"],
                role: BookingV1.ParticipantRole(columnValue: row["role"]), status: BookingV1.ParticipantStatus(columnValue: row["status"]))
            participant.checkedInAt = optionalDate(row["checked_in_at"])
            participant.checkedInBy = row["checked_in_by"] ?? ""
            participants[row["booking_id"], default: []].append(participant)
        }
        return rows.map { row in
            let id: String = row["id"]
            let currency: String = row["currency"]
            let base: Int64 = row["base_price_minor"]
            let duration: Int64 = row["duration_price_minor"]
            let seats: Int64 = row["price_seats"]
            let multiplier: Int = row["price_multiplier_bp"]
            var booking = BookingV1.Booking(
                id: id, organizationId: row["organization_id"], locationId: row["location_id"], serviceTemplateId: row["service_template_id"],
                status: BookingV1.BookingStatus(columnValue: row["status"]), startTime: date(row["starts_at"]), endTime: date(row["ends_at"]),
                timeZone: row["time_zone"])
            booking.durationMinutes = UInt32(row["duration_minutes"] as Int)
            booking.nights = UInt32(row["nights"] as Int)
            booking.bookedByUserId = row["booked_by_user_id"] ?? ""
            booking.householdId = row["household_id"] ?? ""
            booking.participants = participants[id] ?? []
            booking.assignedBookables = assigned[id] ?? []
            booking.participantCount = UInt32(row["participant_count"] as Int)
            booking.maxParticipants = UInt32(row["max_participants"] as Int)
            booking.price = BookingV1.PriceSnapshot(
                basePrice: CatalogV1.Money(amountMinor: base, currency: currency), durationPrice: CatalogV1.Money(amountMinor: duration, currency: currency),
                total: CatalogV1.Money(amountMinor: Booker.total(base + duration, multiplier: multiplier, seats: Int(seats)), currency: currency),
                durationMinutes: booking.durationMinutes, seats: UInt32(seats), priceMultiplierBasisPoints: UInt32(multiplier))
            booking.source = BookingV1.BookingSource(columnValue: row["source"])
            booking.holdId = row["hold_id"] ?? ""
            booking.notes = row["notes"]
            booking.approverUserId = row["approver_user_id"] ?? ""
            booking.confirmedAt = optionalDate(row["confirmed_at"])
            booking.checkedInAt = optionalDate(row["checked_in_at"])
            booking.checkedInBy = row["checked_in_by"] ?? ""
            booking.completedAt = optionalDate(row["completed_at"])
            booking.cancelledAt = optionalDate(row["cancelled_at"])
            booking.cancelledBy = (row["cancelled_by"] as String?).map { BookingV1.CancelledBy(columnValue: $0) } ?? .unspecified
            booking.cancellationReason = row["cancellation_reason"]
            booking.noShowAt = optionalDate(row["no_show_at"])
            booking.createdAt = date(row["created_at"])
            booking.updatedAt = date(row["updated_at"])
            booking.version = UInt32(row["version"] as Int)
            return booking
        }
    }

    /// One page of bookings matching `filter`, in start order then id,
    /// after `after` (a start in microseconds and an id).
    static func bookings(_ db: Database, _ filter: BookingFilter, after: (startsAt: Int64, id: String)?, limit: Int) throws -> [BookingV1.Booking] {
        var conditions = ["b.organization_id = ?"]
        var arguments: [any DatabaseValueConvertible] = [filter.organizationID]
        if let location = filter.locationID {
            conditions.append("b.location_id = ?")
            arguments.append(location)
        }
        if let bookable = filter.bookableID {
            conditions.append("b.id IN (SELECT reference_id FROM assigned_bookables WHERE bookable_id = ?)")
            arguments.append(bookable)
        }
        if let user = filter.userID {
            conditions.append("(b.booked_by_user_id = ? OR b.id IN (SELECT booking_id FROM booking_participants WHERE user_id = ?))")
            arguments += [user, user]
        }
        if let household = filter.householdID {
            conditions.append("b.household_id = ?")
            arguments.append(household)
        }
        if let from = filter.from {
            conditions.append("b.starts_at >= ?")
            arguments.append(from * 1_000_000)
        }
        if let to = filter.to {
            conditions.append("b.starts_at < ?")
            arguments.append(to * 1_000_000)
        }
        if let endsAfter = filter.endsAfter {
            conditions.append("b.ends_at > ?")
            arguments.append(endsAfter * 1_000_000)
        }
        if !filter.statuses.isEmpty {
            conditions.append("b.status IN (\(placeholders(filter.statuses.count)))")
            arguments += filter.statuses.map(\.columnValue)
        }
        if let visible = filter.visibleTo {
            conditions.append(visible.sql)
            arguments += visible.arguments
        }
        if let after {
            conditions.append("(b.starts_at > ? OR (b.starts_at = ? AND b.id > ?))")
            arguments += [after.startsAt, after.startsAt, after.id]
        }
        arguments.append(limit)
        let rows = try Row.fetchAll(db, sql: """
            SELECT b.* FROM bookings b WHERE \(conditions.joined(separator: " AND ")) ORDER BY b.starts_at, b.id LIMIT ?
            """, arguments: StatementArguments(arguments))
        return try complete(db, rows)
    }

    /// The jobs of a company's technicians (bookings holding time) that
    /// overlap `within` (UTC seconds), other than `excluding`'s.
    static func technicianJobs(
        _ db: Database, companyID: String, technicians: [String], within: Interval, excluding: String
    ) throws -> [(technician: String, span: Interval)] {
        guard !technicians.isEmpty else { return [] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT a.technician_user_id, b.starts_at, b.ends_at FROM assigned_bookables a JOIN bookings b ON b.id = a.reference_id
            WHERE a.technician_user_id IN (\(placeholders(technicians.count))) AND b.id != ?
              AND b.status IN ('reserved', 'pending', 'confirmed', 'checked_in') AND b.ends_at > ? AND b.starts_at < ?
            """, arguments: StatementArguments(technicians.map { $0 as any DatabaseValueConvertible }
                + [excluding, within.start * 1_000_000, within.end * 1_000_000]))
        return rows.compactMap { row in
            Interval((row[1] as Int64) / 1_000_000, (row[2] as Int64) / 1_000_000).map { (row[0], $0) }
        }
    }

    /// Which of `userIDs` already take part in a live booking of the
    /// template starting at `start` (UTC seconds): a class's session.
    static func alreadyInSession(_ db: Database, templateID: String, start: Int64, userIDs: [String], excluding: String) throws -> Set<String> {
        guard !userIDs.isEmpty else { return [] }
        return try Set(String.fetchAll(db, sql: """
            SELECT p.user_id FROM booking_participants p JOIN bookings b ON b.id = p.booking_id
            WHERE b.service_template_id = ? AND b.starts_at = ? AND b.id != ?
              AND b.status IN ('reserved', 'pending', 'confirmed', 'checked_in') AND p.user_id IN (\(placeholders(userIDs.count)))
            """, arguments: StatementArguments([templateID, start * 1_000_000, excluding] + userIDs.map { $0 as any DatabaseValueConvertible })))
    }

    // MARK: Idempotency keys

    static func idempotent(_ db: Database, caller: String, key: String) throws -> (method: String, fingerprint: Data, response: Data)? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT method, fingerprint, response FROM idempotency_keys WHERE caller = ? AND key = ?"),
                         arguments: [caller, key]).map { ($0[0], $0[1], $0[2]) }
    }

    static func remember(_ db: Database, caller: String, key: String, method: String, fingerprint: Data, response: Data, now: Date) throws {
        try db.cachedStatement(sql: """
            INSERT INTO idempotency_keys (caller, key, method, fingerprint, response, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [caller, key, method, fingerprint, response, now.unixMicroseconds])
    }

    /// Forgets keys older than `before` (UTC seconds); how many.
    static func forgetKeys(_ db: Database, before: Int64) throws -> Int {
        try db.cachedStatement(sql: "DELETE FROM idempotency_keys WHERE created_at < ?").execute(arguments: [before * 1_000_000])
        return db.changesCount
    }

    /// Active holds past their expiry (UTC seconds), their reservations gone.
    static func expiredHoldIDs(_ db: Database, now: Int64) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM holds WHERE status = 'active' AND expires_at <= ?"), arguments: [now * 1_000_000])
    }

    // MARK: Helpers

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    private static func micro(_ date: Date?) -> Int64 {
        (date ?? Date(timeIntervalSince1970: 0)).unixMicroseconds
    }

    private static func micro(_ date: Date) -> Int64 {
        date.unixMicroseconds
    }

    private static func date(_ micros: Int64) -> Date {
        Date(unixMicroseconds: micros)
    }

    private static func optionalDate(_ micros: Int64?) -> Date? {
        micros.map(date)
    }

    private static func nonEmpty(_ text: String) -> String? {
        text.isEmpty ? nil : text
    }
}

/// What ListBookings selects, checked.
struct BookingFilter: Sendable {
    var organizationID: String
    var locationID: String?
    var bookableID: String?
    var userID: String?
    var householdID: String?
    /// UTC seconds.
    var from: Int64?
    var to: Int64?
    /// Ending after this (UTC seconds): what overlaps a span.
    var endsAfter: Int64?
    var statuses: [BookingV1.BookingStatus] = []
    /// The bookings the caller may see, when not all of them.
    var visibleTo: Visibility?

    /// An SQL condition over `b` (bookings) limiting what a caller sees.
    struct Visibility: Sendable {
        var sql: String
        var arguments: [String]
    }
}
