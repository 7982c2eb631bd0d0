import BizingAPI
@testable import Catalog
import ContextKit
import Testing

private func violations(_ product: CatalogV1.Product) -> [InvalidField] {
    ProductRules.violations(product, context: Fixture.context)
}

@Suite struct ProductRulesTests {
    @Test func validProductsHaveNoViolations() {
        #expect(violations(Fixture.physicalProduct()) == [])
        #expect(violations(Fixture.digitalProduct()) == [])
        var pickUp = Fixture.physicalProduct()
        pickUp.fulfillment = .pickup
        pickUp.locationId = Fixture.locationID
        #expect(violations(pickUp) == [])
    }

    @Test func ownFieldsAreChecked() {
        var product = Fixture.physicalProduct()
        product.locationId = "shop"
        product.name = ""
        product.description = "\u{0}"
        product.tags = ["Oil"]
        product.status = .unrecognized(3)
        #expect(violations(product).fields == ["location_id", "name", "description", "tags[0]", "status"])
    }

    @Test(arguments: [("", InvalidField.Rule.required), ("has space", .malformed), ("ÜBER", .malformed),
                      (String(repeating: "S", count: 65), .malformed), ("a/b", .malformed)])
    func badSKUs(sku: String, rule: InvalidField.Rule) {
        var product = Fixture.physicalProduct()
        product.sku = sku
        let found = violations(product)
        #expect(found.fields == ["sku"])
        #expect(found.map(\.rule) == [rule])
    }

    @Test func skuOfSixtyFourAllowedCharactersIsFine() {
        var product = Fixture.physicalProduct()
        product.sku = String(repeating: "aZ9-_.", count: 11).prefix(64).description
        #expect(violations(product).isEmpty)
    }

    @Test func typeIsRequired() {
        var product = Fixture.physicalProduct()
        product.type = .unspecified
        #expect(violations(product).fields == ["type"])
        product.type = .unrecognized(5)
        #expect(violations(product).map(\.rule) == [.unknown])
    }

    @Test func physicalProductHasNoDigitalPartAndIsNotDeliveredDigitally() {
        var product = Fixture.physicalProduct()
        product.digital = CatalogV1.DigitalDetails(fileUrl: "https://example.com/f")
        product.fulfillment = .digitalDelivery
        let found = violations(product)
        #expect(found.fields == ["digital", "fulfillment"])
        #expect(found.map(\.rule) == [.notAllowed, .conflict])
    }

    @Test func digitalProductNeedsItsDigitalPart() {
        var product = Fixture.digitalProduct()
        product.digital = nil
        let found = violations(product)
        #expect(found.fields == ["digital"])
        #expect(found.first?.rule == .required)
    }

    @Test func digitalProductHasNoPhysicalPartNorStock() {
        var product = Fixture.digitalProduct()
        product.physical = CatalogV1.PhysicalDetails(weightGrams: 1)
        product.fulfillment = .shipping
        product.inventory = CatalogV1.Inventory(trackInventory: true, quantityOnHand: 5)
        #expect(violations(product).fields == ["physical", "fulfillment", "inventory.track_inventory"])
    }

    @Test func digitalProductMayLeaveFulfillmentUnspecified() {
        var product = Fixture.digitalProduct()
        product.fulfillment = .unspecified
        product.inventory = CatalogV1.Inventory(trackInventory: false)
        #expect(violations(product).isEmpty)
    }

    @Test func digitalDetails() {
        var product = Fixture.digitalProduct()
        product.digital = CatalogV1.DigitalDetails(fileUrl: "", downloadExpiryDays: 3_661)
        let found = violations(product)
        #expect(found.fields == ["digital.file_url", "digital.download_expiry_days"])
        #expect(found.map(\.rule) == [.required, .notAllowed])
        product.digital = CatalogV1.DigitalDetails(fileUrl: "s3://bucket/guide.pdf", downloadExpiryDays: 3_660)
        #expect(violations(product).fields == ["digital.file_url"])
    }

