/// The seed's `Organization.features`: what the organization has switched on.
/// Stored as a JSON object with these keys; a missing key is off.
public struct OrganizationFeatures: Hashable, Sendable, Codable {
    public var waitlistEnabled = false
    public var recurringBookings = false
    public var multiDayBookings = false
    public var paymentProcessing = false
    public var productsEnabled = false

    public init(waitlistEnabled: Bool = false, recurringBookings: Bool = false, multiDayBookings: Bool = false,
                paymentProcessing: Bool = false, productsEnabled: Bool = false) {
        self.waitlistEnabled = waitlistEnabled
        self.recurringBookings = recurringBookings
        self.multiDayBookings = multiDayBookings
        self.paymentProcessing = paymentProcessing
        self.productsEnabled = productsEnabled
    }

    enum CodingKeys: String, CodingKey {
        case waitlistEnabled = "waitlist_enabled"
        case recurringBookings = "recurring_bookings"
        case multiDayBookings = "multi_day_bookings"
        case paymentProcessing = "payment_processing"
        case productsEnabled = "products_enabled"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        waitlistEnabled = try container.decodeIfPresent(Bool.self, forKey: .waitlistEnabled) ?? false
        recurringBookings = try container.decodeIfPresent(Bool.self, forKey: .recurringBookings) ?? false
        multiDayBookings = try container.decodeIfPresent(Bool.self, forKey: .multiDayBookings) ?? false
        paymentProcessing = try container.decodeIfPresent(Bool.self, forKey: .paymentProcessing) ?? false
        productsEnabled = try container.decodeIfPresent(Bool.self, forKey: .productsEnabled) ?? false
    }
}
