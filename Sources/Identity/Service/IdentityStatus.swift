import ContextKit
import BizingWire
import BizingStore
import ContextKit
import Foundation
import GRDB

/// The statuses the Identity services answer with, worded once.
enum IdentityStatus {
    /// The one answer for every token that does not authenticate.
    static let unauthenticated = RPCStatus(
        .unauthenticated, "a valid token is required: send 'authorization: Bearer <token>' (bizing login, or a service token)")

    /// Wrong email or wrong password: one answer for both.
    static let signInFailed = RPCStatus(.unauthenticated, "the email or the password is wrong")

    /// What a missing object and one the caller may not see both answer.
    static func notFound(_ kind: String, _ id: String) -> RPCStatus { ContextStatus.notFound(kind, id) }

    static func permissionDenied(_ why: String) -> RPCStatus { ContextStatus.permissionDenied(why) }

    static let unvalidated = ContextStatus.unvalidated

    static let needsUser = permissionDenied("a service token acts for its organization; this needs a signed-in user")

    static func failedPrecondition(_ why: String) -> RPCStatus { ContextStatus.failedPrecondition(why) }

    static func alreadyExists(field: String, _ why: String) -> RPCStatus { ContextStatus.alreadyExists(field: field, why) }

    /// A store refusal as the caller sees it.
    static func from(_ error: IdentityStoreError) -> RPCStatus {
        switch error {
        case .emailTaken: alreadyExists(field: "email", "another user has this email address")
        case .slugTaken: alreadyExists(field: "slug", "another organization has (or had) this slug")
        case .alreadyBootstrapped: failedPrecondition("the database already has an organization")
        }
    }
}

/// A user as a request names them.
enum UserReference: Sendable {
    case id(UUID)
    case email(EmailAddress)

    /// The field the reference came in, for an error about it.
    var field: String {
        switch self {
        case .id: "user_id"
        case .email: "email"
        }
    }

    /// The live user it names; NOT_FOUND otherwise.
    func user(_ db: Database) throws -> UserRecord {
        switch self {
        case .id(let id):
            guard let user = try IdentityTables.user(db, id: id) else { throw IdentityStatus.notFound("user", id.lowercasedString) }
            return user
        case .email(let email):
            guard let user = try IdentityTables.user(db, email: email) else { throw IdentityStatus.notFound("user with the email", email.display) }
            return user
        }
    }
}

/// The Identity parts of request parsing.
extension RequestFields {
    /// The user a request names by `user_id` or by `email`, exactly one of them.
    static func user(id: String, email: String) throws(ValidationFailure) -> UserReference {
        switch (id.isEmpty, email.isEmpty) {
        case (false, true): return .id(try self.id(id, field: "user_id"))
        case (true, false): return .email(try EmailAddress(email))
        default:
            throw ValidationFailure([InvalidField(field: "user_id", rule: .required, description: "name the user by user_id or by email, not both")])
        }
    }

    /// A YYYY-MM-DD date that exists, not after `today` (for a birth date).
    static func birthDate(_ text: String, field: String, today: Date) throws(ValidationFailure) -> String {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        var components = DateComponents()
        if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
           let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) {
            components = DateComponents(year: year, month: month, day: day)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let year = components.year, year >= 1900, let date = calendar.date(from: components),
              calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: components.year, month: components.month, day: components.day)
        else {
            throw ValidationFailure([InvalidField(field: field, rule: .malformed, description: "must be a date YYYY-MM-DD")])
        }
        if date > today {
            throw ValidationFailure([InvalidField(field: field, rule: .notAllowed, description: "must not be in the future")])
        }
        return text
    }
}
