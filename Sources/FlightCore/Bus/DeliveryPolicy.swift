/// What a subscription does when its queue is full and another message arrives.
public struct DeliveryPolicy: Hashable, Sendable, CustomStringConvertible {
    enum Kind: UInt8, Hashable, Sendable { case critical = 0, dropOldest = 1, keepLatest = 2 }
    let kind: Kind

    /// The message is refused and the publisher is told (``PublishOutcome/rejected``):
    /// nothing is ever lost silently, and the publisher decides what to do.
    public static let critical = DeliveryPolicy(kind: .critical)
    /// The oldest queued message is overwritten; every overwrite is counted.
    public static let dropOldest = DeliveryPolicy(kind: .dropOldest)
    /// Only the newest message matters (a state, not a stream): a queue of one whose
    /// value is replaced; each replaced, unread message is counted as superseded.
    public static let keepLatest = DeliveryPolicy(kind: .keepLatest)

    public var description: String {
        switch kind {
        case .critical: "critical"
        case .dropOldest: "drop-oldest"
        case .keepLatest: "keep-latest"
        }
    }
}

/// What a publisher learns from one ``Topic/publish(_:)``.
public struct PublishOutcome: Hashable, Sendable {
    /// Subscriptions that queued the message.
    public var delivered: Int = 0
    /// Critical subscriptions whose queue was full: the message did not reach them.
    public var rejected: Int = 0
    /// Non-critical subscriptions that lost an older message to make room.
    public var displaced: Int = 0

    @inlinable public init() {}
}
