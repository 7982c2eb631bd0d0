/// A connection-level protocol violation. The connection cannot continue:
/// the receiver sends GOAWAY with `statusCode` and `description`, then closes.
public struct FrameError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        let name: String
        public static let badPreface = Code(name: "bad preface")
        public static let unsupportedVersion = Code(name: "unsupported version")
        public static let frameTooLarge = Code(name: "frame too large")
        public static let truncatedFrame = Code(name: "truncated frame")
        public static let protocolViolation = Code(name: "protocol violation")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// The status a GOAWAY for this error carries.
    public var statusCode: StatusCode {
        switch code {
        case .frameTooLarge: .resourceExhausted
        case .unsupportedVersion: .unimplemented
        default: .internal
        }
    }

    public var description: String { "\(code.name): \(detail)" }
}
