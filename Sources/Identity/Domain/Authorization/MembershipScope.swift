public import Foundation

/// Which of an organization's locations a membership covers (the seed's
/// `locationIds`: null means all).
public enum MembershipScope: Hashable, Sendable {
    case allLocations
    case locations(Set<UUID>)

    /// Whether `location` is one the membership covers.
    public func includes(_ location: UUID) -> Bool {
        switch self {
        case .allLocations: true
        case .locations(let ids): ids.contains(location)
        }
    }

    /// The seed's stored form: nil for all locations.
    public init(locationIDs: [UUID]?) {
        self = locationIDs.map { .locations(Set($0)) } ?? .allLocations
    }
}
