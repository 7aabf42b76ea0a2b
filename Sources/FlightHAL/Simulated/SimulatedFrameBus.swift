public import FlightWire
import Synchronization

/// An in-process CAN bus: every frame a node sends reaches every other node (not the sender,
/// as on a real bus without loopback), in order. Each node has a bounded receive queue; a
/// frame that does not fit is dropped and counted on that node (a receive overrun), as a CAN
/// controller does. Nodes may be driven from different threads: sends are serialised by the
/// bus's mutex, each node's queue is single-consumer.
public final class SimulatedFrameBus: Sendable {
    public let name: String
    public let supportsFD: Bool
    private let nodes = Mutex<[SimulatedFrameLink]>([])
    private let clock: @Sendable () -> UInt64

    /// - Parameter clock: the timestamp stamped on delivered frames (simulated time by
    ///   default: a counter of frames sent, so runs are repeatable).
    public init(name: String = "simcan0", supportsFD: Bool = true, clock: (@Sendable () -> UInt64)? = nil) {
        self.name = name
        self.supportsFD = supportsFD
        if let clock {
            self.clock = clock
        } else {
            let sequence = Atomic<UInt64>(0)
            self.clock = { sequence.wrappingAdd(1, ordering: .relaxed).newValue }
        }
    }

    /// A new node on the bus with room for `queueCapacity` received frames.
    public func attach(_ nodeName: String, queueCapacity: Int = 256) -> SimulatedFrameLink {
        let link = SimulatedFrameLink(name: "\(name)/\(nodeName)", bus: self, capacity: queueCapacity)
        nodes.withLock { $0.append(link) }
        return link
    }

    func detach(_ link: SimulatedFrameLink) {
        nodes.withLock { $0.removeAll { $0 === link } }
    }

    func broadcast(_ frame: CANFrame, from sender: SimulatedFrameLink) {
        nodes.withLock { nodes in
            let stamp = clock()
            for node in nodes where node !== sender {
                node.deliver(ReceivedFrame(frame: frame, timestamp: stamp, timestampSource: .simulated))
            }
        }
    }
}

/// A node's connection to a ``SimulatedFrameBus``.
public final class SimulatedFrameLink: FrameLink {
    public let name: String
    private let bus: SimulatedFrameBus
    private let queue: SPSCRing<ReceivedFrame>
    private let counters = LinkCounters()
    private let closed = Atomic<Bool>(false)

    init(name: String, bus: SimulatedFrameBus, capacity: Int) {
        self.name = name
        self.bus = bus
        self.queue = SPSCRing(capacity: capacity)
    }

    public var supportsFD: Bool { bus.supportsFD }
    public var state: LinkState { closed.load(ordering: .relaxed) ? .closed : .open }
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
        bus.broadcast(frame, from: self)
        counters.add(.framesSent)
        return .sent
    }

    func deliver(_ f: ReceivedFrame) {
        if !queue.push(f) { counters.add(.receiveOverruns) }
    }

    public func close() {
        if !closed.exchange(true, ordering: .relaxed) { bus.detach(self) }
    }
}
