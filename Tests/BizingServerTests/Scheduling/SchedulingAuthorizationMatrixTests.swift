import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import Foundation
import Identity
import Testing

/// Every Scheduling RPC x every kind of caller, over the real socket and the
/// real SQLite file: the status each gets for a valid request, and that a
/// refused call leaves the scheduling tables (calendar_settings,
/// calendar_overrides, blocked_times, reserved_times) byte for byte as they were.
///
/// The rule (CalendarAccess): members and the organization's service tokens
/// read calendars and search; owners, admins and an admin service token
/// change every calendar, a manager those of bookables at the locations they
/// manage, a provider their own; everyone else in the organization is
/// PERMISSION_DENIED; a stranger to it NOT_FOUND; no credential UNAUTHENTICATED.
/// Searches are the exception: any signed-in user may search an
/// organization's offering (clients book what they find), so the owner of
/// another organization searches this one as a client.
///
/// The target is one provider's bookable at location A (its provider is the
/// `.provider` caller). The in-scope manager manages A, the out-of-scope one
/// B; the other provider has a bookable of their own at A.
@Suite struct SchedulingAuthorizationMatrixTests {
    fileprivate enum Caller: String, CaseIterable, CustomStringConvertible, Sendable {
        case none, garbage
        /// The owner of another organization, naming this one's objects.
        case otherOrganization
        case owner, admin
        case managerInScope, managerOutOfScope
        case staff
        /// The provider whose bookable it is.
        case provider
        /// A provider with a bookable of their own at the same location.
        case otherProvider
        /// An admin service token of the organization, and a staff one.
        case service, staffService

        var description: String { rawValue }
    }

    fileprivate typealias Request = any Encodable & Sendable

    fileprivate struct Row: CustomStringConvertible, Sendable {
        let method: MethodDescriptor
        let expected: [Caller: StatusCode]
        /// A valid request; the caller's index keeps each cell's values its own. Fixtures it needs are made here, by the owner.
        let request: @Sendable (MatrixWorld, Int) async throws -> Request

        init(_ method: MethodDescriptor, _ expected: [Caller: StatusCode], request: @escaping @Sendable (MatrixWorld, Int) async throws -> Request) {
            self.method = method
            self.expected = expected
            self.request = request
        }

        var mutates: Bool { expected[.staff] == .permissionDenied }
        var description: String { method.fullName }
    }

    // MARK: - Expectations

    fileprivate static let reads: [Caller: StatusCode] = [
        .none: .unauthenticated, .garbage: .unauthenticated, .otherOrganization: .notFound,
        .owner: .ok, .admin: .ok, .managerInScope: .ok, .managerOutOfScope: .ok, .staff: .ok, .provider: .ok, .otherProvider: .ok,
        .service: .ok, .staffService: .ok,
    ]

    fileprivate static let changes: [Caller: StatusCode] = [
        .none: .unauthenticated, .garbage: .unauthenticated, .otherOrganization: .notFound,
        .owner: .ok, .admin: .ok, .managerInScope: .ok, .provider: .ok, .service: .ok,
        .managerOutOfScope: .permissionDenied, .staff: .permissionDenied, .otherProvider: .permissionDenied, .staffService: .permissionDenied,
    ]

    /// Searches: every signed-in user, as a client or a member.
    fileprivate static let searches: [Caller: StatusCode] = reads.merging([.otherOrganization: .ok]) { _, client in client }

    // MARK: - Rows

