import Testing
import Foundation
import BizingStore

/// A seeded generator (SplitMix64), so ids are reproducible in tests.
struct SeededRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func bytes(_ id: UUID) -> [UInt8] {
    withUnsafeBytes(of: id.uuid) { Array($0) }
}

@Suite struct IDGeneratorTests {
    @Test func idsCarryTheClocksMillisecondsVersion7AndTheVariant() throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_767_225_600.123_9))
        let ids = IDGenerator(clock: clock, random: SeededRandom(state: 1))
        let id = ids.next()
        let b = bytes(id)
        let millis = b[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(millis == 1_767_225_600_123)
        #expect(b[6] >> 4 == 7)          // version
        #expect(b[8] >> 6 == 0b10)       // variant
        #expect(IDGenerator.date(of: id) == Date(timeIntervalSince1970: 1_767_225_600.123))
        #expect(id.lowercasedString == id.uuidString.lowercased())
        #expect(id.lowercasedString.hasPrefix("019b76da-a87b-7"))  // 0x019b76daa87b ms is 2026-01-01T00:00:00.123Z
        #expect(IDGenerator.date(of: UUID(uuidString: "f81d4fae-7dec-11d0-a765-00a0c91e6bf6")!) == nil)  // a v1
    }

    @Test func idsAreStrictlyIncreasingWhateverTheClockDoes() {
        let clock = TestClock()
        let ids = IDGenerator(clock: clock, random: SeededRandom(state: 42))
        var previous = ids.next()
        for step in 0..<20_000 {
            switch step % 7 {
            case 0: clock.advance(by: .milliseconds(1))
            case 3: clock.advance(by: .microseconds(300))
            case 5: clock.advance(by: .milliseconds(-5))  // the clock steps back
            default: break  // the same millisecond
            }
            let id = ids.next()
            #expect(bytes(previous).lexicographicallyPrecedes(bytes(id)))
            #expect(previous.lowercasedString < id.lowercasedString)
            let b = bytes(id)
            #expect(b[6] >> 4 == 7 && b[8] >> 6 == 0b10)
            previous = id
        }
    }

    @Test func freshMillisecondsGetFreshRandomBitsAndSeedsReproduce() {
        let clock = TestClock()
        let a = IDGenerator(clock: clock, random: SeededRandom(state: 7))
        let b = IDGenerator(clock: clock, random: SeededRandom(state: 7))
        let c = IDGenerator(clock: clock, random: SeededRandom(state: 8))
        let first = a.next()
        #expect(first == b.next())
        #expect(first != c.next())
        clock.advance(by: .milliseconds(1))
        let second = a.next()
        // Not the previous id plus one: the 74 bits after the timestamp were drawn again.
        #expect(bytes(second)[6...] != bytes(first)[6...])
    }

    @Test func concurrentCallersGetDistinctIds() async {
        let ids = IDGenerator()
        let all = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<1000).map { _ in ids.next() } }
            }
            var all: [UUID] = []
            for await batch in group {
                #expect(zip(batch, batch.dropFirst()).allSatisfy { $0.lowercasedString < $1.lowercasedString })
                all += batch
            }
            return all
        }
        #expect(Set(all).count == 8000)
    }
}

@Suite struct ClockTests {
    @Test func theTestClockStandsStillUntilMoved() {
        let clock = TestClock(Date(timeIntervalSince1970: 1000))
        #expect(clock.now == Date(timeIntervalSince1970: 1000))
        #expect(clock.now == clock.now)
        clock.advance(by: .milliseconds(1500))
        #expect(clock.now == Date(timeIntervalSince1970: 1001.5))
        clock.advance(by: .seconds(-1))
        #expect(clock.nowMicroseconds == 1_000_500_000)
        clock.set(Date(timeIntervalSince1970: 5))
        #expect(clock.now == Date(timeIntervalSince1970: 5))
    }

    @Test func theSystemClockFollowsTheSystem() {
        let before = Date()
        let now = SystemClock().now
        #expect(now >= before && now <= Date())
    }

    @Test func instantsRoundTripThroughMicroseconds() {
        for microseconds: Int64 in [0, 1, -1, 1_767_225_600_123_456, 2_000_000_000_999_999, 946_684_800_000_001] {
            #expect(Date(unixMicroseconds: microseconds).unixMicroseconds == microseconds)
        }
        #expect(Date(timeIntervalSince1970: 1.000_000_4).unixMicroseconds == 1_000_000)
        #expect(Date(timeIntervalSince1970: 1.000_000_6).unixMicroseconds == 1_000_001)
    }
}
