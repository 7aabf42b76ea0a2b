import ArgumentParser
import Configuration
import FlightCore
import FlightHAL
import Foundation
import Ground
import MissionHarness
import Missions
import Simulator

/// `regolith mission`: a whole mission, flight software and simulator in one lockstep loop
/// through the board's device links, with a live line, a final report (text, and JSON with
/// --report) and plots.
struct MissionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mission",
        abstract: "Run the lander descent or the rover drive against the simulator (in this process or another) and report on it.",
        discussion: """
            On a board whose devices are all `sim` (Boards/sim.yaml) the simulator runs in this process, \
            stepped in lockstep with the flight software: as fast as the machine allows, or paced to the \
            wall clock with --time-scale (and always when there is a --ground link). On a board with \
            `simulator: process` (Boards/sim-pty.yaml, Boards/sim-vcan.yaml) the flight software runs \
            alone under the real-time executive on the board's links, against `regolith sim --hold \
            --time-scale F` (with --mission rover for the rover) started first with the same board and \
            factor; the simulator reports the truth. Each mission flies with its fault table \
            (Boards/lander-faults.yaml, Boards/rover-faults.yaml; --fault-table) and reports what it did. While the mission runs a live line shows the phase, altitude, vertical and \
            horizontal speed and propellant used (on a terminal, rewritten in place). The final report \
            checks the touchdown against ACCEPTANCE.md's envelope (vertical <= 3.05 m/s, horizontal <= 1.22 \
            m/s, tilt <= 6 deg, angular rate < 2 deg/s, slope <= 12 deg) and the nominal descent's figures \
            (PDI to touchdown 700-800 s, delta-v 1.9-2.3 km/s). Exits 0 when the landing is inside the \
            envelope (on a separate simulator: when the flight software declared LANDED), 1 when it is not \
            (or there was no touchdown, or the run was interrupted), 2 when the mission could not run (a \
            board, link or scenario refused). --ground connects the flight software's ground interface \
            (fprime-gds, `regolith ground`); with --wait-for-ground the descent waits for the ground's \
            seq.SEQ_RUN lander_descent. The rover drive flies Sequences/rover-drive.rseq (50 m around two \
            keep-out zones) and exits 0 when it reaches the goal without entering a zone or exceeding 200 m/h \
            (on a separate simulator: when the flight software completed the route with no stop).
            """)

    enum Mission: String, ExpressibleByArgument, CaseIterable {
        case landerDescent = "lander-descent", roverDrive = "rover-drive"
    }

    @Argument(help: "The mission to run.")
    var mission: Mission

    @Option(help: ArgumentHelp("The board file: which device is on which link.", valueName: "file"))
    var board = "Boards/sim.yaml"

    @Option(help: ArgumentHelp("Seed of the simulator's noise and terrain (a scenario's own seed wins).", valueName: "n"))
    var seed: UInt64 = 1

    enum Vehicle: String, ExpressibleByArgument, CaseIterable {
        case change, apollo
        var lander: LanderMission.Vehicle { self == .change ? .changE : .apolloLM }
    }

    @Option(help: "The lander: Chang'e-class (1.5-7.5 kN) or the Apollo LM flying Apollo 11's plan.")
    var vehicle: Vehicle = .change

    @Option(help: ArgumentHelp("A scenario file: faults injected during the run (docs/scenarios.md).", valueName: "file"))
    var scenario: String?

    @Option(help: ArgumentHelp("The mission's fault table (docs/faults.md), loaded into the flight software with its modes and lock-outs (default: the repository's Boards/lander-faults.yaml or Boards/rover-faults.yaml); `none`: no fault protection.", valueName: "file"))
    var faultTable: String?

    @Option(help: ArgumentHelp("Also write the final report as JSON to this file (keys in docs/cli.md).", valueName: "file.json"))
    var report: String?

    @Option(help: ArgumentHelp("Write plots into this directory (SVG; PNG too when rsvg-convert or ImageMagick is installed).", valueName: "dir"))
    var plots: String?

    @Flag(help: "No live line: only the final report.")
    var quiet = false

    @Option(help: ArgumentHelp("Flight seconds per wall second: paces the embedded simulator, or runs the real-time executive this much faster against `regolith sim --time-scale` (the same factor).", valueName: "factor"))
    var timeScale: Double?

    @Option(help: ArgumentHelp("The lander's ground link: tcp:HOST:PORT, listen:[HOST:]PORT or serial:PATH[@BAUD].", valueName: "address"))
    var ground: String?

    @OptionGroup var dataLink: DataLinkOptions

    @Option(help: ArgumentHelp("File holding the command authentication key in hex; commands must then be signed.", valueName: "file"))
    var authKeyFile: String?

    @Flag(help: "Install the descent sequence but start nothing: the ground starts it (seq.SEQ_RUN lander_descent).")
    var waitForGround = false

    @Option(help: ArgumentHelp("Flight seconds between downlinks of the telemetry channels (events go down at once); 0: every ground tick (50 Hz).", valueName: "seconds"))
    var telemetryInterval: Double = 1

    func validate() throws {
        if let f = timeScale, !(f >= 0.01 && f <= 100) { throw ValidationError("--time-scale must be in [0.01, 100], not \(f)") }
        if let g = ground {
            do { _ = try GroundLinkAddress(parsing: g) } catch { throw ValidationError("\(error)") }
            if mission != .landerDescent { throw ValidationError("--ground applies to lander-descent") }
        }
        if authKeyFile != nil && ground == nil { throw ValidationError("--auth-key-file applies to a run with --ground") }
        if waitForGround && ground == nil { throw ValidationError("--wait-for-ground needs a --ground link to be commanded over") }
        guard telemetryInterval >= 0 && telemetryInterval <= 3_600 else {
            throw ValidationError("--telemetry-interval must be in [0, 3600] seconds, not \(telemetryInterval)")
        }
    }

    func run() throws {
        do {
            switch mission {
            case .landerDescent: try landerDescent()
            case .roverDrive: try roverDrive()
            }
        } catch let e as MissionCLIError {
            MissionOutput.error("regolith mission: error: \(e.description)")
            throw ExitCode(2)
        } catch let e as ConfigurationErrors {
            MissionOutput.error(e.description)
            throw ExitCode(2)
        } catch let e as ExitCode {
            throw e  // 1: the landing is outside the envelope
        } catch {
            MissionOutput.error("regolith mission: error: \(error)")
            throw ExitCode(2)
        }
    }

    func roverDrive() throws {
        let loaded = try Board.load(contentsOf: board)
        try Self.checkDevices(loaded, needs: RoverFlightSoftware.devices, mission: mission.rawValue)
        var options = RoverMission.Options()
        options.seed = seed
        options.faultTable = faultTable == "none" ? nil : (faultTable ?? RoverMission.repositoryFaultTable)
        if let why = Self.notLockstep(loaded, devices: RoverFlightSoftware.devices) {
            return try roverOnBoard(loaded, options: options, why: why)
        }
        if timeScale != nil { throw MissionCLIError("--time-scale on Boards/sim.yaml applies to lander-descent; the rover takes it on a board with `simulator: process`") }
        options.scenario = try loadScenario(for: .rover)
        let m = try RoverMission(options: options)
        let start = Date()
        if !quiet { MissionOutput.write("rover drive: Sequences/rover-drive.rseq, 50 m around two keep-out zones at 0.05 m/s (about 19 simulated minutes)\n") }
        m.run()
        let result = RoverReport(m, board: "\(loaded.name) (\(board))", wallSeconds: Date().timeIntervalSince(start))
        MissionOutput.write(result.text)
        if let p = m.flight.faultProtection { MissionOutput.write(Self.faultLine(p)) }
        try writeReport(result.json())
        if let plots {
            do {
                try FileManager.default.createDirectory(atPath: plots, withIntermediateDirectories: true)
                let path = (plots as NSString).appendingPathComponent("path.svg")
                try RoverReport.pathSVG(m, keepOut: RoverMission.routeKeepOut, goal: RoverMission.routeGoal)
                    .write(toFile: path, atomically: true, encoding: .utf8)
                var line = "  plot: \(path)"
                if let converter = MissionPlots.Converter.find() {
                    let png = (plots as NSString).appendingPathComponent("path.png")
                    line += converter.convert(path, to: png) ? " and \(png)" : " (\(converter.name) could not make a PNG)"
                }
                MissionOutput.write(line + "\n")
            } catch {
                throw MissionCLIError("\(plots): cannot write the path plot: \(error.localizedDescription)")
            }
        }
        if !result.completed { throw ExitCode(1) }
    }

    /// The fault table's verdict: the mode, and the monitors that tripped and responses that
    /// fired (with counts).
    static func faultLine(_ p: FaultProtection) -> String {
        let a = p.faults.activity
        let fired = a.monitors.filter { $0.trips > 0 }.map { "\($0.name) x\($0.trips)" }
            + a.responses.filter { $0.firings > 0 }.map { "\($0.name) x\($0.firings)" }
        return "  fault protection (Boards/rover-faults.yaml): mode \(p.modes.names[p.modes.current]), "
            + (fired.isEmpty ? "nothing tripped\n" : "fired: \(fired.joined(separator: ", "))\n")
    }

    func landerDescent() throws {
        let loaded = try Board.load(contentsOf: board)
        try Self.checkDevices(loaded, needs: LanderFlightSoftware.devices, mission: mission.rawValue)
        var options = LanderMission.Options()
        options.vehicle = vehicle.lander
        options.seed = seed
        options.scenario = try loadScenario(for: .lander)
        options.faultTable = faultTable == "none" ? nil : (faultTable ?? LanderMission.repositoryFaultTable)
        var groundConfiguration = GroundInterface.Configuration(dataLink: dataLink.configuration)
        if let path = authKeyFile { groundConfiguration.authenticationKey = try GroundStation.loadKey(path: path) }
        if telemetryInterval > 0 { groundConfiguration.telemetryInterval = .nanoseconds(Int64((telemetryInterval * 1e9).rounded())) }
        options.ground = groundConfiguration
        if waitForGround { options.descent = .ground }
        let link = try ground.map { try GroundLinkAddress(parsing: $0).open() }
        defer { link?.close() }
        options.groundLink = link
        if let link, !quiet { MissionOutput.write("ground link: \(link.name)\(authKeyFile != nil ? ", commands must be signed" : "")\n") }
        if let why = Self.notLockstep(loaded, devices: LanderFlightSoftware.devices) {
            try landerOnBoard(loaded, options: options, why: why)
        } else {
            try landerLockstep(loaded, options: options)
        }
    }

    /// Flight software and simulator in this process, in lockstep; paced when asked.
    func landerLockstep(_ loaded: Board, options: LanderMission.Options) throws {
        let m = try LanderMission(options: options)
        let live = quiet ? nil : LiveLine()
        let start = Date()
        // Paced to the wall clock when a factor is given, and always with a ground link (a
        // ground station keeps wall-clock time).
        let factor = timeScale ?? (ground != nil ? 1 : nil)
        // Only a paced run checks for SIGINT/SIGTERM (between ticks, to end with its report);
        // an unpaced one keeps the default action, so Ctrl-C still stops it.
        let stop = factor.map { _ in SimStopSignal.install() }
        var pacer = factor.map { WallPacer(timeScale: $0) }
        if let factor, !quiet { MissionOutput.write("paced at x\(fixed(factor, 2)) real time\n") }
        m.run(
            pace: pacer == nil ? nil : { t in stop?.received == nil && pacer!.wait(untilFlightTime: t) },
            progress: { record in live?.show(record) })
        let wall = Date().timeIntervalSince(start)
        live?.finish()

        let result = LanderReport(m, board: "\(loaded.name) (\(board))", wallSeconds: wall)
        MissionOutput.write(result.text)
        if m.interrupted { MissionOutput.write("  interrupted (signal) at \(fixed(m.rig.time, 1)) s\n") }
        if let g = ground { MissionOutput.write("  " + Self.groundLine(g, m.flight.groundInterface) + "\n") }
        try writeReport(result.json())
        if let plots {
            for line in try MissionPlots.writeLander(m, into: plots) { MissionOutput.write("  plot: \(line)\n") }
        }
        if !result.insideEnvelope || m.interrupted { throw ExitCode(1) }
    }

    /// The rover's flight software alone on the board's links, under the real-time executive.
    func roverOnBoard(_ loaded: Board, options: RoverMission.Options, why: String) throws {
        let factor = timeScale ?? 1
        let flight = try openOnBoard(loaded, why: why, simulator: "regolith sim --mission rover", factor: factor) {
            try RoverBoardFlight(board: loaded, options: options, timeScale: factor)
        }
        if !quiet { Self.announce("rover drive", loaded, board, factor, flight.links, note: "; Sequences/rover-drive.rseq") }
        let signals = onStopSignals { flight.stop() }
        defer { signals.forEach { $0.cancel() } }
        var next = 0.0
        let outcome = flight.run { r in
            guard !quiet, r.time >= next else { return }
            next = r.time + 60
            MissionOutput.write("t \(fixed(r.time, 0)) s  \(r.state)  estimate (\(fixed(r.east, 2)), \(fixed(r.north, 2))) m  heading \(fixed(r.heading, 1)) deg\n")
        }
        let report = RoverBoardFlightReport(outcome: outcome, board: "\(loaded.name) (\(board))", timeScale: factor)
        MissionOutput.write(report.text)
        try writeReport(report.json())
        if !report.completed { throw ExitCode(1) }
    }

    /// The flight software alone on the board's links, under the real-time executive.
    func landerOnBoard(_ loaded: Board, options: LanderMission.Options, why: String) throws {
        if loaded.simulator == .process && vehicle != .change {
            throw MissionCLIError("`regolith sim` simulates the Chang'e-class lander only; --vehicle apollo needs Boards/sim.yaml")
        }
        let factor = timeScale ?? 1
        let flight = try openOnBoard(loaded, why: why, simulator: "regolith sim", factor: factor) {
            try LanderBoardFlight(board: loaded, options: options, timeScale: factor)
        }
        if !quiet { Self.announce("lander descent", loaded, board, factor, flight.links) }
        let signals = onStopSignals { flight.stop() }
        defer { signals.forEach { $0.cancel() } }
        let live = quiet ? nil : LiveLine()
        let outcome = flight.run { r in live?.show(navigation: r) }
        live?.finish()
        let report = BoardFlightReport(outcome: outcome, board: "\(loaded.name) (\(board))", timeScale: factor)
        MissionOutput.write(report.text)
        if let g = ground { MissionOutput.write("  " + Self.groundLine(g, flight.flight.groundInterface) + "\n") }
        try writeReport(report.json())
        if outcome.finalPhase != .landed { throw ExitCode(1) }
    }

    /// What both missions check before flying on a board's own links: no scenario (faults are
    /// the simulator's to inject there) and no plots (there is no truth here); then `open` the
    /// flight, with a hint to start the simulator (`simulator`, at `factor`) first when a link
    /// of a `simulator: process` board is not there.
    func openOnBoard<Flight>(_ loaded: Board, why: String, simulator: String, factor: Double, open: () throws -> Flight) throws -> Flight {
        if scenario != nil {
            throw MissionCLIError("\(Self.place(loaded)) \(why): faults are the simulator's to inject; pass --scenario to `regolith sim`")
        }
        if plots != nil { throw MissionCLIError("--plots needs the embedded simulator's truth (Boards/sim.yaml)") }
        do { return try open() } catch let e as BoardLinkError {
            let hint = loaded.simulator == .process
                ? "\n(start the simulator first: \(simulator) --board \(board) --hold --time-scale \(fixed(factor, 2)); see docs/missions.md)" : ""
            throw MissionCLIError("\(e)" + hint)
        }
    }

    /// The first lines of a flight on a board: which board, how fast, and each device's link.
    static func announce(_ mission: String, _ loaded: Board, _ path: String, _ factor: Double, _ links: BoardLinks, note: String = "") {
        MissionOutput.write("\(mission): flight software on board '\(loaded.name)' (\(path)), real-time executive at x\(fixed(factor, 2))\(note)\n")
        for (device, link) in links.links { MissionOutput.write("  \(device): \(link.name)\n") }
    }

    /// The `--scenario` file, refused when it is for the other vehicle.
    func loadScenario(for vehicle: Scenario.Vehicle) throws -> Scenario? {
        guard let scenario else { return nil }
        let s = try Scenario.load(contentsOf: scenario)
        guard s.vehicle == vehicle else {
            throw MissionCLIError("\(scenario): scenario \(s.name) is for the \(s.vehicle), not the \(vehicle)")
        }
        return s
    }

    func writeReport(_ data: Data) throws {
        guard let report else { return }
        do {
            let url = URL(fileURLWithPath: report)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        } catch {
            throw MissionCLIError("\(report): cannot write the report: \(error.localizedDescription)")
        }
        MissionOutput.write("  report: \(report)\n")
    }

    static func groundLine(_ address: String, _ g: GroundInterface) -> String {
        let c = g.counts
        return "ground \(address): \(c.commandsUplinked) commands uplinked, \(c.commandsCompleted) completed, \(c.commandsFailed) failed, "
            + "\(c.authRefused) refused by authentication; \(c.downlinkPackets) packets down, \(c.eventsLost) events lost"
    }

    static func place(_ board: Board) -> String {
        board.file.isEmpty ? "board \(board.name)" : "board \(board.name) (\(board.file))"
    }

    /// A mission needs each of its devices on the board.
    static func checkDevices(_ board: Board, needs devices: [String], mission: String) throws(MissionCLIError) {
        let missing = devices.filter { board.device($0) == nil }
        if !missing.isEmpty {
            throw MissionCLIError("\(place(board)) has no \(missing.joined(separator: ", ")): \(mission) needs \(devices.joined(separator: ", "))")
        }
    }

    /// Why the board cannot run in lockstep with the embedded simulator (nil: it can): the
    /// simulator elsewhere, or a device on another transport.
    static func notLockstep(_ board: Board, devices: [String]) -> String? {
        let elsewhere = board.devices.filter { devices.contains($0.name) && $0.transport != .simulated }
        if board.simulator == .embedded && elsewhere.isEmpty { return nil }
        return elsewhere.isEmpty
            ? "runs the simulator \(board.simulator == .process ? "as a separate process" : "nowhere (simulator: none)")"
            : "puts " + elsewhere.prefix(3).map { "\($0.name) on \($0.transport)" }.joined(separator: ", ")
                + (elsewhere.count > 3 ? " and \(elsewhere.count - 3) more" : "")
    }
}

