import BizingAPI
import Booking
import Catalog
import Foundation
import Scheduling

/// The demo spa's first bookings, made by its client through the same
/// rules as the API: Chris has a Swedish massage with Priya next Wednesday
/// at 11:00 (reserved: the deposit is due), and has booked the Wednesday
/// evening yoga class at 18:00 for themself and their partner Pat (two of
/// the class's seats).
struct DemoBookings {
    let booking: BookingProvisioning
    let organizationID: UUID
    let now: Date

    func seed(_ seeded: DemoCatalog.Seeded, client: UUID, partner: UUID, family: UUID) async throws {
        let newYork = ZoneClock(identifier: "America/New_York")!
        var wednesday = newYork.wallClock(at: Int64(now.timeIntervalSince1970)).date.adding(days: 1)
        while wednesday.weekday != .wednesday { wednesday = wednesday.adding(days: 1) }
        func at(_ hour: Int) -> Date {
            Date(timeIntervalSince1970: TimeInterval(newYork.resolve(wednesday, minute: hour * 60).earliest))
        }
        _ = try await booking.book(BookingV1.CreateBookingRequest(
            organizationId: organizationID.uuidString.lowercased(),
            slot: BookingV1.SlotChoice(serviceTemplateId: seeded.massage.id, locationId: seeded.priya.locationId, startTime: at(11), bookableIds: [seeded.priya.id]),
            notes: "Prefers medium pressure"), bookerID: client)
        _ = try await booking.book(BookingV1.CreateBookingRequest(
            organizationId: organizationID.uuidString.lowercased(),
            slot: BookingV1.SlotChoice(serviceTemplateId: seeded.yoga.id, startTime: at(18)),
            participants: [BookingV1.Participant(userId: client.uuidString.lowercased()), BookingV1.Participant(userId: partner.uuidString.lowercased())],
            householdId: family.uuidString.lowercased()), bookerID: client)
    }
}
