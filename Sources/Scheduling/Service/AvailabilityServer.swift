public import BizingAPI
public import BizingRPC
import BizingStore
import BizingWire
import Catalog
import ContextKit
import Foundation
import GRDB
import Identity

/// `bizing.scheduling.v1.Availability`: searches and interval checks, read
/// in one transaction each (a consistent snapshot of calendars and
/// reservations).
public struct AvailabilityServer: SchedulingV1.AvailabilityService {
    let environment: SchedulingEnvironment
    private var store: BizingStore { environment.store }

    /// Days a unary search may cover, and a streamed one.
    static let unaryDays = 62
    static let streamedDays = 366
    /// Days computed at a time: a week for a page's first read (a first page
    /// is quick), a month after that and for a stream (a long stream stays
    /// small in memory).
    static let pageChunkDays = 7
    static let streamChunkDays = 31

    public init(_ environment: SchedulingEnvironment) {
        self.environment = environment
    }

    public func searchAvailability(_ request: SchedulingV1.SearchAvailabilityRequest, context: ServerCallContext) async throws -> SchedulingV1.SearchAvailabilityResponse {
        try await answering {
            let caller = try context.caller
            let query = try SearchQuery(request, maximumDays: Self.unaryDays)
            let now = Int64(store.clock.now.timeIntervalSince1970.rounded(.down))
            return try await store.read { db in
                let plan = try SearchPlan.resolve(db, caller, query, cache: environment.store.references)
                var slots: [SchedulingV1.AvailableSlot] = []
                var day = max(query.cursor.map { plan.clock.wallClock(at: $0).date } ?? query.from, query.from)
                var more = false
                var chunk = Self.pageChunkDays
                while day <= query.through {
                    // A week first (a first page seldom needs more); then the rest a month at a time.
                    let last = min(day.adding(days: chunk - 1), query.through)
                    chunk = Self.streamChunkDays
                    for slot in try plan.slots(db, from: day, through: last, now: now) where query.cursor.map({ slot.interval.start > $0 }) ?? true {
                        guard slots.count < query.pageSize else {
                            more = true
                            break
                        }
                        slots.append(plan.present(slot))
                    }
                    if more { break }
                    day = last.adding(days: 1)
                }
                let next = more ? slots.last.map { SlotCursor.encode(Int64(($0.startTime ?? Date()).timeIntervalSince1970), search: query.digest) } : nil
                return SchedulingV1.SearchAvailabilityResponse(slots: slots, nextPageToken: next ?? "", timeZone: plan.location.timeZone)
            }
        }
    }

    public func streamAvailability(
        _ request: SchedulingV1.SearchAvailabilityRequest, context: ServerCallContext, responses: ResponseWriter<SchedulingV1.AvailabilityDay>
    ) async throws {
        let caller = try context.caller
        let query = try await answering { try SearchQuery(request, maximumDays: Self.streamedDays, paged: false) }
        let now = Int64(store.clock.now.timeIntervalSince1970.rounded(.down))
        // One read transaction per chunk, sent before the next is read: the
        // client sees the first days at once and memory stays one chunk.
        var day = query.from
        while day <= query.through {
            let (first, last) = (day, min(day.adding(days: Self.streamChunkDays - 1), query.through))
            let days = try await answering {
                try await store.read { db in
                    let plan = try SearchPlan.resolve(db, caller, query, cache: environment.store.references)
                    var days: [SchedulingV1.AvailabilityDay] = []
                    for slot in try plan.slots(db, from: first, through: last, now: now) {
                        let date = plan.clock.wallClock(at: slot.interval.start).date.text
                        if days.last?.date != date { days.append(SchedulingV1.AvailabilityDay(date: date)) }
                        days[days.count - 1].slots.append(plan.present(slot))
                    }
                    return days
                }
            }
            for found in days { try await responses.send(found) }
            day = last.adding(days: 1)
        }
    }

