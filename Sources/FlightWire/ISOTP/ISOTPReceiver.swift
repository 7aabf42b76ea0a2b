/// The receiving half of an ISO-TP connection: reassembles single frames, or a first frame
/// and its consecutive frames, answering with flow control.
///
/// The message buffer is allocated once at init with the configured capacity; a longer first
/// frame is answered with OVFLW. Time is the caller's monotonic `now`. Every frame that does
/// not fit the protocol is counted by reason and never traps.
public struct ISOTPReceiver {
    public struct Counts: Equatable, Sendable {
        /// Messages delivered.
        public var messages = 0
        /// A consecutive frame with the wrong sequence number: the message is abandoned.
        public var sequenceErrors = 0
        /// N_Cr: the next consecutive frame did not come in time: the message is abandoned.
        public var timeouts = 0
        /// First frames longer than our capacity (answered with OVFLW).
        public var overflows = 0
        /// A new single or first frame arrived mid-message: the old one is abandoned.
        public var interrupted = 0
        /// Consecutive frames with no message in progress.
        public var unexpectedFrames = 0
        /// Frames too short for their header, with an impossible length, or a reserved type.
        public var malformedFrames = 0
    }

    public let configuration: ISOTPConfiguration
    public private(set) var counts = Counts()
    var buffer: [UInt8]
    var expected = 0
    var received = 0
    var sequence: UInt8 = 0
    var blockLeft = 0
    var deadline: Duration = .zero
    var receiving = false
    var scratch = CANPayload()

    public init(configuration: ISOTPConfiguration = ISOTPConfiguration()) throws(ISOTPError) {
        try configuration.validate()
        self.configuration = configuration
        buffer = [UInt8](repeating: 0, count: configuration.capacity)
    }

    /// True while a segmented message is being received.
    public var isReceiving: Bool { receiving }

    /// When `poll` must next be called to notice a timeout, or nil.
    public var nextDeadline: Duration? { receiving ? deadline : nil }

    /// Abandons a message whose next consecutive frame is overdue.
    public mutating func poll(now: Duration) {
        if receiving, now >= deadline {
            receiving = false
            counts.timeouts += 1
        }
    }

    /// Takes one CAN frame's data from the peer. Flow control frames go out through `send`,
    /// whole messages through `deliver` (views valid only during the call). Flow control frames
    /// received here belong to our sender and are ignored.
    public mutating func receive(
        _ frame: UnsafeRawBufferPointer, now: Duration, send: (UnsafeRawBufferPointer) -> Void,
        deliver: (UnsafeRawBufferPointer) -> Void
    ) {
        poll(now: now)
        guard frame.count >= 1 else {
            counts.malformedFrames += 1
            return
        }
        switch frame[0] >> 4 {
        case ISOTPFrameType.single.rawValue: single(frame, deliver: deliver)
        case ISOTPFrameType.first.rawValue: first(frame, now: now, send: send)
        case ISOTPFrameType.consecutive.rawValue: consecutive(frame, now: now, send: send, deliver: deliver)
        case ISOTPFrameType.flowControl.rawValue: break
        default: counts.malformedFrames += 1
        }
    }

    mutating func abandonForNewMessage() {
        if receiving {
            counts.interrupted += 1
            receiving = false
        }
    }

    mutating func single(_ f: UnsafeRawBufferPointer, deliver: (UnsafeRawBufferPointer) -> Void) {
        var length = Int(f[0] & 0x0F)
        var start = 1
        if length == 0 {
            // Escape form (CAN FD): the length is in the second byte, and only frames longer
            // than 8 bytes may use it.
            guard f.count > 8 else {
                counts.malformedFrames += 1
                return
            }
            length = Int(f[1])
            start = 2
        } else if f.count > 8 {
            counts.malformedFrames += 1  // classic form in a frame longer than 8 bytes
            return
        }
        guard length >= 1, length <= f.count - start else {
            counts.malformedFrames += 1
            return
        }
        abandonForNewMessage()
        guard length <= buffer.count else {
            counts.overflows += 1
            return
        }
        counts.messages += 1
        deliver(UnsafeRawBufferPointer(rebasing: f[start..<(start + length)]))
    }

