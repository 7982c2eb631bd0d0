// The booking benchmark (scripts/bench booking): Bookings.Create through a
// real server over its socket, 64 calls in flight on distinct free slots,
// timed at the client; and under it the floor, plain one-row SQLite commits
// on the same disk with the same settings (WAL, synchronous=FULL), since
// every booking is one IMMEDIATE transaction and so one synced commit.
//
// The seed: one organization, one location (New York, 08:00-20:00 every
// day), per client its own provider and room, and a service needing a
// provider and a room (50 minutes + 10 after, one start an hour). Each
// client books its own provider and room (bookable_ids), at its next start,
// so no two clients ever ask for the same bookable and every call must
// succeed: a failure means the server (or this benchmark) is wrong.
// Afterwards SQL checks that no two booking reservations of one bookable
// overlap and that the rows written match the bookings answered.

import BizingAPI
import BizingClient
import BizingRPC
import BizingServer
import BizingStore
import BizingWire
import Catalog
import Foundation
import GRDB
import Identity
import Scheduling

struct Options {
    var clients = 64
    var connections = 8
    var seconds = 10.0
    var warmup = 2.0
    var floorSeconds = 5.0
    var modes: [SynchronousMode] = [.full, .normal]
    /// fill: a client books its days one after the other, each day full (12 starts);
    /// spread: its k-th booking goes to the k-th day, round the year.
    var order = "fill"
    var rooms = true
    var idempotencyKeys = false
    /// Where the temporary folder goes (the server's database and the floor's).
    var folder = FileManager.default.temporaryDirectory.path
    var floor = true

