/// Parses the proto3 subset: `syntax`, `package`, `import`, `message` (nested),
/// `enum`, scalar types, `repeated`, `optional`, `map`,
/// `google.protobuf.Timestamp`, `reserved`, and `service` with unary and
/// server-streaming `rpc`. Anything else is an error with file:line:column.
/// Comments directly above an element become its documentation.
public struct ProtoParser {
    private struct Token: Equatable {
        enum Kind: Equatable { case identifier, number, string, symbol }
        var kind: Kind
        var text: String
        var line: Int
        var column: Int
        var comment: String
    }

    private let path: String
    private var tokens: [Token] = []
    private var index = 0

    public init(path: String) {
        self.path = path
    }

    public static func parse(_ source: String, path: String) throws(SchemaError) -> ProtoFile {
        var parser = ProtoParser(path: path)
        try parser.tokenize(source)
        return try parser.parseFile()
    }

    // MARK: Tokens

    private mutating func tokenize(_ source: String) throws(SchemaError) {
        let chars = Array(source.unicodeScalars)
        var i = 0, line = 1, column = 1
        var pendingComment: [String] = []
        var lastCommentLine = -2
        var lastTokenLine = 0
        func advance(_ n: Int = 1) {
            for _ in 0..<n where i < chars.count {
                if chars[i] == "\n" { line += 1; column = 1 } else { column += 1 }
                i += 1
            }
        }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\r" || c == "\n" {
                if c == "\n" && line > lastCommentLine + 1 { pendingComment = [] }
                advance()
                continue
            }
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
                var text = ""
                advance(2)
                while i < chars.count && chars[i] != "\n" && chars[i] != "\r" { text.unicodeScalars.append(chars[i]); advance() }
                // A comment after a token on its line describes that token, not the next one.
                if line == lastTokenLine { continue }
                if line > lastCommentLine + 1 { pendingComment = [] }
                pendingComment.append(text.hasPrefix(" ") ? String(text.dropFirst()) : text)
                lastCommentLine = line
                continue
            }
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                let startLine = line, startColumn = column
                advance(2)
                while i < chars.count && !(chars[i] == "*" && i + 1 < chars.count && chars[i + 1] == "/") { advance() }
                guard i < chars.count else {
                    throw SchemaError(location: SourceLocation(file: path, line: startLine, column: startColumn), message: "unterminated comment")
                }
                advance(2)
                continue
            }
            let startLine = line, startColumn = column
            let comment = line <= lastCommentLine + 1 ? pendingComment.joined(separator: "\n") : ""
            pendingComment = []
            lastTokenLine = line
            if c.properties.isAlphabetic || c == "_" {
                var text = ""
                while i < chars.count && (chars[i].properties.isAlphabetic || chars[i] == "_" || chars[i] == "." || ("0"..."9").contains(chars[i])) {
                    text.unicodeScalars.append(chars[i]); advance()
                }
                tokens.append(Token(kind: .identifier, text: text, line: startLine, column: startColumn, comment: comment))
            } else if ("0"..."9").contains(c) || (c == "-" && i + 1 < chars.count && ("0"..."9").contains(chars[i + 1])) {
                var text = ""
                text.unicodeScalars.append(c); advance()
                while i < chars.count && (("0"..."9").contains(chars[i]) || chars[i] == "x" || chars[i] == "X") { text.unicodeScalars.append(chars[i]); advance() }
                tokens.append(Token(kind: .number, text: text, line: startLine, column: startColumn, comment: comment))
            } else if c == "\"" || c == "'" {
                var text = ""
                advance()
                while i < chars.count && chars[i] != c && chars[i] != "\n" { text.unicodeScalars.append(chars[i]); advance() }
                guard i < chars.count, chars[i] == c else {
                    throw SchemaError(location: SourceLocation(file: path, line: startLine, column: startColumn), message: "unterminated string")
                }
                advance()
                tokens.append(Token(kind: .string, text: text, line: startLine, column: startColumn, comment: comment))
            } else if "{}()<>;=,[]".unicodeScalars.contains(c) {
                advance()
                tokens.append(Token(kind: .symbol, text: String(c), line: startLine, column: startColumn, comment: comment))
            } else {
                throw SchemaError(location: SourceLocation(file: path, line: startLine, column: startColumn), message: "unexpected character '\(c)'")
            }
        }
    }

    // MARK: Helpers

    private var atEnd: Bool { index >= tokens.count }

    private func location(_ token: Token? = nil) -> SourceLocation {
        if let token { return SourceLocation(file: path, line: token.line, column: token.column) }
        if index < tokens.count { return location(tokens[index]) }
        let last = tokens.last
        return SourceLocation(file: path, line: last?.line ?? 1, column: (last?.column ?? 0) + (last?.text.count ?? 0))
    }

    private func error(_ message: String, at token: Token? = nil) -> SchemaError {
        SchemaError(location: location(token), message: message)
    }

    private func peek() -> Token? { atEnd ? nil : tokens[index] }

    private mutating func next(_ what: String) throws(SchemaError) -> Token {
        guard let token = peek() else { throw error("expected \(what), found the end of the file") }
        index += 1
        return token
    }

    private mutating func expect(_ symbol: String) throws(SchemaError) {
        let token = try next("'\(symbol)'")
        guard token.text == symbol, token.kind == .symbol || token.kind == .identifier else {
            throw error("expected '\(symbol)', found '\(token.text)'", at: token)
        }
    }

    private mutating func identifier(_ what: String) throws(SchemaError) -> Token {
        let token = try next(what)
        guard token.kind == .identifier else { throw error("expected \(what), found '\(token.text)'", at: token) }
        return token
    }

    private mutating func number(_ what: String) throws(SchemaError) -> Int {
        let token = try next(what)
        guard token.kind == .number, let value = Int(token.text) else { throw error("expected \(what), found '\(token.text)'", at: token) }
        return value
    }

    private mutating func accept(_ text: String) -> Bool {
        if let token = peek(), token.text == text, token.kind != .string {
            index += 1
            return true
        }
        return false
    }

    // MARK: Grammar

    private mutating func parseFile() throws(SchemaError) -> ProtoFile {
        var file = ProtoFile(path: path, package: "", imports: [], messages: [], enums: [], services: [])
        var sawSyntax = false
        while let token = peek() {
            switch token.text {
            case "syntax":
                index += 1
                try expect("=")
                let value = try next("\"proto3\"")
                guard value.kind == .string, value.text == "proto3" else { throw error("only syntax = \"proto3\" is supported", at: value) }
                try expect(";")
                sawSyntax = true
            case "package":
                index += 1
                file.package = try identifier("a package name").text
                try expect(";")
            case "import":
                index += 1
                let name = try next("an import path")
                guard name.kind == .string else { throw error("expected a quoted import path", at: name) }
                file.imports.append(name.text)
                try expect(";")
            case "message": file.messages.append(try parseMessage())
            case "enum": file.enums.append(try parseEnum())
            case "service": file.services.append(try parseService())
            default:
                throw error("'\(token.text)' is not supported here (the schema subset has syntax, package, import, message, enum, service)", at: token)
            }
        }
        guard sawSyntax else { throw SchemaError(location: SourceLocation(file: path, line: 1, column: 1), message: "missing syntax = \"proto3\";") }
        guard !file.package.isEmpty else { throw SchemaError(location: SourceLocation(file: path, line: 1, column: 1), message: "missing package") }
        return file
    }

    private mutating func parseMessage() throws(SchemaError) -> ProtoMessage {
        let keyword = try next("message")
        let name = try identifier("a message name")
        var message = ProtoMessage(
            name: name.text, comment: keyword.comment, fields: [], messages: [], enums: [],
            reservedNumbers: [], reservedNames: [], location: location(name))
        try expect("{")
        while true {
            guard let token = peek() else { throw error("expected '}' to close message \(name.text)") }
            if token.text == "}" { index += 1; break }
            switch token.text {
            case "message": message.messages.append(try parseMessage())
            case "enum": message.enums.append(try parseEnum())
            case "reserved": try parseReserved(into: &message.reservedNumbers, names: &message.reservedNames)
            case "oneof", "extensions", "extend", "group", "option", "required":
                throw error("'\(token.text)' is not part of Bizing's schema subset", at: token)
            default: message.fields.append(try parseField())
            }
        }
        try check(message)
        return message
    }

    private mutating func parseReserved(into numbers: inout [ClosedRange<Int>], names: inout [String]) throws(SchemaError) {
        index += 1
        repeat {
            if let token = peek(), token.kind == .string {
                index += 1
                names.append(token.text)
            } else {
                let low = try number("a reserved field number")
                var high = low
                if accept("to") {
                    let endToken = peek()
                    high = accept("max") ? 536_870_911 : try number("the end of a reserved range")
                    guard high >= low else { throw error("reserved range \(low) to \(high) ends before it starts", at: endToken) }
                }
                numbers.append(low...high)
            }
        } while accept(",")
        try expect(";")
    }

    private mutating func parseField() throws(SchemaError) -> ProtoField {
        let first = try next("a field")
        var label = ProtoLabel.singular
        var typeToken = first
        if first.text == "repeated" || first.text == "optional" {
            label = first.text == "repeated" ? .repeated : .optional
            typeToken = try next("a field type")
        }
        let type: ProtoType
        if typeToken.text == "map" {
            guard label == .singular else { throw error("a map cannot be \(first.text)", at: first) }
            try expect("<")
            let keyToken = try identifier("a map key type")
            guard let key = ProtoScalar(rawValue: keyToken.text), ![.double, .float, .bytes].contains(key) else {
                throw error("map keys must be an integer type, bool or string, not \(keyToken.text)", at: keyToken)
            }
            guard ![.sint32, .sint64, .fixed32, .fixed64, .sfixed32, .sfixed64].contains(key) else {
                throw error("map keys of type \(keyToken.text) are not in the subset; use int32, int64, uint32, uint64, bool or string", at: keyToken)
            }
            try expect(",")
            let valueToken = try identifier("a map value type")
            let value = Self.type(of: valueToken.text)
            if case .scalar(let scalar) = value, [.sint32, .sint64, .fixed32, .fixed64, .sfixed32, .sfixed64].contains(scalar) {
                throw error("map values of type \(valueToken.text) are not in the subset", at: valueToken)
            }
            try expect(">")
            type = .map(key: key, value: value)
        } else {
            guard typeToken.kind == .identifier else { throw error("expected a field type, found '\(typeToken.text)'", at: typeToken) }
            type = Self.type(of: typeToken.text)
        }
        let name = try identifier("a field name")
        try expect("=")
        let numberToken = peek()
        let number = try number("a field number")
        guard (1...536_870_911).contains(number), !(19000...19999).contains(number) else {
            throw error("field number \(number) is outside 1...536870911 or in the reserved 19000-19999", at: numberToken)
        }
        if let option = peek(), option.text == "[" { throw error("field options are not part of the subset", at: option) }
        try expect(";")
        return ProtoField(name: name.text, number: number, type: type, label: label, comment: first.comment, location: location(name))
    }

    private static func type(of name: String) -> ProtoType {
        if let scalar = ProtoScalar(rawValue: name) { return .scalar(scalar) }
        if name == "google.protobuf.Timestamp" { return .timestamp }
        return .named(name)
    }

    private func check(_ message: ProtoMessage) throws(SchemaError) {
        var numbers: [Int: String] = [:], names = Set<String>()
        for field in message.fields {
            if let other = numbers[field.number] {
                throw SchemaError(location: field.location, message: "field number \(field.number) is used by both \(other) and \(field.name)")
            }
            if message.reservedNumbers.contains(where: { $0.contains(field.number) }) {
                throw SchemaError(location: field.location, message: "field number \(field.number) is reserved in \(message.name)")
            }
            if message.reservedNames.contains(field.name) {
                throw SchemaError(location: field.location, message: "field name \(field.name) is reserved in \(message.name)")
            }
            guard names.insert(field.name).inserted else {
                throw SchemaError(location: field.location, message: "field name \(field.name) is used twice in \(message.name)")
            }
            numbers[field.number] = field.name
        }
    }

    private mutating func parseEnum() throws(SchemaError) -> ProtoEnum {
        let keyword = try next("enum")
        let name = try identifier("an enum name")
        var result = ProtoEnum(name: name.text, comment: keyword.comment, values: [], location: location(name))
        try expect("{")
        var numbers = Set<Int>(), valueNames = Set<String>()
        var reservedRanges: [ClosedRange<Int>] = [], reservedNames: [String] = []
        while true {
            guard let token = peek() else { throw error("expected '}' to close enum \(name.text)") }
            if token.text == "}" { index += 1; break }
            if token.text == "reserved" {
                try parseReserved(into: &reservedRanges, names: &reservedNames)
                continue
            }
            if token.text == "option" { throw error("enum options are not part of the subset", at: token) }
            let valueName = try identifier("an enum value name")
            guard valueNames.insert(valueName.text).inserted else { throw error("enum value name \(valueName.text) is used twice in \(name.text)", at: valueName) }
            guard !reservedNames.contains(valueName.text) else { throw error("enum value name \(valueName.text) is reserved in \(name.text)", at: valueName) }
            try expect("=")
            let numberToken = peek()
            let number = try number("an enum value number")
            guard Int(Int32.min)...Int(Int32.max) ~= number else { throw error("enum value \(number) does not fit int32", at: numberToken) }
            guard numbers.insert(number).inserted else { throw error("enum value \(number) is used twice in \(name.text)", at: numberToken) }
            guard !reservedRanges.contains(where: { $0.contains(number) }) else { throw error("enum value \(number) is reserved in \(name.text)", at: numberToken) }
            try expect(";")
            result.values.append(ProtoEnumValue(name: valueName.text, number: number, comment: valueName.comment))
        }
        guard result.values.first?.number == 0 else {
            throw SchemaError(location: result.location, message: "the first value of enum \(name.text) must be 0 (proto3)")
        }
        return result
    }

    private mutating func parseService() throws(SchemaError) -> ProtoService {
        let keyword = try next("service")
        let name = try identifier("a service name")
        var service = ProtoService(name: name.text, comment: keyword.comment, methods: [], location: location(name))
        try expect("{")
        while true {
            guard let token = peek() else { throw error("expected '}' to close service \(name.text)") }
            if token.text == "}" { index += 1; break }
            guard token.text == "rpc" else { throw error("expected 'rpc' in service \(name.text), found '\(token.text)'", at: token) }
            index += 1
            let methodName = try identifier("a method name")
            try expect("(")
            if let stream = peek(), stream.text == "stream" { throw error("client streaming is not supported", at: stream) }
            let input = try identifier("a request type").text
            try expect(")")
            try expect("returns")
            try expect("(")
            let streaming = accept("stream")
            let output = try identifier("a response type").text
            try expect(")")
            if accept("{") { try expect("}") } else { try expect(";") }
            service.methods.append(ProtoMethod(
                name: methodName.text, input: input, output: output, serverStreaming: streaming,
                comment: token.comment, location: location(methodName)))
        }
        return service
    }
}
