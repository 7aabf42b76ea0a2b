/// One sample of the four leg contact switches.
public struct LegSwitchSample: Equatable, Sendable, BitwiseCopyable {
    public var sequence: Int
    public var time: Double
    public var valid: Bool
    /// Closed switches, one bit per leg (0...3, as in `LanderVehicle.feet`).
    public var closed: IndexMask

    public func isClosed(_ leg: Int) -> Bool { closed.contains(index: leg) }

    public static let none = LegSwitchSample(sequence: 0, time: 0, valid: false, closed: [])
}

/// Fault hooks of the leg switches.
public struct LegSwitchFaults: Equatable, Sendable, BitwiseCopyable {
    /// No output: samples invalid, no switch closed.
    public var dropout: Bool
    /// Legs whose switch is frozen at its last reading.
    public var stuckLegs: IndexMask
    /// Legs whose switch reads closed whatever happens (a false contact).
    public var falselyClosed: IndexMask

    public init(dropout: Bool = false, stuckLegs: IndexMask = [], falselyClosed: IndexMask = []) {
        self.dropout = dropout
        self.stuckLegs = stuckLegs
        self.falselyClosed = falselyClosed
    }

    public static let none = LegSwitchFaults()
}

/// Contact switches on the four foot pads. A switch closes when its foot is within
/// `travel` of the terrain (the pad's stroke). After touchdown the simulation stops
/// moving the lander; the lander is then taken to have settled on all four legs and every
/// switch reads closed (assumption: no settling dynamics are modelled).
public struct LegSwitchModel: Sendable {
    public struct Configuration: Equatable, Sendable {
        public var rate: Double
        /// Foot clearance at which a switch closes, m.
        public var travel: Double

        public init(rate: Double = 100, travel: Double = 0.02) {
            self.rate = rate
            self.travel = travel
        }

        public static let lander = Configuration()
    }

    public let configuration: Configuration
    public var faults = LegSwitchFaults.none
    public private(set) var latest = LegSwitchSample.none

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Takes a sample from the four feet's clearances above the terrain (m) or, once
    /// landed, with `landed` true.
    public mutating func sample(clearances: (Double, Double, Double, Double), landed: Bool, time: Double) {
        var closed: IndexMask = []
        let t = configuration.travel
        if landed || clearances.0 <= t { closed.insert(.index(0)) }
        if landed || clearances.1 <= t { closed.insert(.index(1)) }
        if landed || clearances.2 <= t { closed.insert(.index(2)) }
        if landed || clearances.3 <= t { closed.insert(.index(3)) }
        closed.formUnion(faults.falselyClosed)
        let frozen = faults.stuckLegs.rawValue
        closed = IndexMask(rawValue: (closed.rawValue & ~frozen) | (latest.closed.rawValue & frozen))
        if faults.dropout {
            latest = LegSwitchSample(sequence: latest.sequence + 1, time: time, valid: false, closed: [])
        } else {
            latest = LegSwitchSample(sequence: latest.sequence + 1, time: time, valid: true, closed: closed)
        }
    }
}
