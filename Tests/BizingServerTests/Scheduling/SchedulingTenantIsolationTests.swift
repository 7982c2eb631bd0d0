import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import NIOCore
import Testing

/// Two organizations, each a `SchedulingWorld` (tagged "one" and "two") with
/// calendar settings, an override, blocked time and a booking. Organization
/// 1's credentials (its owner's and admin's sessions and an admin service
/// token) never reach organization 2's scheduling:
///
/// - every call naming 2's bookables, templates, locations or blocked
///   times answers NOT_FOUND with no details, under 2's organization_id or
///   1's own, and its message names nothing of 2's; except that 1's users
///   may search 2's offering under 2's id, as any client may (1's service
///   token may not);
/// - 1's searches and checks of its own objects carry nothing of 2's, and a
///   search naming 2's bookable answers as for an id that does not exist;
/// - 2's scheduling rows in the SQLite file are byte for byte what they were.
@Suite struct SchedulingTenantIsolationTests {
    fileprivate struct Tenant: Sendable {
        let world: SchedulingWorld
        let blockedID: String
        let everywhere: String
        /// Its sessions and service token, by name.
        let credentials: [(String, String)]

        var org: CatalogOrganization { world.org }
        var bookables: [String] { world.providers.map(\.id) + [world.room.id] }
        /// Words only this tenant's data carries: names, slugs, reasons.
        var words: [String] {
            world.providers.map(\.name) + world.providers.map(\.slug) + [world.room.name, world.room.slug, world.template.name, world.template.slug,
                                                                          world.location.name, world.location.slug, "secret of \(world.org.id)"]
        }
    }

    fileprivate static func tenant(_ h: CatalogHarness, _ tag: String) async throws -> Tenant {
        let w = try await h.schedulingWorld(tag: tag)
        _ = try await h.updateCalendar(w.p1, SchedulingV1.Calendar(preBufferMinutes: 15), mask: ["pre_buffer_minutes"], in: w.org)
        _ = try await h.addOverride(w.p1, SchedulingV1.DateOverride(date: "2026-06-04", type: .closed, reason: "secret of \(w.org.id)"), in: w.org)
        let blocked = try await h.block(
            w.room.id, SchedulingSample.blocked(SchedulingTime.at("2026-06-03", "12:00"), SchedulingTime.at("2026-06-03", "13:00"), reason: "secret of \(w.org.id)"),
            in: w.org)
        _ = try await h.reserve([w.p2, w.room.id], on: "2026-06-02", from: "10:00", to: "11:00", template: w.template.id, in: w.org)
        let everywhere = try await h.activate(SchedulingSample.template("\(tag)-everywhere", at: ""), in: w.org)
        let organizationID = UUID(uuidString: w.org.id)!
        let admin = try await h.member(of: w.org, "\(tag) Admin", role: .admin)
        let service = try await h.identity.fixtures.issueServiceToken(organizationID: organizationID, name: "\(tag)-sync", role: .admin).1
        return Tenant(world: w, blockedID: blocked.id, everywhere: everywhere.id,
                      credentials: [("owner", w.org.token), ("admin", admin.token), ("service token", service)])
    }

    fileprivate static func withTenants(_ body: (CatalogHarness, Tenant, Tenant) async throws -> Void) async throws {
        try await CatalogHarness.scheduling { h in
            let one = try await tenant(h, "one")
            let two = try await tenant(h, "two")
            try await body(h, one, two)
        }
    }

    typealias Call = (label: String, method: MethodDescriptor, request: any Encodable & Sendable)

