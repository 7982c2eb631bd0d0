import BizingAPI
import BizingRPC
import BizingServer
import BizingStore
import BizingWire
import Foundation
import Identity
import Logging
import Synchronization
import Testing

/// Keeps every log line the server writes, at every level (after
/// Tests/BizingRPCTests/LogRecorder.swift).
final class SecretScanLog: Sendable {
    struct Entry: Sendable {
        let level: Logger.Level
        let label: String
        let message: String
        let metadata: [String: String]
        let source: String

        /// Everything the entry would print, in one string.
        var rendered: String {
            "\(level) \(label) \(source) \(message) " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }

    private let entries = Mutex<[Entry]>([])
    var all: [Entry] { entries.withLock { $0 } }

    func logger() -> Logger {
        var logger = Logger(label: "secrets-test") { label in RecordingHandler(recorder: self, label: label) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    private struct RecordingHandler: LogHandler {
        let recorder: SecretScanLog
        let label: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            recorder.append(Entry(
                level: event.level, label: label, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }, source: event.source))
        }
    }
}

@Suite struct SecretsAtRestTests {
    /// No password or token appears in plain text in the database file (with
    /// its -wal and -shm) or in the logs, at trace level, after registrations,
    /// sign-ins, a password change, token issuing and revoking, and calls with
    /// bogus tokens.
    @Test func noPasswordOrTokenIsStoredOrLoggedInPlainText() async throws {
        let log = SecretScanLog()
        let h = try await IdentityHarness.start(logger: log.logger())
        var passwords: [String] = []
        var tokens: [String] = []
        let registrar = try await h.user("Registrar")
        tokens.append(registrar.token)

        // Two people register with distinctive passwords and sign in.
        let people = [("Quinn Quokka", "quinn@example.com", "Zx7-Quokka-Plaintext-4417"), ("Rae Raven", "rae@example.com", "Raven_Secret_Word_9932!")]
        var sessions: [String] = []
        for (name, email, password) in people {
            passwords.append(password)
            let _: IdentityV1.User = try await h.call(
                IdentityV1.Users.register, IdentityV1.RegisterRequest(email: email, name: name, password: password), token: registrar.token)
            let signedIn = try await h.signIn(email, password)
            tokens.append(signedIn.token)
            sessions.append(signedIn.token)
        }
        // A refused registration (the password is too short) and failed sign-ins.
        let tooShort = "Qk9!zv"
        let wrong = "Wrong-Guess-Plaintext-5521"
        passwords += [tooShort, wrong]
        #expect(await h.status(
            IdentityV1.Users.register, IdentityV1.RegisterRequest(email: "shorty@example.com", name: "Shorty", password: tooShort),
            token: registrar.token) == .invalidArgument)
        #expect(await h.status(IdentityV1.Sessions.signIn, IdentityV1.SignInRequest(email: "quinn@example.com", password: wrong), token: nil) == .unauthenticated)
        #expect(await h.status(IdentityV1.Sessions.signIn, IdentityV1.SignInRequest(email: "nobody@example.com", password: wrong), token: nil) == .unauthenticated)

