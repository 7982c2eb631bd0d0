import BizingStore
import Foundation
import GRDB

extension IdentityTables {
    /// Inserts an organization; `IdentityStoreError.slugTaken` if the slug was ever used.
    static func insertOrganization(_ db: Database, _ organization: OrganizationRecord) throws {
        do {
            try db.cachedStatement(sql: """
                    INSERT INTO organizations
                        (id, slug, name, type, time_zone, currency, cancellation_policy, features, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                    organization.id.lowercasedString, organization.slug, organization.name, organization.type.rawValue,
                    organization.timeZone, organization.currency, json(organization.cancellationPolicy), json(organization.features),
                    organization.createdAt.unixMicroseconds, organization.updatedAt.unixMicroseconds,
                ])
        } catch where isUniqueViolation(error) {
            throw IdentityStoreError.slugTaken
        }
    }

    /// The organization if it exists and is not deleted.
    static func organization(_ db: Database, id: UUID) throws -> OrganizationRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM organizations WHERE id = ? AND deleted_at IS NULL"), arguments: [id.lowercasedString])
            .map(organization)
    }

    /// The slug of a live organization (without decoding its settings).
    static func organizationSlug(_ db: Database, id: UUID) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT slug FROM organizations WHERE id = ? AND deleted_at IS NULL"), arguments: [id.lowercasedString])
    }

    static func organizationCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM organizations")) ?? 0
    }

    /// Writes every changeable column of `organization` (slug and creation stay).
    static func updateOrganization(_ db: Database, _ organization: OrganizationRecord) throws {
        try db.cachedStatement(sql: """
                UPDATE organizations SET name = ?, type = ?, time_zone = ?, currency = ?, cancellation_policy = ?,
                    features = ?, updated_at = ?, deleted_at = ?
                WHERE id = ?
                """).execute(arguments: [
                organization.name, organization.type.rawValue, organization.timeZone, organization.currency,
                json(organization.cancellationPolicy), json(organization.features), organization.updatedAt.unixMicroseconds,
                organization.deletedAt?.unixMicroseconds, organization.id.lowercasedString,
            ])
    }

    static func organization(_ row: Row) -> OrganizationRecord {
        OrganizationRecord(
            id: uuid(row, "id"), slug: row["slug"], name: row["name"],
            type: OrganizationType(rawValue: row["type"]) ?? .smallBusiness,
            timeZone: row["time_zone"], currency: row["currency"],
            cancellationPolicy: decode(CancellationPolicy.self, row["cancellation_policy"], fallback: .standard),
            features: decode(OrganizationFeatures.self, row["features"], fallback: OrganizationFeatures()),
            createdAt: date(row, "created_at"), updatedAt: date(row, "updated_at"), deletedAt: optionalDate(row, "deleted_at"))
    }
}
