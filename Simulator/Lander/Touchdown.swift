/// Leg contact: the moment the foot pads reach the surface, and how fast they were moving.
public struct Touchdown: Equatable, Sendable, BitwiseCopyable {
    /// Simulation time of contact, s.
    public var time: Double
    /// Speed along local down at contact, m/s (positive when descending).
    public var verticalSpeed: Double
    /// Speed along the surface at contact, m/s.
    public var horizontalSpeed: Double
    /// The state at contact.
    public var state: LanderState
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
