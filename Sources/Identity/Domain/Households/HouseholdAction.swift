/// What one household member wants to do for another (or for themself).
public enum HouseholdAction: Hashable, Sendable {
    /// See the member's bookings.
    case viewBookings
    /// Book for the member; `expensive` as the pricing context judges it.
    case book(expensive: Bool)
    /// Change or cancel the member's booking; `expensive` if the change is.
    case modifyBooking(expensive: Bool)
}
