public import ContextKit
/// An organization's name in URLs: 1 to 63 of `a-z 0-9 -`, not starting or
/// ending with `-` (a DNS label, so it can become a subdomain). Unique
/// forever: a deleted organization keeps its slug.
public enum OrganizationSlug {
    public static func violations(of slug: String, field: String = "slug") -> [InvalidField] {
        if slug.isEmpty {
            return [InvalidField(field: field, rule: .required, description: "is required")]
        }
        if slug.utf8.count > 63 {
            return [InvalidField(field: field, rule: .tooLong, description: "must be at most 63 characters")]
        }
        let allowed = slug.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
        if !allowed || slug.hasPrefix("-") || slug.hasSuffix("-") {
            return [InvalidField(field: field, rule: .malformed,
                                 description: "must be lowercase letters, digits and '-', not starting or ending with '-'")]
        }
        return []
    }
}
