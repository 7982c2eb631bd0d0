// Conformance with the official protobuf runtimes.
//
// Conformance/conformance.proto describes every kind of field BizingWire
// supports; `Conf` below mirrors it by hand as Codable types. Each case is a
// text file (Conformance/cases/<case>.txtpb) and a Swift value built in code
// with the same values (`ConformanceCase.all`). scripts/make-golden has the
// official runtimes turn each case into golden bytes (golden/<case>.bin, by
// protoc, cross-checked with Python) and their canonical text
// (golden/<case>.txt, protoc --decode of those bytes). The tests prove, per case:
//
//   (a) our decoder reads the official runtime's bytes as exactly the Swift value;
//   (b) protoc decodes our encoder's bytes to exactly the golden text;
//   (c) Python's protobuf parses our bytes to the same message as the golden bytes;
//   (d) our bytes are the same bytes protoc writes (deterministic output);
//   (e) decode(encode(value)) is the value again;
// and, for the fixture itself, that the goldens are up to date with the cases
// and the .proto, and that every case file has a Swift value and vice versa.
//
// protoc and Python's protobuf must be installed (scripts/test installs them):
// without them these tests fail, they do not skip.

import Foundation
import Testing
import BizingTools
import BizingWire

// MARK: - The Swift mirror of conformance.proto

/// Namespace for the mirror types (keeps their names out of other tests' way).
enum Conf {
    /// `bizing.conformance.v1.Status`, without STATUS_ARCHIVED = 3 on purpose:
    /// it and undeclared numbers must survive as `.unrecognized`.
    enum Status: ProtobufEnum {
        case unspecified
        case active
        case suspended
        case unrecognized(Int32)

        init(protobufValue: Int32) {
            switch protobufValue {
            case 0: self = .unspecified
            case 1: self = .active
            case 2: self = .suspended
            default: self = .unrecognized(protobufValue)
            }
        }

        var protobufValue: Int32 {
            switch self {
            case .unspecified: 0
            case .active: 1
            case .suspended: 2
            case .unrecognized(let value): value
            }
        }
    }

    struct Nested: Codable, Sendable {
        var name = ""
        var value: Int32 = 0
        var deltas: [Int32] = []
        var status = Status.unspecified

