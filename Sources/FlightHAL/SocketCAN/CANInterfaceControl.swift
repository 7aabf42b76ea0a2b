internal import CSocketCAN
#if canImport(Glibc)
    import Glibc
#endif

/// Controls a real CAN controller's interface through libsocketcan: bitrate, start, stop,
/// restart, state, error counters, restart-ms, listen-only.
///
/// **Safety rule.** libsocketcan speaks rtnetlink to whatever interface it is named, so a
/// typo could reconfigure the wrong interface. ``init(interface:)`` therefore checks first,
/// without changing anything, that the interface exists, that its link type is ARPHRD_CAN
/// (SIOCGIFHWADDR) and that its rtnetlink kind is `can` (a controller driven by the kernel's
/// CAN device layer: a real controller or `slcan`). A non-CAN interface such as `lo` or
/// `eth0` is refused with `.notACANInterface` before any libsocketcan call; a virtual CAN
/// interface (`vcan`, `vxcan`), which has no controller, bitrate or error counters, is refused
/// with `.unsupported`.
public struct CANInterfaceControl: Sendable {
    public let interface: String
    /// The rtnetlink link kind that was checked ("can").
    public let kind: String

    /// The controller state (`enum can_state`).
    public enum State: Int32, Sendable, CustomStringConvertible {
        case errorActive = 0, errorWarning, errorPassive, busOff, stopped, sleeping
        public var description: String {
            switch self {
            case .errorActive: "ERROR-ACTIVE"
            case .errorWarning: "ERROR-WARNING"
            case .errorPassive: "ERROR-PASSIVE"
            case .busOff: "BUS-OFF"
            case .stopped: "STOPPED"
            case .sleeping: "SLEEPING"
            }
        }
    }

    /// Checks the interface (see the safety rule); throws without touching it when it is not
    /// a CAN controller.
    public init(interface: String) throws(LinkError) {
        self.interface = interface
        kind = try Self.check(interface)
    }

    /// The check alone: the interface's rtnetlink kind when it is a CAN controller.
    public static func check(_ interface: String) throws(LinkError) -> String {
        guard !interface.isEmpty, interface.utf8.count < 16 else {
            throw LinkError(.invalidConfiguration, device: interface, detail: "interface names are 1...15 characters")
        }
        let index: Int32
        switch SocketCANSocket.interfaceIndex(interface) {
        case .success(let i): index = i
        case .failure(let e): throw LinkError(.notFound, device: interface, errno: e.code, detail: "no such network interface")
        }
        // Any datagram socket can ask SIOCGIFHWADDR; AF_INET works on kernels without AF_CAN.
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LinkError(.ioError, device: interface, errno: Glibc.errno, detail: "socket") }
        defer { Syscall.close(fd) }
        switch SocketCANSocket(fd: fd).hardwareType(of: interface) {
        case .success(let t) where t == SocketCANSocket.arphrdCAN: break
        case .success(let t):
            throw LinkError(
                .notACANInterface, device: interface,
                detail: "link type \(t) is not ARPHRD_CAN (280); interface control refused, nothing was changed")
        case .failure(let e): throw LinkError(.ioError, device: interface, errno: e.code, detail: "SIOCGIFHWADDR")
        }
        let kind: String
        switch SocketCANSocket.linkKind(ifindex: index) {
        case .success(let k): kind = k
        case .failure(let e):
            throw LinkError(.unsupported, device: interface, errno: e.code, detail: "no rtnetlink link kind: not a CAN controller")
        }
        guard kind == "can" else {
            throw LinkError(
                .unsupported, device: interface,
                detail: "a virtual CAN interface (kind \(kind)) has no controller: no bitrate, state or error counters")
        }
        return kind
    }

    private func run<T>(_ what: String, _ r: Result<T, Syscall.Errno>) throws(LinkError) -> T {
        switch r {
        case .success(let v): return v
        case .failure(let e):
            let kind: LinkError.Kind = e.code == EPERM || e.code == EACCES ? .permissionDenied : e.code == EBUSY ? .busy : .ioError
            throw LinkError(kind, device: interface, errno: e.code, detail: what)
        }
    }

    /// Sets the nominal bitrate (the interface must be stopped).
    public func setBitrate(_ bitsPerSecond: UInt32) throws(LinkError) {
        try run("can_set_bitrate \(bitsPerSecond)", LibSocketCAN.setBitrate(interface, bitsPerSecond))
    }
    public func bitrate() throws(LinkError) -> UInt32 { try run("can_get_bittiming", LibSocketCAN.bitrate(interface)) }
    public func start() throws(LinkError) { try run("can_do_start", LibSocketCAN.start(interface)) }
    public func stop() throws(LinkError) { try run("can_do_stop", LibSocketCAN.stop(interface)) }
    /// Restarts a bus-off controller by hand (when restart-ms is 0).
    public func restart() throws(LinkError) { try run("can_do_restart", LibSocketCAN.restart(interface)) }

    public func state() throws(LinkError) -> State {
        let raw = try run("can_get_state", LibSocketCAN.state(interface))
        guard let s = State(rawValue: raw) else {
            throw LinkError(.protocolError, device: interface, detail: "unknown controller state \(raw)")
        }
        return s
    }

    public func errorCounters() throws(LinkError) -> (tx: UInt16, rx: UInt16) {
        try run("can_get_berr_counter", LibSocketCAN.errorCounters(interface))
    }

    /// Automatic restart after bus-off, in milliseconds (0: only by ``restart()``).
    public func setRestartMilliseconds(_ ms: UInt32) throws(LinkError) {
        try run("can_set_restart_ms \(ms)", LibSocketCAN.setRestartMilliseconds(interface, ms))
    }
    public func restartMilliseconds() throws(LinkError) -> UInt32 {
        try run("can_get_restart_ms", LibSocketCAN.restartMilliseconds(interface))
    }

    static let listenOnlyFlag = UInt32(CAN_CTRLMODE_LISTENONLY)

    public func isListenOnly() throws(LinkError) -> Bool {
        try run("can_get_ctrlmode", LibSocketCAN.controlMode(interface)) & Self.listenOnlyFlag != 0
    }
    /// Listen-only (no ACKs, no error frames sent); the interface must be stopped.
    public func setListenOnly(_ on: Bool) throws(LinkError) {
        try run(
            "can_set_ctrlmode listen-only", LibSocketCAN.setControlMode(interface, mask: Self.listenOnlyFlag, flags: on ? Self.listenOnlyFlag : 0))
    }
}
