public import Foundation
public import GRDB

/// Which ids name live locations of an organization. Locations belong to the
/// Catalog context, which depends on Identity, so Identity asks through this
/// protocol and the server plugs the Catalog's answer in.
public protocol LocationDirectory: Sendable {
    func liveLocationIDs(_ db: Database, organizationID: UUID, among ids: [UUID]) throws -> Set<UUID>
}
