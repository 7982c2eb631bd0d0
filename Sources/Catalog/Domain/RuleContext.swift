public import Foundation

/// What the rules need beyond the object itself.
public struct RuleContext: Sendable {
    /// The currency in force where the object is: its location's override,
    /// else the organization's.
    public let currency: String
    /// For rules about the past and future (a certificate issued tomorrow).
    public let now: Date

    public init(currency: String, now: Date) {
        self.currency = currency
        self.now = now
    }
}