    @Test func unknownFulfillment() {
        var product = Fixture.physicalProduct()
        product.fulfillment = .unrecognized(9)
        #expect(violations(product).fields == ["fulfillment"])
        #expect(violations(product).map(\.rule) == [.unknown])
    }

    @Test(arguments: [(UInt32(10), UInt32(10), true), (0, 0, true), (10, 11, false)])
    func reservedStockCannotExceedStockOnHand(onHand: UInt32, reserved: UInt32, valid: Bool) {
        var product = Fixture.physicalProduct()
        product.inventory = CatalogV1.Inventory(trackInventory: true, quantityOnHand: onHand, quantityReserved: reserved)
        #expect(violations(product).fields == (valid ? [] : ["inventory.quantity_reserved"]))
    }

    @Test func priceIsRequiredAndCostOfGoodsOptional() {
        var product = Fixture.physicalProduct()
        product.price = nil
        product.costOfGoods = nil
        #expect(violations(product).fields == ["price"])
    }

    @Test func pricesAreInTheCurrencyInForceAndNotNegative() {
        var product = Fixture.physicalProduct()
        product.price = Fixture.usd(-1)
        product.costOfGoods = CatalogV1.Money(amountMinor: 400, currency: "JPY")
        let found = violations(product)
        #expect(found.fields == ["price.amount_minor", "cost_of_goods.currency"])
        #expect(found.map(\.rule) == [.notAllowed, .conflict])
    }
}

private func violations(_ package: CatalogV1.ServicePackage) -> [InvalidField] {
    PackageRules.violations(package, context: Fixture.context)
}

@Suite struct PackageRulesTests {
    @Test func validPackageHasNoViolations() {
        #expect(violations(Fixture.package()) == [])
    }

    @Test func ownFieldsAreChecked() {
        var package = Fixture.package()
        package.slug = ""
        package.name = String(repeating: "n", count: 201)
        package.status = .unrecognized(4)
        package.totalPrice = nil
        package.useWithinDays = 0
        let found = violations(package)
        #expect(found.fields == ["slug", "name", "status", "total_price", "use_within_days"])
        #expect(found.map(\.rule) == [.required, .tooLong, .unknown, .required, .notAllowed])
    }

    @Test func totalPriceIsInTheCurrencyInForce() {
        var package = Fixture.package()
        package.totalPrice = CatalogV1.Money(amountMinor: 40_000, currency: "EUR")
        package.useWithinDays = 3_661
        #expect(violations(package).fields == ["total_price.currency", "use_within_days"])
    }

    @Test func packageNeedsAnItem() {
        var package = Fixture.package()
        package.items = []
        let found = violations(package)
        #expect(found.fields == ["items"])
        #expect(found.first?.rule == .required)
    }

    @Test func atMostFiftyItemsAndOnlyTheFirstFiftyExamined() {
        var package = Fixture.package()
        package.items = Array(repeating: package.items[0], count: 50)
        #expect(violations(package).isEmpty)
        package.items.append(CatalogV1.PackageItem())
        let found = violations(package)
        #expect(found.fields == ["items"])
        #expect(found.first?.rule == .tooLong)
    }

    @Test func itemsAreChecked() {
        var package = Fixture.package()
        package.items.append(CatalogV1.PackageItem(serviceTemplateId: "", quantity: 0,
                                                   allowedLocationIds: [Fixture.locationID, Fixture.locationID]))
        package.items.append(CatalogV1.PackageItem(serviceTemplateId: "massage", quantity: 1_001))
        #expect(violations(package).fields == [
            "items[1].service_template_id", "items[1].quantity", "items[1].allowed_location_ids[1]",
            "items[2].service_template_id", "items[2].quantity",
        ])
    }

    @Test func excludedDatesMustExist() {
        var package = Fixture.package()
        package.items[0].excludedDates = ["2024-02-29", "2025-02-29", "2025/12/25", "2025-12-25", "25-12-25"]
        let found = violations(package)
        #expect(found.fields == ["items[0].excluded_dates[1]", "items[0].excluded_dates[2]", "items[0].excluded_dates[4]"])
        #expect(found.allSatisfy { $0.rule == .malformed })
    }

    @Test func atMost366ExcludedDates() {
        var package = Fixture.package()
        package.items[0].excludedDates = Array(repeating: "2026-01-01", count: 367)
        #expect(violations(package).fields == ["items[0].excluded_dates"])
    }
}

