import BizingAPI
@testable import Catalog
import ContextKit
import Testing

@Suite struct LocationRulesTests {
    @Test(arguments: [Fixture.physicalLocation(), Fixture.mobileLocation(), Fixture.virtualLocation()])
    func validLocationsHaveNoViolations(location: CatalogV1.Location) {
        #expect(LocationRules.violations(location) == [])
    }

    @Test func slugNameTypeStatusAndZoneAreChecked() {
        var location = Fixture.virtualLocation()
        location.slug = "Down Town"
        location.name = " "
        location.type = .unrecognized(9)
        location.status = .unrecognized(5)
        location.timeZone = "GMT+1"
        let found = LocationRules.violations(location)
        #expect(found.fields == ["slug", "name", "type", "status", "time_zone"])
        #expect(found.map(\.rule) == [.malformed, .required, .unknown, .unknown, .unknown])
    }

    @Test func timeZoneIsRequired() {
        var location = Fixture.virtualLocation()
        location.timeZone = ""
        let found = LocationRules.violations(location)
        #expect(found.fields == ["time_zone"])
        #expect(found.first?.rule == .required)
    }

    @Test func operatingHoursViolationsAreNestedUnderTheField() {
        var location = Fixture.physicalLocation()
        location.operatingHours = CatalogV1.WeeklyHours(days: [
            Fixture.hours(.monday, [("09:00", "17:00")]), Fixture.hours(.monday, [("09:00", "17:00")]),
            Fixture.hours(.friday, [("18:00", "08:00")]),
        ])
        #expect(LocationRules.violations(location).fields == ["operating_hours.days[1].day", "operating_hours.days[2].ranges[0].end"])
    }

    @Test(arguments: [CatalogV1.LocationType.physical, .unspecified])
    func physicalOrUnspecifiedLocationNeedsAnAddress(type: CatalogV1.LocationType) {
        var location = Fixture.physicalLocation()
        location.type = type
        location.address = nil
        let found = LocationRules.violations(location)
        #expect(found.fields == ["address"])
        #expect(found.first?.rule == .required)
    }

    @Test func addressNeedsStreetCityAndACountryCode() {
        var location = Fixture.physicalLocation()
        location.address = CatalogV1.Address(street: "  ", city: "", region: String(repeating: "r", count: 101),
                                             postalCode: String(repeating: "9", count: 21), country: "us")
        let found = LocationRules.violations(location)
        #expect(found.fields == ["address.street", "address.city", "address.region", "address.postal_code", "address.country"])
        #expect(found.map(\.rule) == [.required, .required, .tooLong, .tooLong, .malformed])
    }

    @Test(arguments: ["", "USA", "U1", "ZZ", "us"])
    func countryMustBeAnISORegionInCapitals(country: String) {
        var location = Fixture.physicalLocation()
        location.address?.country = country
        #expect(LocationRules.violations(location).fields == ["address.country"])
    }

    @Test(arguments: [
        (90.0, 180.0, [String]()), (-90.0, -180.0, []),
        (90.5, 0.0, ["address.coordinates.latitude"]), (0.0, -180.1, ["address.coordinates.longitude"]),
        (Double.nan, Double.infinity, ["address.coordinates.latitude", "address.coordinates.longitude"]),
    ])
    func coordinatesAreWithinTheGlobe(latitude: Double, longitude: Double, fields: [String]) {
        var location = Fixture.physicalLocation()
        location.address?.coordinates = CatalogV1.Coordinates(latitude: latitude, longitude: longitude)
        #expect(LocationRules.violations(location).fields == fields)
    }

    @Test func addressCoordinatesAreOptional() {
        var location = Fixture.physicalLocation()
        location.address?.coordinates = nil
        #expect(LocationRules.violations(location).isEmpty)
    }

    @Test func mobileLocationNeedsAServiceArea() {
        var location = Fixture.mobileLocation()
        location.serviceArea = nil
        let found = LocationRules.violations(location)
        #expect(found.fields == ["service_area"])
        #expect(found.first?.rule == .required)
    }

    @Test func serviceAreaNeedsARadiusAndACenter() {
        var location = Fixture.mobileLocation()
        location.serviceArea = CatalogV1.ServiceArea(radiusMiles: 501, center: nil)
        #expect(LocationRules.violations(location).fields == ["service_area.radius_miles", "service_area.center"])
        location.serviceArea = CatalogV1.ServiceArea(radiusMiles: 0, center: CatalogV1.Coordinates(latitude: 100, longitude: 0))
        #expect(LocationRules.violations(location).fields == ["service_area.radius_miles", "service_area.center.latitude"])
    }

    @Test(arguments: [Fixture.physicalLocation(), Fixture.virtualLocation()])
    func onlyAMobileLocationHasAServiceArea(location: CatalogV1.Location) {
        var location = location
        location.serviceArea = CatalogV1.ServiceArea(radiusMiles: 10, center: CatalogV1.Coordinates())
        let found = LocationRules.violations(location)
        #expect(found.fields == ["service_area"])
        #expect(found.first?.rule == .notAllowed)
    }

    @Test func virtualLocationNeedsNoAddress() {
        var location = Fixture.virtualLocation()
        location.address = nil
        #expect(LocationRules.violations(location).isEmpty)
    }

    @Test func overrideCurrencyMustBeAnISOCode() {
        var location = Fixture.virtualLocation()
        location.configOverride = CatalogV1.ConfigOverride(currency: "EUR")
        #expect(LocationRules.violations(location).isEmpty)
        location.configOverride = CatalogV1.ConfigOverride(currency: "eur")
        #expect(LocationRules.violations(location).fields == ["config_override.currency"])
        location.configOverride = CatalogV1.ConfigOverride(currency: "")
        #expect(LocationRules.violations(location).map(\.rule) == [.required])
    }

    @Test func overrideCancellationPolicyIsValidatedAtItsPath() {
        var location = Fixture.virtualLocation()
        location.configOverride = CatalogV1.ConfigOverride(cancellationPolicy: IdentityV1.CancellationPolicy(
            allowClientCancellation: true,
            refundTiers: [IdentityV1.RefundTier(minHoursBefore: 24, refundPercent: 100), IdentityV1.RefundTier(minHoursBefore: 24, refundPercent: 50)],
            noShow: IdentityV1.NoShowPolicy(gracePeriodMinutes: 15, chargePercent: 101)))
        #expect(LocationRules.violations(location).fields == [
            "config_override.cancellation_policy.refund_tiers[1].min_hours_before",
            "config_override.cancellation_policy.no_show.charge_percent",
        ])
    }
}
