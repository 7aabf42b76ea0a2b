import ArgumentParser
import Configuration
import Foundation
import MissionHarness
import Missions
import Simulator

/// `regolith mission`: a whole mission, flight software and simulator in one lockstep loop
/// through the board's device links, with a live line, a final report (text, and JSON with
/// --report) and plots.
struct MissionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mission",
        abstract: "Run the lander descent or the rover drive, flight software and simulator in lockstep, and report on it.",
        discussion: """
            The board file is loaded and checked; today the lockstep run supports boards whose devices are \
            all `sim` (Boards/sim.yaml). While the mission runs a live line shows the phase, altitude, \
            vertical and horizontal speed and propellant used (rewritten in place on a terminal). The final \
            report checks the touchdown against ACCEPTANCE.md's envelope (vertical <= 3.05 m/s, horizontal \
            <= 1.22 m/s, tilt <= 6 deg, angular rate < 2 deg/s, slope <= 12 deg) and the nominal descent's \
            figures (PDI to touchdown 700-800 s, delta-v 1.9-2.3 km/s). Exits 0 when the landing is inside \
            the envelope, 1 when it is not (or there was no touchdown), 2 when the mission could not run \
            (a board or scenario refused). The rover drive flies Sequences/rover-drive.rseq (50 m around \
            two keep-out zones) and exits 0 when it reaches the goal without entering a zone or exceeding \
            200 m/h.
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

    @Option(help: ArgumentHelp("Also write the final report as JSON to this file (keys in docs/cli.md).", valueName: "file.json"))
    var report: String?

    @Option(help: ArgumentHelp("Write plots into this directory (SVG; PNG too when rsvg-convert or ImageMagick is installed).", valueName: "dir"))
    var plots: String?

    @Flag(help: "No live line: only the final report.")
    var quiet = false

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
        try Self.checkLockstep(loaded, needs: RoverFlightSoftware.devices, mission: mission.rawValue)
        var options = RoverMission.Options()
        options.seed = seed
        if let scenario {
            let s = try Scenario.load(contentsOf: scenario)
            guard s.vehicle == .rover else {
                throw MissionCLIError("\(scenario): scenario \(s.name) is for the \(s.vehicle), not the rover")
            }
            options.scenario = s
        }
        let m = try RoverMission(options: options)
        let start = Date()
        if !quiet { MissionOutput.write("rover drive: Sequences/rover-drive.rseq, 50 m around two keep-out zones at 0.05 m/s (about 19 simulated minutes)\n") }
        m.run()
        let result = RoverReport(m, board: "\(loaded.name) (\(board))", wallSeconds: Date().timeIntervalSince(start))
        MissionOutput.write(result.text)
        if let report {
            do {
                let url = URL(fileURLWithPath: report)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try result.json().write(to: url)
            } catch {
                throw MissionCLIError("\(report): cannot write the report: \(error.localizedDescription)")
            }
            MissionOutput.write("  report: \(report)\n")
        }
        if let plots {
            do {
                try FileManager.default.createDirectory(atPath: plots, withIntermediateDirectories: true)
                let path = (plots as NSString).appendingPathComponent("path.svg")
                try RoverReport.pathSVG(m, keepOut: RoverMission.routeKeepOut, goal: RoverMission.routeGoal)
                    .write(toFile: path, atomically: true, encoding: .utf8)
                MissionOutput.write("  plot: \(path)\n")
            } catch {
                throw MissionCLIError("\(plots): cannot write the path plot: \(error.localizedDescription)")
            }
        }
        if !result.completed { throw ExitCode(1) }
    }

    func landerDescent() throws {
        let loaded = try Board.load(contentsOf: board)
        try Self.checkLockstep(loaded, needs: LanderFlightSoftware.devices, mission: mission.rawValue)
        var options = LanderMission.Options()
        options.vehicle = vehicle.lander
        options.seed = seed
        if let scenario {
            let s = try Scenario.load(contentsOf: scenario)
            guard s.vehicle == .lander else {
                throw MissionCLIError("\(scenario): scenario \(s.name) is for the \(s.vehicle), not the lander")
            }
            options.scenario = s
        }
        let m = try LanderMission(options: options)
        let live = quiet ? nil : LiveLine()
        let start = Date()
        m.run { record in live?.show(record) }
        let wall = Date().timeIntervalSince(start)
        live?.finish()

        let result = LanderReport(m, board: "\(loaded.name) (\(board))", wallSeconds: wall)
        MissionOutput.write(result.text)
        if let report {
            do {
                let url = URL(fileURLWithPath: report)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try result.json().write(to: url)
            } catch {
                throw MissionCLIError("\(report): cannot write the report: \(error.localizedDescription)")
            }
            MissionOutput.write("  report: \(report)\n")
        }
        if let plots {
            for line in try MissionPlots.writeLander(m, into: plots) { MissionOutput.write("  plot: \(line)\n") }
        }
        if !result.insideEnvelope { throw ExitCode(1) }
    }

    /// The lockstep run joins flight software and simulator in this process on the in-process
    /// simulated links: a board that places a device elsewhere needs the separate-process run.
    static func checkLockstep(_ board: Board, needs devices: [String], mission: String) throws(MissionCLIError) {
        let place = board.file.isEmpty ? "board \(board.name)" : "board \(board.name) (\(board.file))"
        let missing = devices.filter { board.device($0) == nil }
        if !missing.isEmpty {
            throw MissionCLIError("\(place) has no \(missing.joined(separator: ", ")): \(mission) needs \(devices.joined(separator: ", "))")
        }
        let elsewhere = board.devices.filter { $0.transport != .simulated }
        if board.simulator != .embedded || !elsewhere.isEmpty {
            let what = elsewhere.isEmpty
                ? "runs the simulator \(board.simulator == .process ? "as a separate process" : "nowhere (simulator: none)")"
                : "puts " + elsewhere.prefix(3).map { "\($0.name) on \($0.transport)" }.joined(separator: ", ")
                    + (elsewhere.count > 3 ? " and \(elsewhere.count - 3) more" : "")
            throw MissionCLIError("""
                \(place) \(what): `regolith mission` runs the flight software and the simulator in one \
                process, in lockstep, on the in-process simulated links, so it supports only boards with \
                `simulator: embedded` and every device `sim` (Boards/sim.yaml). Boards with the simulator \
                in a separate process (Boards/sim-pty.yaml), CAN on vcan (Boards/sim-vcan.yaml) or bench \
                hardware (Boards/bench.yaml) are not supported by this command yet.
                """)
        }
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

    func show(_ r: LanderMission.Record) {
        let now = Date().timeIntervalSince(clock)
        let phaseChanged = r.phase != lastPhase
        let line = Self.format(r)
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
        lastPhase = r.phase
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
