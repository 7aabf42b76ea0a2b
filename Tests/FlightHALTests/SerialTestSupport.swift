import FlightHAL

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers for the serial tests: a raw peer on a tty path, and polling with a deadline (the
/// deadlines only bound a failing test; nothing is timed).
enum SerialTestSupport {
    /// Opens `path` raw and non-blocking, as a peer program would.
    static func openRawPeer(_ path: String) -> Int32 {
        let fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { return fd }
        var t = termios()
        tcgetattr(fd, &t)
        cfmakeraw(&t)
        tcsetattr(fd, TCSANOW, &t)
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        let deadline = now() + 10
        while off < bytes.count && now() < deadline {
            let n = bytes[off...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 { off += n } else { usleep(1000) }
        }
        return off == bytes.count
    }

    /// Reads from `fd` until `count` bytes came or 10 s passed.
    static func readExactly(_ fd: Int32, _ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        let deadline = now() + 10
        while out.count < count && now() < deadline {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, min($0.count, count - out.count)) }
            if n > 0 { out += buf[0..<n] } else { usleep(1000) }
        }
        return out
    }

    /// Drains a link until `count` bytes came or 10 s passed; `pump` runs between tries (e.g.
    /// to keep writing the other direction).
    static func readExactly(_ link: any ByteLink, _ count: Int, pump: () -> Void = {}) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        let deadline = now() + 10
        while out.count < count && now() < deadline {
            let n = buf.withUnsafeMutableBytes { link.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<min($0.count, count - out.count)])) }
            if n > 0 { out += buf[0..<n] } else { pump(); usleep(1000) }
        }
        return out
    }

    /// Writes all of `bytes` to a link, retrying on back-pressure, within 10 s.
    static func writeAll(_ link: any ByteLink, _ bytes: [UInt8]) -> Bool {
        var off = 0
        let deadline = now() + 10
        while off < bytes.count && now() < deadline {
            let n = bytes[off...].withUnsafeBytes { link.write($0) }
            if n > 0 { off += n } else { usleep(1000) }
        }
        return off == bytes.count
    }

    /// Waits up to `seconds` for `condition`.
    static func eventually(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = now() + seconds
        while now() < deadline {
            if condition() { return true }
            usleep(5000)
        }
        return condition()
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// A deterministic pattern of `count` bytes covering every byte value (0x00, 0x11, 0x13,
    /// 0x0d, 0xff: what a non-raw tty would eat or translate).
    static func pattern(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed)) }
    }
}
