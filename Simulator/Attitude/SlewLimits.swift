/// How fast the attitude control system can turn the vehicle: a body-rate limit and an
/// angular-acceleration limit (the reaction-control system is not modelled beyond these).
public struct SlewLimits: Equatable, Sendable, BitwiseCopyable {
    /// Largest body rate, rad/s. `.infinity` with `maxAcceleration` infinite means the
    /// attitude follows each command at once (see `instantaneous`).
    public var maxRate: Double
    /// Largest angular acceleration, rad/s^2.
    public var maxAcceleration: Double

    public init(maxRate: Double, maxAcceleration: Double) {
        precondition(maxRate > 0 && maxAcceleration > 0, "slew limits must be positive")
        self.maxRate = maxRate
        self.maxAcceleration = maxAcceleration
    }

    /// Degrees per second and degrees per second squared.
    public init(maxRateDegrees: Double, maxAccelerationDegrees: Double) {
        self.init(maxRate: maxRateDegrees * .pi / 180, maxAcceleration: maxAccelerationDegrees * .pi / 180)
    }

    /// No limits: the thrust axis is the commanded direction from the start of each step
    /// and body rates read 0 (the point-mass model of the known-answer tests).
    public static let instantaneous = SlewLimits(maxRate: .infinity, maxAcceleration: .infinity)

    /// Whether these are the instantaneous (unlimited) limits.
    public var isInstantaneous: Bool { maxRate == .infinity && maxAcceleration == .infinity }

    /// A lander's attitude control: 10 deg/s and 5 deg/s^2 (assumption; see docs/simulator.md).
    public static let lander = SlewLimits(maxRateDegrees: 10, maxAccelerationDegrees: 5)
}