private func violations(_ program: CatalogV1.ProgramTemplate) -> [InvalidField] {
    ProgramRules.violations(program, context: Fixture.context)
}

@Suite struct ProgramRulesTests {
    @Test func validProgramHasNoViolations() {
        #expect(violations(Fixture.program()) == [])
        var dropIns = Fixture.program()
        dropIns.enrollmentType = .both
        dropIns.sessions[1].allowDropIn = true
        dropIns.dropInPrice = Fixture.usd(4_500)
        #expect(violations(dropIns) == [])
    }

    @Test func ownFieldsAreChecked() {
        var program = Fixture.program()
        program.slug = "Yoga!"
        program.name = ""
        program.description = String(repeating: "d", count: 5_001)
        program.status = .unrecognized(6)
        program.enrollmentType = .unrecognized(6)
        program.fullProgramPrice = nil
        let found = violations(program)
        #expect(found.fields == ["slug", "name", "description", "status", "enrollment_type", "full_program_price"])
        #expect(found.map(\.rule) == [.malformed, .required, .tooLong, .unknown, .unknown, .required])
    }

    @Test func programNeedsSessions() {
        var program = Fixture.program()
        program.sessions = []
        program.minAttendanceRequired = 0
        let found = violations(program)
        #expect(found.fields == ["sessions"])
        #expect(found.first?.rule == .required)
    }

    @Test func atMostTwoHundredSessions() {
        var program = Fixture.program()
        program.sessions = (1...201).map { Fixture.session(UInt32($0), day: UInt32($0)) }
        #expect(violations(program).fields == ["sessions"])
        program.sessions.removeLast()
        #expect(violations(program).isEmpty)
    }

    @Test(arguments: [
        ([UInt32(1), 2, 3], [String]()),
        ([1, 3, 2], ["sessions[1].sequence_number", "sessions[2].sequence_number"]),
        ([0, 1, 2], ["sessions[0].sequence_number", "sessions[1].sequence_number", "sessions[2].sequence_number"]),
        ([1, 2, 2], ["sessions[2].sequence_number"]),
    ])
    func sessionsAreNumberedOneToN(numbers: [UInt32], fields: [String]) {
        var program = Fixture.program()
        program.sessions = numbers.enumerated().map { Fixture.session($0.element, day: UInt32($0.offset)) }
        #expect(violations(program).fields == fields)
    }

    @Test(arguments: [
        ([UInt32(0), 0, 0], [String]()),
        ([0, 7, 3], ["sessions[2].days_after_start"]),
        ([5, 4, 6], ["sessions[1].days_after_start"]),
        ([0, 3_660, 3_660], []),
        ([0, 3_661, 3_661], ["sessions[1].days_after_start", "sessions[2].days_after_start"]),
    ])
    func daysAfterStartNeverDecrease(days: [UInt32], fields: [String]) {
        var program = Fixture.program()
        program.sessions = days.enumerated().map { Fixture.session(UInt32($0.offset + 1), day: $0.element) }
        #expect(violations(program).fields == fields)
    }

    @Test func sessionNameAndTemplate() {
        var program = Fixture.program()
        program.sessions[0].name = "  "
        program.sessions[2].serviceTemplateId = ""
        program.sessions[1].serviceTemplateId = "yoga"
        #expect(violations(program).fields == ["sessions[0].name", "sessions[1].service_template_id", "sessions[2].service_template_id"])
    }

