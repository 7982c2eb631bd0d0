import Foundation

/// A plaintext password on its way to the hasher. It prints as `<password>`
/// in logs, string interpolation and dumps, so it cannot leak by accident;
/// `normalizedBytes` is the only way to its content.
public struct Password: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let text: String

    public init(_ text: String) { self.text = text }

    /// The bytes that are hashed: the UTF-8 of the NFKC form (NIST SP 800-63B
    /// 5.1.1.2), so the same password typed on keyboards or systems that
    /// compose characters differently (`é` as one or two code points,
    /// full-width letters) verifies the same.
    var normalizedBytes: [UInt8] { Array(normalized.utf8) }

    var normalized: String { text.precomposedStringWithCompatibilityMapping }

    /// The length of the input as received, before normalization (which can
    /// expand a string), for a cheap bound before any work.
    var rawByteCount: Int { text.utf8.count }

    public var description: String { "<password>" }
    public var debugDescription: String { "<password>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
