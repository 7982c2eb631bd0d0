// bizing-wire-bench: round trips of a realistic `Booking` through
//   (a) BizingWire's ProtobufEncoder/ProtobufDecoder,
//   (b) Foundation's JSONEncoder/JSONDecoder (default strategies),
//   (c) a hand-written non-Codable serializer of the same protobuf bytes (the floor).
// Targets (from the issue): ours >= 5x faster than JSON, ours <= 3x the floor.
// Always exits 0 once the correctness checks pass: the numbers are the output.

import BizingWire
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Options

struct Options {
    /// Seconds of timed work per round and case (when `iterations` is nil).
    var seconds = 0.2
    /// Fixed iteration count per round and case (for profilers); overrides `seconds`.
    var iterations: Int? = nil
    /// Rounds; each times every selected case once.
    var repetitions = 7
    /// Case names (or prefixes like `ours`, `floor.`) to run; all when empty.
    var only: [String] = []
    var warmup = true
    /// `cpu`: this thread's CPU time (robust on a shared, loaded machine); `wall`: ContinuousClock.
    var clock = "cpu"

    static let usage = """
        usage: bizing-wire-bench [--time SECONDS] [--reps N] [--iterations N] [--only NAME,...] [--clock cpu|wall] [--no-warmup]
          --time SECONDS   timed work per round and case (default 0.2)
          --reps N         rounds, each timing every case once; best and median are reported (default 7)
          --iterations N   fixed iterations per repetition instead of --time (for callgrind/perf)
          --only NAMES     comma-separated cases or prefixes: ours, json, floor,
                           ours.roundtrip, ours.encode, ours.decode, floor.encode, ...
          --clock cpu|wall thread CPU time (default; steadier when other jobs share the cores)
                           or wall-clock time (ContinuousClock)
          --no-warmup      skip the warm-up pass
        """

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func value(_ flag: String) -> String {
            index += 1
            guard index < arguments.count else { fail("\(flag) needs a value") }
            return arguments[index]
        }
        func fail(_ message: String) -> Never {
            FileHandle.standardError.write(Data("bizing-wire-bench: \(message)\n\(usage)\n".utf8))
            exit(2)
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--time":
                guard let s = Double(value(argument)), s > 0 else { fail("--time needs a positive number") }
                options.seconds = s
            case "--reps":
                guard let n = Int(value(argument)), n > 0 else { fail("--reps needs a positive integer") }
                options.repetitions = n
            case "--iterations":
                guard let n = Int(value(argument)), n > 0 else { fail("--iterations needs a positive integer") }
                options.iterations = n
            case "--only":
                options.only = value(argument).split(separator: ",").map(String.init)
            case "--clock":
                let clock = value(argument)
                guard clock == "cpu" || clock == "wall" else { fail("--clock is cpu or wall") }
                options.clock = clock
            case "--no-warmup":
                options.warmup = false
            case "-h", "--help":
                print(usage)
                exit(0)
            default:
                fail("unknown argument '\(argument)'")
            }
            index += 1
        }
        return options
    }

    func selects(_ name: String) -> Bool {
        only.isEmpty || only.contains { name.hasPrefix($0) }
    }
}

// MARK: - Timing

/// Keeps a value alive without the optimiser seeing through it.
@inline(never) @_optimize(none)
func blackHole<T>(_ value: T) {}

struct Stats {
    var best: Double
    var median: Double
    var iterations: Int
}

