/// "Did you mean …?" for misspelt names: the nearest candidate by edit distance
/// (case-insensitive Levenshtein), if it is near enough to be a plausible typo.
enum Suggestion {
    /// Longest name compared; longer ones are not suggested (keeps the work bounded).
    static let maxLength = 128

    static func nearest(to name: String, in candidates: some Sequence<String>) -> String? {
        let a = Array(name.lowercased().unicodeScalars)
        guard !a.isEmpty, a.count <= maxLength else { return nil }
        var best: (String, Int)?
        for candidate in candidates {
            let b = Array(candidate.lowercased().unicodeScalars)
            guard b.count <= maxLength, abs(b.count - a.count) <= 3 else { continue }
            let d = distance(a, b)
            let allowed = max(1, min(3, max(a.count, b.count) / 3))
            if d <= allowed, d < (best?.1 ?? .max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and
    /// transpositions of neighbours ("wiat" is one edit from "wait") each cost 1.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