/// Waits for the wall clock to catch up with flight time at `timeScale` (a paced lockstep
/// run): absolute CLOCK_MONOTONIC deadlines from the first call, so no drift accumulates.
struct WallPacer {
    let timeScale: Double
    var origin: (wall: UInt64, flight: Double)?

    mutating func wait(untilFlightTime t: Double) -> Bool {
        let now = SimPacer.monotonic()
        guard let o = origin else {
            origin = (now, t)
            return true
        }
        let due = o.wall + UInt64(max(0, (t - o.flight) / timeScale * 1e9))
        if due > now { SimPacer.sleep(untilMonotonic: due) }
        return true
    }
}

/// A mission that cannot run, with what to do about it.
struct MissionCLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Unbuffered output, so the live line and the report come out in order.
enum MissionOutput {
    static func write(_ s: String) { FileHandle.standardOutput.write(Data(s.utf8)) }
    static func error(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
}

/// The live line: phase, altitude, vertical/horizontal speed, propellant, at most four times a
/// second of wall time (and at each phase change). On a terminal it is rewritten in place
/// (each phase's last line stays); otherwise each is a plain line.
final class LiveLine {
    let tty = isatty(STDOUT_FILENO) != 0
    var lastWall = -1.0
    var lastPhase: DescentPhase?
    var pending: String?
    var begun = false
    let clock = Date()

