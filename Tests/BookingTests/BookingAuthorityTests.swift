@testable import Booking
import Foundation
import Identity
import Testing

/// Who may book whom: a family of a primary, an adult who needs approval
/// for expensive bookings, an adult who may not book for others, and a
/// child managed by the first adult.
@Suite struct BookingAuthorityTests {
    let primary = UUID(), parent = UUID(), lodger = UUID(), child = UUID(), stranger = UUID()
    var family: Household {
        get throws {
            try Household(id: UUID(), members: [
                HouseholdMember(userID: primary, role: .primary),
                HouseholdMember(userID: parent, role: .adult, permissions: HouseholdPermissions(
                    canBookForOthers: true, canViewOthersBookings: true, canModifyOthersBookings: false, approvalRequiredFor: .expensiveOnly)),
                HouseholdMember(userID: lodger, role: .adult, permissions: HouseholdPermissions(
                    canBookForOthers: false, canViewOthersBookings: false, canModifyOthersBookings: false, approvalRequiredFor: .none)),
                HouseholdMember(userID: child, role: .minor, managedBy: [parent]),
            ])
        }
    }

    func decide(_ booker: UUID, _ participants: [UUID], household: Household?, expensive: Bool = false, staff: Bool = false) -> BookingAuthority.Decision {
        BookingAuthority.decide(booker: booker, participants: participants, household: household, expensive: expensive, actingAsStaff: staff)
    }

    @Test func anyoneBooksThemselfAndStaffBookAnyone() throws {
        #expect(decide(stranger, [stranger], household: nil) == .allowed)
        #expect(decide(stranger, [], household: nil) == .allowed, "guests only")
        #expect(decide(stranger, [primary, child], household: nil, staff: true) == .allowed, "a walk-in taken by staff")
        #expect(decide(stranger, [primary], household: nil) == .denied(participant: primary, .notAMember))
    }

    @Test func householdRulesDecideForOthers() throws {
        let family = try family
        #expect(decide(primary, [primary, parent, lodger, child], household: family) == .allowed, "the primary books anyone")
        #expect(decide(parent, [parent, child], household: family) == .allowed, "a manager books the minor they manage")
        #expect(decide(lodger, [child], household: family) == .denied(participant: child, .notTheirManager))
        #expect(decide(lodger, [primary], household: family) == .denied(participant: primary, .notPermitted), "canBookForOthers is off")
        #expect(decide(child, [parent], household: family) == .denied(participant: parent, .actorIsManaged))
        #expect(decide(parent, [stranger], household: family) == .denied(participant: stranger, .notAMember))
    }

    @Test func approvalMakesTheBookingWait() throws {
        let family = try family
        #expect(decide(parent, [parent, primary], household: family, expensive: true) == .needsApproval(by: primary))
        #expect(decide(parent, [parent, primary], household: family, expensive: false) == .allowed)
        #expect(decide(child, [child], household: family) == .needsApproval(by: primary), "a minor's own booking waits for the primary")
        #expect(decide(parent, [primary, lodger, child], household: family, expensive: true) == .needsApproval(by: primary),
                "no refusal among them: the approval holds the whole booking")
    }
}
