/// A board file: which device sits on which transport, where the simulator runs, and the
/// ground link. One flight build runs on every board; only this file changes (docs/boards.md).
public struct Board: Hashable, Sendable {
    /// Where the device side of each link is.
    public enum SimulatorPlacement: String, Hashable, Sendable, CaseIterable {
        /// In this process, stepped in lockstep with the flight software (deterministic).
        case embedded
        /// A separate `regolith sim` process, paced in real time.
        case process
        /// No simulator: real devices on the bench.
        case none
    }

    /// How the ground reaches the flight software.
    public enum GroundLink: Hashable, Sendable, CustomStringConvertible {
        case none
        /// TCP: the flight software listens on host:port (`{tcp: 127.0.0.1:50000}`).
        case tcpListen(host: String, port: Int)
        /// TCP: the flight software connects to a ground station listening at host:port
        /// (fprime-gds's default arrangement, `{tcp-client: 127.0.0.1:50000}`).
        case tcpConnect(host: String, port: Int)
        case serial(path: String, baud: Int)

        public var description: String {
            switch self {
            case .none: return "none"
            case .tcpListen(let h, let p): return "tcp listen \(h):\(p)"
            case .tcpConnect(let h, let p): return "tcp connect \(h):\(p)"
            case .serial(let path, let b): return "serial \(path) @ \(b)"
            }
        }
    }

    public struct Device: Hashable, Sendable {
        public var name: String
        public var transport: BoardTransport
        /// Line of the device's entry in the board file (for messages that come later).
        public var line: Int
        public var column: Int

        public init(name: String, transport: BoardTransport, line: Int = 0, column: Int = 0) {
            self.name = name
            self.transport = transport
            self.line = line
            self.column = column
        }
    }

    public var name: String
    public var summary: String
    public var simulator: SimulatorPlacement
    /// Devices in file order.
    public var devices: [Device]
    public var ground: GroundLink
    /// The file it came from ("" when built in code).
    public var file: String

    public init(
        name: String, summary: String = "", simulator: SimulatorPlacement, devices: [Device],
        ground: GroundLink = .none, file: String = ""
    ) {
        self.name = name
        self.summary = summary
        self.simulator = simulator
        self.devices = devices
        self.ground = ground
        self.file = file
    }

    public func device(_ name: String) -> Device? { devices.first { $0.name == name } }

    /// CAN transports with the devices on each, in file order: each is one bus, opened once
    /// and shared by its devices.
    public var canBuses: [(transport: BoardTransport, devices: [String])] {
        var buses: [(BoardTransport, [String])] = []
        for d in devices where d.transport.carriesFrames {
            if let i = buses.firstIndex(where: { $0.0 == d.transport }) {
                buses[i].1.append(d.name)
            } else {
                buses.append((d.transport, [d.name]))
            }
        }
        return buses
    }
}
