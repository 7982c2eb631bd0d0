import ArgumentParser
import BizingAPI
import BizingRPC
import BizingTools
import BizingWire
import Foundation
import NIOCore
import NIOPosix

/// The load generator: N connections x M calls in flight against a running
/// server, one method, a fixed request; prints throughput, errors by status
/// and latency percentiles.
@main
struct BizingLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bizing-load",
        abstract: "Load a Bizing server with one method and report calls/s and latency.",
        discussion: """
            Opens --connections connections (one RPCClient, one Unix socket connection each) \
            and runs --in-flight workers on each; a worker makes one call at a time, so \
            connections x in-flight calls are outstanding. The default method is \
            bizing.system.v1.System/Ping with a --payload-size byte payload; any other \
            method of the schema takes its request as proto3 JSON (--data), converted to \
            protobuf once. A method outside the schema is sent an empty request.

            Latency is per successful call, in microseconds, from an HdrHistogram (three \
            significant digits). Exit status: 0 if any call succeeded; otherwise 10 plus \
            the status code most calls failed with (as the bizing CLI), 1 for a usage \
            or local error.
            """)

    @Option(help: "The server's socket (default: $BIZING_SOCKET, else $BIZING_HOME/bizing.sock, else ~/.bizing/bizing.sock).")
    var socket: String?

    @Option(help: "Connections to open.")
    var connections = 4

    @Option(help: "Calls in flight on each connection (workers per connection).")
    var inFlight = 16

    @Option(help: "Measure for this many seconds (default 10, unless --count is given).")
    var duration: Double?

    @Option(help: "Measure this many calls in all, then stop.")
    var count: Int?

    @Option(help: "The method, package.Service/Method.")
    var method = "bizing.system.v1.System/Ping"

    @Option(help: "The request as proto3 JSON, @file, or - for standard input (converted to protobuf once).")
    var data: String?

    @Option(help: "Ping's payload size in bytes (Ping without --data only; default 16).")
    var payloadSize: Int?

    @Option(help: "Each call's deadline in seconds (default: none).")
    var timeout: Double?

    @Option(help: "Run this many seconds of calls before measuring (not counted).")
    var warmup: Double = 0

    @Option(help: "Client event loop threads (default: one per core, shared by all connections).")
    var threads: Int?

    @Option(name: .customShort("H"), help: "Metadata to send with every call, as key=value (repeatable).")
    var header: [String] = []

    @Flag(help: "Print the summary as one JSON object.")
    var json = false

    @Flag(help: "No progress line on standard error.")
    var quiet = false

    static let defaultMethod = "bizing.system.v1.System/Ping"
    static let defaultPayloadSize = 16

    var methodName: String {
        method.contains("/") ? method : method.replacingOccurrences(of: "\\.(?=[^.]*$)", with: "/", options: .regularExpression)
    }

    func validate() throws {
        if connections < 1 { throw ValidationError("--connections must be at least 1") }
        if inFlight < 1 { throw ValidationError("--in-flight must be at least 1") }
        if duration != nil && count != nil { throw ValidationError("give --duration or --count, not both") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be positive") }
        if !(warmup >= 0) { throw ValidationError("--warmup must not be negative") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let payloadSize {
            if payloadSize < 0 { throw ValidationError("--payload-size must not be negative") }
            if methodName != Self.defaultMethod { throw ValidationError("--payload-size is for \(Self.defaultMethod); give other methods --data") }
            if data != nil { throw ValidationError("give --data or --payload-size, not both") }
        }
        for entry in header where !entry.contains("=") { throw ValidationError("-H takes key=value, got '\(entry)'") }
    }

    func run() async throws {
        let plan = try makePlan()
        let socketPath = socket ?? DefaultLocations.socketPath
        let ownGroup = threads.map { MultiThreadedEventLoopGroup(numberOfThreads: $0) }
        let group: any EventLoopGroup = ownGroup ?? MultiThreadedEventLoopGroup.singleton

        var clients: [RPCClient] = []
        do {
            for _ in 0..<connections { clients.append(try await RPCClient.connect(socketPath: socketPath, group: group)) }
        } catch {
            printError("cannot connect to \(socketPath): \(error)\nIs bizingd running? (scripts/run starts it)")
            for client in clients { try? await client.close() }
            try? await ownGroup?.shutdownGracefully()
            throw ExitCode(10 + StatusCode.unavailable.rawValue)
        }

        let runner = LoadRunner(clients: clients, plan: plan, inFlight: inFlight, progress: !quiet)
        let interrupt = Interrupt { runner.requestStop() }
        var warmupCalls = 0
        if warmup > 0 {
            warmupCalls = await runner.phase("warmup", until: .elapsed(.milliseconds(Int64(warmup * 1000)))).calls
        }
        let stop: LoadRunner.StopRule = count.map { .calls($0) } ?? .elapsed(.milliseconds(Int64((duration ?? 10) * 1000)))
        let result = await runner.phase("load", until: stop)
        interrupt.cancel()
        for client in clients { try? await client.close() }
        try? await ownGroup?.shutdownGracefully()

        let summary = Summary(
            method: plan.method, connections: connections, inFlight: inFlight,
            requestBytes: plan.request.readableBytes, requestWireBytes: plan.wireBytes, warmupCalls: warmupCalls, result: result)
        if json { try summary.printJSON() } else { summary.printText() }
        if summary.result.succeeded == 0 {
            let worst = summary.result.errors.max { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }
            throw ExitCode(worst.map { 10 + $0.key.rawValue } ?? 1)
        }
    }

    /// The method, the request bytes (encoded once) and what goes with every call.
    func makePlan() throws -> LoadPlan {
        let name = methodName
        let request: [UInt8]
        if name == Self.defaultMethod && data == nil {
            let payload = Data(repeating: 0x61, count: payloadSize ?? Self.defaultPayloadSize)
            request = try ProtobufEncoder().encode(SystemV1.PingRequest(payload: payload))
        } else if let descriptor = BizingSchema.services.lazy.flatMap(\.methods).first(where: { $0.fullName == name }) {
            let text: String
            switch data {
            case nil: text = "{}"
            case "-": text = String(decoding: try FileHandle.standardInput.readToEndRetryingInterrupts(), as: UTF8.self)
            case let value? where value.hasPrefix("@"): text = try String(contentsOfFile: String(value.dropFirst()), encoding: .utf8)
            case let value?: text = value
            }
            do {
                let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
                let schemaJSON = DescriptorJSON(messages: BizingSchema.messages, enums: BizingSchema.enums)
                request = try schemaJSON.encode(object, as: descriptor.input.name)
            } catch {
                printError("the request is not a valid \(descriptor.input.name): \(error)")
                throw ExitCode(1)
            }
        } else {
            if data != nil {
                printError("\(name) is not in this build's schema, so --data cannot be converted; without --data it is sent an empty request")
                throw ExitCode(1)
            }
            printError("note: \(name) is not in this build's schema; sending an empty request")
            request = []
        }
        let metadata = header.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1)
            return MetadataEntry(key: String(parts[0]).lowercased(), value: parts.count > 1 ? String(parts[1]) : "")
        }
        let deadline = timeout.map { Duration.microseconds(Int64($0 * 1_000_000)) }
        return try LoadPlan(method: name, request: ByteBuffer(bytes: request), metadata: metadata, timeout: deadline)
    }
}

