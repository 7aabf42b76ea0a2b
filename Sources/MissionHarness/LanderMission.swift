import Configuration
public import FlightCore
public import FlightHAL
public import Missions
public import Sequencing
public import Simulator
import Devices
import Foundation

/// The lander's powered descent, flight software and simulator joined in one lockstep loop
/// on the in-process simulated links (`Boards/sim.yaml`): each physics step (1 kHz) the rig
/// steps the world and the device emulators; every tenth the flight software's executive
/// ticks (100 Hz). Deterministic from the seed. This is the only place (with the CLI and the
/// tests) where the flight software and the simulator meet, and they meet through device
/// links only.
///
/// The descent is flown as the operators would: `Sequences/lander-descent.rseq` (calling
/// `lander-safing.rseq` on abort) is compiled against the flight build's dictionary when
/// the harness starts, installed on the lander's sequencer, and started with `seq.SEQ_RUN`
/// at `startAt`. ``Options/descent`` `.direct` sends ARM and START_DESCENT instead (for
/// fault tests that want the commands without the procedure).
public final class LanderMission {
    public enum Vehicle: String, Sendable, CaseIterable {
        case changE = "change", apolloLM = "apollo"
    }

    public struct Options: Sendable {
        /// How the descent is commanded.
        public enum Descent: Sendable {
            /// `seq.SEQ_RUN` of the compiled `lander-descent.rseq` at `startAt`.
            case sequence
            /// `cmdDisp.ARM` and `descent.START_DESCENT` from the ground at `startAt`.
            case direct
            /// The compiled `lander-descent.rseq` is installed; the ground starts it (or
            /// commands the descent itself) over the ground link.
            case ground
            /// Nothing: the test commands the descent itself.
            case none
        }

        public var vehicle: Vehicle = .changE
        public var descent: Descent = .sequence
        /// Where `lander-descent.rseq` and the sequences it calls are read from.
        public var sequencesDirectory: String = MissionSequences.repositoryDirectory
        public var seed: UInt64 = 1
        public var scenario: Scenario?
        /// Stop after this much simulated time (s).
        public var maxTime: Double = 1_100
        /// When START_DESCENT is issued (s, powered descent initiation): the drivers need a
        /// few samples first. With `.sequence`, SEQ_RUN goes one executive tick earlier, so
        /// the sequence's pre-checks (satisfied at once when the devices are well) and its
        /// ARM and START_DESCENT run in the sequencer's tick at `startAt`: the descent
        /// starts at the same instant as with `.direct`.
        public var startAt: Double = 2
        /// The lander's fault table (YAML, docs/faults.md), loaded into the flight topology with
        /// the system mode and the fault manager; nil: no fault protection.
        /// ``LanderMission/repositoryFaultTable`` is the shipped one.
        public var faultTable: String?
        /// Seconds between log records.
        public var logInterval: Double = 1
        /// The ground interface's link (TCP, serial: fprime-gds or `regolith ground`); nil: a
        /// link that never opens.
        public var groundLink: (any ByteLink)?
        /// The ground interface's framing and authentication.
        public var ground = GroundInterface.Configuration()
        /// The flight computer's CPU model (modelled execution time per rate group, and the
        /// `cycle-steal` fault); nil: execution time is not measured (no overruns).
        public var computer: FlightComputerModel.Costs? = FlightComputerModel.Costs()
        public init() {}
    }

    /// One line of the run's log (truth, and what the flight software believed).
    public struct Record: Sendable {
        public var time: Double
        public var phase: DescentPhase
        public var altitude: Double
        public var verticalSpeed: Double
        public var horizontalSpeed: Double
        public var navAltitude: Double
        /// What the flight software believed: its altitude above the site's radius (m) and
        /// vertical speed (m/s) — the analog of Apollo's DSKY readings.
        public var navSiteAltitude: Double
        public var navVerticalSpeed: Double
        /// True height of the feet above the reference sphere (what navigation estimates
        /// before the altimeter ties it to the ground).
        public var sphereAltitude: Double
        public var thrust: Double
        public var propellantUsed: Double
        public var distanceToSite: Double
    }

    public let options: Options
    public let rig: LanderRig
    /// The flight computer's CPU model, when ``Options/computer`` gives one.
    public let computer: FlightComputerModel?
    public let flight: LanderFlightSoftware
    public let executive: LockstepExecutive
    public private(set) var log: [Record] = []

