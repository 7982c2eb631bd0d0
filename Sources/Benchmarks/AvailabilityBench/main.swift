// The availability benchmark (scripts/bench availability): a location with
// providers and rooms, bookings through the month, a service needing one
// provider and one room; a 30-day search through a real server over its
// socket, timed at the client. Run at the size and at ten times the
// bookables (and bookings), to show how the time grows.

import BizingAPI
import BizingClient
import BizingRPC
import BizingServer
import BizingStore
import BizingWire
import Catalog
import Foundation
import Identity
import Scheduling

struct Size {
    let providers: Int
    let rooms: Int
    let bookings: Int
}

struct Options {
    var calls = 200
    var warmup = 20
    var providers = 20
    var rooms = 5
    var bookings = 1000
    var scale = 10

    init(_ arguments: [String]) {
        var rest = arguments.makeIterator()
        while let flag = rest.next() {
            guard let value = rest.next().flatMap(Int.init) else { fail("\(flag) needs a number") }
            switch flag {
            case "--calls": calls = value
            case "--warmup": warmup = value
            case "--providers": providers = value
            case "--rooms": rooms = value
            case "--bookings": bookings = value
            case "--scale": scale = value
            default: fail("unknown argument \(flag) (--calls --warmup --providers --rooms --bookings --scale)")
            }
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bizing-availability-bench: \(message)\n".utf8))
    exit(1)
}

/// Sorted microsecond samples.
struct Samples {
    var values: [Double] = []
    mutating func add(_ duration: Duration) {
        values.append(Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12)
    }
    func percentile(_ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
    }
}

struct Measured {
    let size: Size
    let slots: Int
    let daysWithSlots: Int
    let stream: Samples
    let page: Samples
}

/// Seeds a fresh server's database, then times searches through its socket.
func measure(_ size: Size, options: Options) async throws -> Measured {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-availability-bench-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var configuration = ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 2)
    configuration.synchronous = .normal
    let server = try await BizingServer.start(configuration)
    let store = try BizingStore.open(path: configuration.databasePath, synchronous: .normal)

    // The organization, its location (New York, 08:00-20:00 every day), the bookables and the service.
    let identity = IdentityStore(store)
    let owner = NewUser(email: try EmailAddress("owner@bench.example"), name: "Bench Owner", phone: nil, passwordHash: nil)
    let booted = try await identity.bootstrap(
        owner: owner, organization: try NewOrganization(slug: "bench", name: "Bench", timeZone: "America/New_York", currency: "USD"))
    let organizationID = booted.organization.id
    let catalog = CatalogProvisioning(store)
    let everyDay = CatalogV1.WeeklyHours(days: Weekday.allCases.map {
        CatalogV1.DayHours(day: CatalogV1.DayOfWeek(protobufValue: Int32($0.rawValue)), ranges: [CatalogV1.TimeRange(start: "08:00", end: "20:00")])
    })
    let location = try await catalog.location(CatalogV1.Location(
        slug: "bench", name: "Bench", type: .virtual, timeZone: "America/New_York", operatingHours: everyDay), organizationID: organizationID)
    var providers: [CatalogV1.Bookable] = []
    for index in 0..<size.providers {
        providers.append(try await catalog.bookable(CatalogV1.Bookable(
            locationId: location.id, kind: .provider, name: "Provider \(index)", slug: "provider-\(index)", tags: ["massage"],
            provider: CatalogV1.ProviderDetails(email: "p\(index)@bench.example")), organizationID: organizationID))
    }
    var rooms: [CatalogV1.Bookable] = []
    for index in 0..<size.rooms {
        rooms.append(try await catalog.bookable(CatalogV1.Bookable(
            locationId: location.id, kind: .venue, name: "Room \(index)", slug: "room-\(index)", category: "treatment-room",
            venue: CatalogV1.VenueDetails(capacityMax: 1, setupMinutes: 5, teardownMinutes: 5)), organizationID: organizationID))
    }
    let template = try await catalog.activate(try await catalog.serviceTemplate(CatalogV1.ServiceTemplate(
        locationId: location.id, name: "Massage", slug: "massage", type: .appointment,
        duration: CatalogV1.ServiceDuration(type: .fixed, fixedMinutes: 60, postBufferMinutes: 15),
        requiredBookables: [
            CatalogV1.BookableRequirement(kind: .provider, criteria: CatalogV1.BookableCriteria(tags: ["massage"])),
            CatalogV1.BookableRequirement(kind: .venue, criteria: CatalogV1.BookableCriteria(categories: ["treatment-room"])),
        ],
        pricing: CatalogV1.Pricing(basePrice: CatalogV1.Money(amountMinor: 10_000, currency: "USD"))), organizationID: organizationID))

    // Bookings through the next 30 days, each a random provider and room at
    // one of a day's eight 90-minute places (a room's booking with its buffer,
    // setup and teardown takes 85), kept only when the ledger's check finds
    // them free: 1,000 bookings fill about 80% of 5 rooms' month.
    let now = Int64(Date().timeIntervalSince1970)
    let clock = ZoneClock(identifier: "America/New_York")!
    let today = clock.wallClock(at: now).date
    var random = SystemRandomNumberGenerator()
    var placed = 0
    var attempts = 0
    while placed < size.bookings {
        attempts += 1
        if attempts > size.bookings * 50 { fail("could only place \(placed) bookings") }
        let day = today.adding(days: Int.random(in: 1...30, using: &random))
        let start = clock.resolve(day, minute: 8 * 60 + 90 * Int.random(in: 0..<8, using: &random)).earliest
        let service = Interval(start, start + 3600)!
        let provider = providers.randomElement(using: &random)!
        let room = rooms.randomElement(using: &random)!
        let reference = store.ids.next().lowercasedString
        let ok = try await store.write { db in
            let ids = [provider.id, room.id].compactMap(UUID.init(uuidString:))
            guard try SchedulingLedger().conflicts(db, organizationID: organizationID, bookableIDs: ids, service: service,
                                                  preBuffer: 0, postBuffer: 900, now: now).isEmpty
            else { return false }
            try SchedulingLedger().reserve(db, organizationID: organizationID, [provider.id, room.id].map {
                ReservedTime(bookableID: $0, kind: .booking, referenceID: reference, templateID: template.id, service: service,
                             busy: service.padded(before: 0, after: 900))
            }, ids: store.ids, now: Date())
            return true
        }
        if ok { placed += 1 }
    }

    let connection = try await RPCClient.connect(socketPath: configuration.socketPath)
    let availability = SchedulingV1.Availability.Client(connection)
    let metadata = [MetadataEntry(key: "authorization", value: "Bearer \(booted.token)")]
    // Providers offer a start every 15 minutes (the grid of the first requirement's calendars).
    let calendars = SchedulingV1.Calendars.Client(connection)
    for provider in providers {
        _ = try await calendars.update(SchedulingV1.UpdateCalendarRequest(
            organizationId: organizationID.lowercasedString, bookableId: provider.id,
            calendar: SchedulingV1.Calendar(slotIntervalMinutes: 15), updateMask: ["slot_interval_minutes"]), metadata: metadata)
    }
    let request = SchedulingV1.SearchAvailabilityRequest(
        organizationId: organizationID.lowercasedString, serviceTemplateId: template.id, locationId: location.id,
        fromDate: today.adding(days: 1).text, toDate: today.adding(days: 30).text)
    var stream = Samples()
    var slots = 0
    var days = 0
    for call in 0..<(options.warmup + options.calls) {
        let began = ContinuousClock.now
        var count = 0
        var dayCount = 0
        for try await day in try await availability.streamAvailability(request, metadata: metadata) {
            count += day.slots.count
            dayCount += 1
        }
        if call >= options.warmup { stream.add(ContinuousClock.now - began) }
        (slots, days) = (count, dayCount)
    }
    var page = Samples()
    var paged = request
    paged.pageSize = 100
    for call in 0..<(options.warmup + options.calls) {
        let began = ContinuousClock.now
        let answer = try await availability.searchAvailability(paged, metadata: metadata)
        if call >= options.warmup { page.add(ContinuousClock.now - began) }
        if answer.slots.count != min(100, slots) { fail("a first page of \(answer.slots.count) slots, expected \(min(100, slots))") }
    }
    try await connection.close()
    try await server.stop()
    return Measured(size: size, slots: slots, daysWithSlots: days, stream: stream, page: page)
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let base = Size(providers: options.providers, rooms: options.rooms, bookings: options.bookings)
let scaled = Size(providers: options.providers * options.scale, rooms: options.rooms * options.scale, bookings: options.bookings * options.scale)
print("availability: a 30-day search (StreamAvailability, every slot) and a first page (SearchAvailability, 100 slots),")
print("through bizingd's socket, timed at the client; \(options.calls) calls each after \(options.warmup) warm-up calls.")
print("The service needs a provider (tag massage) and a room; 60 minutes + 15 buffer; rooms have 5+5 setup/teardown;")
print("providers' calendars start a slot every 15 minutes, 08:00-20:00, New York.\n")
var results: [Measured] = []
for size in [base, scaled] {
    let result = try await measure(size, options: options)
    results.append(result)
    func ms(_ value: Double) -> String { String(format: "%.2f ms", value / 1000) }
    print("\(size.providers) providers, \(size.rooms) rooms, \(size.bookings) bookings: \(result.slots) slots on \(result.daysWithSlots) days")
    print("  30-day search  p50 \(ms(result.stream.percentile(0.5)))  p99 \(ms(result.stream.percentile(0.99)))")
    print("  first page     p50 \(ms(result.page.percentile(0.5)))  p99 \(ms(result.page.percentile(0.99)))")
}
let ratio = results[1].stream.percentile(0.5) / results[0].stream.percentile(0.5)
print(String(format: "\n%dx the bookables: %.1fx the 30-day search's p50 (target: at most 12x)", options.scale, ratio))
print("targets at the issue's size: p50 <= 20 ms, p99 <= 50 ms (30-day search)")