    func show(_ r: LanderMission.Record) { show(line: Self.format(r), phase: r.phase) }

    func show(line: String, phase: DescentPhase) {
        let now = Date().timeIntervalSince(clock)
        let phaseChanged = phase != lastPhase
        guard phaseChanged || now - lastWall >= 0.25 else {
            pending = line
            return
        }
        if tty {
            MissionOutput.write((phaseChanged && begun ? "\n" : "\r") + line + "\u{1B}[K")
        } else {
            MissionOutput.write(line + "\n")
        }
        begun = true
        pending = nil
        lastWall = now
        lastPhase = phase
    }

    /// Shows the last line not yet shown and ends the line.
    func finish() {
        if let pending { MissionOutput.write((tty ? "\r" : "") + pending + (tty ? "\u{1B}[K" : "") + "\n") }
        else if tty && begun { MissionOutput.write("\n") }
        pending = nil
    }

    static func format(_ r: LanderMission.Record) -> String {
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        return String(format: "t %6.1f s  ", r.time) + pad("\(r.phase)", 16)
            + String(format: "  alt %8.1f m  vz %7.2f m/s  vh %7.2f m/s  propellant %7.1f kg",
                     r.altitude, r.verticalSpeed, r.horizontalSpeed, r.propellantUsed)
    }
}
