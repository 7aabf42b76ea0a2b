public import FlightWire

/// A CAN bus connection: SocketCAN, an SLCAN adapter, or the simulated bus. Like
/// ``ByteLink``, neither call blocks: frames arrive through a queue filled by the link's own
/// reader, and a send the bus cannot take now is refused and counted.
public protocol FrameLink: AnyObject, Sendable {
    var name: String { get }
    var state: LinkState { get }
    var statistics: LinkStatistics { get }
    /// Whether this link carries CAN FD frames.
    var supportsFD: Bool { get }

    /// The next received frame (data, remote or error), or nil. Never blocks.
    func receive() -> ReceivedFrame?

    /// Sends a frame. Never blocks.
    func send(_ frame: CANFrame) -> SendOutcome

    func close()
}

/// A frame as it came off the bus, with when it arrived.
public struct ReceivedFrame: Sendable, Equatable, BitwiseCopyable {
    public var frame: CANFrame
    /// Nanoseconds: the kernel's receive timestamp (CLOCK_REALTIME) where the backend has one,
    /// otherwise CLOCK_MONOTONIC when the link's reader took the frame.
    public var timestamp: UInt64
    public var timestampSource: TimestampSource

    public init(frame: CANFrame, timestamp: UInt64, timestampSource: TimestampSource) {
        self.frame = frame
        self.timestamp = timestamp
        self.timestampSource = timestampSource
    }
}

public enum TimestampSource: UInt8, Sendable, BitwiseCopyable {
    /// The kernel stamped the frame on arrival (SO_TIMESTAMP, CLOCK_REALTIME).
    case kernel
    /// The adapter stamped it (SLCAN's millisecond timestamps), converted to nanoseconds.
    case adapter
    /// The link's reader stamped it with CLOCK_MONOTONIC.
    case reader
    /// Simulated time.
    case simulated
}

public enum SendOutcome: Hashable, Sendable {
    /// Handed to the device (or to the link's send queue, which the link drains in order).
    case sent
    /// The device and the queue are full; try again later. Counted in `sendRefused`.
    case backPressure
    /// The link is not open, or cannot carry this frame (FD on a classic link).
    case refused(LinkError)
}
