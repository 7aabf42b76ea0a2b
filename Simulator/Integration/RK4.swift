/// A state that the fixed-step Runge-Kutta integrator can advance: a vector space
/// over `Double` (sum of two states, a state scaled by a number).
public protocol RK4State {
    static func + (a: Self, b: Self) -> Self
    static func * (k: Double, a: Self) -> Self
}

/// The classical fourth-order Runge-Kutta step, fixed step size.
///
/// `derivative(state, t)` must be pure: the integrator calls it four times per step.
/// Nothing here allocates; the closure is non-escaping.
public enum RK4 {
    @inlinable
    public static func step<S: RK4State>(
        _ s: S, t: Double, dt: Double, derivative: (S, Double) -> S
    ) -> S {
        let h2 = dt / 2
        let k1 = derivative(s, t)
        let k2 = derivative(s + h2 * k1, t + h2)
        let k3 = derivative(s + h2 * k2, t + h2)
        let k4 = derivative(s + dt * k3, t + dt)
        return s + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
    }
}
