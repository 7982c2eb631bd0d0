import Testing
import Foundation
import BizingRPC
@testable import BizingTools

/// A request with a field of every kind a generated command has a flag for,
/// and a map (set through --data only).
private let order = MessageDescriptor(name: "t.Order", fields: [
    FieldDescriptor(number: 1, name: "item_name", jsonName: "itemName", type: "string"),
    FieldDescriptor(number: 2, name: "delta", jsonName: "delta", type: "sint32"),
    FieldDescriptor(number: 3, name: "gift", jsonName: "gift", type: "bool"),
    FieldDescriptor(number: 4, name: "tags", jsonName: "tags", type: "repeated string"),
    FieldDescriptor(number: 5, name: "speed", jsonName: "speed", type: "enum t.Order.Speed"),
    FieldDescriptor(number: 6, name: "deliver_at", jsonName: "deliverAt", type: "google.protobuf.Timestamp"),
    FieldDescriptor(number: 7, name: "colors", jsonName: "colors", type: "repeated enum t.Color"),
    FieldDescriptor(number: 8, name: "big", jsonName: "big", type: "int64"),
    FieldDescriptor(number: 9, name: "blob", jsonName: "blob", type: "bytes"),
    FieldDescriptor(number: 10, name: "extras", jsonName: "extras", type: "map<string, int64>"),
    FieldDescriptor(number: 11, name: "ratio", jsonName: "ratio", type: "double"),
    FieldDescriptor(number: 12, name: "count", jsonName: "count", type: "optional uint32"),
])
private let speed = EnumDescriptor(name: "t.Order.Speed", values: [("SPEED_UNSPECIFIED", 0), ("SPEED_EXPRESS", 1), ("SPEED_NEXT_DAY", 2)])
/// Without a common prefix.
private let color = EnumDescriptor(name: "t.Color", values: [("RED", 0), ("DARK_BLUE", 1)])
/// Two names that differ only by an underscore.
private let clash = EnumDescriptor(name: "t.Clash", values: [("CLASH_A_B", 0), ("CLASH_AB", 1)])
private let codec = DescriptorJSON(messages: [order], enums: [speed, color, clash])

@Suite struct RequestFlagsTests {
    @Test("flags give the same request as the proto3 JSON they stand for")
    func flagsBecomeJSON() throws {
        let flags = [
            FlagSetting("item_name", "--item-name", Optional("tea")),
            FlagSetting("delta", "--delta", Optional(Int32(-5))),
            FlagSetting("gift", "--gift", Optional(false)),
            FlagSetting("tags", "--tags", ["a", "b"]),
            FlagSetting("speed", "--speed", Optional("next-day")),
            FlagSetting("deliver_at", "--deliver-at", Optional("2026-11-25T09:30:00Z")),
            FlagSetting("colors", "--colors", ["dark_blue", "0"]),
            FlagSetting("big", "--big", Optional(Int64(9_007_199_254_740_993))),
            FlagSetting("blob", "--blob", Optional("AAEC")),
            FlagSetting("ratio", "--ratio", Optional(0.25)),
            FlagSetting("count", "--count", Optional(UInt32(0))),
        ]
        let object = try codec.applying(flags, to: [:], as: "t.Order")
        #expect(object["speed"] as? String == "SPEED_NEXT_DAY")
        #expect(object["colors"] as? [String] == ["DARK_BLUE", "RED"])
        #expect(object["gift"] as? Bool == false)
        let json: [String: Any] = [
            "itemName": "tea", "delta": -5, "gift": false, "tags": ["a", "b"], "speed": "SPEED_NEXT_DAY",
            "deliverAt": "2026-11-25T09:30:00Z", "colors": ["DARK_BLUE", "RED"], "big": "9007199254740993",
            "blob": "AAEC", "ratio": 0.25, "count": 0,
        ]
        #expect(try codec.encode(object, as: "t.Order") == (try codec.encode(json, as: "t.Order")))
    }

