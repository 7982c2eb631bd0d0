import BizingAPI
import BizingClient
import BizingRPC
@testable import BizingServer
import BizingStore
import BizingWire
import Foundation
import Identity
import Testing

/// The embedded default's demo data: every demo person signs in with the
/// documented password and has the documented role; a second start seeds
/// nothing more.
@Suite struct DemoDataTests {
    @Test func everyDemoPersonSignsInWithTheirRole() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1)
        configuration.seedDemoData = true
        configuration.passwordParameters = fastScrypt
        configuration.synchronous = .normal
        let server = try await BizingServer.start(configuration)
        let client = try await RPCClient.connect(socketPath: configuration.socketPath)
        let sessions = IdentityV1.Sessions.Client(client)
        for person in DemoData.people {
            let signedIn = try await sessions.signIn(IdentityV1.SignInRequest(email: person.email, password: DemoData.password))
            let me = try await sessions.whoAmI(
                IdentityV1.WhoAmIRequest(), metadata: [MetadataEntry(key: "authorization", value: "Bearer \(signedIn.token)")])
            #expect(me.user?.name == person.name)
            #expect(me.memberships.map(\.organizationSlug) == (person.role == nil ? [] : [DemoData.organizationSlug]))
            if let role = person.role {
                #expect(me.memberships.first?.role == IdentityV1.Role(protobufValue: Int32(Role.allCases.firstIndex(of: role)! + 1)))
            } else {
                let households = try await IdentityV1.Households.Client(client).list(
                    IdentityV1.ListHouseholdsRequest(), metadata: [MetadataEntry(key: "authorization", value: "Bearer \(signedIn.token)")])
                #expect(households.households.map { $0.members.count } == [3], "the client's family: partner and child")
            }
        }
        try await client.close()
        try await server.stop()

        // The database is no longer empty: a second start leaves it alone.
        let again = try await BizingServer.start(configuration)
        #expect(try await DemoData.seedIfEmpty(again.database, passwordParameters: fastScrypt, logger: RPCServer.silentLogger) == false)
        try await again.stop()
    }
}
