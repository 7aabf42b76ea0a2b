import Configuration
public import FlightCore
public import FlightHAL
public import Missions
public import Sequencing
public import Simulator
import Devices
import Foundation

/// The rover's drive, flight software and simulator joined in one lockstep loop on in-process
/// device links (``InProcessDeviceLinks/rover()``: rover IMU and power on byte links, wheels
/// and hazard sensor on one simulated CAN bus), as ``LanderMission`` does for the lander: each
/// executive tick (100 Hz) the rig takes its physics steps (the rig's own 10 ms step: one per
/// tick), then the flight software ticks. Deterministic from the seed. The flight software
/// and the simulator meet through the device links only.
///
/// The drive is commanded as the operators would: `Sequences/rover-drive.rseq` (calling
/// `rover-safing.rseq` on abort) is compiled against the flight build's dictionary, installed
/// on the rover's sequencer and started with `seq.SEQ_RUN` at `startAt`. ``Options/drive``
/// `.direct` sends the keep-out zones and DRIVE_GOTO_WAYPOINT from the ground instead (for
/// fault tests on a shorter route). The ground also sends `drive.DRIVE_HEARTBEAT` every
/// ``Options/heartbeatInterval`` until ``Options/groundSilentFrom`` (the COMM_LOSS stop
/// watches for it).
public final class RoverMission {
    public struct Options: Sendable {
        /// How the drive is commanded.
        public enum Drive: Sendable {
            /// `seq.SEQ_RUN` of the compiled `rover-drive.rseq` at `startAt`.
            case sequence
            /// The keep-out zones, then DRIVE_GOTO_WAYPOINT to (east, north), from the ground at `startAt`.
            case direct(east: Double, north: Double, keepOut: [KeepOut])
            /// Nothing: the test commands the drive itself.
            case none
        }
        /// A keep-out zone the ground sets with `.direct`.
        public enum KeepOut: Sendable {
            case circle(east: Double, north: Double, radius: Double)
            case box(east1: Double, north1: Double, east2: Double, north2: Double)
        }

        public var drive: Drive = .sequence
        public var sequencesDirectory: String = MissionSequences.repositoryDirectory
        public var seed: UInt64 = 1
        public var scenario: Scenario?
        /// The ground under the rover; nil: the Chang'e-3 site terrain (``RoverRig/Configuration/parked(seed:site:terrainSeed:terrain:)``).
        public var terrain: Terrain?
        /// Stop after this much simulated time (s).
        public var maxTime: Double = 1_500
        /// When the drive is commanded (s): the drivers need a few samples first.
        public var startAt: Double = 5
        /// Seconds between ground heartbeats (`drive.DRIVE_HEARTBEAT`); the drive's COMM_LOSS timeout.
        public var heartbeatInterval: Double = 60
        public var commLossTimeout: Double = 900
        /// The ground falls silent (no more heartbeats) from this time (s).
        public var groundSilentFrom: Double?
        /// Seconds between log records.
        public var logInterval: Double = 1
        /// The rover's fault table (YAML, docs/faults.md), loaded into the flight topology with
        /// the system mode and the fault manager; nil: no fault protection.
        /// ``RoverMission/repositoryFaultTable`` is the shipped one.
        public var faultTable: String?
        /// The ground interface's framing and authentication (its link never opens here: the
        /// rover drive is commanded through the dispatcher by the harness).
        public var ground = GroundInterface.Configuration()
        public init() {}
    }

    /// One line of the run's log (truth, and the drive's state).
    public struct Record: Sendable {
        public var time: Double
        public var east: Double
        public var north: Double
        /// Degrees from north, clockwise.
        public var heading: Double
        /// Ground speed, m/s.
        public var speed: Double
        public var state: DriveState
        public var stopReason: StopReason
    }

    /// How the run ended, for reports and tests.
    public struct Outcome: Sendable {
        /// Distance driven over the ground (m), and from where the rover ended to the goal (m).
        public var distanceDriven: Double
        public var distanceToGoal: Double
        public var finalState: DriveState
        /// Every stop the drive made (DriveStopped), with its reason and wheel, in order.
        public var stops: [(time: Double, reason: StopReason, wheel: Int)]
        /// Physics steps with the rover's centre inside a keep-out zone.
        public var keepOutViolations: Int
        /// Least distance from the rover's centre to a keep-out zone (m; infinity without zones).
        public var closestToKeepOut: Double
        /// Fastest true ground speed (m/s).
        public var maxSpeed: Double
        public var completed: Int
    }

