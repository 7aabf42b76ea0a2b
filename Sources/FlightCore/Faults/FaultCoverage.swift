import Synchronization

/// What a fault manager's table did in one run: every monitor's trips and every response's
/// firings, by name (``FaultManager/activity``).
public struct FaultActivity: Sendable, Hashable {
    public var monitors: [(name: String, trips: UInt32)]
    public var responses: [(name: String, firings: UInt32)]

    public init(monitors: [(name: String, trips: UInt32)], responses: [(name: String, firings: UInt32)]) {
        self.monitors = monitors
        self.responses = responses
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.monitors.map(\.name) == b.monitors.map(\.name) && a.monitors.map(\.trips) == b.monitors.map(\.trips)
            && a.responses.map(\.name) == b.responses.map(\.name) && a.responses.map(\.firings) == b.responses.map(\.firings)
    }

    public func hash(into h: inout Hasher) {
        for m in monitors { h.combine(m.name); h.combine(m.trips) }
        for r in responses { h.combine(r.name); h.combine(r.firings) }
    }
}

/// Fault coverage across tests or scenarios: which monitors and responses fired in which
/// scenario, and which never fired. Tests record each run's ``FaultActivity`` under the
/// scenario's name and print ``report()``; a mission's scenario suite checks ``unfired``.
/// Safe to share between tests running in parallel.
public final class FaultCoverage: Sendable {
    private struct State {
        /// Every name seen, in first-seen order, and whether it is a monitor.
        var names: [(name: String, isMonitor: Bool)] = []
        /// name -> scenario -> count
        var fired: [String: [String: UInt32]] = [:]
        var scenarios: [String] = []
    }
    private let state = Mutex(State())

    public init() {}

    /// Records what fired in one scenario (counts add up when a scenario is recorded twice).
    public func record(_ activity: FaultActivity, scenario: String) {
        state.withLock { s in
            if !s.scenarios.contains(scenario) { s.scenarios.append(scenario) }
            for m in activity.monitors where !s.names.contains(where: { $0.name == m.name }) { s.names.append((m.name, true)) }
            for r in activity.responses where !s.names.contains(where: { $0.name == r.name }) { s.names.append((r.name, false)) }
            for m in activity.monitors where m.trips > 0 { s.fired[m.name, default: [:]][scenario, default: 0] += m.trips }
            for r in activity.responses where r.firings > 0 { s.fired[r.name, default: [:]][scenario, default: 0] += r.firings }
        }
    }

    /// Records what `faults` did so far under `scenario`.
    public func record(_ faults: FaultManager, scenario: String) {
        record(faults.activity, scenario: scenario)
    }

    /// Monitors and responses recorded that never fired in any scenario.
    public var unfired: [String] {
        state.withLock { s in s.names.map(\.name).filter { (s.fired[$0] ?? [:]).isEmpty } }
    }

    /// The scenarios in which `name` (a monitor or response) fired.
    public func scenarios(firing name: String) -> [String] {
        state.withLock { s in s.scenarios.filter { (s.fired[name]?[$0] ?? 0) > 0 } }
    }

    /// A plain-text table: each monitor and response, the scenarios it fired in (with counts),
    /// and a final list of those that never fired.
    public func report() -> String {
        state.withLock { s in
            var lines = ["Fault coverage: \(s.names.filter(\.isMonitor).count) monitors, \(s.names.filter { !$0.isMonitor }.count) responses, \(s.scenarios.count) scenarios"]
            for section in [true, false] {
                lines.append(section ? "monitors:" : "responses:")
                for n in s.names where n.isMonitor == section {
                    let hits = s.scenarios.compactMap { sc in s.fired[n.name]?[sc].map { "\(sc) (\($0))" } }
                    lines.append("  \(n.name): " + (hits.isEmpty ? "NEVER FIRED" : hits.joined(separator: ", ")))
                }
            }
            let never = s.names.map(\.name).filter { (s.fired[$0] ?? [:]).isEmpty }
            lines.append(never.isEmpty ? "every monitor and response fired at least once" : "never fired: " + never.joined(separator: ", "))
            return lines.joined(separator: "\n")
        }
    }
}
