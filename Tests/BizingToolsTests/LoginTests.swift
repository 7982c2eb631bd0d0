import BizingServer
import BizingStore
import BizingTools
import Foundation
import Identity
import Testing

/// `bizing login` and `bizing logout` against a live server, with the data
/// folder (BIZING_HOME) in a temp folder and no BIZING_TOKEN: the saved
/// session is the only credential the later commands have.
@Suite struct LoginTests {
    /// Runs the built `bizing` with exactly this socket and home, and no token
    /// in the environment, on a dispatch thread.
    static func bizing(_ arguments: [String], socket: String, home: URL, stdin: String = "") async throws -> CLITests.Run {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("bizing")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build bizing first (swift build)")
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let run = try ProgramRun.run(
                        binary, arguments, environment: ["BIZING_SOCKET": socket, "BIZING_HOME": home.path, "BIZING_TOKEN": nil], stdin: stdin)
                    return CLITests.Run(status: run.status, stdout: run.stdout, stderr: run.stderr)
                })
            }
        }
    }

    /// A server on a fresh database bootstrapped as CLITests does (owner@example.com,
    /// "correct horse battery"), fast scrypt; `body` gets the socket and a home folder that does not exist yet.
    func withServer(_ body: (String, URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-login-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1)
        configuration.passwordParameters = ScryptParameters(logN: 4, r: 8, p: 1)!
        try await CLITests.serving(configuration) { server in
            _ = try await CLITests.bootstrap(databasePath: server.configuration.databasePath)
            try await body(server.configuration.socketPath, folder.appendingPathComponent("home"))
        }
    }

    static let password = "correct horse battery"
    static let unauthenticated: Int32 = 10 + 16

    static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// The tokens credentials.json holds, by socket.
    static func savedTokens(_ home: URL) throws -> [String: String] {
        let data = try #require(FileManager.default.contents(atPath: home.appendingPathComponent("credentials.json").path))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["sockets"] as? [String: String])
    }

    @Test func loginSavesAPrivateSessionThatLaterCommandsSendAndLogoutRevokes() async throws {
        try await withServer { socket, home in
            let login = try await Self.bizing(["login", "--email", "owner@example.com"], socket: socket, home: home, stdin: Self.password + "\n")
            #expect(login.status == 0, "stderr: \(login.stderr)")
            #expect(login.stdout.contains("signed in as Olive Owner <owner@example.com>"), "\(login.stdout)")
            #expect(!login.stdout.contains(Self.password) && !login.stderr.contains(Self.password))

            let credentials = home.appendingPathComponent("credentials.json").path
            #expect(try Self.mode(home.path) == 0o700)
            #expect(try Self.mode(credentials) == 0o600)
            let saved = try Self.savedTokens(home)
            #expect(saved.count == 1)
            let token = try #require(saved.values.first)
            #expect(token.hasPrefix("bzs_") && token.count == 47)
            #expect(!login.stdout.contains(token), "the token goes to the file only")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: home.path)
            #expect(leftovers == ["credentials.json"], "no temporary file is left behind")

            // Later commands send the saved session without --token.
            let who = try await Self.bizing(["identity", "sessions", "who-am-i"], socket: socket, home: home)
            #expect(who.status == 0, "stderr: \(who.stderr)")
            #expect(who.stdout.contains("PRINCIPAL_KIND_USER"), "\(who.stdout)")
            #expect(who.stdout.contains("owner@example.com"))
            #expect(who.stdout.contains("cli-test"), "the owner's membership")

            let logout = try await Self.bizing(["logout"], socket: socket, home: home)
            #expect(logout.status == 0, "stderr: \(logout.stderr)")
            #expect(logout.stdout.contains("signed out"))
            #expect(try Self.savedTokens(home).isEmpty, "the token is forgotten")
            #expect(try Self.mode(credentials) == 0o600)

            // The session itself was ended on the server, not only forgotten here.
            let revoked = try await Self.bizing(["identity", "sessions", "who-am-i", "--token", token], socket: socket, home: home)
            #expect(revoked.status == Self.unauthenticated, "stderr: \(revoked.stderr)")
            #expect(revoked.stderr.hasPrefix("UNAUTHENTICATED: "))
            let anonymous = try await Self.bizing(["identity", "sessions", "who-am-i"], socket: socket, home: home)
            #expect(anonymous.status == Self.unauthenticated)
            #expect(anonymous.stderr.contains("bizing login"), "the hint to sign in")

            let again = try await Self.bizing(["logout"], socket: socket, home: home)
            #expect(again.status == 0)
            #expect(again.stdout.contains("not signed in"))
        }
    }

    @Test func aWrongPasswordExits26AndSavesNothing() async throws {
        try await withServer { socket, home in
            let wrong = try await Self.bizing(["login", "--email", "owner@example.com"], socket: socket, home: home, stdin: "not the password\n")
            #expect(wrong.status == Self.unauthenticated, "stderr: \(wrong.stderr)")
            #expect(wrong.stderr.hasPrefix("UNAUTHENTICATED: "))
            #expect(wrong.stdout.isEmpty)
            let unknown = try await Self.bizing(["login", "--email", "nobody@example.com"], socket: socket, home: home, stdin: Self.password + "\n")
            #expect(unknown.status == Self.unauthenticated)
            #expect(unknown.stderr == wrong.stderr, "the same answer for an unknown email")
            #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("credentials.json").path))

            let noPassword = try await Self.bizing(["login", "--email", "owner@example.com"], socket: socket, home: home, stdin: "")
            #expect(noPassword.status == 64, "stderr: \(noPassword.stderr)")
            #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("credentials.json").path))

            // A later good login works and replaces nothing but its own socket's entry.
            let right = try await Self.bizing(["login", "--email", "owner@example.com"], socket: socket, home: home, stdin: Self.password + "\n")
            #expect(right.status == 0, "stderr: \(right.stderr)")
            #expect(try Self.savedTokens(home).count == 1)
        }
    }
}
