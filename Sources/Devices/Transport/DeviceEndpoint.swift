public import FlightHAL
import FlightWire

/// One end of a device link, used alike by a flight driver and by the device's emulator:
/// sends and receives typed ``DeviceMessage``s over a ``FlightHAL/ByteLink`` (COBS+CRC frames,
/// ``DeviceSerialBinding``) or a ``FlightHAL/FrameLink`` (CAN frames with the plan's ids).
///
/// Neither call blocks and neither allocates after init. Whatever arrives — garbage, cut or
/// corrupted frames, unknown ids, wrong lengths, out-of-range fields, remote or FD frames — is
/// thrown away and counted by reason in ``counts`` (the latest in ``lastRejection``); nothing
/// from the link can trap. Messages of the plan that this endpoint does not take (a status
/// on an emulator's link, another wheel's command on a shared bus) are counted `ignored`.
///
/// Not thread-safe: one endpoint belongs to one thread (the executive's, or the simulator's).
public final class DeviceEndpoint {
    /// The link underneath.
    public enum Link {
        case bytes(any ByteLink)
        case frames(any FrameLink)
    }

    /// Which message ids an endpoint takes.
    public struct Filter: Sendable {
        let ids: [UInt16]?
        /// Every message of the plan.
        public static let all = Filter(ids: nil)
        /// Only these ids.
        public static func ids(_ ids: [UInt16]) -> Filter { Filter(ids: ids) }

        func accepts(_ id: UInt16) -> Bool { ids.map { $0.contains(id) } ?? true }
    }

    /// What an endpoint has done. Every frame that arrived is in exactly one of `received`,
    /// `ignored` or `rejected` (serial frames lost before a delimiter in `rejected` too).
    public struct Counts: Equatable, Sendable {
        /// Messages handed to the caller.
        public var received = 0
        /// Messages handed to the link.
        public var sent = 0
        /// Sends refused: back-pressure, a closed link, or a message that does not encode.
        public var sendRefused = 0
        /// Valid messages of the plan this endpoint does not take (its ``Filter``).
        public var ignored = 0
        /// CAN error frames seen on a frame link.
        public var errorFrames = 0
        /// Decoded messages lost because the receive queue was full (cannot happen with the
        /// built-in read sizes; counted all the same).
        public var queueOverflows = 0
        /// Rejected frames by reason.
        public var rejections = RejectionCounts()

        public init() {}

        public var rejected: Int { rejections.total }
    }

    /// The last frame thrown away, for a driver to report as an event.
    public struct Rejection: Equatable, Sendable, CustomStringConvertible {
        public var error: DeviceDecodeError
        public var reason: DeviceRejection { error.reason }
        public var description: String { "\(error)" }
    }

    public let link: Link
    public let filter: Filter
    public private(set) var lastRejection: Rejection?
    private var stored = Counts()

    // Byte-link state. The buffers are allocated once, by init, and held by `let` pointers:
    // an array in a class's `var` is checked for exclusive access at run time on every change
    // (and for uniqueness), on every message sent and received.
    private var decoder = DeviceStreamDecoder()
    private let readBuffer: UnsafeMutableRawBufferPointer
    private let wireBuffer: UnsafeMutableRawBufferPointer
    /// The unsent tail of a frame the link took only part of: sent before anything else, so
    /// frames never interleave on the wire.
    private let outbox: UnsafeMutableRawBufferPointer
    private var outboxStart = 0
    private var outboxEnd = 0
    private let queue: UnsafeMutableBufferPointer<DeviceMessage?>
    private var queueHead = 0
    private var queueCount = 0

    /// Bytes read per `read` call: at most 64 / 10 = 6 of the shortest frames, so one read
    /// never overfills the queue.
    static let readChunk = 64
    static let queueCapacity = 16
    /// Reads (byte link) or frames (frame link) at most per ``receive()``, so a flood of
    /// garbage costs a bounded amount of work per call.
    public static let maxReadsPerReceive = 32

    /// An endpoint on a byte link (serial, PTY, Unix socket, simulated byte pair).
    public convenience init(_ link: any ByteLink, accepting filter: Filter = .all) {
        self.init(link: .bytes(link), filter: filter)
    }

    /// An endpoint on a frame link (SocketCAN, SLCAN, simulated CAN bus).
    public convenience init(_ link: any FrameLink, accepting filter: Filter = .all) {
        self.init(link: .frames(link), filter: filter)
    }

    public init(link: Link, filter: Filter = .all) {
        self.link = link
        self.filter = filter
        readBuffer = .allocate(byteCount: Self.readChunk, alignment: 1)
        readBuffer.initializeMemory(as: UInt8.self, repeating: 0)
        wireBuffer = .allocate(byteCount: DeviceSerialBinding.maxWireCount, alignment: 1)
        wireBuffer.initializeMemory(as: UInt8.self, repeating: 0)
        outbox = .allocate(byteCount: DeviceSerialBinding.maxWireCount, alignment: 1)
        outbox.initializeMemory(as: UInt8.self, repeating: 0)
        queue = .allocate(capacity: Self.queueCapacity)
        queue.initialize(repeating: nil)
    }

