/// The Moon as the simulator models it: a point mass with a spherical surface.
///
/// Sources: NSSDC Moon fact sheet (GM, mean radius); the same GM is in the
/// Luminary 099 constants. See docs/simulator.md.
public enum Moon {
    /// Gravitational parameter GM, m^3/s^2.
    public static let gm: Double = 4.9028e12
    /// Mean radius, m (1,737.4 km).
    public static let meanRadius: Double = 1_737_400
    /// Surface gravity mu/R^2, m/s^2 (about 1.624).
    public static let surfaceGravity: Double = gm / (meanRadius * meanRadius)

    /// Speed on a Keplerian orbit at radius `r` with semi-major axis `a` (vis-viva), m/s.
    public static func visVivaSpeed(radius r: Double, semiMajorAxis a: Double, mu: Double = gm) -> Double {
        (mu * (2 / r - 1 / a)).squareRoot()
    }
}
