import Foundation

/// A person without an account as a command line names them:
/// `Ada Lovelace <ada@example.com>`.
public struct GuestAddress: Hashable, Sendable {
    public let name: String
    public let email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// "Name <email>": a name, then an address in angle brackets; nil otherwise.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else { return nil }
        let name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        let email = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, email.contains("@"), !email.contains(" ") else { return nil }
        self.name = name
        self.email = email
    }
}
