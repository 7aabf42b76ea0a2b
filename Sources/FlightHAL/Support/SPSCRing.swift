import Synchronization

/// A bounded, lock-free, single-producer single-consumer queue of bitwise-copyable values:
/// a link's reader thread pushes, the executive's thread pops, and neither ever waits for the
/// other. Full means the push is refused (and the caller counts it).
public final class SPSCRing<Element: BitwiseCopyable>: Sendable {
    /// Storage and capacity never change after init; head is written only by the consumer,
    /// tail only by the producer, each published with release/acquire ordering, so a slot is
    /// read only after its write is visible and written only after its read finished. That is
    /// what makes the unchecked Sendable sound.
    private let storage: UnsafeSendablePointer<Element>
    public let capacity: Int
    private let head = Atomic<Int>(0)  // next slot to read (consumer)
    private let tail = Atomic<Int>(0)  // next slot to write (producer)

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.storage = UnsafeSendablePointer(.allocate(capacity: capacity + 1))
    }

    deinit { storage.pointer.deallocate() }

    private var slots: Int { capacity + 1 }

    /// Producer side. False when the ring is full.
    public func push(_ value: Element) -> Bool {
        let t = tail.load(ordering: .relaxed)
        let next = t + 1 == slots ? 0 : t + 1
        if next == head.load(ordering: .acquiring) { return false }
        (storage.pointer + t).initialize(to: value)
        tail.store(next, ordering: .releasing)
        return true
    }

    /// Consumer side. Nil when the ring is empty.
    public func pop() -> Element? {
        let h = head.load(ordering: .relaxed)
        if h == tail.load(ordering: .acquiring) { return nil }
        let value = storage.pointer[h]
        head.store(h + 1 == slots ? 0 : h + 1, ordering: .releasing)
        return value
    }

    /// Approximate count (exact when called from either side with the other idle).
    public var count: Int {
        let h = head.load(ordering: .acquiring), t = tail.load(ordering: .acquiring)
        return t >= h ? t - h : t + slots - h
    }
}

/// A bounded, lock-free, single-producer single-consumer byte queue (for byte links).
public final class SPSCByteRing: Sendable {
    /// As ``SPSCRing``: fixed storage, head owned by the consumer and tail by the producer,
    /// published with release/acquire ordering.
    private let storage: UnsafeSendablePointer<UInt8>
    public let capacity: Int
    private let head = Atomic<Int>(0)
    private let tail = Atomic<Int>(0)

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.storage = UnsafeSendablePointer(.allocate(capacity: capacity + 1))
    }

    deinit { storage.pointer.deallocate() }

    private var slots: Int { capacity + 1 }

    /// Producer side: copies as many bytes as fit; returns how many.
    public func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        let h = head.load(ordering: .acquiring)
        var t = tail.load(ordering: .relaxed)
        let free = h > t ? h - t - 1 : slots - t + h - 1
        let n = min(free, bytes.count)
        for i in 0..<n {
            storage.pointer[t] = bytes[i]
            t = t + 1 == slots ? 0 : t + 1
        }
        tail.store(t, ordering: .releasing)
        return n
    }

    /// Consumer side: moves up to `buffer.count` bytes out; returns how many.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let t = tail.load(ordering: .acquiring)
        var h = head.load(ordering: .relaxed)
        let available = t >= h ? t - h : slots - h + t
        let n = min(available, buffer.count)
        for i in 0..<n {
            buffer[i] = storage.pointer[h]
            h = h + 1 == slots ? 0 : h + 1
        }
        head.store(h, ordering: .releasing)
        return n
    }

    public var count: Int {
        let h = head.load(ordering: .acquiring), t = tail.load(ordering: .acquiring)
        return t >= h ? t - h : t + slots - h
    }
}

/// A pointer carried across threads by a type that proves its own discipline (see the rings).
struct UnsafeSendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { pointer = p }
}