    public func checkInterval(_ request: SchedulingV1.CheckIntervalRequest, context: ServerCallContext) async throws -> SchedulingV1.CheckIntervalResponse {
        try await answering {
            let caller = try context.caller
            let check = try IntervalQuery(request)
            let now = Int64(store.clock.now.timeIntervalSince1970.rounded(.down))
            return try await store.read { db in
                _ = try OrganizationAccess.resolve(db, caller, organizationID: check.organizationID)
                let findings = try SchedulingLedger(cache: store.references).conflicts(
                    db, organizationID: check.organizationID, bookableIDs: check.bookableIDs, at: check.locationID, service: check.service,
                    preBuffer: check.preBuffer, postBuffer: check.postBuffer, now: now, stay: check.stay)
                return SchedulingV1.CheckIntervalResponse(free: findings.isEmpty, conflicts: findings.map(Self.conflict))
            }
        }
    }

    static func conflict(_ finding: ConflictFinding) -> SchedulingV1.Conflict {
        var conflict = SchedulingV1.Conflict(bookableId: finding.bookableID, detail: finding.detail)
        switch finding.kind {
        case .unavailable: conflict.kind = .unavailable
        case .outsideHours: conflict.kind = .outsideHours
        case .outsideWindow: conflict.kind = .outsideWindow
        case .dailyLimit: conflict.kind = .dailyLimit
        case .booked: conflict.kind = .booked
        case .held: conflict.kind = .held
        case .blocked(let id, let overridable):
            conflict.kind = .blocked
            conflict.blockedTimeId = id
            conflict.overridable = overridable
        }
        if let span = finding.span {
            conflict.startTime = Date(timeIntervalSince1970: TimeInterval(span.start))
            conflict.endTime = Date(timeIntervalSince1970: TimeInterval(span.end))
        }
        return conflict
    }
}

/// A search request, checked: everything about it that needs no database.
struct SearchQuery: Sendable {
    let organizationID: UUID
    let templateID: UUID
    let locationID: UUID?
    let from: CalendarDate
    let through: CalendarDate
    let bookableIDs: [UUID]
    let filters: [SchedulingV1.RequirementFilter]
    let durationMinutes: Int
    let nights: Int
    let seats: Int
    let display: ZoneClock?
    let pageSize: Int
    let cursor: Int64?
    /// Identifies the search across its pages.
    let digest: UInt64

    init(_ request: SchedulingV1.SearchAvailabilityRequest, maximumDays: Int, paged: Bool = true) throws {
        var found: [InvalidField] = []
        organizationID = FieldRules.id(request.organizationId, "organization_id", required: true, into: &found) ?? UUID()
        templateID = FieldRules.id(request.serviceTemplateId, "service_template_id", required: true, into: &found) ?? UUID()
        locationID = FieldRules.id(request.locationId, "location_id", required: false, into: &found)
        let from = CalendarDate(request.fromDate)
        let through = CalendarDate(request.toDate)
        found += CalendarRules.date(request.fromDate, field: "from_date") + CalendarRules.date(request.toDate, field: "to_date")
        if let from, let through {
            if through < from {
                found.append(InvalidField(field: "to_date", rule: .notAllowed, description: "must not be before from_date"))
            } else if through.daysSinceEpoch - from.daysSinceEpoch >= Int64(maximumDays) {
                found.append(InvalidField(field: "to_date", rule: .notAllowed,
                                          description: "must be within \(maximumDays) days of from_date (both included)\(paged ? "; StreamAvailability covers up to 366" : "")"))
            }
        }
        self.from = from ?? CalendarDate(year: 1970, month: 1, day: 1)
        self.through = through ?? CalendarDate(year: 1970, month: 1, day: 1)
        bookableIDs = FieldRules.ids(request.bookableIds, "bookable_ids", maximum: 50, into: &found)
        for (index, filter) in request.filters.enumerated() {
            FieldRules.known(filter.kind, "filters[\(index)].kind", required: true, into: &found)
            if let rating = filter.criteria?.minRating {
                if !(0...5).contains(rating) {
                    found.append(InvalidField(field: "filters[\(index)].criteria.min_rating", rule: .notAllowed, description: "must be 0.0 to 5.0"))
                } else if rating > 0 && filter.kind != .provider {
                    found.append(InvalidField(field: "filters[\(index)].criteria.min_rating", rule: .notAllowed, description: "only providers are rated"))
                }
            }
        }
        if request.filters.count > 10 {
            found.append(InvalidField(field: "filters", rule: .tooLong, description: "must have at most 10 entries"))
        }
        filters = request.filters
        durationMinutes = Int(request.durationMinutes)
        nights = Int(request.nights)
        seats = request.seats == 0 ? 1 : Int(request.seats)
        if request.seats > 10_000 {
            found.append(InvalidField(field: "seats", rule: .notAllowed, description: "must be at most 10000"))
        }
        if request.displayTimeZone.isEmpty {
            display = nil
        } else {
            let violations = TimeZoneName.violations(of: request.displayTimeZone, field: "display_time_zone")
            found += violations
            display = violations.isEmpty ? ZoneClock(identifier: request.displayTimeZone) : nil
        }
        pageSize = PageToken.pageSize(request.pageSize, default: 100, maximum: 1000)
        digest = SlotCursor.digest(of: request)
        var cursor: Int64?
        if paged {
            do { cursor = try SlotCursor.decode(request.pageToken, search: SlotCursor.digest(of: request)) } catch let failure as ValidationFailure {
                found += failure.violations
            }
        }
        self.cursor = cursor
        try found.throwIfAny()
    }
}

