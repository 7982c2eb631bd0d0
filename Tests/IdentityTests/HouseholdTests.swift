import ContextKit
import Foundation
import Testing
@testable import Identity

@Suite struct HouseholdTests {
    // The Smiths: Pat (primary), Alex (adult, manages Kim), Sam (adult with
    // no permissions for others), Kim (minor, managed by Alex), Gran
    // (dependent, managed by no one listed), Jo (adult needing approval for
    // expensive things).
    let pat = id(1), alex = id(2), sam = id(3), kim = id(4), gran = id(5), jo = id(6), stranger = id(99)

    func smiths() throws -> Household {
        try Household(id: id(1000), members: [
            HouseholdMember(userID: pat, role: .primary),
            HouseholdMember(userID: alex, role: .adult),
            HouseholdMember(userID: sam, role: .adult, permissions: HouseholdPermissions(
                canBookForOthers: false, canViewOthersBookings: false, canModifyOthersBookings: false, approvalRequiredFor: .none)),
            HouseholdMember(userID: kim, role: .minor, managedBy: [alex]),
            HouseholdMember(userID: gran, role: .dependent),
            HouseholdMember(userID: jo, role: .adult, permissions: HouseholdPermissions(
                canBookForOthers: true, canViewOthersBookings: true, canModifyOthersBookings: true, approvalRequiredFor: .expensiveOnly)),
        ])
    }

    static let actions: [HouseholdAction] = [
        .viewBookings, .book(expensive: false), .book(expensive: true), .modifyBooking(expensive: false), .modifyBooking(expensive: true),
    ]

    @Test(arguments: actions)
    func thePrimaryActsForEveryoneWithoutApproval(_ action: HouseholdAction) throws {
        let household = try smiths()
        for member in household.members {
            #expect(household.canAct(actor: pat, on: member.userID, action: action) == .allowed)
        }
    }

    @Test(arguments: actions)
    func strangersAreNotMembers(_ action: HouseholdAction) throws {
        let household = try smiths()
        #expect(household.canAct(actor: stranger, on: kim, action: action) == .denied(.notAMember))
        #expect(household.canAct(actor: pat, on: stranger, action: action) == .denied(.notAMember))
        #expect(canAct(actor: stranger, on: stranger, action: action, in: household) == .denied(.notAMember))
    }

    @Test func anAdultActsForOthersByTheirFlags() throws {
        let household = try smiths()
        // Alex has the adult defaults: book and view, not modify.
        #expect(household.canAct(actor: alex, on: pat, action: .viewBookings) == .allowed)
        #expect(household.canAct(actor: alex, on: sam, action: .book(expensive: true)) == .allowed)
        #expect(household.canAct(actor: alex, on: sam, action: .modifyBooking(expensive: false)) == .denied(.notPermitted))
        // Sam has no flags.
        #expect(household.canAct(actor: sam, on: alex, action: .viewBookings) == .denied(.notPermitted))
        #expect(household.canAct(actor: sam, on: alex, action: .book(expensive: false)) == .denied(.notPermitted))
    }

    @Test func minorsAndDependentsAreActedForOnlyByTheirManagers() throws {
        let household = try smiths()
        #expect(household.canAct(actor: alex, on: kim, action: .book(expensive: true)) == .allowed)
        #expect(household.canAct(actor: alex, on: kim, action: .modifyBooking(expensive: false)) == .allowed)  // managing overrides the flag
        #expect(household.canAct(actor: alex, on: kim, action: .viewBookings) == .allowed)
        // Jo may book for and view any adult, but does not manage Kim or Gran.
        #expect(household.canAct(actor: jo, on: kim, action: .viewBookings) == .denied(.notTheirManager))
        #expect(household.canAct(actor: jo, on: kim, action: .book(expensive: false)) == .denied(.notTheirManager))
        #expect(household.canAct(actor: alex, on: gran, action: .book(expensive: false)) == .denied(.notTheirManager))
        #expect(household.canAct(actor: kim, on: gran, action: .viewBookings) == .denied(.notTheirManager))
    }

