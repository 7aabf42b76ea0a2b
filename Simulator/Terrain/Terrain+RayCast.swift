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
    /// March, then bisection: each march step is `clearance / L`, where L bounds how fast
    /// the clearance can change along the ray (1 + the terrain's gradient bound, at most 10),
    /// and at least `minimumStep`; so the march never steps over a surface whose slope is
    /// within the bound (crater rims, the background, the grid away from rock edges). The
    /// first step that ends below the surface is refined by bisection to `tolerance`.
    public func castRay(
        from origin: Vector3, direction: Vector3, maxRange: Double,
        limits: RayCastLimits = RayCastLimits()
    ) -> Double? {
        let d = direction.normalized
        guard d != .zero, maxRange > 0 else { return nil }
        var c = clearance(of: origin)
        guard c > 0 else { return 0 }
        let lipschitz = min(1 + 1.1 * gradientBound, 10)
        var s = 0.0
        for _ in 0..<limits.maximumSteps {
            var next = s + max(c / lipschitz, limits.minimumStep)
            if next > maxRange { next = maxRange }
            let cn = clearance(of: origin + next * d)
            if cn <= 0 { return bisect(origin, d, s, next, limits.tolerance) }
            if next >= maxRange { return nil }
            s = next
            c = cn
        }
        return nil
    }

    /// Bisection between `lo` (above the surface) and `hi` (on or below it).
    func bisect(_ o: Vector3, _ d: Vector3, _ lo: Double, _ hi: Double, _ tolerance: Double) -> Double {
        var lo = lo
        var hi = hi
        for _ in 0..<64 where hi - lo > tolerance {
            let mid = (lo + hi) / 2
            if clearance(of: o + mid * d) > 0 { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
