public import ContextKit
/// What a new password must be (NIST SP 800-63B: length, not composition
/// rules). Checked when a password is set, never at sign-in: a stored
/// password keeps working if the policy changes.
public struct PasswordPolicy: Sendable {
    /// At least this many characters (Unicode code points, after NFKC).
    public var minimumCharacters: Int
    /// At most this many bytes of UTF-8 after NFKC: bounds the hashing work
    /// and the memory a request can make the server spend.
    public var maximumBytes: Int

    public static let `default` = PasswordPolicy(minimumCharacters: 8, maximumBytes: 1024)

    /// A few of the most common passwords of at least eight characters. A
    /// breached-password list belongs to a later issue; these are only the
    /// ones no policy should let through.
    static let common: Set<String> = [
        "password", "password1", "password123", "12345678", "123456789", "1234567890",
        "qwertyuiop", "qwerty123", "11111111", "00000000", "iloveyou", "abcdefgh",
        "abc12345", "passw0rd", "letmein1", "welcome1", "sunshine", "football", "baseball",
        "princess", "trustno1", "superman", "starwars", "bizing123",
    ]

    public init(minimumCharacters: Int, maximumBytes: Int) {
        self.minimumCharacters = minimumCharacters
        self.maximumBytes = maximumBytes
    }

    /// The rules `password` breaks, empty when it may be set. `context` holds
    /// words the password must not equal, case aside: the email, its part
    /// before the @, the user's name.
    public func violations(of password: Password, context: [String] = [], field: String = "password") -> [InvalidField] {
        // A cheap bound before normalizing (NFKC expands by at most 18x).
        if password.rawByteCount > maximumBytes * 4 {
            return [InvalidField(field: field, rule: .tooLong, description: "must be at most \(maximumBytes) bytes")]
        }
        let normalized = password.normalized
        if normalized.isEmpty {
            return [InvalidField(field: field, rule: .required, description: "is required")]
        }
        var found: [InvalidField] = []
        if normalized.unicodeScalars.count < minimumCharacters {
            found.append(InvalidField(field: field, rule: .tooShort, description: "must be at least \(minimumCharacters) characters"))
        }
        if normalized.utf8.count > maximumBytes {
            found.append(InvalidField(field: field, rule: .tooLong, description: "must be at most \(maximumBytes) bytes"))
        }
        if normalized.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            found.append(InvalidField(field: field, rule: .notAllowed, description: "must not contain control characters"))
        }
        let lowered = normalized.lowercased()
        if Self.common.contains(lowered) {
            found.append(InvalidField(field: field, rule: .notAllowed, description: "is too common"))
        } else if context.contains(where: { !$0.isEmpty && $0.lowercased() == lowered }) {
            found.append(InvalidField(field: field, rule: .notAllowed, description: "must not be your email address or name"))
        }
        return found
    }

    /// Throws the violations, if any.
    public func validate(_ password: Password, context: [String] = [], field: String = "password") throws(ValidationFailure) {
        try violations(of: password, context: context, field: field).throwIfAny()
    }
}