    @Test("a flag replaces its field in --data, under either name; a repeated flag replaces the whole list")
    func flagsOverrideData() throws {
        let data: [String: Any] = ["item_name": "x", "itemName": "y", "tags": ["z"], "gift": true, "speed": 1]
        let object = try codec.applying([
            FlagSetting("item_name", "--item-name", Optional("tea")),
            FlagSetting("tags", "--tags", ["a"]),
            FlagSetting("delta", "--delta", Int32?.none),
            FlagSetting("colors", "--colors", [String]()),
        ], to: data, as: "t.Order")
        #expect(object.keys.sorted() == ["gift", "itemName", "speed", "tags"])
        #expect(object["itemName"] as? String == "tea")
        #expect(object["tags"] as? [String] == ["a"])
        #expect(object["gift"] as? Bool == true)
        #expect(object["speed"] as? Int == 1)
    }

    @Test("enum values as people type them", arguments: [
        ("t.Order.Speed", "SPEED_EXPRESS", "SPEED_EXPRESS"),
        ("t.Order.Speed", "express", "SPEED_EXPRESS"),
        ("t.Order.Speed", "Express", "SPEED_EXPRESS"),
        ("t.Order.Speed", "speed_express", "SPEED_EXPRESS"),
        ("t.Order.Speed", "next-day", "SPEED_NEXT_DAY"),
        ("t.Order.Speed", "NEXT_DAY", "SPEED_NEXT_DAY"),
        ("t.Order.Speed", "nextDay", "SPEED_NEXT_DAY"),
        ("t.Order.Speed", "2", "SPEED_NEXT_DAY"),
        ("t.Color", "dark-blue", "DARK_BLUE"),
        ("t.Color", "Red", "RED"),
        ("t.Clash", "CLASH_AB", "CLASH_AB"),
    ])
    func enumNames(enumName: String, text: String, expected: String) throws {
        #expect(try codec.enumValueName(text, of: enumName) == expected)
    }

    @Test("problems name the flag")
    func problems() {
        func problem(_ setting: FlagSetting) -> String? {
            do { _ = try codec.applying([setting], to: [:], as: "t.Order"); return nil } catch { return "\(error)" }
        }
        #expect(problem(FlagSetting("speed", "--speed", Optional("slow")))
                == "--speed: slow is not a value of t.Order.Speed; one of: unspecified, express, next-day")
        #expect(problem(FlagSetting("speed", "--speed", Optional("7"))) == "--speed: 7 is not a value of t.Order.Speed")
        #expect(problem(FlagSetting("colors", "--colors", ["blue"])) == "--colors: blue is not a value of t.Color; one of: red, dark-blue")
        #expect(problem(FlagSetting(field: "gift", flag: "--gift", values: ["maybe"])) == "--gift: expected true or false")
        #expect(problem(FlagSetting("extras", "--extras", Optional("a=1"))) == "--extras: a map is given with --data only")
        #expect(problem(FlagSetting("nope", "--nope", Optional(1))) == "--nope: t.Order has no field nope")
        #expect(problem(FlagSetting(field: "item_name", flag: "--item-name", values: ["a", "b"])) == "--item-name: given 2 times; give it once")
        #expect(throws: DescriptorJSON.Problem.self) { try codec.enumValueName("ab", of: "t.Clash") }
    }

    @Test("flag values as text: nil when not given, one per occurrence")
    func settings() {
        #expect(FlagSetting("count", "--count", UInt32?.none).values == nil)
        #expect(FlagSetting("count", "--count", Optional(UInt32(3))).values == ["3"])
        #expect(FlagSetting("on", "--on", Optional(true)).values == ["true"])
        #expect(FlagSetting("tags", "--tags", [String]()).values == nil)
        #expect(FlagSetting("numbers", "--numbers", [Int64(-1), 2]).values == ["-1", "2"])
    }
}