/// A search resolved against the database: the template, the location,
/// the service's shape and the bookables that may fill each requirement.
struct SearchPlan {
    let template: CatalogV1.ServiceTemplate
    let location: CatalogV1.Location
    let clock: ZoneClock
    let hours: WeeklyHours
    let shape: ServiceShape
    /// Per required bookable of the template: the qualifying bookables.
    let requirements: [(count: Int, kind: CatalogV1.BookableKind, bookables: [CatalogV1.Bookable])]
    let seats: Int
    let display: ZoneClock?
    /// Where calendars are kept decoded between calls (nil: read every time).
    var cache: ReferenceCache? = nil

    /// Any signed-in user may search an organization's offering (its
    /// active templates at its active locations): clients book what they
    /// find. A service token searches only its own organization.
    static func resolve(_ db: Database, _ caller: Principal, _ query: SearchQuery, cache: ReferenceCache?) throws -> SearchPlan {
        let (organization, _) = try IdentityDirectory.organization(db, caller, id: query.organizationID, cache: cache)
        return try resolve(db, organizationID: organization.id, query, cache: cache)
    }

    /// The plan for an organization whose access the caller already has;
    /// with a `cache`, built once per organization epoch for each template,
    /// location, bookables and length asked for (filters: every time).
    static func resolve(_ db: Database, organizationID: UUID, _ query: SearchQuery, cache: ReferenceCache?) throws -> SearchPlan {
        guard let cache, query.filters.isEmpty else { return try build(db, organizationID: organizationID, query) }
        let key = ["search-plan", query.templateID.lowercasedString, query.locationID?.lowercasedString ?? "",
                   query.bookableIDs.map(\.lowercasedString).joined(separator: ","), "\(query.durationMinutes)", "\(query.nights)", "\(query.seats)"]
            .joined(separator: "|")
        let plan = try cache.value(db, organizationID: organizationID.lowercasedString, key: key, weight: { 1 + $0.requirements.reduce(0) { $0 + $1.bookables.count } }) {
            try build($0, organizationID: organizationID, query)
        }
        return SearchPlan(template: plan.template, location: plan.location, clock: plan.clock, hours: plan.hours, shape: plan.shape,
                          requirements: plan.requirements, seats: query.seats, display: query.display, cache: cache)
    }

