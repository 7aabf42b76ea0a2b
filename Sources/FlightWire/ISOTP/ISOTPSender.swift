/// The sending half of an ISO-TP connection: segments one message into a single frame, or a
/// first frame and consecutive frames paced by the receiver's flow control.
///
/// Time is the caller's: pass a monotonic `now` to every call. The message is copied into a
/// buffer allocated once at init, so sending never allocates. Frames go out through `send` as
/// views valid only during the call.
public struct ISOTPSender {
    public enum State: Equatable, Sendable {
        case idle
        /// Waiting for a flow control frame (until the N_Bs deadline).
        case awaitingFlowControl
        /// Sending consecutive frames.
        case sending
        case completed
        case failed(Failure)
    }

    public enum Failure: Equatable, Sendable {
        /// N_Bs: no flow control arrived in time.
        case flowControlTimeout
        /// The receiver answered OVFLW: the message is longer than it can take.
        case receiverOverflow
        /// More WAIT flow controls in a row than `maxWaitFrames`.
        case tooManyWaits
        /// A flow control with a reserved flow status.
        case invalidFlowStatus(UInt8)
    }

    public let configuration: ISOTPConfiguration
    public private(set) var state: State = .idle
    var message: [UInt8]
    var length = 0
    var offset = 0
    var sequence: UInt8 = 0
    var blockLeft = 0
    var blockSize = 0
    var separation: Duration = .zero
    var nextSendAt: Duration = .zero
    var deadline: Duration = .zero
    var waits = 0
    var pendingFirst = false
    var lastConsecutiveAt: Duration?
    var scratch = CANPayload()

    public init(configuration: ISOTPConfiguration = ISOTPConfiguration()) throws(ISOTPError) {
        try configuration.validate()
        self.configuration = configuration
        message = [UInt8](repeating: 0, count: configuration.capacity)
    }

    /// True once the last transfer finished (completed or failed), or before the first.
    public var isIdle: Bool {
        switch state {
        case .idle, .completed, .failed: true
        case .awaitingFlowControl, .sending: false
        }
    }

    /// Starts sending `payload`; the first frame goes out on the next `poll`.
    public mutating func start(_ payload: UnsafeRawBufferPointer, now: Duration) throws(ISOTPError) {
        guard isIdle else { throw .busy }
        guard payload.count > 0 else { throw .emptyPayload }
        guard payload.count <= configuration.capacity else {
            throw .payloadTooLong(payload.count, max: configuration.capacity)
        }
        message.withUnsafeMutableBytes { $0.copyMemory(from: payload) }
        length = payload.count
        offset = 0
        sequence = 1
        waits = 0
        pendingFirst = true
        lastConsecutiveAt = nil
        nextSendAt = now
        state = .sending
    }

    /// Sends whatever is due at `now`: the single or first frame, then consecutive frames as
    /// the flow control and STmin allow. Also fails the transfer on an N_Bs timeout.
    public mutating func poll(now: Duration, send: (UnsafeRawBufferPointer) -> Void) {
        switch state {
        case .awaitingFlowControl:
            if now >= deadline { state = .failed(.flowControlTimeout) }
        case .sending:
            if pendingFirst {
                pendingFirst = false
                sendFirst(now: now, send: send)
                return
            }
            while state == .sending, now >= nextSendAt {
                sendConsecutive(send: send)
                lastConsecutiveAt = now
                guard state == .sending else { return }
                if blockSize > 0 {
                    blockLeft -= 1
                    if blockLeft == 0 {
                        state = .awaitingFlowControl
                        deadline = now + configuration.flowControlTimeout
                        return
                    }
                }
                if separation > .zero {
                    nextSendAt = now + separation
                    return
                }
            }
        default:
            break
        }
    }

    /// When the next call to `poll` has something to do (a frame or a deadline), or nil.
    public var nextEvent: Duration? {
        switch state {
        case .awaitingFlowControl: deadline
        case .sending: nextSendAt
        default: nil
        }
    }

