public import BizingAPI

/// Which bookables can fill a template's requirement.
public enum Qualification {
    /// Whether `bookable` is of the requirement's kind, is the one it names
    /// (if it names one), and meets its criteria and every extra criteria
    /// given for its kind: a category among those listed, every tag, a
    /// rating at least a minimum above 0 (a provider not yet rated has none).
    public static func qualifies(_ bookable: CatalogV1.Bookable, for requirement: CatalogV1.BookableRequirement,
                                 extra: [CatalogV1.BookableCriteria] = []) -> Bool {
        guard bookable.kind == requirement.kind else { return false }
        if !requirement.bookableId.isEmpty && requirement.bookableId.lowercased() != bookable.id { return false }
        return ([requirement.criteria].compactMap { $0 } + extra).allSatisfy { meets(bookable, $0) }
    }

    static func meets(_ bookable: CatalogV1.Bookable, _ criteria: CatalogV1.BookableCriteria) -> Bool {
        if !criteria.categories.isEmpty && !criteria.categories.contains(bookable.category) { return false }
        if !criteria.tags.allSatisfy(bookable.tags.contains) { return false }
        // A minimum of 0 asks for nothing (providers not yet rated included).
        if let minimum = criteria.minRating, minimum > 0 {
            guard let rating = bookable.provider?.rating, rating >= minimum else { return false }
        }
        return true
    }
}
