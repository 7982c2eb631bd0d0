public import Foundation

/// Who is calling, as the authentication interceptor established from the
/// call's bearer token: a signed-in user, or a program with a service token.
public struct Principal: Hashable, Sendable {
    public enum Credential: Hashable, Sendable {
        case session(id: UUID, userID: UUID)
        case service(ServiceTokenRecord)
    }

    public let credential: Credential
    /// When the credential stops working, if it does.
    public let expiresAt: Date?

    /// The user behind a session; nil for a service token.
    public var userID: UUID? {
        if case .session(_, let userID) = credential { return userID }
        return nil
    }
}
