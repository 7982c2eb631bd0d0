import Testing
import Foundation
import BizingAPI
import BizingClient
import BizingRPC
import BizingWire
@testable import BizingServer

@Suite struct ReflectionTests {
    func withSystem(_ body: (SystemV1.System.Client) async throws -> Void) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await BizingServer.start(ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1))
        let connection = try await RPCClient.connect(socketPath: server.configuration.socketPath)
        try await body(SystemV1.System.Client(connection))
        try await connection.close()
        try await server.stop()
    }

    @Test func healthListAndDescribe() async throws {
        try await withSystem { system in
            #expect(try await system.health(SystemV1.HealthRequest()).status == .serving)
            #expect(try await system.listServices(SystemV1.ListServicesRequest()).services == ["Bookings", "Holds"].map { "bizing.booking.v1.\($0)" } + ["Bookables", "Locations", "Packages", "Products", "Programs", "ServiceTemplates"].map { "bizing.catalog.v1.\($0)" } + [
                "Households", "Memberships", "Organizations", "ServiceTokens", "Sessions", "Users",
            ].map { "bizing.identity.v1.\($0)" } + ["Availability", "Calendars"].map { "bizing.scheduling.v1.\($0)" } + ["bizing.system.v1.System"])

            let service = try #require(try await system.describe(SystemV1.DescribeRequest(name: "bizing.system.v1.System")).service)
            #expect(service.methods.map(\.fullName) == [
                "bizing.system.v1.System/Ping", "bizing.system.v1.System/PingStream", "bizing.system.v1.System/Health",
                "bizing.system.v1.System/ListServices", "bizing.system.v1.System/Describe",
            ])
            #expect(service.documentation.hasPrefix("Ping, Health, ListServices and Describe answer without a token"))

            for name in ["bizing.system.v1.System/Ping", "bizing.system.v1.System.Ping"] {
                let method = try #require(try await system.describe(SystemV1.DescribeRequest(name: name)).method)
                #expect(method == SystemV1.MethodInfo(
                    fullName: "bizing.system.v1.System/Ping", inputType: "bizing.system.v1.PingRequest",
                    outputType: "bizing.system.v1.PingResponse", serverStreaming: false,
                    documentation: "Echoes the payload back: the cheapest call there is."))
            }

            let message = try #require(try await system.describe(SystemV1.DescribeRequest(name: "bizing.system.v1.FieldInfo")).message)
            #expect(message.fields.map(\.jsonName) == ["number", "name", "jsonName", "type"])
            #expect(message.fields[2] == SystemV1.FieldInfo(number: 3, name: "json_name", jsonName: "jsonName", type: "string"))

            let status = try #require(try await system.describe(SystemV1.DescribeRequest(name: "bizing.system.v1.HealthResponse.ServingStatus")).enumInfo)
            #expect(status.values.map(\.name) == ["SERVING_STATUS_UNSPECIFIED", "SERVING_STATUS_SERVING", "SERVING_STATUS_NOT_SERVING"])
        }
    }

    @Test func describeRefusesUnknownAndEmptyNames() async throws {
        try await withSystem { system in
            do {
                _ = try await system.describe(SystemV1.DescribeRequest(name: "bizing.nope.v1.Nope"))
                Issue.record("expected NOT_FOUND")
            } catch let status as RPCStatus {
                #expect(status.code == .notFound)
            }
            do {
                _ = try await system.describe(SystemV1.DescribeRequest())
                Issue.record("expected INVALID_ARGUMENT")
            } catch let status as RPCStatus {
                #expect(status.code == .invalidArgument)
                #expect(status.details.fieldViolations.map(\.field) == ["name"])
            }
        }
    }
}
