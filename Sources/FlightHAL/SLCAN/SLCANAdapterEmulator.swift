import FlightWire
import Synchronization

/// The device side of an SLCAN adapter, for simulators and tests: it reads Lawicel commands
/// from a ``ByteLink`` (the master of a ``PseudoTerminal`` that `slcand`, pyserial or an
/// ``SLCANLink`` opens, or one end of a ``SimulatedByteLink`` pair), answers them as a
/// CANable/USBtin does (CR for OK, BELL for an error, 'z'/'Z' for a queued frame), and forwards
/// frames between that byte side and a ``FrameLink`` CAN side (a node on a
/// ``SimulatedFrameBus``, so a simulator's CAN devices are reachable through it).
///
/// It answers everything the Linux 6.1 slcan driver and `slcand` send ('C', 'S0'...'S8',
/// 'sxxyy', 'F', 'O'; and frames 't', 'T', 'r', 'R') and what python-can 4.6.1's `slcan`
/// interface sends (also 'L', 'Yn', 'V', 'N', a bare CR, 'd'/'D'/'b'/'B' when the CAN side
/// carries FD), and reports state changes and bus errors with the Linux 6.x 's' and 'e' lines.
/// ``inject(_:)`` puts the controller into error states so tests can see them.
///
/// No thread of its own: ``pump()`` does one bounded round of work and returns;
/// ``run(until:idleMilliseconds:)`` loops it on the caller's thread.
public final class SLCANAdapterEmulator: Sendable {
    public struct Configuration: Sendable {
        /// The bit rate 'O' uses when no 'S' or 's' came first (nil: refuse 'O', as a strict
        /// Lawicel adapter does).
        public var defaultBitrate: SLCANBitrate? = .kbps500
        /// How a queued frame is acknowledged.
        public var transmitReply = TransmitReply.lawicel
        /// Send Linux 6.x 's' lines on state changes and 'e' lines on bus errors while open.
        public var reportsStateAndErrors = true
        /// 'V' answer: two decimal digits each.
        public var hardwareVersion: UInt8 = 10
        public var softwareVersion: UInt8 = 13
        /// 'N' answer: four characters.
        public var serialNumber: UInt32 = 0x5247_3031  // "RG01"
        /// Frames taken from the CAN side per ``pump()`` at most.
        public var maxFramesPerPump = 64
        /// Bytes of commands parsed per ``pump()`` at most.
        public var maxBytesPerPump = 8192
        /// Bytes of output buffered for the byte side (a full buffer drops received frames,
        /// counted, and raises 'F' data overrun).
        public var sendBufferBytes = 16384

        public init() {}
    }

    public enum TransmitReply: Sendable {
        /// 'z' CR for a standard frame, 'Z' CR for an extended one (Lawicel CANUSB, USBtin).
        case lawicel
        /// CR alone (CANable's slcan firmware).
        case carriageReturn
    }

    /// Faults a test puts the emulated controller into.
    public enum Fault: Sendable, Hashable {
        /// Enter `state`, with error counters (defaults: 0, 96, 128, 256 transmit errors).
        case controllerState(SLCANControllerState, receiveErrors: UInt16? = nil, transmitErrors: UInt16? = nil)
        /// Bus errors: 'F' bus error, and an 'e' line.
        case busErrors(SLCANBusErrors)
        /// The controller lost a received frame: 'F' data overrun, and an 'e' line with 'o'.
        case receiveOverrun
        /// 'F' arbitration lost.
        case arbitrationLost
    }

    /// The adapter's settings and state.
    public struct Snapshot: Hashable, Sendable {
        public var isOpen = false
        public var listenOnly = false
        public var bitrate: SLCANBitrate?
        public var bitTiming: UInt16?
        public var dataBitrate: UInt8?
        public var timestamps = false
        public var controllerState = SLCANControllerState.errorActive
        public var receiveErrors: UInt16 = 0
        public var transmitErrors: UInt16 = 0
        /// Latched 'F' flags not read yet.
        public var flags = SLCANStatusFlags()
    }

    public struct Statistics: Hashable, Sendable {
        /// Command lines answered with CR (or 'z'/'Z', or a value).
        public var commandsAccepted: UInt64 = 0
        /// Command lines answered with BELL.
        public var commandsRefused: UInt64 = 0
        /// Lines that did not decode, too long, or cut by a BELL (all answered with BELL).
        public var malformed: UInt64 = 0
        /// Frames from the byte side sent on the CAN side.
        public var framesToBus: UInt64 = 0
        /// Frames from the CAN side written to the byte side.
        public var framesFromBus: UInt64 = 0
        /// Frames from the CAN side dropped: channel closed, bus-off, or output buffer full.
        public var framesDropped: UInt64 = 0
        /// Replies that did not fit the output buffer.
        public var repliesDropped: UInt64 = 0
        public init() {}
    }