        enum CodingKeys: Int, CodingKey, ProtobufCodingKey {
            case name = 1, value = 2, deltas = 3, status = 4
            static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
                fieldNumber == 3 ? .zigZag : .varint
            }
        }
    }

    struct Level3: Codable, Sendable {
        var label = ""
        var delta: Int64 = 0
        var marks: [UInt32] = []
        var at: Date?

        enum CodingKeys: Int, CodingKey, ProtobufCodingKey {
            case label = 1, delta = 2, marks = 3, at = 4
            static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
                switch fieldNumber {
                case 2: .zigZag
                case 3: .fixed
                default: .varint
                }
            }
        }
    }

    struct Level2: Codable, Sendable {
        var name = ""
        var leaf: Level3?
        var leaves: [Level3] = []
        var byKey: [String: Level3] = [:]

        enum CodingKeys: Int, CodingKey {
            case name = 1, leaf = 2, leaves = 3, byKey = 4
        }
    }

    struct Level1: Codable, Sendable {
        var id: Int64 = 0
        var child: Level2?
        var stamp: Int64?

        enum CodingKeys: Int, CodingKey, ProtobufCodingKey {
            case id = 1, child = 2, stamp = 3
            static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
                fieldNumber == 3 ? .fixed : .varint
            }
        }
    }

    /// `bizing.conformance.v1.Everything`. Message fields are optionals
    /// (messages have presence); properties are in field-number order, the
    /// order protoc writes fields in.
    struct Everything: Codable, Sendable {
        var fInt32: Int32 = 0
        var fInt64: Int64 = 0
        var fUint32: UInt32 = 0
        var fUint64: UInt64 = 0
        var fSint32: Int32 = 0
        var fSint64: Int64 = 0
        var fFixed32: UInt32 = 0
        var fFixed64: UInt64 = 0
        var fSfixed32: Int32 = 0
        var fSfixed64: Int64 = 0
        var fBool = false
        var fFloat: Float = 0
        var fDouble: Double = 0
        var fString = ""
        var fBytes = Data()

        var oInt32: Int32?
        var oInt64: Int64?
        var oUint32: UInt32?
        var oUint64: UInt64?
        var oSint32: Int32?
        var oSint64: Int64?
        var oFixed32: UInt32?
        var oFixed64: UInt64?
        var oSfixed32: Int32?
        var oSfixed64: Int64?
        var oBool: Bool?
        var oFloat: Float?
        var oDouble: Double?
        var oString: String?
        var oBytes: Data?

        var rInt32: [Int32] = []
        var rInt64: [Int64] = []
        var rUint32: [UInt32] = []
        var rUint64: [UInt64] = []
        var rSint32: [Int32] = []
        var rSint64: [Int64] = []
        var rFixed32: [UInt32] = []
        var rFixed64: [UInt64] = []
        var rSfixed32: [Int32] = []
        var rSfixed64: [Int64] = []
        var rBool: [Bool] = []
        var rFloat: [Float] = []
        var rDouble: [Double] = []
        var rString: [String] = []
        var rBytes: [Data] = []

        var nested: Nested?
        var rNested: [Nested] = []

        var mStringInt32: [String: Int32] = [:]
        var mInt64String: [Int64: String] = [:]
        var mStringNested: [String: Nested] = [:]
        var mUint32Double: [UInt32: Double] = [:]
        var mInt32Status: [Int32: Status] = [:]
        var mStringBytes: [String: Data] = [:]

        var status = Status.unspecified
        var oStatus: Status?
        var rStatus: [Status] = []

        var ts: Date?
        var rTs: [Date] = []

        var deep: Level1?

        enum CodingKeys: Int, CodingKey, ProtobufCodingKey {
            case fInt32 = 1, fInt64, fUint32, fUint64, fSint32, fSint64, fFixed32, fFixed64
            case fSfixed32, fSfixed64, fBool, fFloat, fDouble, fString, fBytes
            case oInt32 = 16, oInt64, oUint32, oUint64, oSint32, oSint64, oFixed32, oFixed64
            case oSfixed32, oSfixed64, oBool, oFloat, oDouble, oString, oBytes
            case rInt32 = 31, rInt64, rUint32, rUint64, rSint32, rSint64, rFixed32, rFixed64
            case rSfixed32, rSfixed64, rBool, rFloat, rDouble, rString, rBytes
            case nested = 46, rNested = 47
            case mStringInt32 = 48, mInt64String, mStringNested, mUint32Double, mInt32Status, mStringBytes
            case status = 54, oStatus = 55, rStatus = 56
            case ts = 57, rTs = 58
            case deep = 59

            static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
                // The sint, fixed and sfixed fields of each group of 15
                // (singular, optional, repeated) sit at offsets 4...9.
                guard (1...45).contains(fieldNumber) else { return .varint }
                switch (fieldNumber - 1) % 15 {
                case 4, 5: return .zigZag
                case 6, 7, 8, 9: return .fixed
                default: return .varint
                }
            }
        }
    }
}

// MARK: - The cases

