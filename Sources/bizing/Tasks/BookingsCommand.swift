import ArgumentParser
import BizingAPI
import BizingClient
import BizingTools
import Foundation

/// `bizing bookings`: the bookings the caller may see, as a table; `bizing bookings show ID`.
struct BookingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookings",
        abstract: "List bookings (from today on by default), or show one.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The bookings you may see, in start order: yours as a client, your locations' as staff.",
            discussion: """
                From --from (default: today) through --to (default: no end). Dates are read in the location's time zone \
                with --location, else the organization's (a member), \
                else your own preference's, else this machine's. Each row shows its location's local time.
                """)

        @OptionGroup var days: DayRange

        @Option(help: ArgumentHelp("Only these statuses (repeatable): reserved, pending, confirmed, checked-in, completed, cancelled, no-show.", valueName: "status"))
        var status: [String] = []

        @Option(help: ArgumentHelp("Only at this location, by slug or id.", valueName: "slug-or-id"))
        var location: String?

        @Option(help: ArgumentHelp("Only those assigned this provider (or room, asset), by slug or id.", valueName: "slug-or-id"))
        var provider: String?

        @Flag(help: "Only those you take part in or booked.")
        var mine = false

        @Option(help: "Show at most this many.")
        var limit: Int = 200

        @OptionGroup var options: TaskOptions

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
            _ = try statuses()
        }

        func statuses() throws -> [BookingV1.BookingStatus] {
            let descriptor = BookingV1.BookingStatus.descriptor
            return try status.map { text in
                do {
                    let name = try schemaJSON.enumValueName(text, of: descriptor.name)
                    return BookingV1.BookingStatus(protobufValue: Int32(descriptor.values.first { $0.name == name }!.number))
                } catch {
                    throw ValidationError("--status: \(error)")
                }
            }
        }

        func run() async throws {
            try await TaskSession.run(options) { session in
                var request = BookingV1.ListBookingsRequest(organizationId: try await session.organizationID(), statuses: try statuses())
                if let location { request.locationId = try await session.locationID(location) }
                if let provider { request.bookableId = try await session.bookableID(provider) }
                if mine {
                    guard let me = try await session.whoAmI().user else { throw TaskFailure("--mine: a service token takes part in no booking") }
                    request.userId = me.id
                }
                let zone = try await session.listingZone(location: request.locationId)
                let first = days.first ?? LocalDate.today(in: zone)
                request.fromTime = LocalDateTime(date: first, hour: 0, minute: 0).resolve(in: zone).earliest
                request.toTime = days.last.map { LocalDateTime(date: $0.adding(days: 1), hour: 0, minute: 0).resolve(in: zone).earliest }
                session.note("from \(first)\(days.last.map { " through \($0)" } ?? " on"), in \(zone.identifier)")

                let (bookings, more) = try await TaskSession.pages(limit: limit) { token in
                    request.pageToken = token
                    request.pageSize = UInt32(min(limit, 500))
                    let page = try await session.bookings.list(request, metadata: session.metadata, timeout: session.timeout)
                    return (page.bookings, page.nextPageToken)
                }
                if options.json {
                    try session.printMessage(BookingV1.ListBookingsResponse(bookings: bookings), BookingV1.ListBookingsResponse.descriptor)
                    return
                }
                guard !bookings.isEmpty else {
                    print("no bookings")
                    return
                }
                let text = BookingText(catalog: try await session.readCatalog())
                var table = TextTable(BookingText.columns)
                for booking in bookings { table.append(text.row(booking)) }
                print(table.rendered(), terminator: "")
                if more { print("(more bookings: raise --limit or narrow the filters)") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One booking in full: its participants, times and history.")

        @Argument(help: "The booking's id.")
        var id: String

        @OptionGroup var options: TaskOptions

        func run() async throws {
            try await TaskSession.run(options) { session in
                let booking = try await session.bookings.get(
                    BookingV1.GetBookingRequest(organizationId: try await session.organizationID(), bookingId: id), metadata: session.metadata, timeout: session.timeout)
                if options.json { return try session.printMessage(booking, BookingV1.Booking.descriptor) }
                print(BookingText(catalog: try await session.readCatalog()).summary(booking, title: "Booking", detailed: true), terminator: "")
            }
        }
    }
}

extension TaskSession {
    /// The zone a listing's dates are read in: the location's, the
    /// organization's (a member reads it), the caller's preference, this machine's.
    func listingZone(location: String) async throws -> TimeZone {
        let catalog = try await readCatalog()
        if let zone = catalog.locations.first(where: { $0.id == location }).flatMap({ TimeZone(identifier: $0.timeZone) }) { return zone }
        if try await isMember(),
           let organization = try? await IdentityV1.Organizations.Client(rpc).get(
               IdentityV1.GetOrganizationRequest(organizationId: try await organizationID()), metadata: metadata, timeout: timeout),
           let zone = TimeZone(identifier: organization.timeZone) {
            return zone
        }
        if let preferred = try await whoAmI().user?.preferences?.timeZone, let zone = TimeZone(identifier: preferred) { return zone }
        return .current
    }
}
