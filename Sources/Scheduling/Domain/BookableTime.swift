public import Catalog

/// Time a booking or a hold reserves on one bookable.
public struct ReservedTime: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case booking
        /// Reserves nothing from `expiresAt` on (UTC seconds), cleaned up or not.
        case hold(expiresAt: Int64)
    }

    public let bookableID: String
    public let kind: Kind
    /// The booking's or hold's id.
    public let referenceID: String
    public let templateID: String?
    /// The service itself.
    public let service: Interval
    /// With the service's buffers: what nothing else may overlap.
    public let busy: Interval
    /// Seats taken in a group class.
    public let participants: Int

    public init(bookableID: String, kind: Kind, referenceID: String, templateID: String?, service: Interval, busy: Interval, participants: Int = 1) {
        self.bookableID = bookableID
        self.kind = kind
        self.referenceID = referenceID
        self.templateID = templateID
        self.service = service
        self.busy = busy
        self.participants = participants
    }

    /// Whether it still reserves its time at `now`.
    public func isLive(at now: Int64) -> Bool {
        if case .hold(let expiresAt) = kind { return now < expiresAt }
        return true
    }
}

/// A blocked span of a bookable's time.
public struct BlockedSpan: Hashable, Sendable {
    public let id: String
    public let interval: Interval
    public let overridable: Bool
    /// What it is, in words: "time off (Dentist)".
    public let label: String

    public init(id: String, interval: Interval, overridable: Bool, label: String = "blocked time") {
        self.id = id
        self.interval = interval
        self.overridable = overridable
        self.label = label
    }
}

/// Everything about one bookable's time that a search or a check reads:
/// its calendar (zone, settings, overrides), blocked time, reserved time,
/// and the rules its kind brings. Pure data, loaded by the store.
public struct BookableTime: Sendable {
    public let id: String
    /// Its calendar's zone.
    public let clock: ZoneClock
    public let settings: CalendarSettings
    /// By date in its calendar's zone.
    public let overrides: [CalendarDate: DayOverride]
    public let blocked: [BlockedSpan]
    /// Read fresh on every call, unlike the rest (see `BookableTimeLoader`).
    public var reserved: [ReservedTime]
    /// Not active (inactive, maintenance, retired): offers nothing.
    public let unavailable: Bool
    /// Why, in words ("is in maintenance").
    public let unavailableReason: String
    /// An asset's next service due (UTC seconds): offers nothing from then on.
    public let serviceDue: Int64?
    /// A venue's simultaneous bookings (1 otherwise).
    public let capacity: Int
    /// A venue's setup and teardown, seconds.
    public let setup: Int64
    public let teardown: Int64
    /// A provider's minimum rest between bookings, seconds.
    public let rest: Int64
    /// A provider's maximum bookings a day.
    public let maxPerDay: Int?
    /// Hours of its own that bound its calendar, in its zone (a company
    /// provider's business hours); nil: none.
    public let ownHours: WeeklyHours?

    public init(
        id: String, clock: ZoneClock, settings: CalendarSettings, overrides: [CalendarDate: DayOverride] = [:], blocked: [BlockedSpan] = [],
        reserved: [ReservedTime] = [], unavailable: Bool = false, unavailableReason: String = "is not active", serviceDue: Int64? = nil, capacity: Int = 1, setup: Int64 = 0,
        teardown: Int64 = 0, rest: Int64 = 0, maxPerDay: Int? = nil, ownHours: WeeklyHours? = nil
    ) {
        self.id = id
        self.clock = clock
        self.settings = settings
        self.overrides = overrides
        self.blocked = blocked
        self.reserved = reserved
        self.unavailable = unavailable
        self.unavailableReason = unavailableReason
        self.serviceDue = serviceDue
        self.capacity = capacity
        self.setup = setup
        self.teardown = teardown
        self.rest = rest
        self.maxPerDay = maxPerDay
        self.ownHours = ownHours
    }

    /// Its schedule: its weekly pattern in its zone, or with none, the
    /// location's hours in the location's zone (a provider visiting a
    /// location in another zone keeps that location's hours there); with
    /// its closed and modified-hours dates either way.
    public func schedule(location: WorkingTime) -> WorkingTime {
        var exceptions: [CalendarDate: DayException] = [:]
        for (date, override) in overrides {
            switch override {
            case .closed: exceptions[date] = .closed
            case .hours(let ranges): exceptions[date] = .hours(ranges)
            case .pricing: break
            }
        }
        guard let weekly = settings.weekly else {
            return WorkingTime(weekly: location.weekly, exceptions: exceptions, clock: location.clock)
        }
        return WorkingTime(weekly: weekly, exceptions: exceptions, clock: clock)
    }

    /// When it can work over the days `from` through `through`: its
    /// schedule within the location's hours, before any service due date,
    /// blocked time taken out (unless `keepBlocked`); nothing when it is not active.
    public func working(
        location: WorkingTime, from: CalendarDate, through: CalendarDate, keepBlocked: Bool = false, keepServiceDue: Bool = false
    ) -> IntervalSet {
        guard !unavailable else { return IntervalSet() }
        var working = schedule(location: location).open(from: from, through: through)
            .intersection(location.open(from: from, through: through))
        if let ownHours {
            working = working.intersection(WorkingTime(weekly: ownHours, clock: clock).open(from: from, through: through))
        }
        return trimmed(working, keepBlocked: keepBlocked, keepServiceDue: keepServiceDue)
    }

    /// For stays: the local days (in `clock`) with any working time, each
    /// whole (a stay needs every night between open), then blocked time and
    /// the time from a service due date on taken out (unless kept).
    public func stayWorking(
        location: WorkingTime, clock: ZoneClock, from: CalendarDate, through: CalendarDate, keepBlocked: Bool = false, keepServiceDue: Bool = false
    ) -> IntervalSet {
        let working = working(location: location, from: from, through: through, keepBlocked: true, keepServiceDue: true)
        var days: [Interval] = []
        var date = from
        while date <= through {
            if let day = Interval(clock.resolve(date, minute: 0).earliest, clock.resolve(date.adding(days: 1), minute: 0).earliest),
               !working.intersection(IntervalSet([day])).isEmpty {
                days.append(day)
            }
            date = date.adding(days: 1)
        }
        return trimmed(IntervalSet(days), keepBlocked: keepBlocked, keepServiceDue: keepServiceDue)
    }

    private func trimmed(_ working: IntervalSet, keepBlocked: Bool, keepServiceDue: Bool) -> IntervalSet {
        var working = working
        if !keepServiceDue, let serviceDue, let due = Interval(Int64.min / 4, serviceDue) {
            working = working.intersection(IntervalSet([due]))
        }
        if !keepBlocked { working = working.subtracting(IntervalSet(blocked.map(\.interval))) }
        return working
    }

    /// Its booking window seen from `now`.
    public func window(now: Int64) -> Interval? {
        BookingWindow.window(now: now, minimumAdvanceHours: settings.minAdvanceHours, maximumAdvanceDays: settings.maxAdvanceDays)
    }

    /// Its buffers around each booking, inside working time.
    public var before: Int64 { Int64(settings.preBufferMinutes) * 60 + setup }
    public var after: Int64 { Int64(settings.postBufferMinutes) * 60 + teardown }
}
