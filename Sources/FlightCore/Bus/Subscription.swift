/// One subscriber's preallocated queue on one topic. Messages are `BitwiseCopyable`, so queueing
/// and receiving copy bytes and never allocate or touch reference counts.
public final class Subscription<Message: BitwiseCopyable> {
    public let subscriber: String
    public let policy: DeliveryPolicy
    public let capacity: Int
    private let buffer: UnsafeMutablePointer<Message>
    private var head = 0
    public private(set) var count = 0

    /// Messages queued for this subscriber.
    public private(set) var delivered: UInt64 = 0
    /// Messages lost: overwritten (drop-oldest) or superseded unread (keep-latest).
    public private(set) var dropped: UInt64 = 0
    /// Messages refused because the queue was full (critical).
    public private(set) var rejected: UInt64 = 0
    /// Messages the subscriber took.
    public private(set) var received: UInt64 = 0
    /// Highest queue depth seen.
    public private(set) var highWater = 0

    init(subscriber: String, capacity: Int, policy: DeliveryPolicy) {
        precondition(capacity > 0, "a subscription needs room for at least one message")
        self.subscriber = subscriber
        self.policy = policy
        self.capacity = policy == .keepLatest ? 1 : capacity
        self.buffer = .allocate(capacity: self.capacity)
    }

    deinit { buffer.deallocate() }

    public var isEmpty: Bool { count == 0 }

    /// Offers a message: returns false only when a critical queue is full.
    @inline(__always)
    func offer(_ m: Message, displaced: inout Int) -> Bool {
        if count == capacity {
            switch policy.kind {
            case .critical:
                rejected &+= 1
                return false
            case .dropOldest, .keepLatest:
                (buffer + head).initialize(to: m)
                head = head + 1 == capacity ? 0 : head + 1
                dropped &+= 1
                delivered &+= 1
                displaced += 1
                return true
            }
        }
        var at = head + count
        if at >= capacity { at -= capacity }
        (buffer + at).initialize(to: m)
        count += 1
        if count > highWater { highWater = count }
        delivered &+= 1
        return true
    }

    /// Takes the oldest queued message, or nil when the queue is empty.
    @inline(__always)
    public func receive() -> Message? {
        guard count > 0 else { return nil }
        let m = buffer[head]
        head = head + 1 == capacity ? 0 : head + 1
        count -= 1
        received &+= 1
        return m
    }

    /// Takes every queued message, oldest first.
    public func drain(_ body: (Message) -> Void) {
        while let m = receive() { body(m) }
    }
}
