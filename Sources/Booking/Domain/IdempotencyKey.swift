import Crypto
public import Foundation

/// An `idempotency-key` metadata entry: a retry with the same key returns
/// the first answer and changes nothing; the same key with another request
/// is refused. The key is the client's (1 to 255 printable ASCII
/// characters); the request is remembered by a digest of its method and bytes.
public struct IdempotencyKey: Hashable, Sendable {
    public let value: String

    /// nil when `text` is not a usable key.
    public init?(_ text: String) {
        guard (1...255).contains(text.utf8.count), text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        value = text
    }

    /// What a stored key is compared on: the method and the request's bytes.
    public static func fingerprint(method: String, request: some DataProtocol) -> Data {
        var hasher = SHA256()
        hasher.update(data: Data(method.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: request)
        return Data(hasher.finalize())
    }

    /// What a call with this key does, given what was stored under it.
    public enum Replay: Hashable, Sendable {
        /// First use: run the call and store its answer.
        case run
        /// The same request again: answer what was stored.
        case answer(Data)
        /// Another request under a used key: refuse it.
        case mismatch
    }

    public static func replay(stored: (fingerprint: Data, answer: Data)?, fingerprint: Data) -> Replay {
        guard let stored else { return .run }
        return stored.fingerprint == fingerprint ? .answer(stored.answer) : .mismatch
    }
}