    /// How the run ended, for reports and tests.
    public struct Outcome: Sendable {
        public var touchdown: Touchdown?
        public var finalPhase: DescentPhase
        public var deltaV: Double
        public var propellantUsed: Double
        public var distanceToSite: Double
        /// Inside ACCEPTANCE.md's touchdown envelope: vertical <= 3.05 m/s, horizontal <=
        /// 1.22 m/s, tilt <= 6 deg, angular rate < 2 deg/s, slope <= 12 deg.
        public var insideEnvelope: Bool {
            guard let t = touchdown else { return false }
            return t.verticalSpeed <= 3.05 && t.horizontalSpeed <= 1.22 && t.tilt <= 6 * Double.pi / 180
                && t.angularRate < 2 * Double.pi / 180 && t.slope <= 12 * Double.pi / 180
        }
    }

    /// Powered descent initiation: when the engine first fired (flight time, s).
    public var ignitionTime: Double? { flight.descent.ignitionTime }

    /// The log record nearest `secondsAfterIgnition` after PDI.
    public func record(afterIgnition secondsAfterIgnition: Double) -> Record? {
        guard let t0 = ignitionTime else { return nil }
        return log.min { abs($0.time - t0 - secondsAfterIgnition) < abs($1.time - t0 - secondsAfterIgnition) }
    }

    public var outcome: Outcome {
        let truth = rig.truth
        return Outcome(
            touchdown: rig.world.touchdown, finalPhase: flight.descent.phase, deltaV: deltaV,
            propellantUsed: truth.propellantUsed, distanceToSite: truth.distanceToSite)
    }

    /// The compiled descent sequence (with the sequences it calls) and its check, when
    /// ``Options/descent`` is `.sequence`.
    public let descentSequence: (bytes: [UInt8], result: CheckResult)?
    /// The descent sequence's name (`SEQ_RUN`'s argument).
    public static let descentSequenceName = "lander_descent"

    /// One step of the sequence's progress: when run slot 0 moved to a line, or changed state.
    public struct Progress: Sendable, Equatable {
        public var time: Double
        public var line: UInt32
        public var state: SequenceRunState
    }
    /// Run slot 0's line and state each time either changed (bounded: 4,096 entries).
    public private(set) var progress: [Progress] = []
    let bus: SimulatedFrameBus
    public var dictionary: FlightDictionary { ground.dictionary }
    let ground: GroundCommander
    let physicsPerTick: Int
    private var started = false

    public init(options: Options = Options()) throws {
        self.options = options
        let rigConfiguration = Self.rigConfiguration(options)
        // Before ignition the lander flies thrust axis up, its altimeter looking down, so the
        // arming checks see every sensor working; START_DESCENT then turns it to the braking
        // attitude and ignites once aligned (DescentManager's ignition gate).

        // In-process links: byte devices on byte-link pairs, CAN devices on one simulated bus.
        bus = SimulatedFrameBus(name: "landerCAN", supportsFD: false)
        var flightLinks: [String: DeviceEndpoint.Link] = [:]
        var simLinks: [String: DeviceLink] = [:]
        for device in LanderFlightSoftware.devices {
            switch device {
            case "imu", "altimeter", "power":
                let (f, s) = SimulatedByteLink.pair("fsw-\(device)", "sim-\(device)", capacity: 16_384)
                flightLinks[device] = .bytes(f)
                simLinks[device] = .bytes(s)
            default:
                flightLinks[device] = .frames(bus.attach("fsw-\(device)", queueCapacity: 512))
                simLinks[device] = .frames(bus.attach("sim-\(device)", queueCapacity: 512))
            }
        }
        rig = LanderRig(rigConfiguration, links: simLinks)
        rig.modelsFlightComputer = options.computer != nil
        if let scenario = options.scenario { rig.run(scenario) }

        let knowledge = try Self.flightKnowledge(options: options, rig: rigConfiguration)
        flight = try LanderFlightSoftware(
            links: flightLinks, configuration: knowledge.configuration, faults: knowledge.faults, groundLink: options.groundLink,
            ground: options.ground)
        if let costs = options.computer {
            computer = FlightComputerModel(costs, rig: rig)
            flight.topology.scheduler.costModel = computer
            flight.topology.scheduler.measuresExecutionTime = true
        } else {
            computer = nil
        }
        executive = flight.topology.lockstep()
        ground = GroundCommander(flight.topology)
        descentSequence = try Self.installDescentSequence(flight, options: options)
        progress.reserveCapacity(4_096)
        physicsPerTick = Int((executive.period.seconds / rigConfiguration.world.dt).rounded())
        knowledge.initializeNavigation(flight, at: .zero)
        log.reserveCapacity(Int(options.maxTime / options.logInterval) + 2)
    }

