public import Configuration
public import FlightCore
public import Missions
import Devices
import FlightHAL
import Foundation

/// The lander's flight software on a board's own device links, run by the real-time
/// executive: against the simulator in another process (`regolith sim --hold` on
/// `Boards/sim-pty.yaml` or `Boards/sim-vcan.yaml`), or bench hardware (`Boards/bench.yaml`).
/// The same ``LanderFlightSoftware`` the lockstep ``LanderMission`` builds, told the same
/// things before the descent (``LanderMission/flightKnowledge(options:rig:)``), commanded the
/// same way (`lander-descent.rseq` at ``LanderMission/Options/startAt``, or by the ground).
///
/// Flight time starts at zero when the executive starts, as the simulator's does when it
/// first hears the flight side (its `--hold`): the attitude driver's first command goes out
/// in the first tick, so the two clocks agree to within that tick and the link's latency.
/// `timeScale` flight seconds pass per wall second; the simulator must run at the same.
///
/// Only the flight software's view is here (its phase, navigation, links): the truth of a
/// touchdown is the simulator's to report.
public final class LanderBoardFlight {
    /// One line of the run's log: what the flight software believed.
    public struct Record: Sendable {
        public var time: Double
        public var phase: DescentPhase
        /// Navigation's height of the feet above the ground (m), vertical and horizontal speed (m/s).
        public var altitude: Double
        public var verticalSpeed: Double
        public var horizontalSpeed: Double
        public var altimeterUsed: Bool
    }

    /// How the run ended, as the flight software saw it.
    public struct Outcome: Sendable {
        public var finalPhase: DescentPhase
        public var ignitionTime: Double?
        /// When the descent manager declared LANDED (contact, IMU and altitude agreeing), and
        /// navigation's speeds then.
        public var landed: (time: Double, verticalSpeed: Double, horizontalSpeed: Double)?
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
        /// Software-bus messages a subscriber lost (dropped or rejected), by topic and subscriber.
        public var busLosses: [(topic: String, subscriber: String, lost: UInt64)]
    }

    public let options: LanderMission.Options
    public let board: Board
    public let links: BoardLinks
    public let flight: LanderFlightSoftware
    public let timeScale: Double
    let ground: GroundCommander
    let knowledge: LanderMission.FlightKnowledge

    /// Opens `board`'s lander devices for the flight side and builds the flight software.
    /// Throws when a link cannot be opened (naming the device and the board line), or the
    /// sequence or fault table does not load.
    public init(board: Board, options: LanderMission.Options, timeScale: Double = 1) throws {
        precondition(timeScale > 0 && timeScale.isFinite)
        self.options = options
        self.board = board
        self.timeScale = timeScale
        let links = try BoardLinks(board: board, side: .flight, devices: LanderFlightSoftware.devices)
        do {
            var endpointLinks: [String: DeviceEndpoint.Link] = [:]
            for (device, link) in links.links { endpointLinks[device] = DeviceEndpoint.Link(link) }
            knowledge = try LanderMission.flightKnowledge(options: options, rig: LanderMission.rigConfiguration(options))
            flight = try LanderFlightSoftware(
                links: endpointLinks, configuration: knowledge.configuration, faults: knowledge.faults,
                groundLink: options.groundLink, ground: options.ground)
            _ = try LanderMission.installDescentSequence(flight, options: options)
        } catch {
            links.close()
            throw error
        }
        self.links = links
        ground = GroundCommander(flight.topology)
    }

    deinit { links.close() }

    private let executive = BoardFlightExecutive()

    /// Asks a running flight to stop after its current tick (from a signal handler's queue).
    public func stop() { executive.stop() }

    /// Everything the executive thread touches after each tick. Unchecked Sendable for the
    /// executive's reason: only its thread uses this between start and join, the caller before
    /// and after; thread creation and join order those accesses.
    private final class Loop: @unchecked Sendable {
        let owner: LanderBoardFlight
        let progress: ((Record) -> Void)?
        var started = false
        var nextLog = 0.0
        var landed: (time: Double, verticalSpeed: Double, horizontalSpeed: Double)?
        var endedAt: Double?
        init(_ owner: LanderBoardFlight, progress: ((Record) -> Void)?) {
            self.owner = owner
            self.progress = progress
        }

        /// After each tick: command the descent when due, log, and end the run 2 s after
        /// LANDED, 5 s after an abort (the safing sequence runs), or at `maxTime`.
        func afterTick() -> Bool {
            let o = owner, f = o.flight
            let t = Double(f.topology.services.now.totalMicroseconds) / 1e6
            let period = f.topology.scheduler.basePeriod.seconds
            if !started, t >= o.options.startAt - LanderMission.startLead(o.options.descent, period: period) - 1e-9 {
                started = true
                LanderMission.commandDescent(o.options.descent, flight: f, ground: o.ground)
            }
            let phase = f.descent.phase
            if phase == .landed, landed == nil {
                let n = f.navigator.latest
                landed = (t, n.verticalSpeed, n.horizontalSpeed)
            }
            if endedAt == nil, phase == .landed || phase == .aborted { endedAt = t }
            if t >= nextLog {
                nextLog = t + o.options.logInterval
                progress?(o.record(at: t))
            }
            if let e = endedAt, t - e >= (phase == .landed ? 2 : 5) { return false }
            return t < o.options.maxTime
        }
    }

    func record(at t: Double) -> Record {
        let n = flight.navigator.latest
        return Record(
            time: t, phase: flight.descent.phase, altitude: n.altitude - knowledge.configuration.legHeight,
            verticalSpeed: n.verticalSpeed, horizontalSpeed: n.horizontalSpeed, altimeterUsed: n.altimeterUsed)
    }

    /// Runs the flight until it ends (see `Loop.afterTick`) or ``stop()``; returns what the
    /// flight software saw. `progress` sees a record each `logInterval` of flight time, on the
    /// executive's thread.
    public func run(progress: ((Record) -> Void)? = nil) -> Outcome {
        knowledge.initializeNavigation(flight, at: .zero)
        let loop = Loop(self, progress: progress)
        let run = executive.run(flight.topology, timeScale: timeScale) { loop.afterTick() }
        let t = run.flightSeconds
        progress?(record(at: t))
        let d = flight.drivers
        let devices: [(String, String, DeviceEndpoint.Counts)] = [
            ("imu", "\(d.imu.health)", d.imu.endpoint.counts), ("altimeter", "\(d.altimeter.health)", d.altimeter.endpoint.counts),
            ("engine", "\(d.engine.health)", d.engine.endpoint.counts), ("legs", "\(d.legs.health)", d.legs.endpoint.counts),
            ("power", "\(d.power.health)", d.power.endpoint.counts),
            ("attitude", "\(flight.attitude.health)", flight.attitude.endpointCounts),
        ]
        return Outcome(
            finalPhase: flight.descent.phase, ignitionTime: flight.descent.ignitionTime, landed: loop.landed,
            flightSeconds: t, wallSeconds: run.wallSeconds, ticks: run.ticks, cycleSlips: run.cycleSlips, ticksMissed: run.ticksMissed,
            latenessP99: run.latenessP99, interrupted: loop.endedAt == nil && t < options.maxTime,
            sequenceCompleted: flight.sequencer.ranToCompletion,
            commands: ground.responses,
            devices: devices.map { ($0.0, $0.1, $0.2.received, $0.2.rejected) },
            busLosses: flight.topology.bus.topics.flatMap { t in
                t.subscriptionStats.filter { $0.dropped + $0.rejected > 0 }.map { (t.name, $0.subscriber, $0.dropped + $0.rejected) }
            })
    }
}
