import BizingAPI
import BizingStore
import ContextKit
import Foundation
import GRDB
import Identity

enum ProgramCatalogKind: CatalogKind {
    typealias Resource = CatalogV1.ProgramTemplate

    static func normalize(_ program: inout Resource, context: RuleContext, ids: IDGenerator) {
        if program.status == .unspecified { program.status = .draft }
        if program.enrollmentType == .unspecified { program.enrollmentType = .fullOnly }
        fillCurrency(&program.fullProgramPrice, context.currency)
        fillCurrency(&program.dropInPrice, context.currency)
        for index in program.sessions.indices {
            program.sessions[index].serviceTemplateId = program.sessions[index].serviceTemplateId.lowercased()
        }
    }

    static func authorityLocation(_ program: Resource) -> UUID? { nil }
    static func pricingLocation(_ program: Resource) -> UUID? { nil }

    static func violations(_ program: Resource, context: RuleContext) -> [InvalidField] {
        ProgramRules.violations(program, context: context)
    }

    /// Each session's template is live and not archived.
    static func references(_ db: Database, _ program: inout Resource, organization: OrganizationRecord, context: RuleContext) throws -> [InvalidField] {
        let ids = program.sessions.compactMap { UUID(uuidString: $0.serviceTemplateId) }
        let live = try CatalogTables.liveIDs(db, CatalogV1.ServiceTemplate.self, organizationID: organization.id, among: ids,
                                             where: ListCondition("status <> 'archived'"))
        return program.sessions.enumerated().compactMap { index, session in
            UUID(uuidString: session.serviceTemplateId).map(live.contains) != false ? nil
                : InvalidField(field: "sessions[\(index)].service_template_id", rule: .unknown,
                               description: "is not a live, unarchived service template of this organization")
        }
    }

    static func checkTransition(from previous: Resource, to next: Resource) throws {
        if previous.status == .archived {
            throw ContextStatus.failedPrecondition("the program is archived, which is final: it cannot change")
        }
        guard ProgramRules.allows(from: previous.status, to: next.status) else {
            throw ContextStatus.failedPrecondition(
                "the program is \(previous.status.columnValue): it cannot become \(next.status.columnValue) (draft -> active -> archived)")
        }
    }

    static func apply(_ path: String, from patch: Resource, to program: inout Resource) -> Bool {
        switch path {
        case "slug": program.slug = patch.slug
        case "name": program.name = patch.name
        case "description": program.description = patch.description
        case "sessions": program.sessions = patch.sessions
        case "enrollment_type": program.enrollmentType = patch.enrollmentType
        case "full_program_price": program.fullProgramPrice = patch.fullProgramPrice
        case "drop_in_price": program.dropInPrice = patch.dropInPrice
        case "min_attendance_required": program.minAttendanceRequired = patch.minAttendanceRequired
        case "allow_missed_sessions": program.allowMissedSessions = patch.allowMissedSessions
        case "status": program.status = patch.status
        default: return false
        }
        return true
    }
}
