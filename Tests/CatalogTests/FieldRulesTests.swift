import BizingAPI
@testable import Catalog
import ContextKit
import Foundation
import Testing

/// Runs one `FieldRules` check and returns what it found.
private func check(_ rule: (inout [InvalidField]) -> Void) -> [InvalidField] {
    var found: [InvalidField] = []
    rule(&found)
    return found
}

@Suite struct FieldRulesTests {
    // MARK: Names and text

    @Test(arguments: ["Ann", "  Padded name  ", String(repeating: "é", count: 200)])
    func validNames(text: String) {
        #expect(check { FieldRules.name(text, "name", into: &$0) }.isEmpty)
    }

    @Test(arguments: [
        ("", InvalidField.Rule.required), ("   \n", .required),
        (String(repeating: "a", count: 201), .tooLong), ("Ann\u{7}", .notAllowed),
    ])
    func badNames(text: String, rule: InvalidField.Rule) {
        let found = check { FieldRules.name(text, "sessions[2].name", into: &$0) }
        #expect(found.fields == ["sessions[2].name"])
        #expect(found.map(\.rule) == [rule])
    }

    @Test func textAllowsLineBreaksAndTabsButNoOtherControlCharacters() {
        #expect(check { FieldRules.text("line one\nline two\r\n\tindented", "description", into: &$0) }.isEmpty)
        #expect(check { FieldRules.text("", "description", into: &$0) }.isEmpty)
        let control = check { FieldRules.text("bell\u{7}", "description", into: &$0) }
        #expect(control.fields == ["description"] && control.first?.rule == .notAllowed)
        let long = check { FieldRules.text(String(repeating: "x", count: 101), "address.street", maximum: 100, into: &$0) }
        #expect(long.fields == ["address.street"] && long.first?.rule == .tooLong)
        #expect(check { FieldRules.text(String(repeating: "x", count: 100), "address.street", maximum: 100, into: &$0) }.isEmpty)
    }

    // MARK: Slugs and labels

    @Test(arguments: ["a", "massage-60", "0-9", String(repeating: "a", count: 63)])
    func validSlugs(text: String) {
        #expect(check { FieldRules.slug(text, "slug", into: &$0) }.isEmpty)
    }

    @Test(arguments: [
        ("", InvalidField.Rule.required), (String(repeating: "a", count: 64), .tooLong),
        ("Massage", .malformed), ("a_b", .malformed), ("-ab", .malformed), ("ab-", .malformed), ("a b", .malformed), ("café", .malformed),
    ])
    func badSlugs(text: String, rule: InvalidField.Rule) {
        let found = check { FieldRules.slug(text, "slug", into: &$0) }
        #expect(found.fields == ["slug"])
        #expect(found.map(\.rule) == [rule])
    }

    @Test func labelIsOneToFortyLowercaseLettersDigitsAndDashes() {
        #expect(check { FieldRules.label("-tag-9-", "category", into: &$0) }.isEmpty)
        #expect(check { FieldRules.label(String(repeating: "a", count: 40), "category", into: &$0) }.isEmpty)
        for bad in ["", String(repeating: "a", count: 41), "Tag", "a_b", "a.b", "ü"] {
            let found = check { FieldRules.label(bad, "category", into: &$0) }
            #expect(found.fields == ["category"], "\(bad)")
            #expect(found.first?.rule == .malformed)
        }
    }

    @Test func labelsAreCheckedOneByOneAndEachListedOnce() {
        let found = check { FieldRules.labels(["ok", "Bad", "ok", "fine"], "tags", into: &$0) }
        #expect(found.fields == ["tags[1]", "tags[2]"])
        #expect(found.map(\.rule) == [.malformed, .conflict])
    }

    @Test func tooManyLabelsIsOneViolationOnTheList() {
        let tags = (0..<31).map { "t\($0)" }
        let found = check { FieldRules.labels(tags, "tags", into: &$0) }
        #expect(found.fields == ["tags"])
        #expect(found.first?.rule == .tooLong)
        #expect(check { FieldRules.labels(Array(tags.prefix(30)), "tags", into: &$0) }.isEmpty)
    }

    @Test func phrasesAreOneToHundredCharacters() {
        let found = check { FieldRules.phrases(["Wi-Fi", "  ", String(repeating: "p", count: 101), String(repeating: "p", count: 100)], "venue.amenities", into: &$0) }
        #expect(found.fields == ["venue.amenities[1]", "venue.amenities[2]"])
        let many = check { FieldRules.phrases(Array(repeating: "x", count: 51), "venue.amenities", into: &$0) }
        #expect(many.fields == ["venue.amenities"])
    }

    // MARK: Contact details and URLs

