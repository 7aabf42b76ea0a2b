public import Configuration
import Devices
public import FlightCore

/// The lander's simulator rig: a ``LanderWorld`` and one device emulator per lander device,
/// each on the link the caller gives for its board device name, joined step by step. The one
/// type a lockstep harness or `regolith sim` drives:
///
///     let rig = LanderRig(.descent(seed: 7), links: ["imu": .bytes(pty), "engine": .frames(bus)])
///     rig.run(scenario)                  // optional fault scenario
///     while rig.truth.touchdown == nil { rig.step() }
///
/// Each ``step()`` (one physics step, 1 ms by default):
/// 1. the scenario starts or ends the faults due now (``run(_:)``);
/// 2. the world steps: physics, then every sensor model that is due samples;
/// 3. each new sample becomes its emulator's measurement, in the device's units and frame
///    (docs/devices.md): IMU specific force and rates in body axes; altimeter beams with the
///    range rate negative when closing; leg switches; engine thrust and chamber pressure (MPa);
///    power (state of charge in %); every 10 steps, the attitude unit's pointing error and
///    body rate (degrees) from the world's ``ThrustAttitude``;
/// 4. the emulators step to the simulated time: each handles what the flight side sent and
///    publishes what is due (the engine and attitude unit every step; a sensor right after
///    its model samples, when it publishes, and otherwise every 10 steps to drain its link);
/// 5. the command emulators' accepted state becomes the world's command for the next step:
///    the engine controller's valve and throttle (% of the vehicle's rated thrust, its
///    `maxThrust`), the attitude unit's target (inertial unit vector; hold when none).
///
/// Deterministic (same configuration, seed, scenario and flight-side traffic: same bytes) and
/// allocation-free per step. A device the caller gives no link for is unconnected: its
/// emulator runs and its output goes nowhere (``unconnectedDevices``).
public final class LanderRig {
    /// The board device names this rig serves, in order.
    public static let devices = ["imu", "altimeter", "engine", "attitude", "legs", "power"]

    public struct Configuration: Sendable {
        public var world: LanderWorld.Configuration

        /// Each sensor's emulator publishes at its model's rate in `world`, right after each
        /// sample; ``descent(seed:)`` sets those rates to the devices' nominal ones (IMU
        /// 100 Hz, altimeter 20 Hz, legs 100 Hz, engine 50 Hz, power 2 Hz).
        public init(world: LanderWorld.Configuration) { self.world = world }
    }

    public let configuration: Configuration
    /// The physics world: truth, fault hooks, sensor models.
    public internal(set) var world: LanderWorld

    public let imu: LanderIMUEmulator
    public let altimeter: AltimeterEmulator
    public let engine: EngineControllerEmulator
    public let attitude: AttitudeControlEmulator
    public let legs: LegContactEmulator
    public let power: PowerUnitEmulator

    /// Board device names the caller gave no link for.
    public let unconnectedDevices: [String]
    /// Faults a scenario asked for that this rig cannot apply (a rover device, an unknown
    /// bias channel), in the order asked (the scenario's own record still lists them).
    public internal(set) var ignoredFaults: [InjectedFault] = []
    /// The fraction of the flight computer's time a `cycle-steal` fault takes now (0: none).
    /// The rig only records it; a harness that models the flight computer's CPU applies it.
    public internal(set) var flightComputerCycleSteal = 0.0
    /// Set by a harness that models the flight computer's CPU (so `cycle-steal` applies);
    /// otherwise (a separate flight process) the fault is listed in ``ignoredFaults``.
    public var modelsFlightComputer = false
    /// The scenario being played, with its record of what started and ended when.
    public private(set) var scenario: ScenarioRunner?
    /// Whether ``scenario`` is set (only ``run(_:)`` sets it): what `step()` tests on every
    /// step, a private Bool (checked for exclusive access at compile time) rather than the
    /// public optional (checked at run time on every access).
    private var playing = false

    let links: [RigLink]
    let stepNanoseconds: Int64
    var seen = (imu: 0, altimeter: 0, legs: 0, engine: 0, power: 0)
    var linkFaults: RigLinkFaults

