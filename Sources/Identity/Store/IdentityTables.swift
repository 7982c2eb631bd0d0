import BizingStore
import Foundation
import GRDB

/// The SQL of the Identity context's tables, one function per statement or
/// query, each run inside a transaction its caller opened (`BizingStore.read`
/// or `write`): the service layer decides what one call's transaction
/// covers, these functions only speak SQL. Instants are passed in (from the
/// injected clock), ids too (from the time-ordered generator).
enum IdentityTables {
    /// JSON text for a column, keys sorted so equal values are equal text.
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs cannot fail.
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    /// A JSON column back into its type; a row holding something else reads as `fallback`.
    static func decode<T: Decodable>(_ type: T.Type, _ text: String?, fallback: T) -> T {
        guard let text else { return fallback }
        return (try? JSONDecoder().decode(type, from: Data(text.utf8))) ?? fallback
    }

    static func uuid(_ row: Row, _ column: String) -> UUID {
        // Every id column is CHECKed to be a lowercase UUID.
        UUID(uuidString: row[column])!
    }

    static func optionalUUID(_ row: Row, _ column: String) -> UUID? {
        (row[column] as String?).flatMap(UUID.init(uuidString:))
    }

    static func date(_ row: Row, _ column: String) -> Date {
        Date(unixMicroseconds: row[column])
    }

    static func optionalDate(_ row: Row, _ column: String) -> Date? {
        (row[column] as Int64?).map(Date.init(unixMicroseconds:))
    }

    static func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
    }
}