    private static func build(_ db: Database, organizationID: UUID, _ query: SearchQuery) throws -> SearchPlan {
        guard let template = try CatalogDirectory.template(db, organizationID: organizationID, id: query.templateID) else {
            throw ContextStatus.notFound("service template", query.templateID.lowercasedString)
        }
        guard template.status == .active else {
            throw ContextStatus.failedPrecondition("the service template is \(template.status.columnValue); only active templates can be booked")
        }
        let locationID: UUID
        if let templateLocation = UUID(uuidString: template.locationId) {
            if let asked = query.locationID, asked != templateLocation {
                throw ValidationFailure([InvalidField(field: "location_id", rule: .conflict,
                                                      description: "the template is offered only at location \(template.locationId)")])
            }
            locationID = templateLocation
        } else {
            guard let asked = query.locationID else {
                throw ValidationFailure([InvalidField(field: "location_id", rule: .required,
                                                      description: "is required: the template is offered at every location")])
            }
            locationID = asked
        }
        guard let location = try CatalogDirectory.location(db, organizationID: organizationID, id: locationID) else {
            throw ContextStatus.notFound("location", locationID.lowercasedString)
        }
        guard location.status == .active || location.status == .unspecified else {
            throw ContextStatus.failedPrecondition("the location is \(location.status.columnValue)")
        }
        guard let clock = ZoneClock(identifier: location.timeZone) else { throw ContextStatus.unvalidated }
        let shape = try Self.shape(of: template, query)

        let kinds = Set(template.requiredBookables.map(\.kind))
        try query.filters.enumerated().filter { !kinds.contains($0.element.kind) }.map {
            InvalidField(field: "filters[\($0.offset)].kind", rule: .notAllowed,
                         description: "the template requires no \($0.element.kind.columnValue) (it requires: \(kinds.map(\.columnValue).sorted().joined(separator: ", ")))")
        }.throwIfAny()
        let pool = try Self.pool(db, organizationID: organizationID, locationID: locationID, kinds: kinds, named: query.bookableIDs)
        let listed = Set(query.bookableIDs.map(\.lowercasedString))
        var used = Set<String>()
        let requirements = template.requiredBookables.map { requirement in
            let extra = query.filters.filter { $0.kind == requirement.kind }.compactMap(\.criteria)
            var qualifying = pool.filter { Qualification.qualifies($0, for: requirement, extra: extra) }
            let chosen = qualifying.filter { listed.contains($0.id) }
            if !chosen.isEmpty || pool.contains(where: { listed.contains($0.id) && $0.kind == requirement.kind }) {
                qualifying = chosen
            }
            used.formUnion(chosen.map(\.id))
            return (count: max(1, Int(requirement.count)), kind: requirement.kind, bookables: qualifying)
        }
        let strays = query.bookableIDs.enumerated().filter { !used.contains($0.element.lowercasedString) }
        try strays.map {
            InvalidField(field: "bookable_ids[\($0.offset)]", rule: .notAllowed,
                         description: "is not a bookable at this location that qualifies for one of the template's requirements")
        }.throwIfAny()
        var (hours, _) = WeeklyHours.parse(location.operatingHours, field: "operating_hours")
        if location.operatingHours == nil { hours = WeeklyHours() }
        return SearchPlan(template: template, location: location, clock: clock, hours: hours, shape: shape, requirements: requirements,
                          seats: query.seats, display: query.display)
    }

    /// The bookables that may fill the template's requirements: when the
    /// request names, for every kind the template needs, bookables that
    /// work at the location, those alone (a requirement draws only on the
    /// named ones of its kind anyway), read by id; otherwise every live
    /// bookable working there. A booking names its bookables when it
    /// converts a hold or is moved, and reading the whole organization's
    /// providers was a third of its time.
    private static func pool(
        _ db: Database, organizationID: UUID, locationID: UUID, kinds: Set<CatalogV1.BookableKind>, named ids: [UUID]
    ) throws -> [CatalogV1.Bookable] {
        if !ids.isEmpty {
            let location = locationID.lowercasedString
            var named: [CatalogV1.Bookable] = []
            for id in Set(ids) {
                guard let bookable = try CatalogDirectory.bookable(db, organizationID: organizationID, id: id),
                      bookable.locationId == location || bookable.provider?.locationIds.contains(location) == true
                else { named = []; break }
                named.append(bookable)
            }
            if !named.isEmpty, Set(named.map(\.kind)) == kinds { return named.sorted { $0.id < $1.id } }
        }
        return try CatalogDirectory.bookables(db, organizationID: organizationID, workingAt: locationID, kinds: kinds)
    }

