import BizingAPI
import BizingStore
import BizingWire
import GRDB
import ContextKit
import Foundation

/// A list request's filters as SQL conditions, each checked: a malformed
/// filter is INVALID_ARGUMENT, not an empty page.
struct ListFilters {
    private(set) var conditions: [ListCondition] = []
    private var found: [InvalidField] = []

    /// Objects at the location; with `includingEveryLocation`, also those
    /// offered at every location (no location of their own).
    mutating func location(_ text: String, field: String = "location_id", includingEveryLocation: Bool = false) {
        guard !text.isEmpty else { return }
        guard let id = FieldRules.id(text, field, required: true, into: &found) else { return }
        conditions.append(includingEveryLocation
            ? ListCondition("(location_id = ? OR location_id IS NULL)", [id.lowercasedString])
            : ListCondition.equals("location_id", id.lowercasedString))
    }

    /// Objects whose `column` holds the value; unspecified filters nothing.
    mutating func equals<E: CatalogEnum>(_ column: String, _ value: E, field: String) {
        guard value.protobufValue != 0 else { return }
        FieldRules.known(value, field, into: &found)
        conditions.append(.equals(column, value.columnValue))
    }

    /// Objects carrying every one of the tags.
    mutating func tags(_ tags: [String]) {
        FieldRules.labels(tags, "tags", into: &found)
        conditions += ListCondition.hasTags(tags)
    }

    mutating func category(_ text: String) {
        guard !text.isEmpty else { return }
        FieldRules.label(text, "category", into: &found)
        conditions.append(.equals("category", text))
    }

    /// The conditions, or every malformed filter.
    func checked() throws(ValidationFailure) -> [ListCondition] {
        try found.throwIfAny()
        return conditions
    }
}
