import Testing
import NIOCore
import Foundation
@testable import BizingWire

/// The worked example in docs/PROTOCOL.md §6, byte for byte, read from the
/// document itself so the page and the code cannot drift apart.
@Suite struct ProtocolExampleTests {
    /// The client and server hex of §6: each line's leading two-digit hex
    /// tokens, up to the first word of commentary.
    static func documentedExample() throws -> (client: [UInt8], server: [UInt8]) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/PROTOCOL.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "## 6. A worked example").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```").dropFirst().first)
        var client: [UInt8] = [], server: [UInt8] = []
        var toServer = true
        for line in block.split(separator: "\n") {
            if line.hasPrefix("client -> server") { toServer = true; continue }
            if line.hasPrefix("server -> client") { toServer = false; continue }
            let bytes = line.split(separator: " ").prefix { $0.count == 2 && UInt8($0, radix: 16) != nil }.map { UInt8($0, radix: 16)! }
            if toServer { client += bytes } else { server += bytes }
        }
        return (client, server)
    }

    @Test func clientSideBytesMatchTheDocument() throws {
        var stream = ByteBuffer()
        ConnectionPreface().write(to: &stream)
        try Frame.control(.settings, Settings(acceptCompression: ["zlib"])).write(to: &stream)
        try Frame.control(.callStart, callID: 1, CallStart(method: "bizing.system.v1.System/Ping", timeoutMicros: 1_000_000)).write(to: &stream)
        Frame(type: .message, flags: .endStream, callID: 1).write(to: &stream)
        let documented = try Self.documentedExample().client
        #expect(documented.count == 78)
        #expect(Array(stream.readableBytesView) == documented)
    }

    @Test func serverSideBytesMatchTheDocument() throws {
        var stream = ByteBuffer()
        ConnectionPreface().write(to: &stream)
        try Frame.control(.settings, Settings()).write(to: &stream)
        Frame(type: .message, callID: 1).write(to: &stream)
        try Frame.control(.callEnd, callID: 1, CallEnd(status: .ok)).write(to: &stream)
        let documented = try Self.documentedExample().server
        #expect(documented.count == 38)
        #expect(Array(stream.readableBytesView) == documented)

        var decoder = FrameDecoder()
        var frames: [Frame] = []
        while let inbound = try decoder.decode(buffer: &stream) {
            if case .frame(let frame) = inbound { frames.append(frame) }
        }
        let end = try frames[2].decodePayload(as: CallEnd.self)
        #expect(end.status.code == .ok)
    }

    @Test func callEndCarriesStatusDetailsAndTrailers() throws {
        let status = RPCStatus(
            .invalidArgument, "participants[0].email: not an email address",
            details: StatusDetails(
                fieldViolations: [FieldViolation(field: "participants[0].email", description: "not an email address")],
                retryDelayMillis: 0, reason: "INVALID_FIELDS"))
        let end = CallEnd(status: status, trailers: [MetadataEntry(key: "request-id", value: "r-1"), MetadataEntry(key: "trace-bin", binaryValue: .init([0, 255]))])
        let frame = try Frame.control(.callEnd, callID: 7, end)
        #expect(try frame.decodePayload(as: CallEnd.self) == end)
        // retry_delay_millis is `optional`: a zero that was set is kept.
        #expect(try frame.decodePayload(as: CallEnd.self).status.details.retryDelayMillis == 0)
    }

    @Test func statusCodesAreGRPCsSeventeen() {
        let names = StatusCode.allKnown.map(\.name)
        #expect(names == [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
            "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        ])
        #expect(StatusCode.allKnown.map(\.rawValue) == Array(0...16))
        #expect(StatusCode(name: "NOT_FOUND") == .notFound)
        #expect(StatusCode(rawValue: 42).name == "CODE_42")
    }

    @Test func invalidArgumentListsEveryViolation() {
        let status = RPCStatus.invalidArgument([
            FieldViolation(field: "timezone", description: "not an IANA time zone"),
            FieldViolation(field: "currency", description: "not an ISO 4217 code"),
        ])
        #expect(status.code == .invalidArgument)
        #expect(status.details.fieldViolations.count == 2)
        #expect(status.message == "timezone: not an IANA time zone; currency: not an ISO 4217 code")
    }

    @Test func metadataKeysAreChecked() {
        #expect(MetadataEntry(key: "idempotency-key", value: "x").hasValidKey)
        #expect(!MetadataEntry(key: "Authorization", value: "x").hasValidKey)
        #expect(!MetadataEntry(key: "", value: "x").hasValidKey)
        #expect(!MetadataEntry(key: String(repeating: "a", count: 129), value: "x").hasValidKey)
    }
}
