#if canImport(Glibc)
    import Glibc
#endif

/// Every system call of the serial backends (PTYs and termios): opening, termios attributes,
/// modem-line ioctls. Built on ``Syscall``'s EINTR retry; failures come back as ``Syscall/Errno``.
enum Terminal {
    /// Opens a new pseudo-terminal master (non-blocking, close-on-exec), grants and unlocks its
    /// slave, and returns the master and the slave's path.
    static func openMaster() -> Result<(master: Int32, slavePath: String), Syscall.Errno> {
        // posix_openpt/grantpt/unlockpt/ptsname are hidden behind _XOPEN_SOURCE in Glibc's
        // module, so do what they do on Linux: open /dev/ptmx, unlock, ask for the number
        // (grantpt is a no-op with devpts).
        let master: Int32
        switch Syscall.retrying({ Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) }) {
        case .failure(let e): return .failure(e)
        case .success(let fd): master = fd
        }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        if case .failure(let e) = Syscall.retrying({ ioctl(master, ioctlSetPTYLock, &unlock) }) {
            Syscall.close(master)
            return .failure(e)
        }
        if case .failure(let e) = Syscall.retrying({ ioctl(master, ioctlGetPTYNumber, &number) }) {
            Syscall.close(master)
            return .failure(e)
        }
        return .success((master, "/dev/pts/\(number)"))
    }

    /// `_IOW('T', 0x31, int)` and `_IOR('T', 0x30, unsigned int)` from <asm-generic/ioctls.h>
    /// (function-like macros, which Swift does not import).
    static let ioctlSetPTYLock: UInt = 0x4004_5431
    static let ioctlGetPTYNumber: UInt = 0x8004_5430

    /// Opens a terminal device read-write, non-blocking, without making it the controlling tty.
    static func open(_ path: String) -> Result<Int32, Syscall.Errno> {
        Syscall.retrying { Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) }
    }

    static func attributes(_ fd: Int32) -> Result<termios, Syscall.Errno> {
        var t = termios()
        return Syscall.retrying { tcgetattr(fd, &t) }.map { _ in t }
    }

    static func setAttributes(_ fd: Int32, _ t: termios) -> Result<Void, Syscall.Errno> {
        var t = t
        return Syscall.retrying { tcsetattr(fd, TCSANOW, &t) }.map { _ in () }
    }

    /// Raw mode: no line editing, echo, signals or character translation; reads return as soon
    /// as one byte is there (VMIN 1, VTIME 0; the descriptor is non-blocking anyway).
    static func makeRaw(_ t: inout termios) {
        cfmakeraw(&t)
        t.c_cflag |= tcflag_t(CREAD | CLOCAL)
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
    }

    /// Puts `fd` in raw mode (for a PTY master this sets the pair's shared termios).
    static func setRaw(_ fd: Int32) -> Result<Void, Syscall.Errno> {
        attributes(fd).flatMap { t in
            var t = t
            makeRaw(&t)
            return setAttributes(fd, t)
        }
    }

    /// Discards queued input and output (both directions).
    static func flush(_ fd: Int32) { _ = Syscall.retrying { tcflush(fd, TCIOFLUSH) } }

    /// Polls `fd` once without waiting; returns its revents (0 when nothing is pending).
    static func pollNow(_ fd: Int32, events: Int16 = Int16(POLLIN)) -> Int16 {
        var p = pollfd(fd: fd, events: events, revents: 0)
        switch Syscall.retrying({ poll(&p, 1, 0) }) {
        case .success(1): return p.revents
        default: return 0
        }
    }

    /// TIOCEXCL: further opens of this tty fail with EBUSY (except by root).
    static func setExclusive(_ fd: Int32) -> Result<Void, Syscall.Errno> {
        Syscall.retrying { ioctl(fd, UInt(TIOCEXCL)) }.map { _ in () }
    }

    static func releaseExclusive(_ fd: Int32) { _ = Syscall.retrying { ioctl(fd, UInt(TIOCNXCL)) } }

    /// The modem-status bits (TIOCM_*): ENOTTY/EINVAL on a PTY.
    static func modemBits(_ fd: Int32) -> Result<Int32, Syscall.Errno> {
        var bits: Int32 = 0
        return Syscall.retrying { ioctl(fd, UInt(TIOCMGET), &bits) }.map { _ in bits }
    }

    static func setModemBits(_ fd: Int32, _ bits: Int32, on: Bool) -> Result<Void, Syscall.Errno> {
        var b = bits
        return Syscall.retrying { ioctl(fd, UInt(on ? TIOCMBIS : TIOCMBIC), &b) }.map { _ in () }
    }
}

