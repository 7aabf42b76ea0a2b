/// The integrated state of a lander: the ODE's variables.
///
/// The actual thrust is part of the state because the engine lag is a differential
/// equation (dT/dt = (T_cmd - T) / tau) integrated together with the motion.
public struct LanderState: Equatable, Sendable, BitwiseCopyable, RK4State {
    /// Position, m: Moon-centred (spherical gravity) or with z the altitude above the
    /// surface (flat moon).
    public var position: Vector3
    /// Velocity, m/s.
    public var velocity: Vector3
    /// Total mass, kg.
    public var mass: Double
    /// Actual thrust magnitude, N.
    public var thrust: Double

    public init(position: Vector3, velocity: Vector3, mass: Double, thrust: Double = 0) {
        self.position = position
        self.velocity = velocity
        self.mass = mass
        self.thrust = thrust
    }

    @inlinable public static func + (a: LanderState, b: LanderState) -> LanderState {
        LanderState(
            position: a.position + b.position, velocity: a.velocity + b.velocity,
            mass: a.mass + b.mass, thrust: a.thrust + b.thrust)
    }

    @inlinable public static func * (k: Double, a: LanderState) -> LanderState {
        LanderState(position: k * a.position, velocity: k * a.velocity, mass: k * a.mass, thrust: k * a.thrust)
    }
}

/// What the flight software asks of the engine for one physics step (held constant
/// over the step).
public struct EngineCommand: Equatable, Sendable, BitwiseCopyable {
    public var engineOn: Bool
    /// Commanded thrust, N; limited by the vehicle's throttle limits.
    public var thrust: Double
    /// Commanded thrust direction (the way the vehicle is pushed), simulator frame;
    /// normalized before use. The attitude model turns the thrust axis towards it within
    /// its slew limits; a zero vector holds the current attitude.
    public var direction: Vector3

    public init(engineOn: Bool, thrust: Double, direction: Vector3) {
        self.engineOn = engineOn
        self.thrust = thrust
        self.direction = direction
    }

    /// Engine off, attitude held.
    public static let off = EngineCommand(engineOn: false, thrust: 0, direction: .zero)
}

/// Gravity: a point mass at the origin, or a flat moon with constant g along -z.
public enum GravityModel: Equatable, Sendable {
    /// mu / r^2 towards the origin; the surface is the sphere of `radius`.
    case pointMass(mu: Double, radius: Double)
    /// Constant `g` along -z; the surface is z = 0.
    case flat(g: Double)

    public static let moon = GravityModel.pointMass(mu: Moon.gm, radius: Moon.meanRadius)
    /// The flat moon with the surface gravity mu/R^2.
    public static let flatMoon = GravityModel.flat(g: Moon.surfaceGravity)

    @inlinable
    public func acceleration(at r: Vector3) -> Vector3 {
        switch self {
        case .pointMass(let mu, _):
            let r2 = r.lengthSquared
            let rl = r2.squareRoot()
            return (-mu / (r2 * rl)) * r
        case .flat(let g):
            return Vector3(0, 0, -g)
        }
    }

    /// Height of a point above the surface, m.
    @inlinable
    public func altitude(of r: Vector3) -> Double {
        switch self {
        case .pointMass(_, let radius): return r.length - radius
        case .flat: return r.z
        }
    }

    /// The local up direction at a point.
    @inlinable
    public func up(at r: Vector3) -> Vector3 {
        switch self {
        case .pointMass: return r.normalized
        case .flat: return .unitZ
        }
    }
}
