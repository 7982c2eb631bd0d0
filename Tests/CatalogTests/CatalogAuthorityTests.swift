@testable import Catalog
import Foundation
import Identity
import Testing

@Suite struct CatalogAuthorityTests {
    static let here = UUID(uuidString: Fixture.locationID)!
    static let there = UUID(uuidString: Fixture.otherLocationID)!
    static let places: [UUID?] = [here, there, nil]

    @Test(arguments: [Role.owner, .admin], places)
    func ownersAndAdminsManageEverything(role: Role, location: UUID?) {
        #expect(CatalogAuthority.mayManage(Membership(role: role, scope: .allLocations), atLocation: location))
    }

    @Test(arguments: [Role.owner, .admin])
    func ownersAndAdminsManageLocations(role: Role) {
        #expect(CatalogAuthority.mayManageLocations(Membership(role: role, scope: .allLocations)))
    }

    @Test func managerManagesOnlyLocationsInScope() {
        let manager = Membership(role: .manager, scope: .locations([Self.here]))
        #expect(CatalogAuthority.mayManage(manager, atLocation: Self.here))
        #expect(!CatalogAuthority.mayManage(manager, atLocation: Self.there))
    }

    @Test(arguments: [MembershipScope.allLocations, .locations([here]), .locations([here, there])])
    func managerNeverManagesWhatSpansTheOrganization(scope: MembershipScope) {
        let manager = Membership(role: .manager, scope: scope)
        #expect(!CatalogAuthority.mayManage(manager, atLocation: nil))
        #expect(!CatalogAuthority.mayManageLocations(manager))
    }

    @Test func managerOfEveryLocationManagesAnyOne() {
        let manager = Membership(role: .manager, scope: .allLocations)
        #expect(CatalogAuthority.mayManage(manager, atLocation: Self.here))
        #expect(CatalogAuthority.mayManage(manager, atLocation: Self.there))
    }

    @Test(arguments: [Role.staff, .provider], places)
    func staffAndProvidersNeverManage(role: Role, location: UUID?) {
        for scope in [MembershipScope.allLocations, .locations([Self.here])] {
            let membership = Membership(role: role, scope: scope)
            #expect(!CatalogAuthority.mayManage(membership, atLocation: location))
            #expect(!CatalogAuthority.mayManageLocations(membership))
        }
    }
}
