extension Role {
    /// Owner above admin above manager above staff above provider: what a
    /// member may hand out or take away. Nobody grants a role above their
    /// own or changes the membership of someone who outranks them.
    public var rank: Int {
        switch self {
        case .owner: 5
        case .admin: 4
        case .manager: 3
        case .staff: 2
        case .provider: 1
        }
    }

    public func outranks(_ other: Role) -> Bool { rank > other.rank }

    /// "an owner", "a staff member": for messages.
    public var withArticle: String {
        switch self {
        case .owner: "an owner"
        case .admin: "an admin"
        case .manager: "a manager"
        case .staff: "a staff member"
        case .provider: "a provider"
        }
    }
}
