@testable import Booking
import Testing

@Suite struct DispatchTests {
    let team = ["t-b", "t-a", "t-c"]

    @Test func autoAssignSendsTheFreeTechnicianWithFewestJobsThenById() throws {
        #expect(try Dispatch.technician(.autoAssign, technicians: team, free: ["t-a", "t-b", "t-c"], load: ["t-a": 2, "t-b": 1, "t-c": 1], pick: nil) == "t-b")
        #expect(try Dispatch.technician(.autoAssign, technicians: team, free: ["t-a"], load: ["t-a": 5], pick: nil) == "t-a")
        #expect(throws: Dispatch.Refusal.noTechnicianFree) { try Dispatch.technician(.autoAssign, technicians: team, free: [], load: [:], pick: nil) }
    }

    @Test func manualDispatchSendsNoOneYet() throws {
        #expect(try Dispatch.technician(.manual, technicians: team, free: [], load: [:], pick: "t-a") == nil)
    }

    @Test func customerChoiceTakesTheClientsPickWhenItIsAFreeTechnician() throws {
        #expect(try Dispatch.technician(.customerChoice, technicians: team, free: ["t-c"], load: [:], pick: "t-c") == "t-c")
        #expect(throws: Dispatch.Refusal.pickRequired) { try Dispatch.technician(.customerChoice, technicians: team, free: ["t-c"], load: [:], pick: nil) }
        #expect(throws: Dispatch.Refusal.notATechnician("t-z")) {
            try Dispatch.technician(.customerChoice, technicians: team, free: ["t-z"], load: [:], pick: "t-z")
        }
        #expect(throws: Dispatch.Refusal.technicianBusy("t-a")) {
            try Dispatch.technician(.customerChoice, technicians: team, free: ["t-c"], load: [:], pick: "t-a")
        }
        #expect(Dispatch.Refusal.technicianBusy("t-a").description == "technician t-a is not free then")
    }
}

@Suite struct SeatsTests {
    @Test func participantsFitWhileSeatsRemain() throws {
        #expect(try Seats.take(3, taken: 10, maximum: 18) == 5)
        #expect(try Seats.take(8, taken: 10, maximum: 18) == 0)
        #expect(throws: Seats.Refusal.full(left: 8)) { try Seats.take(9, taken: 10, maximum: 18) }
        #expect(throws: Seats.Refusal.full(left: 0)) { try Seats.take(1, taken: 20, maximum: 18) }
        #expect(throws: Seats.Refusal.none) { try Seats.take(0, taken: 0, maximum: 18) }
        #expect(Seats.Refusal.full(left: 1).description == "only 1 seat left")
    }
}
