public import FlightWire

/// What an SLCAN adapter reported about its CAN controller, or about a command it refused.
/// (Named for SLCAN so as not to collide with the SocketCAN backend's controller events.)
///
/// Where they come from (docs/hardware-slcan.md has the table):
/// - the 'F' status byte the link polls: error warning, error passive, data overrun / receive
///   queue full, transmit queue full, arbitration lost, bus error. Lawicel's byte has no
///   bus-off bit.
/// - the Linux 6.x 's' line (exact state with both error counters: this is how bus-off
///   arrives) and 'e' line (which bus errors).
/// - BELL answers and commands never answered.
public enum SLCANEvent: Hashable, Sendable {
    /// The controller is in `state`. From an 's' line (with the counters) or an 'F' flag
    /// (error warning, error passive: counters nil).
    case controllerState(SLCANControllerState, receiveErrors: UInt16?, transmitErrors: UInt16?)
    /// The adapter lost received frames ('F' data overrun or receive queue full).
    case receiveOverrun
    /// The adapter's transmit queue was full ('F' bit 1).
    case transmitOverrun
    /// 'F' arbitration lost.
    case arbitrationLost
    /// Bus errors: the letters of an 'e' line, or an empty set for the 'F' bus-error bit.
    case busErrors(SLCANBusErrors)
    /// The adapter answered BELL to a frame the link sent (closed, listen-only, bus-off, or
    /// its queue was full). Also counted in `sendRefused`.
    case sendRefused(CANID)
    /// The adapter answered BELL to a command.
    case commandRefused(SLCANCommandKind)
    /// The adapter did not answer a command within the reply timeout.
    case noReply(SLCANCommandKind)
}

/// Which command a reply (or its absence) belonged to.
public enum SLCANCommandKind: UInt8, Hashable, Sendable, BitwiseCopyable {
    case close, bitrate, timestamps, open, listenOnly, statusPoll, frame
}

/// Counters of an ``SLCANLink`` beyond ``LinkStatistics``.
public struct SLCANLinkStatistics: Hashable, Sendable {
    /// BELL answers, to anything.
    public var bellReplies: UInt64 = 0
    /// Commands the adapter never answered within the reply timeout.
    public var unanswered: UInt64 = 0
    /// 'F' polls sent.
    public var statusPolls: UInt64 = 0
    /// Replies that matched no command the link had sent (also counted as malformed).
    public var unexpectedReplies: UInt64 = 0
    /// Events dropped because the event queue was full.
    public var eventsDropped: UInt64 = 0
    /// Linux 6.x 's' and 'e' lines received.
    public var stateAndErrorLines: UInt64 = 0

    public init() {}
}
