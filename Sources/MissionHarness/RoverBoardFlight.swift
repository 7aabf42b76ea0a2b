public import Configuration
public import FlightCore
public import Missions
import Devices
import FlightHAL
import Foundation
import Sequencing
import Simulator

extension RoverMission {
    /// What the rover's flight software is told before the drive, as the lockstep mission
    /// tells it: the drive's vehicle constants and where the rover stands (the rig's parked
    /// start for `options`' seed). The same for a separate flight process, whose simulator
    /// (`regolith sim --mission rover`) parks the rover at the same place.
    public static func flightConfiguration(options: Options) -> RoverFlightSoftware.Configuration {
        let rig = RoverRig.Configuration.parked(seed: options.scenario?.seed ?? options.seed, terrain: options.terrain)
        let v = rig.world.vehicle
        var drive = DriveController.Configuration(geometry: .init(
            wheelRadius: v.wheelRadius, trackWidth: v.trackWidth, skidFactor: v.skidFactor,
            ticksPerRevolution: v.ticksPerRevolution, referenceHeight: RoverGeometry.yutu2.referenceHeight))
        drive.mass = v.mass
        drive.rollingResistance = v.rollingResistance
        drive.torquePerAmp = v.torquePerAmp
        drive.noLoadCurrent = v.idleCurrent
        drive.gravity = Moon.surfaceGravity
        drive.commLossTimeout = options.commLossTimeout
        let start = rig.world.start
        return .init(drive: drive, east: start.x, north: start.y, heading: start.heading)
    }

    /// Compiles `rover-drive.rseq` against `flight`'s dictionary and installs it.
    @discardableResult
    static func installDriveSequence(_ flight: RoverFlightSoftware, ground: GroundCommander, options: Options) throws -> (bytes: [UInt8], result: CheckResult) {
        let compiled = try MissionSequences.compile(
            "rover-drive.rseq", in: options.sequencesDirectory, dictionary: SequenceDictionary(ground.dictionary))
        if case .failure(let e) = flight.sequencer.install(compiled.bytes) {
            throw MissionSequences.LoadError(file: "rover-drive.rseq", messages: ["refused by the rover's sequencer: \(e)"])
        }
        return compiled
    }
}

/// The rover's flight software on a board's own device links, run by the real-time
/// executive: against the simulator in another process (`regolith sim --mission rover --hold`
/// on `Boards/sim-pty.yaml` or `Boards/sim-vcan.yaml`), or bench hardware. The same
/// ``RoverFlightSoftware`` the lockstep ``RoverMission`` builds, told the same things
/// (``RoverMission/flightConfiguration(options:)``) and commanded the same way: the
/// operators' `rover-drive.rseq` started with `seq.SEQ_RUN` at ``RoverMission/Options/startAt``,
/// and `drive.DRIVE_HEARTBEAT` from the ground every ``RoverMission/Options/heartbeatInterval``.
///
/// Only the flight software's view is here (its drive state, stops, odometry and position
/// estimate, links): the truth of where the rover went is the simulator's to report.
public final class RoverBoardFlight {
    /// One line of the run's log: what the flight software believed.
    public struct Record: Sendable {
        public var time: Double
        public var east: Double
        public var north: Double
        /// Degrees from north, clockwise.
        public var heading: Double
        public var state: DriveState
        public var stopReason: StopReason
    }

    /// How the run ended, as the flight software saw it.
    public struct Outcome: Sendable {
        public var finalState: DriveState
        /// Commands the drive completed (the sequence's legs), and every stop it made.
        public var completed: Int
        public var stops: [(time: Double, reason: StopReason, wheel: Int)]
        /// The drive's position estimate at the end (site map, m) and its distance to the route's goal.
        public var east: Double
        public var north: Double
        public var distanceToGoal: Double
        public var flightSeconds: Double
        public var wallSeconds: Double
        public var ticks: UInt64
        public var cycleSlips: UInt64
        public var ticksMissed: UInt64
        /// Wake-up lateness p99 (µs).
        public var latenessP99: Double
        public var interrupted: Bool
        public var sequenceCompleted: Bool
        public var commands: [(name: String, response: CommandResponse)]
        /// Each device's health at the end and its link's counts (received, rejected).
        public var devices: [(name: String, health: String, received: Int, rejected: Int)]
    }

    public let options: RoverMission.Options
    public let board: Board
    public let links: BoardLinks
    public let flight: RoverFlightSoftware
    public let timeScale: Double
    let ground: GroundCommander

