/// What a role may do, named as in the seed's `RolePermissions`
/// (`rawValue` is the seed's string).
public enum Permission: String, CaseIterable, Hashable, Sendable, Codable {
    case manageOrganization = "org:manage"
    case manageBilling = "billing:manage"
    case manageUsers = "user:manage"
    case manageSettings = "settings:manage"
    case manageLocationBookings = "booking:manage_location"
    case manageLocationProviders = "provider:manage_location"
    case viewLocationReports = "report:view_location"
    case viewLocationBookings = "booking:view_location"
    case createWalkInBooking = "booking:create_walkin"
    case viewClients = "client:view"
    case viewAssignedBookings = "booking:view_assigned"
    case manageOwnAvailability = "availability:manage_own"

    /// What the permission reaches, which decides how location scope applies.
    public enum Reach: Hashable, Sendable {
        /// The organization as a whole: every location at once.
        case organization
        /// One location's bookings, providers, clients or reports.
        case location
        /// The member's own work (their assigned bookings, their availability).
        case own
    }

    public var reach: Reach {
        switch self {
        case .manageOrganization, .manageBilling, .manageUsers, .manageSettings:
            .organization
        case .manageLocationBookings, .manageLocationProviders, .viewLocationReports,
             .viewLocationBookings, .createWalkInBooking, .viewClients:
            .location
        case .viewAssignedBookings, .manageOwnAvailability:
            .own
        }
    }
}
