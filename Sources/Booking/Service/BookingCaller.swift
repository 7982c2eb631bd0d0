import BizingAPI
import BizingStore
import Catalog
import ContextKit
import Foundation
import GRDB
import Identity

/// Who is calling the Booking context in one organization, decided inside
/// the call's transaction: a member (or service token) with their role, or
/// a client, any signed-in user who is not a member.
struct BookingCaller {
    let organization: OrganizationRecord
    /// nil: a client.
    let access: OrganizationAccess?
    let principal: Principal

    var userID: UUID? { principal.userID }
    var organizationID: String { organization.id.lowercasedString }

    /// The key idempotency keys and holds are kept under.
    var identity: String {
        switch principal.credential {
        case .session(_, let userID): "user:\(userID.lowercasedString)"
        case .service(let token): "token:\(token.id.lowercasedString)"
        }
    }

    var tokenID: String? {
        if case .service(let token) = principal.credential { return token.id.lowercasedString }
        return nil
    }

    /// NOT_FOUND for an organization that is not live or a token of another.
    static func resolve(_ db: Database, _ principal: Principal, organizationID: UUID, cache: ReferenceCache? = nil) throws -> BookingCaller {
        let (organization, access) = try IdentityDirectory.organization(db, principal, id: organizationID, cache: cache)
        return BookingCaller(organization: organization, access: access, principal: principal)
    }

    // MARK: Powers

    /// Manages the location's bookings: owners and admins everywhere, a
    /// manager at the locations they manage.
    func manages(location: String) -> Bool {
        guard let membership = access?.membership else { return false }
        if membership.role == .owner || membership.role == .admin { return true }
        return membership.allows(.manageLocationBookings, atLocation: UUID(uuidString: location))
    }

    /// Works the location's front desk: books walk-ins for anyone and checks people in.
    func worksDesk(location: String) -> Bool {
        manages(location: location) || access?.membership.allows(.createWalkInBooking, atLocation: UUID(uuidString: location)) == true
    }

    /// Sees every booking at the location.
    func seesAll(location: String) -> Bool {
        worksDesk(location: location) || access?.membership.allows(.viewLocationBookings, atLocation: UUID(uuidString: location)) == true
    }

    /// Whether the caller is a provider assigned to the booking (a provider
    /// bookable of theirs among its assigned bookables).
    func isAssignedProvider(_ db: Database, _ booking: BookingV1.Booking) throws -> Bool {
        guard let userID, let membership = access?.membership, membership.allows(.viewAssignedBookings, atLocation: UUID(uuidString: booking.locationId))
        else { return false }
        for assigned in booking.assignedBookables where assigned.kind == .provider {
            guard let id = UUID(uuidString: assigned.bookableId),
                  let bookable = try CatalogDirectory.bookable(db, organizationID: organization.id, id: id) else { continue }
            if UUID(uuidString: bookable.provider?.userId ?? "") == userID { return true }
        }
        return false
    }

    /// The users the booking is for (participants with accounts).
    static func users(of booking: BookingV1.Booking) -> [UUID] {
        booking.participants.compactMap { UUID(uuidString: $0.userId) }
    }

    /// Whether a client may `action` the booking: they booked it or take
    /// part alone, or the household it was booked in lets them act for
    /// every participant with an account.
    func clientMay(_ db: Database, _ booking: BookingV1.Booking, _ action: HouseholdAction) throws -> Bool {
        guard let userID else { return false }
        let users = Self.users(of: booking)
        if UUID(uuidString: booking.bookedByUserId) == userID || users == [userID] { return true }
        guard !users.isEmpty else { return false }
        // The household it was booked in; or, booked without one, any the
        // caller shares with its participants (a partner's own booking).
        let households: [Household]
        if let householdID = UUID(uuidString: booking.householdId) {
            households = try IdentityDirectory.household(db, id: householdID).map { [$0] } ?? []
        } else {
            households = try IdentityDirectory.households(db, userID: userID)
        }
        return households.contains { household in
            household.member(userID) != nil && users.allSatisfy {
                switch household.canAct(actor: userID, on: $0, action: action) {
                case .allowed, .needsApproval: true
                case .denied: false
                }
            }
        }
    }

    /// NOT_FOUND unless the caller may see the booking: staff of its
    /// location, a provider assigned to it, its booker, its participants,
    /// and household members the household lets see them.
    func requireVisible(_ db: Database, _ booking: BookingV1.Booking) throws {
        if seesAll(location: booking.locationId) { return }
        if try isAssignedProvider(db, booking) { return }
        if let userID, Self.users(of: booking).contains(userID) { return }
        if try clientMay(db, booking, .viewBookings) { return }
        throw ContextStatus.notFound("booking", booking.id)
    }

    /// PERMISSION_DENIED unless the caller may change the booking as a
    /// client would (cancel, reschedule, participants) or manages it.
    func requireModify(_ db: Database, _ booking: BookingV1.Booking, _ what: String) throws {
        if manages(location: booking.locationId) { return }
        if try clientMay(db, booking, .modifyBooking(expensive: false)) { return }
        throw ContextStatus.permissionDenied(
            "you may not \(what) this booking (its booker, a household member allowed to change others' bookings, and managers of its location may)")
    }

    /// PERMISSION_DENIED unless the caller manages the booking's location.
    func requireManage(_ booking: BookingV1.Booking, _ what: String) throws {
        guard manages(location: booking.locationId) else {
            throw ContextStatus.permissionDenied(
                "\(roleWithArticle) may not \(what) a booking here (owners, admins and managers of its location may)")
        }
    }

    /// PERMISSION_DENIED unless the caller works the booking: manages its
    /// location, works its desk (when `desk`), or is a provider assigned to it.
    func requireWork(_ db: Database, _ booking: BookingV1.Booking, desk: Bool, _ what: String) throws {
        if manages(location: booking.locationId) { return }
        if desk && worksDesk(location: booking.locationId) { return }
        if try isAssignedProvider(db, booking) { return }
        throw ContextStatus.permissionDenied(
            "\(roleWithArticle) may not \(what) this booking (managers of its location\(desk ? ", its front desk" : "") and the provider assigned may)")
    }

    var roleWithArticle: String {
        access.map { $0.role.withArticle } ?? "a client"
    }
}
