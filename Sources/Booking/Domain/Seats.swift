/// A group class's seats: a booking (or added participants) fits while the
/// seats taken plus those asked for stay within the class's maximum.
public enum Seats {
    public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        /// Only this many are left.
        case full(left: Int)
        case none

        public var description: String {
            switch self {
            case .full(let left): "only \(left) seat\(left == 1 ? "" : "s") left"
            case .none: "at least one participant is needed"
            }
        }
    }

    /// The seats left after adding `adding` to `taken` of `maximum`.
    public static func take(_ adding: Int, taken: Int, maximum: Int) throws(Refusal) -> Int {
        guard adding >= 1 else { throw .none }
        let left = max(0, maximum - taken)
        guard adding <= left else { throw .full(left: left) }
        return left - adding
    }
}
