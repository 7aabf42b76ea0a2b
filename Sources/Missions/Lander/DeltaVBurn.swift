/// A burn ended by the velocity it gave, measured by the IMU, with a tight time backstop.
///
/// Luna 25 (2023) is the case this is built against: the accelerometers were not on, so the
/// burn's cut-off fell back to a timer, and the burn ran 127 s instead of 84 s; the probe
/// crashed. Here:
/// - a burn whose cut-off sensor is not valid is **refused** before ignition
///   (``check(imuValid:)``);
/// - the burn ends when the integrated specific force reaches the target delta-v;
/// - a backstop ends it at the planned duration plus a small margin (10 % by default) even
///   if the measurement says otherwise, so no failure can make it run 50 % long;
/// - if the IMU is lost during the burn, it ends at the planned duration (no margin) and
///   says so.
public struct DeltaVBurn: Sendable {
    public enum Refusal: Equatable, Sendable {
        /// The IMU is not giving valid data: nothing could end the burn on delta-v.
        case cutOffSensorInvalid
        /// The target or the plan is not a positive, finite number.
        case badPlan
    }

    public enum Ending: Equatable, Sendable {
        case deltaVReached
        /// The time backstop fired before the measured delta-v was reached.
        case backstop
        /// The IMU was lost during the burn; ended at the planned duration.
        case sensorLostTimedEnd
    }

    public let targetDeltaV: Double
    public let plannedDuration: Double
    public let backstopMargin: Double
    public private(set) var measuredDeltaV = 0.0
    public private(set) var elapsed = 0.0
    public private(set) var sensorLost = false
    public private(set) var ending: Ending?

    /// - Parameters:
    ///   - targetDeltaV: m/s.
    ///   - plannedDuration: s, from the thrust and mass (delta-v x mass / thrust, or the
    ///     rocket equation).
    public init(targetDeltaV: Double, plannedDuration: Double, backstopMargin: Double = 0.1) {
        self.targetDeltaV = targetDeltaV
        self.plannedDuration = plannedDuration
        self.backstopMargin = backstopMargin
    }

    /// Checks before ignition; nil when the burn may start.
    public func check(imuValid: Bool) -> Refusal? {
        guard targetDeltaV.isFinite, targetDeltaV > 0, plannedDuration.isFinite, plannedDuration > 0 else { return .badPlan }
        return imuValid ? nil : .cutOffSensorInvalid
    }

    /// One IMU cycle of `dt` seconds: the specific force magnitude when valid, nil when not.
    /// Returns how the burn ended, once, when it ends.
    public mutating func update(specificForce: Double?, dt: Double) -> Ending? {
        guard ending == nil else { return nil }
        elapsed += dt
        if let f = specificForce, !sensorLost {
            measuredDeltaV += f * dt
        } else {
            sensorLost = true
        }
        if !sensorLost, measuredDeltaV >= targetDeltaV {
            ending = .deltaVReached
        } else if sensorLost, elapsed >= plannedDuration {
            ending = .sensorLostTimedEnd
        } else if elapsed >= plannedDuration * (1 + backstopMargin) {
            ending = .backstop
        }
        return ending
    }
}
