/// "Did you mean …?" for misspelt names: the nearest candidate by edit distance
/// (case-insensitive Levenshtein), if it is near enough to be a plausible typo.
enum Suggestion {
    /// Longest name compared; longer ones are not suggested (keeps the work bounded).
    static let maxLength = 128

    static func nearest(to name: String, in candidates: some Sequence<String>) -> String? {
        let a = Array(name.lowercased().unicodeScalars)
        guard !a.isEmpty, a.count <= maxLength else { return nil }
        var best: (String, Int)?
        var rows = Rows(capacity: maxLength + 1)
        for candidate in candidates {
            // Cheap length filter before any lowercasing.
            let n = candidate.unicodeScalars.count
            guard n <= maxLength, abs(n - a.count) <= 3 else { continue }
            let b = Array(candidate.lowercased().unicodeScalars)
            let allowed = max(1, min(3, max(a.count, b.count) / 3))
            guard allowed < (best?.1 ?? .max) || best == nil else { continue }
            let d = rows.distance(a, b)
            if d <= allowed, d < (best?.1 ?? .max) { best = (candidate, d) }
        }
        return best?.0
    }

    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        var rows = Rows(capacity: max(a.count, b.count) + 1)
        return rows.distance(a, b)
    }

    /// Three rolling rows of the optimal-string-alignment table (insertions, deletions,
    /// substitutions and transpositions of neighbours each cost 1: "wiat" is one edit from
    /// "wait"), reused across candidates.
    struct Rows {
        var previous2: [Int]
        var previous: [Int]
        var current: [Int]

        init(capacity: Int) {
            previous2 = [Int](repeating: 0, count: capacity + 1)
            previous = previous2
            current = previous2
        }

        mutating func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
            if a.isEmpty { return b.count }
            if b.isEmpty { return a.count }
            if previous.count < b.count + 1 { self = Rows(capacity: b.count + 1) }
            for j in 0...b.count { previous[j] = j }
            for i in 1...a.count {
                current[0] = i
                for j in 1...b.count {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, previous2[j - 2] + 1) }
                    current[j] = d
                }
                swap(&previous2, &previous)
                swap(&previous, &current)
            }
            return previous[b.count]
        }
    }
}
