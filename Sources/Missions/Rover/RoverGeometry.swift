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
