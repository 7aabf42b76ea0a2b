/// ISO 15765-2 (ISO-TP) parameters for one direction pair of a transport connection.
///
/// Defaults follow the standard's defaults and the `can-isotp` Python stack's: classic CAN
/// frames (8 bytes), 1 s for every timeout, block size 8 and STmin 0 asked of the sender.
public struct ISOTPConfiguration: Equatable, Sendable {
    /// Frame data length we send: 8 for classic CAN, or a CAN FD length 12...64.
    public var txDataLength: Int
    /// Pad every frame we send to `txDataLength` with this byte; nil sends minimal frames.
    public var padding: UInt8?
    /// Consecutive frames the peer may send before waiting for our next flow control (0: all).
    public var blockSize: UInt8
    /// The gap we ask the peer to leave between consecutive frames (STmin), 0...127 ms or
    /// 100...900 µs.
    public var separationTime: Duration
    /// The longest message we accept (a longer first frame is answered with OVFLW); also the
    /// longest we send. Up to 4095 uses the 12-bit first frame; above, the 32-bit escape.
    public var capacity: Int
    /// N_Bs: how long a sender waits for a flow control frame.
    public var flowControlTimeout: Duration
    /// N_Cr: how long a receiver waits for the next consecutive frame.
    public var consecutiveFrameTimeout: Duration
    /// How many WAIT flow controls in a row a sender tolerates (N_WFTmax).
    public var maxWaitFrames: Int

    public init(
        txDataLength: Int = 8, padding: UInt8? = 0xCC, blockSize: UInt8 = 8, separationTime: Duration = .zero,
        capacity: Int = 4095, flowControlTimeout: Duration = .seconds(1),
        consecutiveFrameTimeout: Duration = .seconds(1), maxWaitFrames: Int = 10
    ) {
        self.txDataLength = txDataLength
        self.padding = padding
        self.blockSize = blockSize
        self.separationTime = separationTime
        self.capacity = capacity
        self.flowControlTimeout = flowControlTimeout
        self.consecutiveFrameTimeout = consecutiveFrameTimeout
        self.maxWaitFrames = maxWaitFrames
    }

    public func validate() throws(ISOTPError) {
        guard txDataLength == 8 || (CANFrame.fdLengths.contains(txDataLength) && txDataLength > 8) else {
            throw .invalidConfiguration("txDataLength must be 8 or a CAN FD length 12...64")
        }
        guard capacity >= 1, capacity <= 1 << 20 else { throw .invalidConfiguration("capacity must be 1...1 MiB") }
        guard maxWaitFrames >= 0 else { throw .invalidConfiguration("maxWaitFrames must not be negative") }
        guard separationTime >= .zero, separationTime <= .milliseconds(127) else {
            throw .invalidConfiguration("separationTime must be 0...127 ms")
        }
    }

    /// The largest payload a single frame carries at this data length.
    var singleFrameCapacity: Int { txDataLength == 8 ? 7 : txDataLength - 2 }
}

/// Why an ISO-TP transfer could not start.
public enum ISOTPError: Error, Equatable, Sendable {
    case invalidConfiguration(String)
    case emptyPayload
    case payloadTooLong(Int, max: Int)
    /// A transfer is already in progress.
    case busy
}

/// ISO-TP frame types (high nibble of the first byte: the protocol control information).
public enum ISOTPFrameType: UInt8, Sendable {
    case single = 0
    case first = 1
    case consecutive = 2
    case flowControl = 3
}

/// Flow status of a flow control frame.
public enum ISOTPFlowStatus: UInt8, Sendable {
    case continueToSend = 0
    case wait = 1
    case overflow = 2
}

/// STmin's byte encoding (ISO 15765-2 Table 20): 0x00-0x7F milliseconds, 0xF1-0xF9 100-900 µs;
/// reserved values mean the longest, 127 ms.
public enum ISOTPSeparationTime {
    public static func decode(_ byte: UInt8) -> Duration {
        switch byte {
        case 0...0x7F: .milliseconds(Int(byte))
        case 0xF1...0xF9: .microseconds(Int(byte - 0xF0) * 100)
        default: .milliseconds(127)
        }
    }

    public static func encode(_ d: Duration) -> UInt8 {
        if d <= .zero { return 0 }
        if d < .milliseconds(1) {
            let us = d.components.attoseconds / 1_000_000_000_000
            return UInt8(0xF0 + max(1, min(9, Int(us / 100))))
        }
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return UInt8(min(127, ms))
    }
}

/// Regolith's ISO-TP addressing on CAN (normal addressing, 11-bit ids): node n listens on
/// 0x700 + n and answers on 0x708 + n, n = 0...7 (see docs/wire.md and Boards/regolith.dbc).
public enum ISOTPAddressing {
    public static func requestID(node: UInt8) -> UInt16 { 0x700 + UInt16(node & 7) }
    public static func responseID(node: UInt8) -> UInt16 { 0x708 + UInt16(node & 7) }
}