extension Duration {
    var nanoseconds: Double {
        Double(components.seconds) * 1e9 + Double(components.attoseconds) / 1e9
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2]
        : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Times `body(n)` (which runs `n` iterations) with the chosen clock; returns nanoseconds.
func time(_ options: Options, _ n: Int, _ body: (Int) -> Void) -> Double {
    if options.clock == "cpu" {
        func threadCPUTime() -> Double {
            var now = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
            return Double(now.tv_sec) * 1e9 + Double(now.tv_nsec)
        }
        let start = threadCPUTime()
        body(n)
        return threadCPUTime() - start
    }
    let clock = ContinuousClock()
    let start = clock.now
    body(n)
    return start.duration(to: clock.now).nanoseconds
}

/// Warms `body` up (~0.1 s, growing the batch) and returns the iteration count
/// that takes about `options.seconds`, or `options.iterations` when fixed.
func calibrate(_ options: Options, _ body: (Int) -> Void) -> Int {
    if let fixed = options.iterations {
        if options.warmup { _ = time(options, max(1, fixed / 10), body) }
        return fixed
    }
    var n = 16
    var elapsed = time(options, n, body)
    var warm = elapsed
    while warm < (options.warmup ? 1e8 : 1e7) {
        n = min(n * 2, 1 << 26)
        elapsed = time(options, n, body)
        warm += elapsed
    }
    return max(1, Int(options.seconds * 1e9 / (elapsed / Double(n))))
}

// MARK: - Setup and correctness checks

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let booking = Booking.sample

func check(_ condition: Bool, _ message: String) {
    if !condition {
        print("CHECK FAILED: \(message)")
        exit(1)
    }
}

let protobufEncoder = ProtobufEncoder()
let protobufDecoder = ProtobufDecoder()
let jsonEncoder = JSONEncoder()
let jsonDecoder = JSONDecoder()

let ourBytes: [UInt8]
let jsonBytes: Data
do {
    ourBytes = try protobufEncoder.encode(booking)
    check(try protobufDecoder.decode(Booking.self, from: ourBytes) == booking, "BizingWire round trip changed the booking")
    jsonBytes = try jsonEncoder.encode(booking)
    check(try jsonDecoder.decode(Booking.self, from: jsonBytes) == booking, "JSON round trip changed the booking")
} catch {
    print("CHECK FAILED: \(error)")
    exit(1)
}

// The floor writes into one preallocated buffer, reused for every iteration.
let floorBuffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 64 * 1024)
do {
    let count = try floorEncode(booking, into: floorBuffer)
    check(Array(floorBuffer[..<count]) == ourBytes, "the hand-written serializer's bytes differ from ProtobufEncoder's")
    check(try floorDecode(UnsafeBufferPointer(rebasing: floorBuffer[..<count])) == booking, "the hand-written round trip changed the booking")
    check(try ourBytes.withUnsafeBufferPointer { try floorDecode($0) } == booking, "the hand-written parser reads ProtobufEncoder's bytes differently")
} catch {
    print("CHECK FAILED: \(error)")
    exit(1)
}

// MARK: - Cases

struct Case {
    let name: String
    let body: (Int) -> Void
}

let cases: [Case] = [
    Case(name: "ours.roundtrip") { n in
        for _ in 0..<n {
            let bytes = try! protobufEncoder.encode(booking)
            blackHole(try! protobufDecoder.decode(Booking.self, from: bytes))
        }
    },
    Case(name: "json.roundtrip") { n in
        for _ in 0..<n {
            let data = try! jsonEncoder.encode(booking)
            blackHole(try! jsonDecoder.decode(Booking.self, from: data))
        }
    },
    Case(name: "floor.roundtrip") { n in
        for _ in 0..<n {
            let count = try! floorEncode(booking, into: floorBuffer)
            blackHole(try! floorDecode(UnsafeBufferPointer(rebasing: floorBuffer[..<count])))
        }
    },
    Case(name: "ours.encode") { n in
        for _ in 0..<n { blackHole(try! protobufEncoder.encode(booking)) }
    },
    Case(name: "ours.decode") { n in
        for _ in 0..<n { blackHole(try! protobufDecoder.decode(Booking.self, from: ourBytes)) }
    },
    Case(name: "floor.encode") { n in
        for _ in 0..<n { blackHole(try! floorEncode(booking, into: floorBuffer)) }
    },
    Case(name: "floor.decode") { n in
        ourBytes.withUnsafeBufferPointer { bytes in
            for _ in 0..<n { blackHole(try! floorDecode(bytes)) }
        }
    },
    Case(name: "codable.encode") { n in
        let null = NullEncoder()
        for _ in 0..<n { try! booking.encode(to: null) }
    },
    Case(name: "json.encode") { n in
        for _ in 0..<n { blackHole(try! jsonEncoder.encode(booking)) }
    },
    Case(name: "json.decode") { n in
        for _ in 0..<n { blackHole(try! jsonDecoder.decode(Booking.self, from: jsonBytes)) }
    },
]