    fileprivate static let rows: [Row] = [
        Row(SchedulingV1.Calendars.get, reads) { w, _ in
            SchedulingV1.GetCalendarRequest(organizationId: w.org.id, bookableId: w.target)
        },
        Row(SchedulingV1.Calendars.update, changes) { w, cell in
            SchedulingV1.UpdateCalendarRequest(
                organizationId: w.org.id, bookableId: w.target, calendar: SchedulingV1.Calendar(preBufferMinutes: UInt32(cell + 1)),
                updateMask: ["pre_buffer_minutes"])
        },
        Row(SchedulingV1.Calendars.addOverride, changes) { w, cell in
            SchedulingV1.AddOverrideRequest(
                organizationId: w.org.id, bookableId: w.target, dateOverride: SchedulingV1.DateOverride(date: "2026-07-\(10 + cell)", type: .closed))
        },
        Row(SchedulingV1.Calendars.removeOverride, changes) { w, cell in
            let date = "2026-08-\(10 + cell)"
            _ = try await w.h.addOverride(w.target, SchedulingV1.DateOverride(date: date, type: .closed, reason: "to remove"), in: w.org)
            return SchedulingV1.RemoveOverrideRequest(organizationId: w.org.id, bookableId: w.target, date: date)
        },
        Row(SchedulingV1.Calendars.addBlockedTime, changes) { w, cell in
            let start = SchedulingTime.at("2026-06-10", "09:00").addingTimeInterval(TimeInterval(cell * 3_600))
            return SchedulingV1.AddBlockedTimeRequest(
                organizationId: w.org.id, bookableId: w.target, blockedTime: SchedulingSample.blocked(start, start.addingTimeInterval(1_800)))
        },
        Row(SchedulingV1.Calendars.removeBlockedTime, changes) { w, cell in
            let start = SchedulingTime.at("2026-06-11", "09:00").addingTimeInterval(TimeInterval(cell * 3_600))
            // Added by the provider it belongs to: they may remove what they added (what others added: see providersKeepToTheirAvailability).
            let providerToken = try await w.token(.provider)
            let blocked = try await w.h.block(
                w.target, SchedulingSample.blocked(start, start.addingTimeInterval(1_800), reason: "to remove"), in: w.org, token: providerToken)
            return SchedulingV1.RemoveBlockedTimeRequest(organizationId: w.org.id, bookableId: w.target, blockedTimeId: blocked.id)
        },
        Row(SchedulingV1.Calendars.listBlockedTimes, reads) { w, _ in
            SchedulingV1.ListBlockedTimesRequest(organizationId: w.org.id, bookableId: w.target)
        },
        Row(SchedulingV1.Availability.searchAvailability, searches) { w, _ in
            SchedulingV1.SearchAvailabilityRequest(organizationId: w.org.id, serviceTemplateId: w.template, fromDate: "2026-06-02", toDate: "2026-06-05")
        },
        Row(SchedulingV1.Availability.streamAvailability, searches) { w, _ in
            SchedulingV1.SearchAvailabilityRequest(organizationId: w.org.id, serviceTemplateId: w.template, fromDate: "2026-06-02", toDate: "2026-09-30")
        },
        Row(SchedulingV1.Availability.checkInterval, reads) { w, _ in
            SchedulingV1.CheckIntervalRequest(
                organizationId: w.org.id, bookableIds: [w.target, w.room], startTime: SchedulingTime.at("2026-06-02", "10:00"),
                endTime: SchedulingTime.at("2026-06-02", "11:00"))
        },
    ]

    static var schedulingServices: [ServiceDescriptor] { BizingSchema.services.filter { $0.name.hasPrefix("bizing.scheduling.v1.") } }

    // MARK: - Tests

    @Test func everyRowCoversEveryCaller() {
        for row in Self.rows {
            #expect(Set(row.expected.keys) == Set(Caller.allCases), "\(row)")
        }
    }

    @Test func theRowsCoverEverySchedulingMethod() {
        let methods = Self.schedulingServices.flatMap(\.methods).map(\.fullName)
        #expect(Self.schedulingServices.map(\.name).sorted() == ["bizing.scheduling.v1.Availability", "bizing.scheduling.v1.Calendars"])
        #expect(methods.count == 10)
        #expect(Self.rows.map(\.method.fullName).sorted() == methods.sorted(), "one row per method")
    }

