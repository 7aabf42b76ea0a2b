import Glibc

/// A unit quaternion for attitudes: the rotation from body axes to the Moon-centred (or
/// flat-moon) frame. `rotate(v)` takes a body-frame vector to that frame; `conjugate`
/// undoes it.
///
/// Hamilton convention: `q = w + x i + y j + z k`, and `(a * b).rotate(v) ==
/// a.rotate(b.rotate(v))`. A plain value type: no allocation, no Foundation.
public struct Quaternion: Equatable, Hashable, Sendable, BitwiseCopyable {
    public var w: Double
    public var x: Double
    public var y: Double
    public var z: Double

    @inlinable public init(w: Double, x: Double, y: Double, z: Double) {
        self.w = w
        self.x = x
        self.y = y
        self.z = z
    }

    /// No rotation: body axes equal the frame's axes (the thrust axis, body +z, is frame +z).
    public static let identity = Quaternion(w: 1, x: 0, y: 0, z: 0)

    /// The vector part.
    @inlinable public var vector: Vector3 { Vector3(x, y, z) }

    @inlinable public var conjugate: Quaternion { Quaternion(w: w, x: -x, y: -y, z: -z) }

    @inlinable public var norm: Double { (w * w + x * x + y * y + z * z).squareRoot() }

    /// This quaternion scaled to norm 1 (identity if its norm is 0 or not finite).
    @inlinable public var normalized: Quaternion {
        let n = norm
        guard n > 0, n.isFinite else { return .identity }
        let k = 1 / n
        return Quaternion(w: w * k, x: x * k, y: y * k, z: z * k)
    }

    @inlinable public static func * (a: Quaternion, b: Quaternion) -> Quaternion {
        Quaternion(
            w: a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
            x: a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
            y: a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
            z: a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w)
    }

    /// `v` rotated by this (unit) quaternion: body frame to the reference frame.
    @inlinable public func rotate(_ v: Vector3) -> Vector3 {
        // v' = v + 2 q_v x (q_v x v + w v)
        let u = vector
        let t = 2 * u.cross(v)
        return v + w * t + u.cross(t)
    }

    /// `v` rotated by the inverse: reference frame to the body frame.
    @inlinable public func inverseRotate(_ v: Vector3) -> Vector3 { conjugate.rotate(v) }

    /// Body +z (the thrust axis) in the reference frame.
    @inlinable public var zAxis: Vector3 {
        Vector3(2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y))
    }

    /// The rotation of `angle` radians about the unit vector `axis`.
    public init(axis: Vector3, angle: Double) {
        let h = angle / 2
        let s = sin(h)
        self.init(w: cos(h), x: s * axis.x, y: s * axis.y, z: s * axis.z)
    }

    /// The rotation by the rotation vector `r` (axis times angle, radians); exact for any
    /// size, and the identity (to rounding) for a zero vector.
    public init(rotationVector r: Vector3) {
        let a2 = r.lengthSquared
        if a2 < 1e-6 {
            // |r| < 1e-3 rad (a step's turn): the series of cos(a/2) and sin(a/2)/a to the
            // a^6 term, exact in double precision here and without calls into libm.
            let h2 = a2 / 4
            let c = 1 - h2 / 2 * (1 - h2 / 12 * (1 - h2 / 30))
            let k = 0.5 * (1 - h2 / 6 * (1 - h2 / 20 * (1 - h2 / 42)))
            self.init(w: c, x: k * r.x, y: k * r.y, z: k * r.z)
            return
        }
        let angle = a2.squareRoot()
        self.init(axis: r / angle, angle: angle)
    }

    /// The smallest rotation that takes unit vector `a` onto unit vector `b`. For opposite
    /// vectors the axis is any one perpendicular to `a`.
    public init(rotating a: Vector3, onto b: Vector3) {
        let d = a.dot(b)
        if d < -1 + 1e-12 {
            var axis = a.cross(.unitX)
            if axis.lengthSquared < 1e-12 { axis = a.cross(.unitY) }
            self.init(axis: axis.normalized, angle: .pi)
            return
        }
        let c = a.cross(b)
        self = Quaternion(w: 1 + d, x: c.x, y: c.y, z: c.z).normalized
    }

    /// The angle of this rotation, radians in [0, pi].
    public var angle: Double { 2 * atan2(vector.length, abs(w)) }
}
