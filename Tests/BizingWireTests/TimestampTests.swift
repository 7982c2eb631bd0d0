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
        #expect(WireTimestamp(Date(timeIntervalSince1970: 253_402_300_800)) == nil)
        #expect(WireTimestamp(Date(timeIntervalSinceReferenceDate: .infinity)) == nil)
        #expect(throws: WireFormatError.self) { _ = try ProtobufEncoder().encode(Stamped(at: .distantFuture.addingTimeInterval(1e12))) }
    }
}