    /// One server and one world; every row's cells run one after another on it.
    @Test func statusesMatchTheMatrix() async throws {
        try await CatalogHarness.scheduling { h in
            let world = try await MatrixWorld.make(h)
            var tokens: [Caller: String?] = [:]
            for caller in Caller.allCases { tokens[caller] = try await world.token(caller) }
            var mismatches: [String] = []
            for row in Self.rows {
                for (cell, caller) in Caller.allCases.enumerated() {
                    let request = try await row.request(world, cell)
                    let before = try await h.schedulingSnapshot()
                    let token = tokens[caller]!
                    let status = row.method.serverStreaming
                        ? await h.streamStatus(request as! SchedulingV1.SearchAvailabilityRequest, token: token)
                        : await h.identity.status(row.method, request, token: token)
                    let expected = row.expected[caller]!
                    if status != expected {
                        mismatches.append("\(row) \(caller): got \(status), expected \(expected)")
                    }
                    let after = try await h.schedulingSnapshot()
                    if status != .ok, after != before {
                        mismatches.append("\(row) \(caller): refused with \(status) but the scheduling tables changed")
                    }
                    if status == .ok, row.mutates, after == before {
                        mismatches.append("\(row) \(caller): answered OK but wrote nothing")
                    }
                    if status == .ok, !row.mutates, after != before {
                        mismatches.append("\(row) \(caller): a read changed the scheduling tables")
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        }
    }

    /// A provider's bookable may name its user id in any case (Catalog keeps
    /// it as sent): the provider still manages their own calendar.
    @Test func aProviderManagesTheirOwnCalendarWhateverTheCaseOfTheirUserID() async throws {
        try await CatalogHarness.scheduling { h in
            let org = try await h.organization()
            let studio = try await h.create(CatalogSample.location("studio"), in: org)
            let person = try await h.member(of: org, "Pat Provider", role: .provider)
            let bookable = try await h.create(CatalogSample.provider("pat", at: studio.id, userID: person.id.uppercased()), in: org)
            #expect(bookable.provider?.userId == person.id.uppercased(), "the catalog keeps the id as sent")
            let updated = try await h.updateCalendar(bookable.id, SchedulingV1.Calendar(postBufferMinutes: 10), mask: ["post_buffer_minutes"], in: org,
                                                     token: person.token)
            #expect(updated.postBufferMinutes == 10)
        }
    }

    /// A provider changes their own availability, not its prices nor what
    /// others decided: special pricing, cascading (premium prices) and
    /// blocked time a manager added are refused to them, allowed to the manager.
    @Test func providersKeepToTheirAvailability() async throws {
        try await CatalogHarness.scheduling { h in
            let w = try await MatrixWorld.make(h)
            let provider = try await w.token(.provider)!
            let manager = try await w.token(.managerInScope)!
            let pricing = SchedulingV1.DateOverride(date: "2026-06-20", type: .specialPricing, pricingMultiplierBasisPoints: 100_000)
            func code(_ method: MethodDescriptor, _ request: some Encodable & Sendable, _ token: String) async -> StatusCode {
                await h.code(method, request, token: token)
            }
            let add = SchedulingV1.AddOverrideRequest(organizationId: w.org.id, bookableId: w.target, dateOverride: pricing)
            #expect(await code(SchedulingV1.Calendars.addOverride, add, provider) == .permissionDenied)
            #expect(await code(SchedulingV1.Calendars.addOverride, add, manager) == .ok)
            let remove = SchedulingV1.RemoveOverrideRequest(organizationId: w.org.id, bookableId: w.target, date: "2026-06-20")
            #expect(await code(SchedulingV1.Calendars.removeOverride, remove, provider) == .permissionDenied, "nor remove one")
            let replace = SchedulingV1.AddOverrideRequest(
                organizationId: w.org.id, bookableId: w.target, dateOverride: SchedulingV1.DateOverride(date: "2026-06-20", type: .closed))
            #expect(await code(SchedulingV1.Calendars.addOverride, replace, provider) == .permissionDenied, "nor replace one with another kind of day")
            let closed = SchedulingV1.AddOverrideRequest(
                organizationId: w.org.id, bookableId: w.target, dateOverride: SchedulingV1.DateOverride(date: "2026-06-21", type: .closed))
            #expect(await code(SchedulingV1.Calendars.addOverride, closed, provider) == .ok, "closing a day is availability")
            let cascade = SchedulingV1.UpdateCalendarRequest(
                organizationId: w.org.id, bookableId: w.target,
                calendar: SchedulingV1.Calendar(cascading: SchedulingV1.Cascading(enabled: true, initialOpenSlots: 2, premiumMultiplierBasisPoints: 30_000)),
                updateMask: ["cascading"])
            #expect(await code(SchedulingV1.Calendars.update, cascade, provider) == .permissionDenied)
            #expect(await code(SchedulingV1.Calendars.update, cascade, manager) == .ok)
            let start = SchedulingTime.at("2026-06-22", "09:00")
            let meeting = try await h.block(w.target, SchedulingSample.blocked(start, start.addingTimeInterval(3_600), reason: "staff meeting"), in: w.org,
                                            token: manager)
            let unblock = SchedulingV1.RemoveBlockedTimeRequest(organizationId: w.org.id, bookableId: w.target, blockedTimeId: meeting.id)
            #expect(await code(SchedulingV1.Calendars.removeBlockedTime, unblock, provider) == .permissionDenied)
            #expect(await code(SchedulingV1.Calendars.removeBlockedTime, unblock, manager) == .ok)
        }
    }
}

// MARK: - Fixtures

/// One organization with locations A and B, the target provider's bookable
/// and a room at A, an active template there, a member in every role, and
/// another organization's owner.
fileprivate struct MatrixWorld: Sendable {
    let h: CatalogHarness
    let org: CatalogOrganization
    let target: String
    let room: String
    let template: String
    let members: [SchedulingAuthorizationMatrixTests.Caller: UUID]
    let otherOwner: UUID
    let organizationID: UUID

    static func make(_ h: CatalogHarness) async throws -> MatrixWorld {
        let org = try await h.organization("Matrix Org")
        let organizationID = UUID(uuidString: org.id)!
        let a = try await h.create(CatalogSample.location("site-a"), in: org)
        let b = try await h.create(CatalogSample.location("site-b"), in: org)
        let (locationA, locationB) = (UUID(uuidString: a.id)!, UUID(uuidString: b.id)!)
        var members: [SchedulingAuthorizationMatrixTests.Caller: UUID] = [.owner: UUID(uuidString: org.ownerID)!]
        let people: [(SchedulingAuthorizationMatrixTests.Caller, Role, MembershipScope)] = [
            (.admin, .admin, .allLocations), (.managerInScope, .manager, .locations([locationA])), (.managerOutOfScope, .manager, .locations([locationB])),
            (.staff, .staff, .allLocations), (.provider, .provider, .locations([locationA])), (.otherProvider, .provider, .locations([locationA])),
        ]
        for (caller, role, scope) in people {
            let person = try await h.identity.user(caller.rawValue)
            _ = try await h.identity.fixtures.addMembership(organizationID: organizationID, userID: person.record.id, role: role, scope: scope)
            members[caller] = person.record.id
        }
        let target = try await h.create(CatalogSample.provider("target", at: a.id, userID: members[.provider]!.lowercasedString), in: org)
        _ = try await h.create(CatalogSample.provider("other", at: a.id, userID: members[.otherProvider]!.lowercasedString), in: org)
        let room = try await h.create(CatalogSample.venue("room", at: a.id), in: org)
        let template = try await h.activate(SchedulingSample.template("massage", at: a.id), in: org)
        let otherOwner = try await h.identity.user("Other Owner")
        _ = try await h.identity.organization(slug: "other", owner: otherOwner.record.id)
        return MatrixWorld(
            h: h, org: org, target: target.id, room: room.id, template: template.id, members: members, otherOwner: otherOwner.record.id,
            organizationID: organizationID)
    }

    func token(_ caller: SchedulingAuthorizationMatrixTests.Caller) async throws -> String? {
        switch caller {
        case .none: nil
        case .garbage: "bzs_not-a-token"
        case .otherOrganization: try await h.identity.fixtures.openSession(userID: otherOwner)
        case .service: try await h.identity.fixtures.issueServiceToken(organizationID: organizationID, name: "matrix-admin", role: .admin).1
        case .staffService: try await h.identity.fixtures.issueServiceToken(organizationID: organizationID, name: "matrix-staff", role: .staff).1
        default: try await h.identity.fixtures.openSession(userID: members[caller]!)
        }
    }
}
