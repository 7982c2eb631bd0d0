import BizingRPC
import BizingWire
import Foundation
import Histogram
import Synchronization

/// Runs the workers: `inFlight` tasks per client, each making one call at a
/// time. Every worker keeps its own histogram and error counts (merged when
/// the phase ends); the only shared writes per call are two relaxed atomic
/// counters, for the progress line and for `--count`.
final class LoadRunner: Sendable {
    enum StopRule: Sendable {
        case elapsed(Duration)
        case calls(Int)
    }

    struct Result: Sendable {
        var calls = 0
        var succeeded = 0
        var errors: [StatusCode: Int] = [:]
        /// Successful calls' latency, in microseconds.
        var latency = LoadRunner.histogram()
        var elapsed: Duration = .zero
        /// This process's CPU time over the phase (all threads).
        var userCPU: Duration = .zero
        var systemCPU: Duration = .zero
    }

    let clients: [RPCClient]
    let plan: LoadPlan
    let inFlight: Int
    let progress: Bool

    private let completed = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    private let tickets = Atomic<Int>(0)
    private let stopRequested = Atomic<Bool>(false)

    init(clients: [RPCClient], plan: LoadPlan, inFlight: Int, progress: Bool) {
        self.clients = clients
        self.plan = plan
        self.inFlight = inFlight
        self.progress = progress
    }

    /// Up to an hour at three significant digits; grows past that.
    static func histogram() -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        return histogram
    }

    /// Asks every worker to stop after its current call.
    func requestStop() {
        stopRequested.store(true, ordering: .relaxed)
    }

    /// Runs all workers until `rule` says stop (or a stop is requested);
    /// returns their merged results.
    func phase(_ label: String, until rule: StopRule) async -> Result {
        completed.store(0, ordering: .relaxed)
        failed.store(0, ordering: .relaxed)
        tickets.store(0, ordering: .relaxed)
        let clock = ContinuousClock()
        let cpuAtStart = Self.cpuTime()
        let start = clock.now
        let deadline: ContinuousClock.Instant? = if case .elapsed(let duration) = rule { start + duration } else { nil }
        let limit: Int? = if case .calls(let count) = rule { count } else { nil }

        let reporter = progress ? Task { await self.reportProgress(label, since: start) } : nil
        var merged = await withTaskGroup(of: Result.self) { group in
            for client in clients {
                for _ in 0..<inFlight {
                    // Workers run on their connection's event loop: no thread hop per call.
                    group.addTask(executorPreference: client.executor) { await self.work(client, deadline: deadline, limit: limit) }
                }
            }
            var merged = Result()
            for await result in group {
                merged.calls += result.calls
                merged.succeeded += result.succeeded
                merged.errors.merge(result.errors, uniquingKeysWith: +)
                merged.latency.add(result.latency)
            }
            return merged
        }
        merged.elapsed = clock.now - start
        let cpuAtEnd = Self.cpuTime()
        merged.userCPU = cpuAtEnd.user - cpuAtStart.user
        merged.systemCPU = cpuAtEnd.system - cpuAtStart.system
        reporter?.cancel()
        _ = await reporter?.value
        return merged
    }

    /// One worker: one call at a time until the phase ends.
    private func work(_ client: RPCClient, deadline: ContinuousClock.Instant?, limit: Int?) async -> Result {
        let clock = ContinuousClock()
        var result = Result()
        var now = clock.now
        while !stopRequested.load(ordering: .relaxed) {
            if let deadline, now >= deadline { break }
            if let limit, tickets.add(1, ordering: .relaxed).oldValue >= limit { break }
            let started = now
            do {
                _ = try await client.unary(plan.method, request: plan.request, metadata: plan.metadata, timeout: plan.timeout)
                now = clock.now
                result.latency.record(Self.micros(now - started))
                result.succeeded += 1
            } catch {
                now = clock.now
                // RPCClient reports every failure as an RPCStatus; anything else is UNKNOWN.
                result.errors[(error as? RPCStatus)?.code ?? .unknown, default: 0] += 1
                failed.add(1, ordering: .relaxed)
            }
            result.calls += 1
            completed.add(1, ordering: .relaxed)
        }
        return result
    }

    /// User and system CPU time of the whole process so far.
    static func cpuTime() -> (user: Duration, system: Duration) {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func duration(_ time: timeval) -> Duration { .seconds(Int64(time.tv_sec)) + .microseconds(Int64(time.tv_usec)) }
        return (duration(usage.ru_utime), duration(usage.ru_stime))
    }

    static func micros(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(clamping: seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }

    /// Once a second on standard error: calls so far, calls in the last
    /// second, errors. Rewrites one line on a terminal, a line each otherwise.
    private func reportProgress(_ label: String, since start: ContinuousClock.Instant) async {
        let terminal = isatty(STDERR_FILENO) != 0
        let clock = ContinuousClock()
        var last = 0
        var next = start
        while true {
            next += .seconds(1)
            do { try await clock.sleep(until: next) } catch { break }
            let calls = completed.load(ordering: .relaxed)
            let errors = failed.load(ordering: .relaxed)
            let elapsed = Double(Self.micros(clock.now - start)) / 1e6
            let line = String(format: "%@ %6.1f s  %@ calls  %@ calls/s  %@ errors",
                              label, elapsed, Summary.grouped(calls), Summary.grouped(calls - last), Summary.grouped(errors))
            last = calls
            printErrorRaw(terminal ? "\r\u{1B}[K" + line : line + "\n")
        }
        if terminal { printErrorRaw("\r\u{1B}[K") }
    }
}

func printErrorRaw(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// A thread-safe count.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }
}