    @Test func minorsAndDependentsActForNoOneElse() throws {
        let household = try smiths()
        // Even with every flag set, a minor does not act for an adult.
        let flagged = try Household(id: id(1001), members: [
            HouseholdMember(userID: pat, role: .primary),
            HouseholdMember(userID: kim, role: .minor, permissions: HouseholdPermissions(
                canBookForOthers: true, canViewOthersBookings: true, canModifyOthersBookings: true, approvalRequiredFor: .none)),
        ])
        #expect(flagged.canAct(actor: kim, on: pat, action: .viewBookings) == .denied(.actorIsManaged))
        #expect(household.canAct(actor: gran, on: alex, action: .book(expensive: false)) == .denied(.actorIsManaged))
    }

    @Test func approvalRequiredActionsNeedThePrimary() throws {
        let household = try smiths()
        // Kim (minor defaults: approval for all) booking for herself.
        #expect(household.canAct(actor: kim, on: kim, action: .book(expensive: false)) == .needsApproval(by: pat))
        #expect(household.canAct(actor: kim, on: kim, action: .modifyBooking(expensive: false)) == .needsApproval(by: pat))
        #expect(household.canAct(actor: kim, on: kim, action: .viewBookings) == .allowed)  // viewing never waits
        // Jo: approval for expensive only, for herself and for others.
        #expect(household.canAct(actor: jo, on: jo, action: .book(expensive: false)) == .allowed)
        #expect(household.canAct(actor: jo, on: jo, action: .book(expensive: true)) == .needsApproval(by: pat))
        #expect(household.canAct(actor: jo, on: alex, action: .modifyBooking(expensive: true)) == .needsApproval(by: pat))
        #expect(household.canAct(actor: jo, on: alex, action: .modifyBooking(expensive: false)) == .allowed)
        // Denial comes before approval.
        #expect(household.canAct(actor: jo, on: kim, action: .book(expensive: true)) == .denied(.notTheirManager))
    }

    @Test func everyoneMayActForThemself() throws {
        let household = try smiths()
        #expect(household.canAct(actor: sam, on: sam, action: .modifyBooking(expensive: true)) == .allowed)
        #expect(household.canAct(actor: gran, on: gran, action: .viewBookings) == .allowed)
    }

    @Test func defaultsByRole() {
        #expect(HouseholdPermissions.defaults(for: .primary) == HouseholdPermissions(
            canBookForOthers: true, canViewOthersBookings: true, canModifyOthersBookings: true, approvalRequiredFor: .none))
        #expect(HouseholdPermissions.defaults(for: .adult).canModifyOthersBookings == false)
        #expect(HouseholdPermissions.defaults(for: .minor).approvalRequiredFor == .all)
        #expect(HouseholdPermissions.defaults(for: .dependent).approvalRequiredFor == .all)
        #expect(HouseholdPermissions.Approval.allCases.map(\.rawValue) == ["none", "expensive_only", "all"])
    }

    @Test func invariants() throws {
        #expect(try smiths().primaryUserID == pat)
        func fields(_ members: [HouseholdMember]) -> [String] {
            do throws(ValidationFailure) {
                _ = try Household(id: id(1), members: members)
                return []
            } catch {
                return error.violations.map(\.field)
            }
        }
        #expect(fields([HouseholdMember(userID: alex, role: .adult)]) == ["members"])
        #expect(fields([HouseholdMember(userID: pat, role: .primary), HouseholdMember(userID: alex, role: .primary)]) == ["members"])
        #expect(fields([HouseholdMember(userID: pat, role: .primary), HouseholdMember(userID: pat, role: .adult)]) == ["members[1].user_id"])
        #expect(fields([HouseholdMember(userID: pat, role: .primary), HouseholdMember(userID: kim, role: .minor, managedBy: [kim])]) == ["members[1].managed_by"])
        #expect(fields([HouseholdMember(userID: pat, role: .primary), HouseholdMember(userID: kim, role: .minor, managedBy: [stranger])]) == ["members[1].managed_by"])
        #expect(fields([
            HouseholdMember(userID: pat, role: .primary),
            HouseholdMember(userID: gran, role: .dependent),
            HouseholdMember(userID: kim, role: .minor, managedBy: [gran]),
        ]) == ["members[2].managed_by"])
        #expect(fields([HouseholdMember(userID: pat, role: .primary), HouseholdMember(userID: kim, role: .minor, managedBy: [pat])]).isEmpty)
    }
}
