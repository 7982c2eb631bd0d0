import BizingAPI
import BizingRPC
import BizingWire
public import ContextKit
public import Foundation
import Identity

/// The rules many catalog fields share. Each appends what is wrong with one
/// value to `found` (paths as given) and never repeats the value itself.
public enum FieldRules {
    /// A display name: 1 to 200 characters after trimming, no control characters.
    static func name(_ text: String, _ field: String, into found: inout [InvalidField]) {
        do throws(ValidationFailure) { _ = try PersonalDetails.name(text, field: field) } catch { found += error.violations }
    }

    /// Free text up to `maximum` characters, without control characters other than line breaks and tabs.
    public static func text(_ text: String, _ field: String, maximum: Int = 5000, into found: inout [InvalidField]) {
        if text.count > maximum {
            found.append(InvalidField(field: field, rule: .tooLong, description: "must be at most \(maximum) characters"))
        } else if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0) }) {
            found.append(InvalidField(field: field, rule: .notAllowed, description: "must not contain control characters"))
        }
    }

    /// A slug: 1 to 63 of a-z, 0-9 and '-', as organizations have.
    static func slug(_ text: String, _ field: String, into found: inout [InvalidField]) {
        found += OrganizationSlug.violations(of: text, field: field)
    }

    /// A label (a category or a tag): 1 to 40 of a-z, 0-9 and '-'.
    static func label(_ text: String, _ field: String, into found: inout [InvalidField]) {
        let allowed = text.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
        if text.isEmpty || text.utf8.count > 40 || !allowed {
            found.append(InvalidField(field: field, rule: .malformed, description: "must be 1 to 40 lowercase letters, digits and '-'"))
        }
    }

    /// Up to `maximum` labels, each valid and listed once.
    static func labels(_ texts: [String], _ field: String, maximum: Int = 30, into found: inout [InvalidField]) {
        if texts.count > maximum {
            found.append(InvalidField(field: field, rule: .tooLong, description: "must have at most \(maximum) entries"))
            return
        }
        var seen: Set<String> = []
        for (index, text) in texts.enumerated() {
            label(text, "\(field)[\(index)]", into: &found)
            if !seen.insert(text).inserted {
                found.append(InvalidField(field: "\(field)[\(index)]", rule: .conflict, description: "is listed twice"))
            }
        }
    }

    /// Short free-text entries (specialties, amenities): up to `maximum`, each 1 to 100 characters.
    static func phrases(_ texts: [String], _ field: String, maximum: Int = 50, into found: inout [InvalidField]) {
        if texts.count > maximum {
            found.append(InvalidField(field: field, rule: .tooLong, description: "must have at most \(maximum) entries"))
            return
        }
        for (index, text) in texts.enumerated() {
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || text.count > 100 {
                found.append(InvalidField(field: "\(field)[\(index)]", rule: .malformed, description: "must be 1 to 100 characters"))
            } else if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                found.append(InvalidField(field: "\(field)[\(index)]", rule: .notAllowed, description: "must not contain control characters"))
            }
        }
    }

    static func email(_ text: String, _ field: String, required: Bool, into found: inout [InvalidField]) {
        if text.isEmpty {
            if required { found.append(InvalidField(field: field, rule: .required, description: "is required")) }
            return
        }
        do throws(ValidationFailure) { _ = try EmailAddress(text, field: field) } catch { found += error.violations }
    }

    static func phone(_ text: String, _ field: String, required: Bool, into found: inout [InvalidField]) {
        if text.isEmpty {
            if required { found.append(InvalidField(field: field, rule: .required, description: "is required")) }
            return
        }
        do throws(ValidationFailure) { _ = try PersonalDetails.phone(text, field: field) } catch { found += error.violations }
    }

    /// An http(s) URL of at most 2,000 characters; empty is allowed unless required.
    static func url(_ text: String, _ field: String, required: Bool = false, into found: inout [InvalidField]) {
        if text.isEmpty {
            if required { found.append(InvalidField(field: field, rule: .required, description: "is required")) }
            return
        }
        guard text.utf8.count <= 2000, let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
              url.host?.isEmpty == false
        else {
            found.append(InvalidField(field: field, rule: .malformed, description: "must be an http or https URL"))
            return
        }
    }

    /// An id field: a UUID, or empty when not required.
    @discardableResult
    public static func id(_ text: String, _ field: String, required: Bool, into found: inout [InvalidField]) -> UUID? {
        if text.isEmpty && !required { return nil }
        do throws(ValidationFailure) { return try RequestFields.id(text, field: field) } catch {
            found += error.violations
            return nil
        }
    }

    /// Ids, each a UUID, each once.
    public static func ids(_ texts: [String], _ field: String, maximum: Int = 100, into found: inout [InvalidField]) -> [UUID] {
        if texts.count > maximum {
            found.append(InvalidField(field: field, rule: .tooLong, description: "must have at most \(maximum) entries"))
            return []
        }
        var ids: [UUID] = []
        for (index, text) in texts.enumerated() {
            guard let id = id(text, "\(field)[\(index)]", required: true, into: &found) else { continue }
            if ids.contains(id) {
                found.append(InvalidField(field: "\(field)[\(index)]", rule: .conflict, description: "is listed twice"))
            } else {
                ids.append(id)
            }
        }
        return ids
    }

    /// A whole number in `range`.
    public static func within(_ value: UInt32, _ range: ClosedRange<UInt32>, _ field: String, unit: String = "", into found: inout [InvalidField]) {
        if !range.contains(value) {
            let suffix = unit.isEmpty ? "" : " \(unit)"
            found.append(InvalidField(field: field, rule: .notAllowed, description: "must be \(range.lowerBound) to \(range.upperBound)\(suffix)"))
        }
    }

    /// An amount of money: required when `required`, never negative, in `currency`.
    static func money(_ money: CatalogV1.Money?, _ field: String, currency: String, required: Bool, into found: inout [InvalidField]) {
        guard let money else {
            if required { found.append(InvalidField(field: field, rule: .required, description: "is required")) }
            return
        }
        if money.amountMinor < 0 {
            found.append(InvalidField(field: "\(field).amount_minor", rule: .notAllowed, description: "must not be negative (integer minor units)"))
        }
        if money.currency != currency {
            let violations = CurrencyCode.violations(of: money.currency, field: "\(field).currency")
            found += violations.isEmpty
                ? [InvalidField(field: "\(field).currency", rule: .conflict, description: "must be \(currency), the currency in force (the location's, else the organization's)")]
                : violations
        }
    }

    /// An enum value this build knows, other than unspecified when `required`.
    public static func known<E: CatalogEnum>(_ value: E, _ field: String, required: Bool = false, into found: inout [InvalidField]) {
        if !E.descriptor.values.contains(where: { $0.number == Int(value.protobufValue) }) {
            found.append(InvalidField(field: field, rule: .unknown, description: "\(value.protobufValue) is not a known value"))
        } else if required && value.protobufValue == 0 {
            found.append(InvalidField(field: field, rule: .required, description: "is required"))
        }
    }
}

extension [InvalidField] {
    /// The same violations with `prefix.` before each path (a resource's rules
    /// report paths within it; a request nests it under a field).
    public func nested(under prefix: String) -> [InvalidField] {
        map { InvalidField(field: "\(prefix).\($0.field)", rule: $0.rule, description: $0.description) }
    }
}
