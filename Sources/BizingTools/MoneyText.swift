/// Money as people read it, from integer minor units, with integer
/// arithmetic only: "1,234.50 USD", "1,500 JPY", "-0.05 EUR".
public enum MoneyText {
    /// ISO 4217's minor-unit exponents other than 2 (the rest: cents).
    static let exponents: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
        "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "CLF": 4, "UYW": 4,
    ]

    /// Digits after the decimal point in `currency` (2 when unknown or empty).
    public static func minorDigits(_ currency: String) -> Int { exponents[currency.uppercased()] ?? 2 }

    /// `minor` units of `currency`, the whole part grouped by thousands,
    /// then the code (none when the currency is empty).
    public static func format(minor: Int64, currency: String) -> String {
        let digits = minorDigits(currency)
        var unit: UInt64 = 1
        for _ in 0..<digits { unit *= 10 }
        let magnitude = minor.magnitude
        var whole = String(magnitude / unit)
        var groups: [Substring] = []
        while whole.count > 3 {
            groups.insert(whole.suffix(3), at: 0)
            whole.removeLast(3)
        }
        groups.insert(Substring(whole), at: 0)
        var text = (minor < 0 ? "-" : "") + groups.joined(separator: ",")
        if digits > 0 {
            let fraction = String(magnitude % unit)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return currency.isEmpty ? text : "\(text) \(currency)"
    }

    /// A price multiplier in basis points as a factor: 10000 -> "1x",
    /// 15000 -> "1.5x", 12345 -> "1.2345x" (0, unset, reads as 1x).
    public static func multiplier(basisPoints: UInt32) -> String {
        let points = basisPoints == 0 ? 10_000 : basisPoints
        var fraction = String(points % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(points / 10_000)\(fraction.isEmpty ? "" : "." + fraction)x"
    }
}
