public import ContextKit
public import Foundation

/// A family, company or group whose members act for one another (the seed's
/// `Household`). Built only through `init`, which checks its invariants, so
/// every rule in `canAct` may rely on them.
public struct Household: Hashable, Sendable {
    public let id: UUID
    public let members: [HouseholdMember]
    /// The one member whose role is `primary` (the seed's `primaryContactId`).
    public let primaryUserID: UUID

    /// Checks the invariants: exactly one primary; no user twice; managers
    /// are other members of the household who are adults or the primary.
    public init(id: UUID, members: [HouseholdMember]) throws(ValidationFailure) {
        var found: [InvalidField] = []
        let primaries = members.filter { $0.role == .primary }
        if primaries.count != 1 {
            found.append(InvalidField(field: "members", rule: primaries.isEmpty ? .required : .conflict,
                                      description: "must have exactly one primary member, not \(primaries.count)"))
        }
        var roles: [UUID: HouseholdRole] = [:]
        for (index, member) in members.enumerated() {
            if roles.updateValue(member.role, forKey: member.userID) != nil {
                found.append(InvalidField(field: "members[\(index)].user_id", rule: .conflict, description: "is already a member"))
            }
        }
        for (index, member) in members.enumerated() {
            for manager in member.managedBy.sorted(by: { $0.uuidString < $1.uuidString }) {
                let field = "members[\(index)].managed_by"
                if manager == member.userID {
                    found.append(InvalidField(field: field, rule: .notAllowed, description: "a member cannot manage themself"))
                } else if let role = roles[manager] {
                    if role.isManaged {
                        found.append(InvalidField(field: field, rule: .notAllowed, description: "a \(role.rawValue) cannot manage another member"))
                    }
                } else {
                    found.append(InvalidField(field: field, rule: .unknown, description: "names someone who is not a member"))
                }
            }
        }
        try found.throwIfAny()
        self.id = id
        self.members = members
        self.primaryUserID = primaries[0].userID
    }

    public func member(_ userID: UUID) -> HouseholdMember? {
        members.first { $0.userID == userID }
    }
}
