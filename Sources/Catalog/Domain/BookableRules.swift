public import BizingAPI
public import ContextKit
public import Foundation
import Identity

/// The rules a bookable keeps on its own (paths within the bookable); the
/// ones about other objects (its locations, its user, its company's people)
/// are `CatalogReferences`.
public enum BookableRules {
    public static func violations(_ bookable: CatalogV1.Bookable, context: RuleContext) -> [InvalidField] {
        var found: [InvalidField] = []
        FieldRules.id(bookable.locationId, "location_id", required: true, into: &found)
        FieldRules.name(bookable.name, "name", into: &found)
        FieldRules.text(bookable.description, "description", into: &found)
        FieldRules.slug(bookable.slug, "slug", into: &found)
        if !bookable.category.isEmpty { FieldRules.label(bookable.category, "category", into: &found) }
        FieldRules.labels(bookable.tags, "tags", into: &found)
        FieldRules.known(bookable.kind, "kind", required: true, into: &found)
        FieldRules.known(bookable.status, "status", into: &found)
        let parts: [(CatalogV1.BookableKind, String, Bool)] = [
            (.provider, "provider", bookable.provider != nil), (.asset, "asset", bookable.asset != nil),
            (.venue, "venue", bookable.venue != nil), (.companyProvider, "company_provider", bookable.companyProvider != nil),
        ]
        for (kind, field, present) in parts {
            if kind == bookable.kind && !present {
                found.append(InvalidField(field: field, rule: .required, description: "is required for a bookable of kind \(kind.columnValue)"))
            } else if kind != bookable.kind && present {
                found.append(InvalidField(field: field, rule: .notAllowed, description: "is only for a bookable of kind \(kind.columnValue)"))
            }
        }
        if let provider = bookable.provider, bookable.kind == .provider { providerViolations(provider, context: context, into: &found) }
        if let asset = bookable.asset, bookable.kind == .asset { assetViolations(asset, context: context, into: &found) }
        if let venue = bookable.venue, bookable.kind == .venue { venueViolations(venue, into: &found) }
        if let company = bookable.companyProvider, bookable.kind == .companyProvider { companyViolations(company, into: &found) }
        return found
    }

