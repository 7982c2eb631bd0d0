import Foundation

/// An ISO 4217 currency code in which money is kept as integer minor units.
public enum CurrencyCode {
    /// The codes Foundation knows (ISO 4217's active list), read once.
    private static let known = Set(Locale.commonISOCurrencyCodes)

    public static func violations(of code: String, field: String = "currency") -> [InvalidField] {
        if code.isEmpty {
            return [InvalidField(field: field, rule: .required, description: "is required")]
        }
        guard code.utf8.count == 3, code.utf8.allSatisfy({ (0x41...0x5A).contains($0) }), known.contains(code) else {
            return [InvalidField(field: field, rule: .unknown, description: "must be an ISO 4217 code in capitals, such as EUR or USD")]
        }
        return []
    }
}
