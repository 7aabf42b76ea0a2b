public import FlightCore
public import FlightWire

/// The flight software's end of the ground link (F Prime's ComStub, FrameAccumulator,
/// Deframer, Framer and ComQueue in one component): commands come up as TC frames on a
/// ``ByteLink`` (TCP, serial), telemetry and events go down as fixed-length TM frames, all
/// in fprime-gds's `space-packet-space-data-link` framing, so fprime-gds commands it unchanged.
///
/// Uplink, each tick: up to ``Configuration/uplinkBytesPerTick`` bytes are read and fed to a
/// ``TCFrameAccumulator`` (which skips fprime-gds's keep-alives and resynchronises after
/// garbage); each frame's Space Packet must be a telecommand on APID 0; the
/// ``CommandAuthenticator`` checks it (a key configured: signed, fresh counter); the F Prime
/// command inside goes to the dispatcher's queue with source `.ground`. Completions come back
/// through the dispatcher's response handler and are counted (fprime-gds learns of them from
/// the dispatcher's `OpCodeCompleted`/`OpCodeError` events).
///
/// Downlink, each tick: frames already queued go to the link first (a partly written frame is
/// finished before anything else; a new connection abandons it, counted). Then **events
/// before channels**: new event-log records, then channels written since their last
/// downlink, are packed into TM frames while the bounded frame queue has room for them and the
/// tick's frame budget lasts. When the queue is full nothing is dropped here: events wait in
/// the event log (if the log overwrites them first, they are counted as lost and reported) and
/// channels stay pending (only their latest value is sent; each early stop is counted). While
/// the link is down nothing new is framed.
///
/// Lives in FlightHAL because it drives a ``ByteLink``; it imports no Foundation and does not
/// allocate on its tick, except the argument array of each command it forwards (the
/// dispatcher's ``CommandPacket`` holds one), which happens per command, not per tick.
public final class GroundInterface: Component {
    public struct Configuration: Sendable {
        public var dataLink: DataLinkConfiguration = .fprimeDefault
        /// TM frames the downlink queue holds.
        public var queueFrames: Int = 64
        /// TM frames framed per tick at most (the downlink's bandwidth share).
        public var framesPerTick: Int = 32
        /// Bytes read from the link per tick at most.
        public var uplinkBytesPerTick: Int = 64 * 1024
        /// Events framed per tick at most.
        public var eventsPerTick: Int = 256
        /// The command authentication key; nil: plain commands (fprime-gds) are accepted.
        public var authenticationKey: [UInt8]?
        /// Flight time between downlinks of the telemetry channels (each channel written
        /// since the last one goes down once, with its latest value, as F Prime's TlmChan does
        /// from its rate group); nil: every tick. Events go down every tick regardless. A
        /// mission's hundreds of channels at every tick outrun a ground station written in
        /// Python (fprime-gds decodes some hundreds of packets a second).
        public var telemetryInterval: FlightDuration?

        public init(dataLink: DataLinkConfiguration = .fprimeDefault, authenticationKey: [UInt8]? = nil) {
            self.dataLink = dataLink
            self.authenticationKey = authenticationKey
        }
    }

    public let name: String
    public var ports = ComponentPorts.unwired
    public let link: any ByteLink
    public let configuration: Configuration
    unowned let dispatcher: CommandDispatcher
    unowned let telemetry: TelemetryStore
    unowned let events: EventLog

    var accumulator: TCFrameAccumulator
    var authenticator: CommandAuthenticator
    var framer: TMFramer
    var sequencer = SpacePacketSequencer()
    let readBuffer: UnsafeMutableRawBufferPointer
    let packetBuffer: UnsafeMutableRawBufferPointer
    /// The frame queue: `queueFrames` slots of one TM frame each.
    let queue: UnsafeMutableRawBufferPointer
    var queueHead = 0
    var queueCount = 0
    /// Bytes of the head frame already written to the link.
    var sentOffset = 0
    var eventCursor = EventLog.Cursor()
    var channelCursor = 0
    /// When the channels last went down (for ``Configuration/telemetryInterval``), and
    /// whether that drain was cut short by the bandwidth share (it resumes next tick).
    var lastTelemetry: FlightTime?
    var channelsUnfinished = false
    var lastReconnects: UInt64 = 0
    var wasUp = false
    var framesThisTick = 0
    /// Ticks since the last byte arrived while a partial frame is held.
    var stalledTicks = 0
    /// After this many ticks without bytes, a held partial frame is given up one byte per
    /// tick (a garbage header must not hold up the real frames behind it).
    public var stallTicks = 25

