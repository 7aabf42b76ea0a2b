/// A lander stepped at a fixed rate: dynamics, clock and leg contact.
///
/// Deterministic: the same vehicle, start state, step and command sequence give
/// bit-identical states. `step` allocates nothing.
public struct LanderSimulation: Sendable {
    public var dynamics: LanderDynamics
    public private(set) var state: LanderState
    /// Simulation time, s: `stepCount * dt` (no accumulated rounding).
    public var time: Double { Double(stepCount) * dt }
    public private(set) var stepCount: Int = 0
    /// Fixed step, s.
    public let dt: Double
    /// Set when the legs reach the surface; the simulation then stops advancing.
    public private(set) var touchdown: Touchdown?

    public init(vehicle: LanderVehicle, gravity: GravityModel, state: LanderState, dt: Double) {
        precondition(dt > 0 && dt.isFinite, "step must be positive")
        self.dynamics = LanderDynamics(vehicle: vehicle, gravity: gravity)
        self.state = state
        self.dt = dt
    }

    /// Height of the foot pads above the surface, m.
    public var footHeight: Double {
        dynamics.gravity.altitude(of: state.position) - dynamics.vehicle.legHeight
    }

    func footHeight(of s: LanderState) -> Double {
        dynamics.gravity.altitude(of: s.position) - dynamics.vehicle.legHeight
    }

    /// Advances one step under `command`. Returns false (and does nothing) once landed.
    ///
    /// When the feet cross the surface inside a step, the contact time is found by
    /// bisection on the step length (re-integrating from the start of the step), so
    /// the touchdown speeds do not depend on where the step boundary fell.
    @discardableResult
    public mutating func step(_ command: EngineCommand) -> Bool {
        guard touchdown == nil else { return false }
        let start = state
        let next = dynamics.step(start, command: command, dt: dt)
        guard footHeight(of: next) <= 0 else {
            state = next
            stepCount += 1
            return true
        }
        var lo = 0.0
        var hi = dt
        var contact = next
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if mid <= lo || mid >= hi { break }
            let s = dynamics.step(start, command: command, dt: mid)
            if footHeight(of: s) > 0 { lo = mid } else { hi = mid; contact = s }
        }
        let speeds = dynamics.gravity.speeds(of: contact.velocity, at: contact.position)
        touchdown = Touchdown(
            time: time + hi, verticalSpeed: speeds.down, horizontalSpeed: speeds.horizontal,
            state: contact)
        state = contact
        stepCount += 1
        return false
    }

    /// Steps under a fixed command until landed or `maxSteps` steps; returns the steps taken.
    @discardableResult
    public mutating func run(_ command: EngineCommand, maxSteps: Int) -> Int {
        var n = 0
        while n < maxSteps, step(command) { n += 1 }
        return n
    }
}
