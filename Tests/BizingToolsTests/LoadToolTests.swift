import Testing
import Foundation

/// Runs the built `bizing-load` against a live in-process server (the socket
/// reaches it through `BIZING_SOCKET`, as the default location).
@Suite struct LoadToolTests {
    static func load(_ arguments: [String], socket: String, stdin: String = "") async throws -> CLITests.Run {
        try await CLITests.bizing(arguments, socket: socket, stdin: stdin, program: "bizing-load")
    }

    /// The `--json` summary as a dictionary.
    static func summary(_ run: CLITests.Run) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        return try #require(object as? [String: Any], "stdout is not one JSON object: \(run.stdout)")
    }

    static func int(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }

    @Test func countedPingRunReportsOrderedPercentiles() async throws {
        try await CLITests().withServer { socket in
            let run = try await Self.load(["--count", "200", "--connections", "2", "--in-flight", "4", "--json"], socket: socket)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let summary = try Self.summary(run)
            #expect(Self.int(summary["calls"]) == 200)
            #expect(Self.int(summary["succeeded"]) == 200)
            #expect((summary["errors"] as? [String: Any])?.isEmpty == true)
            #expect(summary["method"] as? String == "bizing.system.v1.System/Ping")
            #expect(Self.int(summary["connections"]) == 2)
            #expect(Self.int(summary["inFlight"]) == 4)
            #expect(Self.int(summary["requestBytes"]) == 18)  // field tag, length, 16 payload bytes
            #expect((Self.int(summary["requestWireBytes"]) ?? 0) > 18)
            #expect((summary["callsPerSecond"] as? NSNumber)?.doubleValue ?? 0 > 0)

            let latency = try #require(summary["latencyMicros"] as? [String: Any])
            let figures = try ["min", "p50", "p90", "p99", "p99_9", "max"].map { name in
                try #require(Self.int(latency[name]), "latencyMicros.\(name) missing")
            }
            #expect(figures == figures.sorted(), "percentiles out of order: \(latency)")
            #expect(figures.last! > 0)
        }
    }

    @Test func methodTemplateIsConvertedThroughTheDescriptors() async throws {
        try await CLITests().withServer { socket in
            let ping = try await Self.load(
                ["--method", "bizing.system.v1.System/Ping", "--data", #"{"payload":"aGk="}"#,
                 "--count", "50", "--connections", "1", "--in-flight", "2", "--json"], socket: socket)
            #expect(ping.status == 0, "stderr: \(ping.stderr)")
            let summary = try Self.summary(ping)
            #expect(Self.int(summary["succeeded"]) == 50)
            #expect(Self.int(summary["requestBytes"]) == 4)  // 0A 02 'h' 'i'

            // The dotted form and a template from standard input.
            let health = try await Self.load(
                ["--method", "bizing.system.v1.System.Health", "--data", "-", "--count", "20", "--json"], socket: socket, stdin: "{}")
            #expect(health.status == 0, "stderr: \(health.stderr)")
            #expect(Self.int(try Self.summary(health)["succeeded"]) == 20)

            let badJSON = try await Self.load(["--data", #"{"payload":5}"#, "--count", "1"], socket: socket)
            #expect(badJSON.status == 1)
            #expect(badJSON.stderr.contains("payload: expected base64 text"))
            #expect(badJSON.stdout.isEmpty)
        }
    }

    @Test func unknownMethodReportsErrorsByStatusAndFails() async throws {
        try await CLITests().withServer { socket in
            let run = try await Self.load(["--method", "bizing.system.v1.System/Nope", "--count", "20", "--json"], socket: socket)
            #expect(run.status == 10 + 12)  // 10 + UNIMPLEMENTED, as the bizing CLI
            let summary = try Self.summary(run)
            #expect(Self.int(summary["calls"]) == 20)
            #expect(Self.int(summary["succeeded"]) == 0)
            #expect(Self.int((summary["errors"] as? [String: Any])?["UNIMPLEMENTED"]) == 20)
            #expect(summary["latencyMicros"] is NSNull)

            let text = try await Self.load(["--method", "bizing.system.v1.System/Nope", "--count", "3"], socket: socket)
            #expect(text.status == 22)
            #expect(text.stdout.contains("errors     UNIMPLEMENTED 3"))
        }
    }

    @Test func timedRunPrintsProgressLinesOnStderr() async throws {
        try await CLITests().withServer { socket in
            let run = try await Self.load(["--duration", "1.2", "--connections", "1", "--in-flight", "2", "--json"], socket: socket)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            // Not a terminal: one plain line per second.
            #expect(run.stderr.contains("calls/s"))
            #expect(!run.stderr.contains("\r"))
            let summary = try Self.summary(run)
            #expect((summary["durationSeconds"] as? NSNumber)?.doubleValue ?? 0 >= 1.2)
            #expect(Self.int(summary["succeeded"]) ?? 0 > 0)
        }
    }

    @Test func usageErrorsAndNoServer() async throws {
        let socket = "/tmp/bizing-no-such-\(UUID().uuidString.prefix(6)).sock"
        let both = try await Self.load(["--count", "5", "--duration", "1"], socket: socket)
        #expect(both.status != 0)
        #expect(both.stderr.contains("not both"))

        let payloadElsewhere = try await Self.load(["--method", "bizing.system.v1.System/Health", "--payload-size", "8"], socket: socket)
        #expect(payloadElsewhere.status != 0)

        let noServer = try await Self.load(["--count", "5"], socket: socket)
        #expect(noServer.status == 10 + 14)
        #expect(noServer.stderr.contains("Is bizingd running?"))
    }
}