    /// The service's length from the template and what the query chose.
    private static func shape(of template: CatalogV1.ServiceTemplate, _ query: SearchQuery) throws -> ServiceShape {
        let duration = template.duration ?? CatalogV1.ServiceDuration()
        let length: ServiceShape.Length
        switch duration.type {
        case .variable:
            let (minimum, maximum, step) = (Int(duration.minMinutes), Int(duration.maxMinutes), max(1, Int(duration.intervalMinutes)))
            let chosen = query.durationMinutes == 0 ? minimum : query.durationMinutes
            guard chosen >= minimum, chosen <= maximum, (chosen - minimum) % step == 0 else {
                throw ValidationFailure([InvalidField(field: "duration_minutes", rule: .notAllowed,
                                                      description: "must be \(minimum) to \(maximum) minutes in steps of \(step) (the template's variable duration)")])
            }
            length = .minutes(chosen)
        case .multiDay:
            let chosen = query.nights == 0 ? Int(duration.minNights) : query.nights
            guard chosen >= Int(duration.minNights), chosen <= Int(duration.maxNights) else {
                throw ValidationFailure([InvalidField(field: "nights", rule: .notAllowed,
                                                      description: "must be \(duration.minNights) to \(duration.maxNights) (the template's stay)")])
            }
            length = .nights(chosen)
        default:
            length = .minutes(Int(duration.fixedMinutes))
        }
        if duration.type != .variable && query.durationMinutes != 0 {
            throw ValidationFailure([InvalidField(field: "duration_minutes", rule: .notAllowed, description: "only a variable-length service takes a duration")])
        }
        if duration.type != .multiDay && query.nights != 0 {
            throw ValidationFailure([InvalidField(field: "nights", rule: .notAllowed, description: "only a multi-day service takes nights")])
        }
        let group = template.capacity?.type == .group ? template.capacity?.group.map { Int($0.maxParticipants) } : nil
        if group == nil && query.seats > 1 {
            throw ValidationFailure([InvalidField(field: "seats", rule: .notAllowed, description: "only a group class has seats")])
        }
        if let group, query.seats > group {
            throw ValidationFailure([InvalidField(field: "seats", rule: .notAllowed, description: "must be at most \(group): the class's seats")])
        }
        return ServiceShape(length: length, preBuffer: Int64(duration.preBufferMinutes) * 60, postBuffer: Int64(duration.postBufferMinutes) * 60,
                            templateID: template.id, groupSeats: group)
    }

    /// The slots of local days `from` through `through`.
    /// `excluding`: references whose reservations do not count;
    /// `minimumAdvanceWaived`: a walk-in.
    func slots(
        _ db: Database, from: CalendarDate, through: CalendarDate, now: Int64, excluding: Set<String> = [], minimumAdvanceWaived: Bool = false
    ) throws -> [Slot] {
        let nights: Int = if case .nights(let count) = shape.length { count } else { 0 }
        guard let span = Interval(clock.resolve(from.adding(days: -2), minute: 0).earliest,
                                  clock.resolve(through.adding(days: 3 + nights), minute: 0).earliest) else { return [] }
        var byID: [String: CatalogV1.Bookable] = [:]
        for requirement in requirements {
            for bookable in requirement.bookables { byID[bookable.id] = bookable }
        }
        let times = try BookableTimeLoader.load(db, bookables: byID.values.sorted { $0.id < $1.id }, span: span, excluding: excluding, cache: cache)
        let timeByID = Dictionary(uniqueKeysWithValues: times.map { ($0.id, $0) })
        let search = AvailabilitySearch(
            location: WorkingTime(weekly: hours, clock: clock), from: from, through: through, now: now, service: shape,
            requirements: requirements.map { Requirement(count: $0.count, bookables: $0.bookables.compactMap { timeByID[$0.id] }) },
            seatsWanted: seats, minimumAdvanceWaived: minimumAdvanceWaived)
        return search.slots()
    }

