/// Leg contact: the moment the first foot pad reaches the surface, and the state then.
/// The figures the touchdown envelope is checked against (ACCEPTANCE.md: vertical speed
/// <= 3.05 m/s, horizontal <= 1.22 m/s, tilt <= 6 deg, angular rate < 2 deg/s, slope <= 12 deg).
public struct Touchdown: Equatable, Sendable, BitwiseCopyable {
    /// Simulation time of contact, s.
    public var time: Double
    /// Speed along local down at contact, m/s (positive when descending).
    public var verticalSpeed: Double
    /// Speed along the surface at contact, m/s.
    public var horizontalSpeed: Double
    /// The state at contact.
    public var state: LanderState
    /// Angle between the thrust axis (body +z) and local vertical at contact, radians.
    public var tilt: Double = 0
    /// Size of the body angular rate at contact, rad/s.
    public var angularRate: Double = 0
    /// Slope of the terrain under the lander, radians: the plane through the terrain points
    /// below the four feet (0 on the smooth surface without terrain).
    public var slope: Double = 0
    /// Which foot touched first (0...3, as in `LanderVehicle.feet`); nil on the smooth surface
    /// without terrain, where contact is of the whole leg plane.
    public var firstFoot: Int?
    /// Attitude at contact (body to simulator frame).
    public var attitude: Quaternion = .identity

    public var tiltDegrees: Double { tilt * 180 / .pi }
    public var angularRateDegrees: Double { angularRate * 180 / .pi }
    public var slopeDegrees: Double { slope * 180 / .pi }
}

extension GravityModel {
    /// Vertical (positive down) and horizontal speed of a velocity at a point.
    @inlinable
    public func speeds(of v: Vector3, at r: Vector3) -> (down: Double, horizontal: Double) {
        let up = up(at: r)
        let vUp = v.dot(up)
        return (-vUp, (v - vUp * up).length)
    }
}
