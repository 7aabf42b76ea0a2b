public import FlightHAL
import Foundation

/// A device's link: a byte stream or a CAN bus (one branch of it, when devices share a bus).
public enum DeviceLink: Sendable {
    case bytes(any ByteLink)
    case frames(any FrameLink)

    public var name: String {
        switch self {
        case .bytes(let l): return l.name
        case .frames(let l): return l.name
        }
    }
}

/// The links of every device on a board, opened for one side: the flight software's, or the
/// simulator's (the devices' end). CAN devices on the same transport share one opened link
/// (a ``SharedFrameLink``); each byte device has its own.
///
/// | board says | flight side opens | simulator side opens |
/// |---|---|---|
/// | `sim` | the in-process link given by the caller | the in-process link given by the caller |
/// | `serial` | the port (libserialport) | — (real hardware answers) |
/// | `pty` | the path, as a serial port (termios) | a new PTY, its slave linked at the path |
/// | `unix` | connects to the socket | listens on the socket |
/// | `can` | the SocketCAN interface | the same interface |
/// | `slcan` | the adapter over its serial port | — (real hardware answers) |
/// | `simbus` | connects to the bus | serves the bus and connects to it |
public final class BoardLinks: Sendable {
    public enum Side: String, Sendable { case flight, simulator }

    public let board: Board
    public let side: Side
    /// In file order of the board's devices.
    public let links: [(device: String, link: DeviceLink)]
    private let sharedBuses: [SharedFrameLink]
    private let ownedByteLinks: [any ByteLink]
    private let servers: [SimulatedBusServer]
    private let symlinks: [String]

    public func link(for device: String) -> DeviceLink? { links.first { $0.device == device }?.link }

    /// Opens every device's link for `side`. `simulated` gives the in-process link for a
    /// device on `sim` (the lockstep harness owns those). Throws the first link that cannot
    /// be opened, naming the device and the board line, after closing what was opened.
    public init(
        board: Board, side: Side, devices: [String]? = nil,
        simulated: (String) -> DeviceLink? = { _ in nil }
    ) throws(BoardLinkError) {
        self.board = board
        self.side = side
        var links: [(String, DeviceLink)] = []
        var shared: [(BoardTransport, SharedFrameLink)] = []
        var bytes: [any ByteLink] = []
        var servers: [SimulatedBusServer] = []
        var symlinks: [String] = []
        func cleanUp() {
            for (_, s) in shared { s.close() }
            for b in bytes { b.close() }
            for s in servers { s.close() }
            for p in symlinks { unlink(p) }
        }
        let wanted = board.devices.filter { devices?.contains($0.name) ?? true }
        for device in wanted {
            func fail(_ why: String) -> BoardLinkError {
                BoardLinkError(board: board.file, line: device.line, device: device.name, transport: device.transport, reason: why)
            }
            do {
                switch device.transport {
                case .simulated:
                    guard let l = simulated(device.name) else { throw fail("no in-process simulated link is available here") }
                    links.append((device.name, l))
                case .socketCAN, .slcan, .simulatedBus:
                    let bus: SharedFrameLink
                    if let existing = shared.first(where: { $0.0 == device.transport }) {
                        bus = existing.1
                    } else {
                        bus = SharedFrameLink(try Self.openFrames(device.transport, side: side, servers: &servers))
                        shared.append((device.transport, bus))
                    }
                    links.append((device.name, .frames(bus.branch(device.name))))
                case .serial, .pty, .unixSocket:
                    let l = try Self.openBytes(device.transport, side: side, symlinks: &symlinks)
                    bytes.append(l)
                    links.append((device.name, .bytes(l)))
                }
            } catch let e as LinkError {
                cleanUp()
                throw fail(e.description)
            } catch let e as BoardLinkError {
                cleanUp()
                throw e
            } catch {
                cleanUp()
                throw fail("\(error)")
            }
        }
        self.links = links
        sharedBuses = shared.map(\.1)
        ownedByteLinks = bytes
        self.servers = servers
        self.symlinks = symlinks
    }

