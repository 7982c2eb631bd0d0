public import BizingAPI
public import BizingStore
import ContextKit
public import Foundation
import GRDB
import Identity
import Scheduling

/// Bookings made in-process (the demo data, benchmarks), by a user through
/// the same rules and transaction as Bookings.Create.
public struct BookingProvisioning: Sendable {
    let environment: BookingEnvironment

    public init(_ store: BizingStore) {
        environment = BookingEnvironment(store: store)
    }

    /// `bookerID` books `request` as if they had called Create.
    public func book(_ request: BookingV1.CreateBookingRequest, bookerID: UUID) async throws -> BookingV1.Booking {
        let calls = BookingCalls(environment: environment)
        let environment = environment
        let now = calls.now()
        return try await calls.answering {
            let organizationID = try RequestFields.id(request.organizationId, field: "organization_id")
            guard let choice = request.slot else { throw ValidationFailure([InvalidField(field: "slot", rule: .required, description: "is required")]) }
            let slot = try SlotChoices.wanted(choice, field: "slot.")
            return try await environment.store.write { db in
                let caller = try BookingCaller.resolve(db, .inProcess(userID: bookerID), organizationID: organizationID)
                return try Booker(environment: environment).book(db, caller, Booker.Order(
                    slot: slot, participants: request.participants, householdID: request.householdId, notes: request.notes,
                    source: request.source, technician: request.technicianUserId, holdID: nil), now: now)
            }
        }
    }
}
