import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal pair: a simulator or emulator keeps the master side as a ``ByteLink`` and
/// hands ``slavePath`` (e.g. `/dev/pts/7`) to whoever plays the device's other end: flight
/// software opening it as a ``SerialPort``, `slcand`, pyserial, `socat`.
///
/// The pair is in raw mode. A reader thread moves what the peer writes into a bounded ring
/// (overruns counted); ``write(_:)`` never blocks. When the peer closes the slave, the link
/// reports `.lost(.disconnected)` and refuses sends (counted) until a peer opens the slave
/// again; it then is `.open` once more and `reconnects` counts it. The kernel gives no event for
/// a slave being reopened, so while lost the reader checks every `reopenCheckInterval`
/// milliseconds (it never spins on the master's standing POLLHUP).
///
/// Bytes written before any peer has opened the slave wait in the kernel for the first peer.
public final class PseudoTerminal: ByteLink {
    public let name: String
    /// The slave device's path: what a peer opens.
    public let slavePath: String
    private let core: Core

    /// Opens a new pair. `receiveCapacity` bounds the bytes waiting for ``read(into:)``.
    public init(name: String = "pty", receiveCapacity: Int = 4096, reopenCheckInterval: Int32 = 20) throws(LinkError) {
        let master: Int32
        switch Terminal.openMaster() {
        case .failure(let e):
            throw LinkError(e.code == EACCES ? .permissionDenied : .ioError, device: "/dev/ptmx", errno: e.code,
                            detail: "could not open a pseudo-terminal master")
        case .success(let pair):
            master = pair.master
            slavePath = pair.slavePath
        }
        if case .failure(let e) = Terminal.setRaw(master) {
            Syscall.close(master)
            throw LinkError(.ioError, device: slavePath, errno: e.code, detail: "could not set raw mode")
        }
        self.name = name
        core = Core(name: name, master: master, slavePath: slavePath, capacity: receiveCapacity,
                    interval: reopenCheckInterval)
        core.start()
    }

    deinit { close() }

    public var state: LinkState { core.state.withLock { $0 } }
    public var statistics: LinkStatistics { core.counters.snapshot }

    /// True while a peer has the slave open (or none has opened it yet).
    public var isPeerConnected: Bool { state == .open }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = core.ring.read(into: buffer)
        core.counters.add(.bytesReceived, UInt64(n))
        return n
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        core.write(bytes)
    }

    public func close() { core.stop() }

    /// What the reader thread and the caller's thread share. The master descriptor is closed
    /// only by ``stop()`` after the reader has been joined, under the lock writers take.
    final class Core: Sendable {
        let name: String
        let slavePath: String
        let ring: SPSCByteRing
        let counters = LinkCounters()
        let state = Mutex<LinkState>(.open)
        let master: Mutex<Int32>
        let cancellation = Cancellation()
        let thread = Mutex<LinkThread?>(nil)
        let interval: Int32

        init(name: String, master: Int32, slavePath: String, capacity: Int, interval: Int32) {
            self.name = name
            self.slavePath = slavePath
            self.master = Mutex(master)
            ring = SPSCByteRing(capacity: capacity)
            self.interval = max(1, interval)
        }

        func start() {
            let fd = master.withLock { $0 }
            thread.withLock { $0 = LinkThread.spawn { [self] in run(fd) } }
        }

        func stop() {
            guard let t = thread.withLock({ t -> LinkThread? in defer { t = nil }; return t }) else { return }
            cancellation.cancel()
            t.join()
            master.withLock { fd in
                if fd >= 0 { Syscall.close(fd) }
                fd = -1
            }
            state.withLock { $0 = .closed }
        }

        func write(_ bytes: UnsafeRawBufferPointer) -> Int {
            guard bytes.count > 0 else { return 0 }
            guard state.withLock({ $0 }) == .open else {
                counters.add(.sendRefused)
                return 0
            }
            let result = master.withLock { fd -> Result<Int, Syscall.Errno> in
                fd < 0 ? .failure(Syscall.Errno(EBADF)) : Syscall.write(fd, bytes)
            }
            switch result {
            case .success(let n):
                counters.add(.bytesSent, UInt64(n))
                if n < bytes.count { counters.add(.sendRefused) }
                return n
            case .failure(let e):
                if e.isWouldBlock { counters.add(.sendRetries) }
                counters.add(.sendRefused)
                return 0
            }
        }

        /// The reader: drain the master into the ring; on hang-up, wait for a new peer.
        private func run(_ fd: Int32) {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                switch cancellation.wait(for: fd, events: Int16(POLLIN)) {
                case .cancelled: return
                case .timedOut: continue
                case .failed(let e):
                    lose(LinkError(.ioError, device: slavePath, errno: e.code, detail: "poll failed"))
                    if !awaitPeer(fd) { return }
                case .ready(let revents):
                    let hungUp = !drain(fd, &buffer)
                        || (revents & Int16(POLLHUP) != 0 && Terminal.pollNow(fd) & Int16(POLLIN) == 0)
                    if hungUp {
                        // What the old peer never read must not reach the next one.
                        Terminal.flush(fd)
                        lose(LinkError(.disconnected, device: slavePath, detail: "the peer closed the PTY"))
                        if !awaitPeer(fd) { return }
                    }
                }
            }
        }

        /// Reads until the master has nothing more; false when it reports the peer gone (EIO).
        private func drain(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
            while true {
                let r = buffer.withUnsafeMutableBytes { Syscall.read(fd, into: $0) }
                switch r {
                case .success(0): return false
                case .success(let n):
                    let taken = buffer.withUnsafeBytes { ring.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                    if taken < n { counters.add(.receiveOverruns, UInt64(n - taken)) }
                case .failure(let e):
                    return e.isWouldBlock
                }
            }
        }

        private func lose(_ error: LinkError) {
            state.withLock { $0 = .lost(error) }
        }

        /// Waits (checking every `interval` ms) until a peer has the slave open again; false when
        /// cancelled.
        private func awaitPeer(_ fd: Int32) -> Bool {
            while cancellation.sleep(milliseconds: interval) {
                if Terminal.pollNow(fd) & Int16(POLLHUP) == 0 {
                    counters.add(.reconnects)
                    state.withLock { $0 = .open }
                    return true
                }
            }
            return false
        }
    }
}
