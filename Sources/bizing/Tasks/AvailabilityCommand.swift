import ArgumentParser
import BizingAPI
import BizingClient
import BizingTools
import Foundation

/// `bizing availability`: the free slots of a service, as a table.
struct AvailabilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "availability",
        abstract: "The free slots of a service: when, with whom, at what rate (price multiplier), seats left.",
        discussion: """
            Dates are the location's (its time zone); without --date or --from, the coming 7 days from today there. \
            A search covers at most 62 days. Example: bizing availability --service swedish-massage-60 --location downtown --date 2026-06-18
            """)

    @Option(help: ArgumentHelp("The service template, by slug or id (a client gives the id).", valueName: "slug-or-id"))
    var service: String

    @Option(help: ArgumentHelp("The location, by slug or id: needed when the service is offered at every location.", valueName: "slug-or-id"))
    var location: String?

    @Option(help: ArgumentHelp("One day (YYYY-MM-DD).", valueName: "date"))
    var date: String?

    @Option(help: ArgumentHelp("The first day (YYYY-MM-DD; default: today at the location).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("The last day, included (YYYY-MM-DD; default: 6 days after --from).", valueName: "date"))
    var to: String?

    @Option(help: ArgumentHelp("Only slots with this provider, room or asset, by slug or id (repeatable).", valueName: "slug-or-id"))
    var provider: [String] = []

    @Option(help: ArgumentHelp("A variable-length service: the minutes wanted (default: its minimum).", valueName: "minutes"))
    var duration: UInt32?

    @Option(help: ArgumentHelp("A stay: the nights wanted (default: its minimum).", valueName: "n"))
    var nights: UInt32?

    @Option(help: ArgumentHelp("A class: the seats wanted (default 1).", valueName: "n"))
    var seats: UInt32?

    @Option(help: "Show at most this many slots.")
    var limit: Int = 50

    @OptionGroup var options: TaskOptions

    func validate() throws {
        if date != nil && (from != nil || to != nil) { throw ValidationError("give --date, or --from and --to, not both") }
        for (flag, value) in [("--date", date), ("--from", from), ("--to", to)] {
            if let value, LocalDate(value) == nil { throw ValidationError("\(flag) takes a day as YYYY-MM-DD, got '\(value)'") }
        }
        if let from = from.flatMap(LocalDate.init), let to = to.flatMap(LocalDate.init), to < from { throw ValidationError("--to is before --from") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await TaskSession.run(options) { session in
            var request = SchedulingV1.SearchAvailabilityRequest()
            request.organizationId = try await session.organizationID()
            request.serviceTemplateId = try await session.templateID(service)
            if let location { request.locationId = try await session.locationID(location) }
            for provider in provider { request.bookableIds.append(try await session.bookableID(provider)) }
            request.durationMinutes = duration ?? 0
            request.nights = nights ?? 0
            request.seats = seats ?? 0

            var first = (date ?? from).flatMap(LocalDate.init)
            if first == nil {
                // Today where the service is: the search says where that is.
                let zone = try await session.zone(template: request.serviceTemplateId, location: location == nil ? nil : request.locationId,
                                                  on: LocalDate.today(in: TimeZone(identifier: "UTC")!))
                first = LocalDate.today(in: zone)
            }
            let start = first!
            let last = date.flatMap(LocalDate.init) ?? to.flatMap(LocalDate.init) ?? start.adding(days: 6)
            request.fromDate = start.description
            request.toDate = last.description

            let client = SchedulingV1.Availability.Client(session.rpc)
            var zone = ""
            let (slots, more) = try await TaskSession.pages(limit: limit) { token in
                request.pageToken = token
                request.pageSize = UInt32(min(limit, 1000))
                let page = try await client.searchAvailability(request, metadata: session.metadata, timeout: session.timeout)
                zone = page.timeZone
                return (page.slots, page.nextPageToken)
            }
            if options.json {
                try session.printMessage(SchedulingV1.SearchAvailabilityResponse(slots: slots, timeZone: zone), SchedulingV1.SearchAvailabilityResponse.descriptor)
                return
            }
            let catalog = try await session.readCatalog()
            let text = BookingText(catalog: catalog)
            let range = start == last ? "\(start.weekdayAbbreviation) \(start)" : "\(start.weekdayAbbreviation) \(start) to \(last.weekdayAbbreviation) \(last)"
            if catalog.templates.isEmpty {
                // A client reads no names: the ids say what this is.
                print("Service \(request.serviceTemplateId): \(range), times in \(zone)")
            } else {
                let place = request.locationId.isEmpty ? catalog.templates.first { $0.id == request.serviceTemplateId }?.locationId ?? "" : request.locationId
                print("\(catalog.templateName(request.serviceTemplateId))\(place.isEmpty ? "" : " at \(catalog.locationName(place))"): \(range), times in \(zone)")
            }
            guard !slots.isEmpty else {
                print("no free slot")
                return
            }
            print(Self.table(slots, text).rendered(), terminator: "")
            if more { print("(more slots: raise --limit or narrow the dates)") }
        }
    }

    static func table(_ slots: [SchedulingV1.AvailableSlot], _ text: BookingText) -> TextTable {
        var table = TextTable(["DATE", "DAY", "START", "END", "WITH", "RATE", "SEATS LEFT"], alignments: [.left, .left, .left, .left, .left, .left, .right])
        for slot in slots {
            let (start, end) = (LocalStamp(slot.localStart), LocalStamp(slot.localEnd))
            let assigned = slot.assignments.sorted { $0.requirementIndex < $1.requirementIndex }.flatMap(\.bookableIds)
            let multiplier = MoneyText.multiplier(basisPoints: slot.priceMultiplierBasisPoints)
            table.append([
                start.date, start.weekday, start.time, end.date == start.date ? end.time : "\(end.date) \(end.time)",
                assigned.map(text.catalog.bookableName).joined(separator: ", "),
                slot.premium ? "\(multiplier) premium" : multiplier,
                slot.seatsLeft.map { String($0) } ?? "-",
            ])
        }
        return table
    }
}
