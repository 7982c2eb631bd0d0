/// The role permission table: the one place that says which role may do
/// what. It is the seed's `RolePermissions` (schema v3, section 2) as code:
///
///     owner:    ['*']
///     admin:    ['org:manage', 'billing:manage', 'user:manage', 'settings:manage']
///     manager:  ['booking:manage_location', 'provider:manage_location', 'report:view_location']
///     staff:    ['booking:view_location', 'booking:create_walkin', 'client:view']
///     provider: ['booking:view_assigned', 'availability:manage_own']
///
/// Taken literally: no role inherits another's grants and `manage` does not
/// imply `view`. `owner`'s `*` is every permission, including any added later.
enum RolePermissions {
    static func permissions(of role: Role) -> Set<Permission> {
        switch role {
        case .owner:
            Set(Permission.allCases)
        case .admin:
            [.manageOrganization, .manageBilling, .manageUsers, .manageSettings]
        case .manager:
            [.manageLocationBookings, .manageLocationProviders, .viewLocationReports]
        case .staff:
            [.viewLocationBookings, .createWalkInBooking, .viewClients]
        case .provider:
            [.viewAssignedBookings, .manageOwnAvailability]
        }
    }
}