    /// Builds the world and the six emulators, each on `links[device]`.
    public init(_ configuration: Configuration, links: [String: DeviceLink]) {
        self.configuration = configuration
        world = LanderWorld(configuration.world)
        let rigLinks = Self.devices.map { RigLink(device: $0, link: links[$0]) }
        self.links = rigLinks
        linkFaults = RigLinkFaults(count: rigLinks.count)
        unconnectedDevices = rigLinks.filter { !$0.connected }.map(\.device)
        stepNanoseconds = Int64((configuration.world.dt * 1e9).rounded())
        let stepNanoseconds = self.stepNanoseconds
        func schedule(_ hertz: Double) -> PublicationSchedule {
            // Publish right after each of the model's samples: every whole number of steps the
            // world samples at (so a rate that is no whole number of steps stays in step).
            let steps = max(1, Int64((1 / (hertz * configuration.world.dt)).rounded()))
            let period = FlightDuration.nanoseconds(steps * stepNanoseconds)
            return PublicationSchedule(period: period, phase: period)
        }
        let w = configuration.world
        imu = LanderIMUEmulator(link: rigLinks[0].endpointLink, schedule: schedule(w.imu.rate))
        altimeter = AltimeterEmulator(link: rigLinks[1].endpointLink, schedule: schedule(w.altimeter.rate))
        engine = EngineControllerEmulator(link: rigLinks[2].endpointLink, schedule: schedule(w.engineTelemetry.rate))
        attitude = AttitudeControlEmulator(link: rigLinks[3].endpointLink)
        legs = LegContactEmulator(link: rigLinks[4].endpointLink, schedule: schedule(w.legSwitches.rate))
        power = PowerUnitEmulator(link: rigLinks[5].endpointLink, schedule: schedule(w.power.rate))
        // Nothing is valid until the first sample.
        imu.measurement.valid = false
        legs.measurement.valid = []
        power.measurement = .init(voltageValid: false, currentValid: false, chargeValid: false)
        engine.measurement.thrustValid = false
        engine.measurement.pressureValid = false
        ignoredFaults.reserveCapacity(16)
    }

    /// Simulated time, s.
    public var time: Double { world.time }
    /// Physics step, s.
    public var dt: Double { world.dt }
    /// Simulated time as the emulators see it (whole steps of `dt`).
    public var flightTime: FlightDuration { .nanoseconds(Int64(world.stepCount) * stepNanoseconds) }

    /// Plays `scenario` from the next step on (replacing any other). Its seed, if it has one,
    /// is the caller's to apply to the configuration before building the rig.
    public func run(_ scenario: Scenario) {
        self.scenario = ScenarioRunner(scenario)
        playing = true
    }

    /// Faults the scenario has started and not ended.
    public var activeFaults: [InjectedFault] { scenario?.active ?? [] }

    /// One physics step, then the emulators (see the type's documentation).
    public func step() {
        if playing { scenario?.update(time: world.time, target: self) }
        world.step()
        let before = seen
        feedSensors()
        let t = flightTime
        // A sensor emulator publishes only right after its model samples (its schedule is
        // aligned to the model's), so it is stepped then, and every `housekeepingSteps` to
        // read and count whatever the flight side sent it and finish a partly written frame.
        // The engine and the attitude unit take commands: stepped every step.
        let housekeeping = world.stepCount % Self.housekeepingSteps == 0
        if housekeeping { feedAttitude() }
        if housekeeping || seen.imu != before.imu { imu.step(to: t) }
        if housekeeping || seen.altimeter != before.altimeter { altimeter.step(to: t) }
        engine.step(to: t)
        attitude.step(to: t)
        if housekeeping || seen.legs != before.legs { legs.step(to: t) }
        if housekeeping || seen.power != before.power { power.step(to: t) }
        applyCommands()
    }

    /// `count` steps.
    public func step(_ count: Int) {
        for _ in 0..<max(count, 0) { step() }
    }

    /// The emulators take and answer what the flight side sent, with time and the world held
    /// still: a rig held at its start until the flight software is heard (`regolith sim --hold`).
    public func poll() {
        let t = flightTime
        imu.step(to: t)
        altimeter.step(to: t)
        engine.step(to: t)
        attitude.step(to: t)
        legs.step(to: t)
        power.step(to: t)
        applyCommands()
    }