    @Test func fullOnlyProgramTakesNoDropIns() {
        var program = Fixture.program()
        program.sessions[2].allowDropIn = true
        program.dropInPrice = Fixture.usd(4_000)
        let found = violations(program)
        #expect(found.fields == ["sessions[2].allow_drop_in", "drop_in_price"])
        #expect(found.map(\.rule) == [.conflict, .notAllowed])
    }

    @Test(arguments: [CatalogV1.EnrollmentType.dropIn, .both])
    func dropInPriceIsRequiredForDropIns(type: CatalogV1.EnrollmentType) {
        var program = Fixture.program()
        program.enrollmentType = type
        let found = violations(program)
        #expect(found.fields == ["drop_in_price"])
        #expect(found.first?.rule == .required)
        program.dropInPrice = CatalogV1.Money(amountMinor: 100, currency: "EUR")
        #expect(violations(program).fields == ["drop_in_price.currency"])
    }

    @Test func unspecifiedEnrollmentHasNoDropInPrice() {
        var program = Fixture.program()
        program.enrollmentType = .unspecified
        #expect(violations(program).isEmpty)
        program.dropInPrice = Fixture.usd(100)
        #expect(violations(program).fields == ["drop_in_price"])
    }

    @Test(arguments: [(UInt32(0), true), (3, true), (4, false)])
    func minimumAttendanceAtMostTheSessions(minimum: UInt32, valid: Bool) {
        var program = Fixture.program()
        program.minAttendanceRequired = minimum
        #expect(violations(program).fields == (valid ? [] : ["min_attendance_required"]))
    }

    static let statuses: [CatalogV1.ProgramStatus] = [.unspecified, .draft, .active, .archived]
    static let allowed: Set<String> = ["draft>draft", "active>active", "archived>archived", "draft>active", "draft>archived", "active>archived"]

    @Test(arguments: statuses, statuses)
    func statusTransitions(from: CatalogV1.ProgramStatus, to: CatalogV1.ProgramStatus) {
        #expect(ProgramRules.allows(from: from, to: to) == Self.allowed.contains("\(from.columnValue)>\(to.columnValue)"))
    }
}

@Suite struct CalendarDateTests {
    @Test(arguments: ["2024-02-29", "2000-02-29", "1900-01-01", "2999-12-31", "2025-04-30", "2025-01-31", "1900-02-28"])
    func existingDates(text: String) {
        #expect(CalendarDate(text) != nil)
    }

    @Test func partsAreRead() {
        let date = CalendarDate("2028-02-29")
        #expect(date?.year == 2028 && date?.month == 2 && date?.day == 29)
    }

    @Test(arguments: [
        "2023-02-29", "1900-02-29", "2100-02-29", "2025-02-30", "2025-04-31", "2025-06-31", "2025-01-32",
        "2025-13-01", "2025-00-10", "2025-01-00", "1899-12-31", "3000-01-01",
        "", "2025-1-01", "2025-01-1", "25-01-01", "2025/01/01", "2025-01-01T00:00", "2025-01-01-", "20250101", "２０２５-01-01", "2025- 1-01",
    ])
    func impossibleOrMalformedDates(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test(arguments: ["2025-+1-05", "2025-01-+5", "2025-+1-+5"])
    func signedPartsAreRefused(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test func datesAreOrderedByYearMonthDay() {
        let dates = ["2025-01-10", "2024-12-31", "2025-02-01", "2025-01-09"].compactMap(CalendarDate.init)
        #expect(dates.sorted().map { "\($0.year)-\($0.month)-\($0.day)" } == ["2024-12-31", "2025-1-9", "2025-1-10", "2025-2-1"])
        #expect(CalendarDate("2025-03-01") == CalendarDate("2025-03-01"))
    }
}
