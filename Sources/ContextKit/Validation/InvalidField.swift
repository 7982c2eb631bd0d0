/// One invalid input field: its path (`email`, `members[2].role`), the rule it
/// breaks, and a sentence for people. The description never repeats the value
/// (it may be a password or personal data); the Service layer turns each into
/// the wire's field violation.
public struct InvalidField: Hashable, Sendable, CustomStringConvertible {
    /// Which rule was broken: an opaque, stable code for programs.
    public struct Rule: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let required = Rule("required")
        public static let tooShort = Rule("too short")
        public static let tooLong = Rule("too long")
        public static let malformed = Rule("malformed")
        public static let notAllowed = Rule("not allowed")
        public static let unknown = Rule("unknown")
        public static let conflict = Rule("conflict")
    }

    public let field: String
    public let rule: Rule
    public let description: String

    public init(field: String, rule: Rule, description: String) {
        self.field = field
        self.rule = rule
        self.description = description
    }
}

/// Input that breaks one or more rules: every violation found, not only the first.
public struct ValidationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public let violations: [InvalidField]

    public init(_ violations: [InvalidField]) {
        precondition(!violations.isEmpty, "a validation failure names at least one field")
        self.violations = violations
    }

    public var description: String {
        violations.map { "\($0.field): \($0.description)" }.joined(separator: "; ")
    }
}

extension [InvalidField] {
    /// Throws the violations gathered so far, if any.
    public func throwIfAny() throws(ValidationFailure) {
        if !isEmpty { throw ValidationFailure(self) }
    }
}
