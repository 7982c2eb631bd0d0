/// Where a booking is in its life. The seed's statuses, with the meaning
/// Bizing gives them:
/// - reserved: its time is taken, awaiting confirmation (a required deposit, or staff);
/// - pending: waiting for the household primary's approval;
/// - confirmed, checked in, completed: as they say;
/// - cancelled, no show: final, its time released.
public enum BookingStatus: String, CaseIterable, Hashable, Sendable {
    case reserved, pending, confirmed, checkedIn = "checked_in", completed, cancelled, noShow = "no_show"

    /// Final: nothing moves it any more.
    public var isFinal: Bool { self == .completed || self == .cancelled || self == .noShow }

    /// Whether it still holds its bookables' time.
    public var holdsTime: Bool { self == .reserved || self == .pending || self == .confirmed || self == .checkedIn }

    /// Its status at creation: pending while a household approval is
    /// outstanding, reserved while a confirmation is (a required deposit),
    /// confirmed otherwise.
    public static func initial(needsApproval: Bool, needsConfirmation: Bool) -> BookingStatus {
        needsApproval ? .pending : needsConfirmation ? .reserved : .confirmed
    }
}

/// What happens to a booking.
public enum BookingEvent: Hashable, Sendable {
    /// Confirmed by staff (or by the deposit being paid).
    case confirm
    /// The household primary approves; `needsConfirmation`: a confirmation is still due after.
    case approve(needsConfirmation: Bool)
    case checkIn
    case complete
    /// Marked a no-show at `now`, given the start and the no-show grace (UTC seconds).
    case markNoShow(now: Int64, start: Int64, graceSeconds: Int64)
    case cancel

    var name: String {
        switch self {
        case .confirm: "be confirmed"
        case .approve: "be approved"
        case .checkIn: "be checked in"
        case .complete: "be completed"
        case .markNoShow: "be marked a no-show"
        case .cancel: "be cancelled"
        }
    }
}

/// A move the lifecycle does not allow, said in words that name the
/// current status (FAILED_PRECONDITION at the API).
public struct TransitionRefused: Error, Hashable, Sendable, CustomStringConvertible {
    public let status: BookingStatus
    public let description: String
}

/// The lifecycle's transition table, pure:
///
///     reserved  --confirm-->  confirmed
///     pending   --approve-->  confirmed (or reserved, when a confirmation is still due)
///     confirmed --check in--> checked_in --complete--> completed
///     confirmed --mark no-show (only after the start plus the grace)--> no_show
///     reserved, pending, confirmed --cancel--> cancelled
///
/// Anything else is refused naming the status the booking is in.
public enum BookingLifecycle {
    public static func next(from status: BookingStatus, on event: BookingEvent) throws(TransitionRefused) -> BookingStatus {
        switch (status, event) {
        case (.reserved, .confirm): return .confirmed
        case (.pending, .approve(let needsConfirmation)): return needsConfirmation ? .reserved : .confirmed
        case (.confirmed, .checkIn): return .checkedIn
        case (.checkedIn, .complete): return .completed
        case (.confirmed, .markNoShow(let now, let start, let grace)):
            guard now >= start + grace else {
                throw TransitionRefused(status: status, description: "the booking can be marked a no-show only from \(grace / 60) minutes after its start")
            }
            return .noShow
        case (.reserved, .cancel), (.pending, .cancel), (.confirmed, .cancel): return .cancelled
        default:
            throw TransitionRefused(status: status, description: "a booking that is \(status.rawValue.replacingUnderscores) cannot \(event.name)")
        }
    }
}

extension String {
    fileprivate var replacingUnderscores: String { split(separator: "_").joined(separator: " ") }
}
