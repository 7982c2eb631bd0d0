import Logging
import BizingWire

/// Logs one line per call at `debug` (method, status, duration, request id,
/// peer uid). Unexpected errors are logged where they are turned into
/// INTERNAL, whether or not this interceptor is installed.
public struct CallLogging: ServerInterceptor {
    public init() {}

    public func intercept<Output: Sendable>(
        _ context: ServerCallContext, next: (ServerCallContext) async throws -> Output
    ) async throws -> Output {
        // Building the labelled logger costs more than the call itself: skip it unless it will print.
        guard context.baseLogger.logLevel <= .debug else { return try await next(context) }
        let started = ContinuousClock.now
        do {
            let output = try await next(context)
            log(context, code: .ok, since: started)
            return output
        } catch {
            log(context, code: RPCStatus.code(of: error), since: started)
            throw error
        }
    }

    private func log(_ context: ServerCallContext, code: StatusCode, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        context.logger.debug("call finished", metadata: ["code": "\(code)", "micros": "\(micros)"])
    }
}

extension RPCStatus {
    /// The status a handler's error ends its call with.
    static func code(of error: any Error) -> StatusCode {
        switch error {
        case let status as RPCStatus: status.code
        case is CancellationError: .cancelled
        default: .internal
        }
    }
}
