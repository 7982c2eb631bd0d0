/// A stored password hash in a self-describing text form, so the cost can
/// rise later and old hashes still verify with the parameters they were made
/// with:
///
///     scrypt$ln=17,r=8,p=1$<salt>$<key>
///
/// salt and key in standard base64 without padding (as in the PHC string
/// format). Parsing is strict (one text per hash) and bounded: parameters
/// beyond `ScryptParameters`' limits are refused before any work.
public struct PasswordHash: Sendable, CustomStringConvertible {
    public let parameters: ScryptParameters
    let salt: [UInt8]
    let derivedKey: [UInt8]

    init(parameters: ScryptParameters, salt: [UInt8], derivedKey: [UInt8]) {
        precondition(salt.count == parameters.saltByteCount && derivedKey.count == parameters.outputByteCount)
        self.parameters = parameters
        self.salt = salt
        self.derivedKey = derivedKey
    }

    /// Parses the stored form; nil if it is not one this code wrote.
    public init?(encoded: String) {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "scrypt",
              let (logN, r, p) = Self.parseCost(parts[1]),
              let salt = Base64.decode(parts[2].utf8, alphabet: .standard),
              let key = Base64.decode(parts[3].utf8, alphabet: .standard),
              let parameters = ScryptParameters(logN: logN, r: r, p: p, saltByteCount: salt.count, outputByteCount: key.count)
        else { return nil }
        self.init(parameters: parameters, salt: salt, derivedKey: key)
    }

    /// The text to store.
    public var encoded: String {
        "\(Self.costField(parameters))$\(Base64.encode(salt, alphabet: .standard))$\(Base64.encode(derivedKey, alphabet: .standard))"
    }

    /// The algorithm and cost only; salt and key stay out of logs.
    public var description: String { "\(Self.costField(parameters))$…" }

    private static func costField(_ parameters: ScryptParameters) -> String {
        "scrypt$ln=\(parameters.logN),r=\(parameters.r),p=\(parameters.p)"
    }

    /// `ln=17,r=8,p=1`, in that order, plain decimal without leading zeros.
    private static func parseCost(_ field: Substring) -> (Int, Int, Int)? {
        let pairs = field.split(separator: ",", omittingEmptySubsequences: false)
        guard pairs.count == 3 else { return nil }
        var values: [Int] = []
        for (pair, name) in zip(pairs, ["ln", "r", "p"]) {
            let keyValue = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard keyValue.count == 2, keyValue[0] == name else { return nil }
            let digits = keyValue[1]
            guard (1...3).contains(digits.count), digits.allSatisfy({ ("0"..."9").contains($0) }),
                  digits == "0" || digits.first != "0", let value = Int(digits)
            else { return nil }
            values.append(value)
        }
        return (values[0], values[1], values[2])
    }
}