extension Terminal {
    /// The termios speed constant for a standard rate, nil for any other.
    static func speedConstant(_ baud: Int) -> speed_t? {
        let table: [Int: Int32] = [
            50: B50, 75: B75, 110: B110, 134: B134, 150: B150, 200: B200, 300: B300, 600: B600,
            1200: B1200, 1800: B1800, 2400: B2400, 4800: B4800, 9600: B9600, 19200: B19200,
            38400: B38400, 57600: B57600, 115_200: B115200, 230_400: B230400, 460_800: B460800,
            500_000: B500000, 576_000: B576000, 921_600: B921600, 1_000_000: B1000000,
            1_152_000: B1152000, 1_500_000: B1500000, 2_000_000: B2000000, 2_500_000: B2500000,
            3_000_000: B3000000, 3_500_000: B3500000, 4_000_000: B4000000,
        ]
        return table[baud].map { speed_t($0) }
    }

    /// Applies `configuration` to an open tty: raw mode, then speed, character size, parity,
    /// stop bits and flow control. A rate termios does not name is set through termios2 with
    /// BOTHER. Reads the attributes back and fails with EINVAL if the kernel did not keep them.
    static func configure(_ fd: Int32, _ c: SerialConfiguration) -> Result<Void, Syscall.Errno> {
        var t: termios
        switch attributes(fd) {
        case .failure(let e): return .failure(e)
        case .success(let a): t = a
        }
        makeRaw(&t)
        t.c_cflag &= ~(tcflag_t(CSIZE | PARENB | PARODD | CSTOPB) | tcflag_t(CRTSCTS))
        t.c_cflag |= tcflag_t([5: CS5, 6: CS6, 7: CS7, 8: CS8][c.dataBits] ?? CS8)
        if c.parity == .odd { t.c_cflag |= tcflag_t(PARENB | PARODD) }
        if c.parity == .even { t.c_cflag |= tcflag_t(PARENB) }
        if c.stopBits == 2 { t.c_cflag |= tcflag_t(CSTOPB) }
        t.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY)
        if c.flowControl == .rtsCts { t.c_cflag |= tcflag_t(UInt32(bitPattern: Int32(truncatingIfNeeded: CRTSCTS))) }
        if c.flowControl == .xonXoff { t.c_iflag |= tcflag_t(IXON | IXOFF) }
        let standard = speedConstant(c.baudRate)
        if let speed = standard {
            cfsetispeed(&t, speed)
            cfsetospeed(&t, speed)
        }
        if case .failure(let e) = setAttributes(fd, t) { return .failure(e) }
        if standard == nil, case .failure(let e) = setCustomSpeed(fd, c.baudRate) { return .failure(e) }
        // A PTY has no line: the kernel forces CS8 without parity, and the bytes are the same.
        if isPseudoTerminalSlave(fd) { return .success(()) }
        guard case .success(let back) = attributes(fd),
              back.c_cflag & tcflag_t(CSIZE) == t.c_cflag & tcflag_t(CSIZE),
              back.c_cflag & tcflag_t(PARENB | PARODD | CSTOPB) == t.c_cflag & tcflag_t(PARENB | PARODD | CSTOPB)
        else { return .failure(Syscall.Errno(EINVAL)) }
        return .success(())
    }

    /// Linux's `struct termios2` (<asm-generic/termbits.h>), which Glibc does not export.
    struct Termios2 {
        var c_iflag: UInt32 = 0, c_oflag: UInt32 = 0, c_cflag: UInt32 = 0, c_lflag: UInt32 = 0
        var c_line: UInt8 = 0
        var c_cc: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                   UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var c_ispeed: UInt32 = 0, c_ospeed: UInt32 = 0
    }
    /// `_IOR('T', 0x2A, struct termios2)`, `_IOW('T', 0x2B, struct termios2)`; BOTHER and CBAUD.
    static let ioctlGetTermios2: UInt = 0x802C_542A
    static let ioctlSetTermios2: UInt = 0x402C_542B
    static let bother: UInt32 = 0o010000
    static let cbaud: UInt32 = 0o010017

    /// Sets an arbitrary rate with termios2/BOTHER and reads back what the driver chose.
    static func setCustomSpeed(_ fd: Int32, _ baud: Int) -> Result<Void, Syscall.Errno> {
        precondition(MemoryLayout<Termios2>.size == 44)
        var t2 = Termios2()
        if case .failure(let e) = Syscall.retrying({ ioctl(fd, ioctlGetTermios2, &t2) }) { return .failure(e) }
        t2.c_cflag &= ~(cbaud | (cbaud << 16))
        t2.c_cflag |= bother | (bother << 16)
        t2.c_ispeed = UInt32(baud)
        t2.c_ospeed = UInt32(baud)
        return Syscall.retrying { ioctl(fd, ioctlSetTermios2, &t2) }.map { _ in () }
    }
}

extension Terminal {
    /// Unix98 PTY slaves have character-device majors 136-143 (devices.txt).
    static func isPseudoTerminalSlave(_ fd: Int32) -> Bool {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return false }
        let dev = UInt64(st.st_rdev)
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
        return (136...143).contains(major)
    }
}
