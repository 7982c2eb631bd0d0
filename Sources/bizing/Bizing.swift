import ArgumentParser
import BizingAPI
import BizingClient
import BizingRPC
import BizingTools
import BizingWire
import Foundation
import NIOCore

/// The Bizing command line: call any method with JSON, list and describe services.
@main
struct Bizing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bizing",
        abstract: "Call a Bizing server from the shell.",
        discussion: """
            Exit status: 0 on success; on an RPC error, 10 plus the gRPC status code \
            (\([StatusCode.invalidArgument, .notFound, .unimplemented, .unavailable, .unauthenticated].map { "\(10 + $0.rawValue) = \($0.name)" }.joined(separator: ", ")), ...); \
            64 for a usage error; 1 for another local error (an invalid request, say).

            Sign in first: bizing login --email you@example.com; every command then sends the saved \
            session token (or --token, or $BIZING_TOKEN). Options such as --token, --socket and --timeout \
            go after the command: bizing identity sessions who-am-i --token bzt_...

            Finding and booking a slot has commands of its own, taking slugs and the location's local times \
            and printing tables: bizing availability, book, bookings, cancel, reschedule (each has --help).

            Every method of the schema is a command too, with a flag per field: \
            bizing <service> <method> (bizing system ping --payload aGk=); \
            bizing <service> <method> --help describes it.
            """,
        subcommands: [Login.self, Logout.self, Call.self, List.self, Describe.self],
        // One group per context, one subcommand per method: Generated/, from schema/ (scripts/generate).
        groupedSubcommands: [
            // Finding and booking a slot, by hand: Tasks/.
            CommandGroup(name: "Booking", subcommands: TaskCommands.all),
            CommandGroup(name: "Service", subcommands: GeneratedCommands.groups),
        ])
}

