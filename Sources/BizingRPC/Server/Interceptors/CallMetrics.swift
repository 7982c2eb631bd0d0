public import Metrics
import BizingWire
import Synchronization

/// Counts calls by method and status code (`bizing_rpc_calls_total`) and
/// times them by method (`bizing_rpc_call_duration`), through swift-metrics:
/// whichever backend the process bootstraps receives them.
public final class CallMetrics: ServerInterceptor {
    private struct CounterKey: Hashable {
        let method: String
        let code: StatusCode
    }

    private let counters = Mutex<[CounterKey: Counter]>([:])
    private let timers = Mutex<[String: Metrics.Timer]>([:])

    private let factory: any MetricsFactory

    /// - Parameter factory: where the metrics go; the process's bootstrapped backend by default.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    public func intercept<Output: Sendable>(
        _ context: ServerCallContext, next: (ServerCallContext) async throws -> Output
    ) async throws -> Output {
        let started = ContinuousClock.now
        do {
            let output = try await next(context)
            record(context.method, .ok, since: started)
            return output
        } catch {
            record(context.method, RPCStatus.code(of: error), since: started)
            throw error
        }
    }

    private func record(_ method: String, _ code: StatusCode, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let nanos = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        let key = CounterKey(method: method, code: code)
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "bizing_rpc_calls_total", dimensions: [("method", method), ("code", "\(code)")], factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment()
        let timer = timers.withLock { timers in
            if let timer = timers[method] { return timer }
            let timer = Metrics.Timer(label: "bizing_rpc_call_duration", dimensions: [("method", method)], factory: factory)
            timers[method] = timer
            return timer
        }
        timer.recordNanoseconds(nanos)
    }
}
