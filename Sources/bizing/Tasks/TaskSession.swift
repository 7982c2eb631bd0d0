import ArgumentParser
import BizingAPI
import BizingClient
import BizingRPC
import BizingTools
import BizingWire
import Foundation

/// The task commands (availability, book, bookings, cancel, ...): written
/// by hand over the generated client, for people rather than for the schema.
enum TaskCommands {
    static let all: [any ParsableCommand.Type] = [
        AvailabilityCommand.self, BookCommand.self, BookingsCommand.self, CancelCommand.self, RescheduleCommand.self,
        BookingActionCommand<Confirm>.self, CheckInCommand.self, BookingActionCommand<Complete>.self, BookingActionCommand<NoShow>.self,
    ]
}

/// A local mistake found after parsing (a wall time the clocks skip): printed, exit status 1.
struct TaskFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// One task command's conversation with the server: the organization, the
/// catalog's slugs and names (read once, members only), who the caller is.
final class TaskSession {
    let rpc: RPCClient
    let options: TaskOptions
    private var identity: IdentityV1.WhoAmIResponse?
    private var organization: String?
    private var catalog: Catalog?

    var metadata: [MetadataEntry] { options.connection.metadata }
    var timeout: Duration? { options.connection.duration }
    var bookings: BookingV1.Bookings.Client { BookingV1.Bookings.Client(rpc) }

    private init(_ rpc: RPCClient, _ options: TaskOptions) {
        self.rpc = rpc
        self.options = options
    }

    /// Runs `body` connected: an RPC error prints as the generated commands
    /// print it (exit status 10 + its code), a `TaskFailure` with status 1.
    static func run(_ options: TaskOptions, _ body: (TaskSession) async throws -> Void) async throws {
        do {
            try await options.connection.withClient { client in try await body(TaskSession(client, options)) }
        } catch let failure as TaskFailure {
            printError(failure.message)
            throw ExitCode(1)
        }
    }

    func note(_ text: @autoclosure () -> String) {
        if options.verbose { printError(text()) }
    }

    /// Prints a message as the generated commands print it: proto3 JSON.
    func printMessage<Message: Encodable>(_ message: Message, _ descriptor: MessageDescriptor) throws {
        try printJSON(try schemaJSON.decode(try ProtobufEncoder().encode(message), as: descriptor.name))
    }

    // MARK: Who and where

    func whoAmI() async throws -> IdentityV1.WhoAmIResponse {
        if let identity { return identity }
        let answer = try await IdentityV1.Sessions.Client(rpc).whoAmI(IdentityV1.WhoAmIRequest(), metadata: metadata, timeout: timeout)
        identity = answer
        return answer
    }

    private func memberships() async throws -> [IdentityV1.Membership] {
        try await whoAmI().memberships.filter { $0.status != .invited && $0.status != .inactive }
    }

    /// --org (a slug among the caller's memberships, or an id), $BIZING_ORG, or the first membership.
    func organizationID() async throws -> String {
        if let organization { return organization }
        let environment = ProcessInfo.processInfo.environment["BIZING_ORG"].flatMap { $0.isEmpty ? nil : $0 }
        let resolved: String
        if let asked = options.org ?? environment {
            if UUID(uuidString: asked) != nil {
                resolved = asked.lowercased()
            } else if let membership = try await memberships().first(where: { $0.organizationSlug == asked }) {
                resolved = membership.organizationId
            } else {
                throw RPCStatus(.notFound, "organization \(asked): you are a member of none with this slug (a client, who has no membership, gives the organization's id)")
            }
        } else {
            let mine = try await memberships()
            guard let first = mine.first else {
                throw RPCStatus(.failedPrecondition, "you are a member of no organization: give --org ORGANIZATION_ID (or set BIZING_ORG); a client books with the id the organization gives out")
            }
            if mine.count > 1 { note("organization: \(first.organizationSlug), the first of your \(mine.count) memberships (--org chooses)") }
            resolved = first.organizationId
        }
        organization = resolved
        return resolved
    }

    /// Whether the caller works for the organization (and so reads its catalog).
    func isMember() async throws -> Bool {
        let organization = try await organizationID()
        return try await memberships().contains { $0.organizationId == organization }
    }

    // MARK: The catalog

    /// What the catalog says of the organization's templates, locations and bookables.
    struct Catalog {
        var templates: [CatalogV1.ServiceTemplate] = []
        var locations: [CatalogV1.Location] = []
        var bookables: [CatalogV1.Bookable] = []

        func templateName(_ id: String) -> String { templates.first { $0.id == id }?.name ?? id }
        func locationName(_ id: String) -> String { locations.first { $0.id == id }?.name ?? id }
        func bookableName(_ id: String) -> String { bookables.first { $0.id == id }?.name ?? id }
    }

