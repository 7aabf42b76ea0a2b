public import Configuration
public import Devices
public import FlightCore

/// The rover's simulator rig: a ``RoverWorld``, a power model, and the emulators of the
/// rover's devices — six wheel motor controllers sharing the `wheels` link, the rover IMU,
/// the hazard range sensor, the power unit — joined step by step like ``LanderRig``.
///
/// Each ``step()`` (one physics step, 10 ms by default): the scenario's due faults; the world
/// steps and its sensors sample; each new sample becomes its emulator's measurement (wheel
/// speed in rad/s from the wheel's turn between samples, cumulative encoder ticks, motor current,
/// `Stall` when a commanded wheel does not turn, `OverCurrent` above 1.25 x the vehicle's
/// stall current; roll, pitch and heading rate; hazard ranges, nil for a beam with no return,
/// no valid beam on dropout; power with the state of charge in %); the rig reads the `wheels`
/// link once and hands each wheel command to its controller; every emulator steps; and the
/// controllers' accepted speeds (rad/s, 0 when disabled or timed out) times the wheel radius
/// become the world's drive command, each side the mean of its three wheels (the world's
/// skid-steer model drives sides, not single wheels).
public final class RoverRig {
    public static let devices = ["wheels", "rover-imu", "hazard", "power"]

    public struct Configuration: Sendable {
        public var world: RoverWorld.Configuration
        public var power: PowerModel.Configuration

        public init(world: RoverWorld.Configuration, power: PowerModel.Configuration = .rover) {
            self.world = world
            self.power = power
        }
    }

    public let configuration: Configuration
    public internal(set) var world: RoverWorld
    /// The rover's battery and bus (the rover world has none of its own).
    public internal(set) var powerModel: PowerModel

    /// Wheel controllers 0...5 (0-2 left front to rear, 3-5 right).
    public let wheels: [WheelMotorEmulator]
    public let imu: RoverIMUEmulator
    public let hazard: HazardRangeEmulator
    public let power: PowerUnitEmulator

    /// Board device names the caller gave no link for.
    public let unconnectedDevices: [String]
    /// Faults a scenario asked for that this rig cannot apply, in the order asked.
    public internal(set) var ignoredFaults: [InjectedFault] = []
    /// The scenario being played, with its record of what started and ended when.
    public private(set) var scenario: ScenarioRunner?

    let links: [RigLink]
    var linkFaults: RigLinkFaults
    /// Reads the `wheels` link for all six controllers (the controllers' own endpoints only
    /// send): its counts are the wheel commands taken and the bad frames rejected.
    public let wheelCommands: DeviceEndpoint
    let stepNanoseconds: Int64
    /// Steps between power samples.
    let powerDivisor: Int
    var seen = (encoders: 0, currents: 0, imu: 0, hazard: 0, power: 0)
    var lastAngles = WheelValues<Double>(repeating: 0)
    var lastEncoderTime = 0.0

    public init(_ configuration: Configuration, links: [String: DeviceLink]) {
        self.configuration = configuration
        world = RoverWorld(configuration.world)
        powerModel = PowerModel(configuration.power, seed: configuration.world.seed, stream: Self.powerStream)
        let rigLinks = Self.devices.map { RigLink(device: $0, link: links[$0]) }
        self.links = rigLinks
        linkFaults = RigLinkFaults(count: rigLinks.count)
        unconnectedDevices = rigLinks.filter { !$0.connected }.map(\.device)
        stepNanoseconds = Int64((configuration.world.dt * 1e9).rounded())
        powerDivisor = max(1, Int((1 / (configuration.power.rate * configuration.world.dt)).rounded()))
        let stepNanoseconds = self.stepNanoseconds
        func schedule(_ hertz: Double) -> PublicationSchedule {
            // Publish right after each of the model's samples: every whole number of steps the
            // world samples at (so a rate that is no whole number of steps stays in step).
            let steps = max(1, Int64((1 / (hertz * configuration.world.dt)).rounded()))
            let period = FlightDuration.nanoseconds(steps * stepNanoseconds)
            return PublicationSchedule(period: period, phase: period)
        }
        let w = configuration.world
        var wheelConfiguration = WheelMotorEmulator.Configuration()
        wheelConfiguration.schedule = schedule(w.encoderRate)
        wheels = (0..<WheelCommand.wheelCount).map {
            WheelMotorEmulator(wheel: $0, link: rigLinks[0].sendOnlyLink(), configuration: wheelConfiguration)
        }
        wheelCommands = DeviceEndpoint(
            link: rigLinks[0].endpointLink, filter: .ids((0..<WheelCommand.wheelCount).map { WheelCommand.id(wheel: $0) }))
        imu = RoverIMUEmulator(link: rigLinks[1].endpointLink, schedule: schedule(w.imu.rate))
        hazard = HazardRangeEmulator(link: rigLinks[2].endpointLink, schedule: schedule(w.hazardRange.rate))
        power = PowerUnitEmulator(link: rigLinks[3].endpointLink, schedule: schedule(configuration.power.rate))
        for wheel in wheels { wheel.measurement.valid = false }
        imu.measurement = .init(inclinometerValid: false, gyroValid: false)
        hazard.measurement = .init(valid: [])
        power.measurement = .init(voltageValid: false, currentValid: false, chargeValid: false)
        ignoredFaults.reserveCapacity(16)
    }

    static let powerStream: UInt64 = 204

