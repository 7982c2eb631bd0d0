@testable import BizingCodegen
import Testing

// MARK: - The model of a schema using every construct

private let demoPath = "demo/demo.proto"

/// Every construct of the subset. Line numbers matter: the expected model
/// below names them.
private let demoSource = """
    // File header: attached to nothing.
    syntax = "proto3";

    package bizing.demo.v1;

    import "google/protobuf/timestamp.proto";
    import 'demo/other.proto';

    /* A block comment is not documentation. */
    // A booking.
    // Second line.
    message Booking {
      // The id.
      string id = 1;
      optional int32 seats = 2;
      repeated string tags = 3;
      map<string, int64> counts = 4;
      map<int32, Participant> by_seat = 5;
      google.protobuf.Timestamp starts_at = 6;
      State state = 7;
      Booking.Participant host = 8;
      repeated google.protobuf.Timestamp reminders = 9;
      optional State previous = 10;
      reserved 11, 15 to 17, 1000 to max;
      reserved "old", "older";

      // Someone taking part.
      message Participant {
        string name = 1;
        // Nested deeper.
        message Contact {
          // Where to write.
          string email = 1;
        }
      }

      // Where a booking is.
      enum State {
        // Not set.
        STATE_UNSPECIFIED = 0;
        STATE_CONFIRMED = 1;
        STATE_CANCELLED = -1;
        reserved 2, 3 to 4;
        reserved "STATE_OLD";
      }
    }

    message Scalars {
      double f_double = 1;
      float f_float = 2;
      int32 f_int32 = 3;
      int64 f_int64 = 4;
      uint32 f_uint32 = 5;
      uint64 f_uint64 = 6;
      sint32 f_sint32 = 7;
      sint64 f_sint64 = 8;
      fixed32 f_fixed32 = 9;
      fixed64 f_fixed64 = 10;
      sfixed32 f_sfixed32 = 11;
      sfixed64 f_sfixed64 = 12;
      bool f_bool = 13;
      string f_string = 14;
      bytes f_bytes = 15;
    }

    // Top-level enum.
    enum Color {
      COLOR_UNSPECIFIED = 0;
      COLOR_RED = 1;
    }

    message Empty {}

    // Books things.
    service Bookings {
      // Gets a booking.
      rpc GetBooking(Booking) returns (Booking);
      // Streams bookings.
      rpc WatchBookings(Empty) returns (stream Booking) {}
    }

    """

private func at(_ line: Int, _ column: Int) -> BizingCodegen.SourceLocation {
    BizingCodegen.SourceLocation(file: demoPath, line: line, column: column)
}

/// A field declared at `line`:`column` (its name).
private func field(
    _ line: Int, _ column: Int, _ name: String, _ number: Int, _ type: ProtoType, _ label: ProtoLabel = .singular,
    comment: String = ""
) -> ProtoField {
    ProtoField(name: name, number: number, type: type, label: label, comment: comment, location: at(line, column))
}

private let expectedBooking = ProtoMessage(
    name: "Booking",
    comment: "A booking.\nSecond line.",
    fields: [
        field(14, 10, "id", 1, .scalar(.string), comment: "The id."),
        field(15, 18, "seats", 2, .scalar(.int32), .optional),
        field(16, 19, "tags", 3, .scalar(.string), .repeated),
        field(17, 22, "counts", 4, .map(key: .string, value: .scalar(.int64))),
        field(18, 27, "by_seat", 5, .map(key: .int32, value: .named("Participant"))),
        field(19, 29, "starts_at", 6, .timestamp),
        field(20, 9, "state", 7, .named("State")),
        field(21, 23, "host", 8, .named("Booking.Participant")),
        field(22, 38, "reminders", 9, .timestamp, .repeated),
        field(23, 18, "previous", 10, .named("State"), .optional),
    ],
    messages: [
        ProtoMessage(
            name: "Participant",
            comment: "Someone taking part.",
            fields: [field(29, 12, "name", 1, .scalar(.string))],
            messages: [
                ProtoMessage(
                    name: "Contact",
                    comment: "Nested deeper.",
                    fields: [field(33, 14, "email", 1, .scalar(.string), comment: "Where to write.")],
                    messages: [], enums: [], reservedNumbers: [], reservedNames: [],
                    location: at(31, 13)),
            ],
            enums: [], reservedNumbers: [], reservedNames: [],
            location: at(28, 11)),
    ],
    enums: [
        ProtoEnum(
            name: "State",
            comment: "Where a booking is.",
            values: [
                ProtoEnumValue(name: "STATE_UNSPECIFIED", number: 0, comment: "Not set."),
                ProtoEnumValue(name: "STATE_CONFIRMED", number: 1, comment: ""),
                ProtoEnumValue(name: "STATE_CANCELLED", number: -1, comment: ""),
            ],
            location: at(38, 8)),
    ],
    reservedNumbers: [11...11, 15...17, 1000...536_870_911],
    reservedNames: ["old", "older"],
    location: at(12, 9))

