/// Apollo's polynomial ("quadratic") descent guidance (Klumpp, "Apollo Lunar Descent
/// Guidance", Automatica 10, 1974), as flown in P63 (braking) and P64 (approach).
///
/// For a target state at the end of a phase — position `r_f`, velocity `v_f`, acceleration
/// `a_f` and down-range jerk `j_f` — and time to go `t_go`, the commanded acceleration is
///
///     a_cmd = a_f - 6 (v_f + v) / t_go + 12 (r_f - r) / t_go^2
///
/// (the acceleration at the start of the unique quadratic-in-time acceleration profile that
/// meets `r_f`, `v_f` and `a_f` at `t_go`), and the thrust must supply `a_cmd - g`. `t_go` is
/// the positive root of the down-range jerk equation
///
///     j_f t^3 - 6 a_f t^2 + (6 v + 18 v_f) t + 24 (r - r_f) = 0
///
/// (down-range components), so the phase ends with the target's jerk. Vectors are in any
/// frame the caller keeps fixed (the missions use the landing site's East-North-Up frame);
/// `downRange` is the unit vector the jerk equation is solved along.
///
/// Pure functions of their arguments: no state, no allocation, usable on the tick path.
public struct DescentGuidance: Hashable, Sendable {
    public struct Target: Hashable, Sendable {
        public var position: SIMD3<Double>
        public var velocity: SIMD3<Double>
        public var acceleration: SIMD3<Double>
        /// Down-range component of the jerk at the target (m/s^3).
        public var downRangeJerk: Double

        public init(position: SIMD3<Double>, velocity: SIMD3<Double>, acceleration: SIMD3<Double>, downRangeJerk: Double) {
            self.position = position
            self.velocity = velocity
            self.acceleration = acceleration
            self.downRangeJerk = downRangeJerk
        }
    }

    public var target: Target
    /// Unit vector along which t_go is solved.
    public var downRange: SIMD3<Double>

    public init(target: Target, downRange: SIMD3<Double>) {
        self.target = target
        self.downRange = downRange
    }

    /// The commanded acceleration (total, including gravity's share) at `timeToGo` > 0.
    @inlinable
    public func acceleration(position r: SIMD3<Double>, velocity v: SIMD3<Double>, timeToGo t: Double) -> SIMD3<Double> {
        target.acceleration - 6 * (target.velocity + v) / t + 12 * (target.position - r) / (t * t)
    }

    /// The acceleration the engine must give: the command less gravity.
    @inlinable
    public func thrustAcceleration(position r: SIMD3<Double>, velocity v: SIMD3<Double>, timeToGo t: Double, gravity g: SIMD3<Double>) -> SIMD3<Double> {
        acceleration(position: r, velocity: v, timeToGo: t) - g
    }

    /// The positive root of the down-range jerk equation nearest `guess`, by Newton's method
    /// (at most 20 iterations); nil when there is none (the target is behind, or the state is
    /// outside the phase's envelope). Each guidance cycle passes the last t_go less the cycle.
    public func timeToGo(position r: SIMD3<Double>, velocity v: SIMD3<Double>, guess: Double) -> Double? {
        let rd = (r * downRange).sum(), vd = (v * downRange).sum()
        let rf = (target.position * downRange).sum(), vf = (target.velocity * downRange).sum()
        let af = (target.acceleration * downRange).sum(), jf = target.downRangeJerk
        let c0 = 24 * (rd - rf), c1 = 6 * vd + 18 * vf, c2 = -6 * af, c3 = jf
        var t = guess > 0 ? guess : 1
        for _ in 0..<20 {
            let f = ((c3 * t + c2) * t + c1) * t + c0
            let df = (3 * c3 * t + 2 * c2) * t + c1
            guard df != 0, df.isFinite else { return nil }
            let next = t - f / df
            guard next.isFinite else { return nil }
            if abs(next - t) < 1e-9 * max(1, t) {
                return next > 0 ? next : nil
            }
            t = next > 0 ? next : t / 2
        }
        return nil
    }
}