        // Quinn changes her password (a wrong current one first).
        let changed = "Pelican-Brand-New-Plaintext-8080"
        let wrongCurrent = "Not-Quinns-Current-3141"
        passwords += [changed, wrongCurrent]
        #expect(await h.status(
            IdentityV1.Users.update, IdentityV1.UpdateUserRequest(newPassword: changed, currentPassword: wrongCurrent), token: sessions[0]
        ) == .invalidArgument)
        let _: IdentityV1.User = try await h.call(
            IdentityV1.Users.update, IdentityV1.UpdateUserRequest(newPassword: changed, currentPassword: people[0].2), token: sessions[0])
        tokens.append(try await h.signIn("quinn@example.com", changed).token)

        // She founds an organization and issues service tokens; one is revoked.
        let organization: IdentityV1.Organization = try await h.call(
            IdentityV1.Organizations.create,
            IdentityV1.CreateOrganizationRequest(slug: "quokka-\(UUID().uuidString.prefix(6).lowercased())", name: "Quokka Spa", timeZone: "Europe/Paris", currency: "EUR"),
            token: sessions[0])
        var serviceTokens: [IdentityV1.CreateServiceTokenResponse] = []
        for (name, role) in [("exporter", IdentityV1.Role.admin), ("kiosk", .staff)] {
            let created: IdentityV1.CreateServiceTokenResponse = try await h.call(
                IdentityV1.ServiceTokens.create, IdentityV1.CreateServiceTokenRequest(organizationId: organization.id, name: name, role: role),
                token: sessions[0])
            serviceTokens.append(created)
            tokens.append(created.token)
            #expect(try await h.whoAmI(created.token).kind == .service)
        }
        let _: IdentityV1.ServiceToken = try await h.call(
            IdentityV1.ServiceTokens.revoke, IdentityV1.RevokeServiceTokenRequest(serviceTokenId: serviceTokens[1].serviceToken!.id),
            token: sessions[0])
        #expect(await h.status(IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: serviceTokens[1].token) == .unauthenticated)

        // Rae signs out; then her token, and bogus ones, are refused.
        let _: IdentityV1.SignOutResponse = try await h.call(IdentityV1.Sessions.signOut, IdentityV1.SignOutRequest(), token: sessions[1])
        let bogus = [
            SecretToken.generate(.session).rendered, SecretToken.generate(.service).rendered,
            "bzs_not-a-real-token-but-quite-distinctive-77", "Plainly-Bogus-Bearer-Value-1234",
        ]
        tokens += bogus
        for token in [sessions[1]] + bogus {
            #expect(await h.status(IdentityV1.Sessions.whoAmI, IdentityV1.WhoAmIRequest(), token: token) == .unauthenticated)
            #expect(await h.status(IdentityV1.Users.get, IdentityV1.GetUserRequest(), token: token) == .unauthenticated)
        }

        // Everything the scan looks for: each password, each token, and each
        // token's base64 body without its prefix.
        var needles = passwords.map { ("password", $0) }
        for token in tokens {
            needles.append(("token", token))
            if token.hasPrefix("bzs_") || token.hasPrefix("bzt_") { needles.append(("token body", String(token.dropFirst(4)))) }
        }

        let database = h.server.configuration.databasePath
        let files = [database, database + "-wal", database + "-shm"]
        func scanFiles(_ moment: String) throws -> Data {
            var everything = Data()
            for path in files {
                guard let bytes = FileManager.default.contents(atPath: path) else { continue }
                everything.append(bytes)
                for (kind, needle) in needles {
                    #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(moment): a \(kind) is in \((path as NSString).lastPathComponent)")
                }
            }
            return everything
        }

        // While the server runs (the WAL holds the recent writes)...
        let running = try scanFiles("while running")
        // ...and after it stopped (checkpointed into the main file).
        try await h.client.close()
        try await h.server.stop()
        try h.fixtures.store.close()
        let stopped = try scanFiles("after stopping")
        try? FileManager.default.removeItem(at: h.folder)

        // The scan saw the data: the people's addresses are in the files.
        for bytes in [running, stopped] {
            #expect(bytes.range(of: Data("quinn@example.com".utf8)) != nil)
            #expect(bytes.range(of: Data("Rae Raven".utf8)) != nil)
        }

        let lines = log.all.map(\.rendered)
        // The scan saw the calls: one "call finished" line each, refusals included.
        #expect(log.all.filter { $0.message == "call finished" }.count >= 20, "\(lines.count) lines")
        #expect(log.all.contains { $0.message == "call finished" && ($0.metadata["code"] ?? "").lowercased().contains("unauthenticated") })
        for line in lines {
            for (kind, needle) in needles {
                #expect(!line.contains(needle), "a \(kind) is logged: \(line)")
            }
        }
    }
}
