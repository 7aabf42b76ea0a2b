public import Configuration
public import FlightHAL

/// Both ends of every device link for a rig and the flight software in one process (the
/// `sim` transport of an embedded board): each byte device on its own ``FlightHAL/SimulatedByteLink``
/// pair (COBS+CRC framing, as on a serial port), every CAN device on one
/// ``FlightHAL/SimulatedFrameBus`` with a node per device on each side (as each driver would
/// open its own socket). Give `simulator` to the rig and `flight` to the flight side, e.g. as
/// `BoardLinks`'s `simulated:` closure:
///
///     let links = InProcessDeviceLinks(bytes: ["imu", "altimeter", "power"], frames: ["engine", "attitude", "legs"])
///     let rig = LanderRig(.descent(seed: 7), links: links.simulator)
///     let flight = try BoardLinks(board: board, side: .flight) { links.flight[$0] }
///
/// Nothing here steps on its own: the links carry bytes and frames the moment they are sent,
/// so a lockstep loop stays deterministic.
public struct InProcessDeviceLinks: Sendable {
    /// The devices' ends, by board device name.
    public let simulator: [String: DeviceLink]
    /// The flight software's ends, by board device name.
    public let flight: [String: DeviceLink]
    /// The CAN bus the frame devices share (its `goBusOff()` is what `can-bus-off` uses).
    public let bus: SimulatedFrameBus

    /// `bytes` and `frames` name the devices on each kind of link; a name in neither has none.
    public init(bytes: [String], frames: [String], byteCapacity: Int = 1 << 14, frameQueueCapacity: Int = 1_024) {
        var simulator: [String: DeviceLink] = [:]
        var flight: [String: DeviceLink] = [:]
        for device in bytes {
            let (d, f) = SimulatedByteLink.pair("\(device) (device)", "\(device) (flight)", capacity: byteCapacity)
            simulator[device] = .bytes(d)
            flight[device] = .bytes(f)
        }
        let bus = SimulatedFrameBus()
        for device in frames {
            simulator[device] = .frames(bus.attach(device, queueCapacity: frameQueueCapacity))
            flight[device] = .frames(bus.attach("fc-\(device)", queueCapacity: frameQueueCapacity))
        }
        self.simulator = simulator
        self.flight = flight
        self.bus = bus
    }

    /// The lander's devices laid out as on `Boards/sim-pty.yaml`: IMU, altimeter and power on
    /// byte links, engine, attitude and legs on the CAN bus.
    public static func lander() -> InProcessDeviceLinks {
        InProcessDeviceLinks(bytes: ["imu", "altimeter", "power"], frames: ["engine", "attitude", "legs"])
    }

    /// The rover's devices as on `Boards/sim-pty.yaml`: rover IMU and power on byte links, the
    /// wheels and the hazard sensor on the CAN bus.
    public static func rover() -> InProcessDeviceLinks {
        InProcessDeviceLinks(bytes: ["rover-imu", "power"], frames: ["wheels", "hazard"])
    }
}