    /// Every call naming one of `victim`'s objects, under `organization` (the victim's id or the attacker's).
    fileprivate static func attacks(on victim: Tenant, from attacker: Tenant, organization: String) -> [Call] {
        let w = victim.world
        var calls: [Call] = []
        for bookable in victim.bookables {
            calls += [
                ("Get \(bookable)", SchedulingV1.Calendars.get, SchedulingV1.GetCalendarRequest(organizationId: organization, bookableId: bookable)),
                ("Update \(bookable)", SchedulingV1.Calendars.update, SchedulingV1.UpdateCalendarRequest(
                    organizationId: organization, bookableId: bookable, calendar: SchedulingV1.Calendar(slotIntervalMinutes: 5), updateMask: ["slot_interval_minutes"])),
                ("AddOverride \(bookable)", SchedulingV1.Calendars.addOverride, SchedulingV1.AddOverrideRequest(
                    organizationId: organization, bookableId: bookable, dateOverride: SchedulingV1.DateOverride(date: "2026-06-05", type: .closed))),
                ("RemoveOverride \(bookable)", SchedulingV1.Calendars.removeOverride,
                 SchedulingV1.RemoveOverrideRequest(organizationId: organization, bookableId: bookable, date: "2026-06-04")),
                ("AddBlockedTime \(bookable)", SchedulingV1.Calendars.addBlockedTime, SchedulingV1.AddBlockedTimeRequest(
                    organizationId: organization, bookableId: bookable,
                    blockedTime: SchedulingSample.blocked(SchedulingTime.at("2026-06-02", "09:00"), SchedulingTime.at("2026-06-02", "17:00")))),
                ("RemoveBlockedTime \(bookable)", SchedulingV1.Calendars.removeBlockedTime,
                 SchedulingV1.RemoveBlockedTimeRequest(organizationId: organization, bookableId: bookable, blockedTimeId: victim.blockedID)),
                ("ListBlockedTimes \(bookable)", SchedulingV1.Calendars.listBlockedTimes,
                 SchedulingV1.ListBlockedTimesRequest(organizationId: organization, bookableId: bookable)),
                ("CheckInterval \(bookable)", SchedulingV1.Availability.checkInterval, SchedulingV1.CheckIntervalRequest(
                    organizationId: organization, bookableIds: [bookable], startTime: SchedulingTime.at("2026-06-02", "10:00"),
                    endTime: SchedulingTime.at("2026-06-02", "11:00"))),
                ("CheckInterval own and \(bookable)", SchedulingV1.Availability.checkInterval, SchedulingV1.CheckIntervalRequest(
                    organizationId: organization, bookableIds: [attacker.world.p1, bookable], startTime: SchedulingTime.at("2026-06-02", "10:00"),
                    endTime: SchedulingTime.at("2026-06-02", "11:00"))),
            ]
        }
        // The victim's blocked time through one of the attacker's own bookables.
        calls.append(("RemoveBlockedTime via own bookable", SchedulingV1.Calendars.removeBlockedTime,
                      SchedulingV1.RemoveBlockedTimeRequest(organizationId: organization, bookableId: attacker.world.p1, blockedTimeId: victim.blockedID)))
        for template in [w.template.id, victim.everywhere] {
            calls.append(("SearchAvailability \(template)", SchedulingV1.Availability.searchAvailability, SchedulingV1.SearchAvailabilityRequest(
                organizationId: organization, serviceTemplateId: template, locationId: w.location.id, fromDate: "2026-06-02", toDate: "2026-06-05")))
        }
        // The attacker's template offered everywhere, at the victim's location.
        calls.append(("SearchAvailability at \(w.location.id)", SchedulingV1.Availability.searchAvailability, SchedulingV1.SearchAvailabilityRequest(
            organizationId: organization, serviceTemplateId: attacker.everywhere, locationId: w.location.id, fromDate: "2026-06-02", toDate: "2026-06-05")))
        return calls
    }

