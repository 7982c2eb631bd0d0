public import ContextKit
import Foundation

/// An email address as a user typed it (`display`) and the form that decides
/// uniqueness (`normalized`: trimmed, Unicode NFC, lowercased). Two sign-ups
/// that differ only in case or surrounding spaces are the same account.
///
/// Lowercasing the local part is stricter than RFC 5321 allows, but no mail
/// provider in use distinguishes case there, and telling `Ann@x.com` from
/// `ann@x.com` apart would let one person hold two accounts by accident.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address as entered, without surrounding whitespace.
    public let display: String
    /// The key for uniqueness and look-up.
    public let normalized: String

    /// RFC 5321's limit on a forward path.
    public static let maximumLength = 254
    static let maximumLocalPartLength = 64
    static let maximumLabelLength = 63

    /// Validates and normalizes `raw`; the violations name `field`.
    public init(_ raw: String, field: String = "email") throws(ValidationFailure) {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = Self.problem(with: trimmed) {
            throw ValidationFailure([InvalidField(field: field, rule: problem.rule, description: problem.description)])
        }
        display = trimmed
        normalized = trimmed.precomposedStringWithCanonicalMapping.lowercased()
    }

    /// Equality and hashing follow the normalized form.
    public static func == (a: Self, b: Self) -> Bool { a.normalized == b.normalized }
    public func hash(into hasher: inout Hasher) { hasher.combine(normalized) }

    public var description: String { display }

    private static func problem(with address: String) -> (rule: InvalidField.Rule, description: String)? {
        if address.isEmpty { return (.required, "is required") }
        if address.utf8.count > maximumLength {
            return (.tooLong, "must be at most \(maximumLength) bytes")
        }
        // The last @ separates the domain; quoted local parts (which may hold
        // an @) are not accepted, so any other @ makes the local part invalid.
        guard let at = address.lastIndex(of: "@") else {
            return (.malformed, "is not an email address (no @)")
        }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        if !isValidLocalPart(local) { return (.malformed, "has an invalid part before the @") }
        if !isValidDomain(domain) { return (.malformed, "has an invalid domain") }
        return nil
    }

    /// RFC 5322 dot-atom, plus any non-ASCII letter (RFC 6531).
    static func isValidLocalPart(_ local: Substring) -> Bool {
        guard !local.isEmpty, local.utf8.count <= maximumLocalPartLength else { return false }
        guard local.first != ".", local.last != ".", !local.contains("..") else { return false }
        return local.unicodeScalars.allSatisfy { scalar in
            if scalar.isASCII {
                return isASCIIAlphanumeric(scalar) || "!#$%&'*+/=?^_`{|}~.-".unicodeScalars.contains(scalar)
            }
            return isNonASCIIWordScalar(scalar)
        }
    }

    /// Host names: two or more dot-separated labels of letters, digits and
    /// inner hyphens (non-ASCII letters allowed for internationalized names),
    /// a top-level label that is not all digits. No IP literals, no `localhost`.
    static func isValidDomain(_ domain: Substring) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= maximumLabelLength else { return false }
            guard label.first != "-", label.last != "-" else { return false }
            let allowed = label.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII ? (isASCIIAlphanumeric(scalar) || scalar == "-") : isNonASCIIWordScalar(scalar)
            }
            guard allowed else { return false }
        }
        return !labels.last!.allSatisfy(\.isNumber)
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private static func isNonASCIIWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil || properties.isDiacritic
    }
}
