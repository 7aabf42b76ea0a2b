/// Bytes waiting to go out on a ``ByteLink``: whole lines are queued or refused as a whole, so
/// a line is never split by back-pressure, and what the link did not take now is written on the
/// next flush. Fixed capacity; never allocates after init.
struct SLCANOutbox: Sendable {
    private var storage: [UInt8]
    private var start = 0
    private var end = 0

    init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: max(capacity, SLCAN.maxLineLength + 1))
    }

    var pendingCount: Int { end - start }
    var freeCount: Int { storage.count - pendingCount }

    /// Queues all of `bytes`, or nothing when they do not fit.
    mutating func enqueue(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= freeCount else { return false }
        if end + bytes.count > storage.count { compact() }
        storage.withUnsafeMutableBytes { s in
            for (k, b) in bytes.enumerated() { s[end + k] = b }
        }
        end += bytes.count
        return true
    }

    /// Encodes with `body` (given room for one line) and queues the result; false when it
    /// does not fit or `body` returns nil.
    mutating func enqueueLine(_ body: (UnsafeMutableRawBufferPointer) -> Int?) -> Bool {
        withUnsafeTemporaryAllocation(byteCount: SLCAN.maxLineLength + 1, alignment: 1) { scratch in
            guard let n = body(scratch) else { return false }
            return enqueue(UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
        }
    }

    /// Writes as much as `link` takes now; returns how many bytes it took.
    @discardableResult
    mutating func flush(to link: any ByteLink) -> Int {
        guard start < end else { return 0 }
        let n = max(0, min(storage.withUnsafeBytes { link.write(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }, end - start))
        start += n
        if start == end { start = 0; end = 0 }
        return n
    }

    mutating func removeAll() { start = 0; end = 0 }

    private mutating func compact() {
        let n = end - start
        storage.withUnsafeMutableBytes { s in
            for k in 0..<n { s[k] = s[start + k] }
        }
        start = 0
        end = n
    }
}
