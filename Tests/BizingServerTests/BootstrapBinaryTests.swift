import BizingAPI
import BizingClient
import BizingRPC
import BizingServer
import BizingTools
import BizingWire
import Foundation
import Identity
import Testing

/// Runs the built `bizingd bootstrap` as an operator would: the password on
/// stdin, the token on the last line of stdout. Bootstrap hashes with the
/// real scrypt cost (about half a second in a release build, several seconds
/// in a debug one) before it looks at the database, so this suite lets it
/// get that far only twice; every other run fails before reading the password.
@Suite struct BootstrapBinaryTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs bizingd to completion with `stdin`, BIZING_HOME set to `home`, on a
    /// dispatch thread (the blocking wait must not hold a cooperative thread).
    static func bizingd(_ arguments: [String], stdin: String, home: URL) async throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Daemon.binary.path), "build bizingd first (swift build)")
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let run = try ProgramRun.run(
                        Daemon.binary, arguments, environment: ["BIZING_HOME": home.path, "BIZING_SOCKET": nil, "BIZING_LOG_LEVEL": nil], stdin: stdin)
                    return Run(status: run.status, stdout: run.stdout, stderr: run.stderr)
                })
            }
        }
    }

    static let password = "bootstrap owner passphrase"

    static func flags(db: String, overriding changes: [String: String] = [:], leaving omitted: String? = nil) -> [String] {
        let defaults: [(String, String)] = [
            ("--email", "bea@example.com"), ("--name", "Bea Boss"), ("--slug", "bea-spa"), ("--organization-name", "Bea's Spa"),
            ("--time-zone", "Europe/Paris"), ("--currency", "EUR"),
        ]
        var arguments = ["bootstrap", "--db", db]
        for (flag, value) in defaults where flag != omitted {
            arguments += [flag, changes[flag] ?? value]
        }
        return arguments
    }

    @Test func bootstrapPrintsAnOwnerTokenThatAuthenticatesAndRefusesToRunTwice() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("x.sqlite").path

        let first = try await Self.bizingd(Self.flags(db: db), stdin: Self.password + "\n", home: folder)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let token = try #require(first.stdout.split(separator: "\n").last.map(String.init))
        #expect(token.hasPrefix("bzt_") && token.count == 47, "\(first.stdout)")
        #expect(first.stdout.components(separatedBy: token).count == 2, "the token is printed once")
        #expect(first.stdout.contains("bea-spa"))
        #expect(!first.stdout.contains(Self.password) && !first.stderr.contains(Self.password))

        // A server on that database takes the token: an owner service token of the new organization.
        var configuration = ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, databasePath: db, threads: 1)
        configuration.passwordParameters = ScryptParameters(logN: 4, r: 8, p: 1)!
        let server = try await BizingServer.start(configuration)
        do {
            let client = try await RPCClient.connect(socketPath: configuration.socketPath)
            let bearer = [MetadataEntry(key: "authorization", value: "Bearer \(token)")]
            let who = try await IdentityV1.Sessions.Client(client).whoAmI(IdentityV1.WhoAmIRequest(), metadata: bearer)
            #expect(who.kind == .service)
            #expect(who.serviceToken?.role == .owner)
            #expect(who.serviceToken?.createdBy == "", "made by bootstrap, not by a user")
            #expect(who.memberships.map(\.role) == [.owner])
            #expect(who.memberships.map(\.organizationSlug) == ["bea-spa"])
            let organization = try await IdentityV1.Organizations.Client(client).get(
                IdentityV1.GetOrganizationRequest(organizationId: who.memberships.first?.organizationId ?? ""), metadata: bearer)
            #expect(organization.name == "Bea's Spa" && organization.timeZone == "Europe/Paris" && organization.currency == "EUR")
            // Its one member is the owner, who has a password (checking it would cost another
            // real-cost derivation, several seconds in a debug build).
            let members = try await IdentityV1.Users.Client(client).listMembers(
                IdentityV1.ListMembersRequest(organizationId: organization.id), metadata: bearer)
            #expect(members.members.compactMap(\.user?.email) == ["bea@example.com"])
            #expect(members.members.compactMap(\.user?.name) == ["Bea Boss"])
            #expect(members.members.compactMap(\.user?.hasPassword) == [true])
            #expect(members.members.compactMap(\.membership?.role) == [.owner])
            try await client.close()
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()

        // A second bootstrap of the same database refuses and mints nothing.
        let second = try await Self.bizingd(
            Self.flags(db: db, overriding: ["--email": "eve@example.com", "--slug": "eve-spa"]), stdin: "eve's own passphrase\n", home: folder)
        #expect(second.status != 0)
        #expect(second.stderr.contains("already has an organization"), "stderr: \(second.stderr)")
        #expect(!second.stdout.contains("bzt_"))
    }

    /// Bad flags are usage errors (64) naming the flag, before anything is read or written.
    @Test(arguments: [
        ("--slug", "Bad Slug"), ("--currency", "euro"), ("--time-zone", "Mars/Olympus_Mons"), ("--email", "not-an-email"),
        ("--name", " "), ("--organization-name", ""),
    ])
    func badFlagsExit64NamingTheFlag(_ flag: String, _ value: String) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("x.sqlite").path
        let run = try await Self.bizingd(Self.flags(db: db, overriding: [flag: value]), stdin: Self.password + "\n", home: folder)
        #expect(run.status == 64, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("\(flag):"), "stderr: \(run.stderr)")
        #expect(!run.stdout.contains("bzt_"))
        #expect(!FileManager.default.fileExists(atPath: db), "nothing was created")
    }

    @Test func aMissingFlagOrAWeakPasswordIsRefused() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("x.sqlite").path
        let missing = try await Self.bizingd(Self.flags(db: db, leaving: "--currency"), stdin: Self.password + "\n", home: folder)
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("--currency"), "stderr: \(missing.stderr)")

        let weak = try await Self.bizingd(Self.flags(db: db), stdin: "short\n", home: folder)
        #expect(weak.status == 64, "stderr: \(weak.stderr)")
        #expect(weak.stderr.contains("password"))
        let none = try await Self.bizingd(Self.flags(db: db), stdin: "", home: folder)
        #expect(none.status == 64, "stderr: \(none.stderr)")
        #expect(none.stderr.contains("no password given"))
        #expect(!FileManager.default.fileExists(atPath: db), "nothing was created")
    }
}