    init(_ arguments: [String]) {
        var rest = arguments.makeIterator()
        func value(_ flag: String) -> String {
            guard let value = rest.next() else { fail("\(flag) needs a value") }
            return value
        }
        func number(_ flag: String) -> Double {
            guard let number = Double(value(flag)), number > 0 else { fail("\(flag) needs a positive number") }
            return number
        }
        while let flag = rest.next() {
            switch flag {
            case "--clients": clients = Int(number(flag))
            case "--connections": connections = Int(number(flag))
            case "--seconds": seconds = number(flag)
            case "--warmup": warmup = number(flag)
            case "--floor-seconds": floorSeconds = number(flag)
            case "--synchronous":
                modes = value(flag).split(separator: ",").map {
                    guard let mode = SynchronousMode(rawValue: String($0)) else { fail("--synchronous takes full, normal or full,normal") }
                    return mode
                }
            case "--order":
                order = value(flag)
                guard ["fill", "spread"].contains(order) else { fail("--order takes fill or spread") }
            case "--no-rooms": rooms = false
            case "--idempotency-keys": idempotencyKeys = true
            case "--folder": folder = value(flag)
            case "--no-floor": floor = false
            case "--no-bookings": modes = []
            default:
                fail("unknown argument \(flag) (--clients --connections --seconds --warmup --floor-seconds --synchronous full,normal "
                     + "--order fill|spread --no-rooms --idempotency-keys --folder PATH --no-floor --no-bookings)")
            }
        }
        if connections > clients { connections = clients }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bizing-booking-bench: \(message)\n".utf8))
    exit(1)
}

func note(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

func micros(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
}

func inSeconds(_ duration: Duration) -> Double { micros(duration) / 1e6 }

/// Microsecond samples.
struct Samples {
    var values: [Double] = []
    mutating func add(_ value: Double) { values.append(value) }
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
    }
}

/// This process's CPU time (user + system), seconds: the server runs in it too.
func processCPU() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

// MARK: The bookings

struct BookingRun {
    let mode: SynchronousMode
    let measuredBookings: Int
    let measuredSeconds: Double
    let latency: Samples
    let succeeded: Int
    let failed: [String: Int]
    let exhausted: Int
    let cpuMicrosPerBooking: Double
    let problems: [String]
    var rate: Double { Double(measuredBookings) / measuredSeconds }
}

/// What one client did.
struct ClientResult: Sendable {
    var succeeded = 0
    var failed: [String: Int] = [:]
    var exhausted = false
    /// (completed, seconds after the start; latency, µs) of each success.
    var calls: [(end: Double, micros: Double, start: Double)] = []
}

func runBookings(_ mode: SynchronousMode, options: Options) async throws -> BookingRun {
    let folder = URL(fileURLWithPath: options.folder).appendingPathComponent("bizing-booking-bench-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var configuration = ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path,
                                            databasePath: folder.appendingPathComponent("bizing.sqlite").path)
    configuration.synchronous = mode  // explicit: .full is the server's default
    let server = try await BizingServer.start(configuration)
    let store = try BizingStore.open(path: configuration.databasePath, synchronous: mode)

    // The organization, its location, a provider and a room per client, the service.
    note("booking (\(mode.rawValue)): seeding \(options.clients) providers\(options.rooms ? " and rooms" : "") ...")
    let identity = IdentityStore(store)
    let owner = NewUser(email: try EmailAddress("owner@bench.example"), name: "Bench Owner", phone: nil, passwordHash: nil)
    let booted = try await identity.bootstrap(
        owner: owner, organization: try NewOrganization(slug: "bench", name: "Bench", timeZone: "America/New_York", currency: "USD"))
    let organizationID = booted.organization.id
    let catalog = CatalogProvisioning(store)
    let scheduling = SchedulingProvisioning(store)
    let everyDay = CatalogV1.WeeklyHours(days: Weekday.allCases.map {
        CatalogV1.DayHours(day: CatalogV1.DayOfWeek(protobufValue: Int32($0.rawValue)), ranges: [CatalogV1.TimeRange(start: "08:00", end: "20:00")])
    })
    let location = try await catalog.location(CatalogV1.Location(
        slug: "bench", name: "Bench", type: .virtual, timeZone: "America/New_York", operatingHours: everyDay), organizationID: organizationID)
    // One start an hour, bookable up to a year ahead.
    let calendar = SchedulingV1.Calendar(slotIntervalMinutes: 60, maxAdvanceDays: 365)
    var owned: [[String]] = []
    for index in 0..<options.clients {
        let provider = try await catalog.bookable(CatalogV1.Bookable(
            locationId: location.id, kind: .provider, name: "Provider \(index)", slug: "provider-\(index)", tags: ["bench"],
            provider: CatalogV1.ProviderDetails(email: "p\(index)@bench.example")), organizationID: organizationID)
        var ids = [provider.id]
        if options.rooms {
            let room = try await catalog.bookable(CatalogV1.Bookable(
                locationId: location.id, kind: .venue, name: "Room \(index)", slug: "room-\(index)", category: "bench-room",
                venue: CatalogV1.VenueDetails(capacityMax: 1)), organizationID: organizationID)
            ids.append(room.id)
        }
        for id in ids {
            try await scheduling.settings(calendar, organizationID: organizationID, bookableID: UUID(uuidString: id)!)
        }
        owned.append(ids)
    }
    var requirements = [CatalogV1.BookableRequirement(kind: .provider, criteria: CatalogV1.BookableCriteria(tags: ["bench"]))]
    if options.rooms {
        requirements.append(CatalogV1.BookableRequirement(kind: .venue, criteria: CatalogV1.BookableCriteria(categories: ["bench-room"])))
    }
    let template = try await catalog.activate(try await catalog.serviceTemplate(CatalogV1.ServiceTemplate(
        locationId: location.id, name: "Session", slug: "session", type: .appointment,
        duration: CatalogV1.ServiceDuration(type: .fixed, fixedMinutes: 50, postBufferMinutes: 10),
        requiredBookables: requirements,
        pricing: CatalogV1.Pricing(basePrice: CatalogV1.Money(amountMinor: 5_000, currency: "USD"))), organizationID: organizationID))

    // The starts: 08:00 to 19:00 every day from tomorrow, for 360 days.
    let clock = ZoneClock(identifier: "America/New_York")!
    let today = clock.wallClock(at: Int64(Date().timeIntervalSince1970)).date
    let days = 360
    let perDay = 12
    let capacity = days * perDay
    let fill = options.order == "fill"
    @Sendable func start(_ booking: Int) -> Int64 {
        let (day, hour) = fill ? (booking / perDay, booking % perDay) : (booking % days, booking / days)
        return clock.resolve(today.adding(days: 1 + day), minute: (8 + hour) * 60).earliest
    }

    var connections: [RPCClient] = []
    for _ in 0..<options.connections { connections.append(try await RPCClient.connect(socketPath: configuration.socketPath)) }
    let metadata = [MetadataEntry(key: "authorization", value: "Bearer \(booted.token)")]
    let organization = organizationID.lowercasedString
    let templateID = template.id
    let locationID = location.id
    let idempotencyKeys = options.idempotencyKeys
    let began = ContinuousClock.now
    let measureFrom = options.warmup
    let stopAt = began + .milliseconds(Int64((options.warmup + options.seconds) * 1000))
    note("booking (\(mode.rawValue)): \(options.clients) clients on \(options.connections) connections, "
         + "\(options.warmup) s warm-up + \(options.seconds) s ...")
    let cpuBefore = processCPU()
    let results = try await withThrowingTaskGroup(of: ClientResult.self) { group in
        for client in 0..<options.clients {
            let bookings = BookingV1.Bookings.Client(connections[client % connections.count])
            let ids = owned[client]
            group.addTask {
                var result = ClientResult()
                var next = 0
                while ContinuousClock.now < stopAt {
                    guard next < capacity else {
                        result.exhausted = true
                        break
                    }
                    let at = start(next)
                    next += 1
                    let request = BookingV1.CreateBookingRequest(
                        organizationId: organization,
                        slot: BookingV1.SlotChoice(serviceTemplateId: templateID, locationId: locationID,
                                                   startTime: Date(timeIntervalSince1970: TimeInterval(at)), bookableIds: ids),
                        participants: [BookingV1.Participant(name: "Client \(client)", email: "client-\(client)@bench.example")],
                        source: .api)
                    var headers = metadata
                    if idempotencyKeys { headers.append(MetadataEntry(key: "idempotency-key", value: "bench-\(client)-\(next)")) }
                    let t0 = ContinuousClock.now
                    do {
                        let booking = try await bookings.create(request, metadata: headers)
                        let t1 = ContinuousClock.now
                        let assigned = Set(booking.assignedBookables.map(\.bookableId))
                        guard booking.status == .confirmed, assigned == Set(ids),
                              booking.startTime.map({ Int64($0.timeIntervalSince1970) }) == at
                        else {
                            result.failed["answered a wrong booking (status \(booking.status), bookables \(assigned.sorted()))", default: 0] += 1
                            continue
                        }
                        result.succeeded += 1
                        let end = inSeconds(t1 - began)
                        result.calls.append((end: end, micros: micros(t1 - t0), start: inSeconds(t0 - began)))
                    } catch let status as RPCStatus {
                        result.failed["\(status.code): \(status.message)", default: 0] += 1
                    } catch {
                        result.failed["\(error)", default: 0] += 1
                    }
                }
                return result
            }
        }
        var all: [ClientResult] = []
        for try await result in group { all.append(result) }
        return all
    }
    let cpuAfter = processCPU()
    for connection in connections { try await connection.close() }
    try await server.stop()

    var latency = Samples()
    var measured = 0
    var lastEnd = 0.0
    var failed: [String: Int] = [:]
    var succeeded = 0
    for result in results {
        succeeded += result.succeeded
        for (reason, count) in result.failed { failed[reason, default: 0] += count }
        for call in result.calls {
            if call.end >= measureFrom {
                measured += 1
                lastEnd = max(lastEnd, call.end)
            }
            if call.start >= measureFrom { latency.add(call.micros) }
        }
    }
    let measuredSeconds = max(1e-9, lastEnd - measureFrom)
    // Warm-up included: CPU over every call made.
    let cpu = cpuAfter - cpuBefore
    let total = succeeded

    // The promise, checked on the rows: no bookable booked twice for one
    // moment, and exactly the rows of the bookings answered.
    let perBooking = options.rooms ? 2 : 1
    let problems: [String] = try await store.read { db in
        var problems: [String] = []
        func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? -1 }
        let bookings = try count("SELECT count(*) FROM bookings")
        if bookings != total { problems.append("\(bookings) bookings in the database, \(total) answered") }
        let reserved = try count("SELECT count(*) FROM reserved_times WHERE kind = 'booking'")
        if reserved != total * perBooking { problems.append("\(reserved) booking reservations, expected \(total * perBooking)") }
        let assigned = try count("SELECT count(*) FROM assigned_bookables")
        if assigned != total * perBooking { problems.append("\(assigned) assigned bookables, expected \(total * perBooking)") }
        let participants = try count("SELECT count(*) FROM booking_participants")
        if participants != total { problems.append("\(participants) participants, expected \(total)") }
        let orphans = try count("SELECT count(*) FROM reserved_times r WHERE kind = 'booking' AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.id = r.reference_id)")
        if orphans != 0 { problems.append("\(orphans) booking reservations of no booking") }
        // Sorted by start per bookable, each busy span must begin at or after
        // the latest end before it.
        let overlaps = try count("""
            SELECT count(*) FROM (
                SELECT busy_from, MAX(busy_until) OVER (PARTITION BY bookable_id ORDER BY busy_from, id
                                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
                FROM reserved_times WHERE kind = 'booking'
            ) WHERE before > busy_from
            """)
        if overlaps != 0 { problems.append("\(overlaps) booking reservations overlap another of the same bookable") }
        return problems
    }
    try store.close()
    return BookingRun(
        mode: mode, measuredBookings: measured, measuredSeconds: measuredSeconds, latency: latency, succeeded: succeeded, failed: failed,
        exhausted: results.filter(\.exhausted).count, cpuMicrosPerBooking: cpu * 1e6 / Double(max(1, total + failed.values.reduce(0, +))), problems: problems)
}

