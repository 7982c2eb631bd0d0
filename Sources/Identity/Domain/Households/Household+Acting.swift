public import Foundation

extension Household {
    /// Whether `actor` may do `action` for `member` (both user ids), in order:
    ///
    /// 1. Both must be members of this household.
    /// 2. The primary manages the household: anything, for anyone, never
    ///    waiting for approval.
    /// 3. Anyone may act for themself.
    /// 4. A minor or dependent is acted for by those who manage them
    ///    (`managedBy`) and by no one else, whatever the others' flags say.
    /// 5. A minor or dependent acts for no one else.
    /// 6. For another adult or the primary, the actor's flag decides:
    ///    `canViewOthersBookings`, `canBookForOthers`, `canModifyOthersBookings`.
    /// 7. An allowed booking or change then waits for the primary's approval
    ///    if the actor's `approvalRequiredFor` covers it (`all`, or
    ///    `expensive_only` and the action is expensive). Viewing never does.
    public func canAct(actor: UUID, on member: UUID, action: HouseholdAction) -> HouseholdDecision {
        guard let acting = self.member(actor), let target = self.member(member) else {
            return .denied(.notAMember)
        }
        if acting.role == .primary { return .allowed }
        if actor != member {
            if target.role.isManaged {
                guard target.managedBy.contains(actor) else { return .denied(.notTheirManager) }
            } else {
                guard !acting.role.isManaged else { return .denied(.actorIsManaged) }
                guard acting.permissions.permitsForOthers(action) else { return .denied(.notPermitted) }
            }
        }
        return acting.permissions.approvalRequiredFor.requires(action) ? .needsApproval(by: primaryUserID) : .allowed
    }
}

/// `canAct` as a free function, the way the issue names it.
public func canAct(actor: UUID, on member: UUID, action: HouseholdAction, in household: Household) -> HouseholdDecision {
    household.canAct(actor: actor, on: member, action: action)
}

extension HouseholdPermissions {
    func permitsForOthers(_ action: HouseholdAction) -> Bool {
        switch action {
        case .viewBookings: canViewOthersBookings
        case .book: canBookForOthers
        case .modifyBooking: canModifyOthersBookings
        }
    }
}

extension Household {
    /// Whether `actor` may change `member`'s profile (name, phone,
    /// preferences, password): a minor's or dependent's, by the primary or
    /// one of their managers. Adults keep their own profile to themselves,
    /// whatever their household flags say.
    public func canManageProfile(actor: UUID, of member: UUID) -> Bool {
        guard actor != member, let acting = self.member(actor), let target = self.member(member), target.role.isManaged else {
            return false
        }
        return acting.role == .primary || target.managedBy.contains(actor)
    }
}
