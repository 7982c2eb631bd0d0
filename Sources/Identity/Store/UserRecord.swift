public import Foundation

/// A user as the `users` table holds it. The password hash never leaves
/// the Identity context.
public struct UserRecord: Hashable, Sendable {
    public let id: UUID
    /// As entered; unique ignoring case among users not deleted.
    public let email: String?
    public let name: String
    public let phone: String?
    /// The stored `scrypt$…` string, or nil for a user who cannot sign in with a password.
    let passwordHash: String?
    /// JSON object: time zone, locale, notification choices.
    public let preferences: String
    public let createdAt: Date
    public let updatedAt: Date

    /// Whether the user can sign in with a password.
    public var hasPassword: Bool { passwordHash != nil }

    /// The stored preferences; a row holding something else reads as the defaults.
    public var decodedPreferences: UserPreferences {
        (try? JSONDecoder().decode(UserPreferences.self, from: Data(preferences.utf8))) ?? UserPreferences()
    }
}

/// What registering a user writes.
public struct NewUser: Sendable {
    /// nil for someone who will not sign in (a child managed by a household).
    public var email: EmailAddress?
    public var name: String
    public var phone: String?
    /// nil: cannot sign in with a password (yet).
    public var passwordHash: PasswordHash?
    public var preferences: String

    public init(email: EmailAddress?, name: String, phone: String?, passwordHash: PasswordHash?, preferences: String = "{}") {
        self.email = email
        self.name = name
        self.phone = phone
        self.passwordHash = passwordHash
        self.preferences = preferences
    }
}

/// A signed-in session as the `sessions` table holds it (the token itself
/// is never stored, only its SHA-256).
public struct SessionRecord: Hashable, Sendable {
    public let id: UUID
    public let userID: UUID
    public let lifetime: CredentialLifetime
}

/// Why a store call refused: mapped to a status by the service layer.
public enum IdentityStoreError: Error, Hashable, Sendable {
    /// Another live user has this email (ignoring case).
    case emailTaken
    /// Another organization has (or had) this slug.
    case slugTaken
    /// Bootstrap found organizations already: it only makes the first one.
    case alreadyBootstrapped
}
