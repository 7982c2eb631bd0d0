/// The outcome of a call as the caller sees it: a code, a human message and
/// machine-readable details. It is also the error type handlers throw to
/// choose their status; any other error leaves the server as a bare INTERNAL.
public struct RPCStatus: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    public var details: StatusDetails

    public init(_ code: StatusCode, _ message: String, details: StatusDetails = StatusDetails()) {
        self.code = code
        self.message = message
        self.details = details
    }

    public static let ok = RPCStatus(.ok, "")

    /// INVALID_ARGUMENT with one violation per problem.
    public static func invalidArgument(_ violations: [FieldViolation], message: String? = nil) -> RPCStatus {
        let summary = message ?? violations.map { "\($0.field): \($0.description)" }.joined(separator: "; ")
        return RPCStatus(.invalidArgument, summary, details: StatusDetails(fieldViolations: violations))
    }

    public static func invalidArgument(field: String, _ description: String) -> RPCStatus {
        invalidArgument([FieldViolation(field: field, description: description)])
    }

    public var description: String {
        var text = "\(code.name)"
        if !message.isEmpty { text += ": \(message)" }
        return text
    }
}

/// Machine-readable details of a status (after google.rpc's BadRequest,
/// RetryInfo and ErrorInfo, flattened into one message).
public struct StatusDetails: Codable, Hashable, Sendable {
    /// One entry per invalid field of the request.
    public var fieldViolations: [FieldViolation]
    /// When set, the caller may retry after this many milliseconds.
    public var retryDelayMillis: UInt64?
    /// A stable UPPER_SNAKE_CASE reason a program can switch on, e.g. `SLOT_TAKEN`.
    public var reason: String

    public init(fieldViolations: [FieldViolation] = [], retryDelayMillis: UInt64? = nil, reason: String = "") {
        self.fieldViolations = fieldViolations
        self.retryDelayMillis = retryDelayMillis
        self.reason = reason
    }

    enum CodingKeys: Int, CodingKey {
        case fieldViolations = 1
        case retryDelayMillis = 2
        case reason = 3
    }
}

/// One invalid field: a path such as `participants[2].email`, and why.
public struct FieldViolation: Codable, Hashable, Sendable {
    public var field: String
    public var description: String

    public init(field: String, description: String) {
        self.field = field
        self.description = description
    }

    enum CodingKeys: Int, CodingKey {
        case field = 1
        case description = 2
    }
}
