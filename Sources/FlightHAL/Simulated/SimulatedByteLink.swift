import Synchronization

/// One end of an in-process byte stream: what one end writes, the other reads, through
/// bounded lock-free rings (so either end may live on another thread). A full ring refuses
/// the rest of a write, and the refusal is counted, as on a real port.
///
/// With a ``FaultPlan`` (see ``pair(_:_:capacity:faults:)``) each byte written is a unit of
/// the plan: bytes are dropped, corrupted (one bit flipped) or doubled; a delay stalls the
/// line (that byte and every later one wait, in order); a disconnect makes both ends `.lost`
/// and refuses writes until it runs out (bus-off does not apply). Each direction has its own
/// injector and streams; steps are counted per pair: every `write` call on either end, and
/// ``advance(steps:)``. With faults the two ends share a lock on the write side (reads stay
/// lock-free).
public final class SimulatedByteLink: ByteLink {
    public let name: String
    private let inbound: SPSCByteRing
    private let outbound: SPSCByteRing
    private let counters = LinkCounters()
    private let closed: Atomic<Bool>
    private let peerClosed: SharedFlag
    private let faultState: PairFaults?
    /// 0 for the first end's direction (a to b), 1 for the other.
    private let direction: Int

    /// Two connected ends, each with `capacity` bytes of buffering per direction.
    public static func pair(_ a: String = "sim-a", _ b: String = "sim-b", capacity: Int = 4096, faults: FaultPlan = .none) -> (SimulatedByteLink, SimulatedByteLink) {
        let ab = SPSCByteRing(capacity: capacity), ba = SPSCByteRing(capacity: capacity)
        let flag = SharedFlag()
        let f = faults.isEmpty ? nil : PairFaults(plan: faults, capacity: capacity)
        let first = SimulatedByteLink(name: a, inbound: ba, outbound: ab, peerClosed: flag, faults: f, direction: 0)
        let second = SimulatedByteLink(name: b, inbound: ab, outbound: ba, peerClosed: flag, faults: f, direction: 1)
        f?.ends.withLock { $0 = [first.counters, second.counters] }
        return (first, second)
    }

    private init(name: String, inbound: SPSCByteRing, outbound: SPSCByteRing, peerClosed: SharedFlag, faults: PairFaults?, direction: Int) {
        self.name = name
        self.inbound = inbound
        self.outbound = outbound
        self.closed = Atomic(false)
        self.peerClosed = peerClosed
        self.faultState = faults
        self.direction = direction
    }

    public var state: LinkState {
        if closed.load(ordering: .relaxed) { return .closed }
        if peerClosed.isSet { return .lost(LinkError(.disconnected, device: name, detail: "the other end closed")) }
        if let f = faultState, f.isLost { return .lost(LinkError(.disconnected, device: name, detail: "simulated disconnect")) }
        return .open
    }

    public var statistics: LinkStatistics { counters.snapshot }

    /// What the fault injector did to the bytes this end wrote (all zero without a plan).
    public var faults: FaultCounters { faultState?.counters(direction) ?? FaultCounters() }

