/// Base64 without padding (RFC 4648), in the URL-safe alphabet (`-_`) for
/// tokens and the standard one (`+/`) for stored password hashes. Decoding is
/// strict: only the alphabet, no padding, no line breaks, and the unused low
/// bits of the last character must be zero, so each byte string has exactly
/// one text form.
enum Base64 {
    enum Alphabet {
        case standard, url

        var characters: [UInt8] {
            switch self {
            case .standard: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
            case .url: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
            }
        }
    }

    static func encode(_ bytes: some Collection<UInt8>, alphabet: Alphabet) -> String {
        let characters = alphabet.characters
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                output.append(characters[Int((buffer >> UInt32(bits)) & 0x3F)])
            }
        }
        if bits > 0 { output.append(characters[Int((buffer << UInt32(6 - bits)) & 0x3F)]) }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: some Collection<UInt8>, alphabet: Alphabet) -> [UInt8]? {
        let characters = alphabet.characters
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in characters.enumerated() { values[Int(character)] = UInt8(index) }
        // 4n+1 characters cannot come from whole bytes.
        guard text.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for character in text {
            let value = values[Int(character)]
            guard value != 0xFF else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        // Leftover bits are padding and must be zero (canonical form).
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }
}
