public import FlightWire
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// A CAN bus through a Linux SocketCAN interface (`can0`, `vcan0`, `slcan0`): a CAN_RAW
/// socket bound to the interface, with kernel filters, error frames and kernel receive
/// timestamps.
///
/// A reader thread polls the socket (and a ``Cancellation``), stamps and decodes each frame
/// and pushes it into a bounded ``SPSCRing`` that the owning driver drains on its tick with
/// ``receive()``. Error frames are delivered as frames too, counted in
/// ``LinkStatistics/errorFrames``, and the state changes they mean (bus-off, error passive,
/// restarted...) are queued as ``CANControllerEvent``s for ``nextEvent()``.
///
/// ``send(_:)`` never blocks: when the kernel says "try again" (EAGAIN, ENOBUFS) the frame goes
/// into a bounded send queue, which the reader flushes in order when the socket is writable
/// (or the next send does), counted in `sendRetries`; when that queue is full too the send is
/// refused with `.backPressure` and counted in `sendRefused`. If the interface goes down or
/// is removed the link becomes `.lost`, and the reader opens it again when it is back
/// (counted in `reconnects`).
public final class SocketCANLink: FrameLink {
    public struct Options: Sendable {
        /// Kernel receive filters; an empty list receives no data frames (only error frames).
        public var filters: [CANFilter] = [.all]
        /// Error classes to receive as error frames; [] turns error frames off.
        public var errorClasses: CANErrorReport.Classes = .all
        /// Ask the kernel for receive timestamps (SO_TIMESTAMPNS).
        public var kernelTimestamps = true
        /// Also receive the frames this socket sent (CAN_RAW_RECV_OWN_MSGS).
        public var receiveOwnFrames = false
        public var receiveQueueCapacity = 4096
        public var sendQueueCapacity = 256
        public var eventQueueCapacity = 64
        /// How often a lost link tries to open its interface again.
        public var reopenIntervalMilliseconds: Int32 = 200

        public init() {}
    }

    public let name: String
    public let options: Options
    private let counters = LinkCounters()
    private let frames: SPSCRing<ReceivedFrame>
    private let events: SPSCRing<CANControllerEvent>
    private let droppedEventCount = Atomic<UInt64>(0)
    private let fdFrames = Atomic<Bool>(false)
    private let cancellation = Cancellation()
    private let reader = Mutex<LinkThread?>(nil)
    private let shared: Mutex<Shared>

    /// What the reader thread and senders share: the socket (replaced on reopen) and the send
    /// queue. Held only for non-blocking calls.
    struct Shared {
        var socket: SocketCANSocket?
        var state: LinkState = .closed
        var pending: FrameQueue
    }

    /// Opens `interface` (it must exist and be a CAN interface) and starts the reader.
    public init(interface: String, options: Options = Options()) throws(LinkError) {
        name = interface
        self.options = options
        frames = SPSCRing(capacity: options.receiveQueueCapacity)
        events = SPSCRing(capacity: options.eventQueueCapacity)
        guard options.sendQueueCapacity > 0, options.receiveQueueCapacity > 0, options.eventQueueCapacity > 0 else {
            throw LinkError(.invalidConfiguration, device: interface, detail: "queue capacities must be positive")
        }
        shared = Mutex(Shared(socket: nil, pending: FrameQueue(capacity: options.sendQueueCapacity)))
        let (socket, fd) = try Self.openSocket(interface, options)
        self.fdFrames.store(fd, ordering: .relaxed)
        shared.withLock {
            $0.socket = socket
            $0.state = .open
        }
        reader.withLock { $0 = LinkThread.spawn { [self] in self.run() } }
    }

    deinit {
        shared.withLock { $0.socket?.close() }
    }

    public var supportsFD: Bool { fdFrames.load(ordering: .relaxed) }
    public var state: LinkState { shared.withLock { $0.state } }
    public var statistics: LinkStatistics { counters.snapshot }
    /// Controller events dropped because the event queue was full.
    public var droppedEvents: UInt64 { droppedEventCount.load(ordering: .relaxed) }

    public func receive() -> ReceivedFrame? {
        frames.pop()
    }

    /// The next bus-off / error-passive / restarted... event, or nil. Never blocks.
    public func nextEvent() -> CANControllerEvent? {
        events.pop()
    }

    public func send(_ frame: CANFrame) -> SendOutcome {
        if frame.isFD && !supportsFD {
            counters.add(.sendRefused)
            return .refused(LinkError(.unsupported, device: name, detail: "CAN FD frame on a classic interface (mtu 16)"))
        }
        return shared.withLock { s -> SendOutcome in
            guard let socket = s.socket, s.state == .open else {
                counters.add(.sendRefused)
                return .refused(LinkError(.disconnected, device: name, detail: "link is \(s.state)"))
            }
            // Frames already waiting go first, to keep the order.
            flush(&s, socket)
            if s.pending.isEmpty {
                switch write(frame, socket) {
                case .success: return .sent
                case .failure(let e) where e.isWouldBlock || e.isNoBufferSpace:
                    counters.add(.sendRetries)
                case .failure(let e) where e.isDisconnect:
                    counters.add(.sendRefused)
                    return .refused(LinkError(.disconnected, device: name, errno: e.code, detail: "send failed"))
                case .failure(let e):
                    counters.add(.sendRefused)
                    return .refused(LinkError(.ioError, device: name, errno: e.code, detail: "send failed"))
                }
            }
            if s.pending.push(frame) { return .sent }
            counters.add(.sendRefused)
            return .backPressure
        }
    }

