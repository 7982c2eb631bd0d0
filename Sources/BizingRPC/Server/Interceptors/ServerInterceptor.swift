/// Code that runs around every call: it may read or enrich the context,
/// refuse the call by throwing an `RPCStatus`, or observe its outcome.
/// Interceptors run in the order given to the server, the first outermost.
public protocol ServerInterceptor: Sendable {
    func intercept<Output: Sendable>(
        _ context: ServerCallContext, next: (ServerCallContext) async throws -> Output
    ) async throws -> Output
}

extension Array where Element == any ServerInterceptor {
    /// Runs `handler` inside every interceptor, the first outermost.
    func run<Output: Sendable>(
        _ context: ServerCallContext, from index: Int = 0,
        _ handler: (ServerCallContext) async throws -> Output
    ) async throws -> Output {
        guard index < count else { return try await handler(context) }
        return try await self[index].intercept(context) { context in
            try await self.run(context, from: index + 1, handler)
        }
    }
}
