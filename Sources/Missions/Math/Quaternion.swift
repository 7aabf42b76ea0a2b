#if canImport(Glibc)
    import Glibc
#endif

/// A unit quaternion for the flight side's attitude: the rotation from the body frame to the
/// reference frame (`rotate(_:)` takes body vectors to reference vectors). Scalar first.
public struct Quaternion: Hashable, Sendable {
    public var w: Double
    public var v: SIMD3<Double>

    @inlinable public init(w: Double, v: SIMD3<Double>) {
        self.w = w
        self.v = v
    }

    public static let identity = Quaternion(w: 1, v: .zero)

    /// The rotation of `angle` radians about the unit vector `axis`.
    public init(axis: SIMD3<Double>, angle: Double) {
        let h = angle / 2
        self.init(w: cos(h), v: axis * sin(h))
    }

    /// The shortest rotation that takes unit vector `a` onto unit vector `b`.
    public init(from a: SIMD3<Double>, to b: SIMD3<Double>) {
        let d = dot(a, b)
        if d < -0.999_999_999 {
            // Opposite: any axis perpendicular to a.
            var axis = cross([1, 0, 0], a)
            if dot(axis, axis) < 1e-12 { axis = cross([0, 1, 0], a) }
            self.init(axis: Missions.normalized(axis), angle: Double.pi)
            return
        }
        self = Quaternion(w: 1 + d, v: cross(a, b)).normalized
    }

    @inlinable public static func * (p: Quaternion, q: Quaternion) -> Quaternion {
        Quaternion(w: p.w * q.w - dot(p.v, q.v), v: p.w * q.v + q.w * p.v + cross(p.v, q.v))
    }

    @inlinable public var conjugate: Quaternion { Quaternion(w: w, v: -v) }

    @inlinable public var normalized: Quaternion {
        let n = (w * w + dot(v, v)).squareRoot()
        return n > 0 ? Quaternion(w: w / n, v: v / n) : .identity
    }

    /// Body vector to reference vector.
    @inlinable public func rotate(_ x: SIMD3<Double>) -> SIMD3<Double> {
        let t = 2 * cross(v, x)
        return x + w * t + cross(v, t)
    }

    /// Propagates with body angular rate `omega` (rad/s) held for `dt` seconds (exact for a
    /// constant rate).
    public func integrated(rate omega: SIMD3<Double>, dt: Double) -> Quaternion {
        let angle = length(omega) * dt
        guard angle > 1e-15 else { return self }
        return (self * Quaternion(axis: omega / length(omega), angle: angle)).normalized
    }
}

@inlinable public func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { (a * b).sum() }
@inlinable public func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inlinable public func length(_ a: SIMD3<Double>) -> Double { dot(a, a).squareRoot() }
@inlinable public func normalized(_ a: SIMD3<Double>) -> SIMD3<Double> {
    let n = length(a)
    return n > 0 ? a / n : .zero
}
