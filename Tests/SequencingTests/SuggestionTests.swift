import FlightCore
import Testing

@testable import Sequencing

@Suite struct SuggestionTests {
    /// Optimal string alignment distance, the plain full-table way.
    static func reference(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    @Test func bandedDistanceAgreesWithTheFullTable() {
        var rng = SeededRandom(seed: 7)
        var rows = Suggestion.Rows(capacity: 4)
        let alphabet: [Unicode.Scalar] = ["a", "b", "c", "d"]
        for _ in 0..<5_000 {
            let a = (0..<Int(rng.next() % 9)).map { _ in alphabet[Int(rng.next() % 4)] }
            let b = (0..<Int(rng.next() % 9)).map { _ in alphabet[Int(rng.next() % 4)] }
            let exact = Self.reference(a, b)
            for limit in 0...4 {
                let banded = rows.distance(a, b, limit: limit)
                #expect(exact <= limit ? banded == exact : banded == limit + 1, "\(a) \(b) limit \(limit)")
            }
        }
    }

    @Test(arguments: [
        ("wiat", "wait"), ("cmdDisp.CMD_NOOP", "cmdDisp.CMD_NO_OP"), ("U33", "U32"), ("mins", "min"),
        ("DIAGNOSTC", "DIAGNOSTIC"), ("cmdDisp.CommandErorrs", "cmdDisp.CommandErrors"),
    ])
    func typosFindTheirName(typo: String, name: String) {
        let candidates = ["wait", "cmdDisp.CMD_NO_OP", "U32", "U64", "min", "ms", "DIAGNOSTIC", "cmdDisp.CommandErrors", "cmdDisp.CommandsBusy"]
        #expect(Suggestion.nearest(to: typo, in: candidates) == name)
    }

    @Test func farNamesGetNoSuggestion() {
        #expect(Suggestion.nearest(to: "rover.DRIVE", in: ["cmdDisp.CMD_NO_OP", "seq.SEQ_RUN"]) == nil)
        #expect(Suggestion.nearest(to: "", in: ["a"]) == nil)
    }
}
