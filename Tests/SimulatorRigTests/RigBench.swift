import Configuration
import Devices
import FlightCore
import FlightHAL
import Simulator

/// The two transports a rig's devices are tested on.
enum Transport: String, CaseIterable, CustomStringConvertible {
    /// Each device on its own in-process byte pair (COBS+CRC frames).
    case bytes
    /// Every device on one in-process CAN bus.
    case can
    var description: String { rawValue }
}

/// The flight side of a rig: one endpoint per device, as a flight driver would hold.
final class FlightSide {
    let bus: SimulatedFrameBus?
    var endpoints: [String: DeviceEndpoint] = [:]
    let links: [String: DeviceLink]

    init(_ devices: [String], transport: Transport) {
        let l = InProcessDeviceLinks(
            bytes: transport == .bytes ? devices : [], frames: transport == .can ? devices : [], byteCapacity: 1 << 16,
            frameQueueCapacity: 4_096)
        bus = transport == .can ? l.bus : nil
        links = l.simulator
        for (device, link) in l.flight {
            switch link {
            case .bytes(let b): endpoints[device] = DeviceEndpoint(b)
            case .frames(let f): endpoints[device] = DeviceEndpoint(f)
            }
        }
    }

    /// The lander or rover laid out as on Boards/sim-pty.yaml.
    init(_ l: InProcessDeviceLinks) {
        bus = l.bus
        links = l.simulator
        for (device, link) in l.flight {
            switch link {
            case .bytes(let b): endpoints[device] = DeviceEndpoint(b)
            case .frames(let f): endpoints[device] = DeviceEndpoint(f)
            }
        }
    }

    /// Everything that arrived for `device` since the last call (on a shared bus, only the
    /// messages that device sends).
    func drain(_ device: String) -> [DeviceMessage] {
        var out: [DeviceMessage] = []
        while let m = endpoints[device]!.receive() {
            if FlightSide.sender(of: m) == device { out.append(m) }
        }
        return out
    }

    func send(_ device: String, _ m: DeviceMessage) {
        _ = endpoints[device]!.send(m)
    }

    static func sender(of m: DeviceMessage) -> String? {
        switch m {
        case .imuAcceleration, .imuRate: "imu"
        case .altimeterBeam: "altimeter"
        case .engineStatus: "engine"
        case .attitudeStatus: "attitude"
        case .legContact: "legs"
        case .power: "power"
        case .wheelStatus: "wheels"
        case .roverAttitude: "rover-imu"
        case .hazardRange: "hazard"
        case .engineCommand, .attitudeCommand, .wheelCommand: nil
        }
    }
}

enum Fixtures {
    /// A smooth sphere around the Chang'e-3 site: quick to build, enough for device tests.
    static let terrain = Terrain(.flat(), frame: .sphere(.changE3))

    static func lander(seed: UInt64 = 7, transport: Transport) -> (LanderRig, FlightSide) {
        let flight = FlightSide(LanderRig.devices, transport: transport)
        let rig = LanderRig(.descent(seed: seed, terrain: terrain), links: flight.links)
        return (rig, flight)
    }

    static func rover(seed: UInt64 = 7, transport: Transport) -> (RoverRig, FlightSide) {
        let flight = FlightSide(RoverRig.devices, transport: transport)
        let rig = RoverRig(.parked(seed: seed, terrain: terrain), links: flight.links)
        return (rig, flight)
    }
}

extension Array where Element == DeviceMessage {
    var accelerations: [IMUAcceleration] { compactMap { if case .imuAcceleration(let a) = $0 { a } else { nil } } }
    var engineStatuses: [EngineControllerStatus] { compactMap { if case .engineStatus(let s) = $0 { s } else { nil } } }
    var attitudeStatuses: [AttitudeStatus] { compactMap { if case .attitudeStatus(let s) = $0 { s } else { nil } } }
    var beams: [AltimeterBeam] { compactMap { if case .altimeterBeam(let b) = $0 { b } else { nil } } }
    var legs: [LegContactStatus] { compactMap { if case .legContact(let l) = $0 { l } else { nil } } }
    var powers: [PowerStatus] { compactMap { if case .power(let p) = $0 { p } else { nil } } }
    var wheelStatuses: [WheelStatus] { compactMap { if case .wheelStatus(let w) = $0 { w } else { nil } } }
    var roverAttitudes: [RoverAttitude] { compactMap { if case .roverAttitude(let r) = $0 { r } else { nil } } }
    var hazards: [HazardRange] { compactMap { if case .hazardRange(let h) = $0 { h } else { nil } } }
}
