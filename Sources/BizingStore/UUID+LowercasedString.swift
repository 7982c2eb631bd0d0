public import Foundation

extension UUID {
    /// The canonical lowercase text form (`0190163d-8694-739b-aea5-966c26f8ad91`):
    /// how the database stores ids (TEXT, checked lowercase). `uuidString`
    /// is uppercase and would not match.
    public var lowercasedString: String { uuidString.lowercased() }
}
