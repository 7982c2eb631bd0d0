import Testing
import Foundation
import BizingAPI
import BizingRPC
import BizingWire
@testable import BizingTools

/// A message with every kind of field, described by hand.
private let everything = MessageDescriptor(name: "t.Everything", fields: [
    FieldDescriptor(number: 1, name: "name", jsonName: "name", type: "string"),
    FieldDescriptor(number: 2, name: "count", jsonName: "count", type: "int32"),
    FieldDescriptor(number: 3, name: "big", jsonName: "big", type: "int64"),
    FieldDescriptor(number: 4, name: "delta", jsonName: "delta", type: "sint32"),
    FieldDescriptor(number: 5, name: "ratio", jsonName: "ratio", type: "double"),
    FieldDescriptor(number: 6, name: "on", jsonName: "on", type: "bool"),
    FieldDescriptor(number: 7, name: "blob", jsonName: "blob", type: "bytes"),
    FieldDescriptor(number: 8, name: "color", jsonName: "color", type: "enum t.Color"),
    FieldDescriptor(number: 9, name: "at", jsonName: "at", type: "google.protobuf.Timestamp"),
    FieldDescriptor(number: 10, name: "child", jsonName: "child", type: "message t.Child"),
    FieldDescriptor(number: 11, name: "numbers", jsonName: "numbers", type: "repeated int32"),
    FieldDescriptor(number: 12, name: "children", jsonName: "children", type: "repeated message t.Child"),
    FieldDescriptor(number: 13, name: "scores", jsonName: "scores", type: "map<string, int64>"),
    FieldDescriptor(number: 14, name: "price_minor", jsonName: "priceMinor", type: "optional int64"),
    FieldDescriptor(number: 15, name: "stamp", jsonName: "stamp", type: "fixed32"),
])
private let child = MessageDescriptor(name: "t.Child", fields: [FieldDescriptor(number: 1, name: "label", jsonName: "label", type: "string")])
private let color = EnumDescriptor(name: "t.Color", values: [("COLOR_UNSPECIFIED", 0), ("COLOR_RED", 1)])
private let codec = DescriptorJSON(messages: [everything, child], enums: [color])

/// The same message as a Swift type, to check the bytes with our coder.
private struct Everything: Codable, Equatable {
    struct Child: Codable, Equatable { var label = ""; enum CodingKeys: Int, CodingKey { case label = 1 } }
    var name = "", count: Int32 = 0, big: Int64 = 0, delta: Int32 = 0, ratio = 0.0, on = false, blob = Data()
    var color: Int32 = 0, at: Date?, child: Child?, numbers: [Int32] = [], children: [Child] = [], scores: [String: Int64] = [:]
    var priceMinor: Int64?, stamp: UInt32 = 0
    enum CodingKeys: Int, ProtobufCodingKey {
        case name = 1, count, big, delta, ratio, on, blob, color, at, child, numbers, children, scores, priceMinor, stamp
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
            fieldNumber == 4 ? .zigZag : fieldNumber == 15 ? .fixed : .varint
        }
    }
}

@Suite struct DescriptorJSONTests {
    let json: [String: Any] = [
        "name": "Zoë", "count": -3, "big": "9007199254740993", "delta": -70, "ratio": 0.25, "on": true,
        "blob": "AAEC", "color": "COLOR_RED", "at": "2026-11-25T09:30:00.250Z", "child": ["label": "a"],
        "numbers": [1, -1, 300], "children": [["label": "b"], ["label": "c"]], "scores": ["x": "5", "y": 7],
        "priceMinor": 0, "stamp": 4_000_000_000,
    ]

    @Test func jsonBecomesTheSameBytesAsTheSwiftType() throws {
        let bytes = try codec.encode(json, as: "t.Everything")
        let decoded = try ProtobufDecoder().decode(Everything.self, from: bytes)
        #expect(decoded == Everything(
            name: "Zoë", count: -3, big: 9_007_199_254_740_993, delta: -70, ratio: 0.25, on: true, blob: Data([0, 1, 2]),
            color: 1, at: Date(timeIntervalSince1970: 1_795_599_000.25), child: .init(label: "a"), numbers: [1, -1, 300],
            children: [.init(label: "b"), .init(label: "c")], scores: ["x": 5, "y": 7], priceMinor: 0, stamp: 4_000_000_000))
        #expect(bytes == (try ProtobufEncoder().encode(decoded)))
    }

    @Test func bytesBecomeProto3JSON() throws {
        let object = try codec.decode(try codec.encode(json, as: "t.Everything"), as: "t.Everything")
        #expect(object["big"] as? String == "9007199254740993")
        #expect(object["color"] as? String == "COLOR_RED")
        #expect(object["at"] as? String == "2026-11-25T09:30:00.250Z")
        #expect(object["blob"] as? String == "AAEC")
        #expect(object["numbers"] as? [Int] == [1, -1, 300])
        #expect(object["scores"] as? [String: String] == ["x": "5", "y": "7"])
        #expect(object["priceMinor"] as? String == "0")
        #expect((object["children"] as? [[String: Any]])?.compactMap { $0["label"] as? String } == ["b", "c"])
    }

    @Test func problemsNameTheFieldPath() {
        func problem(_ json: [String: Any]) -> String? {
            do { _ = try codec.encode(json, as: "t.Everything"); return nil } catch { return "\(error)" }
        }
        #expect(problem(["nope": 1]) == "nope: t.Everything has no field nope")
        #expect(problem(["count": 1.5])?.hasPrefix("count: expected an integer") == true)
        #expect(problem(["count": 3_000_000_000])?.hasPrefix("count: expected an integer") == true)
        #expect(problem(["color": "COLOR_BLUE"]) == "color: COLOR_BLUE is not a value of t.Color; one of: COLOR_UNSPECIFIED, COLOR_RED")
        #expect(problem(["children": [["label": "ok"], ["label": 5]]]) == "children[1].label: expected a string")
        #expect(problem(["at": "yesterday"])?.hasPrefix("at: expected an RFC 3339 timestamp") == true)
        // No such day: refused, not rolled over into March.
        for impossible in ["2027-02-29T17:00:00Z", "2026-02-30T10:00:00Z", "2026-04-31T00:00:00+02:00", "2026-13-01T00:00:00Z"] {
            #expect(problem(["at": impossible])?.hasPrefix("at: expected an RFC 3339 timestamp") == true, "\(impossible)")
        }
        #expect(problem(["at": "2028-02-29T17:00:00Z"]) == nil, "a leap day is a day")
    }

    @Test func theRealSchemaRoundTrips() throws {
        let real = DescriptorJSON(messages: BizingSchema.messages, enums: BizingSchema.enums)
        let response = SystemV1.DescribeResponse(method: SystemV1.MethodInfo(fullName: "a.B/C", inputType: "a.I", outputType: "a.O", serverStreaming: true, documentation: "d"))
        let object = try real.decode(try ProtobufEncoder().encode(response), as: "bizing.system.v1.DescribeResponse")
        let back = try ProtobufDecoder().decode(SystemV1.DescribeResponse.self, from: try real.encode(object, as: "bizing.system.v1.DescribeResponse"))
        #expect(back == response)
    }
}
