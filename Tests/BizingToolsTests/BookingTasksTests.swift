import BizingServer
import BizingStore
import BizingTools
import Foundation
import Identity
import Testing

/// The task commands (`bizing availability`, `book`, `bookings`, `cancel`)
/// run as built, against a live server with the demo data, signed in as the
/// demo client and as staff through `bizing login`.
@Suite struct BookingTasksTests {
    /// A server seeded with the demo spa (fast scrypt); `body` gets its socket.
    func withDemoServer(_ body: (String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-tasks-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1)
        configuration.passwordParameters = ScryptParameters(logN: 4, r: 8, p: 1)!
        configuration.seedDemoData = true
        try await CLITests.serving(configuration) { server in try await body(server.configuration.socketPath) }
    }

    /// A demo user signed in with `bizing login` in a home folder of their own:
    /// later runs in that home send their session.
    struct User {
        let socket: String
        let home: URL

        init(_ email: String, socket: String, in folder: URL) async throws {
            self.socket = socket
            home = folder.appendingPathComponent(email)
            let login = try await run(["login", "--email", email], stdin: DemoData.password + "\n")
            try #require(login.status == 0, "login \(email): \(login.stderr)")
        }

        func run(_ arguments: [String], stdin: String = "") async throws -> CLITests.Run {
            try await LoginTests.bizing(arguments, socket: socket, home: home, stdin: stdin)
        }

        /// The JSON a run printed on stdout (it must succeed).
        func json(_ arguments: [String]) async throws -> [String: Any] {
            let result = try await run(arguments)
            try #require(result.status == 0, "\(arguments): \(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
    }

    /// A Thursday a week or more ahead in New York (the README's THU): Priya works then.
    static var thursday: LocalDate {
        var day = LocalDate.today(in: TimeZone(identifier: "America/New_York")!).adding(days: 1)
        while day.weekdayAbbreviation != "Thu" { day = day.adding(days: 1) }
        return day.adding(days: 7)
    }

    /// The booking id a summary's first line names ("Booked <id>").
    static func bookingID(_ summary: String, _ title: String) throws -> String {
        let first = try #require(summary.split(separator: "\n").first)
        try #require(first.hasPrefix(title + " "), "\(summary)")
        return String(first.dropFirst(title.count + 1))
    }

