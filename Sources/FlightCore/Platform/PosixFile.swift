#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file operations FlightCore needs (parameter files), over POSIX calls with EINTR retry.
enum PosixFile {
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Reads a whole file of at most `limit` bytes.
    /// Reads a whole file into `buffer`; returns the byte count, or why not (``Errno/tooLarge``
    /// when the file does not fit).
    static func read(path: String, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        let fd = retry { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return .failure(Errno(Platform.errno)) }
        defer { _ = close(fd) }
        var total = 0
        while true {
            if total == buffer.count {
                var probe: UInt8 = 0
                let n = retry { Glibc.read(fd, &probe, 1) }
                return n == 0 ? .success(total) : .failure(n < 0 ? Errno(Platform.errno) : .tooLarge)
            }
            let n = retry { Glibc.read(fd, buffer.baseAddress! + total, buffer.count - total) }
            if n < 0 { return .failure(Errno(Platform.errno)) }
            if n == 0 { return .success(total) }
            total += n
        }
    }

    static func read(path: String, limit: Int) -> Result<[UInt8], Errno> {
        let fd = retry { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return .failure(Errno(Platform.errno)) }
        defer { _ = close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { b in retry { Glibc.read(fd, b.baseAddress, b.count) } }
            if n < 0 { return .failure(Errno(Platform.errno)) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { return .failure(.tooLarge) }
        }
        return .success(out)
    }

    /// Writes `bytes` to `path` so that a reader sees the old file or the new one, never a mix:
    /// write a temporary file, fsync it, rename it over. Returns an errno on failure.
    static func writeAtomically(path: String, bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { writeAtomically(path: path, bytes: $0) }
    }

    static func writeAtomically(path: String, bytes: UnsafeRawBufferPointer) -> Int32? {
        let tmp = path + ".tmp"
        let fd = retry { open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { return Platform.errno }
        var written = 0
        while written < bytes.count {
            let n = retry { write(fd, bytes.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                let e = Platform.errno
                _ = close(fd)
                _ = unlink(tmp)
                return e
            }
            written += n
        }
        if fsync(fd) != 0 {
            let e = Platform.errno
            _ = close(fd)
            _ = unlink(tmp)
            return e
        }
        _ = close(fd)
        if rename(tmp, path) != 0 {
            let e = Platform.errno
            _ = unlink(tmp)
            return e
        }
        return nil
    }

    private static func retry<T: FixedWidthInteger>(_ call: () -> T) -> T {
        while true {
            let r = call()
            if r == -1 && Platform.errno == EINTR { continue }
            return r
        }
    }
}

/// A failed system call's errno, typed (``tooLarge`` is Regolith's own: a read over its limit).
struct Errno: Error, Hashable {
    var code: Int32
    init(_ code: Int32) { self.code = code }
    static let tooLarge = Errno(-1)
}
