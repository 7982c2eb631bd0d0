public import BizingStore
import Foundation
import BizingAPI
import Catalog
public import Identity
import Scheduling
import Booking
public import Logging

/// The data a new user finds in the embedded default: a spa with a person
/// in every role and a family of clients, all signing in with one password.
/// Seeded only into a database without organizations, so it never mixes
/// with real data.
public enum DemoData {
    public static let organizationSlug = "demo-spa"
    /// Every demo user's password. Demo data is for trying the CLI on one's
    /// own machine; bootstrap a real database with `bizingd bootstrap`.
    public static let password = "demo-password"

    /// The demo people: email, name, role in the spa (nil: a client).
    public static let people: [(email: String, name: String, role: Role?)] = [
        ("owner@demo.bizing.dev", "Olivia Owner", .owner),
        ("admin@demo.bizing.dev", "Adam Admin", .admin),
        ("manager@demo.bizing.dev", "Maya Manager", .manager),
        ("staff@demo.bizing.dev", "Sam Staff", .staff),
        ("provider@demo.bizing.dev", "Priya Provider", .provider),
        ("client@demo.bizing.dev", "Chris Client", nil),
    ]

    /// Seeds the demo if the database has no organization; returns whether it did.
    @discardableResult
    public static func seedIfEmpty(_ store: BizingStore, passwordParameters: ScryptParameters, logger: Logger) async throws -> Bool {
        let identity = IdentityStore(store)
        guard try await !identity.hasOrganizations() else { return false }
        // One hash for every demo user: they share the password, and one
        // derivation keeps the first start quick.
        let hash = try PasswordHasher(parameters: passwordParameters).hash(Password(password))
        func user(_ email: String, _ name: String) throws -> NewUser {
            NewUser(email: try EmailAddress(email), name: name, phone: nil, passwordHash: hash,
                    preferences: #"{"time_zone":"America/New_York","locale":"en-US","notifications":{"email":true,"sms":false,"push":false}}"#)
        }
        let owner = people[0]
        let spa = try NewOrganization(
            slug: organizationSlug, name: "Serenity Day Spa", type: .smallBusiness, timeZone: "America/New_York", currency: "USD",
            features: OrganizationFeatures(waitlistEnabled: true, recurringBookings: true, productsEnabled: true))
        let bootstrapped = try await identity.bootstrap(owner: try user(owner.email, owner.name), organization: spa, tokenName: "demo owner token")
        let organizationID = bootstrapped.organization.id
        let catalog = DemoCatalog(catalog: CatalogProvisioning(store), organizationID: organizationID, now: store.clock.now)
        let (downtown, riverside) = try await catalog.locations()
        var clientID: UUID?
        var providerID: UUID?
        for person in people.dropFirst() {
            let record = try await identity.insertUser(try user(person.email, person.name))
            if let role = person.role {
                // The manager runs the downtown location only.
                let scope: MembershipScope = role == .manager ? .locations([UUID(uuidString: downtown.id)!]) : .allLocations
                _ = try await identity.addMembership(organizationID: organizationID, userID: record.id, role: role, scope: scope)
                if role == .provider { providerID = record.id }
            } else {
                clientID = record.id
            }
        }
        // A company household of stylists: its owner signs in, the stylists do not.
        let bloom = try await identity.insertUser(try user("bloom@demo.bizing.dev", "Bella Bloom"))
        var stylists: [UUID] = [bloom.id]
        for name in ["Rosa Lima", "Dana Kim"] {
            stylists.append(try await identity.insertUser(NewUser(email: nil, name: name, phone: nil, passwordHash: nil)).id)
        }
        // Bella works with the spa as a provider, so the spa may book her company.
        _ = try await identity.addMembership(organizationID: organizationID, userID: bloom.id, role: .provider, scope: .locations([UUID(uuidString: downtown.id)!]))
        let company = try await identity.createHousehold(
            name: "Bloom Bridal Beauty Co.", kind: .company, primary: bloom.id,
            members: stylists.dropFirst().map { HouseholdMemberRecord.new(userID: $0, role: .adult, relationship: .employee) })
        var seeded: DemoCatalog.Seeded?
        if let providerID {
            seeded = try await catalog.seed(downtown: downtown, riverside: riverside, providerUserID: providerID, stylists: (company.id, stylists))
            try await DemoScheduling(scheduling: SchedulingProvisioning(store), organizationID: organizationID, now: store.clock.now).seed(seeded!)
        }
        if let clientID {
            // A family: the client, their partner (who signs in) and a child (who does not).
            let partner = try await identity.insertUser(try user("partner@demo.bizing.dev", "Pat Client"))
            let child = try await identity.insertUser(NewUser(email: nil, name: "Charlie Client", phone: nil, passwordHash: nil))
            let family = try await identity.createHousehold(
                name: "The Clients", kind: .family, primary: clientID,
                members: [
                    HouseholdMemberRecord.new(userID: partner.id, role: .adult, relationship: .spouse),
                    HouseholdMemberRecord.new(userID: child.id, role: .minor, managedBy: [partner.id], relationship: .child, dateOfBirth: "2016-05-14"),
                ])
            if let seeded {
                try await DemoBookings(booking: BookingProvisioning(store), organizationID: organizationID, now: store.clock.now)
                    .seed(seeded, client: clientID, partner: partner.id, family: family.id)
            }
        }
        logger.info("demo data seeded", metadata: [
            "organization": "\(organizationSlug)", "sign-in": "bizing login --email owner@demo.bizing.dev (password: \(password))",
        ])
        return true
    }
}
