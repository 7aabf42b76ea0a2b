import FlightWire

/// What an ``SLCANLink`` keeps under its lock: the open phase, the line reader, the send
/// buffer, the commands awaiting an answer, and the bounded frame and event queues.
extension SLCANLink {
    struct Pending: Sendable {
        var kind: SLCANCommandKind
        var id: CANID?
        var sentAt: UInt64
    }

    enum Phase: Sendable {
        case idle, opening, open, closed
        case failed(LinkError)
    }

    struct Core: Sendable {
        var phase = Phase.idle
        var reader = SLCANLineReader()
        var outbox: SLCANOutbox
        var pending: SLCANQueue<Pending>
        var frames: SLCANQueue<ReceivedFrame>
        var events: SLCANQueue<SLCANEvent>
        var pollOutstanding = false
        var statusPollRefused = false
        var lastPoll: UInt64 = 0
        var controllerState = SLCANControllerState.errorActive
        var lastTimestamp: UInt16?
        var timestampWraps: UInt64 = 0
        var stats = SLCANLinkStatistics()

        init(_ configuration: Configuration) {
            outbox = SLCANOutbox(capacity: configuration.sendBufferBytes)
            pending = SLCANQueue(capacity: max(8, configuration.maxOutstandingCommands))
            frames = SLCANQueue(capacity: configuration.receiveQueueCapacity)
            events = SLCANQueue(capacity: configuration.eventQueueCapacity)
        }

        mutating func reset(_ configuration: Configuration) {
            reader.reset()
            outbox.removeAll()
            pending.removeAll()
            pollOutstanding = false
            statusPollRefused = false
            controllerState = .errorActive
            lastTimestamp = nil
            timestampWraps = 0
        }

        /// The oldest outstanding command, which the reply just received answers.
        mutating func answered() -> Pending? {
            guard let p = pending.pop() else { return nil }
            if p.kind == .statusPoll { pollOutstanding = false }
            return p
        }

        mutating func push(_ e: SLCANEvent) {
            if !events.push(e) { stats.eventsDropped += 1 }
        }

        mutating func report(_ flags: SLCANStatusFlags) {
            if flags.contains(.errorWarning) {
                if controllerState == .errorActive { controllerState = .errorWarning }
                push(.controllerState(.errorWarning, receiveErrors: nil, transmitErrors: nil))
            }
            if flags.contains(.errorPassive) {
                if controllerState != .busOff { controllerState = .errorPassive }
                push(.controllerState(.errorPassive, receiveErrors: nil, transmitErrors: nil))
            }
            if !flags.isDisjoint(with: [.dataOverrun, .receiveQueueFull]) { push(.receiveOverrun) }
            if flags.contains(.transmitQueueFull) { push(.transmitOverrun) }
            if flags.contains(.arbitrationLost) { push(.arbitrationLost) }
            if flags.contains(.busError) { push(.busErrors([])) }
        }

        /// Adapter milliseconds (wrapping at 60 000) as nanoseconds since the first frame's
        /// minute began, counting wraps.
        mutating func adapterNanoseconds(_ ms: UInt16) -> UInt64 {
            let ms = UInt32(ms) % SLCAN.timestampModulus
            if let last = lastTimestamp, ms < UInt32(last) { timestampWraps += 1 }
            lastTimestamp = UInt16(ms)
            return (timestampWraps * UInt64(SLCAN.timestampModulus) + UInt64(ms)) * 1_000_000
        }
    }
}