    /// Simulated time, s.
    public var time: Double { world.time }
    /// Physics step, s.
    public var dt: Double { world.simulation.dt }
    /// Simulated time as the emulators see it (whole steps of `dt`).
    public var flightTime: FlightDuration { .nanoseconds(Int64(world.stepCount) * stepNanoseconds) }

    /// Plays `scenario` from the next step on (replacing any other).
    public func run(_ scenario: Scenario) { self.scenario = ScenarioRunner(scenario) }
    /// Faults the scenario has started and not ended.
    public var activeFaults: [InjectedFault] { scenario?.active ?? [] }

    /// One physics step, then the emulators (see the type's documentation).
    public func step() {
        scenario?.update(time: world.time, target: self)
        world.step()
        powerModel.drain(engineValveOpen: false, dt: world.simulation.dt)
        if world.stepCount % powerDivisor == 0 { powerModel.sample(time: world.time) }
        feedSensors()
        serveEmulators()
    }

    /// `count` steps.
    public func step(_ count: Int) {
        for _ in 0..<max(count, 0) { step() }
    }

    /// The emulators take and answer what the flight side sent, with time and the world held
    /// still: a rig held at its start until the flight software is heard (`regolith sim --hold`).
    public func poll() { serveEmulators() }

    /// The emulators at the present time: the wheel commands the flight side sent are handed
    /// to their controllers, each emulator publishes what is due, and the accepted commands
    /// become the world's.
    func serveEmulators() {
        let t = flightTime
        while let m = wheelCommands.receive() {
            if case .wheelCommand(let c) = m, c.wheel >= 0, c.wheel < wheels.count { wheels[c.wheel].handle(c, at: t) }
        }
        for wheel in wheels { wheel.step(to: t) }
        imu.step(to: t)
        hazard.step(to: t)
        power.step(to: t)
        applyCommands()
    }

    /// Whether any emulator has had a message from the flight side (taken, ignored or refused).
    public var heardFromFlight: Bool {
        let c = wheelCommands.counts
        if c.received + c.ignored + c.rejected > 0 { return true }
        let endpoints = [imu.endpoint, hazard.endpoint, power.endpoint]
        return endpoints.contains { $0.counts.received + $0.counts.ignored + $0.counts.rejected > 0 }
    }


    func feedSensors() {
        let e = world.encoders.latest
        let c = world.motorCurrents.latest
        if e.sequence != seen.encoders || c.sequence != seen.currents {
            let newTicks = e.sequence != seen.encoders
            seen.encoders = e.sequence
            seen.currents = c.sequence
            let interval = e.time - lastEncoderTime
            let stallCurrent = world.simulation.vehicle.stallCurrent
            let frozen = world.encoders.faults.stuck
            for i in 0..<wheels.count {
                var m = wheels[i].measurement
                if newTicks && !frozen {
                    // The controller's speed estimate: the wheel's turn since the last sample
                    // (a 2,048-tick encoder differenced at 20 Hz would be quantised to ~0.06 rad/s).
                    let angle = world.state.wheelAngle(i)
                    m.speed = e.valid && interval > 0 ? (angle - lastAngles[i]) / interval : 0
                    if e.valid { m.encoderTicks = Int64(e.values[i]) }
                }
                m.current = c.valid ? max(0, c.values[i]) : 0
                m.valid = e.valid && c.valid
                m.stall = wheels[i].commandedSpeed != 0 && abs(m.speed) < 1e-6 && e.valid
                m.overCurrent = c.valid && c.values[i] > 1.25 * stallCurrent
                wheels[i].measurement = m
            }
            if newTicks {
                for i in 0..<wheels.count { lastAngles[i] = world.state.wheelAngle(i) }
                lastEncoderTime = e.time
            }
        }
        let r = world.imu.latest
        if r.sequence != seen.imu {
            seen.imu = r.sequence
            imu.measurement = .init(
                roll: r.roll, pitch: r.pitch, headingRate: r.headingRate, inclinometerValid: r.valid, gyroValid: r.valid)
        }
        let h = world.hazardRange.latest
        if h.sequence != seen.hazard {
            seen.hazard = h.sequence
            // The model marks a beam invalid both for no return and for a dropout.
            let working: HazardRange.Beams = world.hazardRange.faults.dropout ? [] : .all
            func range(_ b: BeamMeasurement) -> Double? { b.valid ? b.range : nil }
            hazard.measurement = .init(left: range(h.left), center: range(h.centre), right: range(h.right), valid: working)
        }
        let p = powerModel.latest
        if p.sequence != seen.power {
            seen.power = p.sequence
            power.measurement.busVoltage = p.busVoltage
            power.measurement.busCurrent = p.current
            power.measurement.stateOfCharge = p.stateOfCharge * 100
            power.measurement.voltageValid = p.valid
            power.measurement.currentValid = p.valid
            power.measurement.chargeValid = p.valid
        }
    }

    func applyCommands() {
        let radius = world.simulation.vehicle.wheelRadius
        let left = (wheels[0].commandedSpeed + wheels[1].commandedSpeed + wheels[2].commandedSpeed) / 3
        let right = (wheels[3].commandedSpeed + wheels[4].commandedSpeed + wheels[5].commandedSpeed) / 3
        world.command = RoverDriveCommand(left: left * radius, right: right * radius)
    }
}

extension PowerModel.Configuration {
    /// The rover's bus: a 28 V bus on a 20 A h battery, 3 A base load (assumptions).
    public static let rover = PowerModel.Configuration(rate: 2, capacity: 20, baseCurrent: 3, engineCurrent: 0)
}
