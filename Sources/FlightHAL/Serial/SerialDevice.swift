#if canImport(Glibc)
    import Glibc
#endif

/// One open serial device, through either backend. Owned by a ``SerialPort``'s core.
final class SerialDevice: Sendable {
    enum Handle {
        case libserialport(LibSerialPort.Port)
        case termios
    }

    let fd: Int32
    let handle: Handle
    var backend: SerialPort.Backend {
        if case .libserialport = handle { return .libserialport }
        return .termios
    }

    private init(fd: Int32, handle: Handle) {
        self.fd = fd
        self.handle = handle
    }

    /// libserialport first (when preferred); termios when libserialport refuses the device
    /// (PTYs: no sysfs entry, no modem-line ioctls). A configuration libserialport rejects is
    /// not retried with termios.
    static func open(_ path: String, _ c: SerialConfiguration, preferLibserialport: Bool) -> Result<SerialDevice, LinkError> {
        if preferLibserialport {
            switch LibSerialPort.open(path, c) {
            case .success(let port):
                let fd = port.fd
                _ = Syscall.setNonBlocking(fd)
                if c.exclusive { _ = Terminal.setExclusive(fd) }
                return .success(SerialDevice(fd: fd, handle: .libserialport(port)))
            case .failure(let f) where f.isConfiguration:
                return .failure(LinkError(.invalidConfiguration, device: path, errno: f.errno,
                                          detail: "\(c) refused by libserialport: \(f.message)"))
            case .failure(let f) where f.errno == ENOENT || f.errno == EACCES || f.errno == EBUSY:
                return .failure(error(path, f.errno, "open failed"))
            case .failure:
                break  // e.g. a PTY: fall back to termios
            }
        }
        let fd: Int32
        switch Terminal.open(path) {
        case .failure(let e): return .failure(error(path, e.code, "open failed"))
        case .success(let f): fd = f
        }
        guard isatty(fd) == 1 else {
            Syscall.close(fd)
            return .failure(LinkError(.unsupported, device: path, errno: ENOTTY, detail: "not a terminal device"))
        }
        if c.exclusive, case .failure(let e) = Terminal.setExclusive(fd), e.code == EBUSY {
            Syscall.close(fd)
            return .failure(error(path, EBUSY, "exclusive open refused"))
        }
        if case .failure(let e) = Terminal.configure(fd, c) {
            Syscall.close(fd)
            return .failure(LinkError(.invalidConfiguration, device: path, errno: e.code, detail: "\(c) refused by the driver"))
        }
        let d = SerialDevice(fd: fd, handle: .termios)
        if c.assertDTR { _ = d.setLine(dtr: true, true) }
        if c.assertRTS && c.flowControl != .rtsCts { _ = d.setLine(dtr: false, true) }
        return .success(d)
    }

    private static func error(_ path: String, _ code: Int32, _ detail: String) -> LinkError {
        let kind: LinkError.Kind = switch code {
        case ENOENT, ENODEV, ENXIO: .notFound
        case EACCES, EPERM: .permissionDenied
        case EBUSY: .busy
        default: .ioError
        }
        return LinkError(kind, device: path, errno: code, detail: detail)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Syscall.Errno> {
        switch handle {
        case .libserialport(let port):
            return LibSerialPort.read(port, into: buffer)
        case .termios:
            return Syscall.read(fd, into: buffer)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Result<Int, Syscall.Errno> {
        switch handle {
        case .libserialport(let port): return LibSerialPort.write(port, bytes)
        case .termios: return Syscall.write(fd, bytes)
        }
    }

    func close() {
        switch handle {
        case .libserialport(let port):
            Terminal.releaseExclusive(fd)
            LibSerialPort.close(port)
        case .termios:
            Terminal.releaseExclusive(fd)
            Syscall.close(fd)
        }
    }

    func modemStatus() -> ModemStatus? {
        switch handle {
        case .libserialport(let port): return LibSerialPort.signals(port)
        case .termios:
            guard case .success(let bits) = Terminal.modemBits(fd) else { return nil }
            return ModemStatus(cts: bits & TIOCM_CTS != 0, dsr: bits & TIOCM_DSR != 0, dcd: bits & TIOCM_CAR != 0,
                               ring: bits & TIOCM_RNG != 0)
        }
    }

    func setLine(dtr: Bool, _ on: Bool) -> Bool {
        switch handle {
        case .libserialport(let port): return dtr ? LibSerialPort.setDTR(port, on) : LibSerialPort.setRTS(port, on)
        case .termios:
            if case .success = Terminal.setModemBits(fd, dtr ? TIOCM_DTR : TIOCM_RTS, on: on) { return true }
            return false
        }
    }
}
