import Glibc

/// The rover's kinematic state on the terrain's map (x east, y north, m).
public struct RoverState: Equatable, Sendable {
    public var x: Double
    public var y: Double
    /// Heading, radians clockwise from north.
    public var heading: Double
    /// Height of the body reference point above the reference surface, m.
    public var z: Double = 0
    /// Pitch, radians, nose up positive; roll, radians, right side down positive. From the
    /// plane fitted through the six wheel contact points.
    public var pitch: Double = 0
    public var roll: Double = 0
    /// Ground speed along the surface (signed, forward positive), m/s, and heading rate,
    /// rad/s (clockwise positive), over the last step.
    public var speed: Double = 0
    public var headingRate: Double = 0
    /// Slip over the last step, 0...1 (1: the wheels turn, the rover does not advance).
    public var slip: Double = 0
    /// True when a wheel met an obstacle it cannot climb in the last step.
    public var blocked: Bool = false
    /// Wheel rotation angles, radians (0-2 left front to rear, 3-5 right).
    public var wheelAngles: (Double, Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0, 0)
    /// Wheel motor currents, A.
    public var motorCurrents: (Double, Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0, 0)
    /// Distance travelled along the surface, m.
    public var odometer: Double = 0

    public init(x: Double, y: Double, heading: Double) {
        self.x = x
        self.y = y
        self.heading = heading
    }

    public static func == (a: RoverState, b: RoverState) -> Bool {
        a.x == b.x && a.y == b.y && a.heading == b.heading && a.z == b.z && a.pitch == b.pitch
            && a.roll == b.roll && a.speed == b.speed && a.headingRate == b.headingRate && a.slip == b.slip
            && a.blocked == b.blocked && a.odometer == b.odometer
            && RoverState.six(a.wheelAngles) == RoverState.six(b.wheelAngles)
            && RoverState.six(a.motorCurrents) == RoverState.six(b.motorCurrents)
    }

    static func six(_ t: (Double, Double, Double, Double, Double, Double)) -> [Double] {
        [t.0, t.1, t.2, t.3, t.4, t.5]
    }

    /// Horizontal forward and left unit vectors on the map (east, north, up).
    public var forward: Vector3 { Vector3(sin(heading), cos(heading), 0) }
    public var left: Vector3 { Vector3(-cos(heading), sin(heading), 0) }

    /// Body axes (forward, left, up) on the map after pitch and roll.
    public func bodyAxes() -> (forward: Vector3, left: Vector3, up: Vector3) {
        let f0 = forward, l0 = left, u0 = Vector3.unitZ
        let f1 = cos(pitch) * f0 + sin(pitch) * u0
        let u1 = cos(pitch) * u0 - sin(pitch) * f0
        let l2 = cos(roll) * l0 + sin(roll) * u1
        let u2 = cos(roll) * u1 - sin(roll) * l0
        return (f1, l2, u2)
    }

    /// Wheel `i`'s rotation angle, radians.
    public func wheelAngle(_ i: Int) -> Double { Self.element(wheelAngles, i) }
    /// Wheel `i`'s motor current, A.
    public func motorCurrent(_ i: Int) -> Double { Self.element(motorCurrents, i) }

    static func element(_ t: (Double, Double, Double, Double, Double, Double), _ i: Int) -> Double {
        switch i {
        case 0: return t.0
        case 1: return t.1
        case 2: return t.2
        case 3: return t.3
        case 4: return t.4
        default: return t.5
        }
    }

    static func set(_ t: inout (Double, Double, Double, Double, Double, Double), _ i: Int, _ v: Double) {
        switch i {
        case 0: t.0 = v
        case 1: t.1 = v
        case 2: t.2 = v
        case 3: t.3 = v
        case 4: t.4 = v
        default: t.5 = v
        }
    }
}
