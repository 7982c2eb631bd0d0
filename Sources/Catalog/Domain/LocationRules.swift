public import BizingAPI
public import ContextKit
import Foundation
import Identity

/// The rules a location keeps (paths within the location).
public enum LocationRules {
    public static func violations(_ location: CatalogV1.Location) -> [InvalidField] {
        var found: [InvalidField] = []
        FieldRules.slug(location.slug, "slug", into: &found)
        FieldRules.name(location.name, "name", into: &found)
        FieldRules.known(location.type, "type", into: &found)
        FieldRules.known(location.status, "status", into: &found)
        found += TimeZoneName.violations(of: location.timeZone, field: "time_zone")
        found += WeeklyHours.parse(location.operatingHours, field: "operating_hours").1
        switch location.type {
        case .physical, .unspecified:
            if let address = location.address {
                addressViolations(address, "address", into: &found)
            } else {
                found.append(InvalidField(field: "address", rule: .required, description: "is required for a physical location"))
            }
        case .mobile:
            if let area = location.serviceArea {
                FieldRules.within(area.radiusMiles, 1...500, "service_area.radius_miles", unit: "miles", into: &found)
                coordinatesViolations(area.center, "service_area.center", required: true, into: &found)
            } else {
                found.append(InvalidField(field: "service_area", rule: .required, description: "is required for a mobile location"))
            }
        case .virtual, .unrecognized:
            break
        }
        if location.type != .mobile, location.serviceArea != nil {
            found.append(InvalidField(field: "service_area", rule: .notAllowed, description: "is only for a mobile location"))
        }
        if let override = location.configOverride {
            if let currency = override.currency {
                found += CurrencyCode.violations(of: currency, field: "config_override.currency")
            }
            if let policy = override.cancellationPolicy {
                do throws(ValidationFailure) {
                    _ = try CancellationPolicy.validated(policy, field: "config_override.cancellation_policy")
                } catch { found += error.violations }
            }
        }
        return found
    }

    static func addressViolations(_ address: CatalogV1.Address, _ field: String, into found: inout [InvalidField]) {
        for (value, name) in [(address.street, "street"), (address.city, "city")] {
            if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                found.append(InvalidField(field: "\(field).\(name)", rule: .required, description: "is required"))
            } else {
                FieldRules.text(value, "\(field).\(name)", maximum: 200, into: &found)
            }
        }
        FieldRules.text(address.region, "\(field).region", maximum: 100, into: &found)
        FieldRules.text(address.postalCode, "\(field).postal_code", maximum: 20, into: &found)
        let country = address.country.utf8
        if country.count != 2 || !country.allSatisfy({ (0x41...0x5A).contains($0) }) || !Locale.Region.isoRegions.contains(where: { $0.identifier == address.country }) {
            found.append(InvalidField(field: "\(field).country", rule: .malformed, description: "must be an ISO 3166-1 alpha-2 code in capitals, such as US"))
        }
        coordinatesViolations(address.coordinates, "\(field).coordinates", required: false, into: &found)
    }

    static func coordinatesViolations(_ point: CatalogV1.Coordinates?, _ field: String, required: Bool, into found: inout [InvalidField]) {
        guard let point else {
            if required { found.append(InvalidField(field: field, rule: .required, description: "is required")) }
            return
        }
        if !point.latitude.isFinite || !(-90...90).contains(point.latitude) {
            found.append(InvalidField(field: "\(field).latitude", rule: .notAllowed, description: "must be -90 to 90"))
        }
        if !point.longitude.isFinite || !(-180...180).contains(point.longitude) {
            found.append(InvalidField(field: "\(field).longitude", rule: .notAllowed, description: "must be -180 to 180"))
        }
    }
}
