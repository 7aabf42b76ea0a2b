/// The lander's simulated world: physics stepped at a fixed rate, the terrain, and every
/// sensor model sampled at its own rate. The one type a device emulator, a lockstep
/// harness or a scenario engine needs:
///
///     var world = LanderWorld(LanderWorld.Configuration(terrain: terrain, start: state, seed: 7))
///     world.command = EngineCommand(engineOn: true, thrust: 6_000, direction: up)   // actuators
///     world.altimeter.faults.rangeStep = 3_000                                       // fault hooks
///     world.step()                                                                   // one physics step
///     if world.imu.latest.sequence != lastSeen { ... world.imu.latest ... }          // sensor samples
///
/// A sensor of rate f samples after every `round(1 / (f dt))`-th step (IMU 100 Hz, leg
/// switches 100 Hz, altimeter 20 Hz, engine 10 Hz, power 1 Hz by default); its `latest`
/// sample then carries a new `sequence` number. Every model draws from its own seeded
/// stream (the world's seed and a fixed stream number), so the same configuration and
/// commands give bit-identical sensor streams, and a fault on one sensor never changes
/// another's noise. `step()` allocates nothing.
public struct LanderWorld: Sendable {
    public struct Configuration: Sendable {
        public var vehicle: LanderVehicle
        /// The terrain (its frame decides the gravity model: flat moon, or point mass with
        /// the site's radius).
        public var terrain: Terrain
        /// State at t = 0 (simulator frame of the terrain).
        public var start: LanderState
        /// Attitude at t = 0 and slew limits. Default: thrust axis along local up, lander limits.
        public var attitude: ThrustAttitude?
        /// Physics step, s (1 ms).
        public var dt: Double
        /// Seed of every sensor's noise.
        public var seed: UInt64
        public var imu: IMUModel.Configuration
        public var altimeter: AltimeterModel.Configuration
        public var legSwitches: LegSwitchModel.Configuration
        public var engineTelemetry: EngineTelemetryModel.Configuration
        public var power: PowerModel.Configuration

        public init(
            vehicle: LanderVehicle = .changE, terrain: Terrain, start: LanderState,
            attitude: ThrustAttitude? = nil, dt: Double = 0.001, seed: UInt64,
            imu: IMUModel.Configuration = .lander, altimeter: AltimeterModel.Configuration = .lander,
            legSwitches: LegSwitchModel.Configuration = .lander,
            engineTelemetry: EngineTelemetryModel.Configuration = .lander,
            power: PowerModel.Configuration = .lander
        ) {
            self.vehicle = vehicle
            self.terrain = terrain
            self.start = start
            self.attitude = attitude
            self.dt = dt
            self.seed = seed
            self.imu = imu
            self.altimeter = altimeter
            self.legSwitches = legSwitches
            self.engineTelemetry = engineTelemetry
            self.power = power
        }
    }

    /// Stream numbers of each model's noise (fixed, so adding a model never shifts another).
    enum Stream: UInt64 {
        case imu = 101, altimeter = 102, engine = 103, power = 104
    }

    /// Physics and truth: state, attitude, touchdown.
    public private(set) var simulation: LanderSimulation
    public let terrain: Terrain

    // Actuators and engine faults.
    /// The engine command applied from the next step on (held until changed).
    public var command: EngineCommand = .off
    public var engineFaults = EngineFaults.none

    // Sensor models: read `latest`, set `faults`.
    public var imu: IMUModel
    public var altimeter: AltimeterModel
    public var legSwitches: LegSwitchModel
    public var engineTelemetry: EngineTelemetryModel
    public var power: PowerModel

    let divisors: (imu: Int, altimeter: Int, legs: Int, engine: Int, power: Int)
    /// Steps until each sensor's next sample (a countdown: no division per step).
    var countdown: (imu: Int, altimeter: Int, legs: Int, engine: Int, power: Int)

