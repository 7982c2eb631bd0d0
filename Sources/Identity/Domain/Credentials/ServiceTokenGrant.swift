public import ContextKit
public import Foundation

/// What a service token lets an internal service do: act in one
/// organization with one role, at every location, until it expires (if it
/// does) or is revoked. The secret itself is a `SecretToken` of kind
/// `.service`; the grant is what is stored beside its hash and listed.
public struct ServiceTokenGrant: Hashable, Sendable {
    public static let maximumNameLength = 100

    /// A label for people ("billing exporter"), unique per organization by the store.
    public let name: String
    public let organizationID: UUID
    public let role: Role
    public let lifetime: CredentialLifetime

    /// Validates a new grant issued at `now`: a name of 1 to 100 characters
    /// without control characters and an expiry after `now` if there is one.
    /// Whether the issuer may grant `role` (not above their own) is the
    /// caller's check: `Role.outranks`.
    public init(name: String, organizationID: UUID, role: Role, expiresAt: Date?, now: Date) throws(ValidationFailure) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        var found: [InvalidField] = []
        if trimmed.isEmpty {
            found.append(InvalidField(field: "name", rule: .required, description: "is required"))
        } else if trimmed.count > Self.maximumNameLength {
            found.append(InvalidField(field: "name", rule: .tooLong, description: "must be at most \(Self.maximumNameLength) characters"))
        } else if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            found.append(InvalidField(field: "name", rule: .notAllowed, description: "must not contain control characters"))
        }
        if let expiresAt, expiresAt <= now {
            found.append(InvalidField(field: "expires_at", rule: .notAllowed, description: "must be in the future"))
        }
        try found.throwIfAny()
        self.init(stored: trimmed, organizationID: organizationID, role: role, lifetime: CredentialLifetime(issuedAt: now, expiresAt: expiresAt))
    }

    /// A grant read back from the store, as it was validated when issued.
    public init(stored name: String, organizationID: UUID, role: Role, lifetime: CredentialLifetime) {
        self.name = name
        self.organizationID = organizationID
        self.role = role
        self.lifetime = lifetime
    }

    /// The membership the token acts with.
    public var membership: Membership { Membership(role: role, scope: .allLocations) }
}
