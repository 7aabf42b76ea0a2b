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
            let d = rows.distance(a, b, limit: allowed)
            if d <= allowed, d < (best?.1 ?? .max) { best = (candidate, d) }
        }
        return best?.0
    }

    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        var rows = Rows(capacity: max(a.count, b.count) + 1)
        return rows.distance(a, b, limit: max(a.count, b.count))
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

        /// The distance, or `limit + 1` as soon as it is sure to exceed `limit`. Only cells
        /// within `limit` of the diagonal are computed (a band), so the cost is O(n · limit).
        mutating func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
            if a.isEmpty || b.isEmpty { return min(max(a.count, b.count), limit + 1) }
            if abs(a.count - b.count) > limit { return limit + 1 }
            if previous.count < b.count + 1 { self = Rows(capacity: b.count + 1) }
            let far = limit + 1
            for j in 0...b.count { previous[j] = j <= limit ? j : far }
            for j in 0...b.count { previous2[j] = far }
            for i in 1...a.count {
                let lo = max(1, i - limit), hi = min(b.count, i + limit)
                current[0] = i <= limit ? i : far
                if lo > 1 { current[lo - 1] = far }
                var rowMin = current[0]
                if lo <= hi {
                    for j in lo...hi {
                        let cost = a[i - 1] == b[j - 1] ? 0 : 1
                        var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, previous2[j - 2] + 1) }
                        d = min(d, far)
                        current[j] = d
                        rowMin = min(rowMin, d)
                    }
                }
                if hi < b.count { current[hi + 1] = far }
                if rowMin > limit { return far }
                swap(&previous2, &previous)
                swap(&previous, &current)
            }
            return min(previous[b.count], far)
        }
    }
}
