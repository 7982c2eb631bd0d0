@testable import Scheduling
import Testing

@Suite struct CascadeTests {
    func pattern(_ offers: [Cascade.Offer]) -> String {
        String(offers.map {
            switch $0 {
            case .open: "o"
            case .premium: "p"
            case .closed: "."
            case .filled: "x"
            }
        })
    }

    func filled(_ text: String) -> [Bool] { text.map { $0 == "x" } }

    @Test(arguments: [
        ("......", "oo...."),
        ("x.....", "xoo..."),
        ("xx....", "xxoo.."),
        (".x....", "oxo..."),
        ("xxxxx.", "xxxxxo"),
        ("xxxxxx", "xxxxxx"),
    ])
    func sequentialKeepsTwoOpen(_ state: String, _ expected: String) {
        #expect(pattern(Cascade(strategy: .sequential, initialOpen: 2).offers(filled: filled(state))) == expected)
    }

    @Test(arguments: [
        ("......", "ooo..."),
        ("x.....", "xoo..."),
        ("xxx...", "xxxooo"),
        ("xx.x..", "xxox.."),
        ("xxxxxx", "xxxxxx"),
        ("xxx.x.", "xxxoxo"),
    ])
    func batchesOpenWhenTheCurrentIsFull(_ state: String, _ expected: String) {
        #expect(pattern(Cascade(strategy: .batch, initialOpen: 3).offers(filled: filled(state))) == expected)
    }

    @Test func slotsBeyondTheCascadeArePremiumWhenPriced() {
        let offers = Cascade(strategy: .sequential, initialOpen: 1, premiumMultiplierBasisPoints: 15_000).offers(filled: filled("x..."))
        #expect(offers == [.filled, .open, .premium(multiplierBasisPoints: 15_000), .premium(multiplierBasisPoints: 15_000)])
    }
}
