public import Foundation
public import Identity

/// Who may change the catalog (the Catalog issue's rule, beside the seed's
/// role table, which names no catalog permission): owners and admins change
/// all of it; a manager changes what is at the locations they manage, never
/// what spans the organization; staff and providers read. Reading needs
/// only membership, which `OrganizationAccess` already established.
public enum CatalogAuthority {
    /// Whether `membership` may create, change or delete an object at
    /// `location` (nil: an object of the whole organization).
    public static func mayManage(_ membership: Membership, atLocation location: UUID?) -> Bool {
        switch membership.role {
        case .owner, .admin:
            return true
        case .manager:
            guard let location else { return false }
            return membership.scope.includes(location)
        case .staff, .provider:
            return false
        }
    }

    /// Whether `membership` may create or delete locations themselves (a new
    /// location is in no manager's scope yet).
    public static func mayManageLocations(_ membership: Membership) -> Bool {
        membership.role == .owner || membership.role == .admin
    }
}
