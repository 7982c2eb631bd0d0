import ContextKit
import Foundation
import Testing
@testable import Identity

/// The pure rules behind the Identity services' answers: who may manage
/// which membership, who may change whose profile, and the validation of
/// organization settings and personal details.
@Suite struct MembershipAuthorityTests {
    let l1 = id(201), l2 = id(202), l3 = id(203)

    /// Every membership shape a request can ask for, over two locations.
    var targets: [(role: Role, scope: MembershipScope)] {
        Role.allCases.flatMap { role -> [(role: Role, scope: MembershipScope)] in
            [(role, MembershipScope.allLocations), (role, .locations([l1])), (role, .locations([l2])), (role, .locations([l1, l2]))]
        }
    }

    @Test func anOwnerManagesEveryMembershipIncludingOwners() {
        let owner = Membership(role: .owner, scope: .allLocations)
        for target in targets {
            #expect(owner.mayManageMembership(role: target.role, scope: target.scope), "\(target)")
        }
    }

    @Test func anAdminManagesEveryoneButOwners() {
        let admin = Membership(role: .admin, scope: .allLocations)
        for target in targets {
            #expect(admin.mayManageMembership(role: target.role, scope: target.scope) == (target.role != .owner), "\(target)")
        }
    }

    @Test func anAdminRestrictedToALocationManagesNothing() {
        // Not a membership the services let exist, but the rule must not leak
        // organization-wide power through it.
        let restricted = Membership(role: .admin, scope: .locations([l1]))
        for target in targets {
            #expect(!restricted.mayManageMembership(role: target.role, scope: target.scope), "\(target)")
        }
    }

    @Test func aManagerManagesProvidersOnlyWithinTheirLocations() {
        let manager = Membership(role: .manager, scope: .locations([l1, l3]))
        #expect(manager.mayManageMembership(role: .provider, scope: .locations([l1])))
        #expect(manager.mayManageMembership(role: .provider, scope: .locations([l1, l3])))
        #expect(!manager.mayManageMembership(role: .provider, scope: .locations([l2])))
        #expect(!manager.mayManageMembership(role: .provider, scope: .locations([l1, l2])), "one location outside is enough to refuse")
        #expect(!manager.mayManageMembership(role: .provider, scope: .allLocations), "every location includes ones they do not manage")
        #expect(!manager.mayManageMembership(role: .provider, scope: .locations([])), "an empty list names no location of theirs")
        for role in Role.allCases where role != .provider {
            #expect(!manager.mayManageMembership(role: role, scope: .locations([l1])), "\(role)")
        }
    }

    @Test func aManagerOfEveryLocationManagesProvidersAnywhere() {
        let manager = Membership(role: .manager, scope: .allLocations)
        #expect(manager.mayManageMembership(role: .provider, scope: .allLocations))
        #expect(manager.mayManageMembership(role: .provider, scope: .locations([l2])))
        #expect(!manager.mayManageMembership(role: .staff, scope: .locations([l2])))
        #expect(!manager.mayManageMembership(role: .manager, scope: .allLocations))
    }

    @Test(arguments: [Role.staff, .provider])
    func staffAndProvidersManageNoMembership(_ role: Role) {
        for scope in [MembershipScope.allLocations, .locations([l1])] {
            let member = Membership(role: role, scope: scope)
            for target in targets {
                #expect(!member.mayManageMembership(role: target.role, scope: target.scope), "\(role) \(scope) over \(target)")
            }
        }
    }

    @Test func rolesOutrankInOneStrictOrder() {
        let order: [Role] = [.owner, .admin, .manager, .staff, .provider]
        #expect(Set(order) == Set(Role.allCases))
        for (i, a) in order.enumerated() {
            for (j, b) in order.enumerated() {
                #expect(a.outranks(b) == (i < j), "\(a) outranks \(b)")
            }
            #expect(!a.outranks(a), "no role outranks itself")
        }
        #expect(order.map(\.rank) == order.map(\.rank).sorted(by: >))
        #expect(Set(order.map(\.rank)).count == order.count)
    }
}

