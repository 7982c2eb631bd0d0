public import ContextKit
import Foundation

/// A locale as a BCP 47 language tag limited to language, script and region
/// (`en`, `fr-CA`, `zh-Hant-TW`, `es-419`): what formatting and messages need.
/// Variants and extensions are refused rather than kept unchecked.
///
/// `Locale(identifier:)` accepts anything, so validation checks each part
/// against ISO 639 (language) and ISO 3166 / UN M.49 (region) as Foundation
/// lists them. `_` is accepted as the separator; the canonical form uses `-`
/// and the usual cases (`zh-Hant-TW`).
public enum LocaleName {
    /// The canonical tag, or the violations.
    public static func canonical(_ tag: String, field: String = "locale") -> Result<String, ValidationFailure> {
        if tag.isEmpty {
            return .failure(ValidationFailure([InvalidField(field: field, rule: .required, description: "is required")]))
        }
        guard let canonical = canonicalForm(tag) else {
            return .failure(ValidationFailure([
                InvalidField(field: field, rule: .unknown, description: "is not a known language tag (such as en, fr-CA or zh-Hant-TW)")
            ]))
        }
        return .success(canonical)
    }

    /// Violations of `tag` as a locale, empty when it is valid.
    public static func violations(of tag: String, field: String = "locale") -> [InvalidField] {
        switch canonical(tag, field: field) {
        case .success: []
        case .failure(let failure): failure.violations
        }
    }

    static func canonicalForm(_ tag: String) -> String? {
        guard tag.utf8.count <= 32, tag.unicodeScalars.allSatisfy({ $0.isASCII }) else { return nil }
        var parts = tag.split(separator: /[-_]/, omittingEmptySubsequences: false).map(String.init)[...]
        guard let language = parts.popFirst()?.lowercased(),
              (2...3).contains(language.count), language.allSatisfy(\.isLetter),
              Locale.LanguageCode.isoLanguageCodes.contains(Locale.LanguageCode(language))
        else { return nil }
        var result = language
        if let script = parts.first, script.count == 4, script.allSatisfy(\.isLetter) {
            parts.removeFirst()
            result += "-" + script.prefix(1).uppercased() + script.dropFirst().lowercased()
        }
        if let region = parts.first {
            let isAlpha = region.count == 2 && region.allSatisfy(\.isLetter)
            let isNumeric = region.count == 3 && region.allSatisfy(\.isNumber)
            guard isAlpha || isNumeric else { return nil }
            let upper = region.uppercased()
            guard Locale.Region.isoRegions.contains(Locale.Region(upper)) else { return nil }
            parts.removeFirst()
            result += "-" + upper
        }
        return parts.isEmpty ? result : nil
    }
}
