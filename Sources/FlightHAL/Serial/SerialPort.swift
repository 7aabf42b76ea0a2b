import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A serial port as a ``ByteLink``: a real UART or USB adapter through libserialport, or a PTY
/// (and anything else libserialport refuses) through termios, behind the same interface.
///
/// A reader thread polls the device (with a ``Cancellation``) and moves received bytes into a
/// bounded ring that ``read(into:)`` drains on the driver's tick; a full ring drops and counts
/// (`receiveOverruns`). ``write(_:)`` is non-blocking: what the device cannot take now is
/// refused and counted (`sendRefused`; EAGAIN also counts `sendRetries`), and a partial write
/// returns the count taken.
///
/// When the device goes away (EIO, ENXIO, POLLHUP: USB unplugged, the PTY's other side closed),
/// the link closes it, reports `.lost(LinkError(.disconnected, ...))`, refuses sends, and tries
/// to open the same path again every `reopenInterval` milliseconds; when that works it is
/// `.open` again and `reconnects` counts it.
public final class SerialPort: ByteLink {
    public enum Backend: String, Sendable, Hashable {
        /// Opened and configured with libserialport (real ports).
        case libserialport
        /// Opened with open(2) and configured with termios (PTYs, and ports libserialport refuses).
        case termios
    }

    /// The device path.
    public let name: String
    public let configuration: SerialConfiguration
    private let core: Core

    /// Opens `path` with `configuration`. Throws ``LinkError`` `.invalidConfiguration` before
    /// touching the device when the configuration is wrong, and the open's own error when the
    /// device cannot be opened now. `preferLibserialport: false` goes straight to termios.
    public init(path: String, configuration: SerialConfiguration = SerialConfiguration(), receiveCapacity: Int = 4096,
                reopenInterval: Int32 = 100, preferLibserialport: Bool = true) throws(LinkError) {
        try configuration.validate(device: path)
        name = path
        self.configuration = configuration
        let device = try SerialDevice.open(path, configuration, preferLibserialport: preferLibserialport).get()
        core = Core(path: path, configuration: configuration, device: device, capacity: receiveCapacity,
                    interval: reopenInterval, preferLibserialport: preferLibserialport)
        core.start()
    }

    deinit { close() }

    public var state: LinkState { core.state.withLock { $0 } }
    public var statistics: LinkStatistics { core.counters.snapshot }

    /// The backend of the device as open now (nil while lost or closed).
    public var backend: Backend? { core.device.withLock { $0?.backend } }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = core.ring.read(into: buffer)
        core.counters.add(.bytesReceived, UInt64(n))
        return n
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Int { core.write(bytes) }

    public func close() { core.stop() }

    /// CTS, DSR, DCD and RI, or nil where the device has no modem lines (a PTY) or is not open.
    public var modemStatus: ModemStatus? { core.device.withLock { $0?.modemStatus() } }

    /// Sets DTR; false where the device has no modem lines or is not open.
    @discardableResult
    public func setDTR(_ on: Bool) -> Bool { core.device.withLock { $0?.setLine(dtr: true, on) ?? false } }

    /// Sets RTS; false where the device has no modem lines or is not open.
    @discardableResult
    public func setRTS(_ on: Bool) -> Bool { core.device.withLock { $0?.setLine(dtr: false, on) ?? false } }

    /// What the reader thread and the callers share. The device is replaced or closed only by
    /// the reader (on loss and reopen) or by ``stop()`` after the reader joined, always under
    /// `device`'s lock, which writers hold while they write; so no write reaches a closed or
    /// reused descriptor.
    final class Core: Sendable {
        let path: String
        let configuration: SerialConfiguration
        let ring: SPSCByteRing
        let counters = LinkCounters()
        let state = Mutex<LinkState>(.open)
        let device: Mutex<SerialDevice?>
        let cancellation = Cancellation()
        let thread = Mutex<LinkThread?>(nil)
        let interval: Int32
        let preferLibserialport: Bool

