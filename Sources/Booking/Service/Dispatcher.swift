import BizingAPI
import BizingRPC
import BizingWire
import Catalog
import ContextKit
import Foundation
import GRDB
import Identity
import Scheduling

/// Sends a technician for each company provider a booking is assigned, as
/// the company's dispatch method says (Domain/Dispatch).
enum Dispatcher {
    /// Fills `technicianUserId` of every company provider in `assigned`.
    /// `pick`: the technician asked for (the client's under customer
    /// choice; staff may name one under any method). `excluding`: the
    /// booking being changed, whose own jobs do not count.
    static func send(
        _ db: Database, _ caller: BookingCaller, _ assigned: inout [BookingV1.AssignedBookable], at location: String, service: Interval,
        pick: String, excluding bookingID: String
    ) throws {
        let companies = assigned.indices.filter { assigned[$0].kind == .companyProvider }
        guard !companies.isEmpty else {
            if !pick.isEmpty {
                throw ValidationFailure([InvalidField(field: "technician_user_id", rule: .notAllowed, description: "the service needs no company provider")])
            }
            return
        }
        for index in companies {
            guard let id = UUID(uuidString: assigned[index].bookableId),
                  let company = try CatalogDirectory.bookable(db, organizationID: caller.organization.id, id: id)?.companyProvider
            else { continue }
            let technicians = company.technicianIds.map { $0.lowercased() }
            // "That day": the 12 hours either side of the job.
            let jobs = try BookingTables.technicianJobs(db, companyID: assigned[index].bookableId, technicians: technicians,
                                                        within: service.padded(before: 43_200, after: 43_200), excluding: bookingID)
            let busy = Set(jobs.filter { $0.span.overlaps(service) }.map(\.technician))
            var load: [String: Int] = [:]
            for job in jobs { load[job.technician, default: 0] += 1 }
            let free = Set(technicians.filter { !busy.contains($0) })
            let staffPick = !pick.isEmpty && caller.worksDesk(location: location)
            let method: Dispatch.Method = switch company.dispatchMethod {
            case .autoAssign: pick.isEmpty ? .autoAssign : .customerChoice
            case .customerChoice: .customerChoice
            default: pick.isEmpty ? .manual : .customerChoice
            }
            if company.dispatchMethod != .customerChoice && !pick.isEmpty && !staffPick {
                throw ValidationFailure([InvalidField(field: "technician_user_id", rule: .notAllowed,
                                                      description: "the company chooses who it sends (its dispatch is \(company.dispatchMethod.columnValue))")])
            }
            do {
                assigned[index].technicianUserId = try Dispatch.technician(method, technicians: technicians, free: free, load: load, pick: pick.lowercased()) ?? ""
            } catch {
                switch error {
                case .noTechnicianFree, .technicianBusy: throw SchedulingLedger.unavailable(error.description)
                case .pickRequired, .notATechnician:
                    throw ValidationFailure([InvalidField(field: "technician_user_id", rule: .notAllowed, description: error.description)])
                }
            }
        }
    }
}
