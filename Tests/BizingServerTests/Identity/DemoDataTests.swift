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
                // Chris's bookings: a massage with Priya (the deposit due) and a yoga class for two.
                let organizationID = try #require(try await sessions.whoAmI(
                    IdentityV1.WhoAmIRequest(), metadata: [MetadataEntry(key: "authorization", value: "Bearer \(signIn(sessions, DemoData.people[0].email))")]
                ).memberships.first?.organizationId)
                let mine = try await BookingV1.Bookings.Client(client).list(
                    BookingV1.ListBookingsRequest(organizationId: organizationID),
                    metadata: [MetadataEntry(key: "authorization", value: "Bearer \(signedIn.token)")])
                #expect(mine.bookings.map(\.status) == [.reserved, .confirmed])
                #expect(mine.bookings.map { $0.participants.map(\.name) } == [["Chris Client"], ["Chris Client", "Pat Client"]])
                #expect(mine.bookings.map { String($0.localStart.dropFirst(11).prefix(5)) } == ["11:00", "18:00"])
            }
        }
        try await expectTheSpaCatalog(client)
        try await client.close()
        try await server.stop()

        // The database is no longer empty: a second start leaves it alone.
        let again = try await BizingServer.start(configuration)
        #expect(try await DemoData.seedIfEmpty(again.database, passwordParameters: fastScrypt, logger: RPCServer.silentLogger) == false)
        try await again.stop()
    }

    private func signIn(_ sessions: IdentityV1.Sessions.Client, _ email: String) async throws -> String {
        try await sessions.signIn(IdentityV1.SignInRequest(email: email, password: DemoData.password)).token
    }

    /// The catalog a new user explores: two locations, every kind of
    /// bookable, appointment, class and rental templates (active), products,
    /// a package and a program; the demo manager runs downtown only.
    func expectTheSpaCatalog(_ client: RPCClient) async throws {
        let manager = try await IdentityV1.Sessions.Client(client).signIn(
            IdentityV1.SignInRequest(email: "manager@demo.bizing.dev", password: DemoData.password))
        let auth = [MetadataEntry(key: "authorization", value: "Bearer \(manager.token)")]
        let me = try await IdentityV1.Sessions.Client(client).whoAmI(IdentityV1.WhoAmIRequest(), metadata: auth)
        let organizationID = try #require(me.memberships.first?.organizationId)
        let locations = try await CatalogV1.Locations.Client(client).list(CatalogV1.ListLocationsRequest(organizationId: organizationID), metadata: auth)
        #expect(locations.locations.map(\.slug) == ["downtown", "riverside"])
        #expect(me.memberships.first?.locationIds == [locations.locations[0].id])

        let bookables = try await CatalogV1.Bookables.Client(client).list(
            CatalogV1.ListBookablesRequest(organizationId: organizationID), metadata: auth).bookables
        #expect(Set(bookables.map(\.kind)) == [.provider, .asset, .venue, .companyProvider])
        #expect(bookables.filter { $0.kind == .venue }.count == 3 && bookables.filter { $0.kind == .provider }.count == 3)
        #expect(bookables.allSatisfy { !$0.calendarId.isEmpty })
        let priya = try #require(bookables.first { $0.slug == "priya-patel" })
        #expect(priya.provider?.certifications.map(\.expired) == [false, true], "the lapsed CPR certificate is flagged")

        let templates = try await CatalogV1.ServiceTemplates.Client(client).list(
            CatalogV1.ListServiceTemplatesRequest(organizationId: organizationID), metadata: auth).serviceTemplates
        #expect(Set(templates.map(\.type)) == [.appointment, .class, .rental])
        #expect(templates.allSatisfy { $0.status == .active })
        let products = try await CatalogV1.Products.Client(client).list(CatalogV1.ListProductsRequest(organizationId: organizationID), metadata: auth)
        #expect(products.products.count == 4)
        let packages = try await CatalogV1.Packages.Client(client).list(CatalogV1.ListPackagesRequest(organizationId: organizationID), metadata: auth)
        #expect(packages.packages.map(\.originalValue) == [CatalogV1.Money(amountMinor: 47_500, currency: "USD")])
        let programs = try await CatalogV1.Programs.Client(client).list(CatalogV1.ListProgramsRequest(organizationId: organizationID), metadata: auth)
        #expect(programs.programs.map(\.sessions.count) == [6])
    }
}