@Suite struct ProfileManagementTests {
    let pat = id(1), alex = id(2), sam = id(3), kim = id(4), gran = id(5), stranger = id(99)

    /// Pat (primary), Alex (adult, manages Kim), Sam (adult), Kim (minor,
    /// managed by Alex), Gran (dependent, no listed manager).
    func family() throws -> Household {
        try Household(id: id(1000), members: [
            HouseholdMember(userID: pat, role: .primary),
            HouseholdMember(userID: alex, role: .adult),
            HouseholdMember(userID: sam, role: .adult),
            HouseholdMember(userID: kim, role: .minor, managedBy: [alex]),
            HouseholdMember(userID: gran, role: .dependent),
        ])
    }

    @Test func thePrimaryManagesMinorsAndDependents() throws {
        let household = try family()
        #expect(household.canManageProfile(actor: pat, of: kim))
        #expect(household.canManageProfile(actor: pat, of: gran))
    }

    @Test func aListedManagerManagesTheirMinorOnly() throws {
        let household = try family()
        #expect(household.canManageProfile(actor: alex, of: kim))
        #expect(!household.canManageProfile(actor: alex, of: gran), "Alex is not Gran's manager")
        #expect(!household.canManageProfile(actor: sam, of: kim), "an adult who does not manage Kim")
    }

    @Test func adultsKeepTheirProfilesToThemselves() throws {
        let household = try family()
        #expect(!household.canManageProfile(actor: pat, of: alex), "not even the primary")
        #expect(!household.canManageProfile(actor: alex, of: sam))
        #expect(!household.canManageProfile(actor: sam, of: pat))
        #expect(!household.canManageProfile(actor: alex, of: pat))
    }

    @Test func managedMembersManageNoOne() throws {
        let household = try family()
        #expect(!household.canManageProfile(actor: kim, of: gran))
        #expect(!household.canManageProfile(actor: gran, of: kim))
        #expect(!household.canManageProfile(actor: kim, of: alex))
    }

    @Test func nobodyIsTheirOwnManagerAndStrangersManageNothing() throws {
        let household = try family()
        // Changing one's own profile is a different rule (the user themself), not this one.
        for member in [pat, alex, kim, gran] {
            #expect(!household.canManageProfile(actor: member, of: member))
        }
        #expect(!household.canManageProfile(actor: stranger, of: kim))
        #expect(!household.canManageProfile(actor: pat, of: stranger))
    }
}

@Suite struct CancellationPolicyRulesTests {
    typealias Tier = CancellationPolicy.RefundTier

    func policy(_ tiers: [Tier], grace: Int = 15, charge: Int = 100) -> CancellationPolicy {
        CancellationPolicy(
            allowClientCancellation: true, refundTiers: tiers,
            noShow: CancellationPolicy.NoShowPolicy(gracePeriodMinutes: grace, chargePercent: charge))
    }