// MARK: The floor

struct FloorRun {
    let label: String
    let rate: Double
    let latency: Samples
}

/// A new floor database: BizingStore's own configuration (WAL, the
/// synchronous mode on the writer), one table. `warm`: its write-ahead log
/// is first grown past SQLite's checkpoint size (1,000 pages) and folded in
/// once, so that the measured commits write into a log of a steady size, as
/// a running server's do (while the log of a new database grows, a synced
/// commit also syncs the file's new size).
func floorStore(_ mode: SynchronousMode, folder: URL, warm: Bool = true) throws -> BizingStore {
    let path = folder.appendingPathComponent("floor-\(UUID().uuidString.prefix(8)).sqlite").path
    let store = try BizingStore.open(path: path, synchronous: mode)
    try store.pool.writeWithoutTransaction { db in
        try db.execute(sql: "CREATE TABLE floor (id INTEGER PRIMARY KEY, payload TEXT NOT NULL) STRICT")
        let synchronous = try Int.fetchOne(db, sql: "PRAGMA synchronous")
        guard synchronous == (mode == .full ? 2 : 1) else { fail("the floor's writer has synchronous = \(synchronous ?? -1)") }
        guard warm else { return }
        // About 1,200 pages in one transaction; its commit checkpoints them.
        try db.inTransaction(.immediate) {
            let insert = try db.makeStatement(sql: "INSERT INTO floor (payload) VALUES (?)")
            for _ in 0..<1200 { try insert.execute(arguments: [String(repeating: "w", count: 3000)]) }
            return .commit
        }
        // Folded in; the next commit starts the log again from its beginning.
        _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
        try db.execute(sql: "INSERT INTO floor (payload) VALUES ('restart')")
        let frames = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(NOOP)")
        let size = (try? FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int) ?? 0
        guard let frames, (frames[1] as Int? ?? 0) < 100, size > 4_000_000 else {
            fail("the floor's write-ahead log did not restart (\(frames?[1] as Int? ?? -1) frames, \(size) bytes)")
        }
    }
    return store
}

