import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The hub of the cross-process simulated bus: listens on a Unix domain socket
/// (`SOCK_SEQPACKET`) and relays every record a client sends to every other connected
/// client, in the order it received them (not back to the sender, as on a CAN bus without
/// loopback). Clients are ``UnixSocketFrameLink``s, in this process or another.
///
/// Flow control, so that nothing is lost while receivers keep up: each client has a bounded
/// queue of records waiting to be written to it. The server reads from a client only while
/// every other client's queue has room, so a slow receiver first fills its socket buffer, then
/// its queue, and then the server stops reading from the senders; their socket buffers fill
/// and their `send` returns `.backPressure` (counted in their `sendRefused`). Nothing is
/// dropped for a slow receiver. The server itself never blocks: one thread, `poll(2)`,
/// non-blocking sockets. A client whose queue stays full for `stallTimeout` milliseconds (it
/// stopped reading) is disconnected and counted in ``Statistics/clientsEvicted``, so one stuck
/// process cannot stop the bus forever.
public final class SimulatedBusServer: Sendable {
    public let path: String
    private let listener: Int32
    private let cancellation = Cancellation()
    private let thread = Mutex<LinkThread?>(nil)
    private let shared = ServerStatistics()
    private let closed = Atomic<Bool>(false)

    /// What the server has done.
    public struct Statistics: Hashable, Sendable {
        public var clientsConnected = 0
        public var clientsAccepted: UInt64 = 0
        /// Records read from clients (well-formed ones).
        public var recordsReceived: UInt64 = 0
        /// Record copies written to clients.
        public var recordsForwarded: UInt64 = 0
        /// Records that did not decode; skipped.
        public var malformed: UInt64 = 0
        /// Clients disconnected because they stopped reading for longer than the stall timeout.
        public var clientsEvicted: UInt64 = 0
    }

    /// Starts listening on `path` (a stale socket file there is replaced).
    /// - Parameters:
    ///   - queueCapacity: records waiting per client before the server stops reading senders.
    ///   - stallTimeout: milliseconds a client's queue may stay full before it is disconnected.
    public init(path: String, queueCapacity: Int = 1024, stallTimeout: Int = 5_000) throws(LinkError) {
        self.path = path
        switch UnixSocket.listen(path: path, type: UnixSocket.seqpacket) {
        case .failure(let e): throw e
        case .success(let fd): listener = fd
        }
        let loop = RelayLoop(
            listener: listener, cancellation: cancellation, shared: shared,
            queueCapacity: max(queueCapacity, 1), stallTimeout: UInt64(max(stallTimeout, 1)) * 1_000_000)
        thread.withLock { $0 = LinkThread.spawn { loop.run() } }
    }

    deinit { close() }

    public var statistics: Statistics { shared.value.withLock { $0 } }
    public var clientCount: Int { shared.value.withLock { $0.clientsConnected } }

    /// Stops relaying, disconnects every client and removes the socket file. Idempotent.
    public func close() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        cancellation.cancel()
        thread.withLock { $0?.join() }
        Syscall.close(listener)
        unlink(path)
    }
}

