public import BizingAPI
public import BizingRPC
import BizingWire

/// `bizing.system.v1.System`: liveness, health and reflection.
public struct SystemServer: SystemV1.SystemService {
    /// The services this server answers (all of them carry descriptors).
    let services: [ServiceDescriptor]
    /// Whether what the server depends on (the database) answers.
    let isHealthy: @Sendable () async -> Bool

    /// - Parameter isHealthy: asked on every `Health` call; false answers NOT_SERVING.
    public init(services: [ServiceDescriptor], isHealthy: @escaping @Sendable () async -> Bool = { true }) {
        self.services = services
        self.isHealthy = isHealthy
    }

    public func ping(_ request: SystemV1.PingRequest, context: ServerCallContext) async throws -> SystemV1.PingResponse {
        SystemV1.PingResponse(payload: request.payload)
    }

    public func pingStream(_ request: SystemV1.PingStreamRequest, context: ServerCallContext, responses: ResponseWriter<SystemV1.PingResponse>) async throws {
        var violations: [FieldViolation] = []
        if !(1...1_000_000).contains(request.count) {
            violations.append(FieldViolation(field: "count", description: "must be 1 to 1,000,000, not \(request.count)"))
        }
        if request.intervalMillis > 60_000 {
            violations.append(FieldViolation(field: "interval_millis", description: "must be at most 60,000, not \(request.intervalMillis)"))
        }
        guard violations.isEmpty else { throw RPCStatus.invalidArgument(violations) }
        let response = SystemV1.PingResponse(payload: request.payload)
        for sent in 0..<request.count {
            if sent > 0 && request.intervalMillis > 0 {
                try await Task.sleep(for: .milliseconds(Int(request.intervalMillis)))
            }
            try await responses.send(response)
        }
    }

    public func health(_ request: SystemV1.HealthRequest, context: ServerCallContext) async throws -> SystemV1.HealthResponse {
        SystemV1.HealthResponse(status: await isHealthy() ? .serving : .notServing)
    }

    public func listServices(_ request: SystemV1.ListServicesRequest, context: ServerCallContext) async throws -> SystemV1.ListServicesResponse {
        SystemV1.ListServicesResponse(services: services.map(\.name).sorted())
    }

    public func describe(_ request: SystemV1.DescribeRequest, context: ServerCallContext) async throws -> SystemV1.DescribeResponse {
        let name = request.name
        guard !name.isEmpty else { throw RPCStatus.invalidArgument(field: "name", "name a service, method, message or enum") }
        if let service = services.first(where: { $0.name == name }) {
            return SystemV1.DescribeResponse(service: SystemV1.ServiceInfo(
                name: service.name, documentation: service.documentation, methods: service.methods.map(Self.info)))
        }
        let methodName = name.contains("/") ? name : Self.slashed(name)
        if let method = services.lazy.flatMap(\.methods).first(where: { $0.fullName == methodName }) {
            return SystemV1.DescribeResponse(method: Self.info(method))
        }
        if let message = BizingSchema.messages.first(where: { $0.name == name }) {
            return SystemV1.DescribeResponse(message: SystemV1.MessageInfo(
                name: message.name,
                fields: message.fields.map { SystemV1.FieldInfo(number: Int32($0.number), name: $0.name, jsonName: $0.jsonName, type: $0.type) }))
        }
        if let enumeration = BizingSchema.enums.first(where: { $0.name == name }) {
            return SystemV1.DescribeResponse(enumInfo: SystemV1.EnumInfo(
                name: enumeration.name, values: enumeration.values.map { SystemV1.EnumValueInfo(name: $0.name, number: Int32($0.number)) }))
        }
        throw RPCStatus(.notFound, "no service, method, message or enum is named \(name)")
    }

    private static func info(_ method: MethodDescriptor) -> SystemV1.MethodInfo {
        SystemV1.MethodInfo(
            fullName: method.fullName, inputType: method.input.name, outputType: method.output.name,
            serverStreaming: method.serverStreaming, documentation: method.documentation)
    }

    /// `pkg.Service.Method` -> `pkg.Service/Method`.
    private static func slashed(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return name[..<dot] + "/" + name[name.index(after: dot)...]
    }
}
