import ArgumentParser
import BizingTools

/// What every task command takes.
struct TaskOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The organization, by slug or id (default: $BIZING_ORG, else your first membership). A client, who has no membership, gives its id.",
        valueName: "slug-or-id"))
    var org: String?

    @Flag(help: "Print the server's answer as JSON instead of text.")
    var json = false

    @Flag(help: "Say on stderr what the names resolved to and the idempotency key sent.")
    var verbose = false

    @OptionGroup var connection: ConnectionOptions
}

/// What every task command that changes something takes.
struct ChangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The idempotency-key to send (default: a fresh UUID; --verbose shows it). Repeating a command with the same key answers the first result and changes nothing again.",
        valueName: "key"))
    var idempotencyKey: String?
}

/// The slot's service, place and bookables, as `availability` and `book` take them.
struct SlotOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The service template, by slug or id (a client gives the id).", valueName: "slug-or-id"))
    var service: String?

    @Option(help: ArgumentHelp("The location, by slug or id: needed when the service is offered at every location.", valueName: "slug-or-id"))
    var location: String?

    @Option(help: ArgumentHelp("A provider, room or asset wanted, by slug or id (repeatable); the rest are assigned as a search assigns them.", valueName: "slug-or-id"))
    var provider: [String] = []

    @Option(help: ArgumentHelp("A variable-length service: the minutes (default: its minimum).", valueName: "minutes"))
    var duration: UInt32?

    @Option(help: ArgumentHelp("A stay: the nights (default: its minimum).", valueName: "n"))
    var nights: UInt32?

    /// The flags given, by name.
    var given: [String] {
        [("--service", service != nil), ("--location", location != nil), ("--provider", !provider.isEmpty), ("--duration", duration != nil),
         ("--nights", nights != nil)].filter(\.1).map(\.0)
    }

    /// Ids for the slugs: the template, the location (empty: the template's own), the bookables.
    func resolve(_ session: TaskSession) async throws -> (template: String, location: String, bookables: [String]) {
        guard let service else { throw ValidationError("--service is required") }
        let template = try await session.templateID(service)
        var place = ""
        if let location { place = try await session.locationID(location) }
        var bookables: [String] = []
        for provider in provider { bookables.append(try await session.bookableID(provider)) }
        return (template, place, bookables)
    }
}

/// Local days, both included.
struct DayRange: ParsableArguments {
    @Option(help: ArgumentHelp("The first day (YYYY-MM-DD).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("The last day, included (YYYY-MM-DD).", valueName: "date"))
    var to: String?

    var first: LocalDate? { from.flatMap(LocalDate.init) }
    var last: LocalDate? { to.flatMap(LocalDate.init) }

    func validate() throws {
        for (flag, value) in [("--from", from), ("--to", to)] {
            if let value, LocalDate(value) == nil { throw ValidationError("\(flag) takes a day as YYYY-MM-DD, got '\(value)'") }
        }
        if let first, let last, last < first { throw ValidationError("--to is before --from") }
    }
}
