import ContextKit
import ArgumentParser
import BizingServer
import BizingStore
import BizingTools
import Foundation
import Identity

/// `bizingd bootstrap`: the first user, the first organization (owned by
/// that user) and an owner service token, in a database that has no
/// organization yet. The password is read from the terminal (or the first
/// line of stdin); the token is printed once, on its own line.
struct Bootstrap: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the first user and organization of a new database, and print an owner service token once.",
        discussion: """
            Refuses a database that already has an organization. The password is read without echo from \
            the terminal, or as the first line of standard input. Prints the token as the last line of \
            standard output; only its SHA-256 is stored.
            """)

    @Option(help: "The SQLite database path (default: <data folder>/bizing.sqlite).")
    var db: String?

    @Option(help: "The owner's email address (they sign in with it).")
    var email: String

    @Option(help: "The owner's name.")
    var name: String

    @Option(help: "The organization's slug: 1 to 63 of a-z, 0-9 and '-'.")
    var slug: String

    @Option(help: "The organization's name.")
    var organizationName: String

    @Option(help: "The organization's IANA time zone, e.g. America/New_York.")
    var timeZone: String

    @Option(help: "The organization's ISO 4217 currency, e.g. USD.")
    var currency: String

    func validate() throws {
        _ = try validated()
    }

    func run() async throws {
        let path = db ?? ServerConfiguration.defaultDatabasePath
        let (organization, email, name) = try validated()
        guard let text = PasswordPrompt.read(prompt: "Password for \(email.display): ") else {
            throw ValidationError("no password given (type it at the prompt, or pipe it as the first line of stdin)")
        }
        let password = Password(text)
        do {
            try PasswordPolicy.default.validate(password, context: [email.display, name])
        } catch {
            throw ValidationError("password: \(error.violations.map(\.description).joined(separator: "; "))")
        }
        let store: BizingStore
        do {
            store = try BizingStore.open(path: path)
            try await store.migrate()
        } catch {
            FileHandle.standardError.write(Data("bizingd bootstrap: \(error)\n".utf8))
            throw ExitCode(1)
        }
        defer { try? store.close() }
        do {
            // Refuse before the half second of hashing (bootstrap checks again in its transaction).
            if try await IdentityStore(store).hasOrganizations() { throw IdentityStoreError.alreadyBootstrapped }
            let hash = try PasswordHasher().hash(password)
            let made = try await IdentityStore(store).bootstrap(
                owner: NewUser(email: email, name: name, phone: nil, passwordHash: hash), organization: organization)
            print("""
                bootstrapped \(path)
                  organization \(made.organization.slug) (\(made.organization.id.lowercasedString))
                  owner \(made.owner.email ?? "") (\(made.owner.id.lowercasedString)); sign in with: bizing login --email \(made.owner.email ?? "") (and --socket PATH for a server not on the default socket)
                owner service token, shown only now (send it as 'authorization: Bearer <token>'):
                \(made.token)
                """)
        } catch IdentityStoreError.alreadyBootstrapped {
            FileHandle.standardError.write(Data("bizingd bootstrap: \(path) already has an organization; bootstrap only sets up a new database\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The flags as domain values; a usage error naming each bad flag.
    func validated() throws -> (NewOrganization, EmailAddress, String) {
        var found: [InvalidField] = []
        var organization: NewOrganization?, email: EmailAddress?, name: String?
        do throws(ValidationFailure) {
            organization = try NewOrganization(slug: slug, name: organizationName, timeZone: timeZone, currency: currency)
        } catch { found += error.violations }
        do throws(ValidationFailure) { email = try EmailAddress(self.email) } catch { found += error.violations }
        do throws(ValidationFailure) { name = try PersonalDetails.name(self.name, field: "owner-name") } catch { found += error.violations }
        guard let organization, let email, let name else {
            throw ValidationError(found.map { "--\(Self.flag($0.field)): \($0.description)" }.joined(separator: "\n"))
        }
        return (organization, email, name)
    }

    /// The flag that carries a validated field.
    static func flag(_ field: String) -> String {
        switch field {
        case "name": "organization-name"
        case "owner-name": "name"
        case "time_zone": "time-zone"
        default: field
        }
    }
}
