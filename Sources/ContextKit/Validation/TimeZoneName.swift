import Foundation

/// An IANA time zone name (`Europe/Paris`, `America/Argentina/Buenos_Aires`,
/// `UTC`), as people, calendars and locations carry it.
///
/// Stricter than `TimeZone(identifier:) != nil`: Foundation also accepts
/// offset forms such as `GMT+1`, which it rewrites (`GMT+0100`) and which
/// have no daylight-saving rules, so a schedule in one would silently drift
/// from local time. A name is accepted only if Foundation knows it under the
/// same spelling (names are case-sensitive), or it is `UTC`.
public enum TimeZoneName {
    /// Violations of `name` as a time zone, empty when it is valid.
    public static func violations(of name: String, field: String = "time_zone") -> [InvalidField] {
        if name.isEmpty { return [InvalidField(field: field, rule: .required, description: "is required")] }
        guard isValid(name) else {
            return [InvalidField(field: field, rule: .unknown, description: "is not an IANA time zone name (such as Europe/Paris)")]
        }
        return []
    }

    public static func isValid(_ name: String) -> Bool {
        guard name.utf8.count <= 64, let zone = TimeZone(identifier: name) else { return false }
        return zone.identifier == name || name == "UTC"
    }
}
