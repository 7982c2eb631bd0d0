import Crypto

/// A bearer secret: 32 random bytes, shown to its holder once as
/// `<prefix><base64url>` and stored only as `hash` (SHA-256 of the bytes).
///
/// The prefix tells the kind (`bzs_` a user's session, `bzt_` a service
/// token), so a token in a log or a paste is recognizable and a secret
/// scanner can find it. The 32 bytes are 256 bits of entropy: a fast hash
/// (not a password hash) is enough to store them, and a database that leaks
/// yields nothing usable.
///
/// It prints as `bzs_…`; `rendered` is the only way to the secret.
public struct SecretToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public enum Kind: String, CaseIterable, Sendable {
        case session
        case service

        public var prefix: String {
            switch self {
            case .session: "bzs_"
            case .service: "bzt_"
            }
        }
    }

    public static let byteCount = 32
    /// base64url without padding of 32 bytes.
    static let encodedCount = 43

    public let kind: Kind
    let bytes: [UInt8]

    init(kind: Kind, bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount)
        self.kind = kind
        self.bytes = bytes
    }

    /// A new token from the system's CSPRNG.
    public static func generate(_ kind: Kind) -> SecretToken {
        var generator = SystemRandomNumberGenerator()
        return generate(kind, using: &generator)
    }

    /// A new token from `generator` (cryptographically secure outside tests).
    public static func generate(_ kind: Kind, using generator: inout some RandomNumberGenerator) -> SecretToken {
        SecretToken(kind: kind, bytes: RandomBytes.make(count: byteCount, using: &generator))
    }

    /// Parses a presented token; nil unless it is exactly a known prefix and
    /// 43 characters of canonical base64url (no padding, no whitespace), and
    /// of `kind` when one is expected.
    public init?(parsing text: String, expecting expected: Kind? = nil) {
        guard text.utf8.count == 4 + Self.encodedCount,
              let kind = Kind.allCases.first(where: { text.hasPrefix($0.prefix) }),
              expected == nil || expected == kind,
              let bytes = Base64.decode(text.utf8.dropFirst(4), alphabet: .url),
              bytes.count == Self.byteCount
        else { return nil }
        self.init(kind: kind, bytes: bytes)
    }

    /// The text handed to the holder, once.
    public var rendered: String { kind.prefix + Base64.encode(bytes, alphabet: .url) }

    /// What the database stores and looks the token up by.
    public var hash: TokenHash { TokenHash(SHA256.hash(data: bytes)) }

    public var description: String { "\(kind.prefix)…" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["kind": kind], displayStyle: .struct) }
}

/// SHA-256 of a token's bytes: 32 bytes, compared in constant time.
public struct TokenHash: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    init(_ digest: SHA256.Digest) { bytes = Array(digest) }

    /// A hash read back from the database; nil unless 32 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == SHA256.byteCount else { return nil }
        self.bytes = bytes
    }

    public static func == (a: Self, b: Self) -> Bool { ConstantTime.equals(a.bytes, b.bytes) }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    /// Lowercase hex, for a log line that must tell tokens apart (the hash
    /// reveals nothing of the token).
    public var hex: String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    public var description: String { "sha256:" + hex.prefix(12) + "…" }
}
