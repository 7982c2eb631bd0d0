public import BizingAPI
public import BizingRPC

/// `bizing.system.v1.System`: liveness for probes and load tests.
public struct SystemServer: SystemV1.SystemService {
    public init() {}

    public func ping(_ request: SystemV1.PingRequest, context: ServerCallContext) async throws -> SystemV1.PingResponse {
        SystemV1.PingResponse(payload: request.payload)
    }
}
