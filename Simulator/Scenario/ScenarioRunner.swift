/// What a scenario acts on: the simulated world and its links. The lockstep harness
/// implements it; tests can implement it to watch what a scenario does.
public protocol FaultTarget: AnyObject {
    /// The true value of a quantity that a `when:` condition reads; nil when it does not
    /// apply now (no lander, no terrain below).
    func trueValue(of quantity: Condition.Quantity) -> Double?
    func apply(_ fault: InjectedFault)
    func remove(_ fault: InjectedFault)
}

/// Plays a ``Scenario`` against a run: call ``update(time:target:)`` once per physics step;
/// faults start when their trigger fires (once) and end after their duration.
public struct ScenarioRunner: Sendable {
    public struct Transition: Hashable, Sendable {
        public enum Kind: String, Hashable, Sendable { case started, ended }
        public var time: Double
        public var kind: Kind
        public var fault: InjectedFault
        /// The scenario file's line for the fault.
        public var line: Int
    }

    public let scenario: Scenario
    enum Phase { case waiting, active(until: Double?), done }
    private var phases: [Phase]
    /// Every start and end, in order: the run's record of what was injected.
    public private(set) var transitions: [Transition] = []

    public init(_ scenario: Scenario) {
        self.scenario = scenario
        phases = Array(repeating: .waiting, count: scenario.faults.count)
        transitions.reserveCapacity(2 * scenario.faults.count)
    }

    /// Faults active now.
    public var active: [InjectedFault] {
        scenario.faults.indices.compactMap { i in
            if case .active = phases[i] { return scenario.faults[i].fault }
            return nil
        }
    }

    static func holds(_ c: Condition, on target: some FaultTarget) -> Bool {
        target.trueValue(of: c.quantity).map { c.comparison.holds($0, c.value) } ?? false
    }

    /// Starts and ends faults due at `time` (simulated seconds).
    public mutating func update(time: Double, target: some FaultTarget) {
        for i in scenario.faults.indices {
            let f = scenario.faults[i]
            switch phases[i] {
            case .waiting:
                let fire: Bool
                switch f.trigger {
                case .at(let t): fire = time >= t
                case .when(let c): fire = Self.holds(c, on: target)
                case .whenAll(let cs): fire = cs.allSatisfy { Self.holds($0, on: target) }
                }
                guard fire else { continue }
                target.apply(f.fault)
                transitions.append(Transition(time: time, kind: .started, fault: f.fault, line: f.line))
                phases[i] = .active(until: f.duration.map { time + $0 })
            case .active(let until):
                guard let until, time >= until else { continue }
                target.remove(f.fault)
                transitions.append(Transition(time: time, kind: .ended, fault: f.fault, line: f.line))
                phases[i] = .done
            case .done:
                continue
            }
        }
    }
}
