#if canImport(Glibc)
    import Glibc
#endif

/// Lines from standard input without blocking (poll with no timeout, then one read).
struct StdinLines {
    enum Event: Equatable {
        case line(String)
        case end
    }

    private var pending: [UInt8] = []
    private var ended = false

    mutating func next() -> Event? {
        if let line = takeLine() { return .line(line) }
        if ended { return .end }
        var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
        if n <= 0 {
            ended = true
            return takeLine() .map { .line($0) } ?? .end
        }
        pending += buffer[0..<n]
        return takeLine().map { .line($0) }
    }

    private mutating func takeLine() -> String? {
        guard let i = pending.firstIndex(of: 0x0A) else { return nil }
        let line = String(decoding: pending[..<i], as: UTF8.self).trimmingCharacters()
        pending.removeFirst(i + 1)
        return line
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(self.drop { $0 == " " || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\r" }.reversed())
    }
}