    /// The catalog, read once: every page of each list. Empty for a client,
    /// who does not read it (names then show as ids).
    func readCatalog() async throws -> Catalog {
        if let catalog { return catalog }
        var read = Catalog()
        if try await isMember() {
            let organization = try await organizationID()
            let (metadata, timeout) = (metadata, timeout)
            let templates = CatalogV1.ServiceTemplates.Client(rpc), locations = CatalogV1.Locations.Client(rpc), bookables = CatalogV1.Bookables.Client(rpc)
            read.templates = try await Self.pages { token in
                let page = try await templates.list(CatalogV1.ListServiceTemplatesRequest(organizationId: organization, pageSize: 200, pageToken: token), metadata: metadata, timeout: timeout)
                return (page.serviceTemplates, page.nextPageToken)
            }.items
            read.locations = try await Self.pages { token in
                let page = try await locations.list(CatalogV1.ListLocationsRequest(organizationId: organization, pageSize: 200, pageToken: token), metadata: metadata, timeout: timeout)
                return (page.locations, page.nextPageToken)
            }.items
            read.bookables = try await Self.pages { token in
                let page = try await bookables.list(CatalogV1.ListBookablesRequest(organizationId: organization, pageSize: 200, pageToken: token), metadata: metadata, timeout: timeout)
                return (page.bookables, page.nextPageToken)
            }.items
        }
        catalog = read
        return read
    }

    /// The id `text` names: an id as it is, or a slug of the catalog (members only).
    func templateID(_ text: String) async throws -> String {
        try await resolve(text, flag: "--service", noun: "service template") { $0.templates.map { ($0.id, $0.slug) } }
    }

    func locationID(_ text: String) async throws -> String {
        try await resolve(text, flag: "--location", noun: "location") { $0.locations.map { ($0.id, $0.slug) } }
    }

    func bookableID(_ text: String) async throws -> String {
        try await resolve(text, flag: "--provider", noun: "bookable") { $0.bookables.map { ($0.id, $0.slug) } }
    }

    private func resolve(_ text: String, flag: String, noun: String, _ entries: (Catalog) -> [(id: String, slug: String)]) async throws -> String {
        if UUID(uuidString: text) != nil { return text.lowercased() }
        guard try await isMember() else {
            throw RPCStatus(.notFound, "\(flag) \(text): slugs are looked up in the organization's catalog, which only its members read; as a client, give the \(noun)'s id")
        }
        guard let id = entries(try await readCatalog()).first(where: { $0.slug == text })?.id else {
            throw RPCStatus(.notFound, "\(flag) \(text): the organization has no \(noun) with this slug (or id)")
        }
        note("\(flag) \(text): \(id)")
        return id
    }

    /// Every page of a list, up to `limit` items; `more`: some were left.
    static func pages<Item>(limit: Int = .max, _ page: (String) async throws -> ([Item], String)) async throws -> (items: [Item], more: Bool) {
        var items: [Item] = []
        var token = ""
        repeat {
            let (found, next) = try await page(token)
            items += found
            token = next
        } while !token.isEmpty && items.count < limit
        return (Array(items.prefix(limit)), !token.isEmpty || items.count > limit)
    }

    // MARK: Time

    /// The zone of the location a service is booked at (`location`: empty
    /// for the template's own), as a search of `date` reports it.
    func zone(template: String, location: String, on date: LocalDate) async throws -> TimeZone {
        var request = SchedulingV1.SearchAvailabilityRequest()
        request.organizationId = try await organizationID()
        request.serviceTemplateId = template
        request.locationId = location
        request.fromDate = date.description
        request.toDate = date.description
        request.pageSize = 1
        let answer = try await SchedulingV1.Availability.Client(rpc).searchAvailability(request, metadata: metadata, timeout: timeout)
        return try Self.zone(answer.timeZone)
    }

    static func zone(_ identifier: String) throws -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else { throw RPCStatus(.internal, "the server named a time zone this machine does not know: \(identifier)") }
        return zone
    }

    /// The instant `--at` names: an instant as it is, a wall time read in `zone`.
    static func instant(_ when: WhenText, in zone: TimeZone) throws -> Date {
        do {
            return try when.instant(in: zone)
        } catch {
            throw TaskFailure("--at: \(error)")
        }
    }

    // MARK: Changes

    /// Makes one change with an `idempotency-key` (--idempotency-key, a -H
    /// one, or a fresh UUID). When the outcome is unknown (the connection
    /// or the deadline went), the error says how to repeat it safely.
    func changing<Answer>(_ change: ChangeOptions, _ call: ([MetadataEntry]) async throws -> Answer) async throws -> Answer {
        var metadata = metadata
        let key: String
        if let sent = metadata.first(where: { $0.key == "idempotency-key" }) {
            key = sent.value
        } else {
            key = change.idempotencyKey ?? UUID().uuidString.lowercased()
            metadata.append(MetadataEntry(key: "idempotency-key", value: key))
        }
        note("idempotency-key: \(key)")
        do {
            return try await call(metadata)
        } catch var status as RPCStatus where [.unavailable, .deadlineExceeded, .cancelled, .unknown].contains(status.code) {
            status.message += " (whether the change was made is unknown: the same command with --idempotency-key \(key) is safe to repeat)"
            throw status
        }
    }
}