/// Options every subcommand shares.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The server's socket (default: $BIZING_SOCKET, else $BIZING_HOME/bizing.sock, else ~/.bizing/bizing.sock).")
    var socket: String?

    @Option(help: "Give up after this many seconds.")
    var timeout: Double?

    @Option(name: .customShort("H"), help: "Metadata to send, as key=value (repeatable; keys are lower-cased, as the protocol requires).")
    var header: [String] = []

    @Option(help: "The bearer token to send (default: $BIZING_TOKEN, else the session `bizing login` saved for this socket; --token '' sends none).")
    var token: String?

    var socketPath: String { socket ?? DefaultLocations.socketPath }

    func validate() throws {
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
        for entry in header where !entry.contains("=") || entry.hasPrefix("=") { throw ValidationError("-H takes key=value with a non-empty key, got '\(entry)'") }
    }

    /// The -H entries, and `authorization: Bearer <token>` unless one of them is an authorization.
    var metadata: [MetadataEntry] {
        var entries = header.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return MetadataEntry(key: String(parts[0]).lowercased(), value: parts.count > 1 ? String(parts[1]) : "")
        }
        if !entries.contains(where: { $0.key == "authorization" }), let bearer = bearerToken {
            entries.append(MetadataEntry(key: "authorization", value: "Bearer \(bearer)"))
        }
        return entries
    }

    /// --token, else $BIZING_TOKEN, else the saved session for this socket.
    var bearerToken: String? {
        if let token { return token.isEmpty ? nil : token }
        if let token = ProcessInfo.processInfo.environment["BIZING_TOKEN"], !token.isEmpty { return token }
        return Credentials.token(for: socketPath)
    }

    var duration: Duration? { timeout.map { .milliseconds(Int64($0 * 1000)) } }

    /// Runs `body` with a connection; turns an RPC error into its message and exit status.
    func withClient<T>(_ body: (RPCClient) async throws -> T) async throws -> T {
        let client: RPCClient
        do {
            client = try await RPCClient.connect(socketPath: socketPath)
        } catch {
            let reason = (error as? RPCStatus)?.message ?? "\(error)"
            printError("UNAVAILABLE: \(reason)\nIs bizingd running on \(socketPath)? (scripts/run starts it)")
            throw ExitCode(10 + StatusCode.unavailable.rawValue)
        }
        defer { Task { try? await client.close() } }
        do {
            return try await body(client)
        } catch let status as RPCStatus {
            let violations = status.details.fieldViolations
            let summary = violations.map { "\($0.field): \($0.description)" }.joined(separator: "; ")
            // The message is often just the violations joined: print each once, on its own line.
            var text = violations.isEmpty || status.message != summary ? "\(status.code.name): \(status.message)" : "\(status.code.name):"
            for violation in violations { text += "\n  \(violation.field): \(violation.description)" }
            if !status.details.reason.isEmpty { text += "\n  reason: \(status.details.reason)" }
            if let delay = status.details.retryDelayMillis { text += "\n  retry after \(delay) ms" }
            if status.code == .unauthenticated && bearerToken == nil { text += "\nSign in first: bizing login --email <you>" }
            printError(text)
            throw ExitCode(10 + status.code.rawValue)
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints one JSON document: pretty, or on one line with `compact` (for
/// `--json-lines`). Written straight to the file descriptor, so a streaming
/// call's responses show as they arrive even through a pipe.
func printJSON(_ object: Any, compact: Bool = false) throws {
    var data = try JSONSerialization.data(
        withJSONObject: object, options: compact ? [.sortedKeys, .withoutEscapingSlashes] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    data.append(UInt8(ascii: "\n"))
    do {
        try FileHandle.standardOutput.writeRetryingInterrupts(data)
    } catch let error as POSIXError where error.code == .EPIPE {
        // The reader went away (`| head`): nothing more to say, and nothing wrong.
        exit(0)
    }
}

let schemaJSON = DescriptorJSON(messages: BizingSchema.messages, enums: BizingSchema.enums)

struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Call a method with a JSON request and print the JSON response.",
        discussion: """
            A server-streaming method prints each response as it arrives, one JSON document each. \
            Example: bizing call bizing.system.v1.System/Ping '{"payload":"aGk="}'
            """)

    @Argument(help: "The method: package.Service/Method.")
    var method: String

    @Argument(help: "The request as JSON (default: {}).")
    var json: String?

    @Option(name: .shortAndLong, help: "The request from a file (@path) or standard input (-).")
    var data: String?

    @Flag(help: "Print each response as one line of compact JSON.")
    var jsonLines = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if json != nil && data != nil { throw ValidationError("give the request either as an argument or with --data, not both") }
    }

    func run() async throws {
        let name = method.contains("/") ? method : method.replacingOccurrences(of: "\\.(?=[^.]*$)", with: "/", options: .regularExpression)
        guard let descriptor = BizingSchema.services.lazy.flatMap(\.methods).first(where: { $0.fullName == name }) else {
            printError("\(StatusCode.unimplemented.name): this bizing knows no method \(method); `bizing list` shows the services")
            throw ExitCode(10 + StatusCode.unimplemented.rawValue)
        }
        let request = try encodeRequest(descriptor, json: try requestText(data) ?? json ?? "{}")
        try await invoke(descriptor, request: request, connection: connection, jsonLines: jsonLines)
    }
}

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the services the server answers, one per line.")

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let services = try await connection.withClient { client in
            try await SystemV1.System.Client(client).listServices(SystemV1.ListServicesRequest(), metadata: connection.metadata, timeout: connection.duration).services
        }
        if json { try printJSON(["services": services]) } else { services.forEach { print($0) } }
    }
}

struct Describe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe a service, method, message or enum by its full name.")

    @Argument(help: "e.g. bizing.system.v1.System, bizing.system.v1.System/Ping, bizing.system.v1.PingRequest")
    var name: String

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let response = try await connection.withClient { client in
            try await client.unary(
                SystemV1.System.describe.fullName,
                request: ByteBuffer(bytes: try ProtobufEncoder().encode(SystemV1.DescribeRequest(name: name))),
                metadata: connection.metadata, timeout: connection.duration)
        }
        try printJSON(try schemaJSON.decode(Array(response.readableBytesView), as: SystemV1.DescribeResponse.descriptor.name))
    }
}
