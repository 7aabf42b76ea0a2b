import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A byte stream over TCP/IPv4: the ground link's usual transport (fprime-gds's `ip` adapter
/// is a TCP server by default, so the flight software connects to it as F Prime's
/// `Drv.TcpClient` does; ``listening(on:name:capacity:)`` is the `Drv.TcpServer` form).
///
/// Same shape as ``UnixSocketByteLink``: a reader thread moves received bytes into a bounded
/// ring that `read` empties; `write` sends without blocking and takes what the socket accepts
/// (the rest is the caller's, counted in `sendRefused`). When the ring is full the reader
/// waits for room rather than dropping, so TCP's own flow control pushes back on the sender.
/// If the other end goes away the link turns `.lost`: the listening end accepts the next
/// connection (one client at a time), the connecting end reconnects every `retryInterval`
/// ms; each counts `reconnects`. ``close()`` wakes the reader through its ``Cancellation``.
///
/// A listening link binds to ``TCPEndpoint/loopback`` unless given another address: a ground
/// port open to a network is a decision to make explicitly (see docs/ground.md).
public final class TCPByteLink: ByteLink {
    public let name: String
    public let endpoint: TCPEndpoint
    /// The port actually bound (differs from `endpoint.port` when that was 0), or the port
    /// connected to.
    public let port: UInt16
    private let ring: SPSCByteRing
    private let counters = LinkCounters()
    private let socket = Mutex<Int32>(-1)
    private let linkState: Mutex<LinkState>
    private let cancellation = Cancellation()
    private let reader = Mutex<LinkThread?>(nil)
    private let closed = Atomic<Bool>(false)
    private let connections = Atomic<UInt64>(0)
    private let listener: Int32  // -1 on the connecting end
    private let retryInterval: Int32

    /// Listens on `endpoint` for one client at a time.
    public static func listening(on endpoint: TCPEndpoint, name: String? = nil, capacity: Int = 64 * 1024) throws(LinkError) -> TCPByteLink {
        switch TCPSocket.listen(endpoint) {
        case .failure(let e): throw e
        case .success(let (fd, port)):
            return TCPByteLink(endpoint: endpoint, port: port, name: name, capacity: capacity, listener: fd, retryInterval: 100)
        }
    }

    /// Listens on `port` of `host`, loopback unless another address is given.
    public static func listening(port: UInt16, host: String = TCPEndpoint.loopback, name: String? = nil, capacity: Int = 64 * 1024) throws(LinkError) -> TCPByteLink {
        try listening(on: TCPEndpoint(host: host, port: port), name: name, capacity: capacity)
    }

    /// Connects to `endpoint`; until something listens there the link is `.lost` and keeps
    /// trying every `retryInterval` ms. An address that is not IPv4 fails at once.
    public static func connecting(to endpoint: TCPEndpoint, name: String? = nil, capacity: Int = 64 * 1024, retryInterval: Int32 = 100) -> TCPByteLink {
        TCPByteLink(endpoint: endpoint, port: endpoint.port, name: name, capacity: capacity, listener: -1, retryInterval: retryInterval)
    }

    private init(endpoint: TCPEndpoint, port: UInt16, name: String?, capacity: Int, listener: Int32, retryInterval: Int32) {
        self.endpoint = endpoint
        self.port = port
        self.name = name ?? (listener >= 0 ? "listen:\(endpoint)" : "tcp:\(endpoint)")
        self.listener = listener
        self.retryInterval = max(retryInterval, 1)
        ring = SPSCByteRing(capacity: capacity)
        var initial = LinkState.lost(LinkError(.disconnected, device: self.name, detail: listener >= 0 ? "waiting for a client" : "waiting for the server"))
        if listener < 0 {
            switch TCPSocket.connect(endpoint) {
            case .success(let fd):
                socket.withLock { $0 = fd }
                connections.store(1, ordering: .relaxed)
                initial = .open
            case .failure(let e):
                initial = e.kind == .invalidConfiguration ? .failed(e) : .lost(e)
            }
        }
        linkState = Mutex(initial)
        if case .failed = initial { return }
        reader.withLock { $0 = LinkThread.spawn { [self] in readLoop() } }
    }

    deinit { close() }

    public var state: LinkState { linkState.withLock { $0 } }
    public var statistics: LinkStatistics { counters.snapshot }

    /// Connections made or accepted so far: a driver that keeps per-connection state (a
    /// partly sent frame) sees a new connection when this changes.
    public var connectionCount: UInt64 { connections.load(ordering: .relaxed) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = ring.read(into: buffer)
        counters.add(.bytesReceived, UInt64(n))
        return n
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard !bytes.isEmpty else { return 0 }
        let n = socket.withLock { fd -> Int in
            guard fd >= 0 else { return 0 }
            switch TCPSocket.send(fd, bytes) {
            case .success(let n): return n
            case .failure: return 0  // would block, or gone (the reader notices and reconnects)
            }
        }
        counters.add(.bytesSent, UInt64(n))
        if n < bytes.count { counters.add(.sendRefused) }
        return n
    }

    /// Stops the reader and disconnects (the listening end also stops listening). Idempotent.
    public func close() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        cancellation.cancel()
        reader.withLock { $0?.join() }
        socket.withLock { fd in
            if fd >= 0 { Syscall.close(fd) }
            fd = -1
        }
        if listener >= 0 { Syscall.close(listener) }
        linkState.withLock { $0 = .closed }
    }

    private func readLoop() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 8)
        defer { buffer.deallocate() }
        while !cancellation.isCancelled {
            let fd = socket.withLock { $0 }
            if fd < 0 {
                guard let s = establish() else { return }
                guard s >= 0 else { continue }
                socket.withLock { $0 = s }
                linkState.withLock { $0 = .open }
                if connections.wrappingAdd(1, ordering: .relaxed).newValue > 1 { counters.add(.reconnects) }
                continue
            }
            switch cancellation.wait(for: fd, events: Int16(POLLIN)) {
            case .cancelled: return
            case .timedOut: continue
            case .failed(let e): lose(LinkError(.ioError, device: name, errno: e.code, detail: "poll"))
            case .ready:
                switch TCPSocket.receive(fd, into: buffer) {
                case .failure(let e) where e.isWouldBlock: continue
                case .failure(let e): lose(LinkError(.disconnected, device: name, errno: e.code, detail: "recv"))
                case .success(0): lose(LinkError(.disconnected, device: name, detail: "the other end closed"))
                case .success(let n):
                    var done = 0
                    while done < n {
                        done += ring.write(UnsafeRawBufferPointer(rebasing: buffer[done..<n]))
                        if done < n { guard cancellation.sleep(milliseconds: 1) else { return } }
                    }
                }
            }
        }
    }

    /// A new connection: accepted (listening end) or made (connecting end). Nil when
    /// cancelled, -1 when none yet.
    private func establish() -> Int32? {
        if listener >= 0 {
            switch cancellation.wait(for: listener, events: Int16(POLLIN)) {
            case .cancelled: return nil
            case .ready:
                if case .success(let fd) = TCPSocket.accept(listener) { return fd }
                return -1
            default: return -1
            }
        }
        guard cancellation.sleep(milliseconds: retryInterval) else { return nil }
        switch TCPSocket.connect(endpoint) {
        case .success(let fd): return fd
        case .failure(let e):
            linkState.withLock { $0 = .lost(e) }
            return -1
        }
    }

    private func lose(_ error: LinkError) {
        socket.withLock { fd in
            if fd >= 0 { Syscall.close(fd) }
            fd = -1
        }
        linkState.withLock { $0 = .lost(error) }
    }
}
