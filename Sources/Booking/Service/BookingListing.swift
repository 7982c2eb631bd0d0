import BizingAPI
import BizingStore
import BizingWire
import Catalog
import ContextKit
import Foundation
import GRDB
import Identity
import Scheduling

/// ListBookings and a provider's agenda: filters checked, then only what
/// the caller may see, in start order then id, paged by a cursor tied to
/// the filters it was made for.
struct BookingListing {
    let request: BookingV1.ListBookingsRequest
    let caller: BookingCaller
    let filter: BookingFilter
    let pageSize: Int
    let after: (startsAt: Int64, id: String)?
    let digest: UInt64

    init(_ request: BookingV1.ListBookingsRequest, _ caller: BookingCaller) throws {
        self.request = request
        self.caller = caller
        var found: [InvalidField] = []
        let location = FieldRules.id(request.locationId, "location_id", required: false, into: &found)
        let bookable = FieldRules.id(request.bookableId, "bookable_id", required: false, into: &found)
        let user = FieldRules.id(request.userId, "user_id", required: false, into: &found)
        let household = FieldRules.id(request.householdId, "household_id", required: false, into: &found)
        if let from = request.fromTime, let to = request.toTime, to <= from {
            found.append(InvalidField(field: "to_time", rule: .notAllowed, description: "must be after from_time"))
        }
        for (index, status) in request.statuses.enumerated() {
            if case .unrecognized = status { found.append(InvalidField(field: "statuses[\(index)]", rule: .notAllowed, description: "is not a known status")) }
            if status == .unspecified { found.append(InvalidField(field: "statuses[\(index)]", rule: .notAllowed, description: "must name a status")) }
        }
        if request.statuses.count > 7 { found.append(InvalidField(field: "statuses", rule: .tooLong, description: "must have at most 7 entries")) }
        var cleaned = request
        cleaned.pageSize = 0
        cleaned.pageToken = ""
        digest = Self.digest(cleaned)
        var position: (Int64, String)?
        do { position = try Self.decode(request.pageToken, digest: digest) } catch let failure as ValidationFailure { found += failure.violations }
        try found.throwIfAny()
        after = position
        pageSize = PageToken.pageSize(request.pageSize, default: 50, maximum: 500)
        filter = BookingFilter(
            organizationID: caller.organizationID, locationID: location?.lowercasedString, bookableID: bookable?.lowercasedString,
            userID: user?.lowercasedString, householdID: household?.lowercasedString,
            from: request.fromTime.map { Int64($0.timeIntervalSince1970.rounded(.down)) }, to: request.toTime.map { Int64($0.timeIntervalSince1970.rounded(.up)) },
            statuses: request.statuses)
    }

    func page(_ db: Database) throws -> BookingV1.ListBookingsResponse {
        var filter = self.filter
        filter.visibleTo = try visibility(db)
        var bookings: [BookingV1.Booking] = []
        var cursor = after
        var more = false
        // The SQL narrows to what the caller may see but for household
        // rules between particular members, judged here; refill until full.
        filling: while true {
            let batch = try BookingTables.bookings(db, filter, after: cursor, limit: pageSize + 1)
            for booking in batch {
                guard (try? caller.requireVisible(db, booking)) != nil else {
                    cursor = (Int64((booking.startTime ?? Date()).timeIntervalSince1970) * 1_000_000, booking.id)
                    continue
                }
                if bookings.count == pageSize {
                    more = true
                    break filling
                }
                bookings.append(BookingsServer.presented(booking))
                cursor = (Int64((booking.startTime ?? Date()).timeIntervalSince1970) * 1_000_000, booking.id)
            }
            if batch.count <= pageSize { break }
        }
        var response = BookingV1.ListBookingsResponse(bookings: bookings)
        if more, let last = bookings.last {
            response.nextPageToken = Self.encode((Int64((last.startTime ?? Date()).timeIntervalSince1970) * 1_000_000, last.id), digest: digest)
        }
        return response
    }

    /// What the caller may see, as SQL: every booking (owners, admins,
    /// staff of all locations), those at the locations they work, those
    /// assigned to their provider bookables, their own, and their
    /// households' (members' rules judged after).
    private func visibility(_ db: Database) throws -> BookingFilter.Visibility? {
        if let membership = caller.access?.membership, membership.scope == .allLocations, caller.seesAll(location: "") {
            return nil
        }
        var clauses: [String] = []
        var arguments: [String] = []
        if let membership = caller.access?.membership, case .locations(let ids) = membership.scope {
            let seen = ids.map(\.lowercasedString).filter { caller.seesAll(location: $0) }.sorted()
            if !seen.isEmpty {
                clauses.append("b.location_id IN (\(BookingTables.placeholders(seen.count)))")
                arguments += seen
            }
        }
        if let userID = caller.userID {
            if caller.access != nil {
                let providers = try CatalogDirectory.providerIDs(db, organizationID: caller.organization.id, userID: userID)
                if !providers.isEmpty {
                    clauses.append("b.id IN (SELECT reference_id FROM assigned_bookables WHERE bookable_id IN (\(BookingTables.placeholders(providers.count))))")
                    arguments += providers
                }
            }
            let me = userID.lowercasedString
            clauses.append("b.booked_by_user_id = ? OR b.id IN (SELECT booking_id FROM booking_participants WHERE user_id = ?)")
            arguments += [me, me]
            let households = try IdentityDirectory.households(db, userID: userID)
            if !households.isEmpty {
                let ids = households.map(\.id.lowercasedString)
                let members = Array(Set(households.flatMap { $0.members.map(\.userID.lowercasedString) })).sorted()
                clauses.append("b.household_id IN (\(BookingTables.placeholders(ids.count)))")
                arguments += ids
                clauses.append("b.id IN (SELECT booking_id FROM booking_participants WHERE user_id IN (\(BookingTables.placeholders(members.count))))")
                arguments += members
            }
        }
        if clauses.isEmpty { return BookingFilter.Visibility(sql: "0", arguments: []) }
        return BookingFilter.Visibility(sql: "(" + clauses.map { "(\($0))" }.joined(separator: " OR ") + ")", arguments: arguments)
    }

