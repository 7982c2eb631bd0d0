/// The seed's `Household.type`.
public enum HouseholdKind: String, CaseIterable, Hashable, Sendable {
    case family
    /// Backs a company provider (its technicians are its members).
    case company
    case group
}

/// How a member is related to the household's primary (the seed's
/// `HouseholdMember.relationship`).
public enum HouseholdRelationship: String, CaseIterable, Hashable, Sendable {
    case spouse, child, parent, sibling, guardian, dependent, employee
}
