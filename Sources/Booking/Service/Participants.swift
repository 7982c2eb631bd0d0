import BizingAPI
import BizingStore
import ContextKit
import Foundation
import GRDB
import Identity

/// A booking's participants as sent, checked and completed: a user by id
/// (their name and email come from their account) or a guest by name and
/// email; roles filled in; each user once.
enum Participants {
    static let maximum = 100

    /// Those taking part (observers take no seat).
    static func takingPart(_ participants: [BookingV1.Participant]) -> Int {
        participants.filter { $0.role != .observer }.count
    }

    /// `sent` checked (paths under `field`); empty means the caller alone.
    /// `existing`: participants already on the booking (for additions).
    static func resolve(
        _ db: Database, _ sent: [BookingV1.Participant], field: String, caller: BookingCaller, ids: IDGenerator,
        existing: [BookingV1.Participant] = []
    ) throws -> [BookingV1.Participant] {
        var sent = sent
        if sent.isEmpty && existing.isEmpty {
            guard let userID = caller.userID else {
                throw ValidationFailure([InvalidField(field: field, rule: .required, description: "is required when a service token books")])
            }
            sent = [BookingV1.Participant(userId: userID.lowercasedString)]
        }
        var found: [InvalidField] = []
        if sent.isEmpty { found.append(InvalidField(field: field, rule: .required, description: "names at least one participant")) }
        if sent.count + existing.count > maximum {
            found.append(InvalidField(field: field, rule: .tooLong, description: "a booking has at most \(maximum) participants"))
        }
        try found.throwIfAny()
        var users = Set(existing.compactMap { UUID(uuidString: $0.userId) })
        var primaryTaken = existing.contains { $0.role == .primary }
        var resolved: [BookingV1.Participant] = []
        for (index, participant) in sent.enumerated() {
            let path = "\(field)[\(index)]"
            var checked = BookingV1.Participant(id: ids.next().lowercasedString, status: .confirmed)
            if !participant.id.isEmpty {
                found.append(InvalidField(field: "\(path).id", rule: .notAllowed, description: "is assigned by the server"))
            }
            switch participant.role {
            case .unspecified, .primary, .participant, .guest, .observer: break
            case .unrecognized: found.append(InvalidField(field: "\(path).role", rule: .notAllowed, description: "is not a known role"))
            }
            if !participant.userId.isEmpty {
                guard let userID = UUID(uuidString: participant.userId) else {
                    found.append(InvalidField(field: "\(path).user_id", rule: .malformed, description: "must be a UUID"))
                    continue
                }
                guard let user = try IdentityDirectory.user(db, id: userID) else {
                    found.append(InvalidField(field: "\(path).user_id", rule: .notAllowed, description: "is not a user"))
                    continue
                }
                guard users.insert(userID).inserted else {
                    found.append(InvalidField(field: "\(path).user_id", rule: .conflict, description: "is already a participant"))
                    continue
                }
                if participant.role == .guest {
                    found.append(InvalidField(field: "\(path).role", rule: .notAllowed, description: "a guest has no account: leave user_id empty"))
                }
                checked.userId = userID.lowercasedString
                checked.name = user.name
                checked.email = user.email
            } else {
                do { checked.name = try PersonalDetails.name(participant.name, field: "\(path).name") } catch { found += error.violations }
                if participant.email.isEmpty {
                    found.append(InvalidField(field: "\(path).email", rule: .required, description: "is required for a guest"))
                } else {
                    do { checked.email = try EmailAddress(participant.email, field: "\(path).email").display } catch { found += error.violations }
                }
                if participant.role == .primary || participant.role == .participant {
                    found.append(InvalidField(field: "\(path).role", rule: .notAllowed, description: "a participant without user_id is a guest (or an observer)"))
                }
            }
            if !participant.phone.isEmpty {
                do { checked.phone = try PersonalDetails.phone(participant.phone, field: "\(path).phone") ?? "" } catch { found += error.violations }
            }
            if participant.status != .unspecified || participant.checkedInAt != nil || !participant.checkedInBy.isEmpty {
                found.append(InvalidField(field: path, rule: .notAllowed, description: "status and check-in are set by the server"))
            }
            checked.role = switch participant.role {
            case .observer: .observer
            case .guest: .guest
            default: checked.userId.isEmpty ? .guest : primaryTaken ? .participant : .primary
            }
            if checked.role == .primary { primaryTaken = true }
            resolved.append(checked)
        }
        try found.throwIfAny()
        if takingPart(existing + resolved) == 0 {
            throw ValidationFailure([InvalidField(field: field, rule: .required, description: "someone must take part (not only observers)")])
        }
        return resolved
    }
}
