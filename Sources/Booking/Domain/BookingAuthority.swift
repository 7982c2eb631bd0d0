public import Foundation
public import Identity

/// Who may book whom. A booking is for its participants (users; guests
/// have no account and need no permission); the booker is the signed-in
/// user, or staff taking a walk-in.
public enum BookingAuthority {
    public enum Decision: Hashable, Sendable {
        case allowed
        /// Allowed once the household's primary approves (the booking waits as pending).
        case needsApproval(by: UUID)
        /// Refused for this participant, and why.
        case denied(participant: UUID, HouseholdDecision.Denial)
    }

    /// The decision for `booker` booking `participants` (user ids; guests
    /// left out). Staff (`actingAsStaff`) book anyone. Otherwise the booker
    /// may book themself; anyone else must be in `household` with the
    /// booker, and the household's rules decide (a minor or dependent by
    /// those who manage them; another adult with canBookForOthers; approval
    /// where the booker's approvalRequiredFor says). The first refusal wins;
    /// otherwise any approval needed makes the whole booking wait.
    public static func decide(
        booker: UUID, participants: [UUID], household: Household?, expensive: Bool, actingAsStaff: Bool
    ) -> Decision {
        if actingAsStaff { return .allowed }
        var approval: UUID?
        for participant in participants {
            if participant == booker && household == nil { continue }
            guard let household else { return .denied(participant: participant, .notAMember) }
            switch household.canAct(actor: booker, on: participant, action: .book(expensive: expensive)) {
            case .allowed: continue
            case .needsApproval(let primary): approval = primary
            case .denied(let why): return .denied(participant: participant, why)
            }
        }
        return approval.map { .needsApproval(by: $0) } ?? .allowed
    }
}
