import Testing
import Foundation
@testable import BizingWire

@Suite struct TimestampTests {
    private struct Stamped: Codable, Equatable {
        var at: Date
        enum CodingKeys: Int, CodingKey { case at = 1 }
    }

    @Test func millisecondAndMicrosecondInstantsRoundTripExactly() throws {
        var rng = WireTestRandom(seed: 7)
        for _ in 0..<5000 {
            // Whole microseconds between 1900 and 2100, as a Double would hold them.
            let micros = Int64(bitPattern: rng.next() % 6_311_433_600_000_000) - 2_208_988_800_000_000
            let date = Date(timeIntervalSince1970: Double(micros) / 1e6)
            let bytes = try ProtobufEncoder().encode(Stamped(at: date))
            let back = try ProtobufDecoder().decode(Stamped.self, from: bytes)
            #expect(back.at == date, "micros \(micros)")
        }
    }

    @Test func writesWholeMicroseconds() throws {
        let timestamp = try #require(WireTimestamp(Date(timeIntervalSince1970: 1_700_000_000.123)))
        #expect(timestamp == WireTimestamp(seconds: 1_700_000_000, nanos: 123_000_000))
        let beforeEpoch = try #require(WireTimestamp(Date(timeIntervalSince1970: -1.000_001)))
        #expect(beforeEpoch == WireTimestamp(seconds: -2, nanos: 999_999_000))
    }

    @Test func refusesDatesOutsideTheTimestampRange() {
        #expect(WireTimestamp(Date(timeIntervalSince1970: -62_135_596_801)) == nil)
        #expect(WireTimestamp(Date(timeIntervalSince1970: 253_402_300_801)) == nil)
        #expect(WireTimestamp(Date(timeIntervalSinceReferenceDate: .infinity)) == nil)
        #expect(throws: WireFormatError.self) { _ = try ProtobufEncoder().encode(Stamped(at: .distantFuture.addingTimeInterval(1e12))) }
    }
}

@Suite struct TimestampRangeTests {
    private struct Stamped: Codable {
        var at: Date
        enum CodingKeys: Int, CodingKey { case at = 1 }
    }

    @Test func decoderRefusesSecondsTheEncoderCouldNotWriteBack() throws {
        for seconds: Int64 in [-62_135_596_801, 253_402_300_800, .min, .max] {
            var body: [UInt8] = [0x08]
            var v = UInt64(bitPattern: seconds)
            while v >= 0x80 { body.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            body.append(UInt8(v))
            let message: [UInt8] = [0x0A, UInt8(body.count)] + body
            let error = #expect(throws: WireFormatError.self) { _ = try ProtobufDecoder().decode(Stamped.self, from: message) }
            #expect(error?.code == .valueOutOfRange)
            #expect(error?.fieldNumber == 1)
            #expect(error?.offset == 0)
        }
        // The extremes themselves are fine both ways.
        for seconds in [WireTimestamp.validSeconds.lowerBound, WireTimestamp.validSeconds.upperBound] {
            let date = Date(timeIntervalSince1970: Double(seconds))
            let back = try ProtobufDecoder().decode(Stamped.self, from: try ProtobufEncoder().encode(Stamped(at: date)))
            #expect(back.at == date)
        }
    }
}

@Suite struct TimestampEdgeTests {
    @Test func theLastValidInstantDoesNotRoundPastTheRange() throws {
        let last = WireTimestamp(seconds: WireTimestamp.validSeconds.upperBound, nanos: 999_999_999).date
        let timestamp = try #require(WireTimestamp(last))
        #expect(timestamp.seconds == WireTimestamp.validSeconds.upperBound)
        #expect(timestamp.nanos <= 999_999_999)
    }
}