    /// Opens `board`'s rover devices for the flight side and builds the flight software.
    /// Throws when a link cannot be opened (naming the device and the board line), or the
    /// sequence does not load.
    public init(board: Board, options: RoverMission.Options, timeScale: Double = 1) throws {
        precondition(timeScale > 0 && timeScale.isFinite)
        self.options = options
        self.board = board
        self.timeScale = timeScale
        let links = try BoardLinks(board: board, side: .flight, devices: RoverFlightSoftware.devices)
        do {
            var endpointLinks: [String: DeviceEndpoint.Link] = [:]
            for (device, link) in links.links { endpointLinks[device] = DeviceEndpoint.Link(link) }
            flight = try RoverFlightSoftware(
                links: endpointLinks, configuration: RoverMission.flightConfiguration(options: options),
                faults: try RoverMission.loadFaultTable(options.faultTable), ground: options.ground)
            ground = GroundCommander(flight.topology)
            try RoverMission.installDriveSequence(flight, ground: ground, options: options)
        } catch {
            links.close()
            throw error
        }
        self.links = links
    }

    deinit { links.close() }

    private let executive = BoardFlightExecutive()

    /// Asks a running flight to stop after its current tick (from a signal handler's queue).
    public func stop() { executive.stop() }

    /// Everything the executive thread touches after each tick (see ``LanderBoardFlight``).
    private final class Loop: @unchecked Sendable {
        let owner: RoverBoardFlight
        let progress: ((Record) -> Void)?
        var started = false
        var lastHeartbeat = 0.0
        var nextLog = 0.0
        var overAt: Double?
        var lastState = DriveState.idle
        var stops: [(time: Double, reason: StopReason, wheel: Int)] = []
        init(_ owner: RoverBoardFlight, progress: ((Record) -> Void)?) {
            self.owner = owner
            self.progress = progress
            stops.reserveCapacity(64)
        }

        /// After each tick: start the sequence when due, send the heartbeats, log, and end
        /// the run 2 s after the drive is over (completed or stopped, sequence done), or at
        /// `maxTime`.
        func afterTick() -> Bool {
            let o = owner, f = o.flight
            let t = Double(f.topology.services.now.totalMicroseconds) / 1e6
            if !started, t >= o.options.startAt - 1e-9 {
                started = true
                lastHeartbeat = t
                o.ground.send("seq.SEQ_RUN", [.string(RoverMission.driveSequenceName)])
            }
            if started, t - lastHeartbeat >= o.options.heartbeatInterval - 1e-9, t < (o.options.groundSilentFrom ?? .infinity) {
                lastHeartbeat = t
                o.ground.send("drive.DRIVE_HEARTBEAT")
            }
            let c = f.drive.controller
            if c.state != lastState {
                if c.state == .stopped, stops.count < stops.capacity { stops.append((t, c.stopReason, c.stopWheel)) }
                lastState = c.state
            }
            if t >= nextLog {
                nextLog = t + o.options.logInterval
                progress?(o.record(at: t))
            }
            let over = started && (c.completed > 0 || c.state == .stopped) && !c.isMoving && !f.sequencer.isBusy
            if over, overAt == nil { overAt = t }
            if let e = overAt, t - e >= 2 { return false }
            return t < o.options.maxTime
        }
    }

    func record(at t: Double) -> Record {
        let c = flight.drive.controller
        let n = c.navigation
        return Record(time: t, east: n.east, north: n.north, heading: n.heading * 180 / .pi, state: c.state, stopReason: c.stopReason)
    }

    /// Runs the flight until the drive is over (see `Loop.afterTick`) or ``stop()``; returns
    /// what the flight software saw.
    public func run(progress: ((Record) -> Void)? = nil) -> Outcome {
        let loop = Loop(self, progress: progress)
        let run = executive.run(flight.topology, timeScale: timeScale) { loop.afterTick() }
        let t = run.flightSeconds
        progress?(record(at: t))
        let c = flight.drive.controller
        let goal = RoverMission.routeGoal
        let d = flight.drivers
        var devices: [(name: String, health: String, received: Int, rejected: Int)] = [
            ("wheels", "\(d.wheels.health)", d.wheels.endpoint.counts.received, d.wheels.endpoint.counts.rejected),
            ("rover-imu", "\(d.attitude.health)", d.attitude.endpoint.counts.received, d.attitude.endpoint.counts.rejected),
            ("hazard", "\(d.hazard.health)", d.hazard.endpoint.counts.received, d.hazard.endpoint.counts.rejected),
        ]
        if let p = d.power { devices.append(("power", "\(p.health)", p.endpoint.counts.received, p.endpoint.counts.rejected)) }
        return Outcome(
            finalState: c.state, completed: c.completed, stops: loop.stops, east: c.navigation.east, north: c.navigation.north,
            distanceToGoal: ((c.navigation.east - goal.x) * (c.navigation.east - goal.x) + (c.navigation.north - goal.y) * (c.navigation.north - goal.y)).squareRoot(),
            flightSeconds: t, wallSeconds: run.wallSeconds, ticks: run.ticks, cycleSlips: run.cycleSlips, ticksMissed: run.ticksMissed,
            latenessP99: run.latenessP99, interrupted: loop.overAt == nil && t < options.maxTime,
            sequenceCompleted: flight.sequencer.ranToCompletion,
            commands: ground.responses, devices: devices)
    }
}
