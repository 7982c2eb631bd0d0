/// The seed's `Organization.type`.
public enum OrganizationType: String, CaseIterable, Hashable, Sendable {
    case individual
    case smallBusiness = "small_business"
    case enterprise
}