    public let options: Options
    public let rig: RoverRig
    public let flight: RoverFlightSoftware
    public let executive: LockstepExecutive
    public let links: InProcessDeviceLinks
    public var dictionary: FlightDictionary { ground.dictionary }
    let ground: GroundCommander
    public private(set) var log: [Record] = []
    /// The compiled drive sequence (with the sequences it calls) and its check, with `.sequence`.
    public let driveSequence: (bytes: [UInt8], result: CheckResult)?
    public static let driveSequenceName = "rover_drive"
    /// The goal and keep-out zones of `rover-drive.rseq` (its defaults), for the outcome.
    public static let routeGoal = SIMD2<Double>(0, 50)
    public static let routeKeepOut: [Options.KeepOut] = [
        .circle(east: 0.5, north: 25, radius: 4), .box(east1: -9, north1: 30, east2: -5, north2: 34),
    ]

    let physicsPerTick: Int
    let zones: [KeepOutZone]
    let goal: SIMD2<Double>?
    private var started = false
    private var lastHeartbeat = 0.0
    private var stopsSeen = 0
    private var stopLog: [(time: Double, reason: StopReason, wheel: Int)] = []
    private var lastState = DriveState.idle
    public private(set) var maxSpeed = 0.0
    public private(set) var keepOutViolations = 0
    public private(set) var closestToKeepOut = Double.infinity

    public init(options: Options = Options()) throws {
        self.options = options
        var rigConfiguration = RoverRig.Configuration.parked(seed: options.scenario?.seed ?? options.seed, terrain: options.terrain)
        rigConfiguration.world.seed = options.scenario?.seed ?? options.seed
        links = InProcessDeviceLinks.rover()
        rig = RoverRig(rigConfiguration, links: links.simulator)
        if let scenario = options.scenario { rig.run(scenario) }

        var flightLinks: [String: DeviceEndpoint.Link] = [:]
        for (device, link) in links.flight { flightLinks[device] = DeviceEndpoint.Link(link) }
        flight = try RoverFlightSoftware(
            links: flightLinks, configuration: Self.flightConfiguration(options: options),
            faults: try Self.loadFaultTable(options.faultTable), ground: options.ground)
        executive = flight.topology.lockstep()
        ground = GroundCommander(flight.topology)
        switch options.drive {
        case .sequence:
            let compiled = try Self.installDriveSequence(flight, ground: ground, options: options)
            driveSequence = compiled
            goal = Self.routeGoal
            zones = try Self.routeKeepOut.map(Self.zone)
        case .direct(let east, let north, let keepOut):
            driveSequence = nil
            goal = SIMD2(east, north)
            zones = try keepOut.map(Self.zone)
        case .none:
            driveSequence = nil
            goal = nil
            zones = []
        }
        physicsPerTick = max(1, Int((executive.period.seconds / rigConfiguration.world.dt).rounded()))
        log.reserveCapacity(Int(options.maxTime / options.logInterval) + 2)
        stopLog.reserveCapacity(64)
    }

    /// `Boards/rover-faults.yaml` in this repository.
    public static var repositoryFaultTable: String {
        (MissionSequences.repositoryDirectory as NSString).deletingLastPathComponent + "/Boards/rover-faults.yaml"
    }

    /// The table at `path` (nil: none). A structural error in the YAML stops the harness
    /// (``LanderMission/FaultTableError``); names are checked against the topology when it is
    /// built (binding).
    static func loadFaultTable(_ path: String?) throws -> FaultTable? {
        guard let path else { return nil }
        let file = FaultTableFile(contentsOf: path)
        guard file.structuralErrors.isEmpty else {
            throw LanderMission.FaultTableError(file: path, messages: file.structuralErrors.map { "\($0)" })
        }
        return file.table
    }

    static func zone(_ k: Options.KeepOut) throws -> KeepOutZone {
        switch k {
        case .circle(let e, let n, let r): return try KeepOutZone.circle(east: e, north: n, radius: r)
        case .box(let e1, let n1, let e2, let n2):
            return try KeepOutZone.polygon([SIMD2(e1, n1), SIMD2(e2, n1), SIMD2(e2, n2), SIMD2(e1, n2)])
        }
    }