/// One writer, each one-row INSERT its own IMMEDIATE transaction, in a
/// tight loop on the writer connection: SQLite and the disk, nothing else.
/// `rowsPerCommit` > 1: that many rows in each transaction (what grouping
/// commits buys).
func floorCommits(_ mode: SynchronousMode, folder: URL, seconds: Double, rowsPerCommit: Int = 1) throws -> FloorRun {
    let store = try floorStore(mode, folder: folder, warm: true)
    defer { try? store.close() }
    let payload = String(repeating: "x", count: 200)
    let (commits, samples, elapsed) = try store.pool.writeWithoutTransaction { db in
        let insert = try db.makeStatement(sql: "INSERT INTO floor (payload) VALUES (?)")
        var samples = Samples()
        var commits = 0
        let began = ContinuousClock.now
        let stop = began + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < stop {
            let t0 = ContinuousClock.now
            try db.inTransaction(.immediate) {
                for _ in 0..<rowsPerCommit { try insert.execute(arguments: [payload]) }
                return .commit
            }
            samples.add(micros(ContinuousClock.now - t0))
            commits += 1
        }
        return (commits, samples, ContinuousClock.now - began)
    }
    let label = rowsPerCommit == 1 ? "floor: 1-row commits, 1 writer, \(mode.rawValue.uppercased())"
        : "floor: \(rowsPerCommit) rows a commit (rows/s), \(mode.rawValue.uppercased())"
    return FloorRun(label: label, rate: Double(commits * rowsPerCommit) / inSeconds(elapsed), latency: samples)
}