    @Test func emailIsRequiredOnlyWhenAsked() {
        #expect(check { FieldRules.email("", "email", required: false, into: &$0) }.isEmpty)
        #expect(check { FieldRules.email("ann@example.com", "email", required: true, into: &$0) }.isEmpty)
        let missing = check { FieldRules.email("", "provider.email", required: true, into: &$0) }
        #expect(missing.fields == ["provider.email"] && missing.first?.rule == .required)
        let malformed = check { FieldRules.email("ann.example.com", "provider.email", required: false, into: &$0) }
        #expect(malformed.fields == ["provider.email"] && malformed.first?.rule == .malformed)
    }

    @Test func phoneIsDigitsAndPunctuation() {
        #expect(check { FieldRules.phone("", "phone", required: false, into: &$0) }.isEmpty)
        #expect(check { FieldRules.phone("+44 (20) 7946-0958", "phone", required: true, into: &$0) }.isEmpty)
        #expect(check { FieldRules.phone("", "company_provider.phone", required: true, into: &$0) }.map(\.rule) == [.required])
        for bad in ["call me", "---", String(repeating: "1", count: 33)] {
            let found = check { FieldRules.phone(bad, "company_provider.phone", required: false, into: &$0) }
            #expect(found.fields == ["company_provider.phone"], "\(bad)")
            #expect(found.first?.rule == .malformed)
        }
    }

    @Test(arguments: ["https://example.com", "http://example.com/a?b=c", "HTTPS://EXAMPLE.COM/x"])
    func validURLs(text: String) {
        #expect(check { FieldRules.url(text, "website", required: true, into: &$0) }.isEmpty)
    }

    @Test(arguments: ["ftp://example.com/file", "example.com", "https://", "mailto:ann@example.com", "https://example.com/" + String(repeating: "a", count: 2000)])
    func badURLs(text: String) {
        let found = check { FieldRules.url(text, "digital.file_url", into: &$0) }
        #expect(found.fields == ["digital.file_url"])
        #expect(found.first?.rule == .malformed)
    }

    @Test func emptyURLIsFineUnlessRequired() {
        #expect(check { FieldRules.url("", "website", into: &$0) }.isEmpty)
        #expect(check { FieldRules.url("", "digital.file_url", required: true, into: &$0) }.map(\.rule) == [.required])
    }

    // MARK: Ids

    @Test func idIsAUUIDOrEmptyWhenOptional() {
        var found: [InvalidField] = []
        #expect(FieldRules.id("", "location_id", required: false, into: &found) == nil)
        #expect(found.isEmpty)
        #expect(FieldRules.id(Fixture.locationID.uppercased(), "location_id", required: true, into: &found) == UUID(uuidString: Fixture.locationID))
        #expect(found.isEmpty)
        #expect(FieldRules.id("", "location_id", required: true, into: &found) == nil)
        #expect(FieldRules.id("not-a-uuid", "other_id", required: false, into: &found) == nil)
        #expect(found.fields == ["location_id", "other_id"])
        #expect(found.map(\.rule) == [.required, .malformed])
    }

    @Test func idsAreEachAUUIDListedOnceIgnoringCase() {
        var found: [InvalidField] = []
        let ids = FieldRules.ids([Fixture.locationID, "nope", Fixture.locationID.uppercased(), Fixture.otherLocationID, ""], "location_ids", into: &found)
        #expect(ids == [UUID(uuidString: Fixture.locationID)!, UUID(uuidString: Fixture.otherLocationID)!])
        #expect(found.fields == ["location_ids[1]", "location_ids[2]", "location_ids[4]"])
        #expect(found.map(\.rule) == [.malformed, .conflict, .required])
    }

    @Test func tooManyIdsIsOneViolationOnTheList() {
        var found: [InvalidField] = []
        let ids = FieldRules.ids(Array(repeating: Fixture.locationID, count: 3), "technician_ids", maximum: 2, into: &found)
        #expect(ids.isEmpty)
        #expect(found.fields == ["technician_ids"])
        #expect(found.first?.rule == .tooLong)
    }

    @Test func withinNamesTheRange() {
        #expect(check { FieldRules.within(5, 1...5, "quantity", into: &$0) }.isEmpty)
        let found = check { FieldRules.within(0, 1...5, "quantity", unit: "days", into: &$0) }
        #expect(found.fields == ["quantity"])
        #expect(found.first?.description == "must be 1 to 5 days")
    }

    // MARK: Money

    @Test func moneyInTheCurrencyInForceIsValid() {
        #expect(check { FieldRules.money(Fixture.usd(0), "price", currency: "USD", required: true, into: &$0) }.isEmpty)
        #expect(check { FieldRules.money(Fixture.usd(1_999), "price", currency: "USD", required: true, into: &$0) }.isEmpty)
        #expect(check { FieldRules.money(nil, "cost_of_goods", currency: "USD", required: false, into: &$0) }.isEmpty)
    }

    @Test func missingRequiredMoneyIsRequired() {
        let found = check { FieldRules.money(nil, "price", currency: "USD", required: true, into: &$0) }
        #expect(found.fields == ["price"])
        #expect(found.first?.rule == .required)
    }

