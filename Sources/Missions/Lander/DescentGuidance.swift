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

    /// The positive root of the down-range jerk equation nearest `guess`; nil when there is
    /// none in (0, 2 guess + 60] (the target is behind, or the state is outside the phase's
    /// envelope). The cubic can have up to three positive roots, and Newton's method from a
    /// poor guess can settle on the wrong one (a phase would end at once), so the roots are
    /// bracketed on a 256-interval scan and the one nearest `guess` is refined by bisection.
    /// Each guidance cycle passes the last t_go less the cycle; the first passes the phase's
    /// planned duration. Bounded: 256 + 60 evaluations of the cubic.
    public func timeToGo(position r: SIMD3<Double>, velocity v: SIMD3<Double>, guess: Double) -> Double? {
        let rd = (r * downRange).sum(), vd = (v * downRange).sum()
        let rf = (target.position * downRange).sum(), vf = (target.velocity * downRange).sum()
        let af = (target.acceleration * downRange).sum(), jf = target.downRangeJerk
        let c0 = 24 * (rd - rf), c1 = 6 * vd + 18 * vf, c2 = -6 * af, c3 = jf
        func f(_ t: Double) -> Double { ((c3 * t + c2) * t + c1) * t + c0 }
        let g = guess.isFinite && guess > 0 ? guess : 1
        let upper = 2 * g + 60, n = 256
        var best: (lo: Double, hi: Double)?
        var previous = (t: 0.0, f: f(0))
        for i in 1...n {
            let t = upper * Double(i) / Double(n)
            let ft = f(t)
            if (previous.f < 0) != (ft < 0) || ft == 0 {
                let mid = (previous.t + t) / 2
                if best.map({ abs(mid - g) < abs(($0.lo + $0.hi) / 2 - g) }) ?? true { best = (previous.t, t) }
            }
            previous = (t, ft)
        }
        guard var (lo, hi) = best else { return nil }
        var flo = f(lo)
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            let fm = f(mid)
            if (fm < 0) == (flo < 0) { lo = mid; flo = fm } else { hi = mid }
        }
        let root = (lo + hi) / 2
        return root > 0 ? root : nil
    }
}
