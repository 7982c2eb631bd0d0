import BizingAPI
import Catalog
import Foundation
import Identity

/// The demo spa's catalog: two locations, providers, rooms, a sauna, a
/// company of mobile stylists, appointment, class, rental and multi-hour
/// templates, products, a package and a program. Made through
/// `CatalogProvisioning`, so every object passes the API's rules.
struct DemoCatalog {
    let catalog: CatalogProvisioning
    let organizationID: UUID
    let now: Date

    typealias C = CatalogV1

    /// The two locations, made first: the demo manager's scope names one.
    func locations() async throws -> (downtown: C.Location, riverside: C.Location) {
        let weekdays: [C.DayOfWeek] = [.monday, .tuesday, .wednesday, .thursday, .friday]
        func hours(_ days: [C.DayOfWeek], _ start: String, _ end: String) -> [C.DayHours] {
            days.map { C.DayHours(day: $0, ranges: [C.TimeRange(start: start, end: end)]) }
        }
        let downtown = try await catalog.location(C.Location(
            slug: "downtown", name: "Serenity Downtown", type: .physical,
            address: C.Address(street: "120 Main Street", city: "New York", region: "NY", postalCode: "10001", country: "US",
                               coordinates: C.Coordinates(latitude: 40.7506, longitude: -73.9972)),
            timeZone: "America/New_York",
            operatingHours: C.WeeklyHours(days: hours(weekdays, "09:00", "20:00") + hours([.saturday], "09:00", "18:00") + hours([.sunday], "10:00", "16:00"))),
            organizationID: organizationID)
        // Riverside keeps a stricter cancellation policy than the spa's default.
        let riverside = try await catalog.location(C.Location(
            slug: "riverside", name: "Serenity Riverside Studio", type: .physical,
            address: C.Address(street: "8 River Road", city: "Hoboken", region: "NJ", postalCode: "07030", country: "US"),
            timeZone: "America/New_York",
            operatingHours: C.WeeklyHours(days: hours(weekdays + [.saturday], "07:00", "21:00")),
            configOverride: C.ConfigOverride(cancellationPolicy: IdentityV1.CancellationPolicy(
                allowClientCancellation: true,
                refundTiers: [IdentityV1.RefundTier(minHoursBefore: 48, refundPercent: 100), IdentityV1.RefundTier(minHoursBefore: 12, refundPercent: 50)],
                noShow: IdentityV1.NoShowPolicy(gracePeriodMinutes: 10, chargePercent: 100)))),
            organizationID: organizationID)
        return (downtown, riverside)
    }

    /// Everything else, once the people exist: `providerUserID` is the demo
    /// provider's account; `stylists` a company household and its joined members.
    /// The bookables whose calendars the demo fills in (`DemoScheduling`).
    struct Seeded {
        let priya: C.Bookable
        let marco: C.Bookable
        let lena: C.Bookable
        let rooms: [C.Bookable]
        let sauna: C.Bookable
        let massage: C.ServiceTemplate
        let yoga: C.ServiceTemplate
        let riverside: C.Location
    }

