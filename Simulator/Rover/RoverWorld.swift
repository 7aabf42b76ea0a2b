/// The rover's simulated world: skid-steer kinematics on the terrain stepped at a fixed
/// rate, and the rover's sensor models sampled at their own rates. Set `command` (wheel
/// speeds) and `faults` (mobility faults) and each sensor's `faults`; call `step()`; read
/// each sensor's `latest` (a new sample carries a new `sequence`). Same configuration, seed
/// and commands give bit-identical sensor streams. `step()` allocates nothing.
public struct RoverWorld: Sendable {
    public struct Configuration: Sendable {
        public var vehicle: RoverVehicle
        public var terrain: Terrain
        /// Start pose (x, y, heading); the rest is settled on the terrain.
        public var start: RoverState
        /// Physics step, s (10 ms).
        public var dt: Double
        public var seed: UInt64
        public var encoderRate: Double
        public var motorCurrentRate: Double
        public var imu: RoverIMUModel.Configuration
        public var hazardRange: HazardRangeModel.Configuration
        public var visualOdometry: VisualOdometryModel.Configuration

        public init(
            vehicle: RoverVehicle = .yutu2, terrain: Terrain, start: RoverState, dt: Double = 0.01,
            seed: UInt64, encoderRate: Double = 10, motorCurrentRate: Double = 10,
            imu: RoverIMUModel.Configuration = .rover, hazardRange: HazardRangeModel.Configuration = .rover,
            visualOdometry: VisualOdometryModel.Configuration = .rover
        ) {
            self.vehicle = vehicle
            self.terrain = terrain
            self.start = start
            self.dt = dt
            self.seed = seed
            self.encoderRate = encoderRate
            self.motorCurrentRate = motorCurrentRate
            self.imu = imu
            self.hazardRange = hazardRange
            self.visualOdometry = visualOdometry
        }
    }

    enum Stream: UInt64 {
        case currents = 201, imu = 202, hazard = 203, visualOdometry = 204
    }

    /// Physics and truth.
    public private(set) var simulation: RoverSimulation
    /// Wheel speeds applied from the next step on.
    public var command = RoverDriveCommand.stop
    /// Mobility faults: stalled wheel, slip patch, motor over-current.
    public var faults = RoverFaults.none

    public var encoders: WheelEncoderModel
    public var motorCurrents: MotorCurrentModel
    public var imu: RoverIMUModel
    public var hazardRange: HazardRangeModel
    /// Visual odometry stand-in: true displacement between fixes, with error.
    public var visualOdometry: VisualOdometryModel

    let divisors: (encoders: Int, currents: Int, imu: Int, hazard: Int, visualOdometry: Int)

    public init(_ c: Configuration) {
        simulation = RoverSimulation(vehicle: c.vehicle, terrain: c.terrain, start: c.start, dt: c.dt)
        encoders = WheelEncoderModel(rate: c.encoderRate)
        motorCurrents = MotorCurrentModel(rate: c.motorCurrentRate, seed: c.seed, stream: Stream.currents.rawValue)
        imu = RoverIMUModel(c.imu, seed: c.seed, stream: Stream.imu.rawValue)
        hazardRange = HazardRangeModel(c.hazardRange, seed: c.seed, stream: Stream.hazard.rawValue)
        visualOdometry = VisualOdometryModel(c.visualOdometry, seed: c.seed, stream: Stream.visualOdometry.rawValue)
        func divisor(_ rate: Double) -> Int { max(1, Int((1 / (rate * c.dt)).rounded())) }
        divisors = (divisor(c.encoderRate), divisor(c.motorCurrentRate), divisor(c.imu.rate), divisor(c.hazardRange.rate), divisor(c.visualOdometry.rate))
    }

    public var state: RoverState { simulation.state }
    public var time: Double { simulation.time }
    public var stepCount: Int { simulation.stepCount }
    public var terrain: Terrain { simulation.terrain }

    public mutating func step() {
        simulation.step(command, faults: faults)
        let n = simulation.stepCount
        let t = simulation.time
        let s = simulation.state
        if n % divisors.encoders == 0 {
            var ticks = WheelValues(repeating: 0)
            for i in 0..<6 { ticks[i] = simulation.encoderTicks(i) }
            encoders.sample(ticks: ticks, time: t)
        }
        if n % divisors.currents == 0 {
            var currents = WheelValues(repeating: 0.0)
            for i in 0..<6 { currents[i] = s.motorCurrent(i) }
            motorCurrents.sample(currents: currents, time: t)
        }
        if n % divisors.imu == 0 {
            imu.sample(roll: s.roll, pitch: s.pitch, headingRate: s.headingRate, time: t)
        }
        if n % divisors.hazard == 0 {
            hazardRange.sample(s, vehicle: simulation.vehicle, terrain: simulation.terrain, time: t)
        }
        if n % divisors.visualOdometry == 0 {
            visualOdometry.sample(s, time: t)
        }
    }

    public mutating func step(_ count: Int) {
        for _ in 0..<count { step() }
    }
}