    /// Takes a frame the peer sent on our response id; only flow control frames matter here.
    public mutating func receive(_ frame: UnsafeRawBufferPointer, now: Duration) {
        guard state == .awaitingFlowControl, frame.count >= 3, frame[0] >> 4 == ISOTPFrameType.flowControl.rawValue
        else { return }
        switch frame[0] & 0x0F {
        case ISOTPFlowStatus.continueToSend.rawValue:
            blockSize = Int(frame[1])
            blockLeft = blockSize
            separation = ISOTPSeparationTime.decode(frame[2])
            waits = 0
            // STmin separates consecutive frames even across a flow control.
            nextSendAt = lastConsecutiveAt.map { max(now, $0 + separation) } ?? now
            state = .sending
        case ISOTPFlowStatus.wait.rawValue:
            waits += 1
            if waits > configuration.maxWaitFrames { state = .failed(.tooManyWaits) } else {
                deadline = now + configuration.flowControlTimeout
            }
        case ISOTPFlowStatus.overflow.rawValue:
            state = .failed(.receiverOverflow)
        case let other:
            state = .failed(.invalidFlowStatus(other))
        }
    }

    mutating func sendFirst(now: Duration, send: (UnsafeRawBufferPointer) -> Void) {
        let dl = configuration.txDataLength
        let n = length
        let singleCapacity = configuration.singleFrameCapacity
        emit(send: send) { f in
            if n <= 7 {
                f[0] = UInt8(n)
                copy(into: &f, at: 1, count: n)
                return 1 + n
            }
            if n <= singleCapacity {
                f[0] = 0
                f[1] = UInt8(n)
                copy(into: &f, at: 2, count: n)
                return 2 + n
            }
            if n <= 4095 {
                f[0] = 0x10 | UInt8(n >> 8)
                f[1] = UInt8(n & 0xFF)
                copy(into: &f, at: 2, count: dl - 2)
                return dl
            }
            f[0] = 0x10
            f[1] = 0
            f[2] = UInt8(truncatingIfNeeded: n >> 24)
            f[3] = UInt8(truncatingIfNeeded: n >> 16)
            f[4] = UInt8(truncatingIfNeeded: n >> 8)
            f[5] = UInt8(truncatingIfNeeded: n)
            copy(into: &f, at: 6, count: dl - 6)
            return dl
        }
        if offset >= length {
            state = .completed
        } else {
            state = .awaitingFlowControl
            deadline = now + configuration.flowControlTimeout
        }
    }

    mutating func sendConsecutive(send: (UnsafeRawBufferPointer) -> Void) {
        let chunk = min(configuration.txDataLength - 1, length - offset)
        let sn = sequence
        emit(send: send) { f in
            f[0] = 0x20 | sn
            copy(into: &f, at: 1, count: chunk)
            return 1 + chunk
        }
        sequence = (sequence + 1) & 0x0F
        if offset >= length { state = .completed }
    }

    /// Fills the scratch frame with `body` (which returns the bytes used), pads, and sends.
    mutating func emit(send: (UnsafeRawBufferPointer) -> Void, _ body: (inout FrameBuilder) -> Int) {
        let fullLength = configuration.txDataLength
        let pad = configuration.padding
        var s = scratch
        let sent: Int = message.withUnsafeBytes { msg in
            withUnsafeMutableBytes(of: &s) { raw in
                var b = FrameBuilder(
                    frame: UnsafeMutableRawBufferPointer(rebasing: raw[0..<fullLength]), message: msg, offset: offset)
                var used = body(&b)
                // A single frame in the classic form (length in the low nibble) must stay a
                // classic-length frame, even on CAN FD.
                let dl = raw[0] >> 4 == 0 && raw[0] != 0 ? min(8, fullLength) : fullLength
                if let pad {
                    while used < dl {
                        raw[used] = pad
                        used += 1
                    }
                } else if dl > 8, let fd = CANFrame.fdLength(atLeast: used), fd > used {
                    // CAN FD frames only come in certain lengths: pad up to the next one.
                    for i in used..<fd { raw[i] = 0xCC }
                    used = fd
                }
                send(UnsafeRawBufferPointer(rebasing: raw[0..<used]))
                return b.offset
            }
        }
        offset = sent
    }
}

/// Writes one frame's bytes, taking message bytes from the current offset.
struct FrameBuilder {
    let frame: UnsafeMutableRawBufferPointer
    let message: UnsafeRawBufferPointer
    var offset: Int

    subscript(i: Int) -> UInt8 {
        get { frame[i] }
        nonmutating set { frame[i] = newValue }
    }
}

func copy(into b: inout FrameBuilder, at index: Int, count: Int) {
    for i in 0..<count { b.frame[index + i] = b.message[b.offset + i] }
    b.offset += count
}
