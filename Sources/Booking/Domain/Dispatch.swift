/// Who a company provider sends: its dispatch method decides.
public enum Dispatch {
    public enum Method: Hashable, Sendable {
        /// The free technician with the fewest jobs that day, then by id.
        case autoAssign
        /// No one yet: staff assign a technician later.
        case manual
        /// The client's pick, which must be one of the company's technicians and free.
        case customerChoice
    }

    public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        case noTechnicianFree
        case pickRequired
        case notATechnician(String)
        case technicianBusy(String)

        public var description: String {
            switch self {
            case .noTechnicianFree: "no technician of the company is free then"
            case .pickRequired: "the company lets the client choose: name a technician"
            case .notATechnician(let id): "\(id) is not one of the company's technicians"
            case .technicianBusy(let id): "technician \(id) is not free then"
            }
        }
    }

    /// The technician to send (nil: none yet, under manual dispatch).
    /// `free`: the technicians free for the interval; `load`: their jobs that day.
    public static func technician(
        _ method: Method, technicians: [String], free: Set<String>, load: [String: Int], pick: String?
    ) throws(Refusal) -> String? {
        switch method {
        case .manual:
            return nil
        case .autoAssign:
            let chosen = technicians.filter(free.contains).min { (load[$0, default: 0], $0) < (load[$1, default: 0], $1) }
            guard let chosen else { throw .noTechnicianFree }
            return chosen
        case .customerChoice:
            guard let pick, !pick.isEmpty else { throw .pickRequired }
            guard technicians.contains(pick) else { throw .notATechnician(pick) }
            guard free.contains(pick) else { throw .technicianBusy(pick) }
            return pick
        }
    }
}
