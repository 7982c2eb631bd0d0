public import BizingStore

/// What the Catalog services work with: the store (its clock and ids).
public struct CatalogEnvironment: Sendable {
    public let store: BizingStore

    public init(store: BizingStore) {
        self.store = store
    }

    func operations<Kind: CatalogKind>(_ kind: Kind.Type) -> CatalogOperations<Kind> {
        CatalogOperations(store: store)
    }
}
