public import FlightWire
import Synchronization

/// One CAN link shared by several device drivers (or emulators), each reading through its
/// own ``Branch``: every frame received on the link is copied to every branch's bounded queue,
/// so each reader sees the whole bus, as each socket on a SocketCAN interface does. This is
/// how a board puts several devices on one SLCAN adapter, one interface or one simulated bus
/// while opening the link once.
///
/// A branch's queue that is full when a frame arrives drops that frame for that branch only,
/// and counts it in the branch's `receiveOverruns`. Sends go straight to the shared link;
/// other branches do not see them (a node does not hear its own bus traffic here).
/// Reading pulls from the shared link under a lock, so branches may be read from different
/// threads; no call blocks on I/O.
public final class SharedFrameLink: Sendable {
    public let link: any FrameLink
    private let state: Mutex<Queues>

    struct Queues: ~Copyable {
        var rings: [[ReceivedFrame?]] = []
        var heads: [Int] = []
        var counts: [Int] = []
        var overruns: [UInt64] = []
        var received: [UInt64] = []
    }

    public init(_ link: any FrameLink) {
        self.link = link
        state = Mutex(Queues())
    }

    /// A new reader of the link with its own queue of `queueCapacity` frames.
    public func branch(_ name: String, queueCapacity: Int = 256) -> Branch {
        precondition(queueCapacity > 0)
        let index = state.withLock { q in
            q.rings.append([ReceivedFrame?](repeating: nil, count: queueCapacity))
            q.heads.append(0)
            q.counts.append(0)
            q.overruns.append(0)
            q.received.append(0)
            return q.rings.count - 1
        }
        return Branch(shared: self, index: index, name: "\(link.name)/\(name)")
    }

    func receive(for index: Int) -> ReceivedFrame? {
        state.withLock { q in
            while let r = link.receive() {
                for i in q.rings.indices {
                    let capacity = q.rings[i].count
                    if q.counts[i] == capacity {
                        q.overruns[i] &+= 1
                        continue
                    }
                    q.rings[i][(q.heads[i] + q.counts[i]) % capacity] = r
                    q.counts[i] += 1
                }
            }
            guard q.counts[index] > 0 else { return nil }
            let r = q.rings[index][q.heads[index]]
            q.heads[index] = (q.heads[index] + 1) % q.rings[index].count
            q.counts[index] -= 1
            q.received[index] &+= 1
            return r
        }
    }

    func counts(for index: Int) -> (received: UInt64, overruns: UInt64) {
        state.withLock { ($0.received[index], $0.overruns[index]) }
    }

    /// One reader's view of the shared link.
    public final class Branch: FrameLink {
        let shared: SharedFrameLink
        let index: Int
        public let name: String

        init(shared: SharedFrameLink, index: Int, name: String) {
            self.shared = shared
            self.index = index
            self.name = name
        }

        public var state: LinkState { shared.link.state }
        public var supportsFD: Bool { shared.link.supportsFD }

        /// The shared link's figures, with this branch's own received count and overruns.
        public var statistics: LinkStatistics {
            var s = shared.link.statistics
            let mine = shared.counts(for: index)
            s.framesReceived = mine.received
            s.receiveOverruns += mine.overruns
            return s
        }

        public func receive() -> ReceivedFrame? { shared.receive(for: index) }
        public func send(_ frame: CANFrame) -> SendOutcome { shared.link.send(frame) }
        /// Closing a branch does not close the shared link: ``SharedFrameLink/close()`` does.
        public func close() {}
    }

    public func close() { link.close() }
}