    deinit {
        readBuffer.deallocate()
        wireBuffer.deallocate()
        outbox.deallocate()
        queue.deinitialize()
        queue.deallocate()
    }

    /// The link's name (the board file's device name).
    public var name: String {
        switch link {
        case .bytes(let l): l.name
        case .frames(let l): l.name
        }
    }

    public var linkState: LinkState {
        switch link {
        case .bytes(let l): l.state
        case .frames(let l): l.state
        }
    }

    /// Counters, framing rejections of the serial binding included. Allocation-free, so a
    /// driver may read it on every tick.
    public var counts: Counts {
        var c = stored
        c.rejections = decoder.rejections
        c.rejections.add(stored.rejections)
        return c
    }

    // MARK: Sending

    /// Sends one message, whole or not at all. On a byte link a frame the link takes only in
    /// part has its tail kept and sent first on the next call (so the stream stays framed).
    public func send(_ message: DeviceMessage) -> SendOutcome {
        switch link {
        case .frames(let l):
            guard let frame = message.canFrame else { return refuse(.invalidConfiguration, "message does not encode") }
            let outcome = l.send(frame)
            if outcome == .sent { stored.sent += 1 } else { stored.sendRefused += 1 }
            return outcome
        case .bytes(let l):
            flush()
            guard outboxStart == outboxEnd else {
                stored.sendRefused += 1
                return .backPressure
            }
            guard let n = DeviceSerialBinding.encode(message, into: wireBuffer) else {
                return refuse(.invalidConfiguration, "message does not encode")
            }
            let taken = l.write(UnsafeRawBufferPointer(rebasing: wireBuffer[0..<n]))
            if taken == 0 {
                stored.sendRefused += 1
                return l.state.isOpen ? .backPressure : .refused(LinkError(.disconnected, device: l.name))
            }
            if taken < n {
                UnsafeMutableRawBufferPointer(rebasing: outbox[0..<(n - taken)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: wireBuffer[taken..<n]))
                outboxStart = 0
                outboxEnd = n - taken
            }
            stored.sent += 1
            return .sent
        }
    }

    /// Sends what is left of a partly written frame. ``send(_:)`` and ``receive()`` call it;
    /// an emulator or driver with nothing to send may call it each step.
    public func flush() {
        guard case .bytes(let l) = link, outboxStart < outboxEnd else { return }
        let taken = l.write(UnsafeRawBufferPointer(rebasing: outbox[outboxStart..<outboxEnd]))
        outboxStart += taken
        if outboxStart == outboxEnd {
            outboxStart = 0
            outboxEnd = 0
        }
    }

    private func refuse(_ kind: LinkError.Kind, _ detail: String) -> SendOutcome {
        stored.sendRefused += 1
        return .refused(LinkError(kind, device: name, detail: detail))
    }

    // MARK: Receiving

    /// The next message this endpoint takes, or nil when none is waiting. Never blocks; does
    /// at most ``maxReadsPerReceive`` reads or frames of work.
    public func receive() -> DeviceMessage? {
        switch link {
        case .frames(let l): return receiveFrame(l)
        case .bytes(let l):
            flush()
            if let m = dequeue() { return m }
            for _ in 0..<Self.maxReadsPerReceive {
                let n = l.read(into: readBuffer)
                if n == 0 { break }
                decoder.ingest(
                    UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]),
                    deliver: { m in take(m) },
                    reject: { e in lastRejection = Rejection(error: e) })
                if queueCount > 0 { break }
            }
            return dequeue()
        }
    }

    private func receiveFrame(_ l: any FrameLink) -> DeviceMessage? {
        for _ in 0..<Self.maxReadsPerReceive {
            guard let r = l.receive() else { return nil }
            if r.frame.isError {
                stored.errorFrames += 1
                continue
            }
            do throws(DeviceDecodeError) {
                let m = try DeviceMessage.decode(frame: r.frame)
                guard filter.accepts(m.id) else {
                    stored.ignored += 1
                    continue
                }
                stored.received += 1
                return m
            } catch {
                stored.rejections.add(error.reason)
                lastRejection = Rejection(error: error)
            }
        }
        return nil
    }

    private func take(_ m: DeviceMessage) {
        guard filter.accepts(m.id) else {
            stored.ignored += 1
            return
        }
        guard queueCount < queue.count else {
            stored.queueOverflows += 1
            return
        }
        queue[(queueHead + queueCount) % queue.count] = m
        queueCount += 1
    }

    private func dequeue() -> DeviceMessage? {
        guard queueCount > 0 else { return nil }
        let m = queue[queueHead]
        queue[queueHead] = nil
        queueHead = (queueHead + 1) % queue.count
        queueCount -= 1
        stored.received += 1
        return m
    }
}
