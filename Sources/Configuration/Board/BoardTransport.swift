/// Where one device is reached, as a board file says it (docs/boards.md).
public enum BoardTransport: Hashable, Sendable, CustomStringConvertible {
    /// In-process simulated link, stepped in lockstep with the flight software (`sim`).
    case simulated
    /// A real serial port, opened with libserialport (`{serial: /dev/ttyUSB0, baud: 921600}`).
    case serial(path: String, baud: Int)
    /// A pseudo-terminal the simulator process creates and links at `path`; the flight side
    /// opens `path` like a serial port (`{pty: /tmp/regolith/imu, baud: 921600}`).
    case pty(path: String, baud: Int)
    /// A byte stream over a Unix domain socket (`{unix: /tmp/regolith/imu.sock}`): the
    /// simulator listens, the flight side connects.
    case unixSocket(path: String)
    /// A SocketCAN interface (`{can: can0}`; `vcan0` in the test VM).
    case socketCAN(interface: String)
    /// A Lawicel SLCAN adapter on a serial port (`{slcan: /dev/ttyACM0, bitrate: 500000}`).
    case slcan(path: String, bitrate: Int)
    /// The cross-process simulated CAN bus (`{simbus: /tmp/regolith/can.sock}`): the
    /// simulator serves it, every flight-side device connects to it.
    case simulatedBus(path: String)

    /// The link carries CAN frames (a FrameLink) rather than a byte stream (a ByteLink).
    public var carriesFrames: Bool {
        switch self {
        case .socketCAN, .slcan, .simulatedBus: return true
        case .simulated, .serial, .pty, .unixSocket: return false
        }
    }

    /// The key this transport is written with in a board file.
    public var kind: String {
        switch self {
        case .simulated: return "sim"
        case .serial: return "serial"
        case .pty: return "pty"
        case .unixSocket: return "unix"
        case .socketCAN: return "can"
        case .slcan: return "slcan"
        case .simulatedBus: return "simbus"
        }
    }

    public var description: String {
        switch self {
        case .simulated: return "sim"
        case .serial(let p, let b): return "serial \(p) @ \(b)"
        case .pty(let p, let b): return "pty \(p) @ \(b)"
        case .unixSocket(let p): return "unix \(p)"
        case .socketCAN(let i): return "can \(i)"
        case .slcan(let p, let r): return "slcan \(p) @ \(r) bit/s"
        case .simulatedBus(let p): return "simbus \(p)"
        }
    }

    /// Baud rates a board may name: those termios and libserialport set on Linux.
    public static let baudRates = [
        1_200, 2_400, 4_800, 9_600, 19_200, 38_400, 57_600, 115_200, 230_400, 460_800, 500_000,
        576_000, 921_600, 1_000_000, 1_152_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000,
        3_500_000, 4_000_000,
    ]

    /// CAN bit rates an SLCAN adapter can be set to (S0...S8).
    public static let slcanBitrates = [10_000, 20_000, 50_000, 100_000, 125_000, 250_000, 500_000, 800_000, 1_000_000]
}
