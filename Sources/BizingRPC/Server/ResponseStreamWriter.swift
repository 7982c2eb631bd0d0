public import NIOCore

/// Sends the responses of a server-streaming call. `send` returns once the
/// message is queued for the socket, and waits while the client has granted
/// no credit, so a slow reader slows the handler instead of filling memory.
/// Sends must not overlap: await one before starting the next.
public struct ResponseStreamWriter: Sendable {
    private let sendMessage: @Sendable (ByteBuffer) async throws -> Void

    public init(_ sendMessage: @escaping @Sendable (ByteBuffer) async throws -> Void) {
        self.sendMessage = sendMessage
    }

    /// Sends one encoded message; throws `CancellationError` once the call is over.
    public func send(_ message: ByteBuffer) async throws {
        try await sendMessage(message)
    }

    /// Sends one message, encoded with the protobuf coder.
    public func send<Message: Encodable>(_ message: Message) async throws {
        try await sendMessage(try encodeResponse(message))
    }
}

/// A typed view of a `ResponseStreamWriter`, for generated service protocols.
public struct ResponseWriter<Message: Encodable & Sendable>: Sendable {
    public let raw: ResponseStreamWriter

    public init(_ raw: ResponseStreamWriter) { self.raw = raw }

    public func send(_ message: Message) async throws {
        try await raw.send(message)
    }
}
