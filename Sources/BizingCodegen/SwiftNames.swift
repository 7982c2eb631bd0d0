/// Naming rules from proto names to Swift names.
enum SwiftNames {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static", "struct",
        "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do", "else",
        "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while", "as", "Any",
        "catch", "false", "is", "nil", "super", "self", "Self", "throw", "throws", "true", "try", "Type", "some", "any",
    ]

    /// `snake_case` or `SCREAMING_SNAKE` to `lowerCamelCase`.
    static func lowerCamel(_ name: String) -> String {
        let parts = name.split(separator: "_").filter { !$0.isEmpty }
        guard let first = parts.first else { return name }
        let head = first == first.uppercased() ? first.lowercased() : first.prefix(1).lowercased() + first.dropFirst()
        return head + parts.dropFirst().map { part in
            let lower = part == part.uppercased() ? part.lowercased() : String(part)
            return lower.prefix(1).uppercased() + lower.dropFirst()
        }.joined()
    }

    static func upperCamel(_ name: String) -> String {
        let lower = lowerCamel(name)
        return lower.prefix(1).uppercased() + lower.dropFirst()
    }

    static func escaped(_ identifier: String) -> String {
        keywords.contains(identifier) ? "`\(identifier)`" : identifier
    }

    /// `bizing.system.v1` -> `SystemV1`: the namespace a package's types live in.
    static func namespace(ofPackage package: String) -> String {
        var parts = package.split(separator: ".").map(String.init)
        if parts.count > 1 && parts[0] == "bizing" { parts.removeFirst() }
        return parts.map(upperCamel).joined()
    }

    /// The Swift case names of an enum's values (unescaped): lowerCamelCase,
    /// without the enum's prefix when every value carries it.
    static func caseNames(of protoEnum: ProtoEnum) -> [String] {
        let prefix = screamingPrefix(protoEnum.name)
        let strip = protoEnum.values.allSatisfy { $0.name.hasPrefix(prefix) && $0.name.count > prefix.count }
        return protoEnum.values.map { lowerCamel(strip ? String($0.name.dropFirst(prefix.count)) : $0.name) }
    }

    /// `SomeEnum` -> `SOME_ENUM_`, the prefix enum values conventionally carry.
    static func screamingPrefix(_ enumName: String) -> String {
        var result = ""
        for (index, character) in enumName.enumerated() {
            if character.isUppercase && index > 0 { result += "_" }
            result += character.uppercased()
        }
        return result + "_"
    }

    /// `PingStream`, `interval_millis`, `HTTPStatus` -> `ping-stream`,
    /// `interval-millis`, `http-status`: command and flag names.
    static func kebab(_ name: String) -> String {
        let characters = Array(name)
        var words: [String] = [], word = ""
        for (index, character) in characters.enumerated() {
            if character == "_" || character == "-" || character == "." {
                if !word.isEmpty { words.append(word); word = "" }
                continue
            }
            if character.isUppercase, let previous = word.last {
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
                    words.append(word)
                    word = ""
                }
            }
            word.append(character)
        }
        if !word.isEmpty { words.append(word) }
        return words.map { $0.lowercased() }.joined(separator: "-")
    }

    /// A Swift string literal of `text` on one line: quotes, backslashes and
    /// control characters escaped.
    static func stringLiteral(_ text: String) -> String {
        var escaped = "\""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default:
                if character.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                    for scalar in character.unicodeScalars { escaped += "\\u{\(String(scalar.value, radix: 16))}" }
                } else {
                    escaped.append(character)
                }
            }
        }
        return escaped + "\""
    }
}
