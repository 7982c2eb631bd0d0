import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Catalog
import Foundation
import GRDB
import Identity
import Scheduling
import Testing

/// The instant the scheduling tests start at, and wall times turned into
/// instants with Foundation's calendar (not the engine's ZoneClock, so the
/// expectations do not share the code they check).
enum SchedulingTime {
    /// Monday 2026-06-01 12:00:00 UTC: 08:00 in New York (EDT, -04:00).
    static let now = Date(timeIntervalSince1970: 1_780_315_200)
    static let newYork = TimeZone(identifier: "America/New_York")!

    /// The instant of wall time `time` ("HH:MM") on `date` ("YYYY-MM-DD") in `zone`.
    static func at(_ date: String, _ time: String, in zone: TimeZone = newYork) -> Date {
        let day = date.split(separator: "-").map { Int($0)! }
        let clock = time.split(separator: ":").map { Int($0)! }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: day[0], month: day[1], day: day[2], hour: clock[0], minute: clock[1]))!
    }

    /// `instant` as ISO 8601 in `zone`, with the offset in force: "2026-06-02T09:00:00-04:00".
    static func iso(_ instant: Date, in zone: TimeZone = newYork) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        let offset = zone.secondsFromGMT(for: instant)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let sign = offset < 0 ? "-" : "+"
        return "\(parts.year!)-\(two(parts.month!))-\(two(parts.day!))T\(two(parts.hour!)):\(two(parts.minute!)):\(two(parts.second!))"
            + "\(sign)\(two(abs(offset) / 3600)):\(two(abs(offset) % 3600 / 60))"
    }

    /// The local date ("YYYY-MM-DD") of `instant` in `zone`.
    static func date(of instant: Date, in zone: TimeZone = newYork) -> String {
        String(iso(instant, in: zone).prefix(10))
    }

    /// The dates from `first` through `last`, both included.
    static func dates(_ first: String, through last: String) -> [String] {
        var dates: [String] = []
        var day = at(first, "12:00", in: TimeZone(identifier: "UTC")!)
        let end = at(last, "12:00", in: TimeZone(identifier: "UTC")!)
        while day <= end {
            dates.append(date(of: day, in: TimeZone(identifier: "UTC")!))
            day = day.addingTimeInterval(86_400)
        }
        return dates
    }

    /// Whether `date` is Monday to Friday.
    static func isWeekday(_ date: String) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let weekday = calendar.component(.weekday, from: at(date, "12:00", in: TimeZone(identifier: "UTC")!))
        return (2...6).contains(weekday)
    }
}

/// A location with weekday hours 09:00-17:00 in New York, providers and a
/// room there, and an active one-hour template that needs one provider and
/// one venue: what the availability tests search.
struct SchedulingWorld: Sendable {
    let org: CatalogOrganization
    let location: CatalogV1.Location
    /// In id order: the order the assignment rule breaks ties by.
    let providers: [CatalogV1.Bookable]
    let room: CatalogV1.Bookable
    let template: CatalogV1.ServiceTemplate

    var p1: String { providers[0].id }
    var p2: String { providers[1].id }

    /// A search of the world's template over `from` through `to`.
    func search(
        _ from: String, _ to: String, bookables: [String] = [], template: String? = nil, pageSize: UInt32 = 0
    ) -> SchedulingV1.SearchAvailabilityRequest {
        SchedulingV1.SearchAvailabilityRequest(
            organizationId: org.id, serviceTemplateId: template ?? self.template.id, fromDate: from, toDate: to, bookableIds: bookables,
            pageSize: pageSize)
    }
}