/// One field per scalar, in `ProtoScalar.allCases` order, named `f_<type>`,
/// numbered from 1, on lines 49...63.
private let expectedScalars = ProtoMessage(
    name: "Scalars",
    comment: "",
    fields: ProtoScalar.allCases.enumerated().map { index, scalar in
        // "  <type> f_<type>": the name starts after two spaces, the type and a space.
        field(49 + index, scalar.rawValue.count + 4, "f_\(scalar.rawValue)", index + 1, .scalar(scalar))
    },
    messages: [], enums: [], reservedNumbers: [], reservedNames: [],
    location: at(48, 9))

private let expectedColor = ProtoEnum(
    name: "Color",
    comment: "Top-level enum.",
    values: [
        ProtoEnumValue(name: "COLOR_UNSPECIFIED", number: 0, comment: ""),
        ProtoEnumValue(name: "COLOR_RED", number: 1, comment: ""),
    ],
    location: at(67, 6))

private let expectedEmpty = ProtoMessage(
    name: "Empty", comment: "", fields: [], messages: [], enums: [], reservedNumbers: [], reservedNames: [],
    location: at(72, 9))

private let expectedService = ProtoService(
    name: "Bookings",
    comment: "Books things.",
    methods: [
        ProtoMethod(
            name: "GetBooking", input: "Booking", output: "Booking", serverStreaming: false,
            comment: "Gets a booking.", location: at(77, 7)),
        ProtoMethod(
            name: "WatchBookings", input: "Empty", output: "Booking", serverStreaming: true,
            comment: "Streams bookings.", location: at(79, 7)),
    ],
    location: at(75, 9))

private let expectedDemo = ProtoFile(
    path: demoPath,
    package: "bizing.demo.v1",
    imports: ["google/protobuf/timestamp.proto", "demo/other.proto"],
    messages: [expectedBooking, expectedScalars, expectedEmpty],
    enums: [expectedColor],
    services: [expectedService])

@Suite("ProtoParser: the model")
struct ParserModelTests {
    @Test("every construct parses to the exact model")
    func everyConstruct() throws {
        let file = try ProtoParser.parse(demoSource, path: demoPath)
        // Piece by piece first, so a failure points at the part that differs.
        #expect(file.path == expectedDemo.path)
        #expect(file.package == expectedDemo.package)
        #expect(file.imports == expectedDemo.imports)
        try #require(file.messages.count == 3)
        let booking = file.messages[0]
        #expect(booking.name == expectedBooking.name)
        #expect(booking.comment == expectedBooking.comment)
        #expect(booking.location == expectedBooking.location)
        for (actual, expected) in zip(booking.fields, expectedBooking.fields) {
            #expect(actual == expected)
        }
        #expect(booking.fields.count == expectedBooking.fields.count)
        #expect(booking.messages == expectedBooking.messages)
        #expect(booking.enums == expectedBooking.enums)
        #expect(booking.reservedNumbers == expectedBooking.reservedNumbers)
        #expect(booking.reservedNames == expectedBooking.reservedNames)
        #expect(file.messages[1] == expectedScalars)
        #expect(file.messages[2] == expectedEmpty)
        #expect(file.enums == expectedDemo.enums)
        #expect(file.services == expectedDemo.services)
        // And the whole.
        #expect(file == expectedDemo)
    }

    @Test("the demo schema's names all resolve")
    func demoResolves() throws {
        // Without its streaming method, which the renderer refuses until the runtime streams.
        var file = try ProtoParser.parse(demoSource, path: demoPath)
        for index in file.services.indices { file.services[index].methods.removeAll { $0.serverStreaming } }
        _ = try SwiftRenderer(files: [file])
    }

