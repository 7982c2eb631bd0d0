public import BizingAPI
public import ContextKit
import Foundation

/// The rules a product keeps (paths within the product).
public enum ProductRules {
    public static func violations(_ product: CatalogV1.Product, context: RuleContext) -> [InvalidField] {
        var found: [InvalidField] = []
        FieldRules.id(product.locationId, "location_id", required: false, into: &found)
        FieldRules.name(product.name, "name", into: &found)
        FieldRules.text(product.description, "description", into: &found)
        let skuAllowed = product.sku.utf8.allSatisfy {
            (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || "-_.".utf8.contains($0)
        }
        if product.sku.isEmpty || product.sku.utf8.count > 64 || !skuAllowed {
            found.append(InvalidField(field: "sku", rule: product.sku.isEmpty ? .required : .malformed,
                                      description: "must be 1 to 64 of letters, digits, '-', '_' and '.'"))
        }
        FieldRules.labels(product.tags, "tags", into: &found)
        FieldRules.known(product.type, "type", required: true, into: &found)
        FieldRules.known(product.status, "status", into: &found)
        FieldRules.known(product.fulfillment, "fulfillment", into: &found)
        switch product.type {
        case .physical:
            if product.digital != nil {
                found.append(InvalidField(field: "digital", rule: .notAllowed, description: "is only for a digital product"))
            }
            if product.fulfillment == .digitalDelivery {
                found.append(InvalidField(field: "fulfillment", rule: .conflict, description: "a physical product is shipped or picked up"))
            }
        case .digital:
            if product.physical != nil {
                found.append(InvalidField(field: "physical", rule: .notAllowed, description: "is only for a physical product"))
            }
            if let digital = product.digital {
                FieldRules.url(digital.fileUrl, "digital.file_url", required: true, into: &found)
                FieldRules.within(digital.downloadExpiryDays, 0...3660, "digital.download_expiry_days", unit: "days", into: &found)
            } else {
                found.append(InvalidField(field: "digital", rule: .required, description: "is required for a digital product"))
            }
            if product.fulfillment != .digitalDelivery && product.fulfillment != .unspecified {
                found.append(InvalidField(field: "fulfillment", rule: .conflict, description: "a digital product is delivered digitally"))
            }
            if product.inventory?.trackInventory == true {
                found.append(InvalidField(field: "inventory.track_inventory", rule: .notAllowed, description: "a digital product has no stock"))
            }
        case .unspecified, .unrecognized:
            break
        }
        if let inventory = product.inventory, inventory.quantityReserved > inventory.quantityOnHand {
            found.append(InvalidField(field: "inventory.quantity_reserved", rule: .notAllowed, description: "must not exceed quantity_on_hand"))
        }
        FieldRules.money(product.price, "price", currency: context.currency, required: true, into: &found)
        FieldRules.money(product.costOfGoods, "cost_of_goods", currency: context.currency, required: false, into: &found)
        return found
    }
}

/// The rules a package keeps on its own (paths within the package).
public enum PackageRules {
    public static func violations(_ package: CatalogV1.ServicePackage, context: RuleContext) -> [InvalidField] {
        var found: [InvalidField] = []
        FieldRules.slug(package.slug, "slug", into: &found)
        FieldRules.name(package.name, "name", into: &found)
        FieldRules.text(package.description, "description", into: &found)
        FieldRules.known(package.status, "status", into: &found)
        if package.items.isEmpty {
            found.append(InvalidField(field: "items", rule: .required, description: "must have at least one item"))
        } else if package.items.count > 50 {
            found.append(InvalidField(field: "items", rule: .tooLong, description: "must have at most 50 entries"))
        }
        for (index, item) in package.items.prefix(50).enumerated() {
            let path = "items[\(index)]"
            FieldRules.id(item.serviceTemplateId, "\(path).service_template_id", required: true, into: &found)
            FieldRules.within(item.quantity, 1...1000, "\(path).quantity", into: &found)
            _ = FieldRules.ids(item.allowedLocationIds, "\(path).allowed_location_ids", into: &found)
            if item.excludedDates.count > 366 {
                found.append(InvalidField(field: "\(path).excluded_dates", rule: .tooLong, description: "must have at most 366 entries"))
            }
            for (dateIndex, date) in item.excludedDates.prefix(366).enumerated() where CalendarDate(date) == nil {
                found.append(InvalidField(field: "\(path).excluded_dates[\(dateIndex)]", rule: .malformed, description: "must be a date YYYY-MM-DD"))
            }
        }
        FieldRules.money(package.totalPrice, "total_price", currency: context.currency, required: true, into: &found)
        FieldRules.within(package.useWithinDays, 1...3660, "use_within_days", unit: "days", into: &found)
        return found
    }
}

/// The rules a program keeps on its own (paths within the program).
public enum ProgramRules {
    public static func violations(_ program: CatalogV1.ProgramTemplate, context: RuleContext) -> [InvalidField] {
        var found: [InvalidField] = []
        FieldRules.slug(program.slug, "slug", into: &found)
        FieldRules.name(program.name, "name", into: &found)
        FieldRules.text(program.description, "description", into: &found)
        FieldRules.known(program.status, "status", into: &found)
        FieldRules.known(program.enrollmentType, "enrollment_type", into: &found)
        if program.sessions.isEmpty {
            found.append(InvalidField(field: "sessions", rule: .required, description: "must have at least one session"))
        } else if program.sessions.count > 200 {
            found.append(InvalidField(field: "sessions", rule: .tooLong, description: "must have at most 200 entries"))
        }
        var previousDay: UInt32 = 0
        for (index, session) in program.sessions.prefix(200).enumerated() {
            let path = "sessions[\(index)]"
            if session.sequenceNumber != UInt32(index + 1) {
                found.append(InvalidField(field: "\(path).sequence_number", rule: .notAllowed, description: "must be \(index + 1): sessions are numbered 1, 2, 3, ... in order"))
            }
            FieldRules.name(session.name, "\(path).name", into: &found)
            FieldRules.id(session.serviceTemplateId, "\(path).service_template_id", required: true, into: &found)
            if session.daysAfterStart > 3660 {
                found.append(InvalidField(field: "\(path).days_after_start", rule: .notAllowed, description: "must be 0 to 3660 days"))
            } else if session.daysAfterStart < previousDay {
                found.append(InvalidField(field: "\(path).days_after_start", rule: .notAllowed, description: "must not be before the previous session's"))
            }
            previousDay = max(previousDay, session.daysAfterStart)
            if session.allowDropIn && program.enrollmentType == .fullOnly {
                found.append(InvalidField(field: "\(path).allow_drop_in", rule: .conflict, description: "the program's enrollment is full only"))
            }
        }
        FieldRules.money(program.fullProgramPrice, "full_program_price", currency: context.currency, required: true, into: &found)
        let dropIns = program.enrollmentType == .dropIn || program.enrollmentType == .both
        FieldRules.money(program.dropInPrice, "drop_in_price", currency: context.currency, required: dropIns, into: &found)
        if !dropIns && program.dropInPrice != nil {
            found.append(InvalidField(field: "drop_in_price", rule: .notAllowed, description: "is only for programs that take drop-ins"))
        }
        if program.minAttendanceRequired > UInt32(program.sessions.count) {
            found.append(InvalidField(field: "min_attendance_required", rule: .notAllowed, description: "must not exceed the number of sessions"))
        }
        return found
    }

    /// draft -> active -> archived; archived is final; a status may stay as it is.
    public static func allows(from current: CatalogV1.ProgramStatus, to next: CatalogV1.ProgramStatus) -> Bool {
        switch (current, next) {
        case (.draft, .draft), (.active, .active), (.archived, .archived), (.draft, .active), (.draft, .archived), (.active, .archived):
            true
        default:
            false
        }
    }
}

/// A calendar date "YYYY-MM-DD" that exists (no zone).
public struct CalendarDate: Hashable, Comparable, Sendable {
    public let year: Int, month: Int, day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1900...2999).contains(year), (1...12).contains(month)
        else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// A date from parts the caller knows make a real date (date arithmetic).
    public init(year: Int, month: Int, day: Int) {
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// "YYYY-MM-DD".
    public var text: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    public static func < (a: Self, b: Self) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}