        init(path: String, configuration: SerialConfiguration, device: SerialDevice, capacity: Int, interval: Int32,
             preferLibserialport: Bool) {
            self.path = path
            self.configuration = configuration
            self.device = Mutex(device)
            ring = SPSCByteRing(capacity: capacity)
            self.interval = max(1, interval)
            self.preferLibserialport = preferLibserialport
        }

        func start() {
            thread.withLock { $0 = LinkThread.spawn { [self] in run() } }
        }

        func stop() {
            guard let t = thread.withLock({ t -> LinkThread? in defer { t = nil }; return t }) else { return }
            cancellation.cancel()
            t.join()
            device.withLock { d in
                d?.close()
                d = nil
            }
            state.withLock { $0 = .closed }
        }

        func write(_ bytes: UnsafeRawBufferPointer) -> Int {
            guard bytes.count > 0 else { return 0 }
            let result = device.withLock { d -> Result<Int, Syscall.Errno>? in d.map { $0.write(bytes) } }
            switch result {
            case nil:
                counters.add(.sendRefused)
                return 0
            case .success(let n):
                counters.add(.bytesSent, UInt64(n))
                if n < bytes.count {
                    counters.add(.sendRefused)
                    if n == 0 { counters.add(.sendRetries) }
                }
                return n
            case .failure(let e):
                if e.isWouldBlock { counters.add(.sendRetries) }
                counters.add(.sendRefused)
                return 0
            }
        }

        /// The reader: poll the open device and drain it; on loss, reopen until it returns.
        private func run() {
            var buffer = [UInt8](repeating: 0, count: 4096)
            guard var fd = device.withLock({ $0?.fd }) else { return }
            while true {
                switch cancellation.wait(for: fd, events: Int16(POLLIN)) {
                case .cancelled: return
                case .timedOut: continue
                case .failed(let e):
                    guard let next = lose(LinkError(.ioError, device: path, errno: e.code, detail: "poll failed")) else { return }
                    fd = next
                case .ready(let revents):
                    var lost: LinkError? = nil
                    if revents & Int16(POLLIN) != 0 {
                        lost = drain(&buffer)
                    } else if revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                        lost = LinkError(.disconnected, device: path, detail: "the device hung up")
                    }
                    if let error = lost {
                        guard let next = lose(error) else { return }
                        fd = next
                    }
                }
            }
        }

        /// Reads until the device has nothing more; the loss, when the device went away.
        private func drain(_ buffer: inout [UInt8]) -> LinkError? {
            var first = true
            while true {
                // The reader owns the device's lifetime, so reading without the lock is safe;
                // the lock is taken only to borrow the reference.
                guard let d = device.withLock({ $0 }) else { return nil }
                let r = buffer.withUnsafeMutableBytes { d.read(into: $0) }
                switch r {
                case .success(0):
                    // Readable but nothing came: end of file, i.e. a hang-up.
                    return first ? LinkError(.disconnected, device: path, detail: "the device hung up (end of file)") : nil
                case .success(let n):
                    let taken = buffer.withUnsafeBytes { ring.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                    if taken < n { counters.add(.receiveOverruns, UInt64(n - taken)) }
                    first = false
                case .failure(let e):
                    if e.isWouldBlock { return nil }
                    return LinkError(e.isDisconnect ? .disconnected : .ioError, device: path, errno: e.code,
                                     detail: "read failed")
                }
            }
        }

        /// Closes the device, reports the loss, and reopens it every `interval` ms. Returns the
        /// new descriptor, or nil when cancelled (or the configuration can never work).
        private func lose(_ error: LinkError) -> Int32? {
            device.withLock { d in
                d?.close()
                d = nil
            }
            state.withLock { $0 = .lost(error) }
            while cancellation.sleep(milliseconds: interval) {
                switch SerialDevice.open(path, configuration, preferLibserialport: preferLibserialport) {
                case .success(let d):
                    let fd = d.fd
                    device.withLock { $0 = d }
                    counters.add(.reconnects)
                    state.withLock { $0 = .open }
                    return fd
                case .failure(let e) where e.kind == .invalidConfiguration:
                    state.withLock { $0 = .failed(e) }
                    return nil
                case .failure:
                    continue
                }
            }
            return nil
        }
    }
}