    static func providerViolations(_ provider: CatalogV1.ProviderDetails, context: RuleContext, into found: inout [InvalidField]) {
        FieldRules.id(provider.userId, "provider.user_id", required: false, into: &found)
        FieldRules.email(provider.email, "provider.email", required: true, into: &found)
        FieldRules.phone(provider.phone, "provider.phone", required: false, into: &found)
        FieldRules.text(provider.bio, "provider.bio", into: &found)
        FieldRules.phrases(provider.specialties, "provider.specialties", into: &found)
        if provider.languages.count > 20 {
            found.append(InvalidField(field: "provider.languages", rule: .tooLong, description: "must have at most 20 entries"))
        } else {
            for (index, tag) in provider.languages.enumerated() {
                found += LocaleName.violations(of: tag, field: "provider.languages[\(index)]")
            }
        }
        _ = FieldRules.ids(provider.locationIds, "provider.location_ids", into: &found)
        if let radius = provider.travelRadiusMiles { FieldRules.within(radius, 0...1000, "provider.travel_radius_miles", unit: "miles", into: &found) }
        if let most = provider.maxDailyBookings { FieldRules.within(most, 1...200, "provider.max_daily_bookings", into: &found) }
        FieldRules.within(provider.minRestMinutes, 0...1440, "provider.min_rest_minutes", unit: "minutes", into: &found)
        if provider.certifications.count > 50 {
            found.append(InvalidField(field: "provider.certifications", rule: .tooLong, description: "must have at most 50 entries"))
        }
        for (index, certification) in provider.certifications.prefix(50).enumerated() {
            let path = "provider.certifications[\(index)]"
            if certification.type.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                found.append(InvalidField(field: "\(path).type", rule: .required, description: "is required"))
            } else {
                FieldRules.text(certification.type, "\(path).type", maximum: 100, into: &found)
            }
            FieldRules.text(certification.issuedBy, "\(path).issued_by", maximum: 200, into: &found)
            FieldRules.url(certification.documentUrl, "\(path).document_url", into: &found)
            if let issued = certification.issuedAt, issued > context.now {
                found.append(InvalidField(field: "\(path).issued_at", rule: .notAllowed, description: "must not be in the future"))
            }
            if let issued = certification.issuedAt, let expires = certification.expiresAt, expires <= issued {
                found.append(InvalidField(field: "\(path).expires_at", rule: .notAllowed, description: "must be after issued_at"))
            }
        }
        if let profile = provider.paymentProfile {
            FieldRules.money(profile.hourlyRate, "provider.payment_profile.hourly_rate", currency: context.currency, required: false, into: &found)
            FieldRules.within(profile.commissionBasisPoints, 0...10_000, "provider.payment_profile.commission_basis_points", into: &found)
        }
        if let rating = provider.rating, !rating.isFinite || !(0...5).contains(rating) {
            found.append(InvalidField(field: "provider.rating", rule: .notAllowed, description: "must be 0.0 to 5.0"))
        }
    }

    static func assetViolations(_ asset: CatalogV1.AssetDetails, context: RuleContext, into found: inout [InvalidField]) {
        FieldRules.known(asset.assetType, "asset.asset_type", required: true, into: &found)
        FieldRules.text(asset.serialNumber, "asset.serial_number", maximum: 100, into: &found)
        FieldRules.text(asset.inventoryNumber, "asset.inventory_number", maximum: 100, into: &found)
        if asset.specifications.count > 50 {
            found.append(InvalidField(field: "asset.specifications", rule: .tooLong, description: "must have at most 50 entries"))
        }
        for (key, value) in asset.specifications.sorted(by: { $0.key < $1.key }).prefix(50) {
            if key.isEmpty || key.count > 64 {
                found.append(InvalidField(field: "asset.specifications", rule: .malformed, description: "keys must be 1 to 64 characters"))
            }
            FieldRules.text(value, "asset.specifications[\(key.prefix(64))]", maximum: 500, into: &found)
        }
        FieldRules.within(asset.maintenanceEveryHours, 0...100_000, "asset.maintenance_every_hours", unit: "hours", into: &found)
        FieldRules.within(asset.maintenanceEveryDays, 0...3660, "asset.maintenance_every_days", unit: "days", into: &found)
        if let serviced = asset.lastServicedAt, serviced > context.now {
            found.append(InvalidField(field: "asset.last_serviced_at", rule: .notAllowed, description: "must not be in the future"))
        }
        if let serviced = asset.lastServicedAt, let due = asset.nextServiceDue, due <= serviced {
            found.append(InvalidField(field: "asset.next_service_due", rule: .notAllowed, description: "must be after last_serviced_at"))
        }
    }

    static func venueViolations(_ venue: CatalogV1.VenueDetails, into found: inout [InvalidField]) {
        FieldRules.within(venue.capacityMax, 1...100_000, "venue.capacity_max", into: &found)
        if venue.capacityMin > venue.capacityMax {
            found.append(InvalidField(field: "venue.capacity_min", rule: .notAllowed, description: "must not exceed capacity_max"))
        }
        FieldRules.phrases(venue.amenities, "venue.amenities", into: &found)
        if venue.allowSimultaneousBookings {
            FieldRules.within(venue.maxSimultaneousBookings, 2...1000, "venue.max_simultaneous_bookings", into: &found)
        } else if venue.maxSimultaneousBookings > 1 {
            found.append(InvalidField(field: "venue.max_simultaneous_bookings", rule: .notAllowed,
                                      description: "needs allow_simultaneous_bookings"))
        }
        FieldRules.within(venue.setupMinutes, 0...1440, "venue.setup_minutes", unit: "minutes", into: &found)
        FieldRules.within(venue.teardownMinutes, 0...1440, "venue.teardown_minutes", unit: "minutes", into: &found)
    }

    static func companyViolations(_ company: CatalogV1.CompanyProviderDetails, into found: inout [InvalidField]) {
        FieldRules.id(company.householdId, "company_provider.household_id", required: true, into: &found)
        FieldRules.email(company.email, "company_provider.email", required: true, into: &found)
        FieldRules.phone(company.phone, "company_provider.phone", required: true, into: &found)
        FieldRules.url(company.website, "company_provider.website", into: &found)
        _ = FieldRules.ids(company.technicianIds, "company_provider.technician_ids", into: &found)
        FieldRules.known(company.dispatchMethod, "company_provider.dispatch_method", into: &found)
        FieldRules.within(company.serviceRadiusMiles, 0...1000, "company_provider.service_radius_miles", unit: "miles", into: &found)
        found += WeeklyHours.parse(company.businessHours, field: "company_provider.business_hours").1
    }

    /// The bookable as readers see it at `now`: certifications past their
    /// expiry flagged.
    public static func presented(_ bookable: CatalogV1.Bookable, now: Date) -> CatalogV1.Bookable {
        guard var provider = bookable.provider else { return bookable }
        for index in provider.certifications.indices {
            provider.certifications[index].expired = provider.certifications[index].expiresAt.map { $0 <= now } ?? false
        }
        var presented = bookable
        presented.provider = provider
        return presented
    }
}
