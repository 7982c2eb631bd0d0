/// A member's place in a household (the seed's `HouseholdMember.role`).
public enum HouseholdRole: String, CaseIterable, Hashable, Sendable, Codable {
    /// Manages the household: acts for everyone, approves what needs approval.
    case primary
    case adult
    /// Acted for by those who manage them; acts only for themself.
    case minor
    /// As a minor, whatever their age (a person in someone's care).
    case dependent

    /// Whether members of this role are acted for by their managers rather
    /// than by anyone the household's flags allow.
    public var isManaged: Bool { self == .minor || self == .dependent }
}