    /// Frames accepted but still waiting in the send queue.
    public var queuedFrames: Int { shared.withLock { $0.pending.count } }

    public func close() {
        cancellation.cancel()
        let thread = reader.withLock { t -> LinkThread? in
            defer { t = nil }
            return t
        }
        thread?.join()
        shared.withLock {
            $0.socket?.close()
            $0.socket = nil
            $0.state = .closed
        }
    }

    // MARK: - Internals

    private func write(_ frame: CANFrame, _ socket: SocketCANSocket) -> Result<Void, Syscall.Errno> {
        var buffer = CANWireBuffer()
        return withUnsafeMutableBytes(of: &buffer) { raw -> Result<Void, Syscall.Errno> in
            guard let n = frame.encodeSocketCAN(into: raw) else { return .failure(Syscall.Errno(EINVAL)) }
            return socket.send(UnsafeRawBufferPointer(rebasing: raw[0..<n])).map { _ in
                counters.add(.framesSent)
                counters.add(.bytesSent, UInt64(frame.count))
            }
        }
    }

    /// Sends queued frames until the kernel pushes back. Called with the lock held.
    private func flush(_ s: inout Shared, _ socket: SocketCANSocket) {
        while let next = s.pending.peek() {
            switch write(next, socket) {
            case .success: s.pending.drop()
            case .failure(let e) where e.isWouldBlock || e.isNoBufferSpace:
                counters.add(.sendRetries)
                return
            case .failure:
                // The frame cannot be sent (interface gone, invalid): drop it and count it.
                s.pending.drop()
                counters.add(.sendRefused)
            }
        }
    }

    private static func openSocket(_ interface: String, _ options: Options) throws(LinkError) -> (SocketCANSocket, Bool) {
        func fail(_ kind: LinkError.Kind, _ e: Syscall.Errno, _ what: String) -> LinkError {
            LinkError(kind, device: interface, errno: e.code, detail: what)
        }
        guard !interface.isEmpty, interface.utf8.count < 16 else {
            throw LinkError(.invalidConfiguration, device: interface, detail: "interface names are 1...15 characters")
        }
        let socket: SocketCANSocket
        switch SocketCANSocket.open() {
        case .success(let s): socket = s
        case .failure(let e) where e.code == EAFNOSUPPORT || e.code == EPROTONOSUPPORT:
            throw fail(.unsupported, e, "this kernel has no AF_CAN / CAN_RAW (modprobe can-raw)")
        case .failure(let e): throw fail(.ioError, e, "socket(PF_CAN, SOCK_RAW, CAN_RAW)")
        }
        var ok = false
        defer { if !ok { socket.close() } }
        let index: Int32
        switch SocketCANSocket.interfaceIndex(interface) {
        case .success(let i): index = i
        case .failure(let e): throw fail(.notFound, e, "no such network interface")
        }
        switch socket.hardwareType(of: interface) {
        case .success(let t) where t == SocketCANSocket.arphrdCAN: break
        case .success(let t): throw LinkError(.notACANInterface, device: interface, detail: "link type \(t), not ARPHRD_CAN (280)")
        case .failure(let e): throw fail(.notFound, e, "SIOCGIFHWADDR")
        }
        var fd = false
        if case .success(let mtu) = socket.mtu(of: interface), Int(mtu) == SocketCANSocket.fdMTU { fd = true }
        func must(_ r: Result<Void, Syscall.Errno>, _ what: String) throws(LinkError) {
            if case .failure(let e) = r { throw fail(.ioError, e, what) }
        }
        if fd { try must(socket.setFDFrames(true), "CAN_RAW_FD_FRAMES") }
        try must(socket.setFilters(options.filters), "CAN_RAW_FILTER")
        try must(socket.setErrorMask(options.errorClasses.rawValue), "CAN_RAW_ERR_FILTER")
        if options.kernelTimestamps { try must(socket.setTimestamps(true), "SO_TIMESTAMPNS") }
        if options.receiveOwnFrames { try must(socket.setReceiveOwnMessages(true), "CAN_RAW_RECV_OWN_MSGS") }
        switch socket.bind(ifindex: index) {
        case .success: break
        case .failure(let e) where e.code == ENODEV: throw fail(.notFound, e, "bind")
        case .failure(let e) where e.code == ENETDOWN: throw fail(.disconnected, e, "interface is down")
        case .failure(let e): throw fail(.ioError, e, "bind")
        }
        // A raw socket binds to a down interface without complaint: say so now.
        if case .success(let flags) = socket.flags(of: interface), flags & Int32(IFF_UP) == 0 {
            throw LinkError(.disconnected, device: interface, errno: ENETDOWN, detail: "interface is down")
        }
        ok = true
        return (socket, fd)
    }