    @Test("every scalar type name maps to its scalar")
    func scalarNames() throws {
        let fields = ProtoScalar.allCases.enumerated()
            .map { "  \($0.element.rawValue) f\($0.offset) = \($0.offset + 1);" }
            .joined(separator: "\n")
        let file = try ProtoParser.parse("syntax = \"proto3\";\npackage p;\nmessage M {\n\(fields)\n}\n", path: "s.proto")
        #expect(file.messages.first?.fields.map(\.type) == ProtoScalar.allCases.map { .scalar($0) })
        #expect(ProtoScalar.allCases.count == 15)
    }

    @Test("statements may come in any order; the minimal file has syntax and package only")
    func minimalFile() throws {
        let file = try ProtoParser.parse("package p.q;\nsyntax = \"proto3\";\n", path: "min.proto")
        #expect(file == ProtoFile(path: "min.proto", package: "p.q", imports: [], messages: [], enums: [], services: []))
    }

    @Test("field number limits: 1 and 2^29-1 are valid, 18999 and 20000 too")
    func fieldNumberLimits() throws {
        let file = try ProtoParser.parse("""
            syntax = "proto3";
            package p;
            message M {
              int32 a = 1;
              int32 b = 18999;
              int32 c = 20000;
              int32 d = 536870911;
            }
            """, path: "n.proto")
        #expect(file.messages.first?.fields.map(\.number) == [1, 18999, 20000, 536_870_911])
    }

    @Test("enum values may be negative and need not be in order after the first")
    func enumNumbers() throws {
        let file = try ProtoParser.parse("""
            syntax = "proto3";
            package p;
            enum E {
              E_ZERO = 0;
              E_MINUS = -2147483648;
              E_MAX = 2147483647;
              E_TWO = 2;
            }
            """, path: "e.proto")
        #expect(file.enums.first?.values.map(\.number) == [0, -2_147_483_648, 2_147_483_647, 2])
    }
}

// MARK: - Comments

@Suite("ProtoParser: comments")
struct ParserCommentTests {
    private func parse(_ body: String) throws -> ProtoFile {
        try ProtoParser.parse("syntax = \"proto3\";\npackage p;\n\(body)", path: "c.proto")
    }

    @Test("consecutive line comments directly above join with newlines; only the leading space is dropped")
    func joined() throws {
        let file = try parse("""
            // First.
            //   Indented.
            //No space.
            //
            // After an empty line.
            message M {}
            """)
        #expect(file.messages.first?.comment == "First.\n  Indented.\nNo space.\n\nAfter an empty line.")
    }

    @Test("a blank line between a comment and the element detaches the comment")
    func blankLineDetaches() throws {
        let file = try parse("""
            // Detached.

            message M {
              // Detached too.

              int32 a = 1;
            }
            """)
        #expect(file.messages.first?.comment == "")
        #expect(file.messages.first?.fields.first?.comment == "")
    }

    @Test("a blank line between comment groups keeps only the group directly above")
    func lastGroupOnly() throws {
        let file = try parse("""
            // Old group.

            // New group.
            message M {}
            """)
        #expect(file.messages.first?.comment == "New group.")
    }

    @Test("a block comment is not documentation, and does not break the line comments above")
    func blockComments() throws {
        let file = try parse("""
            /* Block. */
            message A {}
            // Line.
            /* Block between. */ message B {}
            """)
        #expect(file.messages.map(\.comment) == ["", "Line."])
    }

    @Test("a comment above a label or a map attaches to the field")
    func labelledFields() throws {
        let file = try parse("""
            message M {
              // Repeated.
              repeated int32 a = 1;
              // Optional.
              optional int32 b = 2;
              // Map.
              map<string, string> c = 3;
            }
            """)
        #expect(file.messages.first?.fields.map(\.comment) == ["Repeated.", "Optional.", "Map."])
    }

    @Test("a comment inside an element is attached to nothing")
    func insideElement() throws {
        let file = try parse("""
            message M {
              int32 a
                // Inside.
                = 1;
              int32 b = 2;
            }
            """)
        #expect(file.messages.first?.fields.map(\.comment) == ["", ""])
    }

