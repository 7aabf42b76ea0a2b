import Devices
import FlightCore
import Simulator

/// An emulator with its fixed measurements and its counters line.
struct PeerDevice {
    let emulator: any DeviceEmulator
    /// Updates the measurement before a step (`dt` seconds since the last).
    let feed: (Double) -> Void
    let commandCounts: () -> String

    func feed(dt: Double) { feed(dt) }

    func countsLine() -> String {
        let p = publication
        let c = emulator.endpoint.counts
        var s = "counts published=\(p.published) sendFailures=\(p.sendFailures) received=\(c.received) ignored=\(c.ignored)"
        s += " rejected=\(c.rejected) \(c.rejections)"
        let extra = commandCounts()
        return extra.isEmpty ? s : s + " " + extra
    }

    var publication: PublicationState {
        switch emulator {
        case let e as LanderIMUEmulator: e.publication
        case let e as AltimeterEmulator: e.publication
        case let e as LegContactEmulator: e.publication
        case let e as PowerUnitEmulator: e.publication
        case let e as RoverIMUEmulator: e.publication
        case let e as HazardRangeEmulator: e.publication
        case let e as EngineControllerEmulator: e.publication
        case let e as WheelMotorEmulator: e.publication
        default: fatalError("unknown emulator")
        }
    }
}

func makeDevice(_ name: String, _ link: DeviceEndpoint.Link) -> PeerDevice? {
    switch name {
    case "imu":
        let e = LanderIMUEmulator(link: link)
        e.measurement = .init(specificForce: (0.25, -0.5, 1.625), angularRate: (0.01, -0.02, 0.0035))
        return PeerDevice(emulator: e, feed: { _ in }, commandCounts: { "" })
    case "altimeter":
        let e = AltimeterEmulator(link: link)
        e.measurement.beams = (0..<4).map { i in
            .init(range: 1000 + 100 * Double(i), rangeRate: -(10 + Double(i)), rangeValid: i < 3, rateValid: i < 3)
        }
        return PeerDevice(emulator: e, feed: { _ in }, commandCounts: { "" })
    case "legs":
        let e = LegContactEmulator(link: link)
        e.measurement = .init(contact: [.leg2, .leg4])
        return PeerDevice(emulator: e, feed: { _ in }, commandCounts: { "" })
    case "power":
        let e = PowerUnitEmulator(link: link)
        e.measurement = .init(busVoltage: 28, busCurrent: 3.5, stateOfCharge: 87.5)
        return PeerDevice(emulator: e, feed: { _ in }, commandCounts: { "" })
    case "rover-imu":
        let e = RoverIMUEmulator(link: link)
        e.measurement = .init(roll: 0.125, pitch: -0.25, headingRate: 0.01)
        return PeerDevice(emulator: e, feed: { _ in }, commandCounts: { "" })
    case "hazard":
        let e = HazardRangeEmulator(link: link)
        e.measurement = .init(left: 2.5, center: nil, right: 1.75)
        return PeerDevice(emulator: e, feed: { _ in }, commandCounts: { "" })
    case "engine":
        let e = EngineControllerEmulator(link: link)
        return PeerDevice(
            emulator: e,
            feed: { _ in
                let thrust = e.state.isFiring ? e.state.throttle * 75 : 0
                e.measurement = .init(thrust: thrust, chamberPressure: thrust / 7500)
            },
            commandCounts: {
                "accepted=\(e.acceptedCommands) "
                    + EngineControllerEmulator.Rejection.allCases.map { "\($0)=\(e.rejectedCommands($0))" }.joined(separator: " ")
            })
    case let w where w.hasPrefix("wheel") && w.count == 6:
        guard let n = Int(w.dropFirst(5)), (0..<6).contains(n) else { return nil }
        let e = WheelMotorEmulator(wheel: n, link: link)
        var ticks = 0.0
        return PeerDevice(
            emulator: e,
            feed: { dt in
                let speed = e.commandedSpeed
                ticks += speed * 1000 * dt
                e.measurement = .init(speed: speed, encoderTicks: Int64(ticks.rounded()), current: 0.5 + abs(speed))
            },
            commandCounts: {
                "accepted=\(e.acceptedCommands) timeouts=\(e.timeouts) "
                    + WheelMotorEmulator.Rejection.allCases.map { "\($0)=\(e.rejectedCommands($0))" }.joined(separator: " ")
            })
    default:
        return nil
    }
}
