import Glibc

/// The lander's attitude: a quaternion (body to simulator frame) and the body angular rate,
/// driven towards a commanded thrust direction by a rate- and acceleration-limited slew.
///
/// The engine pushes along body +z, so the actual thrust axis is `attitude.zAxis`. Each
/// step the model picks the body rate it wants: along the shortest rotation from the
/// actual to the commanded axis, of size min(max rate, w_b, error / dt), where w_b is the
/// fastest rate at the end of the step from which braking at max accel still stops on the
/// target (the time-optimal profile, discretised so that it does not overshoot), with no rate about the
/// thrust axis; it then moves the body rate towards that by at most max accel * dt, and
/// turns the attitude by the mean of the rates at the two ends of the step (exact for a
/// constant angular acceleration). A kinematic model: no inertia, no torques, no RCS.
public struct ThrustAttitude: Equatable, Sendable, BitwiseCopyable {
    /// Body to simulator frame.
    public private(set) var attitude: Quaternion
    /// Body angular rate, rad/s (body axes).
    public private(set) var bodyRate: Vector3
    public var limits: SlewLimits
    /// The thrust axis (body +z in the simulator frame). With `instantaneous` limits this is
    /// the last commanded direction exactly.
    public private(set) var thrustAxis: Vector3

    public init(attitude: Quaternion = .identity, bodyRate: Vector3 = .zero, limits: SlewLimits) {
        self.attitude = attitude.normalized
        self.bodyRate = bodyRate
        self.limits = limits
        thrustAxis = self.attitude.zAxis
    }

    /// A vehicle whose thrust axis points along `axis` (roll chosen by the smallest rotation
    /// from the frame's +z), at rest.
    public init(thrustAxis axis: Vector3, limits: SlewLimits) {
        self.init(attitude: Quaternion(rotating: .unitZ, onto: axis.normalized), limits: limits)
    }

    /// Thrust axes at the start, middle and end of a step (RK4 uses one per stage).
    public struct StepAxes: Equatable, Sendable, BitwiseCopyable {
        public var start: Vector3
        public var middle: Vector3
        public var end: Vector3

        @inlinable public init(start: Vector3, middle: Vector3, end: Vector3) {
            self.start = start
            self.middle = middle
            self.end = end
        }
    }

    /// Advances `dt` seconds towards the commanded thrust `direction` (not necessarily unit;
    /// a zero vector holds the current axis and brings the rates to rest).
    public mutating func advance(toward direction: Vector3, dt: Double) -> StepAxes {
        let start = thrustAxis
        let target = direction.normalized
        if limits.isInstantaneous {
            if target != .zero {
                attitude = (Quaternion(rotating: attitude.zAxis, onto: target) * attitude).normalized
                thrustAxis = target
            }
            bodyRate = .zero
            return StepAxes(start: thrustAxis, middle: thrustAxis, end: thrustAxis)
        }
        // The rate wanted, in the frame, then in body axes.
        var wanted = Vector3.zero
        if target != .zero {
            let axis = start.cross(target)
            let sinE = axis.length
            let error = atan2(sinE, start.dot(target))
            if error > 1e-12 {
                var unit = axis / sinE
                if sinE < 1e-9, start.dot(target) < 0 {  // opposite: turn about any perpendicular axis
                    unit = Quaternion(rotating: start, onto: -start).vector.normalized
                }
                // The fastest end-of-step rate w1 from which braking at max accel still stops
                // on the target, after this step turns (w0 + w1) dt / 2:
                // w1^2 = 2 alpha (error - (w0 + w1) dt / 2).
                let w0 = max(0, attitude.rotate(bodyRate).dot(unit))
                let h = limits.maxAcceleration * dt / 2
                let remaining = max(0, error - w0 * dt / 2)
                let braking = (h * h + 2 * limits.maxAcceleration * remaining).squareRoot() - h
                let speed = min(limits.maxRate, braking, error / dt)
                wanted = speed * unit
            }
        }
        let wantedBody = attitude.inverseRotate(wanted)
        var change = wantedBody - bodyRate
        let most = limits.maxAcceleration * dt
        let size = change.length
        if size > most { change = (most / size) * change }
        let w0 = bodyRate
        let w1 = bodyRate + change
        let turned = attitude * Quaternion(rotationVector: (0.5 * dt) * (w0 + w1))
        // Renormalise to first order (the drift per step is at rounding level): no sqrt.
        attitude = ((3 - (turned.w * turned.w + turned.x * turned.x + turned.y * turned.y
            + turned.z * turned.z)) / 2).scaling(turned)
        bodyRate = w1
        thrustAxis = attitude.zAxis
        // Mid-step axis: the bisector of the two ends (exact for a constant rate about a
        // fixed axis; within accel dt^2 / 8, 1e-8 rad at 1 ms, otherwise).
        let middle = (start + thrustAxis).normalized
        return StepAxes(start: start, middle: middle == .zero ? thrustAxis : middle, end: thrustAxis)
    }

    /// Angle between the thrust axis and `up`, radians.
    public func tilt(from up: Vector3) -> Double {
        acos(min(1, max(-1, thrustAxis.dot(up.normalized))))
    }
}

extension Double {
    /// `self` times each component of `q`.
    @inline(__always) func scaling(_ q: Quaternion) -> Quaternion {
        Quaternion(w: self * q.w, x: self * q.x, y: self * q.y, z: self * q.z)
    }
}
