import BizingAPI
import Catalog
import Foundation
import Scheduling

/// The demo spa's calendars, so a search shows each rule at work: Priya
/// works Tuesday to Saturday with a slot every 30 minutes, books two hours
/// ahead at least, and charges a weekend rate next Saturday; Marco takes
/// next Monday afternoon off; Lena teaches mornings and evenings; a
/// treatment room is closed for a day; the sauna cascades its slots, two at
/// a time, the rest sold as premium at 1.5x. Dates are relative to the day
/// the demo is seeded.
struct DemoScheduling {
    let scheduling: SchedulingProvisioning
    let organizationID: UUID
    let now: Date

    typealias S = SchedulingV1
    typealias C = CatalogV1

    func seed(_ seeded: DemoCatalog.Seeded) async throws {
        let newYork = ZoneClock(identifier: "America/New_York")!
        let today = newYork.wallClock(at: Int64(now.timeIntervalSince1970)).date
        /// The next `weekday` after today.
        func next(_ weekday: Weekday) -> CalendarDate {
            var date = today.adding(days: 1)
            while date.weekday != weekday { date = date.adding(days: 1) }
            return date
        }
        func hours(_ days: [C.DayOfWeek], _ ranges: [(String, String)]) -> [C.DayHours] {
            days.map { C.DayHours(day: $0, ranges: ranges.map { C.TimeRange(start: $0.0, end: $0.1) }) }
        }
        func id(_ bookable: C.Bookable) -> UUID { UUID(uuidString: bookable.id)! }

        try await scheduling.settings(S.Calendar(
            weeklySchedule: C.WeeklyHours(days: hours([.tuesday, .wednesday, .thursday, .friday, .saturday], [("10:00", "18:00")])),
            slotIntervalMinutes: 30, minAdvanceHours: 2, maxAdvanceDays: 60), organizationID: organizationID, bookableID: id(seeded.priya))
        try await scheduling.override(S.DateOverride(
            date: next(.saturday).text, type: .specialPricing, pricingMultiplierBasisPoints: 12_500, reason: "Weekend rate"),
            organizationID: organizationID, bookableID: id(seeded.priya))

        try await scheduling.settings(S.Calendar(slotIntervalMinutes: 15), organizationID: organizationID, bookableID: id(seeded.marco))
        let monday = next(.monday)
        _ = try await scheduling.block(S.BlockedTime(
            startTime: Date(timeIntervalSince1970: TimeInterval(newYork.resolve(monday, minute: 12 * 60).earliest)),
            endTime: Date(timeIntervalSince1970: TimeInterval(newYork.resolve(monday, minute: 17 * 60).earliest)),
            type: .timeOff, reason: "Dentist", allowOverride: false), organizationID: organizationID, bookableID: id(seeded.marco))

        try await scheduling.settings(S.Calendar(
            // Classes at 07:15 and 08:30, 18:00 and 19:15, Saturday 09:00: 75 minutes apart, so that
            // the 60-minute class and its 15-minute buffer end before the next begins.
            weeklySchedule: C.WeeklyHours(days: hours([.monday, .wednesday, .friday], [("07:15", "10:00"), ("18:00", "21:00")])
                + hours([.saturday], [("09:00", "11:00")])),
            slotIntervalMinutes: 75), organizationID: organizationID, bookableID: id(seeded.lena))

        if let room = seeded.rooms.last {
            try await scheduling.override(S.DateOverride(date: today.adding(days: 10).text, type: .closed, reason: "Floor refinishing"),
                                          organizationID: organizationID, bookableID: id(room))
        }

        try await scheduling.settings(S.Calendar(
            slotIntervalMinutes: 30,
            cascading: S.Cascading(enabled: true, strategy: .batch, initialOpenSlots: 2, premiumMultiplierBasisPoints: 15_000)),
            organizationID: organizationID, bookableID: id(seeded.sauna))
    }
}
