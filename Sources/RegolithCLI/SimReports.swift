import Devices
import Simulator

/// Status lines and summaries of `regolith sim`.
extension LanderRig: PacedRig {
    var endedAt: Double? { world.touchdown?.time }

    func statusLine(realTimeRatio: Double) -> String {
        let t = truth
        let e = engine.state
        let valve = e.valve == .open ? "open" : e.valve == .purge ? "purge" : "closed"
        return "sim \(fixed(t.time, 1)) s  altitude \(fixed(t.altitude, 0)) m  vertical \(fixed(t.verticalSpeed, 1)) m/s  "
            + "horizontal \(fixed(t.horizontalSpeed, 1)) m/s  thrust \(fixed(t.thrust, 0)) N  propellant used \(fixed(t.propellantUsed, 1)) kg  "
            + "engine \(valve)\(e.armed ? " armed" : "")  attitude \(attitude.target == nil ? "hold" : "target")  x\(fixed(realTimeRatio, 2))"
    }

    func summaryLines() -> [String] {
        let t = truth
        var lines = [
            "sim: truth: altitude \(fixed(t.altitude, 1)) m, vertical \(fixed(t.verticalSpeed, 2)) m/s, horizontal \(fixed(t.horizontalSpeed, 2)) m/s, "
                + "propellant used \(fixed(t.propellantUsed, 1)) kg, \(fixed(t.distanceToSite, 0)) m from the site"
        ]
        if let d = t.touchdown {
            lines.append(
                "sim: touchdown at \(fixed(d.time, 2)) s: vertical \(fixed(d.verticalSpeed, 2)) m/s, horizontal \(fixed(d.horizontalSpeed, 2)) m/s, "
                    + "tilt \(fixed(d.tiltDegrees, 1)) deg, slope \(fixed(d.slopeDegrees, 1)) deg")
        } else {
            lines.append("sim: no touchdown")
        }
        lines.append(
            "sim: engine: \(engine.acceptedCommands) commands accepted, \(engine.rejectedCommands) refused ("
                + EngineControllerEmulator.Rejection.allCases.map { "\($0) \(engine.rejectedCommands($0))" }.joined(separator: ", ") + ")")
        lines.append(
            "sim: attitude: \(attitude.acceptedCommands) commands accepted, \(attitude.rejectedCommands) refused ("
                + AttitudeControlEmulator.Rejection.allCases.map { "\($0) \(attitude.rejectedCommands($0))" }.joined(separator: ", ") + ")")
        let emulators: [(String, any DeviceEmulator, PublicationState)] = [
            ("imu", imu, imu.publication), ("altimeter", altimeter, altimeter.publication), ("engine", engine, engine.publication),
            ("attitude", attitude, attitude.publication), ("legs", legs, legs.publication), ("power", power, power.publication),
        ]
        lines += emulators.map { deviceLine($0.0, $0.1, $0.2) }
        if !unconnectedDevices.isEmpty { lines.append("sim: not on the board (unconnected): \(unconnectedDevices.joined(separator: ", "))") }
        return lines
    }
}

extension RoverRig: PacedRig {
    var endedAt: Double? { nil }

    func statusLine(realTimeRatio: Double) -> String {
        let t = truth
        let s = t.state
        let left = (0..<3).map { wheels[$0].commandedSpeed }.reduce(0, +) / 3
        let right = (3..<6).map { wheels[$0].commandedSpeed }.reduce(0, +) / 3
        return "sim \(fixed(t.time, 1)) s  distance \(fixed(t.distance, 2)) m  at (\(fixed(s.x, 2)), \(fixed(s.y, 2))) m  "
            + "heading \(fixed(s.heading * 180 / .pi, 1)) deg  slip \(fixed(s.slip, 2))  wheels L \(fixed(left, 2)) R \(fixed(right, 2)) rad/s  "
            + "x\(fixed(realTimeRatio, 2))"
    }

    func summaryLines() -> [String] {
        let t = truth
        var lines = [
            "sim: truth: distance \(fixed(t.distance, 2)) m, \(fixed(t.displacement, 2)) m from the start, "
                + "at (\(fixed(t.state.x, 2)), \(fixed(t.state.y, 2))) m, heading \(fixed(t.state.heading * 180 / .pi, 1)) deg, "
                + "state of charge \(fixed(t.stateOfCharge * 100, 1)) %"
        ]
        let accepted = wheels.map(\.acceptedCommands).reduce(0, +)
        let refused = wheels.map(\.rejectedCommands).reduce(0, +)
        lines.append("sim: wheels: \(accepted) commands accepted, \(refused) refused, \(wheels.map(\.timeouts).reduce(0, +)) timeouts")
        let c = wheelCommands.counts
        lines.append("sim: wheels link: from the flight side \(c.received) taken, \(c.ignored) ignored, \(c.rejected) rejected")
        for w in wheels { lines.append(deviceLine("wheel \(w.wheel)", w, w.publication)) }
        lines.append(deviceLine("rover-imu", imu, imu.publication))
        lines.append(deviceLine("hazard", hazard, hazard.publication))
        lines.append(deviceLine("power", power, power.publication))
        if !unconnectedDevices.isEmpty { lines.append("sim: not on the board (unconnected): \(unconnectedDevices.joined(separator: ", "))") }
        return lines
    }
}

/// One emulator's traffic: what it published and what it threw away from the flight side.
func deviceLine(_ name: String, _ e: any DeviceEmulator, _ p: PublicationState) -> String {
    let c = e.endpoint.counts
    return "sim: \(name): \(p.published) published, \(p.sendFailures) not sent, \(p.muted) muted; "
        + "from the flight side \(c.received) taken, \(c.ignored) ignored, \(c.rejected) rejected"
}
