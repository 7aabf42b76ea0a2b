extension Terrain {
    /// Limits of the ray caster. Defaults: 1 cm shortest march step, 20,000 steps.
    public struct RayCastLimits: Equatable, Sendable {
        /// Shortest march step, m: features thinner than this along the ray can be missed.
        public var minimumStep: Double
        /// Most march steps before giving up (the ray then returns nil).
        public var maximumSteps: Int
        /// The bisection stops when the bracket is shorter than this, m.
        public var tolerance: Double

        public init(minimumStep: Double = 0.01, maximumSteps: Int = 20_000, tolerance: Double = 1e-5) {
            self.minimumStep = minimumStep
            self.maximumSteps = maximumSteps
            self.tolerance = tolerance
        }
    }

    /// Distance along the ray from `origin` in direction `direction` (simulator frame;
    /// normalized here) to the first terrain crossing, m, or nil if there is none within
    /// `maxRange` (or the march gives up). An origin at or below the surface returns 0.
    ///
    /// March, then a bracketed refinement. The march has two phases. First, against an envelope above
    /// the whole surface (the smooth part raised by `detailMaximum`), whose slope is that of
    /// the smooth part only, so steps are long; it ends within 1 m of the envelope. Then
    /// against the true surface. In each phase a step is `clearance / L`, where L bounds how
    /// fast the clearance can change along the ray (1 + `mapStretchBound` times the gradient
    /// bound, at most 10), and at least `minimumStep`; so the march never steps over a surface whose slope
    /// is within the bound (crater rims, the background, the grid away from rock edges). The
    /// first step that ends below the surface is refined to `tolerance` by false position
    /// (Illinois) with bisection steps mixed in (`refine`).
    public func castRay(
        from origin: Vector3, direction: Vector3, maxRange: Double,
        limits: RayCastLimits = RayCastLimits()
    ) -> Double? {
        let d = direction.normalized
        guard d != .zero, maxRange > 0 else { return nil }
        var s = 0.0
        var steps = 0
        // Phase 1: the envelope (never below the surface, so no crossing can be missed).
        let smoothLipschitz = min(1 + Self.mapStretchBound * smoothGradientBound, 10)
        var e = envelopeClearance(of: origin)
        while e > 1, steps < limits.maximumSteps {
            s += e / smoothLipschitz
            if s >= maxRange { return nil }
            e = envelopeClearance(of: origin + s * d)
            steps += 1
        }
        var c = clearance(of: origin + s * d)
        guard c > 0 else { return s == 0 ? 0 : refine(origin, d, 0, envelopeClearance(of: origin), s, c, limits.tolerance) }
        // Phase 2: the true surface. Away from the site grid (farther than the clearance,
        // which bounds the next step) only the smooth part's slope applies.
        let lipschitz = min(1 + Self.mapStretchBound * gradientBound, 10)
        for _ in steps..<limits.maximumSteps {
            let p = origin + s * d
            let bound = farFromGrid(p, by: c) ? smoothLipschitz : lipschitz
            var next = s + max(c / bound, limits.minimumStep)
            if next > maxRange { next = maxRange }
            let cn = clearance(of: origin + next * d)
            if cn <= 0 { return refine(origin, d, s, c, next, cn, limits.tolerance) }
            if next >= maxRange { return nil }
            s = next
            c = cn
        }
        return nil
    }

    /// Whether the map point below `p` is more than `distance` (times the projection's
    /// stretch bound) outside the site grid's square.
    func farFromGrid(_ p: Vector3, by distance: Double) -> Bool {
        guard let grid = storage.grid else { return true }
        let m = frame.mapPoint(of: p)
        let half = grid.size / 2 + Self.mapStretchBound * distance
        return !(abs(m.x) < half && abs(m.y) < half)
    }

    /// Refines a bracket [lo (above the surface, clearance `clo` > 0), hi (on or below it,
    /// `chi` <= 0)] to `tolerance` by false position with the Illinois modification (a
    /// bracketing method like bisection, converging much faster on smooth ground), falling
    /// back to bisection steps when it stalls.
    func refine(
        _ o: Vector3, _ d: Vector3, _ lo: Double, _ clo: Double, _ hi: Double, _ chi: Double,
        _ tolerance: Double
    ) -> Double {
        var (lo, clo, hi, chi) = (lo, clo, hi, chi)
        var side = 0
        for k in 0..<100 where hi - lo > tolerance {
            var x = lo + (hi - lo) * clo / (clo - chi)
            if k % 4 == 3 || !(x > lo && x < hi) { x = (lo + hi) / 2 }  // keep shrinking
            let cx = clearance(of: o + x * d)
            if cx > 0 {
                lo = x
                clo = cx
                if side == 1 { chi /= 2 }
                side = 1
            } else {
                hi = x
                chi = cx
                if side == -1 { clo /= 2 }
                side = -1
            }
            if abs(cx) < tolerance * 1e-3 { return x }
        }
        return (lo + hi) / 2
    }
}
