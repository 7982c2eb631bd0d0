public import Foundation

/// Parsing ids and other request fields into domain values, with the field's
/// name in the error. Contexts add their own parsers in extensions.
public enum RequestFields {
    /// A UUID in any case; INVALID_ARGUMENT naming `field` otherwise.
    public static func id(_ text: String, field: String) throws(ValidationFailure) -> UUID {
        if text.isEmpty {
            throw ValidationFailure([InvalidField(field: field, rule: .required, description: "is required")])
        }
        guard let id = UUID(uuidString: text) else {
            throw ValidationFailure([InvalidField(field: field, rule: .malformed, description: "must be a UUID")])
        }
        return id
    }

    /// An optional id: empty is nil.
    public static func optionalID(_ text: String, field: String) throws(ValidationFailure) -> UUID? {
        text.isEmpty ? nil : try id(text, field: field)
    }

    /// Two ids a request names (an organization and a user, say); every bad one reported.
    public static func ids(_ first: (text: String, field: String), _ second: (text: String, field: String)) throws(ValidationFailure) -> (UUID, UUID) {
        var found: [InvalidField] = []
        var ids: [UUID] = []
        for (text, field) in [first, second] {
            do throws(ValidationFailure) { ids.append(try id(text, field: field)) } catch { found += error.violations }
        }
        try found.throwIfAny()
        return (ids[0], ids[1])
    }

    /// Each of `texts` parsed as an id, the field path indexed.
    public static func ids(_ texts: [String], field: String) throws(ValidationFailure) -> [UUID] {
        var ids: [UUID] = []
        var found: [InvalidField] = []
        for (index, text) in texts.enumerated() {
            do throws(ValidationFailure) {
                ids.append(try id(text, field: "\(field)[\(index)]"))
            } catch {
                found += error.violations
            }
        }
        try found.throwIfAny()
        return ids
    }
}
