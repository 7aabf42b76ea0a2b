public import FlightWire

/// One ISO-TP (ISO 15765-2) connection over any ``FrameLink``: FlightWire's ``ISOTPSender``
/// and ``ISOTPReceiver`` driven by the link's frames and a monotonic clock.
///
/// The channel sends on `txID` and listens on `rxID` (normal addressing). It is owned by one
/// thread: call ``poll(now:)`` on every tick (it drains the link's receive queue, so give the
/// channel a link, or a kernel filter, of its own) and take delivered messages with
/// ``nextMessage()``. Frames on other ids are counted in ``ignoredFrames`` and dropped.
public final class ISOTPChannel {
    public let link: any FrameLink
    public let txID: CANID
    public let rxID: CANID
    private var sender: ISOTPSender
    private var receiver: ISOTPReceiver
    private let fd: Bool
    private var delivered: [[UInt8]] = []
    /// How many delivered messages may wait for ``nextMessage()`` before the oldest is dropped.
    public let messageQueueCapacity: Int
    public private(set) var droppedMessages = 0
    public private(set) var ignoredFrames = 0
    /// Frames the link refused or pushed back (the transfer will then time out at the peer).
    public private(set) var sendFailures = 0

    public init(
        link: any FrameLink, txID: CANID, rxID: CANID, configuration: ISOTPConfiguration = ISOTPConfiguration(),
        messageQueueCapacity: Int = 16
    ) throws(ISOTPError) {
        if configuration.txDataLength > 8 && !link.supportsFD {
            throw .invalidConfiguration("txDataLength \(configuration.txDataLength) needs a CAN FD link")
        }
        self.link = link
        self.txID = txID
        self.rxID = rxID
        sender = try ISOTPSender(configuration: configuration)
        receiver = try ISOTPReceiver(configuration: configuration)
        fd = configuration.txDataLength > 8
        self.messageQueueCapacity = max(1, messageQueueCapacity)
    }

    public var senderState: ISOTPSender.State { sender.state }
    public var receiverCounts: ISOTPReceiver.Counts { receiver.counts }
    public var isSending: Bool { !sender.isIdle }

    /// Starts sending `payload`; frames go out from ``poll(now:)``.
    public func send(_ payload: [UInt8], now: Duration) throws(ISOTPError) {
        var failure: ISOTPError?
        payload.withUnsafeBytes { p in
            do throws(ISOTPError) { try sender.start(p, now: now) } catch { failure = error }
        }
        if let failure { throw failure }
        poll(now: now)
    }

    /// Handles every frame the link has received, then sends what is due.
    public func poll(now: Duration) {
        while let r = link.receive() {
            let f = r.frame
            guard f.id == rxID, !f.isError, !f.isRemote else {
                ignoredFrames += 1
                continue
            }
            f.withUnsafeBytes { bytes in
                sender.receive(bytes, now: now)
                receiver.receive(bytes, now: now, send: transmit, deliver: { message in
                    if delivered.count >= messageQueueCapacity {
                        delivered.removeFirst()
                        droppedMessages += 1
                    }
                    delivered.append(Array(message))
                })
            }
        }
        receiver.poll(now: now)
        sender.poll(now: now, send: transmit)
    }

    /// The oldest delivered message, or nil.
    public func nextMessage() -> [UInt8]? {
        delivered.isEmpty ? nil : delivered.removeFirst()
    }

    private func transmit(_ bytes: UnsafeRawBufferPointer) {
        guard let frame = try? CANFrame(id: txID, data: bytes, fd: fd) else {
            sendFailures += 1
            return
        }
        if link.send(frame) != .sent { sendFailures += 1 }
    }
}

extension ISOTPChannel {
    /// The monotonic clock the blocking helpers use.
    public static func now() -> Duration { .nanoseconds(Int64(Syscall.monotonicNanoseconds())) }

    /// Sends `payload` and waits (polling every `pollMilliseconds`) until the transfer
    /// completed or failed. For tools and tests, never for the tick path.
    public func sendAndWait(_ payload: [UInt8], pollMilliseconds: Int = 1) throws(ISOTPError) -> ISOTPSender.State {
        try send(payload, now: Self.now())
        while isSending {
            Syscall.sleep(milliseconds: pollMilliseconds)
            poll(now: Self.now())
        }
        return senderState
    }

    /// Waits up to `timeout` for the next message. For tools and tests, never for the tick path.
    public func receiveMessage(timeout: Duration, pollMilliseconds: Int = 1) -> [UInt8]? {
        let end = Self.now() + timeout
        while true {
            poll(now: Self.now())
            if let m = nextMessage() { return m }
            if Self.now() >= end { return nil }
            Syscall.sleep(milliseconds: pollMilliseconds)
        }
    }
}