    @Test func theStandardPolicyAndTheLimitsThemselvesAreValid() {
        #expect(CancellationPolicy.standard.violations().isEmpty)
        #expect(policy([]).violations().isEmpty, "no tiers: no refund")
        #expect(policy([Tier(minHoursBefore: 8_760, refundPercent: 100), Tier(minHoursBefore: 0, refundPercent: 0)], grace: 1_440, charge: 100)
            .violations().isEmpty)
        #expect(policy([Tier(minHoursBefore: 0, refundPercent: 0)], grace: 0, charge: 0).violations().isEmpty)
        let ten = (0..<10).map { Tier(minHoursBefore: 100 - $0 * 10, refundPercent: 100 - $0 * 10) }
        #expect(policy(ten).violations().isEmpty)
    }

    @Test func tiersGoFromMostNoticeToLeast() {
        let same = policy([Tier(minHoursBefore: 48, refundPercent: 100), Tier(minHoursBefore: 48, refundPercent: 50)])
        #expect(same.violations().map(\.field) == ["cancellation_policy.refund_tiers[1].min_hours_before"])
        let growing = policy([Tier(minHoursBefore: 24, refundPercent: 100), Tier(minHoursBefore: 48, refundPercent: 50)])
        #expect(growing.violations().map(\.field) == ["cancellation_policy.refund_tiers[1].min_hours_before"])
        #expect(growing.violations().map(\.rule) == [.notAllowed])
    }

    @Test func aRefundNeverGrowsAsTheStartNears() {
        let richer = policy([
            Tier(minHoursBefore: 72, refundPercent: 100), Tier(minHoursBefore: 48, refundPercent: 50), Tier(minHoursBefore: 24, refundPercent: 80),
        ])
        #expect(richer.violations().map(\.field) == ["cancellation_policy.refund_tiers[2].refund_percent"])
        let equal = policy([Tier(minHoursBefore: 48, refundPercent: 50), Tier(minHoursBefore: 24, refundPercent: 50)])
        #expect(equal.violations().isEmpty, "the same refund with less notice is allowed")
    }

    @Test func rangesAreChecked() {
        let found = policy([Tier(minHoursBefore: 8_761, refundPercent: 101)], grace: 1_441, charge: 101).violations()
        #expect(found.map(\.field) == [
            "cancellation_policy.refund_tiers[0].min_hours_before",
            "cancellation_policy.refund_tiers[0].refund_percent",
            "cancellation_policy.no_show.grace_period_minutes",
            "cancellation_policy.no_show.charge_percent",
        ])
        #expect(found.allSatisfy { $0.rule == .notAllowed })
        let negative = policy([Tier(minHoursBefore: -1, refundPercent: -1)], grace: -1, charge: -1).violations()
        #expect(negative.count == 4)
    }

    @Test func atMostTenTiers() {
        let eleven = (0..<11).map { Tier(minHoursBefore: 110 - $0 * 10, refundPercent: 100 - $0 * 5) }
        let found = policy(eleven).violations()
        #expect(found.map(\.field) == ["cancellation_policy.refund_tiers"])
        #expect(found.map(\.rule) == [.tooLong])
    }

    @Test func everyViolationIsReportedUnderTheGivenField() {
        let bad = policy([Tier(minHoursBefore: 24, refundPercent: 100), Tier(minHoursBefore: 9_000, refundPercent: 100)], charge: 200)
        #expect(bad.violations(field: "policy").map(\.field) == [
            "policy.refund_tiers[1].min_hours_before",  // out of range
            "policy.refund_tiers[1].min_hours_before",  // and not fewer than the tier before
            "policy.no_show.charge_percent",
        ])
    }
}

@Suite struct OrganizationFieldRulesTests {
    @Test(arguments: ["a", "spa", "spa-paris-2", "0", "a-b-c", "a--b", String(repeating: "x", count: 63)])
    func validSlugs(_ slug: String) {
        #expect(OrganizationSlug.violations(of: slug).isEmpty)
    }

    @Test(arguments: [
        ("", "required"), (String(repeating: "x", count: 64), "too long"), ("Spa", "malformed"), ("-spa", "malformed"),
        ("spa-", "malformed"), ("spa_paris", "malformed"), ("spa paris", "malformed"), ("café", "malformed"), ("spa.fr", "malformed"),
    ])
    func invalidSlugs(_ slug: String, _ rule: String) {
        let found = OrganizationSlug.violations(of: slug, field: "org.slug")
        #expect(found.map(\.field) == ["org.slug"])
        #expect(found.map(\.rule.name) == [rule])
    }

    @Test(arguments: ["EUR", "USD", "GBP", "JPY", "CHF"])
    func knownCurrencies(_ code: String) {
        #expect(CurrencyCode.violations(of: code).isEmpty)
    }

    @Test(arguments: [("", "required"), ("eur", "unknown"), ("EURO", "unknown"), ("EU", "unknown"), ("ZZZ", "unknown"), ("E1R", "unknown"), ("€", "unknown")])
    func unknownCurrencies(_ code: String, _ rule: String) {
        let found = CurrencyCode.violations(of: code, field: "default.currency")
        #expect(found.map(\.field) == ["default.currency"])
        #expect(found.map(\.rule.name) == [rule])
    }
}

