public import NIOCore
import BizingWire

/// The encoded responses of a server-streaming call, in order. Reading
/// grants the server credit for more (half a window at a time), so the
/// server never runs further ahead than the window.
public struct RawResponseStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    let stream: AsyncThrowingStream<ByteBuffer, any Error>
    let connection: LiveConnection
    let token: UInt64

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
        let connection: LiveConnection
        let token: UInt64
        var consumed: UInt32 = 0

        public mutating func next() async throws -> ByteBuffer? {
            guard let message = try await base.next() else { return nil }
            consumed += 1
            if consumed >= UInt32(ClientConnectionHandler.responseWindow / 2) {
                connection.send(.grant(token: token, increment: consumed))
                consumed = 0
            }
            return message
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), connection: connection, token: token)
    }
}

/// The typed responses of a server-streaming call.
public struct ResponseStream<Message: Decodable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Message

    public let raw: RawResponseStream

    public init(_ raw: RawResponseStream) { self.raw = raw }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: RawResponseStream.AsyncIterator

        public mutating func next() async throws -> Message? {
            guard let bytes = try await base.next() else { return nil }
            do {
                return try ProtobufDecoder().decode(Message.self, from: bytes)
            } catch {
                throw RPCStatus(.internal, "a response could not be decoded: \(error)")
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: raw.makeAsyncIterator())
    }
}
