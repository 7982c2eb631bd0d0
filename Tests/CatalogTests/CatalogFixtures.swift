import BizingAPI
@testable import Catalog
import ContextKit
import Foundation

/// Valid catalog objects for the rule tests: each test breaks one thing.
enum Fixture {
    /// 2025-06-15 14:40:00 UTC, the "now" of every rule test.
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let context = RuleContext(currency: "USD", now: now)

    static let locationID = "6f1c1f2e-8a51-4d2b-9c3e-0d6a3a1b2c01"
    static let otherLocationID = "6f1c1f2e-8a51-4d2b-9c3e-0d6a3a1b2c02"
    static let userID = "0b9a8c7d-1e2f-4a5b-8c6d-7e8f9a0b1c2d"
    static let householdID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    static let templateID = "2b3c4d5e-6f70-4a8b-9cad-1e2f3a4b5c6d"
    static let otherTemplateID = "2b3c4d5e-6f70-4a8b-9cad-1e2f3a4b5c6e"
    static let productID = "3c4d5e6f-7081-4b9c-8dbe-2f3a4b5c6d7e"
    static let otherProductID = "3c4d5e6f-7081-4b9c-8dbe-2f3a4b5c6d7f"
    static let bookableID = "4d5e6f70-8192-4cad-9ecf-3a4b5c6d7e8f"

    static func usd(_ minor: Int64) -> CatalogV1.Money { CatalogV1.Money(amountMinor: minor, currency: "USD") }

    static func days(_ count: Double) -> TimeInterval { count * 86_400 }

    static func hours(_ day: CatalogV1.DayOfWeek, _ ranges: [(String, String)]) -> CatalogV1.DayHours {
        CatalogV1.DayHours(day: day, ranges: ranges.map { CatalogV1.TimeRange(start: $0.0, end: $0.1) })
    }

    // MARK: Locations

    static func physicalLocation() -> CatalogV1.Location {
        CatalogV1.Location(
            slug: "downtown", name: "Downtown Studio", type: .physical,
            address: CatalogV1.Address(street: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US",
                                       coordinates: CatalogV1.Coordinates(latitude: 39.8, longitude: -89.6)),
            timeZone: "America/Chicago",
            operatingHours: CatalogV1.WeeklyHours(days: [hours(.monday, [("09:00", "17:00")]), hours(.saturday, [("10:00", "14:00")])]),
            status: .active)
    }

    static func mobileLocation() -> CatalogV1.Location {
        CatalogV1.Location(
            slug: "on-the-road", name: "Mobile Unit", type: .mobile, timeZone: "Europe/Paris",
            serviceArea: CatalogV1.ServiceArea(radiusMiles: 25, center: CatalogV1.Coordinates(latitude: 48.85, longitude: 2.35)),
            status: .active)
    }

    static func virtualLocation() -> CatalogV1.Location {
        CatalogV1.Location(slug: "online", name: "Online", type: .virtual, timeZone: "UTC", status: .active)
    }

    // MARK: Bookables

    static func providerDetails() -> CatalogV1.ProviderDetails {
        CatalogV1.ProviderDetails(
            userId: userID, email: "ann@example.com", phone: "+1 (555) 010-0000", bio: "Ten years of practice.",
            specialties: ["Deep tissue"], languages: ["en", "fr-CA"], locationIds: [locationID],
            travelRadiusMiles: 10, maxDailyBookings: 8, minRestMinutes: 15,
            certifications: [CatalogV1.Certification(
                type: "Licensed massage therapist", issuedBy: "State board",
                issuedAt: now - days(365), expiresAt: now + days(365), documentUrl: "https://example.com/license.pdf")],
            paymentProfile: CatalogV1.PaymentProfile(hourlyRate: usd(4_000), commissionBasisPoints: 2_500),
            rating: 4.5)
    }

    static func assetDetails() -> CatalogV1.AssetDetails {
        CatalogV1.AssetDetails(
            assetType: .vehicle, serialNumber: "SN-1", inventoryNumber: "INV-7", specifications: ["seats": "7"],
            maintenanceEveryHours: 500, maintenanceEveryDays: 180,
            lastServicedAt: now - days(30), nextServiceDue: now + days(150))
    }

    static func venueDetails() -> CatalogV1.VenueDetails {
        CatalogV1.VenueDetails(capacityMin: 2, capacityMax: 40, squareFootage: 900, amenities: ["Projector"],
                               allowSimultaneousBookings: false, maxSimultaneousBookings: 0, setupMinutes: 15, teardownMinutes: 15)
    }

    static func companyDetails() -> CatalogV1.CompanyProviderDetails {
        CatalogV1.CompanyProviderDetails(
            householdId: householdID, email: "dispatch@acme.example", phone: "555-0100", website: "https://acme.example",
            technicianIds: [userID], dispatchMethod: .autoAssign, serviceRadiusMiles: 30,
            businessHours: CatalogV1.WeeklyHours(days: [hours(.tuesday, [("08:00", "12:00"), ("13:00", "18:00")])]))
    }

    /// A valid bookable of `kind`, with exactly the part that kind needs.
    static func bookable(_ kind: CatalogV1.BookableKind) -> CatalogV1.Bookable {
        var bookable = CatalogV1.Bookable(
            locationId: locationID, kind: kind, name: "Bookable", description: "Something to book.", slug: "bookable",
            category: "wellness", tags: ["popular", "indoor"], status: .active)
        switch kind {
        case .provider: bookable.provider = providerDetails()
        case .asset: bookable.asset = assetDetails()
        case .venue: bookable.venue = venueDetails()
        case .companyProvider: bookable.companyProvider = companyDetails()
        case .unspecified, .unrecognized: break
        }
        return bookable
    }

