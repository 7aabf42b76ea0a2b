public import FlightWire
import Synchronization

/// A ``FrameLink`` to a CAN bus through an SLCAN (Lawicel) adapter on any ``ByteLink``: a USB
/// serial port, a PTY a simulator exposes, or one end of a ``SimulatedByteLink`` pair.
///
/// No thread of its own: the byte link's reader already queues the adapter's bytes, and this
/// link parses whatever has arrived when it is asked, in ``receive()`` or ``pump()``; sends
/// are encoded into a bounded send buffer and written as far as the byte link takes them. So
/// every call returns at once, and a driver calling `receive()` on its tick keeps the link
/// moving: answers matched, 'F' status polled every `statusPollInterval`, timeouts noticed.
///
/// Opening is asynchronous too: ``open()`` queues 'C', 'S<n>', optionally 'Z1', then 'O' (or
/// 'L' for listen-only) and the state becomes `.open` when the adapter has answered them all
/// with CR; a BELL to any but 'C' makes it `.failed`. ``waitUntilOpen(timeoutMilliseconds:)``
/// is a blocking convenience for start-up, never for the tick path.
///
/// The link owns its byte link: ``close()`` sends 'C' and closes it.
public final class SLCANLink: FrameLink {
    public struct Configuration: Sendable {
        public var bitrate: SLCANBitrate = .kbps500
        /// Open with 'L' instead of 'O': receive only; sends are refused by the link.
        public var listenOnly = false
        /// Ask for adapter timestamps ('Z1'): received frames are then stamped `.adapter`.
        public var timestamps = false
        /// Send CAN FD frames as 'd'/'D'/'b'/'B' (only for firmware that has them, e.g.
        /// CANable 2.0). Off: FD frames are refused as unsupported.
        public var fd = false
        /// How often to poll the 'F' status flags while open, in nanoseconds (0: never).
        public var statusPollInterval: UInt64 = 100_000_000
        /// How long an adapter may take to answer a command, in nanoseconds.
        public var replyTimeout: UInt64 = 1_000_000_000
        /// Commands sent and not yet answered; a send beyond this is back-pressure.
        public var maxOutstandingCommands = 32
        public var receiveQueueCapacity = 256
        public var eventQueueCapacity = 64
        public var sendBufferBytes = 2048
        /// Bytes parsed per ``pump()`` at most (bounds the time one call can take).
        public var maxBytesPerPump = 8192

        public init() {}
    }

    public let name: String
    public let configuration: Configuration
    private let byteLink: any ByteLink
    private let clock: @Sendable () -> UInt64
    private let counters = LinkCounters()
    private let core: Mutex<Core>

    /// - Parameters:
    ///   - clock: monotonic nanoseconds for poll intervals, reply timeouts and reader
    ///     timestamps; tests pass their own.
    public init(
        over byteLink: any ByteLink, name: String? = nil, configuration: Configuration = .init(),
        clock: @escaping @Sendable () -> UInt64 = Syscall.monotonicNanoseconds
    ) {
        self.byteLink = byteLink
        self.name = name ?? "slcan:\(byteLink.name)"
        self.configuration = configuration
        self.clock = clock
        core = Mutex(Core(configuration))
    }

    public var supportsFD: Bool { configuration.fd }

    public var state: LinkState {
        switch byteLink.state {
        case .lost(let e): return .lost(e)
        case .failed(let e): return .failed(e)
        case .closed: return .closed
        case .open: break
        }
        return core.withLock { c in
            switch c.phase {
            case .open: .open
            case .failed(let e): .failed(e)
            case .idle, .opening, .closed: .closed
            }
        }
    }

    public var statistics: LinkStatistics { counters.snapshot }
    public var slcanStatistics: SLCANLinkStatistics { core.withLock { $0.stats } }
    /// The controller state the adapter last reported ('s' lines; 'F' warning/passive flags).
    public var controllerState: SLCANControllerState { core.withLock { $0.controllerState } }

    /// The next controller event, or nil. Never blocks.
    public func nextEvent() -> SLCANEvent? { core.withLock { $0.events.pop() } }

