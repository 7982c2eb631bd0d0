import ArgumentParser
import BizingAPI
import BizingClient
import BizingRPC
import BizingTools
import Foundation

/// `bizing login`: signs in and saves the session token for this socket;
/// later commands send it.
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign in and save the session token for later commands.",
        discussion: """
            The password is read without echo from the terminal, or as the first line of standard input. \
            The token is saved in $BIZING_HOME/credentials.json (else ~/.bizing/credentials.json), \
            mode 0600, for this socket; every later command to the same socket sends it \
            (--token or $BIZING_TOKEN override it).
            """)

    @Option(help: "Your email address.")
    var email: String

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard let password = PasswordPrompt.read(prompt: "Password for \(email): ") else {
            throw ValidationError("no password given (type it at the prompt, or pipe it as the first line of stdin)")
        }
        let response = try await connection.withClient { client in
            try await IdentityV1.Sessions.Client(client).signIn(
                IdentityV1.SignInRequest(email: email, password: password), timeout: connection.duration)
        }
        // Signing in again replaces the saved session: end the old one, not leave it valid for days.
        if let previous = Credentials.token(for: connection.socketPath) {
            _ = try? await connection.withClient { client in
                try await IdentityV1.Sessions.Client(client).signOut(
                    IdentityV1.SignOutRequest(), metadata: [MetadataEntry(key: "authorization", value: "Bearer \(previous)")],
                    timeout: connection.duration)
            }
        }
        try Credentials.save(response.token, for: connection.socketPath)
        let user = response.user ?? IdentityV1.User()
        let expiry = response.expiresAt.map { ISO8601DateFormatter().string(from: $0) } ?? "never"
        print("signed in as \(user.name) <\(user.email)>; the session lasts until \(expiry)")
    }
}

/// `bizing logout`: ends the saved session and forgets its token.
struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sign out: end the saved session and forget its token.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard let token = Credentials.token(for: connection.socketPath) else {
            print("not signed in to \(connection.socketPath)")
            return
        }
        do {
            _ = try await connection.withClient { client in
                try await IdentityV1.Sessions.Client(client).signOut(
                    IdentityV1.SignOutRequest(), metadata: [MetadataEntry(key: "authorization", value: "Bearer \(token)")],
                    timeout: connection.duration)
            }
        } catch let exit as ExitCode where exit.rawValue == 10 + StatusCode.unauthenticated.rawValue {
            // Already expired or revoked: forgetting it is all that is left.
        }
        try Credentials.remove(for: connection.socketPath)
        print("signed out")
    }
}