    @Test func aClientAndStaffFindBookListAndCancelASlot() async throws {
        try await withDemoServer { socket in
            let folder = URL(fileURLWithPath: (socket as NSString).deletingLastPathComponent)
            let thu = Self.thursday.description
            // The ids a client needs (a client does not read the catalog): the owner looks them up.
            let owner = try await User("owner@demo.bizing.dev", socket: socket, in: folder)
            let me = try await owner.json(["identity", "sessions", "who-am-i", "--json-lines"])
            let org = try #require((me["memberships"] as? [[String: Any]])?.first?["organizationId"] as? String)
            let templates = try await owner.json(["catalog", "service-templates", "list", "--organization-id", org, "--json-lines"])
            let massage = try #require((templates["serviceTemplates"] as? [[String: Any]])?.first { $0["slug"] as? String == "swedish-massage-60" }?["id"] as? String)
            let locations = try await owner.json(["catalog", "locations", "list", "--organization-id", org, "--json-lines"])
            let downtown = try #require((locations["locations"] as? [[String: Any]])?.first { $0["slug"] as? String == "downtown" }?["id"] as? String)

            // The client: ids, not slugs.
            let client = try await User("client@demo.bizing.dev", socket: socket, in: folder)
            let clientID = try #require((try await client.json(["identity", "sessions", "who-am-i", "--json-lines"])["user"] as? [String: Any])?["id"] as? String)
            let bySlug = try await client.run(["availability", "--org", org, "--service", "swedish-massage-60", "--location", "downtown", "--date", thu])
            #expect(bySlug.status == 10 + 5, "\(bySlug.stderr)")
            #expect(bySlug.stderr.hasPrefix("NOT_FOUND: --service swedish-massage-60: "), "\(bySlug.stderr)")
            #expect(bySlug.stderr.contains("as a client, give the service template's id"))
            let noOrg = try await client.run(["availability", "--service", massage, "--location", downtown, "--date", thu])
            #expect(noOrg.status == 10 + 9, "\(noOrg.stderr)")
            #expect(noOrg.stderr.contains("give --org ORGANIZATION_ID"))

            let slotArguments = ["--org", org, "--service", massage, "--location", downtown]
            let table = try await client.run(["availability"] + slotArguments + ["--date", thu])
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasSuffix(": Thu \(thu), times in America/New_York") == true, "\(table.stdout)")
            #expect(lines.dropFirst().first?.hasPrefix("DATE        DAY  START  END    WITH") == true, "\(table.stdout)")
            #expect(lines.count > 2 && lines.dropFirst(2).allSatisfy { $0.hasPrefix("\(thu)  Thu  ") }, "\(table.stdout)")
            let search = try await client.json(["availability"] + slotArguments + ["--date", thu, "--limit", "3", "--json"])
            let slots = try #require(search["slots"] as? [[String: Any]])
            #expect(slots.count == 3)
            #expect(search["timeZone"] as? String == "America/New_York")
            let localStart = try #require(slots.first?["localStart"] as? String)   // 2026-12-03T10:00:00-05:00
            let at = "\(thu) \(LocalStamp(localStart).time)"

            // Book it, twice with one idempotency key: one booking.
            let key = UUID().uuidString
            let booked = try await client.run(["book"] + slotArguments + ["--at", at, "--idempotency-key", key, "--verbose"])
            #expect(booked.status == 0, "\(booked.stderr)")
            #expect(booked.stderr.contains("idempotency-key: \(key)"))
            let bookingID = try Self.bookingID(booked.stdout, "Booked")
            #expect(booked.stdout.contains("  status    reserved\n"), "a deposit is due: \(booked.stdout)")
            #expect(booked.stdout.contains("  when      Thu \(at)-"), "\(booked.stdout)")
            #expect(booked.stdout.contains(" America/New_York\n"))
            #expect(booked.stdout.contains("  length    60 min\n"))
            #expect(booked.stdout.contains("  for       Chris Client\n"))
            #expect(booked.stdout.contains("  price     95.00 USD\n"))
            let again = try await client.run(["book"] + slotArguments + ["--at", at, "--idempotency-key", key])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try Self.bookingID(again.stdout, "Booked") == bookingID, "the same key answers the first booking")