    @Test func negativeAmountIsRefused() {
        let found = check { FieldRules.money(Fixture.usd(-1), "price", currency: "USD", required: true, into: &$0) }
        #expect(found.fields == ["price.amount_minor"])
        #expect(found.first?.rule == .notAllowed)
    }

    @Test func anotherRealCurrencyConflictsWithTheCurrencyInForce() {
        let found = check { FieldRules.money(CatalogV1.Money(amountMinor: 100, currency: "EUR"), "pricing.base_price", currency: "USD", required: true, into: &$0) }
        #expect(found.fields == ["pricing.base_price.currency"])
        #expect(found.first?.rule == .conflict)
        #expect(found.first?.description == "must be USD, the currency in force (the location's, else the organization's)")
    }

    @Test(arguments: [("usd", InvalidField.Rule.unknown), ("XYZ", .unknown), ("US", .unknown), ("", .required)])
    func invalidCurrencyCodeIsReportedAsSuch(code: String, rule: InvalidField.Rule) {
        let found = check { FieldRules.money(CatalogV1.Money(amountMinor: 100, currency: code), "price", currency: "USD", required: true, into: &$0) }
        #expect(found.fields == ["price.currency"])
        #expect(found.map(\.rule) == [rule])
    }

    @Test func negativeAmountInTheWrongCurrencyReportsBoth() {
        let found = check { FieldRules.money(CatalogV1.Money(amountMinor: -5, currency: "GBP"), "price", currency: "EUR", required: false, into: &$0) }
        #expect(found.fields == ["price.amount_minor", "price.currency"])
    }

    // MARK: Enums

    @Test func knownEnumValues() {
        #expect(check { FieldRules.known(CatalogV1.BookableKind.venue, "kind", required: true, into: &$0) }.isEmpty)
        #expect(check { FieldRules.known(CatalogV1.BookableStatus.unspecified, "status", into: &$0) }.isEmpty)
        let unspecified = check { FieldRules.known(CatalogV1.BookableKind.unspecified, "kind", required: true, into: &$0) }
        #expect(unspecified.fields == ["kind"] && unspecified.first?.rule == .required)
        let unknown = check { FieldRules.known(CatalogV1.BookableStatus.unrecognized(42), "status", into: &$0) }
        #expect(unknown.fields == ["status"] && unknown.first?.rule == .unknown)
        #expect(unknown.first?.description == "42 is not a known value")
        let unknownRequired = check { FieldRules.known(CatalogV1.ServiceType.unrecognized(-3), "type", required: true, into: &$0) }
        #expect(unknownRequired.map(\.rule) == [.unknown])
    }

    @Test func nestedPrefixesEveryPath() {
        let found = [InvalidField(field: "name", rule: .required, description: "is required"),
                     InvalidField(field: "provider.email", rule: .malformed, description: "bad")]
        let nested = found.nested(under: "bookable")
        #expect(nested.fields == ["bookable.name", "bookable.provider.email"])
        #expect(nested.map(\.rule) == [.required, .malformed])
    }
}

@Suite struct CatalogEnumTests {
    @Test func columnValueDropsThePrefixAndLowercases() {
        #expect(CatalogV1.BookableKind.companyProvider.columnValue == "company_provider")
        #expect(CatalogV1.BookableKind.provider.columnValue == "provider")
        #expect(CatalogV1.BookableKind.unspecified.columnValue == "unspecified")
        #expect(CatalogV1.ServiceType.class.columnValue == "class")
        #expect(CatalogV1.ServiceType.multiDay.columnValue == "multi_day")
        #expect(CatalogV1.DurationType.multiDay.columnValue == "multi_day")
        #expect(CatalogV1.DayOfWeek.wednesday.columnValue == "wednesday")
        #expect(CatalogV1.FulfillmentType.digitalDelivery.columnValue == "digital_delivery")
        #expect(CatalogV1.EnrollmentType.dropIn.columnValue == "drop_in")
        #expect(CatalogV1.DispatchMethod.customerChoice.columnValue == "customer_choice")
        #expect(CatalogV1.CompensationRule.When.orgCancels.columnValue == "org_cancels")
        #expect(CatalogV1.ServiceTemplateStatus.archived.columnValue == "archived")
    }

    @Test func columnValueOfAnUnknownValueSaysSo() {
        #expect(CatalogV1.BookableKind.unrecognized(17).columnValue == "unknown_17")
        #expect(CatalogV1.LocationType.unrecognized(-2).columnValue == "unknown_-2")
    }

    @Test func columnValuesOfAnEnumAreDistinct() {
        let kinds: [CatalogV1.BookableKind] = [.unspecified, .provider, .asset, .venue, .companyProvider]
        #expect(Set(kinds.map(\.columnValue)).count == kinds.count)
        let types: [CatalogV1.AssetType] = [.unspecified, .vehicle, .equipment, .tool, .instrument]
        #expect(types.map(\.columnValue) == ["unspecified", "vehicle", "equipment", "tool", "instrument"])
    }
}
