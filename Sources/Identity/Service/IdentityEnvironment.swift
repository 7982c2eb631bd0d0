import ContextKit
public import BizingStore
import BizingWire

/// What every Identity service works with: the store (its clock and id
/// generator), the password workers, and the policies.
public struct IdentityEnvironment: Sendable {
    public let store: BizingStore
    public let passwords: PasswordWorkers
    public let sessionPolicy: SessionPolicy
    public let passwordPolicy: PasswordPolicy
    /// Checks the locations a membership's scope names; nil checks nothing
    /// (an Identity without a catalog, as in unit tests).
    public let locations: (any LocationDirectory)?
    /// Shared by the authenticator and the handlers that end credentials.
    let credentials = CredentialCache()

    public init(
        store: BizingStore, passwords: PasswordWorkers, sessionPolicy: SessionPolicy = .default, passwordPolicy: PasswordPolicy = .default,
        locations: (any LocationDirectory)? = nil
    ) {
        self.store = store
        self.locations = locations
        self.passwords = passwords
        self.sessionPolicy = sessionPolicy
        self.passwordPolicy = passwordPolicy
    }

    /// Runs a handler's body, turning the domain's and the store's refusals
    /// into statuses (anything else stays an internal error).
    func answering<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as ValidationFailure {
            throw failure.status
        } catch let refusal as IdentityStoreError {
            throw IdentityStatus.from(refusal)
        }
    }

    /// Checks a new password against the policy and hashes it on a worker.
    func hashNewPassword(_ text: String, field: String, context: [String]) async throws -> PasswordHash {
        let password = Password(text)
        try passwordPolicy.validate(password, context: context, field: field)
        return try await passwords.run { hasher in try hasher.hash(password) }
    }

    /// The words a password must not equal: the email, its local part, the name.
    static func passwordContext(email: String?, name: String) -> [String] {
        var words = [name]
        if let email, !email.isEmpty {
            words.append(email)
            if let at = email.firstIndex(of: "@") { words.append(String(email[..<at])) }
        }
        return words
    }
}
