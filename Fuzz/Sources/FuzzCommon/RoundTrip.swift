import BizingWire
import Foundation
import NIOCore

/// Stops the process with a message on stderr; libFuzzer sees the trap,
/// saves the input under `-artifact_prefix` and prints the stack.
/// (A plain String, not an autoclosure: it is only ever built on the failure
/// path, and an autoclosure here crashes the Swift 6.3 optimizer in -c release.)
public func fuzzFailure(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    var text = "\n=== FUZZ CHECK FAILED (\(file):\(line)) ===\n" + message + "\n"
    text.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, stderr) }
    fflush(stderr)
    fatalError("fuzz check failed", file: file, line: line)
}

/// Reported BizingWire bugs the checks can be told to let pass, so a fuzz
/// run can look for new ones while they are open: BIZING_FUZZ_TOLERATE is a
/// comma-separated list of these names (`scripts/fuzz --tolerate LIST`).
public enum KnownIssues: String, CaseIterable {
    /// The decoder accepts a Timestamp whose seconds lie outside
    /// 0001-01-01 ... 9999-12-31; the encoder refuses the Date it gives.
    case timestampSecondsRange = "timestamp-seconds-range"

    static let tolerated: Set<String> = Set(
        (ProcessInfo.processInfo.environment["BIZING_FUZZ_TOLERATE"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })

    public static func tolerates(_ issue: KnownIssues) -> Bool { tolerated.contains(issue.rawValue) }
}

public func hex<S: Sequence>(_ bytes: S, limit: Int = 512) -> String where S.Element == UInt8 {
    var text = ""
    var count = 0
    for byte in bytes {
        if count == limit { text += "…"; break }
        text += String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        count += 1
    }
    return text
}

/// Decodes `bytes` as `T`; if that succeeds, the value must re-encode, the
/// encoding must decode to an equal value, and encoding that value again must
/// give the same bytes (the encoder is deterministic: maps are sorted).
/// Decoding failures must be `WireFormatError`s.
///
/// Also decodes with a nesting limit of 3: that must fail (with a
/// WireFormatError) or give the same value, and cannot succeed where the
/// default limit fails.
public func checkRoundTrip<T: Codable & Equatable>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer) {
    let shallow: T?
    do {
        shallow = try ProtobufDecoder(maxDepth: 3).decode(T.self, from: bytes)
    } catch is WireFormatError {
        shallow = nil
    } catch {
        fuzzFailure("decoding \(T.self) with maxDepth 3 threw a non-WireFormatError: \(error)\ninput: \(hex(bytes))")
    }
    let first: T
    do {
        first = try ProtobufDecoder().decode(T.self, from: bytes)
    } catch let error as WireFormatError {
        if let shallow = shallow {
            fuzzFailure("\(T.self) decodes with maxDepth 3 but not with the default: \(error)\ninput: \(hex(bytes))\nshallow: \(shallow)")
        }
        return
    } catch {
        fuzzFailure("decoding \(T.self) threw a non-WireFormatError: \(error)\ninput: \(hex(bytes))")
    }
    if let shallow = shallow, shallow != first {
        fuzzFailure("\(T.self) decodes differently with maxDepth 3\ninput: \(hex(bytes))\nshallow: \(shallow)\ndefault: \(first)")
    }
    let encoded: [UInt8]
    do {
        encoded = try ProtobufEncoder().encode(first)
    } catch let error as WireFormatError where error.code == .valueOutOfRange && KnownIssues.tolerates(.timestampSecondsRange) {
        return
    } catch {
        fuzzFailure("\(T.self) decoded but does not re-encode: \(error)\ninput: \(hex(bytes))\nvalue: \(first)")
    }
    let second: T
    do {
        second = try ProtobufDecoder().decode(T.self, from: encoded)
    } catch {
        fuzzFailure("\(T.self) re-encoding does not decode: \(error)\ninput: \(hex(bytes))\nre-encoded: \(hex(encoded))\nvalue: \(first)")
    }
    let again: [UInt8]
    do {
        again = try ProtobufEncoder().encode(second)
    } catch {
        fuzzFailure("\(T.self) second encoding failed: \(error)\ninput: \(hex(bytes))")
    }
    // NaN != NaN, so a value holding a NaN float is compared by its bytes.
    guard second == first || again == encoded else {
        fuzzFailure("\(T.self) changed in a round trip\ninput: \(hex(bytes))\nre-encoded: \(hex(encoded))\nfirst:  \(first)\nsecond: \(second)")
    }
    guard again == encoded else {
        fuzzFailure("\(T.self) encodes unstably\ninput: \(hex(bytes))\nfirst encoding:  \(hex(encoded))\nsecond encoding: \(hex(again))")
    }
}

public func checkRoundTrip<T: Codable & Equatable>(_ type: T.Type, _ buffer: ByteBuffer) {
    buffer.withUnsafeReadableBytes { checkRoundTrip(T.self, $0) }
}

/// The messages the harnesses decode: the rich test message and the
/// control messages a connection carries.
public func checkAllMessages(_ bytes: UnsafeRawBufferPointer) {
    checkRoundTrip(Rich.self, bytes)
    checkRoundTrip(CallStart.self, bytes)
    checkRoundTrip(CallEnd.self, bytes)
    checkRoundTrip(Settings.self, bytes)
}