    /// A provider's bookings on one local day of their calendar's zone.
    static func agenda(_ db: Database, _ request: BookingV1.AgendaRequest, _ caller: BookingCaller) throws -> BookingV1.AgendaResponse {
        var found: [InvalidField] = []
        let asked = FieldRules.id(request.bookableId, "bookable_id", required: false, into: &found)
        try found.throwIfAny()
        var bookableID = asked?.lowercasedString
        if bookableID == nil {
            guard let userID = caller.userID, caller.access != nil,
                  let own = try CatalogDirectory.providerIDs(db, organizationID: caller.organization.id, userID: userID).first
            else {
                throw ValidationFailure([InvalidField(field: "bookable_id", rule: .required, description: "is required: you are not a provider here")])
            }
            bookableID = own
        }
        guard let id = bookableID, let uuid = UUID(uuidString: id),
              let bookable = try CatalogDirectory.bookable(db, organizationID: caller.organization.id, id: uuid),
              let calendar = try CatalogDirectory.calendar(db, bookableID: uuid), let clock = ZoneClock(identifier: calendar.timeZone)
        else { throw ContextStatus.notFound("bookable", bookableID ?? "") }
        let own = caller.userID.map { UUID(uuidString: bookable.provider?.userId ?? "") == $0 } ?? false
        let locations = [bookable.locationId] + (bookable.provider?.locationIds ?? [])
        guard caller.access != nil, own || locations.contains(where: caller.seesAll(location:)) else {
            if caller.access == nil { throw ContextStatus.notFound("bookable", id) }
            throw ContextStatus.permissionDenied("\(caller.roleWithArticle) may see the agendas of providers at the locations they work, and their own")
        }
        // The date once the caller may see the agenda (access and authority first).
        try CalendarRules.date(request.date, field: "date").throwIfAny()
        guard let date = CalendarDate(request.date) else { throw ContextStatus.unvalidated }
        let start = clock.resolve(date, minute: 0).earliest
        let end = clock.resolve(date.adding(days: 1), minute: 0).earliest
        let filter = BookingFilter(organizationID: caller.organizationID, bookableID: id, from: nil, to: end, endsAfter: start,
                                   statuses: [.reserved, .pending, .confirmed, .checkedIn, .completed])
        var bookings: [BookingV1.Booking] = []
        var cursor: (startsAt: Int64, id: String)?
        // Starts before the day's end, ends after its start (a stay may begin days before).
        while true {
            let batch = try BookingTables.bookings(db, filter, after: cursor, limit: 200)
            bookings += batch.map(BookingsServer.presented)
            guard batch.count == 200, let last = batch.last else { break }
            cursor = (Int64((last.startTime ?? Date()).timeIntervalSince1970) * 1_000_000, last.id)
        }
        return BookingV1.AgendaResponse(bookableId: id, date: date.text, timeZone: calendar.timeZone, bookings: bookings)
    }

    // MARK: The cursor

    static func encode(_ position: (Int64, String), digest: UInt64) -> String {
        Data("k1:\(position.0):\(position.1):\(String(digest, radix: 16))".utf8).base64EncodedString()
    }

    static func decode(_ token: String, digest: UInt64) throws -> (Int64, String)? {
        if token.isEmpty { return nil }
        let malformed = ValidationFailure([InvalidField(field: "page_token", rule: .malformed, description: "is not a token this list returned")])
        guard token.utf8.count <= 160, let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { throw malformed }
        let parts = text.split(separator: ":")
        guard parts.count == 4, parts[0] == "k1", let start = Int64(parts[1]), UUID(uuidString: String(parts[2])) != nil,
              let made = UInt64(parts[3], radix: 16) else { throw malformed }
        guard made == digest else {
            throw ValidationFailure([InvalidField(field: "page_token", rule: .conflict, description: "belongs to another list: send it with the same filters")])
        }
        return (start, String(parts[2]))
    }

    /// FNV-1a over the request's bytes without its page fields.
    static func digest(_ request: BookingV1.ListBookingsRequest) -> UInt64 {
        PageToken.digest(of: (try? ProtobufEncoder().encode(request)) ?? [])
    }
}
