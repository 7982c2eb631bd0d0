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

extension Principal {
    /// A user acting in-process (the demo data, benchmarks, fixtures),
    /// through the same rules as a call: no session or token exists for it.
    public static func inProcess(userID: UUID) -> Principal {
        Principal(credential: .session(id: UUID(), userID: userID), expiresAt: nil)
    }
}
