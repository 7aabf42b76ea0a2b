/// The software bus: a registry of typed topics with numeric ids, and the component that
/// reports every drop. Unlike cFS's software bus, no message is lost without a count: each
/// subscription's drops and rejections are telemetry channels of their own, and a
/// `MessagesLost` event names the subscription whenever its losses grow.
public final class SoftwareBus: Component {
    public let name: String
    public var ports = ComponentPorts.unwired
    public private(set) var topics: [any BusTopic] = []
    private var lastLosses: [UInt64] = []
    private var frozen = false
    private var freezers: [() -> Void] = []

    public enum Channel: UInt32 { case published = 0, lost = 1, firstSubscription = 16 }
    public enum Event: UInt32 { case messagesLost = 0 }

    public init(name: String = "bus") { self.name = name }

    /// Creates a topic. Ids and names must be unique on the bus.
    public func topic<M: BitwiseCopyable>(_ id: TopicID, _ name: String, of: M.Type = M.self) throws(TopologyError) -> Topic<M> {
        guard !frozen else { throw .busFrozen(topic: name) }
        if let t = topics.first(where: { $0.id == id }) { throw .duplicateTopic(id: id, first: t.name, second: name) }
        if topics.contains(where: { $0.name == name }) { throw .duplicateTopicName(name) }
        guard isIdentifier(name) else { throw .invalidName(name, reason: "a topic name must be letters, digits and underscores, not starting with a digit") }
        let t = Topic<M>(id: id, name: name)
        topics.append(t)
        freezers.append { [unowned t] in t.frozen = true }
        return t
    }

    /// (topic, subscriber) for each subscription, in channel order.
    var subscriptionNames: [(topic: any BusTopic, index: Int, stats: SubscriptionStats)] {
        topics.flatMap { t in t.subscriptionStats.enumerated().map { (t, $0.offset, $0.element) } }
    }

    func freeze() {
        guard !frozen else { return }
        frozen = true
        for f in freezers { f() }
        lastLosses = [UInt64](repeating: 0, count: subscriptionNames.count)
    }

    public var definition: ComponentDefinition {
        var channels = [
            ChannelDefinition(Channel.published.rawValue, "MessagesPublished", .u64, update: .onChange, summary: "Messages published on every topic"),
            ChannelDefinition(Channel.lost.rawValue, "MessagesLost", .u64, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Messages dropped, superseded or rejected on every subscription"),
        ]
        for (k, s) in subscriptionNames.enumerated() {
            channels.append(ChannelDefinition(
                Channel.firstSubscription.rawValue + UInt32(k), "Lost_\(s.topic.name)_\(sanitize(s.stats.subscriber))", .u64, update: .onChange,
                summary: "Messages on topic \(s.topic.name) that subscriber \(s.stats.subscriber) lost (\(s.stats.policy), queue of \(s.stats.capacity))"))
        }
        return ComponentDefinition(
            kind: "SoftwareBus",
            summary: "Typed publish/subscribe with preallocated per-subscriber queues; counts and reports every lost message.",
            channels: channels,
            events: [
                EventDefinition(Event.messagesLost.rawValue, "MessagesLost", .warningLow, arguments: [.init("topic", .u16), .init("subscription", .u16), .init("lost", .u64)], format: "Topic {} subscription {} has lost {} messages", throttle: EventThrottle(count: 10, window: .seconds(60))),
            ])
    }

    public func tick(_ context: TickContext) {
        var published: UInt64 = 0
        var lostTotal: UInt64 = 0
        var k = 0
        for t in topics {
            published &+= t.published
            t.forEachLoss { index, dropped, rejected in
                let lost = dropped &+ rejected
                lostTotal &+= lost
                if k < lastLosses.count {
                    if lost != lastLosses[k] {
                        lastLosses[k] = lost
                        ports.log(Event.messagesLost, .u16(t.id.rawValue), .u16(UInt16(truncatingIfNeeded: index)), .u64(lost))
                    }
                    ports.write(Channel.firstSubscription.rawValue + UInt32(k), .u64(lost))
                }
                k += 1
            }
        }
        ports.write(Channel.published, .u64(published))
        ports.write(Channel.lost, .u64(lostTotal))
    }
}

func isIdentifier(_ s: String) -> Bool {
    guard let f = s.utf8.first, !(48...57).contains(f) else { return false }
    return s.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 95 }
}

func sanitize(_ s: String) -> String {
    String(String.UnicodeScalarView(s.unicodeScalars.map { isIdentifier(String($0)) || ("0"..."9").contains($0) ? $0 : "_" }))
}