    @Test(arguments: [false, true])
    func callsNamingTheOtherOrganizationsObjectsAreNotFound(underOwnOrganization: Bool) async throws {
        try await Self.withTenants { h, one, two in
            let before = try await h.schedulingSnapshot(organizationID: two.org.id)
            #expect(before.count == 5, "two's settings, override, blocked time and two reserved rows")
            let calls = Self.attacks(on: two, from: one, organization: underOwnOrganization ? one.org.id : two.org.id)
            #expect(calls.count == 3 * 9 + 4)
            var mismatches: [String] = []
            for (name, token) in one.credentials {
                // A signed-in user may search another organization's offering as its client: not an attack.
                let asClient = !underOwnOrganization && name != "service token"
                for (label, method, request) in calls {
                    let search = method.fullName == SchedulingV1.Availability.searchAvailability.fullName && !label.hasPrefix("SearchAvailability at")
                    do {
                        _ = try await h.identity.client.unary(method.fullName, request: try Self.encoded(request), metadata: IdentityHarness.metadata(token))
                        if !(asClient && search) { mismatches.append("\(name) \(label): answered OK") }
                    } catch let status as RPCStatus {
                        if status.code != .notFound { mismatches.append("\(name) \(label): \(status), expected NOT_FOUND") }
                        if !status.details.fieldViolations.isEmpty { mismatches.append("\(name) \(label): the refusal carries \(status.details)") }
                        for word in two.words where status.message.contains(word) {
                            mismatches.append("\(name) \(label): the message names \(word)")
                        }
                    }
                }
                // The stream too.
                for template in [two.world.template.id, two.everywhere] {
                    var request = two.world.search("2026-06-02", "2026-09-30", template: template)
                    request.organizationId = underOwnOrganization ? one.org.id : two.org.id
                    request.locationId = two.world.location.id
                    let status = await h.streamStatus(request, token: token)
                    if status != (asClient ? .ok : .notFound) {
                        mismatches.append("\(name) StreamAvailability \(template): \(status), expected \(asClient ? "OK" : "NOT_FOUND")")
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
            #expect(try await h.schedulingSnapshot(organizationID: two.org.id) == before, "organization 2's scheduling rows changed")
        }
    }

    @Test func searchesAndChecksOfOnesOwnCarryNothingOfTheOthers() async throws {
        try await Self.withTenants { h, one, two in
            let before = try await h.schedulingSnapshot(organizationID: two.org.id)
            let w = one.world
            for (name, token) in one.credentials {
                // Its search, shaped by its own data only: the first provider's 15-minute pre-buffer gives 09:00 to the
                // second; its booking takes the room at 10:00 on Tuesday; its blocked time the room at 12:00 on
                // Wednesday; the first provider is closed on Thursday. Two's identical data changes nothing here.
                let found = try await h.search(w.search("2026-06-02", "2026-06-05"), token: token)
                let day = { (date: String, times: [String], provider: String) in AvailabilityFlowTests.day(date, times, provider, w.room.id) }
                let expected = day("2026-06-02", ["09:00"], w.p2) + day("2026-06-02", ["11:00", "12:00", "13:00", "14:00", "15:00", "16:00"], w.p1)
                    + day("2026-06-03", ["09:00"], w.p2) + day("2026-06-03", ["10:00", "11:00", "13:00", "14:00", "15:00", "16:00"], w.p1)
                    + day("2026-06-04", AvailabilityFlowTests.hourly, w.p2)
                    + day("2026-06-05", ["09:00"], w.p2) + day("2026-06-05", Array(AvailabilityFlowTests.hourly.dropFirst()), w.p1)
                #expect(found.slots == expected, "\(name)")
                let streamed = try await h.stream(w.search("2026-06-02", "2026-06-05"), token: token)
                #expect(streamed.flatMap(\.slots) == expected, "\(name)")
                // The everywhere template at its own location.
                var anywhere = w.search("2026-06-02", "2026-06-05", template: one.everywhere)
                anywhere.locationId = w.location.id
                #expect(try await h.search(anywhere, token: token).slots == expected, "\(name)")
                let text = String(decoding: try Self.encoded(found).readableBytesView, as: UTF8.self)
                for id in two.bookables + [two.org.id, two.world.location.id] where text.contains(id) {
                    Issue.record("\(name): the search carries \(id) of the other organization")
                }
                // Its check: only its own conflicts.
                let check = try await h.check(
                    [w.p1, w.room.id], SchedulingTime.at("2026-06-03", "12:00"), SchedulingTime.at("2026-06-03", "13:00"), in: one.org, token: token)
                #expect(check.conflicts.map(\.bookableId) == [w.room.id] && check.conflicts.map(\.blockedTimeId) == [one.blockedID], "\(name)")
                // Its blocked times: its own only.
                let listed = try await h.allBlockedTimes(SchedulingV1.ListBlockedTimesRequest(organizationId: one.org.id, bookableId: w.room.id), token: token)
                #expect(listed.times.map(\.id) == [one.blockedID], "\(name)")

                // Naming the other's bookable in a search answers exactly as naming one that does not exist.
                let theirs = try await h.failure(SchedulingV1.Availability.searchAvailability, w.search("2026-06-02", "2026-06-05", bookables: [two.world.p1]), token: token)
                let nobody = try await h.failure(
                    SchedulingV1.Availability.searchAvailability, w.search("2026-06-02", "2026-06-05", bookables: [UUID().uuidString.lowercased()]), token: token)
                #expect(theirs.code == .invalidArgument && theirs.details == nobody.details && theirs.message == nobody.message, "\(name)")
            }
            #expect(try await h.schedulingSnapshot(organizationID: two.org.id) == before)
        }
    }

    private static func encoded(_ message: any Encodable & Sendable) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try ProtobufEncoder().encode(message, into: &buffer)
        return buffer
    }
}
