/// A typed topic on the software bus: publishing copies the message into each subscription's
/// queue according to that subscription's policy. Publishing is inlinable, so it is compiled
/// for the concrete message type where it is called.
public final class Topic<Message: BitwiseCopyable>: BusTopic {
    public let id: TopicID
    public let name: String
    public var messageType: String { String(describing: Message.self) }
    public private(set) var subscriptions: ContiguousArray<Subscription<Message>> = []
    @usableFromInline var publishedCount: UInt64 = 0
    public var published: UInt64 { publishedCount }
    var frozen = false

    init(id: TopicID, name: String) {
        self.id = id
        self.name = name
    }

    /// Adds a subscriber with its own preallocated queue. Subscriptions are made while the
    /// topology is being built (each gets a telemetry channel); afterwards they are refused.
    public func subscribe(_ subscriber: String, capacity: Int = 16, policy: DeliveryPolicy = .dropOldest) throws(TopologyError) -> Subscription<Message> {
        guard !frozen else { throw .busFrozen(topic: name + "/" + subscriber) }
        guard capacity > 0 && capacity <= 1 << 20 else {
            throw .invalidDefinition(component: "bus", member: name + "/" + subscriber, reason: "queue capacity \(capacity) must be in 1...\(1 << 20)")
        }
        let s = Subscription<Message>(subscriber: subscriber, capacity: capacity, policy: policy)
        subscriptions.append(s)
        return s
    }

    /// Delivers `message` to every subscription. Never allocates.
    @discardableResult @inlinable
    public func publish(_ message: Message) -> PublishOutcome {
        publishedCount &+= 1
        var outcome = PublishOutcome()
        for s in subscriptions {
            if s.offer(message, displaced: &outcome.displaced) {
                outcome.delivered += 1
            } else {
                outcome.rejected += 1
            }
        }
        return outcome
    }

    public var subscriptionStats: [SubscriptionStats] {
        subscriptions.map {
            SubscriptionStats(subscriber: $0.subscriber, policy: $0.policy, capacity: $0.capacity, delivered: $0.delivered, dropped: $0.dropped, rejected: $0.rejected, highWater: $0.highWater)
        }
    }

    public func forEachLoss(_ body: (_ index: Int, _ dropped: UInt64, _ rejected: UInt64) -> Void) {
        for i in subscriptions.indices { body(i, subscriptions[i].dropped, subscriptions[i].rejected) }
    }
}

/// What the bus knows of any topic, whatever its message type.
public protocol BusTopic: AnyObject {
    var id: TopicID { get }
    var name: String { get }
    var messageType: String { get }
    var published: UInt64 { get }
    var subscriptionStats: [SubscriptionStats] { get }
    /// Each subscription's loss counters, in order, without allocating.
    func forEachLoss(_ body: (_ index: Int, _ dropped: UInt64, _ rejected: UInt64) -> Void)
}

public struct SubscriptionStats: Hashable, Sendable {
    public var subscriber: String
    public var policy: DeliveryPolicy
    public var capacity: Int
    public var delivered: UInt64
    public var dropped: UInt64
    public var rejected: UInt64
    public var highWater: Int
}
