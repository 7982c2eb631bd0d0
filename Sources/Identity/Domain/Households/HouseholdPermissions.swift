/// What a member may do for the others (the seed's `HouseholdMember.permissions`).
public struct HouseholdPermissions: Hashable, Sendable, Codable {
    /// Which of the member's own bookings and changes wait for the primary's
    /// approval (the seed's `'all' | 'expensive_only' | 'none'`; whether a
    /// booking is expensive is the pricing context's answer, passed in).
    public enum Approval: String, CaseIterable, Hashable, Sendable, Codable {
        case none
        case expensiveOnly = "expensive_only"
        case all

        func requires(_ action: HouseholdAction) -> Bool {
            switch (self, action) {
            case (_, .viewBookings), (.none, _): false
            case (.all, _): true
            case (.expensiveOnly, .book(let expensive)), (.expensiveOnly, .modifyBooking(let expensive)): expensive
            }
        }
    }

    public var canBookForOthers: Bool
    public var canViewOthersBookings: Bool
    public var canModifyOthersBookings: Bool
    public var approvalRequiredFor: Approval

    public init(canBookForOthers: Bool, canViewOthersBookings: Bool, canModifyOthersBookings: Bool, approvalRequiredFor: Approval) {
        self.canBookForOthers = canBookForOthers
        self.canViewOthersBookings = canViewOthersBookings
        self.canModifyOthersBookings = canModifyOthersBookings
        self.approvalRequiredFor = approvalRequiredFor
    }

    /// What a new member of `role` gets unless the primary says otherwise:
    /// the primary everything; an adult may book for and see the others'
    /// bookings but not change them; minors and dependents act for no one
    /// and need approval for everything.
    public static func defaults(for role: HouseholdRole) -> HouseholdPermissions {
        switch role {
        case .primary:
            HouseholdPermissions(canBookForOthers: true, canViewOthersBookings: true, canModifyOthersBookings: true, approvalRequiredFor: .none)
        case .adult:
            HouseholdPermissions(canBookForOthers: true, canViewOthersBookings: true, canModifyOthersBookings: false, approvalRequiredFor: .none)
        case .minor, .dependent:
            HouseholdPermissions(canBookForOthers: false, canViewOthersBookings: false, canModifyOthersBookings: false, approvalRequiredFor: .all)
        }
    }
}
