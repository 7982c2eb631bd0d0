import Testing
import Foundation
@testable import BizingWire

/// The control messages match docs/protocol/rpc.proto as protoc reads it.
@Suite struct ControlMessageConformanceTests {
    static let rpcProtoDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/protocol")

    private func protocDecode(_ type: String, _ bytes: [UInt8]) throws -> String {
        let result = try Tools.run(
            try Tools.protoc(), ["-I", Self.rpcProtoDirectory.path, "--decode=bizing.rpc.v1.\(type)", "rpc.proto"],
            stdin: Data(bytes))
        try #require(result.status == 0, "protoc --decode failed: \(result.stderrText)")
        return String(decoding: result.stdout, as: UTF8.self)
    }

    private func protocEncode(_ type: String, _ text: String) throws -> [UInt8] {
        let result = try Tools.run(
            try Tools.protoc(), ["-I", Self.rpcProtoDirectory.path, "--encode=bizing.rpc.v1.\(type)", "rpc.proto"],
            stdin: Data(text.utf8))
        try #require(result.status == 0, "protoc --encode failed: \(result.stderrText)")
        return Array(result.stdout)
    }

    @Test func callStartMatchesTheSchema() throws {
        let start = CallStart(
            method: "bizing.booking.v1.Booking/CreateBooking",
            metadata: [MetadataEntry(key: "authorization", value: "Bearer abc"), MetadataEntry(key: "trace-bin", binaryValue: Data([1, 2]))],
            timeoutMicros: 250_000)
        let text = try protocDecode("CallStart", try ProtobufEncoder().encode(start))
        #expect(text == """
            method: "bizing.booking.v1.Booking/CreateBooking"
            metadata {
              key: "authorization"
              value: "Bearer abc"
            }
            metadata {
              key: "trace-bin"
              binary_value: "\\001\\002"
            }
            timeout_micros: 250000

            """)
        let official = try protocEncode("CallStart", text)
        #expect(try ProtobufDecoder().decode(CallStart.self, from: official) == start)
    }

    @Test func callEndMatchesTheSchema() throws {
        let end = CallEnd(
            status: RPCStatus(
                .aborted, "slot taken",
                details: StatusDetails(
                    fieldViolations: [FieldViolation(field: "start", description: "taken")], retryDelayMillis: 0, reason: "SLOT_TAKEN")),
            trailers: [MetadataEntry(key: "request-id", value: "r1")])
        let text = try protocDecode("CallEnd", try ProtobufEncoder().encode(end))
        #expect(text == """
            code: 10
            message: "slot taken"
            details {
              field_violations {
                field: "start"
                description: "taken"
              }
              retry_delay_millis: 0
              reason: "SLOT_TAKEN"
            }
            trailers {
              key: "request-id"
              value: "r1"
            }

            """)
        #expect(try ProtobufDecoder().decode(CallEnd.self, from: try protocEncode("CallEnd", text)) == end)
    }

    @Test func settingsGoAwayWindowAndCancelMatchTheSchema() throws {
        let settings = Settings(maxFrameSize: 4_194_304, maxConcurrentCalls: 100, initialWindow: 32, maxMetadataSize: 16384, maxMessageSize: 4_194_304, acceptCompression: ["zlib"])
        let settingsText = try protocDecode("Settings", try ProtobufEncoder().encode(settings))
        #expect(try ProtobufDecoder().decode(Settings.self, from: try protocEncode("Settings", settingsText)) == settings)
        #expect(settingsText.contains("accept_compression: \"zlib\""))

        let goAway = GoAway(lastCallID: 41, code: .unavailable, reason: "draining")
        #expect(try protocDecode("GoAway", try ProtobufEncoder().encode(goAway)) == "last_call_id: 41\ncode: 14\nreason: \"draining\"\n")
        #expect(try protocDecode("WindowUpdate", try ProtobufEncoder().encode(WindowUpdate(increment: 16))) == "increment: 16\n")
        #expect(try protocDecode("Cancel", try ProtobufEncoder().encode(Cancel(reason: "bye"))) == "reason: \"bye\"\n")
    }
}
