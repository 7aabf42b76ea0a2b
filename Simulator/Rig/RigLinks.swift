import Configuration
import Devices
import FlightHAL
import FlightWire
import Synchronization

/// A device's link as a rig holds it: the caller's link behind a gate a fault scenario can
/// cut (`link-loss`, and `can-bus-off` on transports the rig cannot take bus-off itself).
///
/// While cut, the gate drops both ways: what the flight side sent is read from the link and
/// thrown away (so it is lost, not delivered late when the link returns), and what the
/// device sends is swallowed as if the wire took it. Dropped bytes and frames are counted.
/// Several emulators sharing one link (the six wheel controllers) each get a send-only view
/// of the gate (``SendOnlyByteLink``), and the rig reads the gate once for all of them.
final class GatedByteLink: ByteLink {
    let base: any ByteLink
    private let cut = Atomic<Bool>(false)
    private let droppedIn = Atomic<UInt64>(0)
    private let droppedOut = Atomic<UInt64>(0)

    init(_ base: any ByteLink) { self.base = base }

    var name: String { base.name }
    var state: LinkState { base.state }
    var statistics: LinkStatistics { base.statistics }
    var isCut: Bool {
        get { cut.load(ordering: .relaxed) }
        set { cut.store(newValue, ordering: .relaxed) }
    }
    /// Bytes thrown away while cut: (from the flight side, from the device).
    var dropped: (inbound: UInt64, outbound: UInt64) { (droppedIn.load(ordering: .relaxed), droppedOut.load(ordering: .relaxed)) }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = base.read(into: buffer)
        guard isCut else { return n }
        droppedIn.add(UInt64(n), ordering: .relaxed)
        return 0
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard isCut else { return base.write(bytes) }
        droppedOut.add(UInt64(bytes.count), ordering: .relaxed)
        return bytes.count
    }

    func close() { base.close() }
}

/// The frame-link form of ``GatedByteLink``.
final class GatedFrameLink: FrameLink {
    let base: any FrameLink
    private let cut = Atomic<Bool>(false)
    private let droppedIn = Atomic<UInt64>(0)
    private let droppedOut = Atomic<UInt64>(0)

    init(_ base: any FrameLink) { self.base = base }

    var name: String { base.name }
    var state: LinkState { base.state }
    var statistics: LinkStatistics { base.statistics }
    var supportsFD: Bool { base.supportsFD }
    var isCut: Bool {
        get { cut.load(ordering: .relaxed) }
        set { cut.store(newValue, ordering: .relaxed) }
    }
    var dropped: (inbound: UInt64, outbound: UInt64) { (droppedIn.load(ordering: .relaxed), droppedOut.load(ordering: .relaxed)) }

    func receive() -> ReceivedFrame? {
        guard isCut else { return base.receive() }
        // Bounded: a flood costs at most this much per call; the rest waits for the next.
        for _ in 0..<DeviceEndpoint.maxReadsPerReceive {
            guard base.receive() != nil else { break }
            droppedIn.add(1, ordering: .relaxed)
        }
        return nil
    }

    func send(_ frame: CANFrame) -> SendOutcome {
        guard isCut else { return base.send(frame) }
        droppedOut.add(1, ordering: .relaxed)
        return .sent
    }

    func close() { base.close() }
}

/// A link that goes nowhere: reads nothing, takes every write. What a rig gives an emulator
/// whose device the caller supplied no link for (a board without that device).
final class UnconnectedByteLink: ByteLink {
    let name: String
    init(_ name: String) { self.name = name }
    var state: LinkState { .closed }
    var statistics: LinkStatistics { LinkStatistics() }
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int { 0 }
    func write(_ bytes: UnsafeRawBufferPointer) -> Int { bytes.count }
    func close() {}
}

/// One device's link inside a rig: the gate, and what the rig needs to take the device off
/// the air (link loss) or its bus down (bus-off).
struct RigLink {
    enum Gate {
        case bytes(GatedByteLink)
        case frames(GatedFrameLink)
    }

    let device: String
    let gate: Gate
    /// Whether the caller gave a link (otherwise the device is unconnected).
    let connected: Bool

    init(device: String, link: DeviceLink?) {
        self.device = device
        switch link {
        case .bytes(let l)?:
            gate = .bytes(GatedByteLink(l))
            connected = true
        case .frames(let l)?:
            gate = .frames(GatedFrameLink(l))
            connected = true
        case nil:
            gate = .bytes(GatedByteLink(UnconnectedByteLink("\(device) (unconnected)")))
            connected = false
        }
    }

    /// The endpoint link an emulator reads and writes through.
    var endpointLink: DeviceEndpoint.Link {
        switch gate {
        case .bytes(let g): .bytes(g)
        case .frames(let g): .frames(g)
        }
    }

    /// A send-only endpoint link on the same gate's base (for emulators sharing one link).
    func sendOnlyLink() -> DeviceEndpoint.Link {
        switch gate {
        case .bytes(let g): .bytes(SendOnlyByteLink(g))
        case .frames(let g): .frames(SendOnlyFrameLink(g))
        }
    }

    var isCut: Bool {
        get {
            switch gate {
            case .bytes(let g): g.isCut
            case .frames(let g): g.isCut
            }
        }
        nonmutating set {
            switch gate {
            case .bytes(let g): g.isCut = newValue
            case .frames(let g): g.isCut = newValue
            }
        }
    }

    var carriesFrames: Bool {
        if case .frames = gate { return true }
        return false
    }

    /// The in-process simulated bus node under the gate, when the caller gave one.
    var simulatedNode: SimulatedFrameLink? {
        if case .frames(let g) = gate { return g.base as? SimulatedFrameLink }
        return nil
    }

    /// Bytes or frames dropped by the gate while cut: (from the flight side, from the device).
    var dropped: (inbound: UInt64, outbound: UInt64) {
        switch gate {
        case .bytes(let g): g.dropped
        case .frames(let g): g.dropped
        }
    }
}

/// Sends through a gate, never reads (the rig reads the shared link once, for every emulator).
final class SendOnlyByteLink: ByteLink {
    let gate: GatedByteLink
    init(_ gate: GatedByteLink) { self.gate = gate }
    var name: String { gate.name }
    var state: LinkState { gate.state }
    var statistics: LinkStatistics { gate.statistics }
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int { 0 }
    func write(_ bytes: UnsafeRawBufferPointer) -> Int { gate.write(bytes) }
    func close() {}
}

final class SendOnlyFrameLink: FrameLink {
    let gate: GatedFrameLink
    init(_ gate: GatedFrameLink) { self.gate = gate }
    var name: String { gate.name }
    var state: LinkState { gate.state }
    var statistics: LinkStatistics { gate.statistics }
    var supportsFD: Bool { gate.supportsFD }
    func receive() -> ReceivedFrame? { nil }
    func send(_ frame: CANFrame) -> SendOutcome { gate.send(frame) }
    func close() {}
}
