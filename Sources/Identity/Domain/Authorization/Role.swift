/// A member's role in an organization (the seed's `OrgMembership.role`).
public enum Role: String, CaseIterable, Hashable, Sendable, Codable {
    case owner
    case admin
    case manager
    case staff
    case provider

    /// Whether the role grants `permission`, by the one table in
    /// `RolePermissions`. Location scope is `Membership`'s question.
    public func permits(_ permission: Permission) -> Bool {
        RolePermissions.permissions(of: self).contains(permission)
    }

    /// Everything the role grants.
    public var permissions: Set<Permission> { RolePermissions.permissions(of: self) }
}