    func present(_ slot: Slot) -> SchedulingV1.AvailableSlot {
        var presented = SchedulingV1.AvailableSlot(
            startTime: Date(timeIntervalSince1970: TimeInterval(slot.interval.start)), endTime: Date(timeIntervalSince1970: TimeInterval(slot.interval.end)),
            localStart: clock.iso8601(at: slot.interval.start), localEnd: clock.iso8601(at: slot.interval.end))
        if let display {
            presented.displayStart = display.iso8601(at: slot.interval.start)
            presented.displayEnd = display.iso8601(at: slot.interval.end)
        }
        presented.assignments = zip(requirements.indices, slot.assignments).map { index, ids in
            SchedulingV1.Assignment(requirementIndex: UInt32(index), kind: requirements[index].kind, bookableIds: ids)
        }
        presented.seatsLeft = slot.seatsLeft.map { UInt32($0) }
        presented.premium = slot.premiumBasisPoints != nil
        let multiplier = (slot.premiumBasisPoints ?? 10_000) * (slot.pricingBasisPoints ?? 10_000) / 10_000
        presented.priceMultiplierBasisPoints = UInt32(multiplier)
        return presented
    }
}

/// A check request, checked.
struct IntervalQuery: Sendable {
    let organizationID: UUID
    let bookableIDs: [UUID]
    let locationID: UUID?
    let service: Interval
    let preBuffer: Int64
    let postBuffer: Int64
    let stay: Bool

    init(_ request: SchedulingV1.CheckIntervalRequest) throws {
        var found: [InvalidField] = []
        organizationID = FieldRules.id(request.organizationId, "organization_id", required: true, into: &found) ?? UUID()
        bookableIDs = FieldRules.ids(request.bookableIds, "bookable_ids", maximum: 20, into: &found)
        locationID = FieldRules.id(request.locationId, "location_id", required: false, into: &found)
        if request.bookableIds.isEmpty { found.append(InvalidField(field: "bookable_ids", rule: .required, description: "names 1 to 20 bookables")) }
        if request.startTime == nil { found.append(InvalidField(field: "start_time", rule: .required, description: "is required")) }
        if request.endTime == nil { found.append(InvalidField(field: "end_time", rule: .required, description: "is required")) }
        let start = Int64((request.startTime?.timeIntervalSince1970 ?? 0).rounded(.down))
        let end = Int64((request.endTime?.timeIntervalSince1970 ?? 0).rounded(.up))
        if request.startTime != nil, request.endTime != nil {
            if end <= start {
                found.append(InvalidField(field: "end_time", rule: .notAllowed, description: "must be after start_time"))
            } else if end - start > CalendarRules.longestBlock {
                found.append(InvalidField(field: "end_time", rule: .notAllowed, description: "must be at most 366 days after start_time"))
            }
        }
        FieldRules.within(request.preBufferMinutes, 0...1440, "pre_buffer_minutes", unit: "minutes", into: &found)
        FieldRules.within(request.postBufferMinutes, 0...1440, "post_buffer_minutes", unit: "minutes", into: &found)
        try found.throwIfAny()
        service = Interval(start, end)!
        preBuffer = Int64(request.preBufferMinutes) * 60
        postBuffer = Int64(request.postBufferMinutes) * 60
        stay = request.stay
    }
}

/// A search's cursor: the last slot's start, and a digest of the search it
/// belongs to (the request without its page fields), so a token sent with
/// another search is refused rather than read against it.
enum SlotCursor {
    static func encode(_ start: Int64, search: UInt64) -> String {
        Data("s2:\(start):\(String(search, radix: 16))".utf8).base64EncodedString()
    }

    static func decode(_ token: String, search: UInt64) throws -> Int64? {
        if token.isEmpty { return nil }
        let malformed = ValidationFailure([InvalidField(field: "page_token", rule: .malformed, description: "is not a token this search returned")])
        guard token.utf8.count <= 96, let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { throw malformed }
        let parts = text.split(separator: ":")
        guard parts.count == 3, parts[0] == "s2", let start = Int64(parts[1]), let digest = UInt64(parts[2], radix: 16) else { throw malformed }
        guard digest == search else {
            throw ValidationFailure([InvalidField(field: "page_token", rule: .conflict,
                                                  description: "belongs to another search: send it with the same request that returned it")])
        }
        return start
    }

    /// The digest of a search request without its page fields (FNV-1a over its protobuf bytes).
    static func digest(of request: SchedulingV1.SearchAvailabilityRequest) -> UInt64 {
        var search = request
        search.pageToken = ""
        search.pageSize = 0
        return PageToken.digest(of: (try? ProtobufEncoder().encode(search)) ?? [])
    }
}