/// The same one-row commits through `BizingStore.write` (the server's path:
/// an async hop to GRDB's writer queue) with `inFlight` callers at once.
func floorStoreWrites(_ mode: SynchronousMode, folder: URL, seconds: Double, inFlight: Int) async throws -> FloorRun {
    let store = try floorStore(mode, folder: folder, warm: true)
    defer { try? store.close() }
    let payload = String(repeating: "x", count: 200)
    let began = ContinuousClock.now
    let stop = began + .milliseconds(Int64(seconds * 1000))
    let all = try await withThrowingTaskGroup(of: Samples.self) { group in
        for _ in 0..<inFlight {
            group.addTask {
                var samples = Samples()
                while ContinuousClock.now < stop {
                    let t0 = ContinuousClock.now
                    try await store.write { db in
                        try db.cachedStatement(sql: "INSERT INTO floor (payload) VALUES (?)").execute(arguments: [payload])
                    }
                    samples.add(micros(ContinuousClock.now - t0))
                }
                return samples
            }
        }
        var merged = Samples()
        for try await samples in group { merged.values += samples.values }
        return merged
    }
    let elapsed = ContinuousClock.now - began
    return FloorRun(label: "floor: store.write x\(inFlight) in flight, \(mode.rawValue.uppercased())",
                    rate: Double(all.values.count) / inSeconds(elapsed), latency: all)
}

/// The disk alone: a 4 KiB write then fdatasync, over and over (cycling
/// through 16 MiB, as a reused write-ahead log does): the cost of one synced
/// commit with no SQLite at all.
func floorFdatasync(folder: URL, seconds: Double) -> FloorRun {
    let path = folder.appendingPathComponent("fdatasync.bin").path
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { fail("cannot create \(path)") }
    defer { close(fd) }
    let page = [UInt8](repeating: 0x5a, count: 4096)
    let pages = 4096
    for index in 0..<pages { _ = page.withUnsafeBytes { pwrite(fd, $0.baseAddress, 4096, off_t(index * 4096)) } }
    fsync(fd)
    var samples = Samples()
    var index = 0
    let began = ContinuousClock.now
    let stop = began + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < stop {
        let t0 = ContinuousClock.now
        _ = page.withUnsafeBytes { pwrite(fd, $0.baseAddress, 4096, off_t(index * 4096)) }
        fdatasync(fd)
        samples.add(micros(ContinuousClock.now - t0))
        index = (index + 1) % pages
    }
    return FloorRun(label: "disk: 4 KiB pwrite + fdatasync", rate: Double(samples.values.count) / inSeconds(ContinuousClock.now - began), latency: samples)
}

// MARK: Main

let options = Options(Array(CommandLine.arguments.dropFirst()))
let loadBefore = loadAverage()
print("booking: Bookings.Create through bizingd's socket (the server in this process, \(ServerConfiguration.defaultThreads) event loop threads),")
print("\(options.clients) clients in flight on \(options.connections) connections (each connection multiplexing \(options.clients / options.connections) calls),")
print("each client booking its own provider\(options.rooms ? " and room" : "") at its next free start (\(options.order) order), as the owner's service token;")
print("\(options.warmup) s warm-up, then \(options.seconds) s measured; latency timed at the client. Folder: \(options.folder)")
print("\(ProcessInfo.processInfo.activeProcessorCount) cores; load average \(loadBefore) at the start.\n")

