public import FlightHAL

/// Where a ground link goes, as written on the command line (both `regolith run --ground` and
/// `regolith ground --link` take it):
///
/// | form                          | meaning                                                   |
/// |-------------------------------|-----------------------------------------------------------|
/// | `tcp:HOST:PORT`               | connect to HOST:PORT (retrying until something listens)   |
/// | `listen:PORT`                 | listen on 127.0.0.1:PORT for one client at a time         |
/// | `listen:HOST:PORT`            | listen on HOST (e.g. `0.0.0.0`: every interface)          |
/// | `serial:/dev/ttyUSB0[@BAUD]`  | a serial port or PTY, 8N1, default 115200 baud            |
public enum GroundLinkAddress: Hashable, Sendable, CustomStringConvertible {
    case connect(TCPEndpoint)
    case listen(TCPEndpoint)
    case serial(path: String, baudRate: Int)

    /// Why a link address did not parse.
    public struct ParseError: Error, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "invalid link '\(text)': \(reason) (expected tcp:HOST:PORT, listen:[HOST:]PORT or serial:PATH[@BAUD])" }
    }

    public init(parsing text: String) throws(ParseError) {
        func fail(_ why: String) -> ParseError { ParseError(text: text, reason: why) }
        guard let colon = text.firstIndex(of: ":") else { throw fail("no scheme") }
        let scheme = text[..<colon], rest = String(text[text.index(after: colon)...])
        func endpoint(_ s: String, defaultHost: String?) throws(ParseError) -> TCPEndpoint {
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            let host: String, portText: Substring
            switch parts.count {
            case 1:
                guard let d = defaultHost else { throw fail("a host is needed") }
                host = d
                portText = parts[0]
            case 2:
                host = String(parts[0])
                portText = parts[1]
            default: throw fail("too many ':'")
            }
            guard let port = UInt16(portText) else { throw fail("port '\(portText)' is not a number in 0...65535") }
            let e = TCPEndpoint(host: host, port: port)
            guard e.isIPv4 else { throw fail("'\(host)' is not an IPv4 address or localhost") }
            return e
        }
        switch scheme {
        case "tcp":
            let e = try endpoint(rest, defaultHost: nil)
            guard e.port != 0 else { throw fail("port 0 cannot be connected to") }
            self = .connect(e)
        case "listen": self = .listen(try endpoint(rest, defaultHost: TCPEndpoint.loopback))
        case "serial":
            let parts = rest.split(separator: "@", omittingEmptySubsequences: false)
            guard !parts[0].isEmpty, parts.count <= 2 else { throw fail("a device path is needed") }
            var baud = 115_200
            if parts.count == 2 {
                guard let b = Int(parts[1]), b > 0 else { throw fail("baud rate '\(parts[1])' is not a positive number") }
                baud = b
            }
            self = .serial(path: String(parts[0]), baudRate: baud)
        default: throw fail("unknown scheme '\(scheme)'")
        }
    }

    public var description: String {
        switch self {
        case .connect(let e): "tcp:\(e)"
        case .listen(let e): "listen:\(e)"
        case .serial(let p, let b): "serial:\(p)@\(b)"
        }
    }

    /// Opens the link (a connecting link is returned at once and keeps trying in the background).
    public func open() throws -> any ByteLink {
        switch self {
        case .connect(let e): return TCPByteLink.connecting(to: e)
        case .listen(let e): return try TCPByteLink.listening(on: e)
        case .serial(let path, let baud): return try SerialPort(path: path, configuration: .baud(baud))
        }
    }
}