    @discardableResult
    func seed(downtown: C.Location, riverside: C.Location, providerUserID: UUID, stylists: (household: UUID, members: [UUID])) async throws -> Seeded {
        let day: TimeInterval = 86_400
        func usd(_ cents: Int64) -> C.Money { C.Money(amountMinor: cents, currency: "USD") }

        // People who provide services.
        let priya = try await catalog.bookable(C.Bookable(
            locationId: downtown.id, kind: .provider, name: "Priya Patel", description: "Licensed massage therapist, ten years of deep-tissue and prenatal work.",
            slug: "priya-patel", category: "massage", tags: ["massage", "deep-tissue", "prenatal"],
            provider: C.ProviderDetails(
                userId: providerUserID.uuidString.lowercased(), email: "provider@demo.bizing.dev", phone: "+1 212 555 0142",
                bio: "Swedish, deep-tissue and prenatal massage.", specialties: ["Deep tissue", "Prenatal"], languages: ["en", "hi"],
                locationIds: [downtown.id, riverside.id], maxDailyBookings: 6, minRestMinutes: 15,
                certifications: [
                    C.Certification(type: "Licensed Massage Therapist", issuedBy: "NY State Education Department",
                                    issuedAt: now.addingTimeInterval(-6 * 365 * day), expiresAt: now.addingTimeInterval(400 * day), verified: true),
                    // Lapsed: kept and flagged `expired` on every read.
                    C.Certification(type: "CPR", issuedBy: "American Red Cross",
                                    issuedAt: now.addingTimeInterval(-3 * 365 * day), expiresAt: now.addingTimeInterval(-30 * day), verified: true),
                ],
                paymentProfile: C.PaymentProfile(commissionBasisPoints: 6000), rating: 4.9, reviewCount: 212)),
            organizationID: organizationID)
        let esthetician = try await catalog.bookable(C.Bookable(
            locationId: downtown.id, kind: .provider, name: "Marco Rossi", description: "Esthetician: facials and skin care.",
            slug: "marco-rossi", category: "skin-care", tags: ["facial", "skin-care"],
            provider: C.ProviderDetails(
                email: "marco.rossi@demo.bizing.dev", specialties: ["Facials", "Peels"], languages: ["en", "it"], maxDailyBookings: 8, minRestMinutes: 10,
                paymentProfile: C.PaymentProfile(hourlyRate: usd(3200)), rating: 4.7, reviewCount: 98)),
            organizationID: organizationID)
        let lena = try await catalog.bookable(C.Bookable(
            locationId: riverside.id, kind: .provider, name: "Lena Park", description: "Yoga teacher (E-RYT 500).",
            slug: "lena-park", category: "yoga", tags: ["yoga", "vinyasa"],
            provider: C.ProviderDetails(email: "lena.park@demo.bizing.dev", specialties: ["Vinyasa", "Yin"], languages: ["en", "ko"], minRestMinutes: 0,
                                        rating: 4.8, reviewCount: 57)),
            organizationID: organizationID)

        // Rooms and a studio.
        var rooms: [C.Bookable] = []
        for number in 1...2 {
            rooms.append(try await catalog.bookable(C.Bookable(
                locationId: downtown.id, kind: .venue, name: "Treatment Room \(number)", slug: "treatment-room-\(number)",
                category: "treatment-room", tags: ["treatment-room", "massage-table"],
                venue: C.VenueDetails(capacityMin: 1, capacityMax: 2, squareFootage: 140, amenities: ["Heated table", "Shower"],
                                      setupMinutes: 5, teardownMinutes: 10)),
                organizationID: organizationID))
        }
        _ = try await catalog.bookable(C.Bookable(
            locationId: riverside.id, kind: .venue, name: "Yoga Studio", slug: "yoga-studio", category: "studio", tags: ["yoga"],
            venue: C.VenueDetails(capacityMin: 1, capacityMax: 20, squareFootage: 900, amenities: ["Mats", "Blocks", "Sound system"],
                                  setupMinutes: 10, teardownMinutes: 10)),
            organizationID: organizationID)

        // A rentable asset.
        let saunaPod = try await catalog.bookable(C.Bookable(
            locationId: downtown.id, kind: .asset, name: "Infrared Sauna Pod", slug: "infrared-sauna", category: "sauna", tags: ["sauna", "infrared"],
            asset: C.AssetDetails(assetType: .equipment, serialNumber: "IR-2291-A", inventoryNumber: "SPA-0007",
                                  specifications: ["capacity": "1 person", "max_temperature": "65 C"],
                                  maintenanceEveryDays: 30, lastServicedAt: now.addingTimeInterval(-10 * day), nextServiceDue: now.addingTimeInterval(20 * day))),
            organizationID: organizationID)

        // A company provider: a team of mobile stylists, dispatched automatically.
        let stylingCompany = try await catalog.bookable(C.Bookable(
            locationId: downtown.id, kind: .companyProvider, name: "Bloom Bridal Beauty Co.", description: "Hair and make-up teams for wedding parties.",
            slug: "bloom-bridal-beauty", category: "styling", tags: ["bridal", "hair", "make-up"],
            companyProvider: C.CompanyProviderDetails(
                householdId: stylists.household.uuidString.lowercased(), email: "bookings@bloom.demo.bizing.dev", phone: "+1 212 555 0199",
                website: "https://bloom.demo.bizing.dev", technicianIds: stylists.members.map { $0.uuidString.lowercased() },
                dispatchMethod: .autoAssign, serviceRadiusMiles: 30,
                businessHours: C.WeeklyHours(days: [C.DayOfWeek.friday, .saturday, .sunday].map {
                    C.DayHours(day: $0, ranges: [C.TimeRange(start: "06:00", end: "14:00")])
                }))),
            organizationID: organizationID)

        // Products.
        let oil = try await catalog.product(C.Product(
            name: "Lavender Massage Oil", description: "Cold-pressed, 100 ml.", sku: "OIL-LAV-100", type: .physical,
            physical: C.PhysicalDetails(weightGrams: 140, requiresShipping: false), inventory: C.Inventory(trackInventory: true, quantityOnHand: 40, reorderPoint: 10),
            price: usd(1800), costOfGoods: usd(600), fulfillment: .pickup, tags: ["massage", "aromatherapy"]),
            organizationID: organizationID)
        _ = try await catalog.product(C.Product(
            name: "Hydrating Face Mask", sku: "MASK-HYD-01", type: .physical, physical: C.PhysicalDetails(weightGrams: 60),
            inventory: C.Inventory(trackInventory: true, quantityOnHand: 25, reorderPoint: 5), price: usd(2400), tags: ["skin-care"]),
            organizationID: organizationID)
        _ = try await catalog.product(C.Product(
            locationId: riverside.id, name: "Cork Yoga Mat", sku: "MAT-CORK", type: .physical, physical: C.PhysicalDetails(weightGrams: 2200),
            inventory: C.Inventory(trackInventory: true, quantityOnHand: 12), price: usd(6800), tags: ["yoga"]),
            organizationID: organizationID)
        _ = try await catalog.product(C.Product(
            name: "Guided Relaxation Audio", sku: "AUDIO-RELAX", type: .digital,
            digital: C.DigitalDetails(fileUrl: "https://downloads.demo.bizing.dev/relaxation.mp3", downloadLimit: 5, downloadExpiryDays: 30),
            price: usd(900), tags: ["audio"]),
            organizationID: organizationID)

        // Templates, then activated.
        let standardTerms = C.CancellationTerms(
            providerCompensation: [C.CompensationRule(when: .clientCancels, noticeHours: 12, compensationPercent: 50)],
            noShowProviderCompensationPercent: 50)
        let massage = try await catalog.serviceTemplate(C.ServiceTemplate(
            name: "Swedish Massage (60 min)", description: "Full-body relaxation massage.", slug: "swedish-massage-60", category: "massage",
            tags: ["massage", "relaxation"], type: .appointment,
            duration: C.ServiceDuration(type: .fixed, fixedMinutes: 60, postBufferMinutes: 15),
            requiredBookables: [
                C.BookableRequirement(kind: .provider, criteria: C.BookableCriteria(tags: ["massage"]), count: 1, role: .primary, allowSubstitution: true),
                C.BookableRequirement(kind: .venue, criteria: C.BookableCriteria(categories: ["treatment-room"]), count: 1, allowSubstitution: true),
            ],
            capacity: C.Capacity(type: .individual), pricing: C.Pricing(
                basePrice: usd(9500),
                timeMultipliers: [C.TimeMultiplier(timeRange: C.TimeRange(start: "17:00", end: "20:00"),
                                                   days: [.monday, .tuesday, .wednesday, .thursday, .friday], multiplierBasisPoints: 12000)]),
            cancellation: standardTerms, deposit: C.Deposit(required: true, percent: 20, refundable: true),
            includedProducts: [C.IncludedProduct(productId: oil.id, quantity: 1, timing: .during)],
            reservation: C.ReservationSettings(enabled: true, holdMinutes: 10, maxHoldMinutes: 20)),
            organizationID: organizationID)
        let facial = try await catalog.serviceTemplate(C.ServiceTemplate(
            locationId: downtown.id, name: "Signature Facial (75 min)", slug: "signature-facial", category: "skin-care", tags: ["facial"], type: .appointment,
            duration: C.ServiceDuration(type: .fixed, fixedMinutes: 75, preBufferMinutes: 5, postBufferMinutes: 10),
            requiredBookables: [
                C.BookableRequirement(kind: .provider, bookableId: esthetician.id, count: 1),
                C.BookableRequirement(kind: .venue, criteria: C.BookableCriteria(categories: ["treatment-room"]), count: 1, allowSubstitution: true),
            ],
            pricing: C.Pricing(basePrice: usd(12000)), reservation: C.ReservationSettings(enabled: true, holdMinutes: 10)),
            organizationID: organizationID)
        let yoga = try await catalog.serviceTemplate(C.ServiceTemplate(
            locationId: riverside.id, name: "Vinyasa Flow Class", slug: "vinyasa-flow", category: "yoga", tags: ["yoga", "class"], type: .class,
            duration: C.ServiceDuration(type: .fixed, fixedMinutes: 60, postBufferMinutes: 15),
            requiredBookables: [
                C.BookableRequirement(kind: .provider, criteria: C.BookableCriteria(tags: ["yoga"]), count: 1),
                C.BookableRequirement(kind: .venue, criteria: C.BookableCriteria(tags: ["yoga"]), count: 1),
            ],
            capacity: C.Capacity(type: .group, group: C.GroupCapacity(minParticipants: 3, maxParticipants: 18, autoCancelIfUnderMin: true, enableWaitlist: true)),
            pricing: C.Pricing(basePrice: usd(2500)), reservation: C.ReservationSettings(enabled: true, holdMinutes: 10, maxHoldMinutes: 20)),
            organizationID: organizationID)
        let sauna = try await catalog.serviceTemplate(C.ServiceTemplate(
            locationId: downtown.id, name: "Infrared Sauna Session", slug: "infrared-sauna-session", category: "sauna", tags: ["sauna", "rental"], type: .rental,
            duration: C.ServiceDuration(type: .variable, minMinutes: 30, maxMinutes: 90, intervalMinutes: 15, postBufferMinutes: 15),
            requiredBookables: [C.BookableRequirement(kind: .asset, criteria: C.BookableCriteria(categories: ["sauna"]), count: 1)],
            pricing: C.Pricing(basePrice: usd(1500), hourlyRate: usd(3000)),
            reservation: C.ReservationSettings(enabled: true, holdMinutes: 5)),
            organizationID: organizationID)
        let bridal = try await catalog.serviceTemplate(C.ServiceTemplate(
            name: "Bridal Party Styling (on location)", slug: "bridal-party-styling", category: "styling", tags: ["bridal"], type: .appointment,
            duration: C.ServiceDuration(type: .fixed, fixedMinutes: 240),
            requiredBookables: [C.BookableRequirement(kind: .companyProvider, bookableId: stylingCompany.id, count: 1, role: .technician)],
            pricing: C.Pricing(basePrice: usd(85000)),
            cancellation: C.CancellationTerms(policy: IdentityV1.CancellationPolicy(
                allowClientCancellation: true, refundTiers: [IdentityV1.RefundTier(minHoursBefore: 720, refundPercent: 100),
                                                             IdentityV1.RefundTier(minHoursBefore: 168, refundPercent: 50)],
                noShow: IdentityV1.NoShowPolicy(gracePeriodMinutes: 30, chargePercent: 100))),
            deposit: C.Deposit(required: true, amount: usd(25000), refundable: false)),
            organizationID: organizationID)
        for template in [massage, facial, yoga, sauna, bridal] { _ = try await catalog.activate(template) }

        // A package and a program built on them.
        _ = try await catalog.package(C.ServicePackage(
            slug: "massage-five-pack", name: "Massage Five-Pack", description: "Five 60-minute Swedish massages for the price of four and a half.",
            items: [C.PackageItem(serviceTemplateId: massage.id, quantity: 5)], totalPrice: usd(42500), useWithinDays: 365, allowAnyOrder: true,
            allowTransfer: true),
            organizationID: organizationID)
        _ = try await catalog.program(C.ProgramTemplate(
            slug: "yoga-foundations", name: "Yoga Foundations (6 weeks)", description: "One class a week for six weeks, from the basics up.",
            sessions: (0..<6).map { week in
                C.ProgramSession(sequenceNumber: UInt32(week + 1), name: "Week \(week + 1)", serviceTemplateId: yoga.id,
                                 daysAfterStart: UInt32(week * 7), allowDropIn: week > 0)
            },
            enrollmentType: .both, fullProgramPrice: usd(12000), dropInPrice: usd(2500), minAttendanceRequired: 4, allowMissedSessions: true,
            status: .active),
            organizationID: organizationID)
        return Seeded(priya: priya, marco: esthetician, lena: lena, rooms: rooms, sauna: saunaPod, massage: massage, yoga: yoga, riverside: riverside)
    }
}