/// What every call sends.
struct LoadPlan: Sendable {
    let method: String
    let request: ByteBuffer
    let metadata: [MetadataEntry]
    let timeout: Duration?
    /// The bytes one call puts on the wire: its CALL_START and MESSAGE frames.
    let wireBytes: Int

    init(method: String, request: ByteBuffer, metadata: [MetadataEntry], timeout: Duration?) throws {
        self.method = method
        self.request = request
        self.metadata = metadata
        self.timeout = timeout
        let micros = timeout.map { UInt64(clamping: $0.components.seconds * 1_000_000 + $0.components.attoseconds / 1_000_000_000_000) } ?? 0
        var buffer = ByteBuffer()
        CallStart(method: method, metadata: metadata, timeoutMicros: micros).writeFrame(callID: 1, to: &buffer)
        Frame(type: .message, flags: .endStream, callID: 1, payload: request).write(to: &buffer)
        wireBytes = buffer.readableBytes
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The first SIGINT or SIGTERM stops the run gracefully (the summary still
/// prints); a second one exits at once.
final class Interrupt {
    private let sources: [any DispatchSourceSignal]

    init(_ onSignal: @escaping @Sendable () -> Void) {
        let seen = Counter()
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if seen.increment() > 1 { exit(128 + number) }
                onSignal()
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