    /// Lets `steps` steps pass with nothing written: stalls run out, a disconnect recovers.
    public func advance(steps: Int = 1) {
        guard let f = faultState else { return }
        f.state.withLock { s in
            for _ in 0..<max(steps, 0) { f.beginStep(&s, rings: ringsByDirection) }
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !closed.load(ordering: .relaxed) else { return 0 }
        let n = inbound.read(into: buffer)
        counters.add(.bytesReceived, UInt64(n))
        return n
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard !closed.load(ordering: .relaxed), !peerClosed.isSet else {
            counters.add(.sendRefused)
            return 0
        }
        guard let f = faultState else {
            let n = outbound.write(bytes)
            counters.add(.bytesSent, UInt64(n))
            if n < bytes.count { counters.add(.sendRefused) }
            return n
        }
        let taken = f.state.withLock { s in f.write(bytes, direction: direction, &s, rings: ringsByDirection) }
        counters.add(.bytesSent, UInt64(taken))
        if taken < bytes.count { counters.add(.sendRefused) }
        return taken
    }

    /// The ring each direction writes into: (a to b, b to a).
    private var ringsByDirection: (SPSCByteRing, SPSCByteRing) {
        direction == 0 ? (outbound, inbound) : (inbound, outbound)
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

/// The fault state a faulty byte pair shares: the step count, the disconnect, and per
/// direction the injector and the stalled bytes.
final class PairFaults: Sendable {
    struct Direction {
        var injector: FaultInjector
        /// Bytes held by a stall, in order; room reserved up front.
        var held: [UInt8]
        var stalledUntil: UInt64 = 0
    }

    struct State {
        var step: UInt64 = 0
        var lostUntil: UInt64 = 0
        var directions: [Direction]
    }

    let state: Mutex<State>
    /// Both ends' counters, for reconnects (set once, right after the pair is made).
    let ends = Mutex<[LinkCounters]>([])
    private let lost = Atomic<Bool>(false)
    let capacity: Int

    init(plan: FaultPlan, capacity: Int) {
        self.capacity = capacity
        var held: [UInt8] = []
        held.reserveCapacity(capacity)
        state = Mutex(State(directions: [
            Direction(injector: FaultInjector(plan: plan, direction: 0, allowsBusOff: false), held: held),
            Direction(injector: FaultInjector(plan: plan, direction: 1, allowsBusOff: false), held: held),
        ]))
    }

    var isLost: Bool { lost.load(ordering: .acquiring) }

    func counters(_ direction: Int) -> FaultCounters { state.withLock { $0.directions[direction].injector.counters } }

    func beginStep(_ s: inout State, rings: (SPSCByteRing, SPSCByteRing)) {
        s.step += 1
        if s.lostUntil != 0 && s.step >= s.lostUntil {
            s.lostUntil = 0
            lost.store(false, ordering: .releasing)
            for d in 0..<2 { s.directions[d].injector.counters.recoveries += 1 }
            ends.withLock { for c in $0 { c.add(.reconnects) } }
        }
        for d in 0..<2 where !s.directions[d].held.isEmpty && s.step >= s.directions[d].stalledUntil {
            let ring = d == 0 ? rings.0 : rings.1
            let n = s.directions[d].held.withUnsafeBytes { ring.write($0) }
            s.directions[d].held.removeFirst(n)
        }
    }

    /// Applies the plan to `bytes` byte by byte; returns how many were taken (dropped ones
    /// count as taken: the line lost them).
    func write(_ bytes: UnsafeRawBufferPointer, direction d: Int, _ s: inout State, rings: (SPSCByteRing, SPSCByteRing)) -> Int {
        beginStep(&s, rings: rings)
        if s.lostUntil != 0 { return 0 }
        let ring = d == 0 ? rings.0 : rings.1
        var taken = 0
        for var b in bytes {
            let stalled = !s.directions[d].held.isEmpty || s.step < s.directions[d].stalledUntil
            let room = stalled ? capacity - s.directions[d].held.count : ring.capacity - ring.count
            if room < 2 { break }  // room for a duplicate too, decided before any draw
            let decision = s.directions[d].injector.decide(payloadBits: 8)
            if decision.disconnectSteps > 0 {
                s.lostUntil = s.step + UInt64(decision.disconnectSteps)
                lost.store(true, ordering: .releasing)
                break
            }
            if decision.drop {
                taken += 1
                continue
            }
            if let bit = decision.corruptBit { b ^= UInt8(1) << UInt8(bit) }
            var intoHeld = stalled
            if decision.delaySteps > 0 {
                if capacity - s.directions[d].held.count >= 2 {
                    s.directions[d].stalledUntil = max(s.directions[d].stalledUntil, s.step + UInt64(decision.delaySteps))
                    s.directions[d].injector.counters.delayed += 1
                    intoHeld = true
                } else {
                    s.directions[d].injector.counters.delayOverflows += 1
                }
            }
            let copies = decision.duplicate ? 2 : 1
            for _ in 0..<copies {
                if intoHeld {
                    s.directions[d].held.append(b)
                } else {
                    _ = withUnsafeBytes(of: b) { ring.write($0) }
                }
            }
            taken += 1
        }
        return taken
    }
}