// MARK: - Run and report

print("wire bench: Booking (23 top-level fields, 3 participants, 3 money, 6 timestamps, 4 tags)")
print("  protobuf: \(ourBytes.count) bytes; JSON: \(jsonBytes.count) bytes; floor bytes identical to ours: yes")
if let fixed = options.iterations {
    print("  \(options.repetitions) round(s) of \(fixed) iterations per case")
} else {
    print("  \(options.repetitions) rounds of ~\(options.seconds) s per case; best and median ns per operation")
}
print("  clock: " + (options.clock == "cpu" ? "thread CPU time (clock_gettime CLOCK_THREAD_CPUTIME_ID)" : "wall (ContinuousClock)"))
print("")

// Every case is calibrated first; then the repetitions run in rounds, each
// round timing every case once, so a burst of load from other processes hits
// all contenders alike and the ratios can be taken within a round.
let selected = cases.filter { options.selects($0.name) }
var iterations: [String: Int] = [:]
for benchCase in selected { iterations[benchCase.name] = calibrate(options, benchCase.body) }
var samples: [String: [Double]] = [:]
for _ in 0..<options.repetitions {
    for benchCase in selected {
        let n = iterations[benchCase.name]!
        samples[benchCase.name, default: []].append(time(options, n, benchCase.body) / Double(n))
    }
}
var results: [String: Stats] = [:]
for benchCase in selected {
    let values = samples[benchCase.name]!
    results[benchCase.name] = Stats(best: values.min()!, median: median(values), iterations: iterations[benchCase.name]!)
}

let nameWidth = 18
func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - s.count))
    return right ? padding + s : s + padding
}
func ns(_ value: Double) -> String { String(format: "%.0f", value) }

print(pad("case", nameWidth) + pad("best ns", 12, right: true) + pad("median ns", 12, right: true)
      + pad("iterations", 12, right: true) + pad("bytes", 8, right: true))
for benchCase in selected {
    let stats = results[benchCase.name]!
    let size = benchCase.name.hasPrefix("json") ? jsonBytes.count : ourBytes.count
    print(pad(benchCase.name, nameWidth) + pad(ns(stats.best), 12, right: true) + pad(ns(stats.median), 12, right: true)
          + pad(String(stats.iterations), 12, right: true) + pad(String(size), 8, right: true))
}

/// The median over rounds of `numerator / denominator` timed in the same
/// round, and the ratio of the two best times.
@MainActor
func ratio(_ numerator: String, _ denominator: String) -> (paired: Double, best: Double)? {
    guard let top = samples[numerator], let bottom = samples[denominator],
          let topStats = results[numerator], let bottomStats = results[denominator] else { return nil }
    return (median(zip(top, bottom).map { $0 / $1 }), topStats.best / bottomStats.best)
}

let ratioLines: [(String, String, String, String, (Double) -> Bool)] = [
    ("round trip   JSON / ours ", "json.roundtrip", "ours.roundtrip", ">= 5x", { $0 >= 5 }),
    ("round trip   ours / floor", "ours.roundtrip", "floor.roundtrip", "<= 3x", { $0 <= 3 }),
    ("encode only  ours / floor", "ours.encode", "floor.encode", "", { _ in true }),
    ("decode only  ours / floor", "ours.decode", "floor.decode", "", { _ in true }),
    ("encode only  JSON / ours ", "json.encode", "ours.encode", "", { _ in true }),
    ("Codable's dispatch alone (codable.encode) / floor.encode", "codable.encode", "floor.encode", "", { _ in true }),
    ("decode only  JSON / ours ", "json.decode", "ours.decode", "", { _ in true }),
]
var printedHeader = false
for (label, numerator, denominator, target, meets) in ratioLines {
    guard let r = ratio(numerator, denominator) else { continue }
    if !printedHeader {
        print("")
        print("ratios: median over rounds of the same-round ratio (ratio of the best times in parentheses)")
        printedHeader = true
    }
    var text = "  " + label + String(format: " = %5.2fx (%5.2fx)", r.paired, r.best)
    if !target.isEmpty { text += "   target " + target + "   " + (meets(r.paired) ? "PASS" : "FAIL") }
    print(text)
}
exit(0)
