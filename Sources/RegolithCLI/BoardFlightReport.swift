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

    func json() throws -> Data {
        let o = outcome
        var j: [String: Any] = [
            "board": board, "timeScale": timeScale, "finalPhase": "\(o.finalPhase)", "interrupted": o.interrupted,
            "sequenceCompleted": o.sequenceCompleted, "flightSeconds": o.flightSeconds, "wallSeconds": o.wallSeconds,
            "ticks": o.ticks, "cycleSlips": o.cycleSlips, "ticksMissed": o.ticksMissed, "latenessP99Microseconds": o.latenessP99,
            "devices": o.devices.map { ["name": $0.name, "health": $0.health, "received": $0.received, "rejected": $0.rejected] },
            "commands": o.commands.map { ["name": $0.name, "response": "\($0.response)"] },
            "busLosses": o.busLosses.map { ["topic": $0.topic, "subscriber": $0.subscriber, "lost": $0.lost] },
        ]
        if let t = o.ignitionTime { j["ignitionTime"] = t }
        if let l = o.landed {
            j["landed"] = ["time": l.time, "navVerticalSpeed": l.verticalSpeed, "navHorizontalSpeed": l.horizontalSpeed]
        }
        return try JSONSerialization.data(withJSONObject: j, options: [.prettyPrinted, .sortedKeys])
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
