/// The slope of the ground under the lander from the altimeter's beams: each beam's range
/// gives a ground point; a plane through them (least squares, three or four points) gives
/// the ground's normal, and its angle from local vertical is the slope. Used in the hover to
/// decide whether to land here or move aside (Chang'e-3 used a laser imager for this; the
/// beams are the lander's coarse version).
public enum GroundSlope {
    /// - Parameters:
    ///   - ranges: per beam, the slant range (nil without lock), in the beams' order.
    ///   - beams: unit vectors of the beams in the body frame.
    ///   - attitude: body to reference frame.
    ///   - up: local vertical (reference frame).
    /// - Returns: the slope in radians, or nil with fewer than three usable beams or points
    ///   too close to a line.
    public static func estimate(ranges: some Collection<Double?>, beams: [SIMD3<Double>], attitude: Quaternion, up: SIMD3<Double>) -> Double? {
        plane(ranges: ranges, beams: beams, attitude: attitude, up: up)?.slope
    }

    /// The slope (rad) and the downhill direction: a horizontal unit vector in the reference
    /// frame (zero on level ground). Nil as for ``estimate(ranges:beams:attitude:up:)``.
    public static func plane(
        ranges: some Collection<Double?>, beams: [SIMD3<Double>], attitude: Quaternion, up: SIMD3<Double>
    ) -> (slope: Double, downhill: SIMD3<Double>)? {
        // Ground points relative to the lander, in a local frame (e1, e2 horizontal, up).
        let e1 = normalized(abs(up.x) < 0.9 ? cross(up, [1, 0, 0]) : cross(up, [0, 1, 0]))
        let e2 = cross(up, e1)
        var points: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) = (.zero, .zero, .zero, .zero)
        var n = 0
        for (i, r) in ranges.enumerated() where i < beams.count && n < 4 {
            guard let r, r.isFinite, r > 0 else { continue }
            let p = attitude.rotate(beams[i]) * r
            let local = SIMD3(dot(p, e1), dot(p, e2), dot(p, up))
            switch n {
            case 0: points.0 = local
            case 1: points.1 = local
            case 2: points.2 = local
            default: points.3 = local
            }
            n += 1
        }
        guard n >= 3 else { return nil }
        // Fit z = a x + b y + c by least squares (normal equations, 3x3).
        var sxx = 0.0, sxy = 0.0, syy = 0.0, sx = 0.0, sy = 0.0, sxz = 0.0, syz = 0.0, sz = 0.0
        for k in 0..<n {
            let p = k == 0 ? points.0 : k == 1 ? points.1 : k == 2 ? points.2 : points.3
            sxx += p.x * p.x; sxy += p.x * p.y; syy += p.y * p.y
            sx += p.x; sy += p.y; sz += p.z
            sxz += p.x * p.z; syz += p.y * p.z
        }
        let m = Double(n)
        let rows = (SIMD3(sxx, sxy, sx), SIMD3(sxy, syy, sy), SIMD3(sx, sy, m))
        let rhs = SIMD3(sxz, syz, sz)
        let det = dot(rows.0, cross(rows.1, rows.2))
        guard abs(det) > 1e-6 * max(1, sxx * syy) else { return nil }
        let c0 = SIMD3(rows.0.x, rows.1.x, rows.2.x), c1 = SIMD3(rows.0.y, rows.1.y, rows.2.y), c2 = SIMD3(rows.0.z, rows.1.z, rows.2.z)
        let a = dot(rhs, cross(c1, c2)) / det
        let b = dot(c0, cross(rhs, c2)) / det
        // z rises along (a, b): downhill is the opposite way.
        let gradient = (a * a + b * b).squareRoot()
        let downhill = gradient > 1e-6 ? -(a * e1 + b * e2) / gradient : SIMD3<Double>.zero
        return (arcTangent(gradient), downhill)
    }
}
