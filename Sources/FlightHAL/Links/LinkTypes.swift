import Synchronization

/// Where a link is in its life. Drivers read it each tick; the link's own thread changes it.
public enum LinkState: Hashable, Sendable, CustomStringConvertible {
    /// Not opened yet, or closed on purpose.
    case closed
    /// Open and carrying traffic.
    case open
    /// The device went away (unplugged, PTY closed, interface down); the link is trying to
    /// open it again and will be `open` when it returns.
    case lost(LinkError)
    /// Opening failed for a reason retrying will not fix (bad configuration, no permission).
    case failed(LinkError)

    public var isOpen: Bool { self == .open }

    public var description: String {
        switch self {
        case .closed: "closed"
        case .open: "open"
        case .lost(let e): "lost (\(e)); reopening"
        case .failed(let e): "failed (\(e))"
        }
    }
}

/// Why a link could not be opened, configured or used: a kind a program can act on, the
/// errno when a system call said so, and the device named.
public struct LinkError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case notFound, permissionDenied, busy, ioError, disconnected, invalidConfiguration,
            unsupported, notACANInterface, protocolError, busOff
    }

    public var kind: Kind
    public var device: String
    public var errno: Int32
    public var detail: String

    public init(_ kind: Kind, device: String, errno: Int32 = 0, detail: String = "") {
        self.kind = kind
        self.device = device
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        var s = "\(device): "
        switch kind {
        case .notFound: s += "no such device"
        case .permissionDenied: s += "permission denied"
        case .busy: s += "in use by another process"
        case .ioError: s += "I/O error"
        case .disconnected: s += "device disconnected"
        case .invalidConfiguration: s += "invalid configuration"
        case .unsupported: s += "not supported"
        case .notACANInterface: s += "not a CAN interface"
        case .protocolError: s += "protocol error"
        case .busOff: s += "CAN controller is bus-off"
        }
        if !detail.isEmpty { s += ": " + detail }
        if errno != 0 { s += " (" + Syscall.describe(errno) + ")" }
        return s
    }
}

/// A snapshot of a link's counters. Every byte or frame a link drops or refuses is counted
/// here: nothing is lost silently.
public struct LinkStatistics: Hashable, Sendable {
    public var bytesReceived: UInt64 = 0
    public var bytesSent: UInt64 = 0
    public var framesReceived: UInt64 = 0
    public var framesSent: UInt64 = 0
    /// Received bytes or frames dropped because the receive queue was full (the reader
    /// outran the driver draining it).
    public var receiveOverruns: UInt64 = 0
    /// Sends refused because the device or the send queue was full (back-pressure).
    public var sendRefused: UInt64 = 0
    /// Times the device said "try again" (EAGAIN, ENOBUFS) and the send was retried later.
    public var sendRetries: UInt64 = 0
    /// Error frames (CAN) or line errors (serial) reported by the device.
    public var errorFrames: UInt64 = 0
    /// Frames or bytes the device delivered that did not decode.
    public var malformed: UInt64 = 0
    /// Times the link was lost and opened again.
    public var reconnects: UInt64 = 0

    public init() {}
}

/// The counters behind ``LinkStatistics``, updated from the link's thread and the executive's
/// without locks.
public final class LinkCounters: Sendable {
    let bytesReceived = Atomic<UInt64>(0)
    let bytesSent = Atomic<UInt64>(0)
    let framesReceived = Atomic<UInt64>(0)
    let framesSent = Atomic<UInt64>(0)
    let receiveOverruns = Atomic<UInt64>(0)
    let sendRefused = Atomic<UInt64>(0)
    let sendRetries = Atomic<UInt64>(0)
    let errorFrames = Atomic<UInt64>(0)
    let malformed = Atomic<UInt64>(0)
    let reconnects = Atomic<UInt64>(0)

    public init() {}

    public enum Counter: Sendable {
        case bytesReceived, bytesSent, framesReceived, framesSent, receiveOverruns, sendRefused,
            sendRetries, errorFrames, malformed, reconnects
    }

    public func add(_ counter: Counter, _ n: UInt64 = 1) {
        switch counter {
        case .bytesReceived: bytesReceived.wrappingAdd(n, ordering: .relaxed)
        case .bytesSent: bytesSent.wrappingAdd(n, ordering: .relaxed)
        case .framesReceived: framesReceived.wrappingAdd(n, ordering: .relaxed)
        case .framesSent: framesSent.wrappingAdd(n, ordering: .relaxed)
        case .receiveOverruns: receiveOverruns.wrappingAdd(n, ordering: .relaxed)
        case .sendRefused: sendRefused.wrappingAdd(n, ordering: .relaxed)
        case .sendRetries: sendRetries.wrappingAdd(n, ordering: .relaxed)
        case .errorFrames: errorFrames.wrappingAdd(n, ordering: .relaxed)
        case .malformed: malformed.wrappingAdd(n, ordering: .relaxed)
        case .reconnects: reconnects.wrappingAdd(n, ordering: .relaxed)
        }
    }

    public var snapshot: LinkStatistics {
        var s = LinkStatistics()
        s.bytesReceived = bytesReceived.load(ordering: .relaxed)
        s.bytesSent = bytesSent.load(ordering: .relaxed)
        s.framesReceived = framesReceived.load(ordering: .relaxed)
        s.framesSent = framesSent.load(ordering: .relaxed)
        s.receiveOverruns = receiveOverruns.load(ordering: .relaxed)
        s.sendRefused = sendRefused.load(ordering: .relaxed)
        s.sendRetries = sendRetries.load(ordering: .relaxed)
        s.errorFrames = errorFrames.load(ordering: .relaxed)
        s.malformed = malformed.load(ordering: .relaxed)
        s.reconnects = reconnects.load(ordering: .relaxed)
        return s
    }
}