    /// Queues the open sequence ('C', 'S<n>', ['Z1'], 'O' or 'L') and returns at once. Does
    /// nothing while opening or open.
    public func open() {
        let now = clock()
        core.withLock { c in
            switch c.phase {
            case .opening, .open: return
            case .idle, .closed, .failed: break
            }
            c.reset(configuration)
            c.phase = .opening
            var steps: [(SLCANCommand, SLCANCommandKind)] = [(.close, .close), (.bitrate(configuration.bitrate), .bitrate)]
            if configuration.timestamps { steps.append((.timestamps(true), .timestamps)) }
            steps.append(configuration.listenOnly ? (.listenOnly, .listenOnly) : (.open, .open))
            for (command, kind) in steps {
                guard c.outbox.enqueueLine({ SLCANCodec.encode(command, into: $0) }),
                    c.pending.push(Pending(kind: kind, id: nil, sentAt: now))
                else {
                    c.phase = .failed(LinkError(.invalidConfiguration, device: name, detail: "send buffer too small for the open sequence"))
                    return
                }
            }
            counters.add(.bytesSent, UInt64(c.outbox.flush(to: byteLink)))
        }
    }

    /// Pumps until the link is open or failed, or `timeoutMilliseconds` pass. Blocks (1 ms
    /// sleeps): for start-up only.
    @discardableResult
    public func waitUntilOpen(timeoutMilliseconds: Int = 2000) -> LinkState {
        let deadline = Syscall.monotonicNanoseconds() + UInt64(max(0, timeoutMilliseconds)) * 1_000_000
        while true {
            pump()
            let s = state
            if s == .open { return s }
            if case .failed = s { return s }
            if case .lost = s { return s }
            if Syscall.monotonicNanoseconds() >= deadline { return s }
            Syscall.sleep(milliseconds: 1)
        }
    }

    /// Parses what the adapter has sent, matches answers to commands, notices timeouts, polls
    /// 'F' when due and writes what the send buffer holds. Never blocks.
    public func pump() {
        let now = clock()
        core.withLock { c in
            pumpLocked(&c, now: now)
        }
    }

    public func receive() -> ReceivedFrame? {
        let now = clock()
        return core.withLock { c -> ReceivedFrame? in
            pumpLocked(&c, now: now)
            guard let f = c.frames.pop() else { return nil }
            counters.add(.framesReceived)
            return f
        }
    }

    public func send(_ frame: CANFrame) -> SendOutcome {
        let now = clock()
        guard byteLink.state == .open else {
            counters.add(.sendRefused)
            return .refused(LinkError(.disconnected, device: name, detail: "the adapter's byte link is not open"))
        }
        if frame.isFD && !configuration.fd {
            counters.add(.sendRefused)
            return .refused(LinkError(.unsupported, device: name, detail: "CAN FD frame on a classic SLCAN link"))
        }
        if frame.isError {
            counters.add(.sendRefused)
            return .refused(LinkError(.unsupported, device: name, detail: "error frames cannot be sent"))
        }
        if configuration.listenOnly {
            counters.add(.sendRefused)
            return .refused(LinkError(.unsupported, device: name, detail: "listen-only"))
        }
        return core.withLock { c -> SendOutcome in
            guard case .open = c.phase else {
                counters.add(.sendRefused)
                return .refused(LinkError(.disconnected, device: name, detail: "SLCAN channel not open"))
            }
            guard !c.pending.isFull, c.outbox.enqueueLine({ SLCANCodec.encode(frame, into: $0) }) else {
                counters.add(.sendRefused)
                counters.add(.bytesSent, UInt64(c.outbox.flush(to: byteLink)))
                return .backPressure
            }
            _ = c.pending.push(Pending(kind: .frame, id: frame.id, sentAt: now))
            counters.add(.framesSent)
            counters.add(.bytesSent, UInt64(c.outbox.flush(to: byteLink)))
            return .sent
        }
    }

    /// Sends 'C' (when open or opening) and closes the byte link. Idempotent.
    public func close() {
        core.withLock { c in
            switch c.phase {
            case .opening, .open:
                _ = c.outbox.enqueueLine { SLCANCodec.encode(.close, into: $0) }
                counters.add(.bytesSent, UInt64(c.outbox.flush(to: byteLink)))
            case .idle, .closed, .failed: break
            }
            c.phase = .closed
        }
        byteLink.close()
    }

    // MARK: Inside the lock

