import BizingAPI
import BizingRPC
import BizingStore
import BizingWire
import ContextKit
import Foundation
import GRDB
import Identity

/// How every Booking call runs: one transaction (IMMEDIATE for a change),
/// the caller resolved inside it, validation failures as INVALID_ARGUMENT,
/// and for a change its `idempotency-key` honoured in the same transaction
/// (so a retry racing the first call waits for it and answers its result).
struct BookingCalls: Sendable {
    let environment: BookingEnvironment
    var store: BizingStore { environment.store }

    /// A moment of the call: UTC seconds for the rules, a Date for the rows.
    struct Now {
        let seconds: Int64
        let date: Date
    }

    func now() -> Now {
        let date = store.clock.now
        return Now(seconds: Int64(date.timeIntervalSince1970.rounded(.down)), date: date)
    }

    /// Reads in one transaction.
    func reading<Response: Sendable>(
        _ organizationID: String, _ context: ServerCallContext, _ body: @escaping @Sendable (Database, BookingCaller, Now) throws -> Response
    ) async throws -> Response {
        try await answering {
            let principal = try context.caller
            let organization = try RequestFields.id(organizationID, field: "organization_id")
            let now = self.now()
            return try await store.read { db in
                try body(db, try BookingCaller.resolve(db, principal, organizationID: organization, cache: store.references), now)
            }
        }
    }

    /// Changes in one IMMEDIATE transaction, honouring `idempotency-key`.
    /// `prepare`, when given, runs first on a reader (outside the write
    /// transaction, its errors ignored) and hands its result to `body`:
    /// work the writer may reuse (see `PreparedOffer`).
    func changing<Request: Encodable & Sendable, Response: Codable & Sendable, Prepared: Sendable>(
        _ request: Request, _ organizationID: String, _ context: ServerCallContext,
        prepare: (@Sendable (Database, UUID, Now) throws -> Prepared)? = nil,
        _ body: @escaping @Sendable (Database, BookingCaller, Now, Prepared?) throws -> Response
    ) async throws -> Response {
        try await answering {
            let principal = try context.caller
            let organization = try RequestFields.id(organizationID, field: "organization_id")
            let key = try Self.idempotencyKey(context)
            let fingerprint = try key.map { _ in IdempotencyKey.fingerprint(method: context.method, request: try ProtobufEncoder().encode(request)) }
            let now = self.now()
            let prepared: Prepared? = if let prepare { try? await store.read { try prepare($0, organization, now) } } else { nil }
            return try await store.write { db in
                let caller = try BookingCaller.resolve(db, principal, organizationID: organization, cache: store.references)
                if let key, let fingerprint {
                    let stored = try BookingTables.idempotent(db, caller: caller.identity, key: key.value)
                    switch IdempotencyKey.replay(stored: stored.map { ($0.fingerprint, $0.response) }, fingerprint: fingerprint) {
                    case .answer(let response): return try ProtobufDecoder().decode(Response.self, from: response)
                    case .mismatch:
                        throw RPCStatus(.alreadyExists, "the idempotency-key was used for another request (\(stored?.method ?? "")); use a new key",
                                        details: StatusDetails(reason: "IDEMPOTENCY_KEY_REUSED"))
                    case .run: break
                    }
                }
                let response = try body(db, caller, now, prepared)
                if let key, let fingerprint {
                    try BookingTables.remember(db, caller: caller.identity, key: key.value, method: context.method, fingerprint: fingerprint,
                                               response: Data(try ProtobufEncoder().encode(response)), now: now.date)
                }
                return response
            }
        }
    }

    static func idempotencyKey(_ context: ServerCallContext) throws -> IdempotencyKey? {
        guard let text = context.metadataValue("idempotency-key") else { return nil }
        guard let key = IdempotencyKey(text) else {
            throw ValidationFailure([InvalidField(field: "idempotency-key", rule: .malformed,
                                                  description: "metadata must be 1 to 255 printable ASCII characters without spaces")])
        }
        return key
    }

    /// `changing` without a reader step first.
    func changing<Request: Encodable & Sendable, Response: Codable & Sendable>(
        _ request: Request, _ organizationID: String, _ context: ServerCallContext,
        _ body: @escaping @Sendable (Database, BookingCaller, Now) throws -> Response
    ) async throws -> Response {
        try await changing(request, organizationID, context, prepare: nil as (@Sendable (Database, UUID, Now) throws -> Never)?) { db, caller, now, _ in
            try body(db, caller, now)
        }
    }

    /// Turns validation failures into INVALID_ARGUMENT.
    func answering<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as ValidationFailure {
            throw failure.status
        } catch let refused as TransitionRefused {
            throw ContextStatus.failedPrecondition(refused.description)
        }
    }

    /// The booking, NOT_FOUND unless it exists and the caller may see it.
    static func visibleBooking(_ db: Database, _ caller: BookingCaller, _ id: String, field: String = "booking_id") throws -> BookingV1.Booking {
        let bookingID = try RequestFields.id(id, field: field).lowercasedString
        guard let booking = try BookingTables.booking(db, organizationID: caller.organizationID, id: bookingID) else {
            throw ContextStatus.notFound("booking", bookingID)
        }
        try caller.requireVisible(db, booking)
        return booking
    }
}
