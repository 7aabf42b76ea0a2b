/// The lander's equations of motion: a point mass under gravity and thrust, the
/// rocket equation, and a first-order engine lag.
///
///     dr/dt = v
///     dv/dt = g(r) + (T / m) u          (u: commanded unit direction)
///     dm/dt = -T / ve
///     dT/dt = (T_lim - T) / tau         (T_lim: the command after throttle limits)
///
/// With no propellant left (m <= dry mass) the engine gives no thrust and no mass
/// flow, and the lag drives T towards 0. With tau = 0 there is no lag: the
/// simulation sets T = T_lim at the start of each step and dT/dt = 0.
///
/// `thrustScale` multiplies the limited thrust (after the throttle limits): the engine
/// faults "thrust loss" and "thrust dispersion" set it; 1 is the nominal engine.
public struct LanderDynamics: Sendable {
    public var vehicle: LanderVehicle
    public var gravity: GravityModel
    /// Actual over nominal thrust (1: nominal; 0.5: half thrust lost; 1.1: +10 % dispersion).
    public var thrustScale: Double = 1

    public init(vehicle: LanderVehicle, gravity: GravityModel) {
        self.vehicle = vehicle
        self.gravity = gravity
    }

    /// The thrust the lag is driven towards for a command, given the current mass.
    @inlinable
    public func targetThrust(_ command: EngineCommand, mass: Double) -> Double {
        guard mass > vehicle.dryMass else { return 0 }
        return vehicle.limitedThrust(commanded: command.thrust, engineOn: command.engineOn) * thrustScale
    }

    /// The time derivative of `s` under `command` (pure; called four times per RK4 step).
    @inlinable
    public func derivative(_ s: LanderState, command: EngineCommand, direction u: Vector3) -> LanderState {
        let hasPropellant = s.mass > vehicle.dryMass
        let thrust = hasPropellant ? max(s.thrust, 0) : 0
        let accel = gravity.acceleration(at: s.position) + (thrust / s.mass) * u
        let tau = vehicle.engineTimeConstant
        let thrustRate: Double
        if tau > 0 {
            let target = hasPropellant ? vehicle.limitedThrust(commanded: command.thrust, engineOn: command.engineOn) * thrustScale : 0
            thrustRate = (target - s.thrust) / tau
        } else {
            thrustRate = 0
        }
        return LanderState(
            position: s.velocity, velocity: accel, mass: -thrust / vehicle.exhaustVelocity,
            thrust: thrustRate)
    }

    /// One fixed RK4 step of `dt` seconds from `s`, the command held over the step, the
    /// thrust along the commanded direction throughout (no attitude dynamics).
    @inlinable
    public func step(_ s: LanderState, command: EngineCommand, dt: Double) -> LanderState {
        let u = command.direction.normalized
        return step(s, command: command, axes: ThrustAttitude.StepAxes(start: u, middle: u, end: u), dt: dt)
    }

    /// One fixed RK4 step with the actual thrust axis at the start, middle and end of the
    /// step (from `ThrustAttitude.advance`): RK4's first stage uses the start, the two middle
    /// stages the middle, the last the end.
    @inlinable
    public func step(
        _ s: LanderState, command: EngineCommand, axes: ThrustAttitude.StepAxes, dt: Double
    ) -> LanderState {
        var start = s
        if vehicle.engineTimeConstant <= 0 { start.thrust = targetThrust(command, mass: s.mass) }
        var next = RK4.step(start, t: 0, dt: dt) { state, t in
            let u = t == 0 ? axes.start : (t == dt ? axes.end : axes.middle)
            return derivative(state, command: command, direction: u)
        }
        if next.mass <= vehicle.dryMass {
            // The last step burnt past empty by at most one step's flow; no more thrust.
            next.mass = vehicle.dryMass
            next.thrust = 0
        }
        return next
    }
}
