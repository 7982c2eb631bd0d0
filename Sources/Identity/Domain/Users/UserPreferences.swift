public import ContextKit
import Foundation

/// A user's preferences (the seed's `User.preferences`), stored as a JSON
/// object: a time zone to show times in, a locale, and how to be notified.
public struct UserPreferences: Hashable, Sendable, Codable {
    public struct Notifications: Hashable, Sendable, Codable {
        public var email: Bool
        public var sms: Bool
        public var push: Bool

        public init(email: Bool = true, sms: Bool = false, push: Bool = false) {
            self.email = email
            self.sms = sms
            self.push = push
        }
    }

    /// An IANA zone; nil: the organization's.
    public var timeZone: String?
    /// A canonical BCP 47 tag; nil: none chosen.
    public var locale: String?
    public var notifications: Notifications

    public init(timeZone: String? = nil, locale: String? = nil, notifications: Notifications = Notifications()) {
        self.timeZone = timeZone
        self.locale = locale
        self.notifications = notifications
    }

    enum CodingKeys: String, CodingKey {
        case timeZone = "time_zone"
        case locale
        case notifications
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        timeZone = try container.decodeIfPresent(String.self, forKey: .timeZone)
        locale = try container.decodeIfPresent(String.self, forKey: .locale)
        notifications = try container.decodeIfPresent(Notifications.self, forKey: .notifications) ?? Notifications()
    }

    /// Checks the zone and the locale (empty strings mean "none") and returns
    /// the preferences with the locale in canonical form.
    public static func validated(timeZone: String, locale: String, notifications: Notifications, field: String = "preferences") throws(ValidationFailure) -> UserPreferences {
        var found: [InvalidField] = []
        if !timeZone.isEmpty {
            found += TimeZoneName.violations(of: timeZone, field: "\(field).time_zone")
        }
        var canonicalLocale: String?
        if !locale.isEmpty {
            switch LocaleName.canonical(locale, field: "\(field).locale") {
            case .success(let tag): canonicalLocale = tag
            case .failure(let failure): found += failure.violations
            }
        }
        try found.throwIfAny()
        return UserPreferences(timeZone: timeZone.isEmpty ? nil : timeZone, locale: canonicalLocale, notifications: notifications)
    }
}

/// A person's name and phone as entered: trimmed, 1 to 200 characters
/// without control characters; a phone of up to 32 characters of digits,
/// spaces and `+ - ( ) .`.
public enum PersonalDetails {
    public static func name(_ raw: String, field: String = "name") throws(ValidationFailure) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            throw ValidationFailure([InvalidField(field: field, rule: .required, description: "is required")])
        }
        if trimmed.count > 200 {
            throw ValidationFailure([InvalidField(field: field, rule: .tooLong, description: "must be at most 200 characters")])
        }
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationFailure([InvalidField(field: field, rule: .notAllowed, description: "must not contain control characters")])
        }
        return trimmed
    }

    /// nil for an empty phone.
    public static func phone(_ raw: String, field: String = "phone") throws(ValidationFailure) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        let allowed = trimmed.utf8.allSatisfy { (0x30...0x39).contains($0) || " +-().".utf8.contains($0) }
        guard allowed, trimmed.utf8.count <= 32, trimmed.utf8.contains(where: { (0x30...0x39).contains($0) }) else {
            throw ValidationFailure([InvalidField(field: field, rule: .malformed,
                                                  description: "must be up to 32 digits, spaces and + - ( ) .")])
        }
        return trimmed
    }
}