    /// BUG: a trailing comment on a field's line becomes the documentation of
    /// the next field, which is directly below it. protoc treats it as a
    /// trailing comment of `a`; it is certainly not `b`'s documentation.
    @Test("a trailing comment does not document the element on the next line")
    func trailingComment() throws {
        let file = try parse("""
            message M {
              int32 a = 1; // About a.
              int32 b = 2;
            }
            enum E {
              E_ZERO = 0; // About zero.
              E_ONE = 1;
            }
            """)
        #expect(file.messages.first?.fields.last?.comment == "")
        #expect(file.enums.first?.values.last?.comment == "")
    }

    /// BUG: with CRLF line endings the `\r` stays in the comment text (and the
    /// renderer then writes it into a string literal, which does not compile).
    @Test("CRLF line endings: comments do not keep the carriage return; locations match LF")
    func crlf() throws {
        let lf = "syntax = \"proto3\";\npackage p;\n// Doc.\n// More.\nmessage M {\n  // Field.\n  int32 a = 1;\n}\n"
        let crlf = lf.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        let lfFile = try ProtoParser.parse(lf, path: "c.proto")
        let crlfFile = try ProtoParser.parse(crlf, path: "c.proto")
        #expect(crlfFile.messages.first?.comment == "Doc.\nMore.")
        #expect(crlfFile.messages.first?.fields.first?.comment == "Field.")
        #expect(crlfFile == lfFile)
    }
}

// MARK: - Errors

@Suite("ProtoParser: errors at file:line:column")
struct ParserErrorTests {
    @Test("the description is file:line:column: error: message")
    func description() throws {
        let error = try #require(firstSchemaError("package p;\n", path: "dir/x.proto"))
        #expect(error.description == "dir/x.proto:1:1: error: missing syntax = \"proto3\";")
    }

    @Test("missing syntax")
    func missingSyntax() {
        expectSchemaError("package p;\nmessage A {}\n", at: "test.proto:1:1", "missing syntax = \"proto3\";")
    }

    @Test("proto2 syntax")
    func proto2() {
        expectSchemaError("syntax = \"proto2\";\npackage p;\n", at: "test.proto:1:10", "only syntax = \"proto3\" is supported")
    }

    @Test("missing package")
    func missingPackage() {
        expectSchemaError("syntax = \"proto3\";\nmessage A {}\n", at: "test.proto:1:1", "missing package")
    }

