import ArgumentParser
import Configuration
import FlightCore
import FlightHAL
import Foundation
import Simulator

/// `regolith sim`: the simulator as its own process. Loads a board that says
/// `simulator: process`, opens the devices' links from the devices' side (PTYs linked at the
/// board's paths, the cross-process simulated CAN bus served, SocketCAN interfaces), and runs
/// the lander or rover rig paced in real time until interrupted or `--duration` has passed.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the simulator as its own process, its devices on the links a board file names.",
        discussion: """
            The board must say 'simulator: process'. Serial devices appear as pseudo-terminals linked \
            at the board's paths, CAN devices on the board's SocketCAN interface or on the simulated \
            bus this process serves. Physics runs at its fixed step, paced to the wall clock; a status \
            line is printed each second and a summary at the end (SIGINT or SIGTERM stop it cleanly). \
            The lander starts at powered descent initiation (15 km, 1,692 m/s, 577.2 km up-range of \
            the Chang'e-3 site) with its engine off; the rover is parked at the site.
            """)

    enum Mission: String, ExpressibleByArgument, CaseIterable { case lander, rover }

    @Option(help: "The board file (YAML) naming each device's transport.")
    var board: String

    @Option(help: "Which vehicle to simulate: lander or rover.")
    var mission: Mission = .lander

    @Option(help: "Seed of every sensor's noise (a scenario's own seed replaces it).")
    var seed: UInt64 = 1

    @Option(help: "A fault scenario (YAML) to play against the run.")
    var scenario: String?

    @Option(help: "Simulated seconds to run (default: until interrupted).")
    var duration: Double?

    @Flag(help: "Print no status line each second (the summary still prints).")
    var quiet = false

    @Option(help: ArgumentHelp("Simulated seconds per wall second; the flight process must use the same (regolith mission --time-scale).", valueName: "factor"))
    var timeScale: Double = 1

    @Flag(help: "Hold the world at its start until the flight software is first heard on a device link, so both count time from the same instant.")
    var hold = false

    @Option(help: ArgumentHelp("Stop this many simulated seconds after the lander's touchdown.", valueName: "seconds"))
    var stopAfterTouchdown: Double?

    func validate() throws {
        if let d = duration, !(d > 0 && d <= 86_400) { throw ValidationError("--duration must be in (0, 86400] seconds, not \(d)") }
        guard timeScale >= 0.01 && timeScale <= 100 else { throw ValidationError("--time-scale must be in [0.01, 100], not \(timeScale)") }
        if let s = stopAfterTouchdown {
            guard s >= 0 && s <= 3_600 else { throw ValidationError("--stop-after-touchdown must be in [0, 3600] seconds, not \(s)") }
            guard mission == .lander else { throw ValidationError("--stop-after-touchdown applies to --mission lander") }
        }
    }

    func run() throws {
        let board = try Board.load(contentsOf: self.board)
        guard board.simulator == .process else {
            throw SimError(
                "board '\(board.name)' (\(self.board)) says 'simulator: \(board.simulator.rawValue)'; `regolith sim` serves boards "
                    + "with 'simulator: process' (an embedded simulator runs inside the flight process; 'none' is real hardware)")
        }
        var scenario: Scenario?
        if let path = self.scenario {
            let s = try Scenario.load(contentsOf: path)
            guard s.vehicle.rawValue == mission.rawValue else {
                throw SimError("scenario '\(s.name)' (\(path)) is for the \(s.vehicle.rawValue); this run simulates the \(mission.rawValue) (--mission)")
            }
            scenario = s
        }
        let seed = scenario?.seed ?? self.seed
        let wanted = mission == .lander ? LanderRig.devices : RoverRig.devices
        let names = board.devices.map(\.name).filter { wanted.contains($0) }
        guard !names.isEmpty else {
            throw SimError("board '\(board.name)' has none of the \(mission.rawValue)'s devices (\(wanted.joined(separator: ", ")))")
        }
        let stop = SimStopSignal.install()
        let links: BoardLinks
        do { links = try BoardLinks(board: board, side: .simulator, devices: names) } catch { throw SimError("\(error)") }
        defer { links.close() }
        var byName: [String: DeviceLink] = [:]
        for (device, link) in links.links { byName[device] = link }

        let rig: any PacedRig
        switch mission {
        case .lander:
            let r = LanderRig(.descent(seed: seed), links: byName)
            if let scenario { r.run(scenario) }
            rig = r
        case .rover:
            let r = RoverRig(.parked(seed: seed), links: byName)
            if let scenario { r.run(scenario) }
            rig = r
        }
        out("sim: \(mission.rawValue) on board '\(board.name)', seed \(seed)\(scenario.map { ", scenario '\($0.name)'" } ?? "")")
        for (device, link) in links.links {
            let where_ = board.device(device).map { "\($0.transport)" } ?? ""
            out("sim:   \(device): \(where_) (\(link.name))")
        }
        out("sim: ready\(timeScale != 1 ? " (x\(fixed(timeScale, 2)) real time)" : "")")
        var pacer = SimPacer(dt: rig.dt, duration: duration)
        pacer.timeScale = timeScale
        pacer.hold = hold
        pacer.afterEnd = stopAfterTouchdown
        let result = pacer.run(rig, stop: stop) { line in
            if !quiet { out(line) }
        }
        for line in rig.summary(wallSeconds: result.wallSeconds, reason: result.reason) { out(line) }
    }
}

/// Prints a line straight to the descriptor, so a parent reading a pipe sees it at once.
func out(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Why `regolith sim` refused to run.
struct SimError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
