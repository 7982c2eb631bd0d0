public import BizingRPC
import BizingWire
import Foundation

/// Converts between proto3 JSON and protobuf bytes using the schema's
/// descriptors, so a tool can call any method without its Swift types:
/// lowerCamelCase names (proto names accepted too), enum names, RFC 3339
/// timestamps, base64 bytes, 64-bit integers as strings.
public struct DescriptorJSON: Sendable {
    let messages: [String: MessageDescriptor]
    let enums: [String: EnumDescriptor]

    public init(messages: [MessageDescriptor], enums: [EnumDescriptor]) {
        self.messages = Dictionary(messages.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.enums = Dictionary(enums.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A JSON problem at a field path, e.g. `participants[1].email`.
    public struct Problem: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
    }

    // MARK: Field types

    indirect enum Kind {
        case scalar(String)
        case message(String)
        case enumeration(String)
        case timestamp
    }

    enum Shape {
        case single(Kind)
        case repeated(Kind)
        case map(key: String, value: Kind)
    }

    func shape(_ type: String) -> Shape {
        if type.hasPrefix("map<") {
            let inner = type.dropFirst(4).dropLast()
            let parts = inner.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return .map(key: parts[0], value: kind(parts[1]))
        }
        if type.hasPrefix("repeated ") { return .repeated(kind(String(type.dropFirst(9)))) }
        if type.hasPrefix("optional ") { return .single(kind(String(type.dropFirst(9)))) }
        return .single(kind(type))
    }

    func kind(_ type: String) -> Kind {
        if type.hasPrefix("message ") { return .message(String(type.dropFirst(8))) }
        if type.hasPrefix("enum ") { return .enumeration(String(type.dropFirst(5))) }
        if type == "google.protobuf.Timestamp" { return .timestamp }
        return .scalar(type)
    }

    // MARK: JSON -> protobuf

    /// Encodes a JSON object (as `JSONSerialization` reads it) as `message`.
    public func encode(_ json: Any, as message: String, path: String = "") throws -> [UInt8] {
        guard let descriptor = messages[message] else { throw Problem(path: path, reason: "unknown message type \(message)") }
        guard let object = json as? [String: Any] else { throw Problem(path: path, reason: "expected a JSON object for \(message)") }
        var fields: [(number: Int, value: ProtobufFieldValue)] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let field = descriptor.fields.first(where: { $0.jsonName == key || $0.name == key }) else {
                throw Problem(path: join(path, key), reason: "\(message) has no field \(key)")
            }
            let fieldPath = join(path, field.jsonName)
            if value is NSNull { continue }
            switch shape(field.type) {
            case .single(let kind):
                fields.append((field.number, try wireValue(value, kind, path: fieldPath)))
            case .repeated(let kind):
                guard let array = value as? [Any] else { throw Problem(path: fieldPath, reason: "expected a JSON array") }
                let elements = try array.enumerated().map { index, element in try wireValue(element, kind, path: "\(fieldPath)[\(index)]") }
                if isPackable(kind) {
                    // Packed, as proto3 writes repeated numbers: each value without its tag.
                    guard !elements.isEmpty else { continue }
                    fields.append((field.number, .lengthDelimited(elements.flatMap { ProtobufFields.write([(1, $0)]).dropFirst() })))
                } else {
                    fields += elements.map { (field.number, $0) }
                }
            case .map(let keyType, let valueKind):
                guard let entries = value as? [String: Any] else { throw Problem(path: fieldPath, reason: "expected a JSON object") }
                for (entryKey, entryValue) in entries.sorted(by: { $0.key < $1.key }) {
                    let entryPath = "\(fieldPath)[\(entryKey)]"
                    let keyValue: ProtobufFieldValue = keyType == "string"
                        ? .lengthDelimited(Array(entryKey.utf8))
                        : try wireValue(keyType == "bool" ? (entryKey == "true") as Any : entryKey, .scalar(keyType), path: entryPath)
                    let entry = ProtobufFields.write([(1, keyValue), (2, try wireValue(entryValue, valueKind, path: entryPath))])
                    fields.append((field.number, .lengthDelimited(entry)))
                }
            }
        }
        return ProtobufFields.write(fields.sorted { $0.number < $1.number })
    }

    private func isPackable(_ kind: Kind) -> Bool {
        switch kind {
        case .enumeration: true
        case .scalar(let type): type != "string" && type != "bytes"
        case .message, .timestamp: false
        }
    }

    private func wireValue(_ value: Any, _ kind: Kind, path: String) throws -> ProtobufFieldValue {
        switch kind {
        case .message(let name):
            return .lengthDelimited(try encode(value, as: name, path: path))
        case .enumeration(let name):
            if let text = value as? String {
                guard let number = enums[name]?.values.first(where: { $0.name == text })?.number else {
                    // proto3 JSON spells enum values in full; say how.
                    let known = (enums[name]?.values ?? []).map(\.name).joined(separator: ", ")
                    throw Problem(path: path, reason: "\(text) is not a value of \(name); one of: \(known)")
                }
                return .varint(UInt64(bitPattern: Int64(number)))
            }
            return .varint(UInt64(bitPattern: Int64(try integer(value, path: path, range: Int64(Int32.min)...Int64(Int32.max)))))
        case .timestamp:
            guard let text = value as? String, let date = Self.parseTimestamp(text) else {
                throw Problem(path: path, reason: "expected an RFC 3339 timestamp such as 2026-11-25T09:30:00Z")
            }
            let seconds = date.timeIntervalSince1970.rounded(.down)
            let nanos = Int64(((date.timeIntervalSince1970 - seconds) * 1e6).rounded()) * 1000
            var timestamp: [(number: Int, value: ProtobufFieldValue)] = []
            if seconds != 0 { timestamp.append((1, .varint(UInt64(bitPattern: Int64(seconds))))) }
            if nanos != 0 { timestamp.append((2, .varint(UInt64(nanos)))) }
            return .lengthDelimited(ProtobufFields.write(timestamp))
        case .scalar(let type):
            return try scalarValue(value, type, path: path)
        }
    }

    private func scalarValue(_ value: Any, _ type: String, path: String) throws -> ProtobufFieldValue {
        switch type {
        case "string":
            guard let text = value as? String else { throw Problem(path: path, reason: "expected a string") }
            return .lengthDelimited(Array(text.utf8))
        case "bytes":
            guard let text = value as? String, let data = Data(base64Encoded: Self.standardBase64(text)) else {
                throw Problem(path: path, reason: "expected base64 text")
            }
            return .lengthDelimited(Array(data))
        case "bool":
            guard let flag = value as? Bool else {
                throw Problem(path: path, reason: "expected true or false")
            }
            return .varint(flag ? 1 : 0)
        case "double", "float":
            let number: Double
            switch value {
            case let text as String where text == "NaN": number = .nan
            case let text as String where text == "Infinity": number = .infinity
            case let text as String where text == "-Infinity": number = -.infinity
            case let text as String: guard let parsed = Double(text) else { throw Problem(path: path, reason: "expected a number") }; number = parsed
            case let n as NSNumber: number = n.doubleValue
            default: throw Problem(path: path, reason: "expected a number")
            }
            return type == "double" ? .fixed64(number.bitPattern) : .fixed32(Float(number).bitPattern)
        case "int32", "sint32", "sfixed32":
            let n = try integer(value, path: path, range: Int64(Int32.min)...Int64(Int32.max))
            switch type {
            case "sint32": return .varint(UInt64(UInt32(bitPattern: Int32((n << 1) ^ (n >> 63)))))
            case "sfixed32": return .fixed32(UInt32(bitPattern: Int32(n)))
            default: return .varint(UInt64(bitPattern: n))
            }
        case "int64", "sint64", "sfixed64":
            let n = try integer(value, path: path, range: Int64.min...Int64.max)
            switch type {
            case "sint64": return .varint(UInt64(bitPattern: (n << 1) ^ (n >> 63)))
            case "sfixed64": return .fixed64(UInt64(bitPattern: n))
            default: return .varint(UInt64(bitPattern: n))
            }
        case "uint32", "fixed32":
            let n = try unsigned(value, path: path, max: UInt64(UInt32.max))
            return type == "fixed32" ? .fixed32(UInt32(n)) : .varint(n)
        case "uint64", "fixed64":
            let n = try unsigned(value, path: path, max: UInt64.max)
            return type == "fixed64" ? .fixed64(n) : .varint(n)
        default:
            throw Problem(path: path, reason: "unsupported type \(type)")
        }
    }

    private func integer(_ value: Any, path: String, range: ClosedRange<Int64>) throws -> Int64 {
        let parsed: Int64?
        switch value {
        case let text as String: parsed = Int64(text)
        // Integral numbers only; int64Value is exact where a Double is not.
        case let number as NSNumber: parsed = number.doubleValue.rounded() == number.doubleValue ? number.int64Value : nil
        default: parsed = nil
        }
        guard let parsed, range.contains(parsed) else { throw Problem(path: path, reason: "expected an integer in \(range.lowerBound)...\(range.upperBound)") }
        return parsed
    }

    private func unsigned(_ value: Any, path: String, max: UInt64) throws -> UInt64 {
        let parsed: UInt64?
        switch value {
        case let text as String: parsed = UInt64(text)
        case let number as NSNumber: parsed = number.doubleValue >= 0 && number.doubleValue.rounded() == number.doubleValue ? number.uint64Value : nil
        default: parsed = nil
        }
        guard let parsed, parsed <= max else { throw Problem(path: path, reason: "expected an integer in 0...\(max)") }
        return parsed
    }

    // MARK: protobuf -> JSON

    /// Decodes `bytes` as `message` into a JSON object; fields at their
    /// default are left out, as proto3 JSON does.
    public func decode(_ bytes: [UInt8], as message: String) throws -> [String: Any] {
        guard let descriptor = messages[message] else { throw Problem(path: "", reason: "unknown message type \(message)") }
        var object: [String: Any] = [:]
        for (number, value) in try ProtobufFields.read(bytes) {
            guard let field = descriptor.fields.first(where: { $0.number == number }) else { continue }
            switch shape(field.type) {
            case .single(let kind):
                object[field.jsonName] = try jsonValue(value, kind)
            case .repeated(let kind):
                var array = object[field.jsonName] as? [Any] ?? []
                if case .lengthDelimited(let packed) = value, case .scalar(let type) = kind, type != "string", type != "bytes" {
                    array += try unpack(packed, type).map { try jsonValue($0, kind) }
                } else if case .lengthDelimited(let packed) = value, case .enumeration = kind {
                    array += try unpack(packed, "int32").map { try jsonValue($0, kind) }
                } else {
                    array.append(try jsonValue(value, kind))
                }
                object[field.jsonName] = array
            case .map(let keyType, let valueKind):
                guard case .lengthDelimited(let entryBytes) = value else { continue }
                var key = "", entryValue: Any? = nil
                for (entryNumber, entryField) in try ProtobufFields.read(entryBytes) {
                    if entryNumber == 1 { key = "\(try jsonValue(entryField, .scalar(keyType)))" }
                    if entryNumber == 2 { entryValue = try jsonValue(entryField, valueKind) }
                }
                var map = object[field.jsonName] as? [String: Any] ?? [:]
                map[key] = entryValue ?? [String: Any]()
                object[field.jsonName] = map
            }
        }
        return object
    }

    private func unpack(_ bytes: [UInt8], _ type: String) throws -> [ProtobufFieldValue] {
        // Re-read the packed run as fields of one number, one element each.
        var framed: [UInt8] = []
        var index = 0
        let width = ["fixed32", "sfixed32", "float"].contains(type) ? 4 : ["fixed64", "sfixed64", "double"].contains(type) ? 8 : 0
        while index < bytes.count {
            if width > 0 {
                guard index + width <= bytes.count else { throw Problem(path: "", reason: "truncated packed field") }
                framed.append(width == 4 ? 0x0D : 0x09)
                framed += bytes[index..<(index + width)]
                index += width
            } else {
                framed.append(0x08)
                repeat {
                    guard index < bytes.count else { throw Problem(path: "", reason: "truncated packed field") }
                    framed.append(bytes[index])
                    index += 1
                } while framed.last! & 0x80 != 0
            }
        }
        return try ProtobufFields.read(framed).map(\.value)
    }

    private func jsonValue(_ value: ProtobufFieldValue, _ kind: Kind) throws -> Any {
        switch (kind, value) {
        case (.message(let name), .lengthDelimited(let bytes)):
            return try decode(bytes, as: name)
        case (.enumeration(let name), .varint(let raw)):
            let number = Int(Int32(truncatingIfNeeded: raw))
            return enums[name]?.values.first(where: { $0.number == number })?.name ?? number
        case (.timestamp, .lengthDelimited(let bytes)):
            var seconds: Int64 = 0, nanos: Int64 = 0
            for (number, field) in try ProtobufFields.read(bytes) {
                if number == 1, case .varint(let v) = field { seconds = Int64(bitPattern: v) }
                if number == 2, case .varint(let v) = field { nanos = Int64(bitPattern: v) }
            }
            return Self.formatTimestamp(seconds: seconds, nanos: nanos)
        case (.scalar(let type), _):
            return try scalarJSON(value, type)
        default:
            throw Problem(path: "", reason: "a field has the wrong wire type")
        }
    }

    private func scalarJSON(_ value: ProtobufFieldValue, _ type: String) throws -> Any {
        switch (type, value) {
        case ("string", .lengthDelimited(let bytes)):
            guard let text = String(validating: bytes, as: UTF8.self) else { throw Problem(path: "", reason: "invalid UTF-8") }
            return text
        case ("bytes", .lengthDelimited(let bytes)): return Data(bytes).base64EncodedString()
        case ("bool", .varint(let v)): return v != 0
        case ("int32", .varint(let v)): return Int(Int32(truncatingIfNeeded: v))
        case ("sint32", .varint(let v)): return Int(Int32(truncatingIfNeeded: Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)))
        case ("uint32", .varint(let v)): return Int(UInt32(truncatingIfNeeded: v))
        case ("int64", .varint(let v)): return String(Int64(bitPattern: v))
        case ("sint64", .varint(let v)): return String(Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1))
        case ("uint64", .varint(let v)): return String(v)
        case ("fixed32", .fixed32(let v)): return Int(v)
        case ("sfixed32", .fixed32(let v)): return Int(Int32(bitPattern: v))
        case ("fixed64", .fixed64(let v)): return String(v)
        case ("sfixed64", .fixed64(let v)): return String(Int64(bitPattern: v))
        case ("float", .fixed32(let v)): return Self.jsonNumber(Double(Float(bitPattern: v)))
        case ("double", .fixed64(let v)): return Self.jsonNumber(Double(bitPattern: v))
        default: throw Problem(path: "", reason: "a \(type) field has the wrong wire type")
        }
    }

    // MARK: Helpers

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private static func jsonNumber(_ value: Double) -> Any {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return value
    }

    private static func standardBase64(_ text: String) -> String {
        var result = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while result.count % 4 != 0 { result += "=" }
        return result
    }

    static func parseTimestamp(_ text: String) -> Date? {
        // Foundation's parser rolls impossible days over (February 30 becomes
        // March 2); a timestamp naming no real day is refused instead.
        guard hasRealDay(text) else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Whether the text starts with a YYYY-MM-DD that is a day of the calendar.
    static func hasRealDay(_ text: String) -> Bool {
        let digits = Array(text.utf8.prefix(10))
        guard digits.count == 10, digits[4] == UInt8(ascii: "-"), digits[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in digits[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...lengths[month - 1]).contains(day)
    }

    static func formatTimestamp(seconds: Int64, nanos: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = nanos == 0 ? [.withInternetDateTime] : [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9))
    }
}