    /// Counters, all visible as telemetry.
    public struct Counts: Equatable, Sendable {
        public var packetsRejected: UInt32 = 0
        public var refusals = [UInt32](repeating: 0, count: CommandAuthentication.Refusal.allCases.count)
        public var commandsUplinked: UInt32 = 0
        public var commandsCompleted: UInt32 = 0
        public var commandsFailed: UInt32 = 0
        public var downlinkPackets: UInt64 = 0
        public var framesSent: UInt64 = 0
        public var eventsLost: UInt64 = 0
        public var channelsDeferred: UInt64 = 0
        public var framesAbandoned: UInt32 = 0
        public var authRefused: UInt32 { refusals.reduce(0, &+) }
        public func refused(_ r: CommandAuthentication.Refusal) -> UInt32 { refusals[Int(r.rawValue)] }
    }
    public internal(set) var counts = Counts()
    /// What the frame accumulator counted (frames, skipped bytes, CRC errors, keep-alives).
    public var uplinkCounts: TCFrameAccumulator.Counts { accumulator.counts }
    public var lastAcceptedCounter: UInt64 { authenticator.lastCounter }
    public var queuedFrames: Int { queueCount }

    /// - Parameters: the link, and the topology's dispatcher, telemetry store and event log
    ///   (`TopologyBuilder.dispatcher` …), which it feeds and drains. Installs itself as the
    ///   dispatcher's response handler for `.ground`.
    public init(
        name: String = "groundIf", link: any ByteLink, configuration: Configuration = .init(),
        dispatcher: CommandDispatcher, telemetry: TelemetryStore, events: EventLog
    ) throws(TransferFrameError) {
        precondition(configuration.queueFrames >= 4 && configuration.framesPerTick >= 1)
        self.name = name
        self.link = link
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.telemetry = telemetry
        self.events = events
        framer = try TMFramer(configuration: configuration.dataLink)
        accumulator = TCFrameAccumulator(
            spacecraftID: configuration.dataLink.spacecraftID, virtualChannelID: configuration.dataLink.virtualChannelID)
        authenticator = CommandAuthenticator(key: configuration.authenticationKey)
        readBuffer = .allocate(byteCount: 4096, alignment: 8)
        packetBuffer = .allocate(byteCount: 2048, alignment: 8)
        queue = .allocate(byteCount: configuration.queueFrames * configuration.dataLink.tmFrameSize, alignment: 8)
        queue.initializeMemory(as: UInt8.self, repeating: 0)
        dispatcher.setResponseHandler(for: .ground) { [unowned self] c in
            if c.response == .ok { counts.commandsCompleted &+= 1 } else { counts.commandsFailed &+= 1 }
        }
    }

    deinit {
        readBuffer.deallocate()
        packetBuffer.deallocate()
        queue.deallocate()
    }

    public func tick(_ context: TickContext) {
        let up = link.state.isOpen
        if up != wasUp {
            ports.log(up ? Event.linkUp : Event.linkDown)
            wasUp = up
        }
        let reconnects = link.statistics.reconnects
        if reconnects != lastReconnects {
            // A new connection: its stream continues neither the old partial TC frame nor a
            // partly sent TM frame.
            lastReconnects = reconnects
            accumulator.reset()
            if sentOffset > 0 {
                popFrame()
                counts.framesAbandoned &+= 1
            }
        }
        uplink()
        downlink(linkUp: up, channelsDue: channelsDue(at: context.time))
        report()
    }

    /// Whether the telemetry channels go down this tick; a drain cut short by the
    /// bandwidth share resumes on the next tick whatever the interval.
    func channelsDue(at now: FlightTime) -> Bool {
        guard let interval = configuration.telemetryInterval else { return true }
        if channelsUnfinished { return true }
        if let last = lastTelemetry, now.since(last) < interval { return false }
        lastTelemetry = now
        return true
    }

    // MARK: Uplink

    func uplink() {
        let skippedBefore = accumulator.counts.bytesSkipped
        var budget = configuration.uplinkBytesPerTick
        while budget > 0 {
            let n = link.read(into: UnsafeMutableRawBufferPointer(rebasing: readBuffer[0..<min(readBuffer.count, budget)]))
            guard n > 0 else { break }
            budget -= n
            accumulator.ingest(UnsafeRawBufferPointer(rebasing: readBuffer[0..<n])) { frame in accept(frame) }
        }
        if budget < configuration.uplinkBytesPerTick || accumulator.bytesPending == 0 {
            stalledTicks = 0
        } else {
            stalledTicks += 1
            if stalledTicks >= stallTicks { accumulator.resynchronize { frame in accept(frame) } }
        }
        let skipped = accumulator.counts.bytesSkipped - skippedBefore
        if skipped > 0 { ports.log(Event.uplinkGarbage, .u32(UInt32(clamping: skipped))) }
    }

