extension Membership {
    /// Whether this member may give, change or take away a membership of
    /// `role` over `scope` (for a change, both the membership as it is and as
    /// it will be must pass):
    ///
    /// - with `user:manage` (owners, admins): any membership whose role does
    ///   not outrank their own (an admin cannot make or unmake an owner);
    /// - with `provider:manage_location` (managers): provider memberships
    ///   whose every location is one they manage (every location only if
    ///   they manage every location);
    /// - nobody else.
    public func mayManageMembership(role: Role, scope: MembershipScope) -> Bool {
        if allows(.manageUsers, atLocation: nil) {
            return !role.outranks(self.role)
        }
        guard role == .provider else { return false }
        switch scope {
        case .allLocations:
            return allows(.manageLocationProviders, atLocation: nil)
        case .locations(let ids):
            return !ids.isEmpty && ids.allSatisfy { allows(.manageLocationProviders, atLocation: $0) }
        }
    }
}