    mutating func first(_ f: UnsafeRawBufferPointer, now: Duration, send: (UnsafeRawBufferPointer) -> Void) {
        guard f.count >= 8 else {
            counts.malformedFrames += 1
            return
        }
        var length = Int(f[0] & 0x0F) << 8 | Int(f[1])
        var start = 2
        if length == 0 {
            length = Int(f[2]) << 24 | Int(f[3]) << 16 | Int(f[4]) << 8 | Int(f[5])
            start = 6
            guard length > 4095 else {
                counts.malformedFrames += 1
                return
            }
        }
        // A first frame must carry more than one frame can: 7 bytes classic, DL - 2 on FD.
        let singleMax = f.count == 8 ? 7 : f.count - 2
        guard length > singleMax else {
            counts.malformedFrames += 1
            return
        }
        abandonForNewMessage()
        guard length <= buffer.count else {
            counts.overflows += 1
            sendFlowControl(.overflow, send: send)
            return
        }
        let n = f.count - start
        buffer.withUnsafeMutableBytes { b in
            b.baseAddress.unsafelyUnwrapped.copyMemory(from: f.baseAddress.unsafelyUnwrapped + start, byteCount: n)
        }
        expected = length
        received = n
        sequence = 1
        receiving = true
        blockLeft = Int(configuration.blockSize)
        deadline = now + configuration.consecutiveFrameTimeout
        sendFlowControl(.continueToSend, send: send)
    }

    mutating func consecutive(
        _ f: UnsafeRawBufferPointer, now: Duration, send: (UnsafeRawBufferPointer) -> Void,
        deliver: (UnsafeRawBufferPointer) -> Void
    ) {
        guard receiving else {
            counts.unexpectedFrames += 1
            return
        }
        guard f[0] & 0x0F == sequence else {
            counts.sequenceErrors += 1
            receiving = false
            return
        }
        let n = min(f.count - 1, expected - received)
        guard n > 0, f.count - 1 >= min(expected - received, 7) else {
            // A consecutive frame shorter than the data still due, other than the last.
            counts.malformedFrames += 1
            receiving = false
            return
        }
        let at = received
        buffer.withUnsafeMutableBytes { b in
            (b.baseAddress.unsafelyUnwrapped + at).copyMemory(from: f.baseAddress.unsafelyUnwrapped + 1, byteCount: n)
        }
        received += n
        sequence = (sequence + 1) & 0x0F
        deadline = now + configuration.consecutiveFrameTimeout
        if received == expected {
            receiving = false
            counts.messages += 1
            let total = expected
            buffer.withUnsafeBytes { deliver(UnsafeRawBufferPointer(rebasing: $0[0..<total])) }
            return
        }
        if configuration.blockSize > 0 {
            blockLeft -= 1
            if blockLeft == 0 {
                blockLeft = Int(configuration.blockSize)
                sendFlowControl(.continueToSend, send: send)
            }
        }
    }

    mutating func sendFlowControl(_ status: ISOTPFlowStatus, send: (UnsafeRawBufferPointer) -> Void) {
        let length = configuration.padding == nil ? 3 : min(8, configuration.txDataLength)
        let pad = configuration.padding ?? 0
        let bs = configuration.blockSize
        let st = ISOTPSeparationTime.encode(configuration.separationTime)
        withUnsafeMutableBytes(of: &scratch) { raw in
            raw[0] = 0x30 | status.rawValue
            raw[1] = bs
            raw[2] = st
            for i in 3..<8 { raw[i] = pad }
            send(UnsafeRawBufferPointer(rebasing: raw[0..<length]))
        }
    }
}