/// The server's thread: owns the client sockets and queues; shares only the statistics.
private final class RelayLoop: @unchecked Sendable {
    // Unchecked: created on the caller's thread, then used only by the one server thread
    // (handed over by pthread_create, which orders the memory); the Mutex'd statistics are the
    // only state shared afterwards.
    let listener: Int32
    let cancellation: Cancellation
    let shared: ServerStatistics
    let queueCapacity: Int
    let stallTimeout: UInt64
    var clients: [Client] = []
    var stats = SimulatedBusServer.Statistics()
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)

    init(listener: Int32, cancellation: Cancellation, shared: ServerStatistics, queueCapacity: Int, stallTimeout: UInt64) {
        self.listener = listener
        self.cancellation = cancellation
        self.shared = shared
        self.queueCapacity = queueCapacity
        self.stallTimeout = stallTimeout
    }

    deinit { scratch.deallocate() }

    final class Client {
        let fd: Int32
        let queue: RecordQueue
        var fullSince: UInt64 = 0
        /// The peer hung up; what it sent before is still read (and relayed) until EOF.
        var hungUp = false
        /// Writing to the peer failed (it is gone): nothing more is queued for it.
        var writeClosed = false
        init(fd: Int32, capacity: Int) {
            self.fd = fd
            queue = RecordQueue(capacity: capacity)
        }
    }

    /// Whether `c` may be read now: every other client's queue has room for a record.
    private func mayRead(_ c: Client) -> Bool {
        !clients.contains { $0 !== c && $0.queue.isFull }
    }

    func run() {
        var fds: [pollfd] = []
        while true {
            fds.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: cancellation.fd, events: Int16(POLLIN), revents: 0))
            fds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0))
            var anyFull = false
            for c in clients {
                var ev: Int16 = 0
                let readable = mayRead(c)
                if readable { ev |= Int16(POLLIN) }
                if !c.queue.isEmpty && !c.writeClosed { ev |= Int16(POLLOUT) }
                if c.queue.isFull { anyFull = true }
                // A hung-up peer that may not be read yet would make poll return at once.
                fds.append(pollfd(fd: c.hungUp && !readable ? -1 : c.fd, events: ev, revents: 0))
            }
            let timeout: Int32 = anyFull ? 100 : -1
            let r = Syscall.retrying { poll(&fds, nfds_t(fds.count), timeout) }
            if case .failure = r { break }
            if fds[0].revents != 0 { break }

            var gone: [Client] = []
            let polled = clients  // accepted below join the next round
            for (i, c) in polled.enumerated() {
                let rev = fds[i + 2].revents
                if rev & Int16(POLLOUT) != 0 { flush(c) }
                if rev & Int16(POLLHUP | POLLERR) != 0 { c.hungUp = true }
                if rev & Int16(POLLIN) != 0 || (c.hungUp && mayRead(c)) {
                    if !readFrom(c) { gone.append(c) }
                }
            }
            if fds[1].revents & Int16(POLLIN) != 0 { acceptAll() }
            // Write what was just queued without waiting for another poll round.
            for c in clients where !c.queue.isEmpty { flush(c) }
            let now = Syscall.monotonicNanoseconds()
            for c in clients where !gone.contains(where: { $0 === c }) {
                if c.queue.isFull {
                    if c.fullSince == 0 { c.fullSince = now } else if now - c.fullSince > stallTimeout {
                        gone.append(c)
                        stats.clientsEvicted += 1
                    }
                } else {
                    c.fullSince = 0
                }
            }
            for c in gone { drop(c) }
            publish()
        }
        for c in clients { Syscall.close(c.fd) }
        clients.removeAll()
        publish()
    }

    private func publish() {
        stats.clientsConnected = clients.count
        let s = stats
        shared.value.withLock { $0 = s }
    }

    private func acceptAll() {
        while case .success(let fd) = UnixSocket.accept(listener) {
            clients.append(Client(fd: fd, capacity: queueCapacity))
            stats.clientsAccepted += 1
        }
    }

    private func drop(_ c: Client) {
        guard let i = clients.firstIndex(where: { $0 === c }) else { return }
        Syscall.close(c.fd)
        clients.remove(at: i)
    }

    /// Reads records from `c` while every other client has room; false when `c` is gone
    /// (end of file, or a read error).
    private func readFrom(_ c: Client) -> Bool {
        while mayRead(c) {
            switch UnixSocket.receive(c.fd, into: scratch) {
            case .failure(let e): return e.isWouldBlock
            case .success(0): return false
            case .success(let n):
                let record = UnsafeRawBufferPointer(rebasing: scratch[0..<n])
                guard SimulatedBusRecord.decode(record) != nil else {
                    stats.malformed += 1
                    continue
                }
                stats.recordsReceived += 1
                for other in clients where other !== c && !other.writeClosed { other.queue.push(record) }
            }
        }
        return true
    }

    /// Writes queued records to `c` until its socket is full. When the peer is gone its queue
    /// is emptied and nothing more is queued for it (it stays until its last records are read).
    private func flush(_ c: Client) {
        while let record = c.queue.peek() {
            switch UnixSocket.send(c.fd, record) {
            case .failure(let e) where e.isWouldBlock: return
            case .failure:
                c.writeClosed = true
                while c.queue.peek() != nil { c.queue.removeFirst() }
                return
            case .success:
                c.queue.removeFirst()
                stats.recordsForwarded += 1
            }
        }
    }
}

/// The statistics the server thread publishes after each round.
final class ServerStatistics: Sendable {
    let value = Mutex(SimulatedBusServer.Statistics())
}

/// A bounded FIFO of whole records in preallocated slots (the server thread's own).
final class RecordQueue {
    private let slots: UnsafeMutableRawBufferPointer
    private let lengths: UnsafeMutableBufferPointer<Int>
    let capacity: Int
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        slots = .allocate(byteCount: capacity * SimulatedBusRecord.maxSize, alignment: 8)
        lengths = .allocate(capacity: capacity)
    }

    deinit {
        slots.deallocate()
        lengths.deallocate()
    }

    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count == capacity }

    /// Appends a record (the caller checked there is room).
    func push(_ record: UnsafeRawBufferPointer) {
        precondition(!isFull && record.count <= SimulatedBusRecord.maxSize)
        let slot = (head + count) % capacity
        UnsafeMutableRawBufferPointer(rebasing: slots[(slot * SimulatedBusRecord.maxSize)...]).copyMemory(from: record)
        lengths[slot] = record.count
        count += 1
    }

    func peek() -> UnsafeRawBufferPointer? {
        guard count > 0 else { return nil }
        let start = head * SimulatedBusRecord.maxSize
        return UnsafeRawBufferPointer(rebasing: slots[start..<(start + lengths[head])])
    }

    func removeFirst() {
        head = (head + 1) % capacity
        count -= 1
    }
}
