#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 endpoint: a dotted-quad address (or `localhost`) and a port.
public struct TCPEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }

    /// The loopback interface: where a listening ground link binds unless told otherwise.
    public static let loopback = "127.0.0.1"

    /// The address in network byte order, or nil when `host` is not an IPv4 literal or
    /// `localhost` (names are not resolved: a flight computer's links are configured by address).
    var sockaddr: sockaddr_in? {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        let h = host == "localhost" ? Self.loopback : host
        guard inet_pton(AF_INET, h, &a.sin_addr) == 1 else { return nil }
        return a
    }

    /// True when `host` is an IPv4 literal or `localhost`.
    public var isIPv4: Bool { sockaddr != nil }

    /// True for 127.0.0.0/8.
    public var isLoopback: Bool {
        guard let a = sockaddr else { return false }
        return UInt32(bigEndian: a.sin_addr.s_addr) >> 24 == 127
    }
}

/// The system calls of the TCP link, on top of ``Syscall``: EINTR retried, failures as
/// ``LinkError`` or ``Syscall/Errno``.
enum TCPSocket {
    static func withAddress<R>(_ endpoint: TCPEndpoint, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R? {
        guard var a = endpoint.sockaddr else { return nil }
        return withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    static func socket() -> Result<Int32, Syscall.Errno> {
        Syscall.retrying { Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var v = value
        _ = setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    static func invalidAddress(_ endpoint: TCPEndpoint) -> LinkError {
        LinkError(.invalidConfiguration, device: endpoint.description, detail: "'\(endpoint.host)' is not an IPv4 address")
    }

    /// Binds and listens on `endpoint` (port 0: the kernel picks one); returns the socket and
    /// the port bound.
    static func listen(_ endpoint: TCPEndpoint, backlog: Int32 = 1) -> Result<(fd: Int32, port: UInt16), LinkError> {
        let fd: Int32
        switch socket() {
        case .failure(let e): return .failure(LinkError(.ioError, device: endpoint.description, errno: e.code, detail: "socket"))
        case .success(let s): fd = s
        }
        setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        guard let rc = withAddress(endpoint, { Glibc.bind(fd, $0, $1) }) else {
            Syscall.close(fd)
            return .failure(invalidAddress(endpoint))
        }
        if rc != 0 {
            let e = Glibc.errno
            Syscall.close(fd)
            let kind: LinkError.Kind = e == EACCES ? .permissionDenied : e == EADDRINUSE ? .busy : e == EADDRNOTAVAIL ? .invalidConfiguration : .ioError
            return .failure(LinkError(kind, device: endpoint.description, errno: e, detail: "bind"))
        }
        if Glibc.listen(fd, backlog) != 0 {
            let e = Glibc.errno
            Syscall.close(fd)
            return .failure(LinkError(.ioError, device: endpoint.description, errno: e, detail: "listen"))
        }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        _ = Syscall.setNonBlocking(fd)
        return .success((fd, UInt16(bigEndian: bound.sin_port)))
    }

    /// Connects to `endpoint` (a blocking connect: on loopback or a LAN it is immediate or
    /// refused); the socket comes back non-blocking with Nagle off.
    static func connect(_ endpoint: TCPEndpoint) -> Result<Int32, LinkError> {
        let fd: Int32
        switch socket() {
        case .failure(let e): return .failure(LinkError(.ioError, device: endpoint.description, errno: e.code, detail: "socket"))
        case .success(let s): fd = s
        }
        guard let r = withAddress(endpoint, { a, n in Syscall.retrying { Glibc.connect(fd, a, n) } }) else {
            Syscall.close(fd)
            return .failure(invalidAddress(endpoint))
        }
        if case .failure(let e) = r {
            Syscall.close(fd)
            let kind: LinkError.Kind = e.code == ECONNREFUSED || e.code == ENETUNREACH || e.code == EHOSTUNREACH ? .notFound : e.code == EACCES ? .permissionDenied : .ioError
            return .failure(LinkError(kind, device: endpoint.description, errno: e.code, detail: "connect"))
        }
        prepare(fd)
        return .success(fd)
    }

    static func prepare(_ fd: Int32) {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = Syscall.setNonBlocking(fd)
        setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
    }

    static func accept(_ listener: Int32) -> Result<Int32, Syscall.Errno> {
        Syscall.retrying { Glibc.accept(listener, nil, nil) }.map { fd in
            prepare(fd)
            return fd
        }
    }

    /// One non-blocking send (no SIGPIPE: a vanished peer is EPIPE).
    static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Result<Int, Syscall.Errno> {
        Syscall.retrying { Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)) }
    }

    /// One non-blocking receive (0: the peer closed).
    static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Syscall.Errno> {
        Syscall.retrying { Glibc.recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT)) }
    }
}
