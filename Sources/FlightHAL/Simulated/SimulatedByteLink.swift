import Synchronization

/// One end of an in-process byte stream: what one end writes, the other reads, through
/// bounded lock-free rings (so either end may live on another thread). A full ring refuses
/// the rest of a write, and the refusal is counted, as on a real port.
public final class SimulatedByteLink: ByteLink {
    public let name: String
    private let inbound: SPSCByteRing
    private let outbound: SPSCByteRing
    private let counters = LinkCounters()
    private let closed: Atomic<Bool>
    private let peerClosed: SharedFlag

    /// Two connected ends, each with `capacity` bytes of buffering per direction.
    public static func pair(_ a: String = "sim-a", _ b: String = "sim-b", capacity: Int = 4096) -> (SimulatedByteLink, SimulatedByteLink) {
        let ab = SPSCByteRing(capacity: capacity), ba = SPSCByteRing(capacity: capacity)
        let flag = SharedFlag()
        return (SimulatedByteLink(name: a, inbound: ba, outbound: ab, peerClosed: flag),
                SimulatedByteLink(name: b, inbound: ab, outbound: ba, peerClosed: flag))
    }

    private init(name: String, inbound: SPSCByteRing, outbound: SPSCByteRing, peerClosed: SharedFlag) {
        self.name = name
        self.inbound = inbound
        self.outbound = outbound
        self.closed = Atomic(false)
        self.peerClosed = peerClosed
    }

    public var state: LinkState {
        if closed.load(ordering: .relaxed) { return .closed }
        if peerClosed.isSet { return .lost(LinkError(.disconnected, device: name, detail: "the other end closed")) }
        return .open
    }

    public var statistics: LinkStatistics { counters.snapshot }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !closed.load(ordering: .relaxed) else { return 0 }
        let n = inbound.read(into: buffer)
        counters.add(.bytesReceived, UInt64(n))
        return n
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard state == .open else {
            counters.add(.sendRefused)
            return 0
        }
        let n = outbound.write(bytes)
        counters.add(.bytesSent, UInt64(n))
        if n < bytes.count { counters.add(.sendRefused) }
        return n
    }

    public func close() {
        if !closed.exchange(true, ordering: .relaxed) { peerClosed.set() }
    }
}

/// A flag both ends of a simulated link share.
final class SharedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
