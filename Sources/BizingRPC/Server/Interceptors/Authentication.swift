import BizingWire

/// The attribute under which `Authentication` stores the caller's principal.
public enum PrincipalKey<Principal: Sendable>: CallAttributeKey {
    public typealias Value = Principal
}

/// The authentication hook: every method outside `openMethods` runs only
/// after `authenticate` turns the call (its `authorization` metadata,
/// usually) into a principal, which handlers read with
/// `context.principal(as:)`. `authenticate` throws UNAUTHENTICATED to refuse.
public struct Authentication<Principal: Sendable>: ServerInterceptor {
    public let openMethods: Set<String>
    private let authenticate: @Sendable (ServerCallContext) async throws -> Principal

    public init(openMethods: Set<String>, authenticate: @escaping @Sendable (ServerCallContext) async throws -> Principal) {
        self.openMethods = openMethods
        self.authenticate = authenticate
    }

    public func intercept<Output: Sendable>(
        _ context: ServerCallContext, next: (ServerCallContext) async throws -> Output
    ) async throws -> Output {
        guard !openMethods.contains(context.method) else { return try await next(context) }
        var context = context
        context.attributes[PrincipalKey<Principal>.self] = try await authenticate(context)
        return try await next(context)
    }
}

extension ServerCallContext {
    /// The principal `Authentication` attached, if any.
    public func principal<Principal: Sendable>(as type: Principal.Type) -> Principal? {
        attributes[PrincipalKey<Principal>.self]
    }

    /// The token of an `authorization: Bearer <token>` entry, if there is one.
    public var bearerToken: String? {
        guard let value = metadataValue("authorization") else { return nil }
        let prefix = "Bearer "
        guard value.hasPrefix(prefix) else { return nil }
        let token = value.dropFirst(prefix.count)
        return token.isEmpty ? nil : String(token)
    }
}
