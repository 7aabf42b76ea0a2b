public import FlightWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A node on the cross-process simulated bus: a `FrameLink` over a Unix domain socket to a
/// ``SimulatedBusServer`` (in this process or another). A reader thread takes records off the
/// socket into a bounded queue that `receive()` pops; `send` writes one record without
/// blocking.
///
/// Nothing is lost on the way while the receiving driver keeps up: when the receive queue is
/// full the reader stops taking records off the socket (and waits for room), so the server
/// and in the end the sender feel the back-pressure (`send` returns `.backPressure`), instead
/// of frames being dropped. `receiveOverruns` therefore stays 0 on this link; malformed
/// records are skipped and counted. If the server goes away the link turns `.lost` and the
/// reader connects again every `retryInterval` milliseconds, counting each reconnect.
///
/// Call ``close()`` when done: the reader thread holds the link until then.
public final class UnixSocketFrameLink: FrameLink {
    public let name: String
    public let path: String
    public let supportsFD: Bool
    private let queue: SPSCRing<ReceivedFrame>
    private let counters = LinkCounters()
    private let socket: Mutex<Int32>  // -1 while not connected; replaced only by the reader
    private let linkState: Mutex<LinkState>
    private let sequence = Atomic<UInt32>(0)
    private let cancellation = Cancellation()
    private let reader = Mutex<LinkThread?>(nil)
    private let closed = Atomic<Bool>(false)
    private let retryInterval: Int32

    /// Connects to the server at `path`. When it is not there yet the link starts `.lost`
    /// and keeps trying.
    public init(path: String, name: String? = nil, supportsFD: Bool = true, queueCapacity: Int = 1024, retryInterval: Int32 = 100) {
        self.path = path
        self.name = name ?? path
        self.supportsFD = supportsFD
        self.retryInterval = retryInterval
        queue = SPSCRing(capacity: queueCapacity)
        switch UnixSocket.connect(path: path, type: UnixSocket.seqpacket) {
        case .success(let fd):
            socket = Mutex(fd)
            linkState = Mutex(.open)
        case .failure(let e):
            socket = Mutex(-1)
            linkState = Mutex(e.kind == .invalidConfiguration ? .failed(e) : .lost(e))
        }
        if case .failed = state { return }
        reader.withLock { $0 = LinkThread.spawn { [self] in readLoop() } }
    }

    deinit { close() }

    public var state: LinkState { linkState.withLock { $0 } }
    public var statistics: LinkStatistics { counters.snapshot }

    public func receive() -> ReceivedFrame? {
        guard let f = queue.pop() else { return nil }
        counters.add(.framesReceived)
        return f
    }

    public func send(_ frame: CANFrame) -> SendOutcome {
        guard !frame.isFD || supportsFD else {
            counters.add(.sendRefused)
            return .refused(LinkError(.unsupported, device: name, detail: "CAN FD frame on a classic bus"))
        }
        return withUnsafeTemporaryAllocation(byteCount: SimulatedBusRecord.maxSize, alignment: 8) { buffer in
            socket.withLock { fd -> SendOutcome in
                guard fd >= 0 else {
                    counters.add(.sendRefused)
                    return .refused(LinkError(.disconnected, device: name, detail: closed.load(ordering: .relaxed) ? "link closed" : "not connected to the bus server"))
                }
                let seq = sequence.load(ordering: .relaxed)
                let n = SimulatedBusRecord.encode(frame, sequence: seq, timestamp: Syscall.monotonicNanoseconds(), into: buffer)
                switch UnixSocket.send(fd, UnsafeRawBufferPointer(rebasing: buffer[0..<n])) {
                case .success:
                    sequence.store(seq &+ 1, ordering: .relaxed)
                    counters.add(.framesSent)
                    counters.add(.bytesSent, UInt64(n))
                    return .sent
                case .failure(let e) where e.isWouldBlock || e.isNoBufferSpace:
                    counters.add(.sendRefused)
                    return .backPressure
                case .failure(let e):
                    counters.add(.sendRefused)
                    return .refused(LinkError(e.isDisconnect ? .disconnected : .ioError, device: name, errno: e.code, detail: "send"))
                }
            }
        }
    }

    /// Stops the reader and disconnects. Idempotent.
    public func close() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        cancellation.cancel()
        reader.withLock { $0?.join() }
        socket.withLock { fd in
            if fd >= 0 { Syscall.close(fd) }
            fd = -1
        }
        linkState.withLock { $0 = .closed }
    }

    private func readLoop() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)
        defer { buffer.deallocate() }
        var everConnected = socket.withLock { $0 } >= 0
        while !cancellation.isCancelled {
            let fd = socket.withLock { $0 }
            if fd < 0 {
                guard cancellation.sleep(milliseconds: retryInterval) else { return }
                if case .success(let s) = UnixSocket.connect(path: path, type: UnixSocket.seqpacket) {
                    socket.withLock { $0 = s }
                    linkState.withLock { $0 = .open }
                    if everConnected { counters.add(.reconnects) }
                    everConnected = true
                }
                continue
            }
            switch cancellation.wait(for: fd, events: Int16(POLLIN)) {
            case .cancelled: return
            case .timedOut: continue
            case .failed(let e): lose(LinkError(.ioError, device: name, errno: e.code, detail: "poll"))
            case .ready:
                if !drainSocket(fd, buffer) { return }
            }
        }
    }

    /// Takes every waiting record; false when cancelled while waiting for queue room.
    private func drainSocket(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        while true {
            switch UnixSocket.receive(fd, into: buffer) {
            case .failure(let e) where e.isWouldBlock: return true
            case .failure(let e):
                lose(LinkError(e.isDisconnect ? .disconnected : .ioError, device: name, errno: e.code, detail: "recv"))
                return true
            case .success(0):
                lose(LinkError(.disconnected, device: name, detail: "the bus server closed the connection"))
                return true
            case .success(let n):
                counters.add(.bytesReceived, UInt64(n))
                guard let (frame, _) = SimulatedBusRecord.decode(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) else {
                    counters.add(.malformed)
                    continue
                }
                if frame.isError { counters.add(.errorFrames) }
                let received = ReceivedFrame(frame: frame, timestamp: Syscall.monotonicNanoseconds(), timestampSource: .reader)
                // Lossless: wait for the driver to make room rather than drop.
                while !queue.push(received) {
                    guard cancellation.sleep(milliseconds: 1) else { return false }
                }
            }
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
