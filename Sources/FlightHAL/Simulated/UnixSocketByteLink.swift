import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A byte stream between two processes over a Unix domain socket (`SOCK_STREAM`): the
/// cross-process form of ``SimulatedByteLink``, for devices that speak a serial protocol.
/// One end listens on a path (``listening(at:name:capacity:)``, typically the simulator's
/// device emulator), the other connects (``connecting(to:name:capacity:)``, the flight
/// software's driver). A reader thread moves received bytes into a bounded ring that `read`
/// empties; `write` sends without blocking and takes what the socket accepts.
///
/// Lossless while the reading driver keeps up: when the ring is full the reader waits for
/// room instead of dropping, so the socket fills and the writer's `write` takes fewer bytes
/// (counted in `sendRefused`). If the other end goes away the link turns `.lost`; the
/// listening end accepts the next connection, the connecting end reconnects every
/// `retryInterval` ms; each counts `reconnects`.
///
/// Call ``close()`` when done: the reader thread holds the link until then.
public final class UnixSocketByteLink: ByteLink {
    public let name: String
    public let path: String
    private let ring: SPSCByteRing
    private let counters = LinkCounters()
    private let socket = Mutex<Int32>(-1)
    private let linkState: Mutex<LinkState>
    private let cancellation = Cancellation()
    private let reader = Mutex<LinkThread?>(nil)
    private let closed = Atomic<Bool>(false)
    private let listener: Int32  // -1 on the connecting end
    private let retryInterval: Int32

    /// Listens on `path` (a stale socket file there is replaced) for the other end.
    public static func listening(at path: String, name: String? = nil, capacity: Int = 4096) throws(LinkError) -> UnixSocketByteLink {
        switch UnixSocket.listen(path: path, type: UnixSocket.stream) {
        case .failure(let e): throw e
        case .success(let fd): return UnixSocketByteLink(path: path, name: name, capacity: capacity, listener: fd, retryInterval: 100)
        }
    }

    /// Connects to the end listening on `path`; until it is there the link is `.lost` and
    /// keeps trying.
    public static func connecting(to path: String, name: String? = nil, capacity: Int = 4096, retryInterval: Int32 = 100) -> UnixSocketByteLink {
        UnixSocketByteLink(path: path, name: name, capacity: capacity, listener: -1, retryInterval: retryInterval)
    }

    private init(path: String, name: String?, capacity: Int, listener: Int32, retryInterval: Int32) {
        self.path = path
        self.name = name ?? path
        self.listener = listener
        self.retryInterval = retryInterval
        ring = SPSCByteRing(capacity: capacity)
        var initial = LinkState.lost(LinkError(.disconnected, device: name ?? path, detail: "waiting for the other end"))
        if listener < 0 {
            switch UnixSocket.connect(path: path, type: UnixSocket.stream) {
            case .success(let fd):
                socket.withLock { $0 = fd }
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

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = ring.read(into: buffer)
        counters.add(.bytesReceived, UInt64(n))
        return n
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard !bytes.isEmpty else { return 0 }
        let n = socket.withLock { fd -> Int in
            guard fd >= 0 else { return 0 }
            switch UnixSocket.send(fd, bytes) {
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
        if listener >= 0 {
            Syscall.close(listener)
            unlink(path)
        }
        linkState.withLock { $0 = .closed }
    }

    private func readLoop() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { buffer.deallocate() }
        var everConnected = socket.withLock { $0 } >= 0
        while !cancellation.isCancelled {
            let fd = socket.withLock { $0 }
            if fd < 0 {
                guard let s = establish() else { return }
                guard s >= 0 else { continue }
                socket.withLock { $0 = s }
                linkState.withLock { $0 = .open }
                if everConnected { counters.add(.reconnects) }
                everConnected = true
                continue
            }
            switch cancellation.wait(for: fd, events: Int16(POLLIN)) {
            case .cancelled: return
            case .timedOut: continue
            case .failed(let e): lose(LinkError(.ioError, device: name, errno: e.code, detail: "poll"))
            case .ready:
                switch UnixSocket.receive(fd, into: buffer) {
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
                if case .success(let fd) = UnixSocket.accept(listener) { return fd }
                return -1
            default: return -1
            }
        }
        guard cancellation.sleep(milliseconds: retryInterval) else { return nil }
        if case .success(let fd) = UnixSocket.connect(path: path, type: UnixSocket.stream) { return fd }
        return -1
    }

    private func lose(_ error: LinkError) {
        socket.withLock { fd in
            if fd >= 0 { Syscall.close(fd) }
            fd = -1
        }
        linkState.withLock { $0 = .lost(error) }
    }
}
