import BizingAPI
public import Foundation
public import GRDB
public import Identity

/// The Catalog's answer to Identity's question: which of these ids are the
/// organization's live locations (for membership scopes).
public struct CatalogLocationDirectory: LocationDirectory {
    public init() {}

    public func liveLocationIDs(_ db: Database, organizationID: UUID, among ids: [UUID]) throws -> Set<UUID> {
        try CatalogTables.liveIDs(db, CatalogV1.Location.self, organizationID: organizationID, among: ids)
    }
}
