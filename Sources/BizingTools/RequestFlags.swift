import BizingRPC
import Foundation

/// One request field as a generated command's flag gave it.
public struct FlagSetting: Sendable, Equatable {
    /// The proto field name, e.g. `interval_millis`.
    public var field: String
    /// The flag as the user typed it, for messages: `--interval-millis`.
    public var flag: String
    /// The values as text, one per occurrence; nil when the flag was not given.
    public var values: [String]?

    public init(field: String, flag: String, values: [String]?) {
        self.field = field
        self.flag = flag
        self.values = values
    }

    /// A singular field's flag: nil when not given.
    public init<Value: LosslessStringConvertible>(_ field: String, _ flag: String, _ value: Value?) {
        self.init(field: field, flag: flag, values: value.map { [$0.description] })
    }

    /// A repeated field's flag: empty when not given.
    public init<Value: LosslessStringConvertible>(_ field: String, _ flag: String, _ values: [Value]) {
        self.init(field: field, flag: flag, values: values.isEmpty ? nil : values.map(\.description))
    }
}

extension DescriptorJSON {
    /// Sets the fields the flags give over a request as JSON (`--data`, or
    /// `{}`): a flag replaces the field, whichever name (JSON or proto) the
    /// JSON used for it, and a repeated flag replaces the whole list.
    /// Numbers, bytes (base64), strings and timestamps go in as text, which
    /// `encode(_:as:)` then checks; bools become JSON booleans, and enum
    /// values are looked up leniently (`enumValueName(_:of:)`).
    public func applying(_ flags: [FlagSetting], to object: [String: Any], as message: String) throws -> [String: Any] {
        guard let descriptor = messages[message] else { throw Problem(path: "", reason: "unknown message type \(message)") }
        var result = object
        for setting in flags {
            guard let values = setting.values else { continue }
            guard let field = descriptor.fields.first(where: { $0.name == setting.field }) else {
                throw Problem(path: setting.flag, reason: "\(message) has no field \(setting.field)")
            }
            result[field.name] = nil
            result[field.jsonName] = nil
            switch shape(field.type) {
            case .single(let kind):
                guard values.count == 1, let value = values.first else {
                    throw Problem(path: setting.flag, reason: "given \(values.count) times; give it once")
                }
                result[field.jsonName] = try flagValue(value, kind, flag: setting.flag)
            case .repeated(let kind):
                result[field.jsonName] = try values.map { try flagValue($0, kind, flag: setting.flag) }
            case .map:
                throw Problem(path: setting.flag, reason: "a map is given with --data only")
            }
        }
        return result
    }

    private func flagValue(_ text: String, _ kind: Kind, flag: String) throws -> Any {
        switch kind {
        case .scalar("bool"):
            guard let value = Bool(text.lowercased()) else { throw Problem(path: flag, reason: "expected true or false") }
            return value
        case .enumeration(let name):
            do {
                return try enumValueName(text, of: name)
            } catch let problem as Problem {
                throw Problem(path: flag, reason: problem.reason)
            }
        case .message(let name):
            throw Problem(path: flag, reason: "a \(name) is given with --data only")
        case .scalar, .timestamp:
            return text
        }
    }

    /// The proto name of the value of enum `name` that `text` means, as a
    /// person types it on a command line: the proto name in any case, with
    /// or without the enum's prefix, `-` or `_` between words
    /// (`SERVING_STATUS_NOT_SERVING`, `not_serving`, `Not-Serving` for
    /// `HealthResponse.ServingStatus`), or the number.
    public func enumValueName(_ text: String, of name: String) throws -> String {
        guard let descriptor = enums[name] else { throw Problem(path: "", reason: "unknown enum type \(name)") }
        if descriptor.values.contains(where: { $0.name == text }) { return text }
        if let number = Int(text) {
            guard let value = descriptor.values.first(where: { $0.number == number }) else {
                throw Problem(path: "", reason: "\(text) is not a value of \(name)")
            }
            return value.name
        }
        func normalized<S: StringProtocol>(_ words: S) -> String { words.lowercased().filter { $0 != "_" && $0 != "-" } }
        let wanted = normalized(text)
        let prefix = normalized(Self.screamingPrefix(String(name.split(separator: ".").last ?? "")))
        let matches = descriptor.values.filter { normalized($0.name) == wanted || normalized($0.name) == prefix + wanted }
        if matches.count == 1 { return matches[0].name }
        let known = Self.shortNames(descriptor).joined(separator: ", ")
        guard matches.isEmpty else {
            throw Problem(path: "", reason: "\(text) could mean \(matches.map(\.name).joined(separator: " or ")); give the full name")
        }
        throw Problem(path: "", reason: "\(text) is not a value of \(name); one of: \(known)")
    }

    /// `ServingStatus` -> `SERVING_STATUS_`.
    static func screamingPrefix(_ enumName: String) -> String {
        var result = ""
        for (index, character) in enumName.enumerated() {
            if character.isUppercase && index > 0 { result += "_" }
            result += character.uppercased()
        }
        return result + "_"
    }

    /// One value's name as a command shows it (`BOOKING_STATUS_CHECKED_IN`
    /// -> `checked-in`); a number the enum does not know, as the number.
    public func shortName(of number: Int32, inEnum name: String) -> String {
        guard let descriptor = enums[name], let index = descriptor.values.firstIndex(where: { $0.number == Int(number) }) else { return String(number) }
        return Self.shortNames(descriptor)[index]
    }

    /// The values as a command's help lists them: without the common prefix,
    /// lower case, words joined by `-` (as bizing-codegen writes them).
    static func shortNames(_ descriptor: EnumDescriptor) -> [String] {
        let prefix = screamingPrefix(String(descriptor.name.split(separator: ".").last ?? ""))
        let strip = descriptor.values.allSatisfy { $0.name.hasPrefix(prefix) && $0.name.count > prefix.count }
        return descriptor.values.map { value in
            String(strip ? value.name.dropFirst(prefix.count) : value.name[...]).lowercased().replacingOccurrences(of: "_", with: "-")
        }
    }
}