/// Sample objects for the scheduling tests.
enum SchedulingSample {
    /// A template at `location` needing one provider and one venue (any of
    /// the location's), one hour by default.
    static func template(
        _ slug: String, at location: String, type: CatalogV1.ServiceType = .appointment,
        duration: CatalogV1.ServiceDuration = CatalogV1.ServiceDuration(type: .fixed, fixedMinutes: 60),
        capacity: CatalogV1.Capacity? = nil, requirements: [CatalogV1.BookableRequirement]? = nil
    ) -> CatalogV1.ServiceTemplate {
        CatalogV1.ServiceTemplate(
            locationId: location, name: "Service \(slug)", slug: slug, type: type, duration: duration,
            requiredBookables: requirements ?? [
                CatalogV1.BookableRequirement(kind: .provider, count: 1), CatalogV1.BookableRequirement(kind: .venue, count: 1),
            ],
            capacity: capacity, pricing: CatalogV1.Pricing(basePrice: CatalogSample.money(5_000)))
    }

    static func blocked(
        _ start: Date, _ end: Date, _ type: SchedulingV1.BlockedTimeType = .timeOff, reason: String = "", allowOverride: Bool = false
    ) -> SchedulingV1.BlockedTime {
        SchedulingV1.BlockedTime(startTime: start, endTime: end, type: type, reason: reason, allowOverride: allowOverride)
    }

    /// One slot as the search presents it (in New York), with no display zone.
    static func slot(
        _ date: String, _ time: String, minutes: Int = 60, _ assignments: [(CatalogV1.BookableKind, [String])], seatsLeft: UInt32? = nil,
        premium: Bool = false, price: UInt32 = 10_000
    ) -> SchedulingV1.AvailableSlot {
        let start = SchedulingTime.at(date, time)
        let end = start.addingTimeInterval(TimeInterval(minutes * 60))
        return SchedulingV1.AvailableSlot(
            startTime: start, endTime: end, localStart: SchedulingTime.iso(start), localEnd: SchedulingTime.iso(end),
            assignments: assignments.enumerated().map {
                SchedulingV1.Assignment(requirementIndex: UInt32($0.offset), kind: $0.element.0, bookableIds: $0.element.1)
            },
            seatsLeft: seatsLeft, premium: premium, priceMultiplierBasisPoints: price)
    }

    /// The starts "HH:MM" from `first` every `step` minutes while a slot of `minutes` ends by `close`.
    static func times(from first: String = "09:00", every step: Int = 60, minutes: Int = 60, closingAt close: String = "17:00") -> [String] {
        func minute(_ text: String) -> Int { let p = text.split(separator: ":").map { Int($0)! }; return p[0] * 60 + p[1] }
        func text(_ m: Int) -> String { String(format: "%02d:%02d", m / 60, m % 60) }
        return Array(stride(from: minute(first), through: minute(close) - minutes, by: step)).map(text)
    }
}

extension CatalogHarness {
    /// Runs `body` with a fresh server whose clock stands at `SchedulingTime.now`.
    static func scheduling(_ body: (CatalogHarness) async throws -> Void) async throws {
        try await run { h in
            h.clock.set(SchedulingTime.now)
            try await body(h)
        }
    }

    // MARK: - The world

    /// `SchedulingWorld`: the organization, its New York studio, `providers`
    /// providers, one room, and the active template; `tag` starts every
    /// slug (and so every name), to tell two worlds apart.
    func schedulingWorld(providers count: Int = 2, tag: String = "world") async throws -> SchedulingWorld {
        let org = try await organization("Scheduling \(tag)")
        let location = try await create(CatalogSample.location("\(tag)-studio"), in: org)
        var providers: [CatalogV1.Bookable] = []
        for index in 0..<count {
            providers.append(try await create(CatalogSample.provider("\(tag)-provider-\(index + 1)", at: location.id), in: org))
        }
        let room = try await create(CatalogSample.venue("\(tag)-room", at: location.id), in: org)
        let template = try await activate(SchedulingSample.template("\(tag)-massage", at: location.id), in: org)
        return SchedulingWorld(org: org, location: location, providers: providers.sorted { $0.id < $1.id }, room: room, template: template)
    }

    /// A template created and made active.
    func activate(_ template: CatalogV1.ServiceTemplate, in org: CatalogOrganization) async throws -> CatalogV1.ServiceTemplate {
        let draft = try await create(template, in: org)
        return try await changeStatus(draft.id, to: .active, in: org)
    }