    private func pumpLocked(_ c: inout Core, now: UInt64) {
        var budget = configuration.maxBytesPerPump
        withUnsafeTemporaryAllocation(byteCount: 512, alignment: 1) { chunk in
            while budget > 0 {
                let n = byteLink.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<min(512, budget)]))
                if n <= 0 { break }
                budget -= n
                counters.add(.bytesReceived, UInt64(n))
                var reader = c.reader
                c.reader = .placeholder
                reader.ingest(UnsafeRawBufferPointer(rebasing: chunk[0..<n])) { event in
                    handle(event, &c, now: now)
                }
                c.reader = reader
            }
        }
        // Commands never answered.
        while let p = c.pending.first, now &- p.sentAt > configuration.replyTimeout, now >= p.sentAt {
            _ = c.pending.pop()
            c.stats.unanswered += 1
            c.push(.noReply(p.kind))
            if case .opening = c.phase, p.kind != .close {
                c.phase = .failed(LinkError(.protocolError, device: name, detail: "the adapter did not answer the open sequence"))
            }
        }
        // Status poll.
        if case .open = c.phase, configuration.statusPollInterval > 0, !c.statusPollRefused,
            now &- c.lastPoll >= configuration.statusPollInterval, !c.pollOutstanding, !c.pending.isFull
        {
            if c.outbox.enqueueLine({ SLCANCodec.encode(.readStatusFlags, into: $0) }) {
                _ = c.pending.push(Pending(kind: .statusPoll, id: nil, sentAt: now))
                c.pollOutstanding = true
                c.lastPoll = now
                c.stats.statusPolls += 1
            }
        }
        counters.add(.bytesSent, UInt64(c.outbox.flush(to: byteLink)))
    }

    private func handle(_ event: SLCANLineReader.Event, _ c: inout Core, now: UInt64) {
        switch event {
        case .discarded:
            counters.add(.malformed)
        case .bell:
            c.stats.bellReplies += 1
            guard let p = c.answered() else {
                c.stats.unexpectedReplies += 1
                counters.add(.malformed)
                return
            }
            switch p.kind {
            case .frame:
                counters.add(.sendRefused)
                if let id = p.id { c.push(.sendRefused(id)) }
            case .close:
                break  // a strict Lawicel adapter refuses 'C' when already closed
            case .bitrate, .timestamps, .open, .listenOnly:
                c.push(.commandRefused(p.kind))
                if case .opening = c.phase {
                    c.phase = .failed(LinkError(.protocolError, device: name, detail: "the adapter refused the open sequence (BELL)"))
                }
            case .statusPoll:
                // Firmware without 'F' (some CANable builds): say so once and stop polling
                // until the next open, rather than filling the event queue every interval.
                c.push(.commandRefused(.statusPoll))
                c.statusPollRefused = true
            }
        case .line(let line):
            switch SLCANCodec.decodeReply(line) {
            case .failure:
                counters.add(.malformed)
            case .success(let reply):
                handle(reply, &c, now: now)
            }
        }
    }

    private func handle(_ reply: SLCANReply, _ c: inout Core, now: UInt64) {
        switch reply {
        case .ok, .transmitted, .version, .serialNumber:
            guard let p = c.answered() else {
                c.stats.unexpectedReplies += 1
                counters.add(.malformed)
                return
            }
            if case .opening = c.phase, p.kind == .open || p.kind == .listenOnly {
                c.phase = .open
                c.lastPoll = now
            }
        case .statusFlags(let flags):
            guard c.answered() != nil else {
                c.stats.unexpectedReplies += 1
                counters.add(.malformed)
                return
            }
            c.report(flags)
        case .frame(let frame, let ms):
            let stamped: ReceivedFrame
            if let ms, configuration.timestamps {
                stamped = ReceivedFrame(frame: frame, timestamp: c.adapterNanoseconds(ms), timestampSource: .adapter)
            } else {
                stamped = ReceivedFrame(frame: frame, timestamp: now, timestampSource: .reader)
            }
            if !c.frames.push(stamped) { counters.add(.receiveOverruns) }
        case .controllerState(let s, let rx, let tx):
            c.stats.stateAndErrorLines += 1
            counters.add(.errorFrames)
            c.controllerState = s
            c.push(.controllerState(s, receiveErrors: rx, transmitErrors: tx))
        case .busErrors(let e):
            c.stats.stateAndErrorLines += 1
            counters.add(.errorFrames)
            c.push(.busErrors(e))
        case .error:
            break  // BELL comes through the line reader, never as a decoded line
        }
    }
}