    public let byteSide: any ByteLink
    public let canSide: any FrameLink
    public let configuration: Configuration
    private let millisecondClock: @Sendable () -> UInt32
    private let core: Mutex<Core>

    /// - Parameter millisecondClock: the adapter's timestamp clock in milliseconds (taken
    ///   modulo 60 000); tests pass their own.
    public init(
        byteSide: any ByteLink, canSide: any FrameLink, configuration: Configuration = .init(),
        millisecondClock: @escaping @Sendable () -> UInt32 = { UInt32(truncatingIfNeeded: Syscall.monotonicNanoseconds() / 1_000_000) }
    ) {
        self.byteSide = byteSide
        self.canSide = canSide
        self.configuration = configuration
        self.millisecondClock = millisecondClock
        core = Mutex(Core(configuration))
    }

    public var snapshot: Snapshot { core.withLock { $0.snapshot } }
    public var statistics: Statistics { core.withLock { $0.statistics } }

    /// One bounded round: answer the commands that arrived, forward frames from the CAN side,
    /// write what is buffered. Never blocks. Returns whether it did anything.
    @discardableResult
    public func pump() -> Bool {
        core.withLock { c -> Bool in
            var busy = false
            var budget = configuration.maxBytesPerPump
            withUnsafeTemporaryAllocation(byteCount: 512, alignment: 1) { chunk in
                while budget > 0 {
                    let n = byteSide.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<min(512, budget)]))
                    if n <= 0 { break }
                    busy = true
                    budget -= n
                    var reader = c.reader
                    c.reader = .placeholder
                    reader.ingest(UnsafeRawBufferPointer(rebasing: chunk[0..<n])) { event in
                        switch event {
                        case .line(let line):
                            switch SLCANCodec.decodeCommand(line) {
                            case .success(let command): execute(command, &c)
                            case .failure:
                                c.statistics.malformed += 1
                                reply(.error, &c)
                            }
                        case .bell, .discarded:
                            c.statistics.malformed += 1
                            reply(.error, &c)
                        }
                    }
                    c.reader = reader
                }
            }
            for _ in 0..<configuration.maxFramesPerPump {
                guard let received = canSide.receive() else { break }
                busy = true
                let s = c.snapshot
                guard s.isOpen, s.controllerState != .busOff else {
                    c.statistics.framesDropped += 1
                    continue
                }
                let stamp: UInt16? = s.timestamps ? UInt16(millisecondClock() % SLCAN.timestampModulus) : nil
                if c.outbox.enqueueLine({ SLCANCodec.encode(received.frame, timestamp: stamp, into: $0) }) {
                    c.statistics.framesFromBus += 1
                } else {
                    c.statistics.framesDropped += 1
                    c.snapshot.flags.insert([.dataOverrun, .receiveQueueFull])
                }
            }
            c.outbox.flush(to: byteSide)
            return busy
        }
    }

    /// Pumps until `cancellation` fires, sleeping `idleMilliseconds` when there was nothing
    /// to do. Blocks: for an emulator's own thread or a test peer's main thread.
    public func run(until cancellation: Cancellation, idleMilliseconds: Int32 = 1) {
        while !cancellation.isCancelled {
            if !pump() { _ = cancellation.sleep(milliseconds: idleMilliseconds) }
        }
    }

    /// Puts the emulated controller into a fault. Safe from any thread.
    public func inject(_ fault: Fault) {
        core.withLock { c in
            switch fault {
            case .controllerState(let state, let rx, let tx):
                let defaultTX: UInt16 =
                    switch state {
                    case .errorActive: 0
                    case .errorWarning: 96
                    case .errorPassive: 128
                    case .busOff: 256
                    }
                enter(state, receiveErrors: rx ?? 0, transmitErrors: tx ?? defaultTX, &c)
            case .busErrors(let errors):
                c.snapshot.flags.insert(.busError)
                if errors.contains(.receiveOverrun) { c.snapshot.flags.insert(.dataOverrun) }
                if c.snapshot.isOpen, configuration.reportsStateAndErrors { reply(.busErrors(errors), &c) }
            case .receiveOverrun:
                c.snapshot.flags.insert(.dataOverrun)
                if c.snapshot.isOpen, configuration.reportsStateAndErrors { reply(.busErrors(.receiveOverrun), &c) }
            case .arbitrationLost:
                c.snapshot.flags.insert(.arbitrationLost)
            }
            c.outbox.flush(to: byteSide)
        }
    }

    // MARK: Inside the lock

    private func enter(_ state: SLCANControllerState, receiveErrors: UInt16, transmitErrors: UInt16, _ c: inout Core) {
        let changed = state != c.snapshot.controllerState
        c.snapshot.controllerState = state
        c.snapshot.receiveErrors = receiveErrors
        c.snapshot.transmitErrors = transmitErrors
        switch state {
        case .errorActive: break
        case .errorWarning: c.snapshot.flags.insert(.errorWarning)
        case .errorPassive: c.snapshot.flags.insert(.errorPassive)
        // Lawicel's status byte has no bus-off bit: an SJA1000 raises error warning (bus status
        // changed) and bus error. The 's' line says bus-off exactly.
        case .busOff: c.snapshot.flags.insert([.errorWarning, .busError])
        }
        if changed, c.snapshot.isOpen, configuration.reportsStateAndErrors {
            reply(.controllerState(state, receiveErrors: receiveErrors, transmitErrors: transmitErrors), &c)
        }
    }

    private func execute(_ command: SLCANCommand, _ c: inout Core) {
        let open = c.snapshot.isOpen
        switch command {
        case .empty:
            accept(&c)
        case .close:
            c.snapshot.isOpen = false
            c.snapshot.listenOnly = false
            accept(&c)
        case .open, .listenOnly:
            guard !open else { return refuse(&c) }
            if c.snapshot.bitrate == nil && c.snapshot.bitTiming == nil {
                guard let b = configuration.defaultBitrate else { return refuse(&c) }
                c.snapshot.bitrate = b
            }
            c.snapshot.isOpen = true
            c.snapshot.listenOnly = command == .listenOnly
            // Opening resets the controller, as an SJA1000 leaving reset mode does.
            c.snapshot.controllerState = .errorActive
            c.snapshot.receiveErrors = 0
            c.snapshot.transmitErrors = 0
            accept(&c)
        case .bitrate(let b):
            guard !open else { return refuse(&c) }
            c.snapshot.bitrate = b
            c.snapshot.bitTiming = nil
            accept(&c)
        case .bitTiming(let btr0, let btr1):
            guard !open else { return refuse(&c) }
            c.snapshot.bitTiming = UInt16(btr0) << 8 | UInt16(btr1)
            c.snapshot.bitrate = nil
            accept(&c)
        case .dataBitrate(let d):
            guard !open else { return refuse(&c) }
            c.snapshot.dataBitrate = d
            accept(&c)
        case .timestamps(let on):
            guard !open else { return refuse(&c) }
            c.snapshot.timestamps = on
            accept(&c)
        case .readStatusFlags:
            // Answered open or closed: the Linux driver sends 'F' before 'O' to clear errors.
            let flags = c.snapshot.flags
            c.snapshot.flags = []
            c.statistics.commandsAccepted += 1
            reply(.statusFlags(flags), &c)
        case .version:
            c.statistics.commandsAccepted += 1
            reply(.version(hardware: configuration.hardwareVersion, software: configuration.softwareVersion), &c)
        case .serialNumber:
            c.statistics.commandsAccepted += 1
            reply(.serialNumber(configuration.serialNumber), &c)
        case .transmit(let frame):
            guard open, !c.snapshot.listenOnly, c.snapshot.controllerState != .busOff else { return refuse(&c) }
            guard !frame.isFD || canSide.supportsFD else { return refuse(&c) }
            switch canSide.send(frame) {
            case .sent:
                c.statistics.framesToBus += 1
                c.statistics.commandsAccepted += 1
                switch configuration.transmitReply {
                case .lawicel: reply(.transmitted(extended: frame.id.isExtended), &c)
                case .carriageReturn: reply(.ok, &c)
                }
            case .backPressure:
                c.snapshot.flags.insert(.transmitQueueFull)
                refuse(&c)
            case .refused:
                refuse(&c)
            }
        }
    }

    private func accept(_ c: inout Core) {
        c.statistics.commandsAccepted += 1
        reply(.ok, &c)
    }

    private func refuse(_ c: inout Core) {
        c.statistics.commandsRefused += 1
        reply(.error, &c)
    }

    private func reply(_ r: SLCANReply, _ c: inout Core) {
        if !c.outbox.enqueueLine({ SLCANCodec.encode(r, into: $0) }) { c.statistics.repliesDropped += 1 }
    }

    struct Core: Sendable {
        var reader = SLCANLineReader()
        var outbox: SLCANOutbox
        var snapshot = Snapshot()
        var statistics = Statistics()

        init(_ configuration: Configuration) {
            outbox = SLCANOutbox(capacity: configuration.sendBufferBytes)
        }
    }
}