    // MARK: - Calendars

    func calendar(_ bookableID: String, in org: CatalogOrganization, token: String? = nil) async throws -> SchedulingV1.Calendar {
        try await call(SchedulingV1.Calendars.get, SchedulingV1.GetCalendarRequest(organizationId: org.id, bookableId: bookableID), token: token ?? org.token)
    }

    func updateCalendar(
        _ bookableID: String, _ patch: SchedulingV1.Calendar?, mask: [String], in org: CatalogOrganization, token: String? = nil
    ) async throws -> SchedulingV1.Calendar {
        try await call(
            SchedulingV1.Calendars.update,
            SchedulingV1.UpdateCalendarRequest(organizationId: org.id, bookableId: bookableID, calendar: patch, updateMask: mask), token: token ?? org.token)
    }

    func addOverride(_ bookableID: String, _ override: SchedulingV1.DateOverride, in org: CatalogOrganization) async throws -> SchedulingV1.Calendar {
        try await call(
            SchedulingV1.Calendars.addOverride, SchedulingV1.AddOverrideRequest(organizationId: org.id, bookableId: bookableID, dateOverride: override),
            token: org.token)
    }

    func block(_ bookableID: String, _ blocked: SchedulingV1.BlockedTime, in org: CatalogOrganization, token: String? = nil) async throws -> SchedulingV1.BlockedTime {
        try await call(
            SchedulingV1.Calendars.addBlockedTime, SchedulingV1.AddBlockedTimeRequest(organizationId: org.id, bookableId: bookableID, blockedTime: blocked),
            token: token ?? org.token)
    }

