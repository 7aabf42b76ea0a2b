/// Six per-wheel values (encoder ticks, currents, flags), 0-2 left front to rear, 3-5 right
/// front to rear: the wheel order of the drivers' wheel status and of the simulator.
public struct WheelSet<Value: Equatable & Sendable & BitwiseCopyable>: Equatable, Sendable, BitwiseCopyable {
    public var w0, w1, w2, w3, w4, w5: Value

    public init(repeating v: Value) { (w0, w1, w2, w3, w4, w5) = (v, v, v, v, v, v) }

    public init(_ w0: Value, _ w1: Value, _ w2: Value, _ w3: Value, _ w4: Value, _ w5: Value) {
        (self.w0, self.w1, self.w2, self.w3, self.w4, self.w5) = (w0, w1, w2, w3, w4, w5)
    }

    /// Wheel `i` (0...5; any other index reads and writes wheel 5).
    public subscript(i: Int) -> Value {
        get {
            switch i {
            case 0: return w0
            case 1: return w1
            case 2: return w2
            case 3: return w3
            case 4: return w4
            default: return w5
            }
        }
        set {
            switch i {
            case 0: w0 = newValue
            case 1: w1 = newValue
            case 2: w2 = newValue
            case 3: w3 = newValue
            case 4: w4 = newValue
            default: w5 = newValue
            }
        }
    }

    /// True for wheels 0-2 (the left side).
    @inlinable public static func isLeft(_ i: Int) -> Bool { i < 3 }
}

/// The rover's drive geometry as the flight software knows it (calibrated on the ground).
public struct RoverGeometry: Hashable, Sendable {
    public var wheelRadius: Double
    /// Distance between the left and right wheel centres, m.
    public var trackWidth: Double
    /// Skid-steer: the effective track is `skidFactor * trackWidth` (calibrated by turning
    /// in place and comparing wheel travel with the gyro).
    public var skidFactor: Double
    public var ticksPerRevolution: Int
    /// Height of the body reference point above the wheel contact plane (wheel radius plus
    /// body height), m: the hazard sensor's geometry is given from that point.
    public var referenceHeight: Double

    public init(wheelRadius: Double, trackWidth: Double, skidFactor: Double, ticksPerRevolution: Int, referenceHeight: Double) {
        self.wheelRadius = wheelRadius
        self.trackWidth = trackWidth
        self.skidFactor = skidFactor
        self.ticksPerRevolution = ticksPerRevolution
        self.referenceHeight = referenceHeight
    }

    /// A Yutu-2-class rover (the simulator's `.yutu2` preset's figures).
    public static let yutu2 = RoverGeometry(wheelRadius: 0.15, trackWidth: 1.0, skidFactor: 1.5, ticksPerRevolution: 2_048, referenceHeight: 0.65)

    /// Rim travel of one encoder tick, m.
    @inlinable public var metresPerTick: Double { 2 * .pi * wheelRadius / Double(ticksPerRevolution) }
    /// Effective track for turning, m.
    @inlinable public var effectiveTrack: Double { skidFactor * trackWidth }
}