    @Test("oneof")
    func oneof() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              oneof choice {
                int32 a = 1;
              }
            }
            """, at: "test.proto:4:3", "'oneof' is not part of Bizing's schema subset")
    }

    @Test("field options")
    func fieldOptions() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              int32 a = 1 [deprecated = true];
            }
            """, at: "test.proto:4:15", "field options are not part of the subset")
    }

    @Test("required")
    func required() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              required int32 a = 1;
            }
            """, at: "test.proto:4:3", "'required' is not part of Bizing's schema subset")
    }

    @Test("other unsupported statements inside a message", arguments: ["extensions", "extend", "group", "option"])
    func unsupportedInMessage(keyword: String) {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
               \(keyword) x;
            }
            """, at: "test.proto:4:4", "'\(keyword)' is not part of Bizing's schema subset")
    }

    @Test("unsupported top-level statement")
    func topLevelOption() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            option java_package = "x";
            """, at: "test.proto:3:1",
            "'option' is not supported here (the schema subset has syntax, package, import, message, enum, service)")
    }

    @Test("duplicate field number")
    func duplicateFieldNumber() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              int32 a = 1;
              int32 b = 1;
            }
            """, at: "test.proto:5:9", "field number 1 is used by both a and b")
    }

    @Test("duplicate field name")
    func duplicateFieldName() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              int32 a = 1;
              string a = 2;
            }
            """, at: "test.proto:5:10", "field name a is used twice in A")
    }

    @Test("reserved number used, inside a range")
    func reservedNumber() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              reserved 2 to 4;
              int32 a = 3;
            }
            """, at: "test.proto:5:9", "field number 3 is reserved in A")
    }

    @Test("reserved number used, by a range to max")
    func reservedToMax() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              int32 a = 536870911;
              reserved 100 to max;
            }
            """, at: "test.proto:4:9", "field number 536870911 is reserved in A")
    }

    @Test("reserved name used")
    func reservedName() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              reserved "a", "b";
              int32 b = 1;
            }
            """, at: "test.proto:5:9", "field name b is reserved in A")
    }

    @Test("field numbers 0, 19000, 19999 and 2^29", arguments: [0, 19000, 19999, 536_870_912])
    func fieldNumberOutOfRange(number: Int) {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              int32 a = \(number);
            }
            """, at: "test.proto:4:13",
            "field number \(number) is outside 1...536870911 or in the reserved 19000-19999")
    }

    @Test("a negative field number")
    func negativeFieldNumber() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              int32 a = -1;
            }
            """, at: "test.proto:4:13", "field number -1 is outside 1...536870911 or in the reserved 19000-19999")
    }

    @Test("enum whose first value is not 0")
    func enumFirstNotZero() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            enum E {
              E_A = 1;
              E_B = 0;
            }
            """, at: "test.proto:3:6", "the first value of enum E must be 0 (proto3)")
    }

    @Test("an enum without values")
    func emptyEnum() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message M {
              enum E {}
            }
            """, at: "test.proto:4:8", "the first value of enum E must be 0 (proto3)")
    }

    @Test("duplicate enum value number")
    func duplicateEnumNumber() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            enum E {
              E_A = 0;
              E_B = 0;
            }
            """, at: "test.proto:5:9", "enum value 0 is used twice in E")
    }

    @Test("an enum value outside int32")
    func enumValueRange() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            enum E {
              E_A = 0;
              E_B = 2147483648;
            }
            """, at: "test.proto:5:9", "enum value 2147483648 does not fit int32")
    }

    /// BUG: two values with the same name are accepted (the generated enum
    /// then declares the same case twice and does not compile).
    @Test("duplicate enum value name")
    func duplicateEnumName() throws {
        let error = try #require(firstSchemaError("""
            syntax = "proto3";
            package p;
            enum E {
              E_A = 0;
              E_A = 1;
            }
            """))
        #expect(error.location.description == "test.proto:5:3")
        #expect(error.message.contains("E_A"))
    }

    /// BUG: `reserved` inside an enum is parsed and then ignored.
    @Test("reserved number used in an enum")
    func enumReservedNumber() throws {
        let error = try #require(firstSchemaError("""
            syntax = "proto3";
            package p;
            enum E {
              reserved 1 to 3;
              E_A = 0;
              E_B = 2;
            }
            """))
        #expect(error.location.line == 6)
        #expect(error.message.contains("2"))
    }

    /// BUG: `reserved` names inside an enum are parsed and then ignored.
    @Test("reserved name used in an enum")
    func enumReservedName() throws {
        let error = try #require(firstSchemaError("""
            syntax = "proto3";
            package p;
            enum E {
              reserved "E_OLD";
              E_A = 0;
              E_OLD = 1;
            }
            """))
        #expect(error.location.line == 6)
        #expect(error.message.contains("E_OLD"))
    }

    /// BUG: `reserved 10 to 5` is silently taken as `reserved 10` (protoc
    /// refuses a range whose end is below its start).
    @Test("a reserved range that ends before it starts")
    func reversedRange() throws {
        let error = try #require(firstSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              reserved 10 to 5;
            }
            """))
        #expect(error.location.line == 4)
    }

    /// BUG: two messages with the same full name are accepted; the generated
    /// file then declares the struct twice.
    @Test("two messages with the same name")
    func duplicateMessage() throws {
        let error = try #require(firstSchemaError("""
            syntax = "proto3";
            package p;
            message A {}
            message A {}
            """))
        #expect(error.location.description == "test.proto:4:9")
        #expect(error.message.contains("A"))
    }

    @Test("client streaming")
    func clientStreaming() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {}
            message B {}
            service S {
              rpc X(stream A) returns (B);
            }
            """, at: "test.proto:6:9", "client streaming is not supported")
    }

    @Test("something other than rpc in a service")
    func optionInService() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            service S {
              option deprecated = true;
            }
            """, at: "test.proto:4:3", "expected 'rpc' in service S, found 'option'")
    }

    @Test("map<float, X>")
    func mapFloatKey() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              map<float, A> m = 1;
            }
            """, at: "test.proto:4:7", "map keys must be an integer type, bool or string, not float")
    }

    @Test("map keys that are never valid", arguments: ["double", "bytes", "A", "google.protobuf.Timestamp"])
    func mapInvalidKeys(key: String) {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              map<\(key), A> m = 1;
            }
            """, at: "test.proto:4:7", "map keys must be an integer type, bool or string, not \(key)")
    }

    @Test("map<sint32, X> and the other sint/fixed keys", arguments: ["sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64"])
    func mapSintKey(key: String) {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              map<\(key), A> m = 1;
            }
            """, at: "test.proto:4:7",
            "map keys of type \(key) are not in the subset; use int32, int64, uint32, uint64, bool or string")
    }

    @Test("sint/fixed map values", arguments: ["sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64"])
    func mapSintValue(value: String) {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              map<string, \(value)> m = 1;
            }
            """, at: "test.proto:4:15", "map values of type \(value) are not in the subset")
    }

    @Test("a repeated map")
    func repeatedMap() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              repeated map<string, string> m = 1;
            }
            """, at: "test.proto:4:3", "a map cannot be repeated")
    }

    @Test("unterminated string")
    func unterminatedString() {
        expectSchemaError("syntax = \"proto3\";\npackage p;\nimport \"a.proto;\nmessage A {}\n",
                          at: "test.proto:3:8", "unterminated string")
    }

    @Test("unterminated block comment")
    func unterminatedComment() {
        expectSchemaError("syntax = \"proto3\";\npackage p;\n  /* never\nclosed\n",
                          at: "test.proto:3:3", "unterminated comment")
    }

    @Test("unexpected character")
    func unexpectedCharacter() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              int32 a = 1; @
            }
            """, at: "test.proto:4:16", "unexpected character '@'")
    }

    @Test("the end of the file inside a message")
    func endOfFile() {
        expectSchemaError("syntax = \"proto3\";\npackage p;\nmessage A {\n  int32 a = 1;\n",
                          at: "test.proto:4:15", "expected '}' to close message A")
    }

    @Test("a missing semicolon")
    func missingSemicolon() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              int32 a = 1
              int32 b = 2;
            }
            """, at: "test.proto:5:3", "expected ';', found 'int32'")
    }

    @Test("an unknown type reference (found when resolving names)")
    func unknownType() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              Missing m = 1;
            }
            """, at: "test.proto:4:11", "unknown type Missing")
    }

    @Test("an unknown map value type, in a nested message")
    func unknownMapValue() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              message B {
                map<string, Missing> m = 1;
              }
            }
            """, at: "test.proto:5:26", "unknown type Missing")
    }

    @Test("a nested type is not visible unqualified from outside its message")
    func nestedScope() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {
              message Inner {}
            }
            message B {
              Inner i = 1;
            }
            """, at: "test.proto:7:9", "unknown type Inner")
    }

    @Test("an rpc whose input is an enum")
    func rpcEnumInput() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {}
            enum E { E_ZERO = 0; }
            service S {
              rpc X(E) returns (A);
            }
            """, at: "test.proto:6:7", "E is not a message")
    }

    @Test("an rpc whose output is unknown")
    func rpcUnknownOutput() {
        expectSchemaError("""
            syntax = "proto3";
            package p;
            message A {}
            service S {
              rpc X(A) returns (Nope);
            }
            """, at: "test.proto:5:7", "Nope is not a message")
    }

    @Test("names resolve across files, by full name and from the innermost scope outwards")
    func crossFileResolution() throws {
        let common = try ProtoParser.parse("""
            syntax = "proto3";
            package bizing.common.v1;
            message Money { int64 cents = 1; }
            """, path: "common.proto")
        let shop = try ProtoParser.parse("""
            syntax = "proto3";
            package bizing.shop.v1;
            import "common.proto";
            message Item {
              bizing.common.v1.Money price = 1;
              message Money { string note = 1; }
              Money local = 2;
            }
            """, path: "shop.proto")
        let api = try SwiftRenderer(files: [common, shop]).render(shop).api
        #expect(api.contains("public var price: CommonV1.Money? = nil"))
        #expect(api.contains("public var local: ShopV1.Item.Money? = nil"))
    }
}