    static func openBytes(_ t: BoardTransport, side: Side, symlinks: inout [String]) throws -> any ByteLink {
        switch (t, side) {
        case (.serial(let path, let baud), .flight), (.pty(let path, let baud), .flight):
            return try SerialPort(path: path, configuration: .baud(baud))
        case (.pty(let path, _), .simulator):
            let pty = try PseudoTerminal(name: path)
            try link(pty.slavePath, at: path)
            symlinks.append(path)
            return pty
        case (.unixSocket(let path), .flight):
            return UnixSocketByteLink.connecting(to: path)
        case (.unixSocket(let path), .simulator):
            try makeParent(of: path)
            return try UnixSocketByteLink.listening(at: path)
        default:
            throw BoardLinkError.Unsupported("the simulator does not drive real \(t.kind) ports; real hardware answers there")
        }
    }

    static func openFrames(_ t: BoardTransport, side: Side, servers: inout [SimulatedBusServer]) throws -> any FrameLink {
        switch (t, side) {
        case (.socketCAN(let interface), _):
            return try SocketCANLink(interface: interface)
        case (.slcan(let path, let bitrate), .flight):
            var configuration = SLCANLink.Configuration()
            guard let rate = SLCANBitrate(bitsPerSecond: bitrate) else { throw BoardLinkError.Unsupported("bit rate \(bitrate)") }
            configuration.bitrate = rate
            let link = SLCANLink(over: try SerialPort(path: path), configuration: configuration)
            link.open()
            let state = link.waitUntilOpen()
            guard state == .open else {
                link.close()
                throw BoardLinkError.Unsupported("the adapter did not open at \(bitrate) bit/s: \(state)")
            }
            return link
        case (.simulatedBus(let path), .simulator):
            try makeParent(of: path)
            servers.append(try SimulatedBusServer(path: path))
            return try connect(path)
        case (.simulatedBus(let path), .flight):
            return try connect(path)
        default:
            throw BoardLinkError.Unsupported("the simulator does not drive real \(t.kind) adapters; real hardware answers there")
        }
    }

    /// Connects to a simulated bus, waiting up to 2 s for its server.
    static func connect(_ path: String) throws -> any FrameLink {
        let link = UnixSocketFrameLink(path: path)
        for _ in 0..<200 where link.state != .open { Syscall.sleep(milliseconds: 10) }
        guard link.state == .open else {
            let state = link.state
            link.close()
            throw BoardLinkError.Unsupported("no simulated bus server answered at \(path) (\(state)); is `regolith sim` running?")
        }
        return link
    }

    static func makeParent(of path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    }

    /// Links `target` (a PTY's slave) at `path`, replacing a stale link left by an earlier run
    /// but never a regular file or a device.
    static func link(_ target: String, at path: String) throws {
        try makeParent(of: path)
        var st = stat()
        if lstat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFLNK else {
                throw BoardLinkError.Unsupported("\(path) exists and is not a symbolic link; refusing to replace it")
            }
            unlink(path)
        }
        guard symlink(target, path) == 0 else {
            throw BoardLinkError.Unsupported("cannot link \(path) to \(target): \(String(cString: strerror(errno)))")
        }
    }

    /// Closes every link, stops the simulated bus servers and removes the PTY links it made.
    public func close() {
        for s in sharedBuses { s.close() }
        for b in ownedByteLinks { b.close() }
        for s in servers { s.close() }
        for p in symlinks { unlink(p) }
    }
}

/// A board's device link that could not be opened.
public struct BoardLinkError: Error, CustomStringConvertible, Sendable {
    public var board: String
    public var line: Int
    public var device: String
    public var transport: BoardTransport
    public var reason: String

    public var description: String {
        let at = board.isEmpty ? "" : "\(board):\(line): "
        return "\(at)device '\(device)' on \(transport): \(reason)"
    }

    struct Unsupported: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}
