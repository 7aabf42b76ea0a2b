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

    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(1, a.count) where a.count > 0 {
            current[0] = i
            for j in 1...max(1, b.count) where b.count > 0 {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