    func reject(_ why: Rejection, apid: UInt16) {
        counts.packetsRejected &+= 1
        ports.log(Event.packetRejected, .enumeration(Int32(why.rawValue)), .u16(apid))
    }

    /// One TC frame with a good CRC.
    func accept(_ frame: TCFrame) {
        guard let packet = try? SpacePacket.decode(frame.dataField, exact: true) else {
            reject(.malformedSpacePacket, apid: 0)
            return
        }
        guard packet.header.type == .telecommand, packet.header.apid == FPrimePacketDescriptor.command.apid else {
            reject(.notACommand, apid: packet.header.apid)
            return
        }
        let bytes: UnsafeRawBufferPointer
        switch authenticator.check(packet) {
        case .failure(let why):
            counts.refusals[Int(why.rawValue)] &+= 1
            ports.log(Event.authRefused, .enumeration(Int32(why.rawValue)), .u64(Self.claimedCounter(packet)))
            return
        case .success(let b): bytes = b
        }
        guard case .command(let opcode, let args)? = try? FPrimePacket.decode(bytes) else {
            reject(.malformedCommand, apid: packet.header.apid)
            return
        }
        counts.commandsUplinked &+= 1
        let command = CommandPacket(opcode: opcode, sequence: UInt32(packet.header.sequenceCount), arguments: Array(args), source: .ground)
        if !dispatcher.submit(command) { reject(.dispatcherBusy, apid: packet.header.apid) }
    }

    /// The counter a signed packet claims (for the refusal event), 0 when it has none.
    static func claimedCounter(_ packet: SpacePacket) -> UInt64 {
        let f = packet.dataField
        guard packet.header.hasSecondaryHeader, f.count >= CommandAuthentication.headerSize else { return 0 }
        var c: UInt64 = 0
        for k in 1...8 { c = c << 8 | UInt64(f[k]) }
        return c
    }

    // MARK: Own commands

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        switch Command(rawValue: command.localOpcode) {
        case .authResetCounter:
            let previous = authenticator.lastCounter
            authenticator.resetCounter()
            ports.log(Event.authCounterReset, .u64(previous))
            return .ok
        case nil:
            return .invalidOpcode
        }
    }

    // MARK: Telemetry

    func report() {
        let u = accumulator.counts
        let s = link.statistics
        ports.write(Channel.uplinkBytes, .u64(s.bytesReceived))
        ports.write(Channel.uplinkFrames, .u32(UInt32(truncatingIfNeeded: u.frames)))
        ports.write(Channel.uplinkBytesSkipped, .u64(UInt64(u.bytesSkipped)))
        ports.write(Channel.uplinkCrcErrors, .u32(UInt32(truncatingIfNeeded: u.crcMismatches)))
        ports.write(Channel.keepAlives, .u32(UInt32(truncatingIfNeeded: u.keepAlives)))
        ports.write(Channel.packetsRejected, .u32(counts.packetsRejected))
        ports.write(Channel.authRefused, .u32(counts.authRefused))
        ports.write(Channel.authUnauthenticated, .u32(counts.refused(.unauthenticated)))
        ports.write(Channel.authTruncated, .u32(counts.refused(.truncated)))
        ports.write(Channel.authBadMac, .u32(counts.refused(.badMAC)))
        ports.write(Channel.authReplayed, .u32(counts.refused(.replayed)))
        ports.write(Channel.authOther, .u32(counts.refused(.unknownVersion) &+ counts.refused(.noKey)))
        ports.write(Channel.authLastCounter, .u64(authenticator.lastCounter))
        ports.write(Channel.commandsUplinked, .u32(counts.commandsUplinked))
        ports.write(Channel.commandsCompleted, .u32(counts.commandsCompleted))
        ports.write(Channel.commandsFailed, .u32(counts.commandsFailed))
        ports.write(Channel.downlinkPackets, .u64(counts.downlinkPackets))
        ports.write(Channel.downlinkFramesSent, .u64(counts.framesSent))
        ports.write(Channel.downlinkQueueDepth, .u32(UInt32(queueCount)))
        ports.write(Channel.eventsLost, .u64(counts.eventsLost))
        ports.write(Channel.channelsDeferred, .u64(counts.channelsDeferred))
        ports.write(Channel.framesAbandoned, .u32(counts.framesAbandoned))
        ports.write(Channel.sendRefused, .u64(s.sendRefused))
        ports.write(Channel.linkUp, .bool(wasUp))
    }
}
