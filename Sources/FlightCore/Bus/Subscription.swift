/// One subscriber's preallocated queue on one topic. Messages are `BitwiseCopyable`, so queueing
/// and receiving copy bytes and never allocate or touch reference counts.
///
/// Offering and receiving are inlinable, so they are compiled for the concrete message type where
/// they are called (unspecialized, each copy went through value witnesses and every `receive`
/// looked up `Optional<Message>`'s metadata). The queue's position and counters are one stored
/// value, so an offer or a receive is one exclusivity-checked access, not one per field.
public final class Subscription<Message: BitwiseCopyable> {
    public let subscriber: String
    public let policy: DeliveryPolicy
    public let capacity: Int
    @usableFromInline let buffer: UnsafeMutablePointer<Message>
    /// Whether the policy is ``DeliveryPolicy/critical`` (a full queue refuses the message).
    @usableFromInline let refusesWhenFull: Bool
    @usableFromInline var queue = Queue()

    /// Where the queue stands, and what it has counted.
    @usableFromInline struct Queue {
        @usableFromInline var head = 0
        @usableFromInline var count = 0
        @usableFromInline var delivered: UInt64 = 0
        @usableFromInline var dropped: UInt64 = 0
        @usableFromInline var rejected: UInt64 = 0
        @usableFromInline var received: UInt64 = 0
        @usableFromInline var highWater = 0
        @usableFromInline init() {}
    }

    /// Messages queued now.
    public var count: Int { queue.count }
    /// Messages queued for this subscriber.
    public var delivered: UInt64 { queue.delivered }
    /// Messages lost: overwritten (drop-oldest) or superseded unread (keep-latest).
    public var dropped: UInt64 { queue.dropped }
    /// Messages refused because the queue was full (critical).
    public var rejected: UInt64 { queue.rejected }
    /// Messages the subscriber took.
    public var received: UInt64 { queue.received }
    /// Highest queue depth seen.
    public var highWater: Int { queue.highWater }

    init(subscriber: String, capacity: Int, policy: DeliveryPolicy) {
        precondition(capacity > 0, "a subscription needs room for at least one message")
        self.subscriber = subscriber
        self.policy = policy
        self.capacity = policy == .keepLatest ? 1 : capacity
        self.refusesWhenFull = policy == .critical
        self.buffer = .allocate(capacity: self.capacity)
    }

    deinit { buffer.deallocate() }

    public var isEmpty: Bool { queue.count == 0 }

    /// Offers a message: returns false only when a critical queue is full.
    @inlinable @inline(__always)
    func offer(_ m: Message, displaced: inout Int) -> Bool {
        Self.offer(m, to: buffer, capacity: capacity, refusesWhenFull: refusesWhenFull, &queue, displaced: &displaced)
    }

    @inlinable @inline(__always)
    static func offer(
        _ m: Message, to buffer: UnsafeMutablePointer<Message>, capacity: Int, refusesWhenFull: Bool,
        _ q: inout Queue, displaced: inout Int
    ) -> Bool {
        if q.count == capacity {
            if refusesWhenFull {
                q.rejected &+= 1
                return false
            }
            // Drop-oldest and keep-latest: the newest message takes the oldest one's place.
            (buffer + q.head).initialize(to: m)
            q.head = q.head + 1 == capacity ? 0 : q.head + 1
            q.dropped &+= 1
            q.delivered &+= 1
            displaced += 1
            return true
        }
        var at = q.head + q.count
        if at >= capacity { at -= capacity }
        (buffer + at).initialize(to: m)
        q.count += 1
        if q.count > q.highWater { q.highWater = q.count }
        q.delivered &+= 1
        return true
    }

    /// Takes the oldest queued message, or nil when the queue is empty.
    @inlinable @inline(__always)
    public func receive() -> Message? {
        Self.take(from: buffer, capacity: capacity, &queue)
    }

    @inlinable @inline(__always)
    static func take(from buffer: UnsafeMutablePointer<Message>, capacity: Int, _ q: inout Queue) -> Message? {
        guard q.count > 0 else { return nil }
        let m = buffer[q.head]
        q.head = q.head + 1 == capacity ? 0 : q.head + 1
        q.count -= 1
        q.received &+= 1
        return m
    }

    /// Takes every queued message, oldest first.
    @inlinable
    public func drain(_ body: (Message) -> Void) {
        while let m = receive() { body(m) }
    }
}
