import ContextKit
import Foundation
import Testing
@testable import Identity

/// The seed's `RolePermissions` (booking-schema-v3.md, section 2), copied as
/// text so the table in code is checked against the source, not against itself.
let seedRolePermissions: [String: [String]] = [
    "owner": ["*"],
    "admin": ["org:manage", "billing:manage", "user:manage", "settings:manage"],
    "manager": ["booking:manage_location", "provider:manage_location", "report:view_location"],
    "staff": ["booking:view_location", "booking:create_walkin", "client:view"],
    "provider": ["booking:view_assigned", "availability:manage_own"],
]

@Suite struct RolePermissionsTests {
    @Test func rolesAndPermissionsAreTheSeeds() {
        #expect(Set(Role.allCases.map(\.rawValue)) == Set(seedRolePermissions.keys))
        let named = Set(seedRolePermissions.values.joined().filter { $0 != "*" })
        #expect(Set(Permission.allCases.map(\.rawValue)) == named)
    }

    @Test(arguments: Role.allCases)
    func everyPermissionOfTheRoleMatchesTheSeed(_ role: Role) throws {
        let seed = try #require(seedRolePermissions[role.rawValue])
        for permission in Permission.allCases {
            let expected = seed == ["*"] || seed.contains(permission.rawValue)
            #expect(role.permits(permission) == expected, "\(role) \(permission.rawValue)")
        }
        #expect(role.permissions.count == (seed == ["*"] ? Permission.allCases.count : seed.count))
    }

    @Test func reachOfEachPermission() {
        let organization: Set<Permission> = [.manageOrganization, .manageBilling, .manageUsers, .manageSettings]
        let own: Set<Permission> = [.viewAssignedBookings, .manageOwnAvailability]
        for permission in Permission.allCases {
            let expected: Permission.Reach = organization.contains(permission) ? .organization : own.contains(permission) ? .own : .location
            #expect(permission.reach == expected, "\(permission.rawValue)")
        }
    }
}

@Suite struct MembershipTests {
    let a = id(101), b = id(102)

    @Test func aManagerOfOneLocationCannotActOnAnother() {
        let manager = Membership(role: .manager, scope: .locations([a]))
        #expect(manager.allows(.manageLocationBookings, atLocation: a))
        #expect(!manager.allows(.manageLocationBookings, atLocation: b))
        #expect(!manager.allows(.manageLocationBookings, atLocation: nil))  // every location at once
        #expect(!manager.allows(.viewLocationBookings, atLocation: a))       // not in the manager's row
    }

    @Test func allLocationsCoversAnyAndNone() {
        let manager = Membership(role: .manager, scope: .allLocations)
        #expect(manager.allows(.viewLocationReports, atLocation: a))
        #expect(manager.allows(.viewLocationReports, atLocation: b))
        #expect(manager.allows(.viewLocationReports, atLocation: nil))
    }

    @Test func organizationWidePermissionsNeedEveryLocation() {
        #expect(Membership(role: .admin, scope: .allLocations).allows(.manageBilling, atLocation: nil))
        #expect(Membership(role: .admin, scope: .allLocations).allows(.manageBilling, atLocation: a))
        #expect(!Membership(role: .admin, scope: .locations([a])).allows(.manageBilling, atLocation: a))
        #expect(!Membership(role: .staff, scope: .allLocations).allows(.manageBilling, atLocation: nil))
    }

    @Test func ownWorkFollowsTheScopeWhenALocationIsNamed() {
        let provider = Membership(role: .provider, scope: .locations([a]))
        #expect(provider.allows(.viewAssignedBookings, atLocation: nil))
        #expect(provider.allows(.viewAssignedBookings, atLocation: a))
        #expect(!provider.allows(.viewAssignedBookings, atLocation: b))
        #expect(!provider.allows(.viewLocationBookings, atLocation: a))
    }

    @Test func ownerMayDoEverythingEverywhere() {
        let owner = Membership(role: .owner, scope: .allLocations)
        for permission in Permission.allCases {
            #expect(owner.allows(permission, atLocation: a))
            #expect(owner.allows(permission, atLocation: nil))
        }
    }

    /// Every role x permission x (in scope, out of scope, no location), against
    /// the rule written out independently of `Membership`.
    @Test(arguments: Role.allCases)
    func exhaustiveScopeRule(_ role: Role) {
        let scoped = Membership(role: role, scope: .locations([a]))
        let everywhere = Membership(role: role, scope: .allLocations)
        for permission in Permission.allCases {
            let granted = seedRolePermissions[role.rawValue]!.contains("*") || seedRolePermissions[role.rawValue]!.contains(permission.rawValue)
            let isOrganization = permission.rawValue.hasSuffix(":manage") && !permission.rawValue.contains("_")
            let isOwn = permission.rawValue.hasSuffix("_assigned") || permission.rawValue.hasSuffix("_own")
            #expect(everywhere.allows(permission, atLocation: a) == granted)
            #expect(everywhere.allows(permission, atLocation: nil) == granted)
            #expect(scoped.allows(permission, atLocation: a) == (granted && !isOrganization))
            #expect(scoped.allows(permission, atLocation: b) == false)
            #expect(scoped.allows(permission, atLocation: nil) == (granted && isOwn))
        }
    }

    @Test func storedFormAndValidation() {
        #expect(MembershipScope(locationIDs: nil) == .allLocations)
        #expect(MembershipScope(locationIDs: [a, a]) == .locations([a]))
        #expect(Membership(role: .owner, scope: .locations([a])).violations.map(\.field) == ["location_ids"])
        #expect(Membership(role: .admin, scope: .locations([a])).violations.map(\.field) == ["location_ids"])
        #expect(Membership(role: .staff, scope: .locations([])).violations.map(\.rule) == [.required])
        #expect(Membership(role: .staff, scope: .locations([a])).violations.isEmpty)
        #expect(Membership(role: .owner, scope: .allLocations).violations.isEmpty)
    }
}