@Suite struct PersonalDetailsRulesTests {
    func nameRule(_ raw: String) -> String? {
        do throws(ValidationFailure) {
            _ = try PersonalDetails.name(raw)
            return nil
        } catch {
            return error.violations.map(\.rule.name).joined(separator: ",")
        }
    }

    func phoneRule(_ raw: String) -> String? {
        do throws(ValidationFailure) {
            _ = try PersonalDetails.phone(raw)
            return nil
        } catch {
            return error.violations.map(\.rule.name).joined(separator: ",")
        }
    }

    @Test func namesAreTrimmedAndBounded() throws {
        #expect(try PersonalDetails.name("  Ann Lee \n") == "Ann Lee")
        #expect(try PersonalDetails.name("Zoë Ødegård-Łukasz") == "Zoë Ødegård-Łukasz")
        #expect(try PersonalDetails.name(String(repeating: "é", count: 200)).count == 200, "counted in characters, not bytes")
        #expect(nameRule("") == "required")
        #expect(nameRule(" \t\n ") == "required")
        #expect(nameRule(String(repeating: "a", count: 201)) == "too long")
        #expect(nameRule("Ann\u{0007}Lee") == "not allowed")
        #expect(nameRule("Ann\nLee") == "not allowed", "a newline inside a name is a control character")
    }

    @Test func theFieldIsTheCallersAndTheValueIsNeverRepeated() {
        do throws(ValidationFailure) {
            _ = try PersonalDetails.name("Secret\u{0000}Name", field: "owner.name")
            Issue.record("a NUL in a name was accepted")
        } catch {
            #expect(error.violations.map(\.field) == ["owner.name"])
            #expect(!error.description.contains("Secret"))
        }
    }

    @Test func phonesAreDigitsAndPunctuation() throws {
        #expect(try PersonalDetails.phone("") == nil)
        #expect(try PersonalDetails.phone("   ") == nil)
        #expect(try PersonalDetails.phone(" +44 (20) 7946-0958 ") == "+44 (20) 7946-0958")
        #expect(try PersonalDetails.phone("555.0100") == "555.0100")
        #expect(try PersonalDetails.phone(String(repeating: "1", count: 32)) != nil)
        #expect(phoneRule(String(repeating: "1", count: 33)) == "malformed")
        #expect(phoneRule("call me") == "malformed")
        #expect(phoneRule("+-() .") == "malformed", "no digit at all")
        #expect(phoneRule("+44 20 7946 0958 ext 2") == "malformed")
        #expect(phoneRule("٠١٢٣٤٥") == "malformed", "ASCII digits only")
    }
}

@Suite struct UserPreferencesRulesTests {
    @Test func emptyMeansNoneChosen() throws {
        let preferences = try UserPreferences.validated(timeZone: "", locale: "", notifications: .init())
        #expect(preferences == UserPreferences())
        #expect(preferences.timeZone == nil && preferences.locale == nil)
        #expect(preferences.notifications == UserPreferences.Notifications(email: true, sms: false, push: false))
    }

    @Test func theLocaleIsCanonicalAndTheChoicesKept() throws {
        let choices = UserPreferences.Notifications(email: false, sms: true, push: true)
        let preferences = try UserPreferences.validated(timeZone: "Europe/Paris", locale: "fr_fr", notifications: choices)
        #expect(preferences == UserPreferences(timeZone: "Europe/Paris", locale: "fr-FR", notifications: choices))
    }

    @Test func everyBadFieldIsReportedUnderItsPath() {
        do throws(ValidationFailure) {
            _ = try UserPreferences.validated(timeZone: "Mars/Olympus_Mons", locale: "xx-ZZ", notifications: .init(), field: "prefs")
            Issue.record("invalid preferences were accepted")
        } catch {
            #expect(error.violations.map(\.field) == ["prefs.time_zone", "prefs.locale"])
            #expect(error.violations.map(\.rule) == [.unknown, .unknown])
        }
        do throws(ValidationFailure) {
            _ = try UserPreferences.validated(timeZone: "GMT+1", locale: "en-GB", notifications: .init())
            Issue.record("an offset zone was accepted")
        } catch {
            #expect(error.violations.map(\.field) == ["preferences.time_zone"])
        }
    }
}
