import BizingAPI
@testable import Catalog
import ContextKit
import Foundation
import Testing

private func violations(_ bookable: CatalogV1.Bookable) -> [InvalidField] {
    BookableRules.violations(bookable, context: Fixture.context)
}

private let kinds: [CatalogV1.BookableKind] = [.provider, .asset, .venue, .companyProvider]

@Suite struct BookableRulesTests {
    // MARK: The bookable itself

    @Test(arguments: kinds)
    func validBookableOfEachKindHasNoViolations(kind: CatalogV1.BookableKind) {
        #expect(violations(Fixture.bookable(kind)) == [])
    }

    @Test func categoryIsOptional() {
        var bookable = Fixture.bookable(.venue)
        bookable.category = ""
        bookable.tags = []
        bookable.description = ""
        #expect(violations(bookable).isEmpty)
    }

    @Test func ownFieldsAreChecked() {
        var bookable = Fixture.bookable(.venue)
        bookable.locationId = ""
        bookable.name = ""
        bookable.description = "tab\tok, bell\u{7} not"
        bookable.slug = "-x"
        bookable.category = "Spa"
        bookable.tags = ["a", "a"]
        bookable.status = .unrecognized(12)
        let found = violations(bookable)
        #expect(found.fields == ["location_id", "name", "description", "slug", "category", "tags[1]", "status"])
        #expect(found.map(\.rule) == [.required, .required, .notAllowed, .malformed, .malformed, .conflict, .unknown])
    }

    @Test func malformedLocationId() {
        var bookable = Fixture.bookable(.asset)
        bookable.locationId = "downtown"
        let found = violations(bookable)
        #expect(found.fields == ["location_id"])
        #expect(found.first?.rule == .malformed)
    }

    // MARK: Kind and parts

    @Test func unspecifiedKindIsRequired() {
        let found = violations(Fixture.bookable(.unspecified))
        #expect(found.fields == ["kind"])
        #expect(found.first?.rule == .required)
    }

    @Test func unknownKindIsRefusedAndRefusesEveryPart() {
        var bookable = Fixture.bookable(.unrecognized(7))
        #expect(violations(bookable).fields == ["kind"])
        #expect(violations(bookable).first?.rule == .unknown)
        bookable.venue = Fixture.venueDetails()
        #expect(violations(bookable).fields == ["kind", "venue"])
    }

    @Test(arguments: zip(kinds, ["provider", "asset", "venue", "company_provider"]))
    func thePartMatchingTheKindIsRequired(kind: CatalogV1.BookableKind, part: String) {
        var bookable = Fixture.bookable(kind)
        (bookable.provider, bookable.asset, bookable.venue, bookable.companyProvider) = (nil, nil, nil, nil)
        let found = violations(bookable)
        #expect(found.fields == [part])
        #expect(found.first?.rule == .required)
        #expect(found.first?.description == "is required for a bookable of kind \(kind.columnValue)")
    }

    @Test(arguments: kinds)
    func everyOtherPartIsRefused(kind: CatalogV1.BookableKind) {
        var bookable = Fixture.bookable(kind)
        bookable.provider = Fixture.providerDetails()
        bookable.asset = Fixture.assetDetails()
        bookable.venue = Fixture.venueDetails()
        bookable.companyProvider = Fixture.companyDetails()
        let expected = zip(kinds, ["provider", "asset", "venue", "company_provider"]).filter { $0.0 != kind }.map(\.1)
        let found = violations(bookable)
        #expect(found.fields == expected)
        #expect(found.allSatisfy { $0.rule == .notAllowed })
    }

    @Test func aRefusedPartIsNotValidatedItself() {
        var bookable = Fixture.bookable(.venue)
        bookable.provider = CatalogV1.ProviderDetails(email: "")
        #expect(violations(bookable).fields == ["provider"])
    }

    // MARK: Provider