    /// Whether any emulator has had a message from the flight side (taken, ignored or refused).
    public var heardFromFlight: Bool {
        let endpoints = [imu.endpoint, altimeter.endpoint, engine.endpoint, attitude.endpoint, legs.endpoint, power.endpoint]
        return endpoints.contains { $0.counts.received + $0.counts.ignored + $0.counts.rejected > 0 }
    }

    func feedSensors() {
        let s = world.imu.latest
        if s.sequence != seen.imu {
            seen.imu = s.sequence
            let f = s.specificForce, w = s.bodyRate
            imu.measurement.specificForce = (f.x, f.y, f.z)
            imu.measurement.angularRate = (w.x, w.y, w.z)
            imu.measurement.valid = s.valid
            imu.measurement.saturated =
                max(abs(f.x), abs(f.y), abs(f.z)) > Self.accelerationRange || max(abs(w.x), abs(w.y), abs(w.z)) > Self.rateRange
        }
        let a = world.altimeter.latest
        if a.sequence != seen.altimeter {
            seen.altimeter = a.sequence
            for i in 0..<AltimeterBeam.beamCount {
                let b = a[i]
                // A range the message cannot carry is no lock (the unit's own limit).
                let ranged = b.valid && b.range <= Self.maxAltimeterRange
                altimeter.measurement.beams[i] = AltimeterEmulator.Beam(
                    range: ranged ? b.range : 0, rangeRate: b.valid ? -b.velocity : 0, rangeValid: ranged, rateValid: b.valid)
            }
        }
        let l = world.legSwitches.latest
        if l.sequence != seen.legs {
            seen.legs = l.sequence
            var contact: LegContactStatus.Legs = []
            for leg in 0..<4 where l.isClosed(leg) { contact.insert(.leg(leg + 1)) }
            legs.measurement = .init(contact: l.valid ? contact : [], valid: l.valid ? .all : [])
        }
        let e = world.engineTelemetry.latest
        if e.sequence != seen.engine {
            seen.engine = e.sequence
            engine.measurement.thrust = e.thrust
            engine.measurement.chamberPressure = e.chamberPressure / 1e6
            engine.measurement.thrustValid = e.valid
            engine.measurement.pressureValid = e.valid
        }
        // A failed engine asked to fire reports a flameout.
        if world.engineFaults.failed && engine.state.isFiring {
            engine.measurement.faults.insert(.flameout)
        } else {
            engine.measurement.faults.remove(.flameout)
        }
        let p = world.power.latest
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

    /// The attitude unit's pointing error and rate (refreshed every `housekeepingSteps`: it
    /// publishes at 10 Hz).
    func feedAttitude() {
        let att = world.attitude
        var error = 0.0
        if let target = attitude.target {
            let axis = att.thrustAxis
            let c = axis.x * target.x + axis.y * target.y + axis.z * target.z
            error = acosDegrees(c)
        }
        attitude.measurement.pointingError = error
        attitude.measurement.bodyRate = (world.touchdown == nil ? att.bodyRate.length : 0) * 180 / .pi
    }

    func applyCommands() {
        let s = engine.state
        let direction = attitude.target.map { Vector3($0.x, $0.y, $0.z) } ?? .zero
        world.command(firing: s.isFiring, throttle: s.throttle, direction: direction)
    }

    /// Steps between calls of a sensor emulator that has nothing to publish (10 ms at 1 kHz).
    static let housekeepingSteps = 10

    /// IMU_ACCEL's and IMU_RATE's ranges (docs/devices.md): beyond them the unit saturates.
    static let accelerationRange = 32.767
    static let rateRange = 3.2767
    /// ALTIMETER_BEAMn's largest range, m.
    static let maxAltimeterRange = 20_971.5
}

/// acos in degrees, the argument clamped to [-1, 1].
func acosDegrees(_ c: Double) -> Double {
    acos(min(1, max(-1, c))) * 180 / .pi
}

#if canImport(Glibc)
    import Glibc
#endif

extension LanderWorld {
    /// Sets the engine command from the engine controller's state (throttle in % of the
    /// vehicle's maximum thrust): one access to the rig's world per step, not a read for the
    /// vehicle and a write for the command.
    mutating func command(firing: Bool, throttle: Double, direction: Vector3) {
        command = EngineCommand(
            engineOn: firing, thrust: firing ? throttle / 100 * simulation.dynamics.vehicle.maxThrust : 0,
            direction: direction)
    }
}
