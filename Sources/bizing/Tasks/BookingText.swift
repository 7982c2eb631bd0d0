import BizingAPI
import BizingRPC
import BizingTools
import BizingWire
import Foundation

/// Bookings and holds as people read them: names from the catalog where
/// the caller reads it (ids otherwise), local times at the location,
/// money from minor units.
struct BookingText {
    let catalog: TaskSession.Catalog

    static func name<Value: ProtobufEnum>(_ value: Value, _ descriptor: EnumDescriptor) -> String {
        schemaJSON.shortName(of: value.protobufValue, inEnum: descriptor.name)
    }

    static func status(_ booking: BookingV1.Booking) -> String { name(booking.status, BookingV1.BookingStatus.descriptor) }

    /// "60 min", "2 nights".
    static func length(minutes: UInt32, nights: UInt32) -> String {
        nights > 0 ? "\(nights) night\(nights == 1 ? "" : "s")" : "\(minutes) min"
    }

    /// The assigned bookables by name, in the template's order.
    func assigned(_ bookables: [BookingV1.AssignedBookable]) -> String {
        bookables.sorted { $0.requirementIndex < $1.requirementIndex }.map { catalog.bookableName($0.bookableId) }.joined(separator: ", ")
    }

    /// Those taking part, by name (observers aside).
    static func people(_ booking: BookingV1.Booking) -> String {
        booking.participants.filter { $0.role != .observer }.map(\.name).joined(separator: ", ")
    }

    static func price(_ booking: BookingV1.Booking) -> String {
        guard let total = booking.price?.total else { return "" }
        return MoneyText.format(minor: total.amountMinor, currency: total.currency)
    }

    /// "Thu 2026-06-18 10:00-11:00 America/New_York".
    static func when(_ localStart: String, _ localEnd: String, _ zone: String) -> String {
        "\(LocalStamp.span(localStart, localEnd)) \(zone)"
    }

    /// `title`, then the booking's essentials; `detailed` adds every participant and the history.
    func summary(_ booking: BookingV1.Booking, title: String, detailed: Bool = false) -> String {
        var fields: [(String, String)] = [
            ("status", Self.status(booking)),
            ("when", Self.when(booking.localStart, booking.localEnd, booking.timeZone)),
            ("service", catalog.templateName(booking.serviceTemplateId)),
            ("length", Self.length(minutes: booking.durationMinutes, nights: booking.nights)),
            ("location", catalog.locationName(booking.locationId)),
            ("with", assigned(booking.assignedBookables)),
        ]
        if detailed {
            for (index, participant) in booking.participants.enumerated() {
                let who = participant.email.isEmpty ? participant.name : "\(participant.name) <\(participant.email)>"
                let role = Self.name(participant.role, BookingV1.ParticipantRole.descriptor)
                fields.append((index == 0 ? "for" : "", "\(who), \(role), \(Self.name(participant.status, BookingV1.ParticipantStatus.descriptor)) (\(participant.id))"))
            }
        } else {
            fields.append(("for", Self.people(booking)))
        }
        if booking.maxParticipants > 1 { fields.append(("seats", "\(booking.participantCount) of \(booking.maxParticipants)")) }
        fields.append(("price", Self.price(booking)))
        if !booking.approverUserId.isEmpty { fields.append(("waiting for", "the approval of user \(booking.approverUserId)")) }
        if !booking.notes.isEmpty { fields.append(("notes", booking.notes)) }
        if !booking.cancellationReason.isEmpty { fields.append(("reason", booking.cancellationReason)) }
        if detailed {
            let zone = TimeZone(identifier: booking.timeZone) ?? TimeZone(identifier: "UTC")!
            func at(_ date: Date?) -> String { date.map { LocalStamp($0, in: zone).readable } ?? "" }
            fields.append(("source", Self.name(booking.source, BookingV1.BookingSource.descriptor)))
            if !booking.householdId.isEmpty { fields.append(("household", booking.householdId)) }
            let booker = booking.bookedByUserId.isEmpty ? "a service token"
                : booking.participants.first { $0.userId == booking.bookedByUserId }?.name ?? "user \(booking.bookedByUserId)"
            fields.append(("booked", "\(at(booking.createdAt)) by \(booker)"))
            for (label, date) in [("confirmed", booking.confirmedAt), ("checked in", booking.checkedInAt), ("completed", booking.completedAt),
                                  ("cancelled", booking.cancelledAt), ("no-show", booking.noShowAt)] where date != nil {
                fields.append((label, at(date)))
            }
            if !booking.holdId.isEmpty { fields.append(("from hold", booking.holdId)) }
            fields.append(("version", "\(booking.version)"))
        }
        return "\(title) \(booking.id)\n" + TextTable.fields(fields.filter { !$0.1.isEmpty }, indent: "  ")
    }

    func summary(_ hold: BookingV1.Hold) -> String {
        let zone = TimeZone(identifier: hold.timeZone) ?? TimeZone(identifier: "UTC")!
        var fields: [(String, String)] = [
            ("status", Self.name(hold.status, BookingV1.HoldStatus.descriptor)),
            ("when", Self.when(hold.localStart, hold.localEnd, hold.timeZone)),
            ("service", catalog.templateName(hold.serviceTemplateId)),
            ("length", Self.length(minutes: hold.durationMinutes, nights: hold.nights)),
            ("location", catalog.locationName(hold.locationId)),
            ("with", assigned(hold.assignedBookables)),
            ("seats", "\(hold.seats)"),
        ]
        if let expiry = hold.expiresAt { fields.append(("until", LocalStamp(expiry, in: zone).readable)) }
        fields.append(("book it", "bizing book --org \(hold.organizationId) --from-hold \(hold.id)"))
        return "Held \(hold.id)\n" + TextTable.fields(fields.filter { !$0.1.isEmpty }, indent: "  ")
    }

    static let columns = ["ID", "WHEN", "STATUS", "SERVICE", "LOCATION", "WITH", "FOR", "PRICE"]

    func row(_ booking: BookingV1.Booking) -> [String] {
        [booking.id, LocalStamp.span(booking.localStart, booking.localEnd), Self.status(booking),
         catalog.templateName(booking.serviceTemplateId),
         catalog.locationName(booking.locationId), assigned(booking.assignedBookables), Self.people(booking), Self.price(booking)]
    }
}
