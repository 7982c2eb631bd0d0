import ContextKit
import Testing
@testable import Identity

@Suite struct PasswordPolicyTests {
    let policy = PasswordPolicy.default

    func rules(_ password: String, context: [String] = []) -> [InvalidField.Rule] {
        policy.violations(of: Password(password), context: context).map(\.rule)
    }

    @Test func acceptsOrdinaryPasswords() {
        #expect(rules("correct horse").isEmpty)
        #expect(rules("12345678x").isEmpty)
        #expect(rules("пароль-пароль").isEmpty)
        #expect(rules("with spaces inside").isEmpty)
        #expect(rules(String(repeating: "a", count: 1024)).isEmpty)
    }

    @Test func lengthIsCountedInCharactersAndBoundedInBytes() {
        #expect(rules("") == [.required])
        #expect(rules("seven77") == [.tooShort])
        #expect(rules("eight888").isEmpty)
        #expect(rules("日本語のパスワード").isEmpty)  // 9 characters, 27 bytes
        #expect(rules("日本語パス") == [.tooShort])   // 5 characters, 15 bytes
        #expect(rules(String(repeating: "a", count: 1025)) == [.tooLong])
        #expect(rules(String(repeating: "é", count: 600)) == [.tooLong])  // 600 characters, 1200 bytes
        #expect(rules(String(repeating: "a", count: 100_000)) == [.tooLong])
    }

    @Test func refusesControlCharactersCommonPasswordsAndContext() {
        #expect(rules("line one\nline two") == [.notAllowed])
        #expect(rules("Password123") == [.notAllowed])
        #expect(rules("ann.smith@example.com", context: ["Ann.Smith@example.com", "ann.smith"]) == [.notAllowed])
        #expect(rules("Ann.Smith", context: ["Ann.Smith@example.com", "ann.smith"]) == [.notAllowed])
        #expect(rules("ann smith's own", context: ["ann.smith"]).isEmpty)
    }

    @Test func violationsNameTheFieldAndNeverTheValue() throws {
        let violations = policy.violations(of: Password("short"), field: "new_password")
        let violation = try #require(violations.first)
        #expect(violation.field == "new_password")
        #expect(!violation.description.contains("short"))
        #expect(throws: ValidationFailure.self) { try policy.validate(Password("short")) }
        #expect("\(Password("hunter2hunter2"))" == "<password>")
        #expect(String(reflecting: Password("hunter2hunter2")) == "<password>")
    }
}
