import Testing
import NIOCore
import Foundation
@testable import BizingWire

/// The worked example in docs/PROTOCOL.md §6, byte for byte.
@Suite struct ProtocolExampleTests {
    private func hex(_ text: String) -> [UInt8] {
        text.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    @Test func clientSideBytesMatchTheDocument() throws {
        var stream = ByteBuffer()
        ConnectionPreface().write(to: &stream)
        try Frame.control(.settings, Settings(acceptCompression: ["zlib"])).write(to: &stream)
        try Frame.control(.callStart, callID: 1, CallStart(method: "bizing.system.v1.System/Ping", timeoutMicros: 1_000_000)).write(to: &stream)
        Frame(type: .message, flags: .endStream, callID: 1).write(to: &stream)

        let documented = hex("""
            42 49 5A 52 50 43 01 00 \
            00 00 00 06 00 00 00 00 00 00 32 04 7A 6C 69 62 \
            00 00 00 22 01 00 00 00 00 01 \
            0A 1C 62 69 7A 69 6E 67 2E 73 79 73 74 65 6D 2E 76 31 2E 53 79 73 74 65 6D 2F 50 69 6E 67 \
            18 C0 84 3D \
            00 00 00 00 02 01 00 00 00 01
            """)
        #expect(Array(stream.readableBytesView) == documented)
    }

    @Test func serverSideBytesMatchTheDocument() throws {
        var stream = ByteBuffer()
        ConnectionPreface().write(to: &stream)
        try Frame.control(.settings, Settings()).write(to: &stream)
        Frame(type: .message, callID: 1).write(to: &stream)
        try Frame.control(.callEnd, callID: 1, CallEnd(status: .ok)).write(to: &stream)
        let documented = hex("""
            42 49 5A 52 50 43 01 00 \
            00 00 00 00 00 00 00 00 00 00 \
            00 00 00 00 02 00 00 00 00 01 \
            00 00 00 00 03 00 00 00 00 01
            """)
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
