/// When a booking may start, seen from `now`: at least the minimum advance
/// ahead, at most the maximum advance ahead (the calendar's
/// minAdvanceBooking hours and maxAdvanceBooking days).
public enum BookingWindow {
    /// nil when the window is empty (a minimum beyond the maximum).
    public static func window(now: Int64, minimumAdvanceHours: Int, maximumAdvanceDays: Int) -> Interval? {
        Interval(now + Int64(minimumAdvanceHours) * 3600, now + Int64(maximumAdvanceDays) * 86_400 + 1)
    }
}
