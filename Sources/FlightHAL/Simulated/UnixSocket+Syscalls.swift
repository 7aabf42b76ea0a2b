#if canImport(Glibc)
    import Glibc
#endif

/// The system calls of the cross-process simulated bus (Unix domain sockets), on top of
/// ``Syscall``: EINTR retried, failures as ``Syscall/Errno``.
enum UnixSocket {
    /// The longest path `sockaddr_un` holds (107 bytes and a terminating NUL on Linux).
    static var maxPathLength: Int { MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1 }

    static func withAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R? {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= maxPathLength else { return nil }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in bytes.enumerated() { p[i] = b }
            p[bytes.count] = 0
        }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// A new close-on-exec socket of `type` (`SOCK_SEQPACKET`, `SOCK_STREAM`).
    static func socket(_ type: Int32) -> Result<Int32, Syscall.Errno> {
        Syscall.retrying { Glibc.socket(AF_UNIX, type | Int32(SOCK_CLOEXEC.rawValue), 0) }
    }

    static var seqpacket: Int32 { Int32(SOCK_SEQPACKET.rawValue) }
    static var stream: Int32 { Int32(SOCK_STREAM.rawValue) }

    /// Binds and listens on `path`, replacing a stale socket file left there.
    static func listen(path: String, type: Int32) -> Result<Int32, LinkError> {
        var st = stat()
        if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK { unlink(path) }
        let fd: Int32
        switch socket(type) {
        case .failure(let e): return .failure(LinkError(.ioError, device: path, errno: e.code, detail: "socket"))
        case .success(let s): fd = s
        }
        guard let rc = withAddress(path, { Glibc.bind(fd, $0, $1) }) else {
            Syscall.close(fd)
            return .failure(LinkError(.invalidConfiguration, device: path, detail: "socket path empty or longer than \(maxPathLength) bytes"))
        }
        if rc != 0 {
            let e = Glibc.errno
            Syscall.close(fd)
            return .failure(LinkError(e == EACCES ? .permissionDenied : e == EADDRINUSE ? .busy : .ioError, device: path, errno: e, detail: "bind"))
        }
        if Glibc.listen(fd, 64) != 0 {
            let e = Glibc.errno
            Syscall.close(fd)
            return .failure(LinkError(.ioError, device: path, errno: e, detail: "listen"))
        }
        _ = Syscall.setNonBlocking(fd)
        return .success(fd)
    }

    /// Connects to `path`; the socket comes back non-blocking.
    static func connect(path: String, type: Int32) -> Result<Int32, LinkError> {
        let fd: Int32
        switch socket(type) {
        case .failure(let e): return .failure(LinkError(.ioError, device: path, errno: e.code, detail: "socket"))
        case .success(let s): fd = s
        }
        guard let r = withAddress(path, { a, n in Syscall.retrying { Glibc.connect(fd, a, n) } }) else {
            Syscall.close(fd)
            return .failure(LinkError(.invalidConfiguration, device: path, detail: "socket path empty or longer than \(maxPathLength) bytes"))
        }
        if case .failure(let e) = r {
            Syscall.close(fd)
            let kind: LinkError.Kind = e.code == ENOENT || e.code == ECONNREFUSED ? .notFound : e.code == EACCES ? .permissionDenied : .ioError
            return .failure(LinkError(kind, device: path, errno: e.code, detail: "connect"))
        }
        _ = Syscall.setNonBlocking(fd)
        return .success(fd)
    }

    static func accept(_ listener: Int32) -> Result<Int32, Syscall.Errno> {
        Syscall.retrying { Glibc.accept(listener, nil, nil) }.map { fd in
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = Syscall.setNonBlocking(fd)
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
