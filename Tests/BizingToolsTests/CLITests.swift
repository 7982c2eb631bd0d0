import Testing
import Foundation
import BizingServer
import BizingStore
import BizingTools
import Identity
import Synchronization

/// Runs the built `bizing` against a live server, as a user would.
/// (`LoadToolTests` runs `bizing-load` through the same helpers.)
@Suite struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs on a dispatch thread: the blocking wait must not hold one of the
    /// few cooperative threads the in-process server's handlers need.
    static func bizing(_ arguments: [String], socket: String, stdin: String = "", program: String = "bizing") async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(arguments, socket: socket, stdin: stdin, program: program) })
            }
        }
    }

    static func runBlocking(_ arguments: [String], socket: String, stdin: String, program: String = "bizing") throws -> Run {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(program)
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build \(program) first (swift build)")
        var environment: [String: String?] = ["BIZING_SOCKET": socket]
        // The owner token of the test server on this socket (withServer), unless the test sets its own.
        if ProcessInfo.processInfo.environment["BIZING_TOKEN"] == nil, let token = Self.tokens.withLock({ $0[socket] }) {
            environment["BIZING_TOKEN"] = token
        }
        let run = try ProgramRun.run(binary, arguments, environment: environment, stdin: stdin)
        return Run(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    /// Each test server's owner service token, by socket: `bizing` runs send it.
    static let tokens = Mutex<[String: String]>([:])

    /// A server on a fresh database, bootstrapped: an owner and an
    /// organization, whose owner token every `bizing` run sends.
    func withServer(_ body: (String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-cli-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.serving(ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1)) { server in
            let token = try await Self.bootstrap(databasePath: server.configuration.databasePath)
            Self.tokens.withLock { $0[server.configuration.socketPath] = token }
            defer { _ = Self.tokens.withLock { $0.removeValue(forKey: server.configuration.socketPath) } }
            try await body(server.configuration.socketPath)
        }
    }

    /// Starts a server, runs `body` with it, and stops it (also when `body` throws).
    static func serving(_ configuration: ServerConfiguration, _ body: (BizingServer) async throws -> Void) async throws {
        let server = try await BizingServer.start(configuration)
        do {
            try await body(server)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    /// Bootstraps the database a running server uses (a second connection
    /// to the same WAL file, as `bizingd bootstrap` would be); returns the owner token.
    static func bootstrap(databasePath: String) async throws -> String {
        let store = try BizingStore.open(path: databasePath)
        defer { try? store.close() }
        let hash = try PasswordHasher(parameters: ScryptParameters(logN: 4, r: 8, p: 1)!).hash(Password("correct horse battery"))
        return try await IdentityStore(store).bootstrap(
            owner: NewUser(email: try EmailAddress("owner@example.com"), name: "Olive Owner", phone: nil, passwordHash: hash),
            organization: try NewOrganization(slug: "cli-test", name: "CLI Test", timeZone: "Europe/Paris", currency: "EUR")
        ).token
    }

    @Test func callListAndDescribe() async throws {
        try await withServer { socket in
            let ping = try await Self.bizing(["call", "bizing.system.v1.System/Ping", #"{"payload":"aGk="}"#], socket: socket)
            #expect(ping.status == 0)
            #expect(ping.stdout == "{\n  \"payload\" : \"aGk=\"\n}\n")

            let health = try await Self.bizing(["call", "bizing.system.v1.System.Health"], socket: socket)
            #expect(health.stdout.contains("\"status\" : \"SERVING_STATUS_SERVING\""))

            let fromStdin = try await Self.bizing(["call", "bizing.system.v1.System/Ping", "-d", "-"], socket: socket, stdin: #"{"payload":"AQID"}"#)
            #expect(fromStdin.stdout.contains("AQID"))

            let list = try await Self.bizing(["list"], socket: socket)
            #expect(list.stdout == ["Bookings", "Holds"].map { "bizing.booking.v1.\($0)\n" }.joined() + ["Bookables", "Locations", "Packages", "Products", "Programs", "ServiceTemplates"].map { "bizing.catalog.v1.\($0)\n" }.joined() + [
                "Households", "Memberships", "Organizations", "ServiceTokens", "Sessions", "Users",
            ].map { "bizing.identity.v1.\($0)\n" }.joined() + ["Availability", "Calendars"].map { "bizing.scheduling.v1.\($0)\n" }.joined()
                + "bizing.system.v1.System\n")

            let describe = try await Self.bizing(["describe", "bizing.system.v1.PingRequest"], socket: socket)
            #expect(describe.status == 0)
            #expect(describe.stdout.contains("\"jsonName\" : \"payload\""))
        }
    }

    @Test func errorsGoToStderrWithAStatusExitCode() async throws {
        try await withServer { socket in
            let missing = try await Self.bizing(["describe", "bizing.nope.v1.Nope"], socket: socket)
            #expect(missing.status == 10 + 5)
            #expect(missing.stderr.hasPrefix("NOT_FOUND: "))
            #expect(missing.stdout.isEmpty)

            let badJSON = try await Self.bizing(["call", "bizing.system.v1.System/Ping", #"{"payload":5}"#], socket: socket)
            #expect(badJSON.status == 1)
            #expect(badJSON.stderr.contains("payload: expected base64 text"))

            let unknown = try await Self.bizing(["call", "bizing.system.v1.System/Nope"], socket: socket)
            #expect(unknown.status == 10 + 12)
            #expect(unknown.stderr.hasPrefix("UNIMPLEMENTED: "))

            let notJSON = try await Self.bizing(["call", "bizing.system.v1.System/Ping", "{nope"], socket: socket)
            #expect(notJSON.status == 1)
            #expect(notJSON.stderr.hasPrefix("the request is not valid JSON: "))

            let emptyKey = try await Self.bizing(["list", "-H", "=x"], socket: socket)
            #expect(emptyKey.status == 64)
        }
        let noServer = try await Self.bizing(["list"], socket: "/tmp/bizing-no-such-\(UUID().uuidString.prefix(6)).sock")
        #expect(noServer.status == 10 + 14)
        #expect(noServer.stderr.hasPrefix("UNAVAILABLE: "))
        #expect(noServer.stderr.contains("Is bizingd running on /tmp/bizing-no-such-"))
    }

    static let pong = "{\n  \"payload\" : \"aGk=\"\n}\n"

    @Test func generatedCommandsCallEveryMethod() async throws {
        try await withServer { socket in
            let ping = try await Self.bizing(["system", "ping", "--payload", "aGk="], socket: socket)
            #expect(ping.status == 0, "\(ping.stderr)")
            #expect(ping.stdout == Self.pong)

            let stream = try await Self.bizing(["system", "ping-stream", "--payload", "aGk=", "--count", "3"], socket: socket)
            #expect(stream.status == 0, "\(stream.stderr)")
            #expect(stream.stdout == String(repeating: Self.pong, count: 3))

            let zero = try await Self.bizing(["system", "ping-stream", "--payload", "aGk=", "--count", "0"], socket: socket)
            #expect(zero.status == 10 + 3)
            #expect(zero.stderr.hasPrefix("INVALID_ARGUMENT:\n  count: "), "each violation once, on its own line")
            #expect(zero.stderr.contains("\n  count: must be 1 to 1,000,000"))
            #expect(zero.stdout.isEmpty)

            // --data gives the request, the flags override its fields (under either JSON name).
            let overridden = try await Self.bizing(
                ["system", "ping-stream", "-d", #"{"payload":"aGk=","count":5,"interval_millis":60001}"#, "--count", "2", "--interval-millis", "0", "--json-lines"],
                socket: socket)
            #expect(overridden.status == 0, "\(overridden.stderr)")
            #expect(overridden.stdout == "{\"payload\":\"aGk=\"}\n{\"payload\":\"aGk=\"}\n")

            let fromStdin = try await Self.bizing(["system", "ping", "-d", "-", "--payload", "AQID"], socket: socket, stdin: #"{"payload":"aGk="}"#)
            #expect(fromStdin.stdout == "{\n  \"payload\" : \"AQID\"\n}\n")

            let health = try await Self.bizing(["system", "health"], socket: socket)
            #expect(health.stdout == "{\n  \"status\" : \"SERVING_STATUS_SERVING\"\n}\n")

            let badFlag = try await Self.bizing(["system", "ping", "--payload", "***"], socket: socket)
            #expect(badFlag.status == 1)
            #expect(badFlag.stderr.contains("payload: expected base64 text"))
        }
    }

    @Test func aStreamThatFailsPrintsWhatArrivedThenTheStatus() async throws {
        try await withServer { socket in
            // The second response is a minute away, so the deadline ends the stream.
            let run = try await Self.bizing(
                ["system", "ping-stream", "--payload", "aGk=", "--count", "2", "--interval-millis", "60000", "--timeout", "2", "--json-lines"],
                socket: socket)
            #expect(run.status == 10 + 4)
            #expect(run.stderr.hasPrefix("DEADLINE_EXCEEDED: "))
            // The first response normally arrives at once. But the in-process
            // server's handlers share the cooperative threads with every other
            // test of this process, and under a loaded parallel run they can
            // wait past any short deadline, so an empty output is tolerated.
            #expect(run.stdout == "{\"payload\":\"aGk=\"}\n" || run.stdout.isEmpty, "\(run.stdout)")
        }
    }

    @Test func callStreamsAServerStreamingMethod() async throws {
        try await withServer { socket in
            let run = try await Self.bizing(["call", "bizing.system.v1.System/PingStream", #"{"payload":"aGk=","count":2}"#], socket: socket)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == String(repeating: Self.pong, count: 2))
        }
    }

    @Test func helpComesFromTheSchema() async throws {
        let socket = "/tmp/bizing-unused.sock"
        let group = try await Self.bizing(["system", "--help"], socket: socket)
        #expect(group.status == 0)
        // Whitespace runs as one space: the help wraps to the terminal's width.
        let words = group.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for (method, doc) in [
            ("ping", "Echoes the payload back: the cheapest call there is."),
            ("ping-stream", "Streams `count` responses that echo the payload, `interval_millis` apart: for load tests, and for checking a client's flow control."),
            ("health", "Whether the server is serving."),
            ("list-services", "The full name of every service the server answers."),
            ("describe", "A service, a method (package.Service/Method), a message or an enum, by full name."),
        ] {
            #expect(words.contains(" \(method) \(doc) "), "\(method): \(group.stdout)")
        }

        let method = try await Self.bizing(["system", "ping-stream", "--help"], socket: socket)
        #expect(method.stdout.contains("--interval-millis <uint32>"))
        #expect(method.stdout.contains("- count (uint32, --count): How many responses: 1 to 1,000,000."))

        let root = try await Self.bizing(["--help"], socket: socket)
        #expect(root.stdout.contains("\n  system "))
    }
}