            // The slot is gone from a search; the booking is listed.
            let after = try await client.json(["availability"] + slotArguments + ["--date", thu, "--limit", "3", "--json"])
            #expect((after["slots"] as? [[String: Any]])?.first?["localStart"] as? String != localStart)
            let listed = try await client.run(["bookings", "--org", org])
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout.hasPrefix("ID "), "\(listed.stdout)")
            let row = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix(bookingID) }, "\(listed.stdout)")
            #expect(row.contains("Thu \(at)-") && row.contains("reserved") && row.contains("Chris Client") && row.contains("95.00 USD"))
            let shown = try await client.run(["bookings", "show", bookingID, "--org", org])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout.hasPrefix("Booking \(bookingID)\n"))
            #expect(shown.stdout.contains("Chris Client <client@demo.bizing.dev>, primary, confirmed"), "\(shown.stdout)")

            // A wall time New York skips is refused, naming the gap.
            let gap = try await client.run(["book"] + slotArguments + ["--at", "2026-03-08 02:30"])
            #expect(gap.status == 1, "\(gap.stderr)")
            #expect(gap.stderr == "--at: 2026-03-08 02:30 does not exist in America/New_York: the clocks go from 02:00 straight to 03:00 that day\n")

            let cancelled = try await client.run(["cancel", bookingID, "--org", org, "--reason", "Plans changed"])
            #expect(cancelled.status == 0, "\(cancelled.stderr)")
            #expect(try Self.bookingID(cancelled.stdout, "Cancelled") == bookingID)
            #expect(cancelled.stdout.contains("  status    cancelled\n") && cancelled.stdout.contains("  reason    Plans changed\n"), "\(cancelled.stdout)")
            let cancelledList = try await client.json(["bookings", "--org", org, "--status", "cancelled", "--json"])
            #expect((cancelledList["bookings"] as? [[String: Any]])?.map { $0["id"] as? String } == [bookingID])
            let cancelAgain = try await client.run(["cancel", bookingID, "--org", org])
            #expect(cancelAgain.status == 10 + 9, "a cancelled booking cannot be cancelled: \(cancelAgain.stderr)")
            #expect(cancelAgain.stderr.hasPrefix("FAILED_PRECONDITION: "))

            // A hold keeps the day's last slot, and says how to book it.
            let day = try await client.json(["availability"] + slotArguments + ["--date", thu, "--limit", "100", "--json"])
            let lastStart = try #require((day["slots"] as? [[String: Any]])?.last?["localStart"] as? String)
            let held = try await client.run(["book"] + slotArguments + ["--at", "\(thu) \(LocalStamp(lastStart).time)", "--hold"])
            #expect(held.status == 0, "\(held.stderr)")
            let holdID = try Self.bookingID(held.stdout, "Held")
            #expect(held.stdout.contains("  status    active\n") && held.stdout.contains("  book it   bizing book --org \(org) --from-hold \(holdID)\n"), "\(held.stdout)")
            let fromHold = try await client.run(["book", "--org", org, "--from-hold", holdID])
            #expect(fromHold.status == 0, "\(fromHold.stderr)")
            #expect(fromHold.stdout.hasPrefix("Booked "))

            // Staff: slugs, names, and booking for the client.
            let staff = try await User("staff@demo.bizing.dev", socket: socket, in: folder)
            let named = try await staff.run(["availability", "--service", "swedish-massage-60", "--location", "downtown", "--date", thu, "--limit", "2"])
            #expect(named.status == 0, "\(named.stderr)")
            #expect(named.stdout.hasPrefix("Swedish Massage (60 min) at Serenity Downtown: Thu \(thu), times in America/New_York\n"), "\(named.stdout)")
            #expect(named.stdout.contains("Priya Patel") || named.stdout.contains("Treatment Room"), "\(named.stdout)")
            #expect(named.stdout.hasSuffix("(more slots: raise --limit or narrow the dates)\n"))
            let forClient = try await staff.run(["book", "--service", "swedish-massage-60", "--location", "downtown", "--at", at, "--for", clientID])
            #expect(forClient.status == 0, "the freed slot again: \(forClient.stderr)")
            let staffBooking = try Self.bookingID(forClient.stdout, "Booked")
            #expect(forClient.stdout.contains("  service   Swedish Massage (60 min)\n") && forClient.stdout.contains("  location  Serenity Downtown\n"), "\(forClient.stdout)")
            #expect(forClient.stdout.contains("  for       Chris Client\n"))
            let unknownEmail = try await staff.run(["book", "--service", "swedish-massage-60", "--location", "downtown", "--at", at, "--for", "nobody@example.com"])
            #expect(unknownEmail.status == 10 + 5 && unknownEmail.stderr.contains("--guest \"Name <nobody@example.com>\""), "\(unknownEmail.stderr)")
            let agenda = try await staff.run(["bookings", "--location", "downtown", "--from", thu, "--to", thu])
            #expect(agenda.status == 0, "\(agenda.stderr)")
            let staffRows = agenda.stdout.split(separator: "\n").filter { $0.hasPrefix(staffBooking) }
            #expect(staffRows.count == 1 && staffRows[0].contains("Swedish Massage (60 min)") && staffRows[0].contains("Serenity Downtown"), "\(agenda.stdout)")
            let staffCancel = try await staff.run(["cancel", staffBooking, "--json"])
            #expect(staffCancel.status == 0, "\(staffCancel.stderr)")
            #expect(staffCancel.stdout.contains("\"status\" : \"BOOKING_STATUS_CANCELLED\""))
            #expect(staffCancel.stdout.contains("\"cancellationReason\"") == false)
        }
    }
}