    /// `Boards/lander-faults.yaml` in this repository.
    public static var repositoryFaultTable: String {
        (MissionSequences.repositoryDirectory as NSString).deletingLastPathComponent + "/Boards/lander-faults.yaml"
    }

    /// A fault table that did not load, with every problem.
    public struct FaultTableError: Error, CustomStringConvertible {
        public var file: String
        public var messages: [String]
        public var description: String { "fault table \(file):\n" + messages.joined(separator: "\n") }
    }

    static func simd(_ v: Vector3) -> SIMD3<Double> { SIMD3(v.x, v.y, v.z) }

    /// Sends a command by name through the dispatcher, as the ground would.
    @discardableResult
    public func command(_ name: String, _ arguments: [ArgumentValue] = []) -> CommandResponse {
        ground.send(name, arguments)
    }

    /// Every command the harness sent, with its answer.
    public var commandResponses: [(name: String, response: CommandResponse)] { ground.responses }

    /// Runs `seconds` of simulated time (commanding the descent at `startAt`), without the log.
    public func runFor(seconds: Double) {
        let end = rig.time + seconds
        while rig.time < end - 1e-9 { tick() }
    }

    /// Delta-v the engine gave (integral of thrust over mass, m/s).
    public private(set) var deltaV = 0.0

    func tick() {
        for _ in 0..<physicsPerTick {
            let s = rig.world.state
            if s.mass > 0 { deltaV += s.thrust / s.mass * rig.world.dt }
            rig.step()
        }
        bus.advance()
        executive.step()
        let lead = Self.startLead(options.descent, period: executive.period.seconds)
        if !started, rig.time >= options.startAt - lead - 1e-9 {
            started = true
            Self.commandDescent(options.descent, flight: flight, ground: ground)
        }
        let slot = flight.sequencer.slotStatus(0)
        if progress.count < progress.capacity, progress.last.map({ $0.line != slot.line || $0.state != slot.state }) ?? true {
            progress.append(Progress(time: rig.time, line: slot.line, state: slot.state))
        }
    }

    /// Whether the descent sequence ran to its end (no failure, not cancelled, not running).
    public var sequenceCompleted: Bool {
        flight.sequencer.completed == 1 && flight.sequencer.failed == 0 && flight.sequencer.cancelled == 0 && !flight.sequencer.isBusy
    }

    /// Whether ``run(pace:progress:)`` was stopped by its `pace` before the mission ended.
    public private(set) var interrupted = false

    /// Runs until landed (and settled 2 s), aborted on the ground, or `maxTime`. `progress`
    /// sees each log record as it is made (the CLI's live line). `pace`, when given, is called
    /// before each tick with the simulated time the tick will reach, to wait for the wall
    /// clock (a paced run, with a ground link); it returns false to stop the run there.
    public func run(pace: ((Double) -> Bool)? = nil, progress: ((Record) -> Void)? = nil) {
        var nextLog = 0.0
        var landedAt: Double?
        let period = executive.period.seconds
        while rig.time < options.maxTime {
            if let pace, !pace(rig.time + period) {
                interrupted = true
                break
            }
            tick()
            let t = rig.time
            if t >= nextLog {
                nextLog += options.logInterval
                record()
                progress?(log[log.count - 1])
            }
            if rig.world.touchdown != nil, landedAt == nil { landedAt = t }
            if let l = landedAt, t - l > 2 { break }
        }
        record()
        progress?(log[log.count - 1])
    }

    /// Height of the terrain at the landing site above the reference sphere (m): a record's
    /// `sphereAltitude - siteHeight` is its height above the site's level, the altitude the
    /// Apollo DSKY displayed (the landing site radius was its reference).
    public var siteHeight: Double { rig.world.terrain.height(x: 0, y: 0) }

    /// Simulation time of powered descent initiation: the engine's first firing (after the
    /// attitude turn that START_DESCENT begins), nil before it.
    public var pdiTime: Double? { ignitionTime }

    func record() {
        let truth = rig.truth
        let n = flight.navigator.latest
        log.append(Record(
            time: truth.time, phase: flight.descent.phase, altitude: truth.altitude, verticalSpeed: truth.verticalSpeed,
            horizontalSpeed: truth.horizontalSpeed, navAltitude: n.altitude - rig.configuration.world.vehicle.legHeight,
            navSiteAltitude: n.altitude, navVerticalSpeed: n.verticalSpeed,
            sphereAltitude: truth.state.position.length - LandingSite.changE3.radius - rig.configuration.world.vehicle.legHeight,
            thrust: truth.thrust, propellantUsed: truth.propellantUsed, distanceToSite: truth.distanceToSite))
    }
}
