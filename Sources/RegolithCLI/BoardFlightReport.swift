import Foundation
import MissionHarness
import Missions

/// The report of a lander descent flown on a board's own links (the flight software's view;
/// the simulator process reports the truth).
struct BoardFlightReport {
    let outcome: LanderBoardFlight.Outcome
    let board: String
    let timeScale: Double

    var text: String {
        let o = outcome
        var lines = ["lander descent on board \(board): flight software under the real-time executive at x\(fixed(timeScale, 2))"]
        lines.append("  final phase: \(o.finalPhase)\(o.interrupted ? " (interrupted)" : "")")
        lines.append("  ignition: " + (o.ignitionTime.map { "\(fixed($0, 2)) s" } ?? "none"))
        if let l = o.landed {
            lines.append("  LANDED declared at \(fixed(l.time, 2)) s (\(o.ignitionTime.map { fixed(l.time - $0, 1) + " s after ignition" } ?? "")); "
                + "navigation then: vertical \(fixed(l.verticalSpeed, 2)) m/s, horizontal \(fixed(l.horizontalSpeed, 2)) m/s")
        } else {
            lines.append("  LANDED never declared")
        }
        lines.append("  descent sequence: \(o.sequenceCompleted ? "completed" : "not completed")")
        let wallRatio = o.wallSeconds > 0 ? o.flightSeconds / o.wallSeconds : 0
        lines.append("  executive: \(o.ticks) ticks, \(fixed(o.flightSeconds, 1)) s flight in \(fixed(o.wallSeconds, 1)) s wall (x\(fixed(wallRatio, 2))), "
            + "\(o.cycleSlips) cycle slips, \(o.ticksMissed) ticks missed, wake-up lateness p99 \(fixed(o.latenessP99, 0)) us")
        for d in o.devices { lines.append("  device \(d.name): \(d.health), \(d.received) messages taken, \(d.rejected) refused") }
        lines.append("  software bus: " + (o.busLosses.isEmpty ? "no message lost"
            : o.busLosses.map { "\($0.topic) -> \($0.subscriber) lost \($0.lost)" }.joined(separator: ", ")))
        for c in o.commands { lines.append("  command \(c.name): \(c.response)") }
        lines.append(o.finalPhase == .landed
            ? "  the flight software landed; the touchdown's truth is in the simulator's report"
            : "  the flight software did not land")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON report, keyed as the lockstep run's (`LanderReport`): snake_case, sorted,
    /// every key always present (null when there is nothing), `report_version` 1.
    func json() throws -> Data {
        let o = outcome
        let landed: Any = o.landed.map {
            ["time": $0.time, "nav_vertical_speed": $0.verticalSpeed, "nav_horizontal_speed": $0.horizontalSpeed] as [String: Any]
        } ?? NSNull()
        let j: [String: Any] = [
            "report_version": 1, "mission": "lander-descent", "board": board, "time_scale": timeScale,
            "final_phase": "\(o.finalPhase)", "interrupted": o.interrupted, "sequence_completed": o.sequenceCompleted,
            "ignition_time": o.ignitionTime.map { $0 as Any } ?? NSNull(), "landed": landed,
            "flight_seconds": o.flightSeconds, "wall_seconds": o.wallSeconds, "ticks": o.ticks, "cycle_slips": o.cycleSlips,
            "ticks_missed": o.ticksMissed, "lateness_p99_us": o.latenessP99,
            "devices": o.devices.map { ["name": $0.name, "health": $0.health, "received": $0.received, "rejected": $0.rejected] },
            "commands": o.commands.map { ["name": $0.name, "response": "\($0.response)"] },
            "bus_losses": o.busLosses.map { ["topic": $0.topic, "subscriber": $0.subscriber, "lost": $0.lost] },
        ]
        return try JSONSerialization.data(withJSONObject: j, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}

extension LiveLine {
    /// The live line of a flight on a board's links: navigation's view (no truth here).
    func show(navigation r: LanderBoardFlight.Record) {
        show(line: Self.formatNavigation(r), phase: r.phase)
    }

    static func formatNavigation(_ r: LanderBoardFlight.Record) -> String {
        String(format: "t %6.1f s  ", r.time) + "\(r.phase)".padding(toLength: 16, withPad: " ", startingAt: 0)
            + String(format: "  nav alt %8.1f m  vz %7.2f m/s  vh %7.2f m/s  altimeter %@",
                     r.altitude, r.verticalSpeed, r.horizontalSpeed, r.altimeterUsed ? "used" : "not used")
    }
}

/// The report of a rover drive flown on a board's own links (the flight software's view; the
/// simulator process reports where the rover really went).
struct RoverBoardFlightReport {
    let outcome: RoverBoardFlight.Outcome
    let board: String
    let timeScale: Double

    /// The drive completed the route (the sequence ran to its end, the drive's last command
    /// completed, no stop), as the flight software saw it.
    var completed: Bool { outcome.sequenceCompleted && outcome.completed > 0 && outcome.stops.isEmpty && !outcome.interrupted }

    var text: String {
        let o = outcome
        var lines = ["rover drive on board \(board): flight software under the real-time executive at x\(fixed(timeScale, 2))"]
        lines.append("  final state: \(o.finalState)\(o.interrupted ? " (interrupted)" : ""), \(o.completed) drive commands completed")
        lines.append("  position estimate: (\(fixed(o.east, 2)), \(fixed(o.north, 2))) m, \(fixed(o.distanceToGoal, 2)) m from the goal")
        lines.append("  stops: " + (o.stops.isEmpty ? "none" : o.stops.map { "\($0.reason) at \(fixed($0.time, 1)) s\($0.wheel >= 0 ? " (wheel \($0.wheel))" : "")" }.joined(separator: ", ")))
        lines.append("  drive sequence: \(o.sequenceCompleted ? "completed" : "not completed")")
        let wallRatio = o.wallSeconds > 0 ? o.flightSeconds / o.wallSeconds : 0
        lines.append("  executive: \(o.ticks) ticks, \(fixed(o.flightSeconds, 1)) s flight in \(fixed(o.wallSeconds, 1)) s wall (x\(fixed(wallRatio, 2))), "
            + "\(o.cycleSlips) cycle slips, \(o.ticksMissed) ticks missed, wake-up lateness p99 \(fixed(o.latenessP99, 0)) us")
        for d in o.devices { lines.append("  device \(d.name): \(d.health), \(d.received) messages taken, \(d.rejected) refused") }
        let commands = Dictionary(grouping: o.commands, by: { "\($0.name): \($0.response)" }).map { "\($0.key) x\($0.value.count)" }.sorted()
        lines.append("  commands: " + commands.joined(separator: ", "))
        lines.append(completed
            ? "  the flight software completed the route; where the rover really is, is in the simulator's report"
            : "  the flight software did not complete the route")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON report: snake_case, sorted, every key present, `report_version` 1.
    func json() throws -> Data {
        let o = outcome
        let j: [String: Any] = [
            "report_version": 1, "mission": "rover-drive", "board": board, "time_scale": timeScale,
            "final_state": "\(o.finalState)", "interrupted": o.interrupted, "sequence_completed": o.sequenceCompleted,
            "completed": completed, "drive_commands_completed": o.completed,
            "stops": o.stops.map { ["time": $0.time, "reason": "\($0.reason)", "wheel": $0.wheel] as [String: Any] },
            "position_estimate": ["east": o.east, "north": o.north], "distance_to_goal_estimate": o.distanceToGoal,
            "flight_seconds": o.flightSeconds, "wall_seconds": o.wallSeconds, "ticks": o.ticks, "cycle_slips": o.cycleSlips,
            "ticks_missed": o.ticksMissed, "lateness_p99_us": o.latenessP99,
            "devices": o.devices.map { ["name": $0.name, "health": $0.health, "received": $0.received, "rejected": $0.rejected] },
            "commands": o.commands.map { ["name": $0.name, "response": "\($0.response)"] },
        ]
        return try JSONSerialization.data(withJSONObject: j, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}
