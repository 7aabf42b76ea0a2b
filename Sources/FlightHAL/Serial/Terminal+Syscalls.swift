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
