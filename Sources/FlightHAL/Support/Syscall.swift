#if canImport(Glibc)
    import Glibc
#endif

/// Every system call FlightHAL makes goes through here (or through a backend's own
/// `+Syscalls.swift` file built on these helpers): calls are retried on EINTR and failures
/// come back as a typed ``Errno``.
public enum Syscall {
    /// A failed call's errno.
    public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
        public var code: Int32
        public init(_ code: Int32) { self.code = code }
        public static var current: Errno { Errno(Glibc.errno) }
        public var description: String { Syscall.describe(code) }
        public var isWouldBlock: Bool { code == EAGAIN || code == EWOULDBLOCK }
        public var isNoBufferSpace: Bool { code == ENOBUFS }
        /// The device is gone (unplugged USB serial, hung-up PTY, interface removed).
        public var isDisconnect: Bool { [EIO, ENXIO, ENODEV, EBADF, EPIPE, ENETDOWN, ECONNRESET].contains(code) }
    }

    /// "ENOENT (No such file or directory)"-style text for an errno.
    public static func describe(_ code: Int32) -> String {
        let text = strerror(code).map { String(cString: $0) } ?? "unknown error"
        return "errno \(code): \(text)"
    }

    /// Runs `call` until it does not fail with EINTR; -1 becomes ``Errno``.
    public static func retrying<T: FixedWidthInteger>(_ call: () -> T) -> Result<T, Errno> {
        while true {
            let r = call()
            if r == -1 {
                let e = Glibc.errno
                if e == EINTR { continue }
                return .failure(Errno(e))
            }
            return .success(r)
        }
    }

    public static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    public static func setNonBlocking(_ fd: Int32) -> Result<Void, Errno> {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0 else { return .failure(.current) }
        return retrying { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }.map { _ in () }
    }

    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        retrying { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    public static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Result<Int, Errno> {
        retrying { Glibc.write(fd, bytes.baseAddress, bytes.count) }
    }

    public static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    public static func sleep(milliseconds: Int) {
        var req = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var rem = timespec()
        while nanosleep(&req, &rem) == -1 && Glibc.errno == EINTR { req = rem }
    }
}
