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
            Dates are the location's (its time zone); without --date or --from, the coming 7 days from today there \
            (without --to, 7 days from --from). \
            A search covers at most 62 days. Example: bizing availability --service swedish-massage-60 --location downtown --date 2026-06-18
            """)

    @OptionGroup var slot: SlotOptions

    @Option(help: ArgumentHelp("One day (YYYY-MM-DD), instead of --from and --to.", valueName: "date"))
    var date: String?

    @OptionGroup var days: DayRange

    @Option(help: ArgumentHelp("A class: the seats wanted (default 1).", valueName: "n"))
    var seats: UInt32?

    @Option(help: "Show at most this many slots.")
    var limit: Int = 50

    @OptionGroup var options: TaskOptions

    func validate() throws {
        if slot.service == nil { throw ValidationError("--service is required") }
        if date != nil && (days.from != nil || days.to != nil) { throw ValidationError("give --date, or --from and --to, not both") }
        if let date, LocalDate(date) == nil { throw ValidationError("--date takes a day as YYYY-MM-DD, got '\(date)'") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await TaskSession.run(options) { session in
            let (template, location, bookables) = try await slot.resolve(session)
            var request = SchedulingV1.SearchAvailabilityRequest()
            request.organizationId = try await session.organizationID()
            request.serviceTemplateId = template
            request.locationId = location
            request.bookableIds = bookables
            request.durationMinutes = slot.duration ?? 0
            request.nights = slot.nights ?? 0
            request.seats = seats ?? 0

            var first = date.flatMap(LocalDate.init) ?? days.first
            if first == nil {
                // Today where the service is: the search says where that is.
                let zone = try await session.zone(template: template, location: location, on: LocalDate.today(in: TimeZone(identifier: "UTC")!))
                first = LocalDate.today(in: zone)
            }
            let start = first!
            let last = date.flatMap(LocalDate.init) ?? days.last ?? start.adding(days: 6)
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
