public import BizingWire

extension ValidationFailure {
    /// INVALID_ARGUMENT with one field violation per broken rule.
    public var status: RPCStatus {
        RPCStatus.invalidArgument(violations.map { FieldViolation(field: $0.field, description: $0.description) })
    }
}

/// The statuses every context answers with, worded once.
public enum ContextStatus {
    /// What a missing object and one the caller may not see both answer.
    public static func notFound(_ kind: String, _ id: String) -> RPCStatus {
        RPCStatus(.notFound, "no \(kind) \(id)")
    }

    public static func permissionDenied(_ why: String) -> RPCStatus {
        RPCStatus(.permissionDenied, why)
    }

    public static func failedPrecondition(_ why: String) -> RPCStatus {
        RPCStatus(.failedPrecondition, why)
    }

    /// A unique value taken, with the field that carries it.
    public static func alreadyExists(field: String, _ why: String) -> RPCStatus {
        RPCStatus(.alreadyExists, "\(field): \(why)", details: StatusDetails(fieldViolations: [FieldViolation(field: field, description: why)]))
    }

    /// After every field is validated, a value that must be there is not:
    /// a bug here, not bad input; a bare INTERNAL like any other.
    public static let unvalidated = RPCStatus(.internal, "internal error")
}
