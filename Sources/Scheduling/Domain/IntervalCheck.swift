import Catalog

/// Why a bookable cannot take an interval.
public struct ConflictFinding: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case unavailable
        case outsideHours
        case outsideWindow
        case blocked(id: String, overridable: Bool)
        case booked(referenceID: String)
        case held(referenceID: String)
        case dailyLimit
    }

    public let bookableID: String
    public let kind: Kind
    /// The span in the way, when there is one.
    public let span: Interval?
    public let detail: String
}

/// Whether one bookable is free for a service interval, and if not, every
/// reason. The same rules as a search (`AvailabilitySearch`), asked of one
/// interval: the Booking context runs it inside its write transaction
/// (`excluding` the booking's own reservations when it moves one). A
/// `stay` is judged as searches judge stays: every day it spans open, not
/// every hour.
public enum IntervalCheck {
    public static func conflicts(
        of bookable: BookableTime, location: WorkingTime, service: Interval, preBuffer: Int64, postBuffer: Int64, now: Int64,
        stay: Bool = false, excluding references: Set<String> = []
    ) -> [ConflictFinding] {
        let id = bookable.id
        if bookable.unavailable {
            return [ConflictFinding(bookableID: id, kind: .unavailable, span: nil, detail: bookable.unavailableReason)]
        }
        var found: [ConflictFinding] = []
        let occupied = service.padded(before: preBuffer, after: postBuffer)
        let own = occupied.padded(before: bookable.before, after: bookable.after)
        if let due = bookable.serviceDue, own.end > due {
            found.append(ConflictFinding(bookableID: id, kind: .unavailable, span: nil, detail: "is past its next service due date"))
        }
        // The local days the interval touches, with one either side.
        let first = location.clock.wallClock(at: own.start).date.adding(days: -1)
        let last = location.clock.wallClock(at: own.end).date.adding(days: 1)
        // Hours alone: blocked time and a service due date are reported on their own.
        let working = stay
            ? bookable.stayWorking(location: location, clock: location.clock, from: first, through: last, keepBlocked: true, keepServiceDue: true)
            : bookable.working(location: location, from: first, through: last, keepBlocked: true, keepServiceDue: true)
        if !working.contains(own) {
            found.append(ConflictFinding(bookableID: id, kind: .outsideHours, span: nil,
                                         detail: "is not working for all of it (its schedule, overrides and the location's hours, buffers included)"))
        }
        // No window (a minimum advance beyond the maximum): no start is inside it.
        if bookable.window(now: now).map({ service.start < $0.start || service.start >= $0.end }) ?? true {
            found.append(ConflictFinding(bookableID: id, kind: .outsideWindow, span: nil,
                                         detail: "starts outside its booking window (\(bookable.settings.minAdvanceHours) hours to \(bookable.settings.maxAdvanceDays) days ahead)"))
        }
        for blocked in bookable.blocked.sorted(by: { $0.interval < $1.interval }) where blocked.interval.overlaps(own) {
            found.append(ConflictFinding(bookableID: id, kind: .blocked(id: blocked.id, overridable: blocked.overridable), span: blocked.interval,
                                         detail: blocked.overridable ? "\(blocked.label); staff may book over it" : blocked.label))
        }
        let live = bookable.reserved.filter { $0.isLive(at: now) && !references.contains($0.referenceID) }.sorted { ($0.busy, $0.referenceID) < ($1.busy, $1.referenceID) }
        let (lead, trail) = (bookable.before + bookable.rest, bookable.after + bookable.rest)
        let overlapping = live.filter { $0.busy.padded(before: lead, after: trail).overlaps(own) }
        if overlapping.count >= bookable.capacity {
            for reserved in overlapping {
                switch reserved.kind {
                case .booking:
                    found.append(ConflictFinding(bookableID: id, kind: .booked(referenceID: reserved.referenceID), span: reserved.busy, detail: "booked"))
                case .hold:
                    found.append(ConflictFinding(bookableID: id, kind: .held(referenceID: reserved.referenceID), span: reserved.busy, detail: "held"))
                }
            }
        }
        if let limit = bookable.maxPerDay {
            let day = location.clock.wallClock(at: service.start).date
            let sameDay = Set(live.filter { location.clock.wallClock(at: $0.service.start).date == day }.map(\.service))
            if sameDay.count >= limit {
                found.append(ConflictFinding(bookableID: id, kind: .dailyLimit, span: nil, detail: "has its \(limit) bookings that day already"))
            }
        }
        return found
    }
}
