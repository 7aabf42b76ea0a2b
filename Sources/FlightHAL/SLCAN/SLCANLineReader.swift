/// Splits an SLCAN byte stream into lines, in pieces of any size: CR ends a line, BELL is an
/// adapter's "error" reply (and, as in the Linux driver, also ends whatever came before it).
/// A line longer than ``maxLineLength`` is dropped up to the next CR or BELL and reported once
/// (resynchronisation on CR). LF is ignored, so a peer that ends lines with CR LF still works.
/// Storage is reserved once; ingesting never allocates.
public struct SLCANLineReader: Sendable {
    public enum Event {
        /// A complete line without its CR (valid only during the callback).
        case line(UnsafeRawBufferPointer)
        /// A BELL byte.
        case bell
        /// Bytes dropped: a line longer than the limit, or a partial line cut short by a BELL.
        case discarded
    }

    public let maxLineLength: Int
    private var buffer: [UInt8]
    private var discarding = false

    public init(maxLineLength: Int = SLCAN.maxLineLength) {
        self.maxLineLength = maxLineLength
        buffer = []
        buffer.reserveCapacity(maxLineLength)
    }

    /// A reader holding no storage, to stand in while the real one is moved out (so that the
    /// real one stays uniquely referenced and never copies its buffer).
    static var placeholder: SLCANLineReader { SLCANLineReader(unreserved: ()) }

    private init(unreserved: Void) {
        maxLineLength = 0
        buffer = []
    }

    /// Bytes held of a line not yet ended.
    public var pendingCount: Int { buffer.count }

    public mutating func ingest(_ bytes: UnsafeRawBufferPointer, _ body: (Event) -> Void) {
        for b in bytes {
            switch b {
            case SLCAN.carriageReturn:
                if discarding {
                    discarding = false
                } else {
                    buffer.withUnsafeBytes { body(.line($0)) }
                }
                buffer.removeAll(keepingCapacity: true)
            case SLCAN.bell:
                if !buffer.isEmpty && !discarding { body(.discarded) }
                discarding = false
                buffer.removeAll(keepingCapacity: true)
                body(.bell)
            case 0x0A:
                continue
            default:
                if discarding { continue }
                if buffer.count == maxLineLength {
                    discarding = true
                    buffer.removeAll(keepingCapacity: true)
                    body(.discarded)
                } else {
                    buffer.append(b)
                }
            }
        }
    }

    /// Forgets a partial line (after the other end was reset).
    public mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        discarding = false
    }
}

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

/// A fixed-capacity FIFO (no allocation after init), for use under a lock.
struct SLCANQueue<Element>: Sendable where Element: Sendable {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) { storage = [Element?](repeating: nil, count: max(1, capacity)) }

    var capacity: Int { storage.count }
    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count == storage.count }
    var first: Element? { count == 0 ? nil : storage[head] }

    mutating func push(_ e: Element) -> Bool {
        guard count < storage.count else { return false }
        storage[(head + count) % storage.count] = e
        count += 1
        return true
    }

    mutating func pop() -> Element? {
        guard count > 0 else { return nil }
        let e = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return e
    }

    mutating func removeAll() { while pop() != nil {} }
}
