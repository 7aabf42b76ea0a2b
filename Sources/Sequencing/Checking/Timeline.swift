/// When each statement of a checked sequence can run, and how long the whole can take.
///
/// Times are offsets from the sequence's start, as a range: the earliest (every `wait until`
/// satisfied at once, every loop's `while` false at once, the shortest branch) and the latest
/// (every `wait until` running to its timeout, every loop to its bound, the longest branch).
/// Commands count as taking no time: a command the dispatcher defers can add up to its
/// `COMPLETION_TIMEOUT` (30 s by default), which the figures do not include.
/// After an absolute time tag (`at T+…`, `at <UTC>`) times are counted from that instant.
public struct Timeline: Sendable {
    public enum Anchor: Sendable, Hashable, CustomStringConvertible {
        case start
        case missionElapsed(nanoseconds: Int64)
        case utc(microseconds: Int64)

        public var description: String {
            switch self {
            case .start: "start"
            case .missionElapsed(let ns): "T+" + Timeline.clock(ns)
            case .utc(let us): Timeline.utcText(us)
            }
        }
    }

    public struct Entry: Sendable {
        public var line: Int
        /// Call depth (0: the sequence itself) and block depth, for indentation.
        public var depth: Int
        public var text: String
        public var anchor: Anchor
        public var earliest: Int64
        public var latest: Int64
    }

    public var entries: [Entry] = []
    public var anchor: Anchor = .start
    /// Offsets from ``anchor`` when the sequence ends.
    public var earliest: Int64 = 0
    public var latest: Int64 = 0

    /// The worst-case duration in words: "4 min 30 s" or "T+00:10:00 + 30 s" after an absolute tag.
    public var worstCase: String {
        anchor == .start ? Self.duration(latest) : "\(anchor) + \(Self.duration(latest))"
    }

    /// A duration as `explain` prints it: `1 h 2 min 5 s`, `250 ms`, `1.5 s`.
    public static func durationText(_ ns: Int64) -> String { duration(ns) }

    static func duration(_ ns: Int64) -> String {
        if ns == 0 { return "0 s" }
        if ns == .max { return "unbounded" }
        if ns < 1_000_000_000 {
            return ns % 1_000_000 == 0 ? "\(ns / 1_000_000) ms" : "\(Double(ns) / 1e6) ms"
        }
        if ns % 1_000_000_000 != 0 { return "\(Double(ns) / 1e9) s" }
        var s = ns / 1_000_000_000
        var parts: [String] = []
        if s >= 3_600 {
            parts.append("\(s / 3_600) h")
            s %= 3_600
        }
        if s >= 60 {
            parts.append("\(s / 60) min")
            s %= 60
        }
        if s > 0 || parts.isEmpty { parts.append("\(s) s") }
        return parts.joined(separator: " ")
    }

    static func clock(_ ns: Int64) -> String {
        guard ns >= 0 else { return "\(ns) ns" }
        let total = ns / 1_000_000_000
        let frac = ns % 1_000_000_000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = two(total / 3_600) + ":" + two((total / 60) % 60) + ":" + two(total % 60)
        if frac != 0 {
            var f = String(frac)
            f = String(repeating: "0", count: 9 - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            text += "." + f
        }
        return text
    }

    static func utcText(_ us: Int64) -> String {
        // Years 1970…9999 only (what the language can write); anything else as a raw count.
        guard us >= 0, us < 253_402_300_800_000_000 else { return "\(us) us since 1970" }
        let seconds = us >= 0 ? us / 1_000_000 : (us - 999_999) / 1_000_000
        let micros = us - seconds * 1_000_000
        var days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let sod = seconds - days * 86_400
        // civil_from_days (Howard Hinnant)
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = "\(y)-\(two(m))-\(two(d))T\(two(sod / 3_600)):\(two((sod / 60) % 60)):\(two(sod % 60))"
        if micros != 0 {
            var f = String(micros)
            f = String(repeating: "0", count: 6 - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            text += "." + f
        }
        return text + "Z"
    }

    /// The timeline as `regolith seq explain` prints it.
    public func rendered() -> String {
        var lines: [String] = []
        for e in entries {
            let when: String
            let prefix = e.anchor == .start ? "+" : "\(e.anchor) +"
            if e.earliest == e.latest {
                when = "\(prefix)\(Self.duration(e.earliest))"
            } else {
                when = "\(prefix)\(Self.duration(e.earliest)) … +\(Self.duration(e.latest))"
            }
            let pad = String(repeating: " ", count: max(0, 34 - when.count))
            let lineText = "line \(e.line)"
            lines.append(when + pad + lineText + String(repeating: " ", count: max(1, 11 - lineText.count)) + String(repeating: "  ", count: e.depth) + e.text)
        }
        return lines.joined(separator: "\n")
    }
}
