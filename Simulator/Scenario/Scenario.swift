/// A fault-injection scenario: what goes wrong, and when, in one simulated run. Written in
/// YAML (docs/scenarios.md) and loaded with ``Scenario/load(contentsOf:)``; applied to a run
/// by ``ScenarioRunner``.
public struct Scenario: Hashable, Sendable {
    public enum Vehicle: String, Hashable, Sendable, CaseIterable { case lander, rover }

    public var name: String
    public var summary: String
    public var vehicle: Vehicle
    /// Overrides the run's seed when set, so a scenario replays exactly.
    public var seed: UInt64?
    public var faults: [ScheduledFault]
    public var file: String

    public init(name: String, summary: String = "", vehicle: Vehicle, seed: UInt64? = nil, faults: [ScheduledFault], file: String = "") {
        self.name = name
        self.summary = summary
        self.vehicle = vehicle
        self.seed = seed
        self.faults = faults
        self.file = file
    }
}

/// One fault and when it starts and stops.
public struct ScheduledFault: Hashable, Sendable {
    public var trigger: Trigger
    public var fault: InjectedFault
    /// Seconds the fault lasts once started; nil: to the end of the run.
    public var duration: Double?
    /// Where it was written (for reports).
    public var line: Int

    public init(trigger: Trigger, fault: InjectedFault, duration: Double? = nil, line: Int = 0) {
        self.trigger = trigger
        self.fault = fault
        self.duration = duration
        self.line = line
    }
}

/// When a fault starts: at a simulated time, or the first time a condition on the true
/// state holds.
public enum Trigger: Hashable, Sendable, CustomStringConvertible {
    case at(seconds: Double)
    case when(Condition)
    /// Every condition holds at once (`altitude < 50 m and horizontal-speed < 2 m/s`).
    case whenAll([Condition])

    public var description: String {
        switch self {
        case .at(let t): return "at \(t) s"
        case .when(let c): return "when \(c)"
        case .whenAll(let cs): return "when " + cs.map(\.description).joined(separator: " and ")
        }
    }
}

/// `<quantity> <comparison> <value>` on the simulated vehicle's true state.
public struct Condition: Hashable, Sendable, CustomStringConvertible {
    public enum Quantity: String, Hashable, Sendable, CaseIterable {
        /// Lander: height of the feet above the terrain below (m).
        case altitude
        /// Lander: speed along local vertical, positive up (m/s).
        case verticalSpeed = "vertical-speed"
        /// Lander: speed across local vertical (m/s).
        case horizontalSpeed = "horizontal-speed"
        /// Lander: propellant used so far (kg).
        case propellantUsed = "propellant-used"
        /// Rover: distance driven over the ground (m).
        case distance
        /// Rover: east and north position in the site frame (m).
        case east, north

        public var units: String {
            switch self {
            case .altitude, .distance, .east, .north: return "m"
            case .verticalSpeed, .horizontalSpeed: return "m/s"
            case .propellantUsed: return "kg"
            }
        }
    }

    public enum Comparison: String, Hashable, Sendable, CaseIterable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

        public func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            }
        }
    }

    public var quantity: Quantity
    public var comparison: Comparison
    public var value: Double

    public init(_ quantity: Quantity, _ comparison: Comparison, _ value: Double) {
        self.quantity = quantity
        self.comparison = comparison
        self.value = value
    }

    public var description: String { "\(quantity.rawValue) \(comparison.rawValue) \(value) \(quantity.units)" }
}

/// A sensor or device named in a scenario (the board's device names).
public enum FaultDevice: String, Hashable, Sendable, CaseIterable {
    case imu, altimeter, engine, attitude, legs, power, wheels, roverIMU = "rover-imu", hazard
}

/// What goes wrong.
public enum InjectedFault: Hashable, Sendable, CustomStringConvertible {
    /// The sensor stops producing valid data.
    case sensorDropout(FaultDevice)
    /// A step added to the sensor's bias (its own units: m/s^2 for an IMU accelerometer axis
    /// given as `accel`, rad/s for `rate`, m for ranges, A for currents...).
    case biasStep(FaultDevice, channel: String, value: Double)
    /// The sensor repeats its last output.
    case stuck(FaultDevice)
    /// The altimeter's ranges jump by this many metres (the terrain-step case: a crater rim).
    case altitudeStep(metres: Double)
    /// The engine delivers only this fraction of the commanded thrust (0...1).
    case thrustLoss(remaining: Double)
    /// The engine's thrust is the commanded thrust times this factor (e.g. 0.9 or 1.1).
    case thrustDispersion(factor: Double)
    /// The engine stops and does not restart.
    case engineFailure
    /// One wheel (0...5) stops turning.
    case wheelStall(wheel: Int)
    /// A patch of ground where the wheels slip by this fraction (0...1).
    case slipPatch(east: Double, north: Double, radius: Double, slip: Double)
    /// This many amperes added to one wheel motor's current.
    case motorOverCurrent(wheel: Int, amperes: Double)
    /// The device's link carries nothing either way.
    case linkLoss(FaultDevice)
    /// The CAN bus goes bus-off (error frames to every node, no traffic).
    case canBusOff
    /// A fraction (0...0.9) of the flight computer's time is stolen from every run of its
    /// guidance group (Apollo 11's rendezvous radar interface, 1969: ~15 % of the AGC's
    /// cycles). A fault of the computer, not of the world: only a harness that models the
    /// flight computer's CPU (the lockstep lander mission) applies it.
    case cycleSteal(fraction: Double)

    /// The scenario file's name of the fault kind.
    public var kind: String {
        switch self {
        case .sensorDropout: return "sensor-dropout"
        case .biasStep: return "bias-step"
        case .stuck: return "stuck-value"
        case .altitudeStep: return "altitude-step"
        case .thrustLoss: return "thrust-loss"
        case .thrustDispersion: return "thrust-dispersion"
        case .engineFailure: return "engine-failure"
        case .wheelStall: return "wheel-stall"
        case .slipPatch: return "slip-patch"
        case .motorOverCurrent: return "motor-over-current"
        case .linkLoss: return "link-loss"
        case .canBusOff: return "can-bus-off"
        case .cycleSteal: return "cycle-steal"
        }
    }

    public static let kinds = [
        "sensor-dropout", "bias-step", "stuck-value", "altitude-step", "thrust-loss", "thrust-dispersion",
        "engine-failure", "wheel-stall", "slip-patch", "motor-over-current", "link-loss", "can-bus-off", "cycle-steal",
    ]

    public var description: String {
        switch self {
        case .sensorDropout(let d): return "sensor-dropout \(d.rawValue)"
        case .biasStep(let d, let c, let v): return "bias-step \(d.rawValue) \(c) \(v)"
        case .stuck(let d): return "stuck-value \(d.rawValue)"
        case .altitudeStep(let m): return "altitude-step \(m) m"
        case .thrustLoss(let r): return "thrust-loss (remaining \(r))"
        case .thrustDispersion(let f): return "thrust-dispersion x\(f)"
        case .engineFailure: return "engine-failure"
        case .wheelStall(let w): return "wheel-stall wheel \(w)"
        case .slipPatch(let e, let n, let r, let s): return "slip-patch (\(e), \(n)) r \(r) m slip \(s)"
        case .motorOverCurrent(let w, let a): return "motor-over-current wheel \(w) +\(a) A"
        case .linkLoss(let d): return "link-loss \(d.rawValue)"
        case .canBusOff: return "can-bus-off"
        case .cycleSteal(let f): return "cycle-steal \(f)"
        }
    }
}
