public import Foundation

/// The opaque cursor of a list: the last row's id, base64url. Ids are
/// time-ordered and lists are ordered by id, so rows inserted while a
/// client pages land after its cursor or before it, never twice.
public enum PageToken {
    public static func encode(_ id: UUID) -> String {
        Data(("v1:" + id.uuidString.lowercased()).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ token: String, field: String = "page_token") throws(ValidationFailure) -> UUID? {
        if token.isEmpty { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard token.utf8.count <= 64, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
              text.hasPrefix("v1:"), let id = UUID(uuidString: String(text.dropFirst(3)))
        else {
            throw ValidationFailure([InvalidField(field: field, rule: .malformed, description: "is not a token this list returned")])
        }
        return id
    }

    /// What a cursor carries to tell the request it belongs to: FNV-1a over
    /// the request's bytes without its page fields (not a secret, a check).
    public static func digest(of bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// A list's page size: 0 asks for the default; more than the maximum is capped.
    public static func pageSize(_ requested: UInt32, default defaultSize: Int = 50, maximum: Int = 200) -> Int {
        requested == 0 ? defaultSize : min(Int(requested), maximum)
    }
}
