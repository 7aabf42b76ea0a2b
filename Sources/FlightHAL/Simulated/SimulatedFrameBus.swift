public import FlightWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An in-process CAN bus: every frame a node sends reaches every other node (not the sender,
/// as on a real bus without loopback), in order. Each node has a bounded receive queue; a
/// frame that does not fit is dropped and counted on that node (a receive overrun), as a CAN
/// controller does. Nodes may be driven from different threads: sends are serialised by the
/// bus's mutex, each node's queue is single-consumer.
///
/// With a ``FaultPlan`` the bus injects faults deterministically (see ``FaultPlan`` for how
/// the seed becomes decisions, ``faults`` for the counts). Time on the bus is counted in
/// delivery steps, never wall time, so lockstep runs stay repeatable: every `send` call is
/// one step, and ``advance(steps:)`` adds steps when nothing is sent (a lockstep loop calls
/// it once per tick). At the start of each step, nodes whose disconnect or bus-off has run
/// out recover, then frames whose delay has run out are delivered (in the order they were
/// sent), then the step's own frame.
public final class SimulatedFrameBus: Sendable {
    public let name: String
    public let supportsFD: Bool
    private let state: Mutex<BusState>
    private let clock: (@Sendable () -> UInt64)?

    struct BusState {
        var nodes: [SimulatedFrameLink] = []
        var injector: FaultInjector?
        var step: UInt64 = 0
        var delayed: [DelayedFrame] = []
    }

    struct DelayedFrame {
        var due: UInt64
        var frame: CANFrame
        var sender: SimulatedFrameLink
    }

    /// - Parameters:
    ///   - faults: the faults to inject; `.none` for a perfect bus.
    ///   - clock: the timestamp stamped on delivered frames (by default simulated time: the
    ///     bus's step number, so runs are repeatable).
    public init(
        name: String = "simcan0", supportsFD: Bool = true, faults: FaultPlan = .none,
        clock: (@Sendable () -> UInt64)? = nil
    ) {
        self.name = name
        self.supportsFD = supportsFD
        self.clock = clock
        var s = BusState()
        if !faults.isEmpty {
            s.injector = FaultInjector(plan: faults)
            s.delayed.reserveCapacity(faults.maxDelayed)
        }
        state = Mutex(s)
    }

    /// A new node on the bus with room for `queueCapacity` received frames.
    public func attach(_ nodeName: String, queueCapacity: Int = 256) -> SimulatedFrameLink {
        let link = SimulatedFrameLink(name: "\(name)/\(nodeName)", bus: self, capacity: queueCapacity)
        state.withLock { $0.nodes.append(link) }
        return link
    }

    /// What the fault injector has done so far (all zero without a plan).
    public var faults: FaultCounters { state.withLock { $0.injector?.counters ?? FaultCounters() } }

    /// The current step number (starts at 0; each send and each advanced step adds one).
    public var step: UInt64 { state.withLock { $0.step } }

    /// Lets `steps` delivery steps pass with nothing sent: delays run out, nodes recover.
    public func advance(steps: Int = 1) {
        state.withLock { s in
            for _ in 0..<max(steps, 0) { beginStep(&s) }
        }
    }

    func detach(_ link: SimulatedFrameLink) {
        state.withLock { s in
            s.nodes.removeAll { $0 === link }
            s.delayed.removeAll { $0.sender === link }
        }
    }

    /// One send: a step, then the faults, then delivery. Called by the node.
    func send(_ frame: CANFrame, from sender: SimulatedFrameLink) -> SendOutcome {
        state.withLock { s in
            beginStep(&s)
            switch sender.condition {
            case .lost:
                return .refused(LinkError(.disconnected, device: sender.name, detail: "simulated disconnect"))
            case .busOff:
                return .refused(Self.busOffError(sender.name))
            case .ok:
                break
            }
            guard s.injector != nil else {
                broadcast(frame, from: sender, &s)
                return .sent
            }
            let bits = frame.isRemote ? 0 : frame.count * 8
            let d = s.injector!.decide(payloadBits: bits)
            if d.disconnectSteps > 0 {
                sender.setCondition(.lost, recoverAt: s.step + UInt64(d.disconnectSteps))
                return .refused(LinkError(.disconnected, device: sender.name, detail: "simulated disconnect"))
            }
            if let b = d.busOffSteps {
                sender.setCondition(.busOff, recoverAt: b == 0 ? 0 : s.step + UInt64(b))
                sender.deliver(Self.errorFrame(SimulatedFrameBus.canErrBusOff, stamp: stamp(s)), isError: true)
                return .refused(Self.busOffError(sender.name))
            }
            if d.drop { return .sent }
            var f = frame
            if let bit = d.corruptBit {
                f.withUnsafeMutableBytes { $0[bit / 8] ^= UInt8(1) << UInt8(bit % 8) }
            }
            if d.delaySteps > 0 {
                if s.delayed.count < s.injector!.plan.maxDelayed {
                    s.delayed.append(DelayedFrame(due: s.step + UInt64(d.delaySteps), frame: f, sender: sender))
                    s.injector!.counters.delayed += 1
                    if d.duplicate { s.delayed.append(DelayedFrame(due: s.step + UInt64(d.delaySteps), frame: f, sender: sender)) }
                    return .sent
                }
                s.injector!.counters.delayOverflows += 1
            }
            broadcast(f, from: sender, &s)
            if d.duplicate { broadcast(f, from: sender, &s) }
            return .sent
        }
    }

    /// Takes every node bus-off now, as a bus fault (a short between CAN-H and CAN-L, a
    /// babbling node) does to every controller on it: each node gets a `CAN_ERR_BUSOFF` error
    /// frame, its sends are refused and it receives nothing, until ``recoverFromBusOff()`` or
    /// its own `restart()`. For fault scenarios (the simulator's `can-bus-off`).
    public func goBusOff() {
        state.withLock { s in
            for node in s.nodes where node.condition != .busOff {
                node.setCondition(.busOff, recoverAt: 0)
                node.deliver(Self.errorFrame(Self.canErrBusOff, stamp: stamp(s)), isError: true)
            }
        }
    }

    /// Restarts every bus-off node (each gets a `CAN_ERR_RESTARTED` error frame).
    public func recoverFromBusOff() {
        state.withLock { s in
            for node in s.nodes where node.condition == .busOff { recover(node, &s) }
        }
    }

    /// Restarts a bus-off node's controller now. Called by the node.
    func restart(_ node: SimulatedFrameLink) {
        state.withLock { s in
            guard node.condition == .busOff else { return }
            recover(node, &s)
        }
    }

    private func beginStep(_ s: inout BusState) {
        s.step += 1
        guard s.injector != nil else { return }
        for node in s.nodes where node.condition != .ok {
            let at = node.recoverAt
            if at != 0 && at <= s.step { recover(node, &s) }
        }
        var i = 0
        while i < s.delayed.count {
            if s.delayed[i].due <= s.step {
                let d = s.delayed[i]
                s.delayed.remove(at: i)
                broadcast(d.frame, from: d.sender, &s)
            } else {
                i += 1
            }
        }
    }

    private func recover(_ node: SimulatedFrameLink, _ s: inout BusState) {
        let wasBusOff = node.condition == .busOff
        node.setCondition(.ok, recoverAt: 0)
        node.countReconnect()
        s.injector?.counters.recoveries += 1
        if wasBusOff { node.deliver(Self.errorFrame(Self.canErrRestarted, stamp: stamp(s)), isError: true) }
    }

    private func stamp(_ s: BusState) -> UInt64 { clock?() ?? s.step }

    private func broadcast(_ frame: CANFrame, from sender: SimulatedFrameLink, _ s: inout BusState) {
        let received = ReceivedFrame(frame: frame, timestamp: stamp(s), timestampSource: .simulated)
        for node in s.nodes where node !== sender {
            if node.condition == .ok {
                node.deliver(received, isError: false)
            } else {
                s.injector?.counters.undelivered += 1
            }
        }
    }

    // SocketCAN's error-frame classes (linux/can/error.h), as a controller reports them.
    /// `CAN_ERR_BUSOFF`: the controller went bus-off.
    public static let canErrBusOff: UInt16 = 0x040
    /// `CAN_ERR_RESTARTED`: the controller restarted after bus-off.
    public static let canErrRestarted: UInt16 = 0x100

    /// An error frame as SocketCAN delivers it: `CAN_ERR_FLAG | class`, 8 data bytes of zero.
    static func errorFrame(_ errorClass: UInt16, stamp: UInt64) -> ReceivedFrame {
        let zeros: UInt64 = 0
        var f = withUnsafeBytes(of: zeros) { try! CANFrame(id: .standard(errorClass), data: $0) }
        f.isError = true
        return ReceivedFrame(frame: f, timestamp: stamp, timestampSource: .simulated)
    }

    /// What a send on a bus-off node is refused with: an I/O error with `ENETDOWN`, which is
    /// what a SocketCAN socket returns while its interface is bus-off.
    static func busOffError(_ device: String) -> LinkError {
        LinkError(.busOff, device: device, errno: ENETDOWN, detail: "sends refused until the controller recovers")
    }
}

/// A node's connection to a ``SimulatedFrameBus``.
public final class SimulatedFrameLink: FrameLink {
    public let name: String
    private let bus: SimulatedFrameBus
    private let queue: SPSCRing<ReceivedFrame>
    private let counters = LinkCounters()
    private let closed = Atomic<Bool>(false)
    private let conditionRaw = Atomic<UInt8>(0)
    private let recoverAtStep = Atomic<UInt64>(0)

    /// Where a node stands under fault injection (changed only under the bus's lock).
    enum Condition: UInt8 { case ok = 0, lost, busOff }

    init(name: String, bus: SimulatedFrameBus, capacity: Int) {
        self.name = name
        self.bus = bus
        self.queue = SPSCRing(capacity: capacity)
    }

    public var supportsFD: Bool { bus.supportsFD }

    public var state: LinkState {
        if closed.load(ordering: .relaxed) { return .closed }
        switch condition {
        case .ok: return .open
        case .lost: return .lost(LinkError(.disconnected, device: name, detail: "simulated disconnect"))
        case .busOff: return .lost(SimulatedFrameBus.busOffError(name))
        }
    }

    public var statistics: LinkStatistics { counters.snapshot }

    public func receive() -> ReceivedFrame? {
        guard let f = queue.pop() else { return nil }
        counters.add(.framesReceived)
        return f
    }

    public func send(_ frame: CANFrame) -> SendOutcome {
        guard !closed.load(ordering: .relaxed) else {
            counters.add(.sendRefused)
            return .refused(LinkError(.disconnected, device: name, detail: "link closed"))
        }
        guard !frame.isFD || bus.supportsFD else {
            counters.add(.sendRefused)
            return .refused(LinkError(.unsupported, device: name, detail: "CAN FD frame on a classic bus"))
        }
        let outcome = bus.send(frame, from: self)
        counters.add(outcome == .sent ? .framesSent : .sendRefused)
        return outcome
    }

    /// Restarts the node's controller after bus-off (as `ip link set canX type can restart`):
    /// it recovers at once and receives a `CAN_ERR_RESTARTED` error frame. Does nothing when
    /// the node is not bus-off.
    public func restart() { bus.restart(self) }

    /// The bus this node is on.
    public var simulatedBus: SimulatedFrameBus { bus }

    var condition: Condition { Condition(rawValue: conditionRaw.load(ordering: .acquiring)) ?? .ok }
    var recoverAt: UInt64 { recoverAtStep.load(ordering: .relaxed) }

    func setCondition(_ c: Condition, recoverAt: UInt64) {
        recoverAtStep.store(recoverAt, ordering: .relaxed)
        conditionRaw.store(c.rawValue, ordering: .releasing)
    }

    func countReconnect() { counters.add(.reconnects) }

    func deliver(_ f: ReceivedFrame, isError: Bool) {
        if !queue.push(f) {
            counters.add(.receiveOverruns)
        } else if isError {
            counters.add(.errorFrames)
        }
    }

    public func close() {
        if !closed.exchange(true, ordering: .relaxed) { bus.detach(self) }
    }
}