/// A case: a name (the file stem in cases/ and golden/) and the Swift value
/// with the same values as the .txtpb.
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    let name: String
    let value: Conf.Everything
    var testDescription: String { name }

    static let all: [ConformanceCase] = [
        ConformanceCase(name: "defaults", value: Conf.Everything()),
        ConformanceCase(name: "typical", value: typical),
        ConformanceCase(name: "explicit_zero", value: explicitZero),
        ConformanceCase(name: "extremes", value: extremes),
        ConformanceCase(name: "unknown_enum", value: unknownEnum),
        ConformanceCase(name: "large", value: large),
    ]

    static var typical: Conf.Everything {
        var v = Conf.Everything()
        v.fInt32 = 42
        v.fInt64 = 1_234_567_890_123
        v.fUint32 = 3_000_000_000
        v.fUint64 = 10_000_000_000_000_000_000
        v.fSint32 = -42
        v.fSint64 = -1_234_567_890_123
        v.fFixed32 = 123_456_789
        v.fFixed64 = 1_234_567_890_123_456_789
        v.fSfixed32 = -123_456_789
        v.fSfixed64 = -1_234_567_890_123_456_789
        v.fBool = true
        v.fFloat = 3.1415927
        v.fDouble = 2.718281828459045
        v.fString = "Booking #42 — confirmed"
        v.fBytes = Data([0x00, 0x01, 0x02, 0xFE, 0xFF])

        v.oInt32 = 7
        v.oInt64 = -7
        v.oUint32 = 8
        v.oUint64 = 9
        v.oSint32 = -10
        v.oSint64 = 11
        v.oFixed32 = 12
        v.oFixed64 = 13
        v.oSfixed32 = -14
        v.oSfixed64 = 15
        v.oBool = true
        v.oFloat = 0.5
        v.oDouble = -0.25
        v.oString = "optional"
        v.oBytes = Data("opt".utf8)

        v.rInt32 = [1, -1, 300, 0]
        v.rInt64 = [1, -1, 5_000_000_000]
        v.rUint32 = [0, 1, 128, .max]
        v.rUint64 = [0, .max]
        v.rSint32 = [0, -1, 1, -64, 64]
        v.rSint64 = [-2, 2]
        v.rFixed32 = [1, 2, 3]
        v.rFixed64 = [4, 5]
        v.rSfixed32 = [-1, 0, 1]
        v.rSfixed64 = [-2, 0, 2]
        v.rBool = [true, false, true]
        v.rFloat = [1.5, -2.25]
        v.rDouble = [0.1, 1e100]
        v.rString = ["a", "", "ünïcödé"]
        v.rBytes = [Data([0x01]), Data()]

        v.nested = Conf.Nested(name: "n", value: 5, deltas: [-1, 1], status: .active)
        v.rNested = [
            Conf.Nested(name: "first", value: 1),
            Conf.Nested(),
            Conf.Nested(name: "third", status: .suspended),
        ]

        v.mStringInt32 = ["b": 2, "a": 1, "c": -3]
        v.mInt64String = [10: "ten", -5: "minus five", 3: "three"]
        v.mStringNested = ["y": Conf.Nested(), "x": Conf.Nested(name: "nx", value: 1)]
        v.mUint32Double = [4_000_000_000: -1e-300, 1: 0.5]
        v.mInt32Status = [2: .suspended, 1: .active]
        v.mStringBytes = ["k": Data([0x00, 0x76])]

        v.status = .active
        v.oStatus = .suspended
        v.rStatus = [.active, .suspended, .unspecified]

        v.ts = Date(timeIntervalSince1970: 1_700_000_000.5)
        v.rTs = [
            Date(timeIntervalSince1970: 1_714_566_896.25),
            Date(timeIntervalSince1970: 1.125),
            Date(timeIntervalSince1970: 0),
        ]

        v.deep = Conf.Level1(
            id: 1,
            child: Conf.Level2(
                name: "level2",
                leaf: Conf.Level3(label: "level3", delta: -3, marks: [1, 2], at: Date(timeIntervalSince1970: 60)),
                leaves: [Conf.Level3(label: "a"), Conf.Level3(label: "b", delta: 9)],
                byKey: ["k": Conf.Level3(label: "mapped")]
            ),
            stamp: -100
        )
        return v
    }

    static var explicitZero: Conf.Everything {
        var v = Conf.Everything()
        v.oInt32 = 0
        v.oInt64 = 0
        v.oUint32 = 0
        v.oUint64 = 0
        v.oSint32 = 0
        v.oSint64 = 0
        v.oFixed32 = 0
        v.oFixed64 = 0
        v.oSfixed32 = 0
        v.oSfixed64 = 0
        v.oBool = false
        v.oFloat = 0
        v.oDouble = 0
        v.oString = ""
        v.oBytes = Data()

        v.rInt32 = [0, 0]
        v.rSint64 = [0]
        v.rFixed32 = [0]
        v.rBool = [false]
        v.rFloat = [0]
        v.rDouble = [0]
        v.rString = ["", ""]
        v.rBytes = [Data()]

        v.nested = Conf.Nested()
        v.rNested = [Conf.Nested(), Conf.Nested()]

        v.mStringInt32 = ["": 0]
        v.mInt64String = [0: ""]
        v.mStringNested = ["": Conf.Nested()]
        v.mUint32Double = [0: 0]
        v.mInt32Status = [0: .unspecified]
        v.mStringBytes = ["": Data()]

        v.oStatus = .unspecified
        v.rStatus = [.unspecified]

        v.ts = Date(timeIntervalSince1970: 0)
        v.rTs = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 0)]

        v.deep = Conf.Level1(
            child: Conf.Level2(leaf: Conf.Level3(at: Date(timeIntervalSince1970: 0)), leaves: [Conf.Level3()]),
            stamp: 0
        )
        return v
    }

    static var extremes: Conf.Everything {
        var v = Conf.Everything()
        v.fInt32 = .min
        v.fInt64 = .min
        v.fUint32 = .max
        v.fUint64 = .max
        v.fSint32 = .min
        v.fSint64 = .min
        v.fFixed32 = .max
        v.fFixed64 = .max
        v.fSfixed32 = .min
        v.fSfixed64 = .min
        v.fBool = true
        v.fFloat = -.infinity
        v.fDouble = -0.0
        v.fString = "😀 𝄞 é € 中 \u{10FFFF}"
        v.fBytes = Data(String(repeating: "0123456789", count: 30).utf8)

        v.oInt32 = .max
        v.oInt64 = .max
        v.oUint32 = .max
        v.oUint64 = .max
        v.oSint32 = .max
        v.oSint64 = .max
        v.oFixed32 = .max
        v.oFixed64 = .max
        v.oSfixed32 = .max
        v.oSfixed64 = .max
        v.oBool = true
        v.oFloat = .infinity
        v.oDouble = -.infinity
        v.oString = "𝄞"
        v.oBytes = Data([0xFF])

        v.rInt32 = (0..<31).map { Int32(-1) << $0 } + [.max, 0]
        v.rInt64 = (0..<64).map { Int64(-1) << $0 }
        v.rUint32 = (0..<32).map { UInt32(1) << $0 } + [.max]
        v.rUint64 = (0..<64).map { UInt64(1) << $0 } + [.max]
        v.rSint32 = [.min, .max, -1, 0, 1]
        v.rSint64 = (0..<64).map { Int64(-1) << $0 } + [.max]
        v.rFixed32 = [0, 1, .max]
        v.rFixed64 = (0..<20).map { UInt64.max - UInt64($0) }
        v.rSfixed32 = [.min, -1, 0, .max]
        v.rSfixed64 = [.min, -1, 0, .max]
        v.rBool = (0..<200).map { $0 % 3 == 0 }
        v.rFloat = [
            .infinity, -.infinity, -0.0, 0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            .leastNormalMagnitude, .leastNonzeroMagnitude,
        ]
        v.rDouble = [
            .infinity, -.infinity, -0.0, 0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            .leastNormalMagnitude, .leastNonzeroMagnitude,
        ]
        v.rString = ["", "😀", String(repeating: "é", count: 100)]
        v.rBytes = [Data((0...255).map { UInt8($0) })]

        v.nested = Conf.Nested(
            name: String(repeating: "n", count: 200), value: .min, deltas: [.min, .max], status: .suspended)

        v.mStringInt32 = ["😀": 5, "～": 4, "é": 3, "a": 2, "Z": 1, "": -1, "zz": .min]
        v.mInt64String = [.max: "max", .min: "min", -1: "😀", 0: ""]
        v.mStringNested = ["big": Conf.Nested(name: String(repeating: "b", count: 150), deltas: [-1])]
        v.mUint32Double = [.max: .infinity, 7: -.infinity, 0: -0.0]
        v.mStringBytes = ["😀": Data([0xFF, 0x00])]

        v.ts = Date(timeIntervalSince1970: -62_135_596_800)
        v.rTs = [
            Date(timeIntervalSince1970: 253_402_300_799.5),
            Date(timeIntervalSince1970: -1.5),
            Date(timeIntervalSince1970: -0.125),
        ]

        v.deep = Conf.Level1(
            id: .min,
            child: Conf.Level2(
                name: String(repeating: "2", count: 150),
                leaf: Conf.Level3(
                    label: String(repeating: "3", count: 150), delta: .min, marks: [.max],
                    at: Date(timeIntervalSince1970: -1.5)),
                leaves: [Conf.Level3(label: String(repeating: "L", count: 130), delta: .max), Conf.Level3()],
                byKey: ["😀": Conf.Level3(label: String(repeating: "m", count: 140))]
            ),
            stamp: .min
        )
        return v
    }

    static var unknownEnum: Conf.Everything {
        var v = Conf.Everything()
        v.status = .unrecognized(3)
        v.oStatus = .unrecognized(99)
        v.rStatus = [.unrecognized(3), .unrecognized(-1), .active, .unrecognized(.max), .unrecognized(.min), .unrecognized(3)]
        v.nested = Conf.Nested(name: "future", status: .unrecognized(100))
        v.rNested = [Conf.Nested(status: .unrecognized(-7))]
        v.mInt32Status = [1: .unrecognized(3), -1: .unrecognized(-5), 2: .unrecognized(1000)]
        return v
    }

    static var large: Conf.Everything {
        var v = Conf.Everything()
        v.deep = Conf.Level1(
            id: 3,
            child: Conf.Level2(name: "outer", leaf: Conf.Level3(label: String(repeating: "x", count: 17_000), delta: -1))
        )
        return v
    }
}

