public import Foundation

/// One person in a household (the seed's `HouseholdMember`), identified by
/// their user id.
public struct HouseholdMember: Hashable, Sendable {
    public let userID: UUID
    public let role: HouseholdRole
    public let permissions: HouseholdPermissions
    /// The users (members of the same household) who act for this member:
    /// a minor's or dependent's parents or guardians. The primary manages
    /// everyone without being listed.
    public let managedBy: Set<UUID>

    public init(userID: UUID, role: HouseholdRole, permissions: HouseholdPermissions? = nil, managedBy: Set<UUID> = []) {
        self.userID = userID
        self.role = role
        self.permissions = permissions ?? .defaults(for: role)
        self.managedBy = managedBy
    }
}