var floors: [FloorRun] = []
if options.floor {
    let folder = URL(fileURLWithPath: options.folder).appendingPathComponent("bizing-booking-bench-floor-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    note("floor: one-row commits, \(options.floorSeconds) s each ...")
    for mode in [SynchronousMode.full, .normal] {
        floors.append(try floorCommits(mode, folder: folder, seconds: options.floorSeconds))
    }
    floors.append(try await floorStoreWrites(.full, folder: folder, seconds: options.floorSeconds, inFlight: 1))
    if options.clients > 1 {
        floors.append(try await floorStoreWrites(.full, folder: folder, seconds: options.floorSeconds, inFlight: options.clients))
        floors.append(try floorCommits(.full, folder: folder, seconds: options.floorSeconds, rowsPerCommit: options.clients))
    }
    floors.append(floorFdatasync(folder: folder, seconds: options.floorSeconds))
    try? FileManager.default.removeItem(at: folder)
}

var runs: [BookingRun] = []
for mode in options.modes {
    runs.append(try await runBookings(mode, options: options))
}

func number(_ value: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.maximumFractionDigits = 0
    return formatter.string(from: NSNumber(value: value.rounded())) ?? "\(Int(value))"
}
func ms(_ value: Double) -> String { value.isNaN ? "-" : String(format: "%.2f", value / 1000) }

var rows: [[String]] = [["scenario", "per second", "p50 ms", "p99 ms", "notes"]]
for run in runs {
    rows.append(["CreateBooking x\(options.clients), synchronous=\(run.mode.rawValue.uppercased())", number(run.rate),
                 ms(run.latency.percentile(0.5)), ms(run.latency.percentile(0.99)),
                 "\(number(Double(run.measuredBookings))) bookings in \(String(format: "%.1f", run.measuredSeconds)) s; "
                    + "\(number(run.cpuMicrosPerBooking)) µs CPU/booking (client + server)"])
}
for floor in floors {
    rows.append([floor.label, number(floor.rate), ms(floor.latency.percentile(0.5)), ms(floor.latency.percentile(0.99)), ""])
}
let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
for row in rows {
    print(row.enumerated().map { column, cell in
        column == 0 || column == 4 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            : String(repeating: " ", count: widths[column] - cell.count) + cell
    }.joined(separator: "  "))
}
print()
if let full = runs.first(where: { $0.mode == .full }) {
    let verdict = full.rate >= 1000 ? "PASS" : "FAIL"
    print("target: >= 1,000 bookings/s with synchronous=FULL: \(number(full.rate))/s  \(verdict)")
    if let floor = floors.first(where: { $0.label.hasSuffix("1 writer, FULL") }) {
        print(String(format: "bookings/s (FULL) / floor commits/s (FULL) = %.2f   (group commit lets several bookings share one commit's sync)",
                     full.rate / floor.rate))
    }
    print(String(format: "time per booking at this rate (FULL): %.0f µs (64 in flight, the writer and two cores shared)", 1e6 / full.rate))
}
if let normal = runs.first(where: { $0.mode == .normal }) {
    print(String(format: "time per booking at this rate (NORMAL, no sync per commit): %.0f µs", 1e6 / normal.rate))
}
print("load average \(loadAverage()) at the end (other work on the machine skews every figure)")

var failedAny = false
for run in runs {
    if !run.failed.isEmpty {
        failedAny = true
        print("\nsynchronous=\(run.mode.rawValue): \(run.failed.values.reduce(0, +)) bookings failed (\(run.succeeded) succeeded):")
        for (reason, count) in run.failed.sorted(by: { $0.value > $1.value }).prefix(10) { print("  \(count)x \(reason)") }
    }
    if !run.problems.isEmpty {
        failedAny = true
        print("\nsynchronous=\(run.mode.rawValue): the database is wrong:")
        for problem in run.problems { print("  \(problem)") }
    }
    if run.exhausted > 0 {
        print("\nsynchronous=\(run.mode.rawValue): \(run.exhausted) clients ran out of free starts before the end (the figures cover less time)")
    }
}
if failedAny { exit(1) }
