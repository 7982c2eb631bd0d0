/// Why the database could not be opened, migrated or used. The description
/// says what went wrong and names the database's path.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
