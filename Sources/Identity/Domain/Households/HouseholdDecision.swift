public import Foundation

/// The answer to "may this member do this for that member".
public enum HouseholdDecision: Hashable, Sendable {
    case allowed
    /// Allowed once the household's primary approves.
    case needsApproval(by: UUID)
    case denied(Denial)

    /// Why not.
    public enum Denial: Hashable, Sendable {
        /// The actor or the member is not in the household.
        case notAMember
        /// Minors and dependents act only for themselves.
        case actorIsManaged
        /// A minor or dependent is acted for only by their managers and the primary.
        case notTheirManager
        /// The actor's household permissions do not include this action for others.
        case notPermitted
    }
}
