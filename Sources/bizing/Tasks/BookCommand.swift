import ArgumentParser
import BizingAPI
import BizingClient
import BizingTools
import Foundation

/// `bizing book`: books a slot (or holds it), and says what was booked.
struct BookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Book a slot (or hold it with --hold) and print what was booked.",
        discussion: """
            --at is the location's wall time, "YYYY-MM-DD HH:MM", read in its time zone (a time the clocks skip is refused; \
            one they repeat means its first occurrence), or an ISO 8601 instant. Without --for or --guest you book for yourself. \
            Every booking sends a fresh idempotency-key (--verbose shows it; --idempotency-key repeats one safely). \
            Example: bizing book --service swedish-massage-60 --location downtown --at "2026-06-18 14:00"
            """)

    @OptionGroup var slot: SlotOptions

    @Option(help: ArgumentHelp(#"The start: "YYYY-MM-DD HH:MM" at the location, or an ISO 8601 instant."#, valueName: "time"))
    var at: String?

    @Option(name: .customLong("for"), help: ArgumentHelp("Who takes part: a user's id or email (repeatable; default: you).", valueName: "user"))
    var people: [String] = []

    @Option(help: ArgumentHelp(#"Someone without an account taking part: "Name <email>" (repeatable)."#, valueName: "guest"))
    var guest: [String] = []

    @Option(help: ArgumentHelp("The household you book its members through (default: the one you share with them).", valueName: "id"))
    var household: String?

    @Option(help: "Notes for the location (up to 2,000 characters).")
    var notes: String?

    @Flag(help: "Staff: a walk-in at the desk (may start sooner than the calendars' minimum advance).")
    var walkIn = false

    @Flag(help: "Hold the slot instead (for the template's hold minutes), to book later with --from-hold.")
    var hold = false

    @Option(help: ArgumentHelp("With --hold, a class: the seats to keep (default 1).", valueName: "n"))
    var seats: UInt32?

    @Option(help: ArgumentHelp("Book the slot a hold of yours keeps (then no --service, --at, ...).", valueName: "hold-id"))
    var fromHold: String?

    @OptionGroup var change: ChangeOptions
    @OptionGroup var options: TaskOptions

    func validate() throws {
        if fromHold != nil {
            let slotFlags = slot.given + [("--at", at != nil), ("--hold", hold), ("--seats", seats != nil)].filter(\.1).map(\.0)
            if let flag = slotFlags.first { throw ValidationError("--from-hold books the hold's slot: leave out \(flag)") }
            return
        }
        guard slot.service != nil else { throw ValidationError("--service is required (or --from-hold)") }
        guard let at else { throw ValidationError("--at is required (or --from-hold)") }
        if WhenText(at) == nil { throw ValidationError(WhenText.refusal(at)) }
        if hold {
            let bookingFlags = [("--for", !people.isEmpty), ("--guest", !guest.isEmpty), ("--household", household != nil), ("--notes", notes != nil), ("--walk-in", walkIn)]
            if let (flag, _) = bookingFlags.first(where: \.1) { throw ValidationError("--hold keeps a slot only: give \(flag) when you book it (--from-hold)") }
        } else if seats != nil {
            throw ValidationError("--seats goes with --hold (a booking takes a seat per participant)")
        }
        for entry in guest where GuestAddress(entry) == nil { throw ValidationError(#"--guest takes "Name <email>", got '\#(entry)'"#) }
    }

    func run() async throws {
        try await TaskSession.run(options) { session in
            let organization = try await session.organizationID()
            if hold {
                let choice = try await slotChoice(session)
                let held = try await session.changing(change) { metadata in
                    try await BookingV1.Holds.Client(session.rpc).holdSlot(
                        BookingV1.HoldSlotRequest(organizationId: organization, slot: choice, seats: seats ?? 0), metadata: metadata, timeout: session.timeout)
                }
                if options.json { return try session.printMessage(held, BookingV1.Hold.descriptor) }
                print(BookingText(catalog: try await session.readCatalog()).summary(held), terminator: "")
                return
            }
            var request = BookingV1.CreateBookingRequest(organizationId: organization, notes: notes ?? "", source: walkIn ? .walkIn : .unspecified)
            if let fromHold { request.holdId = fromHold } else { request.slot = try await slotChoice(session) }
            let (participants, shared) = try await session.participants(people, guests: guest.compactMap(GuestAddress.init))
            request.participants = participants
            request.householdId = household ?? shared ?? ""
            let booking = try await session.changing(change) { metadata in
                try await session.bookings.create(request, metadata: metadata, timeout: session.timeout)
            }
            if options.json { return try session.printMessage(booking, BookingV1.Booking.descriptor) }
            print(BookingText(catalog: try await session.readCatalog()).summary(booking, title: "Booked"), terminator: "")
        }
    }

    /// The slot asked for: ids resolved, --at read in the location's zone.
    func slotChoice(_ session: TaskSession) async throws -> BookingV1.SlotChoice {
        let (template, location, bookables) = try await slot.resolve(session)
        var choice = BookingV1.SlotChoice(serviceTemplateId: template, locationId: location, bookableIds: bookables,
                                          durationMinutes: slot.duration ?? 0, nights: slot.nights ?? 0)
        let when = WhenText(at!)!
        var zone = TimeZone(identifier: "UTC")!
        if case .local(let wall) = when { zone = try await session.zone(template: template, location: location, on: wall.date) }
        choice.startTime = try TaskSession.instant(when, in: zone)
        session.note("--at \(at!): \(LocalStamp(choice.startTime!, in: zone).text)")
        return choice
    }
}

extension TaskSession {
    /// `--for` (ids, or emails of you, your households' members or the
    /// organization's members) and guests as participants; and the household
    /// shared with the first of them who is in one with you.
    func participants(_ people: [String], guests: [GuestAddress]) async throws -> (participants: [BookingV1.Participant], household: String?) {
        var participants: [BookingV1.Participant] = []
        var household: String?
        if !people.isEmpty {
            let me = try await whoAmI().user
            let households = (try? await IdentityV1.Households.Client(rpc).list(IdentityV1.ListHouseholdsRequest(), metadata: metadata, timeout: timeout).households) ?? []
            var directory: [(id: String, email: String)]?
            for person in people {
                var id = person.lowercased()
                if UUID(uuidString: person) == nil {
                    guard person.contains("@") else { throw TaskFailure("--for \(person): give a user's id or email address (someone without an account: --guest)") }
                    if directory == nil { directory = try await emailDirectory(households) }
                    guard let found = directory!.first(where: { $0.email.caseInsensitiveCompare(person) == .orderedSame }) else {
                        throw RPCStatus(.notFound, "--for \(person): no user you may see has this email (you, your households' members, your organization's members): give their user id, or --guest \"Name <\(person)>\" for someone without an account")
                    }
                    id = found.id
                    note("--for \(person): \(id)")
                }
                if household == nil, id != me?.id, let shared = households.first(where: { $0.members.contains { $0.userId == id } }) {
                    household = shared.id
                    note("household: \(shared.name) (\(shared.id))")
                }
                participants.append(BookingV1.Participant(userId: id))
            }
        }
        participants += guests.map { BookingV1.Participant(name: $0.name, email: $0.email, role: .guest) }
        return (participants, household)
    }

    /// The users whose email the caller may read: themself, their
    /// households' members, and (a member) the organization's members.
    private func emailDirectory(_ households: [IdentityV1.Household]) async throws -> [(id: String, email: String)] {
        var directory: [(id: String, email: String)] = []
        if let me = try await whoAmI().user { directory.append((me.id, me.email)) }
        let users = IdentityV1.Users.Client(rpc)
        for id in Set(households.flatMap(\.members).map(\.userId)) where !directory.contains(where: { $0.id == id }) {
            if let user = try? await users.get(IdentityV1.GetUserRequest(userId: id), metadata: metadata, timeout: timeout), !user.email.isEmpty {
                directory.append((user.id, user.email))
            }
        }
        if try await isMember() {
            let organization = try await organizationID()
            let (metadata, timeout) = (metadata, timeout)
            directory += try await Self.pages { token in
                let page = try await users.listMembers(IdentityV1.ListMembersRequest(organizationId: organization, pageSize: 200, pageToken: token), metadata: metadata, timeout: timeout)
                return (page.members.compactMap(\.user).map { ($0.id, $0.email) }, page.nextPageToken)
            }.items
        }
        return directory
    }
}