    // MARK: Service templates

    static func fixedDuration(_ minutes: UInt32 = 60) -> CatalogV1.ServiceDuration {
        CatalogV1.ServiceDuration(type: .fixed, fixedMinutes: minutes, preBufferMinutes: 5, postBufferMinutes: 10)
    }

    static func requirement() -> CatalogV1.BookableRequirement {
        CatalogV1.BookableRequirement(kind: .provider, criteria: CatalogV1.BookableCriteria(categories: ["wellness"], tags: ["senior"], minRating: 4),
                                      count: 1, role: .primary)
    }

    /// A valid 60-minute appointment with one provider, priced in USD.
    static func template() -> CatalogV1.ServiceTemplate {
        CatalogV1.ServiceTemplate(
            locationId: locationID, name: "Massage", description: "An hour of massage.", slug: "massage-60",
            category: "wellness", tags: ["relax"], type: .appointment, duration: fixedDuration(),
            requiredBookables: [requirement()],
            optionalBookables: [CatalogV1.BookableRequirement(kind: .venue, bookableId: bookableID, count: 1)],
            capacity: CatalogV1.Capacity(type: .individual),
            pricing: CatalogV1.Pricing(
                basePrice: usd(9_000), hourlyRate: usd(9_000),
                timeMultipliers: [CatalogV1.TimeMultiplier(timeRange: CatalogV1.TimeRange(start: "18:00", end: "22:00"),
                                                           days: [.friday, .saturday], multiplierBasisPoints: 12_500)],
                holidayMultiplierBasisPoints: 15_000),
            cancellation: CatalogV1.CancellationTerms(
                policy: IdentityV1.CancellationPolicy(
                    allowClientCancellation: true,
                    refundTiers: [IdentityV1.RefundTier(minHoursBefore: 48, refundPercent: 100),
                                  IdentityV1.RefundTier(minHoursBefore: 24, refundPercent: 50)],
                    noShow: IdentityV1.NoShowPolicy(gracePeriodMinutes: 15, chargePercent: 100)),
                providerCompensation: [CatalogV1.CompensationRule(when: .clientCancels, noticeHours: 24, compensationPercent: 50)],
                noShowProviderCompensationPercent: 100),
            deposit: CatalogV1.Deposit(required: true, percent: 20),
            includedProducts: [CatalogV1.IncludedProduct(productId: productID, quantity: 1, timing: .after)],
            reservation: CatalogV1.ReservationSettings(enabled: true, holdMinutes: 10, maxHoldMinutes: 30, requireDeposit: true),
            status: .draft)
    }

    /// A valid class: group capacity of 4 to 12.
    static func classTemplate() -> CatalogV1.ServiceTemplate {
        var template = template()
        template.type = .class
        template.capacity = CatalogV1.Capacity(type: .group, group: CatalogV1.GroupCapacity(minParticipants: 4, maxParticipants: 12))
        return template
    }

    // MARK: Products, packages, programs

    static func physicalProduct() -> CatalogV1.Product {
        CatalogV1.Product(
            name: "Massage oil", description: "Lavender.", sku: "OIL-lav_250.ml", type: .physical,
            physical: CatalogV1.PhysicalDetails(weightGrams: 250, requiresShipping: true),
            inventory: CatalogV1.Inventory(trackInventory: true, quantityOnHand: 10, quantityReserved: 2, reorderPoint: 3),
            price: usd(1_500), costOfGoods: usd(400), fulfillment: .shipping, status: .active, tags: ["oil"])
    }

    static func digitalProduct() -> CatalogV1.Product {
        CatalogV1.Product(
            name: "Stretching guide", sku: "GUIDE-1", type: .digital,
            digital: CatalogV1.DigitalDetails(fileUrl: "https://cdn.example.com/guide.pdf", downloadLimit: 3, downloadExpiryDays: 30),
            price: usd(900), fulfillment: .digitalDelivery, status: .active)
    }

    static func package() -> CatalogV1.ServicePackage {
        CatalogV1.ServicePackage(
            slug: "five-massages", name: "Five massages",
            items: [CatalogV1.PackageItem(serviceTemplateId: templateID, quantity: 5, allowedLocationIds: [locationID],
                                          excludedDates: ["2025-12-25", "2028-02-29"])],
            totalPrice: usd(40_000), originalValue: usd(45_000), useWithinDays: 365, status: .active)
    }

    static func session(_ number: UInt32, day: UInt32, dropIn: Bool = false) -> CatalogV1.ProgramSession {
        CatalogV1.ProgramSession(sequenceNumber: number, name: "Week \(number)", serviceTemplateId: templateID,
                                 daysAfterStart: day, allowDropIn: dropIn)
    }

    /// A valid three-session program taking full enrollments only.
    static func program() -> CatalogV1.ProgramTemplate {
        CatalogV1.ProgramTemplate(
            slug: "yoga-basics", name: "Yoga basics",
            sessions: [session(1, day: 0), session(2, day: 7), session(3, day: 7)],
            enrollmentType: .fullOnly, fullProgramPrice: usd(12_000), minAttendanceRequired: 2, status: .draft)
    }
}

extension [InvalidField] {
    /// The paths of the violations, in order.
    var fields: [String] { map(\.field) }
}
