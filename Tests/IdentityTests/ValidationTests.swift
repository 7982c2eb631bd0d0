import ContextKit
import Foundation
import Testing
@testable import Identity

@Suite struct EmailAddressTests {
    @Test func normalizesForUniquenessAndKeepsTheDisplayForm() throws {
        let email = try EmailAddress("  Ann.Smith@Example.COM \n")
        #expect(email.display == "Ann.Smith@Example.COM")
        #expect(email.normalized == "ann.smith@example.com")
        #expect(email == (try EmailAddress("ann.smith@example.com")))
        #expect("\(email)" == "Ann.Smith@Example.COM")
        // NFC: a decomposed é is the same address as a precomposed one.
        #expect(try EmailAddress("rene\u{301}@example.fr").normalized == "ren\u{E9}@example.fr")
    }

    @Test(arguments: [
        "a@b.co", "first.last+tag@sub.example.org", "o'brien@example.ie", "x_y-z@ex-ample.com",
        "user@example.xn--p1ai", "josé@correo.es", "用户@例子.广告", "a!#$%&'*/=?^_`{|}~-@example.com",
    ])
    func accepts(_ text: String) {
        #expect(throws: Never.self) { try EmailAddress(text) }
    }

    @Test(arguments: [
        "plainaddress", "@example.com", "user@", "user@localhost", "user@@example.com", "us@er@example.com",
        ".user@example.com", "user.@example.com", "us..er@example.com", "user@-example.com", "user@example-.com",
        "user@example..com", "user@.example.com", "user@example.com.", "user@[127.0.0.1]", "user@1.2.3.4",
        "us er@example.com", "user@exa mple.com", "\"quoted\"@example.com", "user@example.com\u{0}",
        "user@exam_ple.com", "<user@example.com>",
    ])
    func rejects(_ text: String) throws {
        let failure = try #require(throws: ValidationFailure.self) { try EmailAddress(text, field: "contact.email") }
        #expect(failure.violations.count == 1)
        #expect(failure.violations[0].field == "contact.email")
        #expect(failure.violations[0].rule == .malformed)
    }

    @Test func lengthLimits() throws {
        #expect(throws: Never.self) { try EmailAddress(String(repeating: "a", count: 64) + "@example.com") }
        #expect(throws: ValidationFailure.self) { try EmailAddress(String(repeating: "a", count: 65) + "@example.com") }
        let longDomain = (0..<5).map { _ in String(repeating: "d", count: 50) }.joined(separator: ".") + ".com"
        let tooLong = try #require(throws: ValidationFailure.self) { try EmailAddress("a@" + longDomain) }
        #expect(tooLong.violations[0].rule == .tooLong)
        let empty = try #require(throws: ValidationFailure.self) { try EmailAddress("   ") }
        #expect(empty.violations[0].rule == .required)
    }

    @Test func violationsDoNotRepeatTheAddress() throws {
        let failure = try #require(throws: ValidationFailure.self) { try EmailAddress("secret.person@nowhere") }
        #expect(!failure.description.contains("secret.person"))
    }
}

@Suite struct TimeZoneAndLocaleTests {
    @Test(arguments: ["Europe/Paris", "America/New_York", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "UTC", "Etc/UTC", "GMT", "Europe/Kyiv"])
    func acceptsIANANames(_ name: String) {
        #expect(TimeZoneName.isValid(name))
        #expect(TimeZoneName.violations(of: name).isEmpty)
    }

    @Test(arguments: ["", "Mars/Olympus", "europe/paris", "GMT+1", "UTC+01:00", "+01:00", "Z", "Local", " Europe/Paris"])
    func rejectsOthers(_ name: String) {
        #expect(!TimeZoneName.isValid(name))
        let violations = TimeZoneName.violations(of: name, field: "preferences.timezone")
        #expect(violations.map(\.field) == ["preferences.timezone"])
    }

    @Test(arguments: [
        ("en", "en"), ("en-US", "en-US"), ("en_us", "en-US"), ("FR-ca", "fr-CA"), ("zh-hant-tw", "zh-Hant-TW"),
        ("es-419", "es-419"), ("sr-Latn", "sr-Latn"), ("haw", "haw"),
    ])
    func canonicalizesLocales(_ input: String, _ expected: String) throws {
        #expect(try LocaleName.canonical(input).get() == expected)
        #expect(LocaleName.violations(of: input).isEmpty)
    }

    @Test(arguments: ["", "e", "english", "xx", "en-ZZ", "en-US-x-private", "en-", "en--US", "12", "en-USA", "fr-CA-Latn", "ел"])
    func rejectsUnknownLocales(_ input: String) {
        #expect(LocaleName.violations(of: input, field: "preferences.locale").map(\.field) == ["preferences.locale"])
    }
}