    @Test func providerContactAndLists() {
        var bookable = Fixture.bookable(.provider)
        bookable.provider?.userId = "u-1"
        bookable.provider?.email = ""
        bookable.provider?.phone = "phone me"
        bookable.provider?.specialties = [""]
        bookable.provider?.languages = ["en", "xx-ZZ"]
        bookable.provider?.locationIds = [Fixture.locationID, Fixture.locationID]
        #expect(violations(bookable).fields == [
            "provider.user_id", "provider.email", "provider.phone", "provider.specialties[0]",
            "provider.languages[1]", "provider.location_ids[1]",
        ])
    }

    @Test func providerOptionalFieldsMayBeAbsent() {
        var bookable = Fixture.bookable(.provider)
        bookable.provider = CatalogV1.ProviderDetails(email: "ann@example.com")
        #expect(violations(bookable).isEmpty)
    }

    @Test func tooManyLanguages() {
        var bookable = Fixture.bookable(.provider)
        bookable.provider?.languages = Array(repeating: "en", count: 21)
        #expect(violations(bookable).fields == ["provider.languages"])
    }

    @Test(arguments: [
        (UInt32(1001), UInt32(8), UInt32(0), ["provider.travel_radius_miles"]),
        (0, 0, 0, ["provider.max_daily_bookings"]),
        (0, 201, 0, ["provider.max_daily_bookings"]),
        (1000, 200, 1441, ["provider.min_rest_minutes"]),
        (0, 1, 1440, []),
    ])
    func providerLimits(radius: UInt32, daily: UInt32, rest: UInt32, fields: [String]) {
        var bookable = Fixture.bookable(.provider)
        bookable.provider?.travelRadiusMiles = radius
        bookable.provider?.maxDailyBookings = daily
        bookable.provider?.minRestMinutes = rest
        #expect(violations(bookable).fields == fields)
    }

    @Test(arguments: [(5.0, true), (0.0, true), (5.01, false), (-0.1, false), (Double.nan, false), (Double.infinity, false)])
    func ratingIsZeroToFive(rating: Double, valid: Bool) {
        var bookable = Fixture.bookable(.provider)
        bookable.provider?.rating = rating
        #expect(violations(bookable).fields == (valid ? [] : ["provider.rating"]))
    }

    @Test func paymentProfileRateIsInTheCurrencyInForce() {
        var bookable = Fixture.bookable(.provider)
        bookable.provider?.paymentProfile = CatalogV1.PaymentProfile(hourlyRate: CatalogV1.Money(amountMinor: -1, currency: "EUR"),
                                                                     commissionBasisPoints: 10_001)
        let found = violations(bookable)
        #expect(found.fields == ["provider.payment_profile.hourly_rate.amount_minor", "provider.payment_profile.hourly_rate.currency",
                                 "provider.payment_profile.commission_basis_points"])
        #expect(found[1].rule == .conflict)
    }

    // MARK: Certifications

    private func withCertification(_ certification: CatalogV1.Certification) -> CatalogV1.Bookable {
        var bookable = Fixture.bookable(.provider)
        bookable.provider?.certifications.append(certification)
        return bookable
    }

    @Test func certificationIssuedInTheFutureIsRefused() {
        let found = violations(withCertification(CatalogV1.Certification(type: "CPR", issuedAt: Fixture.now + 1)))
        #expect(found.fields == ["provider.certifications[1].issued_at"])
        #expect(found.first?.rule == .notAllowed)
    }

    @Test func certificationIssuedNowOrWithoutDatesIsFine() {
        #expect(violations(withCertification(CatalogV1.Certification(type: "CPR", issuedAt: Fixture.now))).isEmpty)
        #expect(violations(withCertification(CatalogV1.Certification(type: "CPR"))).isEmpty)
    }

    @Test func certificationAlreadyExpiredIsStillValidInput() {
        let certification = CatalogV1.Certification(type: "CPR", issuedAt: Fixture.now - Fixture.days(800),
                                                    expiresAt: Fixture.now - Fixture.days(70))
        #expect(violations(withCertification(certification)).isEmpty)
    }

    @Test(arguments: [0.0, -60.0])
    func certificationExpiringNoLaterThanIssuedIsRefused(offset: TimeInterval) {
        let issued = Fixture.now - Fixture.days(10)
        let found = violations(withCertification(CatalogV1.Certification(type: "CPR", issuedAt: issued, expiresAt: issued + offset)))
        #expect(found.fields == ["provider.certifications[1].expires_at"])
    }

    @Test func certificationTypeIssuerAndDocument() {
        let found = violations(withCertification(CatalogV1.Certification(
            type: " ", issuedBy: String(repeating: "b", count: 201), documentUrl: "file:///etc/passwd")))
        #expect(found.fields == ["provider.certifications[1].type", "provider.certifications[1].issued_by",
                                 "provider.certifications[1].document_url"])
        #expect(found.map(\.rule) == [.required, .tooLong, .malformed])
    }

    @Test func atMostFiftyCertifications() {
        var bookable = Fixture.bookable(.provider)
        bookable.provider?.certifications = Array(repeating: CatalogV1.Certification(type: "CPR"), count: 50)
        #expect(violations(bookable).isEmpty)
        bookable.provider?.certifications.append(CatalogV1.Certification(type: "", issuedAt: Fixture.now + 1))
        // The list is too long; entries past the fiftieth are not examined.
        #expect(violations(bookable).fields == ["provider.certifications"])
    }

    // MARK: Asset

    @Test func assetTypeIsRequired() {
        var bookable = Fixture.bookable(.asset)
        bookable.asset?.assetType = .unspecified
        #expect(violations(bookable).fields == ["asset.asset_type"])
        bookable.asset?.assetType = .unrecognized(99)
        #expect(violations(bookable).map(\.rule) == [.unknown])
    }

    @Test func assetServiceDates() {
        var bookable = Fixture.bookable(.asset)
        bookable.asset?.lastServicedAt = Fixture.now + 60
        bookable.asset?.nextServiceDue = Fixture.now + 60
        #expect(violations(bookable).fields == ["asset.last_serviced_at", "asset.next_service_due"])
        bookable.asset?.lastServicedAt = nil
        #expect(violations(bookable).isEmpty)
    }

    @Test func assetSpecificationsAndMaintenance() {
        var bookable = Fixture.bookable(.asset)
        bookable.asset?.specifications = ["": "x", "color": String(repeating: "r", count: 501)]
        bookable.asset?.maintenanceEveryHours = 100_001
        bookable.asset?.maintenanceEveryDays = 3661
        bookable.asset?.serialNumber = String(repeating: "s", count: 101)
        #expect(violations(bookable).fields == [
            "asset.serial_number", "asset.specifications", "asset.specifications[color]",
            "asset.maintenance_every_hours", "asset.maintenance_every_days",
        ])
    }

    // MARK: Venue

    @Test(arguments: [
        (UInt32(0), UInt32(1), [String]()), (40, 40, []),
        (0, 0, ["venue.capacity_max"]), (41, 40, ["venue.capacity_min"]),
        (1, 0, ["venue.capacity_max", "venue.capacity_min"]), (1, 100_001, ["venue.capacity_max"]),
    ])
    func venueCapacity(min: UInt32, max: UInt32, fields: [String]) {
        var bookable = Fixture.bookable(.venue)
        bookable.venue?.capacityMin = min
        bookable.venue?.capacityMax = max
        #expect(violations(bookable).fields == fields)
    }

    @Test(arguments: [
        (true, UInt32(2), true), (true, 1000, true), (true, 1, false), (true, 0, false), (true, 1001, false),
        (false, 0, true), (false, 1, true), (false, 2, false),
    ])
    func simultaneousBookings(allowed: Bool, most: UInt32, valid: Bool) {
        var bookable = Fixture.bookable(.venue)
        bookable.venue?.allowSimultaneousBookings = allowed
        bookable.venue?.maxSimultaneousBookings = most
        #expect(violations(bookable).fields == (valid ? [] : ["venue.max_simultaneous_bookings"]))
    }

    @Test func venueSetupAndTeardownAreAtMostADay() {
        var bookable = Fixture.bookable(.venue)
        bookable.venue?.setupMinutes = 1441
        bookable.venue?.teardownMinutes = 1440
        bookable.venue?.amenities = [String(repeating: "a", count: 101)]
        #expect(violations(bookable).fields == ["venue.amenities[0]", "venue.setup_minutes"])
    }

    // MARK: Company provider

    @Test func companyNeedsHouseholdEmailAndPhone() {
        var bookable = Fixture.bookable(.companyProvider)
        bookable.companyProvider = CatalogV1.CompanyProviderDetails()
        let found = violations(bookable)
        #expect(found.fields == ["company_provider.household_id", "company_provider.email", "company_provider.phone"])
        #expect(found.allSatisfy { $0.rule == .required })
    }

    @Test func companyDetailsAreChecked() {
        var bookable = Fixture.bookable(.companyProvider)
        bookable.companyProvider?.householdId = "acme"
        bookable.companyProvider?.website = "acme.example"
        bookable.companyProvider?.technicianIds = [Fixture.userID, "x", Fixture.userID]
        bookable.companyProvider?.dispatchMethod = .unrecognized(4)
        bookable.companyProvider?.serviceRadiusMiles = 1001
        bookable.companyProvider?.businessHours = CatalogV1.WeeklyHours(days: [Fixture.hours(.monday, [("08:00", "12:00"), ("11:00", "13:00")])])
        #expect(violations(bookable).fields == [
            "company_provider.household_id", "company_provider.website", "company_provider.technician_ids[1]",
            "company_provider.technician_ids[2]", "company_provider.dispatch_method", "company_provider.service_radius_miles",
            "company_provider.business_hours.days[0].ranges[1]",
        ])
    }

    // MARK: Presentation

    @Test func presentedFlagsCertificationsPastTheirExpiry() {
        var bookable = Fixture.bookable(.provider)
        bookable.provider?.certifications = [
            CatalogV1.Certification(type: "past", expiresAt: Fixture.now - 1),
            CatalogV1.Certification(type: "exactly now", expiresAt: Fixture.now),
            CatalogV1.Certification(type: "future", expiresAt: Fixture.now + 1, expired: true),
            CatalogV1.Certification(type: "never", expired: true),
        ]
        let presented = BookableRules.presented(bookable, now: Fixture.now)
        #expect(presented.provider?.certifications.map(\.expired) == [true, true, false, false])
        #expect(presented.provider?.certifications.map(\.type) == ["past", "exactly now", "future", "never"])
        var unflagged = presented
        for index in unflagged.provider!.certifications.indices { unflagged.provider!.certifications[index].expired = bookable.provider!.certifications[index].expired }
        #expect(unflagged == bookable)
    }

    @Test func presentedIsTheSameBookableWithoutAProvider() {
        let venue = Fixture.bookable(.venue)
        #expect(BookableRules.presented(venue, now: Fixture.now) == venue)
    }

    @Test func presentedDependsOnNow() {
        let bookable = Fixture.bookable(.provider)
        #expect(BookableRules.presented(bookable, now: Fixture.now).provider?.certifications.first?.expired == false)
        #expect(BookableRules.presented(bookable, now: Fixture.now + Fixture.days(366)).provider?.certifications.first?.expired == true)
    }
}
