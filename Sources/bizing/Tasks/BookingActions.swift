import ArgumentParser
import BizingAPI
import BizingClient
import BizingTools
import Foundation

/// What every command that changes one booking takes.
struct BookingChange: ParsableArguments {
    @Argument(help: "The booking's id.")
    var id: String

    @OptionGroup var change: ChangeOptions
    @OptionGroup var options: TaskOptions

    /// Makes the change (idempotently) and prints the booking: `title` and its summary, or JSON.
    func run(_ title: String, _ call: (TaskSession, String, [MetadataEntry]) async throws -> BookingV1.Booking) async throws {
        try await TaskSession.run(options) { session in
            let organization = try await session.organizationID()
            let booking = try await session.changing(change) { metadata in try await call(session, organization, metadata) }
            if options.json { return try session.printMessage(booking, BookingV1.Booking.descriptor) }
            print(BookingText(catalog: try await session.readCatalog()).summary(booking, title: title), terminator: "")
        }
    }
}

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a booking: its time is freed at once.",
        discussion: "A client cancels their own bookings where the organization allows it; staff cancel as the provider.")

    @Option(help: "Why (up to 500 characters).")
    var reason: String?

    @OptionGroup var booking: BookingChange

    func run() async throws {
        try await booking.run("Cancelled") { session, organization, metadata in
            try await session.bookings.cancel(
                BookingV1.CancelBookingRequest(organizationId: organization, bookingId: booking.id, reason: reason ?? ""), metadata: metadata, timeout: session.timeout)
        }
    }
}

struct RescheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reschedule", abstract: "Move a booking to another start: the new time is taken and the old freed together, or nothing changes.",
        discussion: #"--at is read in the booking's location's time zone, as for bizing book: bizing reschedule ID --at "2026-06-19 15:00""#)

    @Option(help: ArgumentHelp(#"The new start: "YYYY-MM-DD HH:MM" at the location, or an ISO 8601 instant."#, valueName: "time"))
    var at: String

    @Option(help: ArgumentHelp("A provider, room or asset wanted then, by slug or id (repeatable; default: those it has, where free).", valueName: "slug-or-id"))
    var provider: [String] = []

    @OptionGroup var booking: BookingChange

    func validate() throws {
        if WhenText(at) == nil { throw ValidationError(WhenText.refusal(at)) }
    }

    func run() async throws {
        try await booking.run("Rescheduled") { session, organization, metadata in
            let current = try await session.bookings.get(
                BookingV1.GetBookingRequest(organizationId: organization, bookingId: booking.id), metadata: session.metadata, timeout: session.timeout)
            var request = BookingV1.RescheduleBookingRequest(organizationId: organization, bookingId: booking.id)
            request.startTime = try TaskSession.instant(WhenText(at)!, in: try TaskSession.zone(current.timeZone))
            for provider in provider { request.bookableIds.append(try await session.bookableID(provider)) }
            return try await session.bookings.reschedule(request, metadata: metadata, timeout: session.timeout)
        }
    }
}

struct CheckInCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-in", abstract: "Check a confirmed booking in (everyone taking part, or one participant).")

    @Option(help: ArgumentHelp("Only this participant (its id, from bizing bookings show).", valueName: "id"))
    var participant: String?

    @OptionGroup var booking: BookingChange

    func run() async throws {
        try await booking.run("Checked in") { session, organization, metadata in
            try await session.bookings.checkIn(
                BookingV1.CheckInRequest(organizationId: organization, bookingId: booking.id, participantId: participant ?? ""), metadata: metadata, timeout: session.timeout)
        }
    }
}

/// The changes that name only the booking: confirm, complete, no-show.
protocol BookingAction {
    static var commandName: String { get }
    static var abstract: String { get }
    /// What the summary's first line says was done.
    static var done: String { get }
    static func call(_ bookings: BookingV1.Bookings.Client, _ request: BookingV1.BookingActionRequest, _ metadata: [MetadataEntry], _ timeout: Duration?) async throws -> BookingV1.Booking
}

struct BookingActionCommand<Action: BookingAction>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: Action.commandName, abstract: Action.abstract) }

    @OptionGroup var booking: BookingChange

    func run() async throws {
        try await booking.run(Action.done) { session, organization, metadata in
            try await Action.call(session.bookings, BookingV1.BookingActionRequest(organizationId: organization, bookingId: booking.id), metadata, session.timeout)
        }
    }
}

enum Confirm: BookingAction {
    static let commandName = "confirm", abstract = "Confirm a reserved booking (booking managers).", done = "Confirmed"
    static func call(_ bookings: BookingV1.Bookings.Client, _ request: BookingV1.BookingActionRequest, _ metadata: [MetadataEntry], _ timeout: Duration?) async throws -> BookingV1.Booking {
        try await bookings.confirm(request, metadata: metadata, timeout: timeout)
    }
}

enum Complete: BookingAction {
    static let commandName = "complete", abstract = "Complete a checked-in booking.", done = "Completed"
    static func call(_ bookings: BookingV1.Bookings.Client, _ request: BookingV1.BookingActionRequest, _ metadata: [MetadataEntry], _ timeout: Duration?) async throws -> BookingV1.Booking {
        try await bookings.complete(request, metadata: metadata, timeout: timeout)
    }
}

enum NoShow: BookingAction {
    static let commandName = "no-show", done = "Marked no-show:"
    static let abstract = "Mark a confirmed booking a no-show (from its start plus the grace period); frees its remaining time."
    static func call(_ bookings: BookingV1.Bookings.Client, _ request: BookingV1.BookingActionRequest, _ metadata: [MetadataEntry], _ timeout: Duration?) async throws -> BookingV1.Booking {
        try await bookings.markNoShow(request, metadata: metadata, timeout: timeout)
    }
}