    public init(_ c: Configuration) {
        let gravity: GravityModel
        switch c.terrain.frame {
        case .flat: gravity = .flatMoon
        case .sphere(let site): gravity = .pointMass(mu: Moon.gm, radius: site.radius)
        }
        let attitude = c.attitude ?? ThrustAttitude(thrustAxis: gravity.up(at: c.start.position), limits: .lander)
        terrain = c.terrain
        simulation = LanderSimulation(
            vehicle: c.vehicle, gravity: gravity, state: c.start, dt: c.dt, attitude: attitude, terrain: c.terrain)
        imu = IMUModel(c.imu, seed: c.seed, stream: Stream.imu.rawValue)
        altimeter = AltimeterModel(c.altimeter, seed: c.seed, stream: Stream.altimeter.rawValue)
        legSwitches = LegSwitchModel(c.legSwitches)
        engineTelemetry = EngineTelemetryModel(c.engineTelemetry, seed: c.seed, stream: Stream.engine.rawValue)
        power = PowerModel(c.power, seed: c.seed, stream: Stream.power.rawValue)
        func divisor(_ rate: Double) -> Int { max(1, Int((1 / (rate * c.dt)).rounded())) }
        divisors = (divisor(c.imu.rate), divisor(c.altimeter.rate), divisor(c.legSwitches.rate),
                    divisor(c.engineTelemetry.rate), divisor(c.power.rate))
        countdown = divisors
    }

    public var time: Double { simulation.time }
    public var stepCount: Int { simulation.stepCount }
    public var dt: Double { simulation.dt }
    public var state: LanderState { simulation.state }
    public var attitude: ThrustAttitude { simulation.attitude }
    public var touchdown: Touchdown? { simulation.touchdown }

    /// Whether the main valve is open: engine commanded on, propellant left, not failed.
    public var engineValveOpen: Bool {
        command.engineOn && !engineFaults.failed && simulation.state.mass > simulation.dynamics.vehicle.dryMass
    }

    /// The true specific force in body axes, m/s^2: thrust over mass along the thrust axis
    /// in flight; after touchdown the ground's support, -g.
    public var trueSpecificForce: Vector3 {
        let s = simulation.state
        let q = simulation.attitude.attitude
        if simulation.hasLanded {
            return q.inverseRotate(-simulation.dynamics.gravity.acceleration(at: s.position))
        }
        let thrust = s.mass > simulation.dynamics.vehicle.dryMass ? max(s.thrust, 0) : 0
        return q.inverseRotate((thrust / s.mass) * simulation.attitude.thrustAxis)
    }

    /// Advances one physics step (after touchdown the lander stays put and time still
    /// advances), then samples every sensor that is due.
    public mutating func step() {
        simulation.dynamics.thrustScale = engineFaults.thrustScale
        simulation.step(command)
        if simulation.hasLanded { simulation.holdAfterTouchdown() }
        power.drain(engineValveOpen: engineValveOpen, dt: simulation.dt)
        sampleDueSensors()
    }

    /// Advances `count` steps.
    public mutating func step(_ count: Int) {
        for _ in 0..<count { step() }
    }

    mutating func sampleDueSensors() {
        countdown.imu -= 1
        countdown.altimeter -= 1
        countdown.legs -= 1
        countdown.engine -= 1
        countdown.power -= 1
        let t = simulation.time
        let s = simulation.state
        let landed = simulation.hasLanded
        if countdown.imu == 0 {
            countdown.imu = divisors.imu
            let rate = landed ? Vector3.zero : simulation.attitude.bodyRate
            imu.sample(specificForce: trueSpecificForce, bodyRate: rate, time: t)
        }
        if countdown.altimeter == 0 {
            countdown.altimeter = divisors.altimeter
            altimeter.sample(
                terrain: terrain, position: s.position, velocity: landed ? .zero : s.velocity,
                attitude: simulation.attitude.attitude, time: t)
        }
        if countdown.legs == 0 {
            countdown.legs = divisors.legs
            legSwitches.sample(clearances: simulation.footClearances(), landed: landed, time: t)
        }
        if countdown.engine == 0 {
            countdown.engine = divisors.engine
            engineTelemetry.sample(
                thrust: landed ? 0 : max(0, s.thrust), maxThrust: simulation.dynamics.vehicle.maxThrust,
                valveOpen: engineValveOpen, time: t)
        }
        if countdown.power == 0 {
            countdown.power = divisors.power
            power.sample(time: t)
        }
    }
}