    /// Sends a command by name through the dispatcher, as the ground would.
    @discardableResult
    public func command(_ name: String, _ arguments: [ArgumentValue] = []) -> CommandResponse {
        ground.send(name, arguments)
    }

    /// Every command the harness sent, with its answer.
    public var commandResponses: [(name: String, response: CommandResponse)] { ground.responses }

    func f64(_ x: Double) -> ArgumentValue { .value(.f64(x)) }

    /// Runs `seconds` of simulated time, without the log.
    public func runFor(seconds: Double) {
        let end = rig.time + seconds
        while rig.time < end - 1e-9 { tick() }
    }

    func tick() {
        for _ in 0..<physicsPerTick {
            rig.step()
            let s = rig.world.state
            maxSpeed = max(maxSpeed, abs(s.speed))
            let p = SIMD2(s.x, s.y)
            for z in zones {
                let d = z.distance(to: p)
                closestToKeepOut = min(closestToKeepOut, d)
                if d < 0 { keepOutViolations += 1 }
            }
        }
        links.bus.advance()
        executive.step()
        let t = rig.time
        if !started, t >= options.startAt - 1e-9 {
            started = true
            lastHeartbeat = t
            switch options.drive {
            case .sequence:
                command("seq.SEQ_RUN", [.string(Self.driveSequenceName)])
            case .direct(let east, let north, let keepOut):
                for k in keepOut {
                    switch k {
                    case .circle(let e, let n, let r): command("drive.DRIVE_SET_KEEP_OUT_CIRCLE", [f64(e), f64(n), f64(r)])
                    case .box(let e1, let n1, let e2, let n2): command("drive.DRIVE_SET_KEEP_OUT_BOX", [f64(e1), f64(n1), f64(e2), f64(n2)])
                    }
                }
                command("drive.DRIVE_GOTO_WAYPOINT", [f64(east), f64(north), f64(options.maxTime)])
            case .none:
                break
            }
        }
        if started, t - lastHeartbeat >= options.heartbeatInterval - 1e-9, t < (options.groundSilentFrom ?? .infinity) {
            lastHeartbeat = t
            command("drive.DRIVE_HEARTBEAT")
        }
        let c = flight.drive.controller
        if c.state != lastState {
            if c.state == .stopped, stopLog.count < stopLog.capacity { stopLog.append((t, c.stopReason, c.stopWheel)) }
            lastState = c.state
        }
    }

    /// Whether the drive sequence ran to its end (no failure, not cancelled, not running).
    public var sequenceCompleted: Bool {
        flight.sequencer.completed == 1 && flight.sequencer.failed == 0 && flight.sequencer.cancelled == 0 && !flight.sequencer.isBusy
    }

    /// Runs until the drive is over (completed or stopped, and the sequence, if any, done),
    /// plus 2 s, or `maxTime`.
    public func run() {
        var nextLog = 0.0
        var overAt: Double?
        while rig.time < options.maxTime {
            tick()
            let t = rig.time
            if t >= nextLog {
                nextLog += options.logInterval
                record()
            }
            let c = flight.drive.controller
            let over = started && (c.completed > 0 || c.state == .stopped) && !c.isMoving && !flight.sequencer.isBusy
            if over, overAt == nil { overAt = t }
            if let o = overAt, t - o > 2 { break }
        }
        record()
    }

    func record() {
        let s = rig.world.state
        let c = flight.drive.controller
        log.append(Record(
            time: rig.time, east: s.x, north: s.y, heading: s.heading * 180 / .pi, speed: s.speed,
            state: c.state, stopReason: c.stopReason))
    }

    public var outcome: Outcome {
        let s = rig.world.state
        let toGoal = goal.map { ((s.x - $0.x) * (s.x - $0.x) + (s.y - $0.y) * (s.y - $0.y)).squareRoot() } ?? .nan
        return Outcome(
            distanceDriven: s.odometer, distanceToGoal: toGoal, finalState: flight.drive.controller.state, stops: stopLog,
            keepOutViolations: keepOutViolations, closestToKeepOut: closestToKeepOut, maxSpeed: maxSpeed,
            completed: flight.drive.controller.completed)
    }
}
