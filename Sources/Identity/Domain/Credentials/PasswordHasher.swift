import ContextKit
import Crypto
import CryptoExtras

/// Hashes and verifies passwords with scrypt (swift-crypto's
/// `KDF.Scrypt`, BoringSSL underneath).
///
/// - New hashes use `parameters` (by default OWASP's N = 2^17, r = 8, p = 1)
///   with a 16-byte random salt and a 32-byte key.
/// - `verify` recomputes with the parameters stored in the hash and compares
///   in constant time.
/// - `verifyAgainstDummy` is the path for an email that matches no account:
///   one derivation at the current parameters, like `verify` of a current
///   hash, then `false`, so the answer's timing does not tell whether the
///   email exists.
///
/// One derivation at the default costs 128 MiB and a few hundred
/// milliseconds of CPU: callers run it off the event loops and bound how
/// many run at once.
public struct PasswordHasher: Sendable {
    /// One scrypt derivation: password bytes, salt, parameters -> key.
    typealias Derivation = @Sendable (_ password: [UInt8], _ salt: [UInt8], _ parameters: ScryptParameters) throws -> [UInt8]

    /// What new hashes are made with, and the bar below which `needsRehash` says yes.
    public let parameters: ScryptParameters
    /// Longer passwords are not hashed (the policy refuses to set them, so none can match).
    public let maximumPasswordBytes: Int
    let derive: Derivation

    public init(parameters: ScryptParameters = .default, maximumPasswordBytes: Int = PasswordPolicy.default.maximumBytes) {
        self.init(parameters: parameters, maximumPasswordBytes: maximumPasswordBytes, derive: Self.scrypt)
    }

    init(parameters: ScryptParameters, maximumPasswordBytes: Int, derive: @escaping Derivation) {
        self.parameters = parameters
        self.maximumPasswordBytes = maximumPasswordBytes
        self.derive = derive
    }

    /// A new hash of `password` with a fresh salt from the system's CSPRNG.
    public func hash(_ password: Password) throws -> PasswordHash {
        var generator = SystemRandomNumberGenerator()
        return try hash(password, using: &generator)
    }

    /// A new hash of `password` with a salt drawn from `generator` (which
    /// must be cryptographically secure outside tests). Throws a
    /// `ValidationFailure` for an empty or over-long password.
    public func hash(_ password: Password, using generator: inout some RandomNumberGenerator) throws -> PasswordHash {
        let bytes = password.normalizedBytes
        if bytes.isEmpty {
            throw ValidationFailure([InvalidField(field: "password", rule: .required, description: "is required")])
        }
        if bytes.count > maximumPasswordBytes {
            throw ValidationFailure([InvalidField(field: "password", rule: .tooLong, description: "must be at most \(maximumPasswordBytes) bytes")])
        }
        let salt = RandomBytes.make(count: parameters.saltByteCount, using: &generator)
        let key = try derive(bytes, salt, parameters)
        return PasswordHash(parameters: parameters, salt: salt, derivedKey: key)
    }

    /// Whether `password` is the one `stored` was made from.
    public func verify(_ password: Password, against stored: PasswordHash) -> Bool {
        let bytes = password.normalizedBytes
        guard !bytes.isEmpty, bytes.count <= maximumPasswordBytes else {
            // No such password can have been stored; spend the same time anyway.
            burn(stored.parameters)
            return false
        }
        guard let key = try? derive(bytes, stored.salt, stored.parameters) else { return false }
        return ConstantTime.equals(key, stored.derivedKey)
    }

    /// `verify` against the stored text; a text that does not parse never
    /// matches (and costs a dummy derivation).
    public func verify(_ password: Password, againstEncoded encoded: String) -> Bool {
        guard let stored = PasswordHash(encoded: encoded) else {
            burn(parameters)
            return false
        }
        return verify(password, against: stored)
    }

    /// The unknown-email path: the work of verifying a current hash, then
    /// `false` whatever the password.
    public func verifyAgainstDummy(_ password: Password) -> Bool {
        let bytes = password.normalizedBytes
        let input = bytes.isEmpty || bytes.count > maximumPasswordBytes ? Self.placeholder : bytes
        let salt = [UInt8](repeating: 0, count: parameters.saltByteCount)
        let key = (try? derive(input, salt, parameters)) ?? []
        // Compare as `verify` does, against a key no derivation yields in practice.
        _ = ConstantTime.equals(key, [UInt8](repeating: 0, count: parameters.outputByteCount))
        return false
    }

    /// Whether `stored` was made with weaker parameters than the current
    /// ones: after a successful sign-in, hash the password again and store it.
    public func needsRehash(_ stored: PasswordHash) -> Bool {
        stored.parameters.isWeaker(than: parameters)
    }

    /// `needsRehash` for the stored text; text that does not parse needs one too.
    public func needsRehash(encoded: String) -> Bool {
        guard let stored = PasswordHash(encoded: encoded) else { return true }
        return needsRehash(stored)
    }

    private func burn(_ parameters: ScryptParameters) {
        let salt = [UInt8](repeating: 0, count: parameters.saltByteCount)
        _ = try? derive(Self.placeholder, salt, parameters)
    }

    private static let placeholder = Array("not a password".utf8)

    /// swift-crypto's scrypt. Its memory limit is its own default, 128 · N ·
    /// r · p plus a page (4.5.2 ignores a `maxMemory` argument), enough for
    /// every parameter set `ScryptParameters` admits.
    static let scrypt: Derivation = { password, salt, parameters in
        let key = try KDF.Scrypt.deriveKey(
            from: password,
            salt: salt,
            outputByteCount: parameters.outputByteCount,
            rounds: parameters.rounds,
            blockSize: parameters.r,
            parallelism: parameters.p
        )
        return key.withUnsafeBytes { Array($0) }
    }
}