    /// Every page of a blocked-times list (the request's page size, tokens followed) and how many pages.
    func allBlockedTimes(_ request: SchedulingV1.ListBlockedTimesRequest, token: String) async throws -> (times: [SchedulingV1.BlockedTime], pages: Int) {
        var request = request
        var all: [SchedulingV1.BlockedTime] = []
        var pages = 0
        repeat {
            let page: SchedulingV1.ListBlockedTimesResponse = try await call(SchedulingV1.Calendars.listBlockedTimes, request, token: token)
            all += page.blockedTimes
            pages += 1
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        return (all, pages)
    }

    // MARK: - Availability

    func search(_ request: SchedulingV1.SearchAvailabilityRequest, token: String) async throws -> SchedulingV1.SearchAvailabilityResponse {
        try await call(SchedulingV1.Availability.searchAvailability, request, token: token)
    }

    /// Every page of a search (the request's page size, tokens followed) and how many pages.
    func allSlots(_ request: SchedulingV1.SearchAvailabilityRequest, token: String) async throws -> (slots: [SchedulingV1.AvailableSlot], pages: Int) {
        var request = request
        var all: [SchedulingV1.AvailableSlot] = []
        var pages = 0
        repeat {
            let page = try await search(request, token: token)
            all += page.slots
            pages += 1
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        return (all, pages)
    }

    /// Every message of a StreamAvailability call.
    func stream(_ request: SchedulingV1.SearchAvailabilityRequest, token: String?) async throws -> [SchedulingV1.AvailabilityDay] {
        var days: [SchedulingV1.AvailabilityDay] = []
        let responses = try await identity.client.serverStreaming(
            SchedulingV1.Availability.streamAvailability.fullName, request, as: SchedulingV1.AvailabilityDay.self, metadata: IdentityHarness.metadata(token))
        for try await day in responses { days.append(day) }
        return days
    }

    /// The status a StreamAvailability call ends with (OK when it ends well).
    func streamStatus(_ request: SchedulingV1.SearchAvailabilityRequest, token: String?) async -> StatusCode {
        do {
            _ = try await stream(request, token: token)
            return .ok
        } catch let status as RPCStatus {
            return status.code
        } catch {
            Issue.record("StreamAvailability: \(error)")
            return .unknown
        }
    }

    /// The status a StreamAvailability call fails with; records an issue when it ends well.
    func streamFailure(
        _ request: SchedulingV1.SearchAvailabilityRequest, token: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> RPCStatus {
        do {
            _ = try await stream(request, token: token)
        } catch let status as RPCStatus {
            return status
        }
        Issue.record("StreamAvailability ended well; a failure was expected", sourceLocation: sourceLocation)
        return .ok
    }

    func check(
        _ bookables: [String], _ start: Date, _ end: Date, pre: UInt32 = 0, post: UInt32 = 0, at location: String = "", in org: CatalogOrganization,
        token: String? = nil
    ) async throws -> SchedulingV1.CheckIntervalResponse {
        try await call(
            SchedulingV1.Availability.checkInterval,
            SchedulingV1.CheckIntervalRequest(
                organizationId: org.id, bookableIds: bookables, startTime: start, endTime: end, preBufferMinutes: pre, postBufferMinutes: post,
                locationId: location),
            token: token ?? org.token)
    }

    // MARK: - The ledger (as the Booking context will use it)

    /// Reserves time through `SchedulingLedger.reserve`, in a write
    /// transaction on the harness's second connection.
    func reserve(_ reserved: [ReservedTime], in org: CatalogOrganization) async throws {
        let organizationID = UUID(uuidString: org.id)!
        let (store, now) = (self.store, clock.now)
        try await store.write { db in
            try SchedulingLedger().reserve(db, organizationID: organizationID, reserved, ids: store.ids, now: now)
        }
    }

    /// A booking (or a hold until `expires`) of `bookables` for the wall-clock span, busy `before`/`after` minutes around it.
    func reserve(
        _ bookables: [String], on date: String, from start: String, to end: String, before: Int = 0, after: Int = 0, expires: Date? = nil,
        template: String? = nil, participants: Int = 1, reference: String = UUID().uuidString.lowercased(), in org: CatalogOrganization
    ) async throws -> String {
        let service = Interval(Int64(SchedulingTime.at(date, start).timeIntervalSince1970), Int64(SchedulingTime.at(date, end).timeIntervalSince1970))!
        let busy = service.padded(before: Int64(before) * 60, after: Int64(after) * 60)
        let kind: ReservedTime.Kind = expires.map { .hold(expiresAt: Int64($0.timeIntervalSince1970)) } ?? .booking
        try await reserve(bookables.map {
            ReservedTime(bookableID: $0, kind: kind, referenceID: reference, templateID: template, service: service, busy: busy, participants: participants)
        }, in: org)
        return reference
    }

    @discardableResult
    func release(_ reference: String, in org: CatalogOrganization) async throws -> Int {
        let organizationID = UUID(uuidString: org.id)!
        return try await store.write { db in try SchedulingLedger().release(db, organizationID: organizationID, referenceID: reference) }
    }

    // MARK: - The rows behind the API

    static let schedulingTables = ["calendar_settings", "calendar_overrides", "blocked_times", "reserved_times"]

    /// Every row of the scheduling tables (of one organization, or all),
    /// each value exactly (blobs in hex), in key order.
    func schedulingSnapshot(organizationID: String? = nil) async throws -> [String] {
        try await store.read { db in
            var rows: [String] = []
            for table in Self.schedulingTables {
                let filter = organizationID == nil ? "" : " WHERE organization_id = ?"
                let arguments: StatementArguments = organizationID.map { [$0] } ?? []
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)\(filter) ORDER BY 1, 2", arguments: arguments) {
                    rows.append(table + ": " + row.databaseValues.map(\.exactText).joined(separator: " | "))
                }
            }
            return rows
        }
    }

    /// Rows of one scheduling table.
    func schedulingRowCount(_ table: String) async throws -> Int {
        try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}

/// The field paths of a refusal's violations, in order.
func schedulingViolationFields(_ status: RPCStatus) -> [String] { status.details.fieldViolations.map(\.field) }
