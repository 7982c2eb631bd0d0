public import ContextKit
public import Foundation

/// A member's standing in one organization: a role and the locations it
/// covers. Also what a service token carries (every location).
public struct Membership: Hashable, Sendable {
    public let role: Role
    public let scope: MembershipScope

    public init(role: Role, scope: MembershipScope) {
        self.role = role
        self.scope = scope
    }

    /// Whether the member may use `permission` at `location` (nil when the
    /// act names no one location, such as a report across the organization):
    ///
    /// - the role must grant the permission (`RolePermissions`);
    /// - an organization-wide permission needs every location, since it
    ///   changes all of them at once;
    /// - a location permission needs the location in scope, and with no
    ///   location given, every location (a manager of one location cannot
    ///   act on another, nor on all);
    /// - an own-work permission needs the location in scope when one is
    ///   given (whether the work is the member's own is the caller's check).
    public func allows(_ permission: Permission, atLocation location: UUID?) -> Bool {
        guard role.permits(permission) else { return false }
        switch permission.reach {
        case .organization:
            return scope == .allLocations
        case .location:
            guard let location else { return scope == .allLocations }
            return scope.includes(location)
        case .own:
            guard let location else { return true }
            return scope.includes(location)
        }
    }

    /// The rules a membership must keep: an owner or admin covers every
    /// location (an admin's permissions are all organization-wide, so a
    /// restricted admin could do nothing), and a restricted membership names
    /// at least one location.
    public var violations: [InvalidField] {
        switch (role, scope) {
        case (.owner, .locations), (.admin, .locations):
            [InvalidField(field: "location_ids", rule: .notAllowed, description: "an \(role.rawValue) covers every location")]
        case (_, .locations(let ids)) where ids.isEmpty:
            [InvalidField(field: "location_ids", rule: .required, description: "must name at least one location, or be absent for all")]
        default:
            []
        }
    }
}