// MARK: - Tests

@Suite("Conformance with the official protobuf runtimes")
struct ConformanceTests {
    static let message = "bizing.conformance.v1.Everything"

    @Test("(a) our decoder reads the official runtime's golden bytes as the expected value", arguments: ConformanceCase.all)
    func decodesGolden(_ c: ConformanceCase) throws {
        let golden = try Fixture.golden(c.name, "bin")
        let decoded = try ProtobufDecoder().decode(Conf.Everything.self, from: golden)
        let diffs = differences(c.value, decoded)
        #expect(diffs.isEmpty, "decoding golden/\(c.name).bin:\n\(diffs.joined(separator: "\n"))")
    }

    @Test("(b) protoc decodes our bytes to exactly the golden text", arguments: ConformanceCase.all)
    func protocDecodesOurBytes(_ c: ConformanceCase) throws {
        let ours = try ProtobufEncoder().encode(c.value)
        let result = try Tools.run(try Tools.protoc(), Tools.protocIncludes + ["--decode=\(Self.message)", Fixture.proto.path], stdin: Data(ours))
        try #require(result.status == 0, "protoc --decode rejected our bytes for \(c.name): \(result.stderrText)")
        let expected = String(decoding: try Fixture.golden(c.name, "txt"), as: UTF8.self)
        let actual = String(decoding: result.stdout, as: UTF8.self)
        let matches = actual == expected
        #expect(matches, "protoc's text of our bytes differs from golden/\(c.name).txt:\n\(firstDifference(expected, actual))")
    }

