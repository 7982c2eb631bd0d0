import NIOCore

extension Frame {
    /// A frame whose payload is a control message encoded as protobuf.
    public static func control<M: Encodable>(
        _ type: FrameType, callID: UInt32 = 0, flags: FrameFlags = [], _ message: M
    ) throws -> Frame {
        var payload = ByteBuffer()
        try ProtobufEncoder().encode(message, into: &payload)
        return Frame(type: type, flags: flags, callID: callID, payload: payload)
    }

    /// Decodes the payload as a control message.
    public func decodePayload<M: Decodable>(as type: M.Type) throws -> M {
        try ProtobufDecoder().decode(M.self, from: payload)
    }
}
