/// The parameters of a six-wheel skid-steer rover. Sources and assumptions for the preset
/// are in docs/simulator.md ("Rover").
public struct RoverVehicle: Equatable, Sendable {
    /// Total mass, kg.
    public var mass: Double
    public var wheelRadius: Double
    /// Distance between the left and right wheel centres, m.
    public var trackWidth: Double
    /// Distance from the middle wheels to the front (and rear) wheels, m.
    public var wheelSpacing: Double
    /// Top speed along the surface, m/s. Wheel rim speed commands are clamped to it, and
    /// slip only slows the rover, so the rover never exceeds it.
    public var maxSpeed: Double
    /// Skid-steer turning: the effective track is this times `trackWidth` (lateral skid of
    /// the front and rear wheels widens the instantaneous centres of rotation).
    public var skidFactor: Double
    /// Encoder ticks per wheel revolution.
    public var ticksPerRevolution: Int
    /// Rolling resistance coefficient (force over weight on level ground).
    public var rollingResistance: Double
    /// Extra resistance while turning in place (force over weight at the top turn rate).
    public var turningResistance: Double
    /// Wheel torque per motor amp (through the gearbox), N m / A.
    public var torquePerAmp: Double
    /// Current of a turning motor with no load, A.
    public var idleCurrent: Double
    /// Current of a stalled motor (the driver's limit), A.
    public var stallCurrent: Double
    /// A wheel stalls against terrain that rises more than this within one wheel radius
    /// ahead of it, m.
    public var maxStepHeight: Double
    /// Slip on level ground, and the uphill slope at which slip reaches 100 %, degrees.
    public var levelSlip: Double
    public var fullSlipSlope: Double
    /// Height of the body's reference point above the wheel contact plane, m.
    public var bodyHeight: Double

    public init(
        mass: Double, wheelRadius: Double, trackWidth: Double, wheelSpacing: Double,
        maxSpeed: Double, skidFactor: Double = 1.5, ticksPerRevolution: Int = 2_048,
        rollingResistance: Double = 0.1, turningResistance: Double = 0.3,
        torquePerAmp: Double = 5, idleCurrent: Double = 0.15, stallCurrent: Double = 2,
        maxStepHeight: Double = 0.2, levelSlip: Double = 0.02, fullSlipSlope: Double = 30,
        bodyHeight: Double = 0.5
    ) {
        self.mass = mass
        self.wheelRadius = wheelRadius
        self.trackWidth = trackWidth
        self.wheelSpacing = wheelSpacing
        self.maxSpeed = maxSpeed
        self.skidFactor = skidFactor
        self.ticksPerRevolution = ticksPerRevolution
        self.rollingResistance = rollingResistance
        self.turningResistance = turningResistance
        self.torquePerAmp = torquePerAmp
        self.idleCurrent = idleCurrent
        self.stallCurrent = stallCurrent
        self.maxStepHeight = maxStepHeight
        self.levelSlip = levelSlip
        self.fullSlipSlope = fullSlipSlope
        self.bodyHeight = bodyHeight
    }

    /// The Yutu-2 top speed, 200 m/h (ACCEPTANCE.md), in m/s: 0.0556.
    public static let yutuTopSpeed = 200.0 / 3_600

    /// A Yutu-2-class rover: 135 kg, six wheels, 200 m/h top speed, climbs 20 cm obstacles
    /// (published); geometry, motors and terrain interaction are assumptions.
    public static let yutu2 = RoverVehicle(
        mass: 135, wheelRadius: 0.15, trackWidth: 1.0, wheelSpacing: 0.6, maxSpeed: yutuTopSpeed)

    /// Wheel `i`'s contact point in body axes (forward, left): 0-2 left side front to rear,
    /// 3-5 right side front to rear.
    public func wheelOffset(_ i: Int) -> (forward: Double, left: Double) {
        let row = i % 3
        let forward = row == 0 ? wheelSpacing : (row == 1 ? 0 : -wheelSpacing)
        return (forward, i < 3 ? trackWidth / 2 : -trackWidth / 2)
    }
}