    /// The reader thread: receive, flush, notice loss, reopen.
    private func run() {
        var buffer = CANWireBuffer()
        while true {
            guard let socket = shared.withLock({ $0.socket }) else {
                // Lost: try the interface again until it is back or we are closed.
                if !cancellation.sleep(milliseconds: options.reopenIntervalMilliseconds) { return }
                do throws(LinkError) {
                    let (s, fd) = try Self.openSocket(name, options)
                    self.fdFrames.store(fd, ordering: .relaxed)
                    shared.withLock {
                        $0.socket = s
                        $0.state = .open
                    }
                    counters.add(.reconnects)
                } catch {
                    if error.kind == .notACANInterface || error.kind == .invalidConfiguration {
                        shared.withLock { $0.state = .failed(error) }
                        return
                    }
                }
                continue
            }
            let wantWrite = shared.withLock { !$0.pending.isEmpty }
            let events = Int16(POLLIN) | (wantWrite ? Int16(POLLOUT) : 0)
            switch cancellation.wait(for: socket.fd, events: events, timeout: wantWrite ? 10 : 100) {
            case .cancelled: return
            case .timedOut:
                if wantWrite { shared.withLock { flush(&$0, socket) } }
            case .failed(let e):
                lose(socket, LinkError(.ioError, device: name, errno: e.code, detail: "poll"))
            case .ready(let revents):
                if revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                    let e = socket.pendingError()
                    // ENETDOWN / ENODEV: the interface went down or away.
                    lose(socket, LinkError(.disconnected, device: name, errno: e, detail: "interface went down or was removed"))
                    continue
                }
                if revents & Int16(POLLOUT) != 0 { shared.withLock { flush(&$0, socket) } }
                if revents & Int16(POLLIN) != 0 { drain(socket, &buffer) }
            }
        }
    }

    private func lose(_ socket: SocketCANSocket, _ error: LinkError) {
        shared.withLock {
            guard $0.socket == socket else { return }
            $0.socket = nil
            $0.state = .lost(error)
            socket.close()
            // Frames queued for a bus that went away are dropped, and counted.
            let n = $0.pending.count
            if n > 0 { counters.add(.sendRefused, UInt64(n)) }
            $0.pending.removeAll()
        }
    }

    /// Reads what the socket has (a bounded batch), decodes and queues it.
    private func drain(_ socket: SocketCANSocket, _ buffer: inout CANWireBuffer) {
        for _ in 0..<256 {
            var stamp: UInt64 = 0
            let r = withUnsafeMutableBytes(of: &buffer) { socket.receive(into: $0, timestamp: &stamp) }
            switch r {
            case .failure(let e) where e.isWouldBlock: return
            case .failure(let e):
                if e.isDisconnect || e.code == ENETDOWN || e.code == ENODEV {
                    lose(socket, LinkError(.disconnected, device: name, errno: e.code, detail: "receive"))
                } else {
                    counters.add(.malformed)
                }
                return
            case .success(let n):
                let decoded: CANFrame
                do {
                    decoded = try withUnsafeBytes(of: &buffer) { try CANFrame.decodeSocketCAN(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                } catch {
                    counters.add(.malformed)
                    continue
                }
                counters.add(.framesReceived)
                counters.add(.bytesReceived, UInt64(decoded.count))
                if decoded.isError, let report = CANErrorReport(decoded) {
                    counters.add(.errorFrames)
                    for event in report.events where !events.push(event) {
                        droppedEventCount.wrappingAdd(1, ordering: .relaxed)
                    }
                }
                let received = stamp != 0
                    ? ReceivedFrame(frame: decoded, timestamp: stamp, timestampSource: .kernel)
                    : ReceivedFrame(frame: decoded, timestamp: Syscall.monotonicNanoseconds(), timestampSource: .reader)
                if !frames.push(received) { counters.add(.receiveOverruns) }
            }
        }
    }
}

/// Room for one `struct canfd_frame` (72 bytes), inline.
struct CANWireBuffer {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
}

/// A bounded FIFO of frames, preallocated: the link's send queue.
struct FrameQueue {
    private var slots: [CANFrame?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) { slots = [CANFrame?](repeating: nil, count: capacity) }

    var isEmpty: Bool { count == 0 }

    mutating func push(_ f: CANFrame) -> Bool {
        guard count < slots.count else { return false }
        slots[(head + count) % slots.count] = f
        count += 1
        return true
    }

    func peek() -> CANFrame? { count == 0 ? nil : slots[head] }

    mutating func drop() {
        guard count > 0 else { return }
        slots[head] = nil
        head = (head + 1) % slots.count
        count -= 1
    }

    mutating func removeAll() { while count > 0 { drop() } }
}