    @Test("(c) Python's protobuf parses our bytes to the golden message", arguments: ConformanceCase.all)
    func pythonAgrees(_ c: ConformanceCase) throws {
        // One Python run checks every case: its start-up is most of the cost.
        let verdicts = try PythonCheck.verdicts.get()
        let verdict = try #require(verdicts[c.name], "pbcheck.py returned no verdict for \(c.name)")
        let agrees = verdict.ok
        #expect(agrees, "python protobuf disagrees for \(c.name): \(verdict.detail)")
    }

    @Test("(d) our bytes are exactly the bytes protoc writes", arguments: ConformanceCase.all)
    func byteIdentical(_ c: ConformanceCase) throws {
        let ours = try ProtobufEncoder().encode(c.value)
        let golden = [UInt8](try Fixture.golden(c.name, "bin"))
        let at = zip(ours, golden).enumerated().first { $1.0 != $1.1 }?.offset ?? min(ours.count, golden.count)
        func hex(_ bytes: [UInt8]) -> String {
            bytes[max(0, at - 8)..<min(bytes.count, at + 16)].map { String(format: "%02x", $0) }.joined(separator: " ")
        }
        let identical = ours == golden
        #expect(identical, """
            \(c.name): \(ours.count) bytes vs protoc's \(golden.count), first difference at byte \(at)
              ours:   … \(hex(ours))
              protoc: … \(hex(golden))
            """)
    }

    @Test("(e) decode(encode(value)) is the value", arguments: ConformanceCase.all)
    func roundTrip(_ c: ConformanceCase) throws {
        let decoded = try ProtobufDecoder().decode(Conf.Everything.self, from: try ProtobufEncoder().encode(c.value))
        let diffs = differences(c.value, decoded)
        #expect(diffs.isEmpty, "round trip of \(c.name):\n\(diffs.joined(separator: "\n"))")
    }

    @Test("the golden files are what protoc makes of the cases today (else run scripts/make-golden)", arguments: ConformanceCase.all)
    func goldenIsFresh(_ c: ConformanceCase) throws {
        let text = try Data(contentsOf: Fixture.directory.appendingPathComponent("cases/\(c.name).txtpb"))
        let result = try Tools.run(
            try Tools.protoc(),
            Tools.protocIncludes + ["--deterministic_output", "--encode=\(Self.message)", Fixture.proto.path], stdin: text)
        try #require(result.status == 0, "protoc --encode failed for cases/\(c.name).txtpb: \(result.stderrText)")
        let fresh = result.stdout == (try Fixture.golden(c.name, "bin"))
        #expect(fresh, "golden/\(c.name).bin is stale: run scripts/make-golden")
    }

    @Test("every case file has a Swift value, and every Swift value a case file and goldens")
    func casesMatchFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixture.directory.appendingPathComponent("cases").path)
        let onDisk = Set(files.filter { $0.hasSuffix(".txtpb") }.map { String($0.dropLast(".txtpb".count)) })
        let inSwift = Set(ConformanceCase.all.map(\.name))
        #expect(onDisk == inSwift, "cases/*.txtpb and ConformanceCase.all differ")
        for name in inSwift {
            for ext in ["bin", "txt"] {
                #expect(FileManager.default.fileExists(atPath: Fixture.goldenURL(name, ext).path), "golden/\(name).\(ext) missing: run scripts/make-golden")
            }
        }
    }
}

// MARK: - Fixture files and tools

enum Fixture {
    /// Found from this source file, not the bundle: the directory is excluded
    /// from the target's resources.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Conformance")
    static let proto = directory.appendingPathComponent("conformance.proto")
    static let pbcheck = directory.appendingPathComponent("pbcheck.py")

    static func goldenURL(_ name: String, _ ext: String) -> URL {
        directory.appendingPathComponent("golden/\(name).\(ext)")
    }

    static func golden(_ name: String, _ ext: String) throws -> Data {
        try Data(contentsOf: goldenURL(name, ext))
    }
}

struct ToolResult {
    var status: Int32
    var stdout: Data
    var stderr: Data
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

enum Tools {
    static let installHint = "run scripts/test, which installs protoc (protobuf-compiler, libprotobuf-dev) and Python's protobuf package"

    static var protocIncludes: [String] {
        var includes = ["-I", Fixture.directory.path]
        if FileManager.default.fileExists(atPath: "/usr/include/google/protobuf/timestamp.proto") {
            includes += ["-I", "/usr/include"]
        }
        return includes
    }

    static func find(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// protoc, or a failure that says how to install it.
    static func protoc() throws -> URL {
        try #require(find("protoc"), "protoc is not installed: \(installHint)")
    }

    static func temporaryFile(named name: String, contents: Data) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try contents.write(to: url)
        return url
    }

    /// Runs a tool to completion. stdin, stdout and stderr go through files,
    /// so no pipe can fill up and block.
    static func run(_ executable: URL, _ arguments: [String], stdin: Data = Data()) throws -> ToolResult {
        let input = try temporaryFile(named: "stdin", contents: stdin)
        let dir = input.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("stdout"), errURL = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let inHandle = try FileHandle(forReadingFrom: input)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer {
            try? inHandle.close()
            try? outHandle.close()
            try? errHandle.close()
        }
        let process = try ChildProcess(
            executable, arguments, environment: ProcessInfo.processInfo.environment,
            stdin: .file(inHandle), stdout: .file(outHandle), stderr: .file(errHandle))
        let status = process.waitForExit()
        return ToolResult(
            status: status,
            stdout: try Data(contentsOf: outURL),
            stderr: try Data(contentsOf: errURL))
    }
}

/// Python's verdicts on our bytes for every case, from one run of
/// `pbcheck.py check-dir` (computed once, by the first test that asks).
enum PythonCheck {
    struct Verdict: Decodable, Sendable {
        var ok: Bool
        var identical: Bool
        var detail: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let verdicts: Result<[String: Verdict], Failure> = {
        do {
            return .success(try run())
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    private static func run() throws -> [String: Verdict] {
        guard let python = Tools.find("python3") else {
            throw Failure(description: "python3 is not installed: \(Tools.installHint)")
        }
        guard Tools.find("protoc") != nil else {
            throw Failure(description: "protoc is not installed: \(Tools.installHint)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for c in ConformanceCase.all {
            try Data(try ProtobufEncoder().encode(c.value)).write(to: dir.appendingPathComponent("\(c.name).bin"))
        }
        let result = try Tools.run(python, [Fixture.pbcheck.path, "check-dir", Fixture.directory.appendingPathComponent("golden").path, dir.path])
        if result.status == 3 {
            throw Failure(description: "Python's protobuf package is not installed (\(result.stderrText)): \(Tools.installHint)")
        }
        guard result.status == 0 else {
            throw Failure(description: "pbcheck.py check-dir failed (exit \(result.status)): \(result.stderrText)")
        }
        return try JSONDecoder().decode([String: Verdict].self, from: result.stdout)
    }
}

// MARK: - Comparing values

/// Where two values differ, as "path: expected …, got …" lines; empty when
/// they are the same. Stricter than `==` where protobuf is: floats compare by
/// bit pattern (so -0.0 is not 0.0); looser where `Date` must be: dates
/// compare within 1 µs (a `Date` holds about 0.1 µs of precision, a
/// Timestamp 1 ns). Walks structs, optionals, arrays and dictionaries.
func differences(_ expected: Any, _ actual: Any, path: String = "") -> [String] {
    func mismatch(_ e: Any, _ a: Any) -> [String] {
        ["\(path.isEmpty ? "value" : path): expected \(describe(e)), got \(describe(a))"]
    }
    switch (expected, actual) {
    case let (e as Float, a as Float):
        return e.bitPattern == a.bitPattern ? [] : mismatch(e, a)
    case let (e as Double, a as Double):
        return e.bitPattern == a.bitPattern ? [] : mismatch(e, a)
    case let (e as Date, a as Date):
        return abs(e.timeIntervalSince1970 - a.timeIntervalSince1970) <= 1e-6 ? [] : mismatch(e.timeIntervalSince1970, a.timeIntervalSince1970)
    case let (e as Data, a as Data):
        return e == a ? [] : mismatch(e, a)
    case let (e as String, a as String):
        return e == a ? [] : mismatch(e, a)
    default:
        break
    }
    let em = Mirror(reflecting: expected), am = Mirror(reflecting: actual)
    guard ObjectIdentifier(em.subjectType) == ObjectIdentifier(am.subjectType) else {
        return ["\(path): expected a \(em.subjectType), got a \(am.subjectType)"]
    }
    switch em.displayStyle {
    case .optional:
        switch (em.children.first?.value, am.children.first?.value) {
        case (nil, nil): return []
        case (let e?, let a?): return differences(e, a, path: path)
        case (let e, let a): return mismatch(e as Any, a as Any)
        }
    case .collection:
        let e = em.children.map(\.value), a = am.children.map(\.value)
        guard e.count == a.count else { return ["\(path): expected \(e.count) elements, got \(a.count)"] }
        return zip(e, a).enumerated().flatMap { differences($1.0, $1.1, path: "\(path)[\($0)]") }
    case .dictionary:
        func entries(_ mirror: Mirror) -> [String: Any] {
            var result: [String: Any] = [:]
            for child in mirror.children {
                let pair = Mirror(reflecting: child.value).children.map(\.value)
                result[String(reflecting: pair[0])] = pair[1]
            }
            return result
        }
        let e = entries(em), a = entries(am)
        guard Set(e.keys) == Set(a.keys) else {
            return ["\(path): expected keys \(e.keys.sorted()), got \(a.keys.sorted())"]
        }
        return e.keys.sorted().flatMap { differences(e[$0]!, a[$0]!, path: "\(path)[\($0)]") }
    case .struct, .class:
        let e = Array(em.children), a = Array(am.children)
        return zip(e, a).flatMap { differences($0.value, $1.value, path: path.isEmpty ? $0.label ?? "?" : "\(path).\($0.label ?? "?")") }
    default:
        // Integers, Bool, enums: their descriptions are exact.
        return String(reflecting: expected) == String(reflecting: actual) ? [] : mismatch(expected, actual)
    }
}

private func describe(_ value: Any) -> String {
    let text = String(reflecting: value)
    return text.count > 200 ? String(text.prefix(200)) + "… (\(text.count) characters)" : text
}

/// The first differing line of two texts, with its line number.
func firstDifference(_ expected: String, _ actual: String) -> String {
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<max(e.count, a.count) {
        let el = i < e.count ? String(e[i]) : "<end>"
        let al = i < a.count ? String(a[i]) : "<end>"
        if el != al { return "line \(i + 1): expected \(el.prefix(300))\n        got      \(al.prefix(300))" }
    }
    return "(no line differs)"
}
