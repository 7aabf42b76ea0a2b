/// One kind of fault the simulated bus can inject, with how long it lasts where that applies.
/// An extensible set: new kinds are new static members.
public struct Fault: Hashable, Sendable, CustomStringConvertible {
    enum Kind: UInt8, Hashable, Sendable, CaseIterable {
        // Raw values are the PRNG stream numbers (see `FaultPlan`); never renumber them.
        case drop = 0, corrupt, duplicate, delay, disconnect, busOff
    }

    let kind: Kind
    /// Delivery steps the fault lasts (delay, disconnect, bus-off); 0 for the others.
    public let steps: Int

    init(_ kind: Kind, steps: Int = 0) {
        precondition(steps >= 0, "a fault cannot last a negative number of steps")
        self.kind = kind
        self.steps = steps
    }

    /// The frame (or byte) is lost on the way.
    public static let drop = Fault(.drop)
    /// One bit of the frame's payload (or of the byte) is flipped, the bit chosen by the seed.
    public static let corrupt = Fault(.corrupt)
    /// The frame (or byte) is delivered twice.
    public static let duplicate = Fault(.duplicate)
    /// The frame is held back `steps` delivery steps (other frames overtake it). On a byte
    /// link the line stalls: this byte and every later one wait `steps` steps, in order.
    public static func delay(steps: Int) -> Fault { Fault(.delay, steps: max(steps, 1)) }
    /// The sending node (byte links: the pair) goes `.lost` for `steps` steps: the frame or
    /// byte that triggered it is refused, as is every send until it recovers, and it
    /// receives nothing meanwhile. Recovery counts a reconnect.
    public static func disconnect(steps: Int) -> Fault { Fault(.disconnect, steps: max(steps, 1)) }
    /// The sending node's controller goes bus-off (frame buses only; ignored on byte links):
    /// the frame is refused, an error frame with `CAN_ERR_BUSOFF` is queued to that node, its
    /// sends are refused until it recovers after `steps` steps (0: only `restart()` recovers),
    /// and recovery queues a `CAN_ERR_RESTARTED` error frame.
    public static func busOff(steps: Int) -> Fault { Fault(.busOff, steps: steps) }

    public var description: String {
        switch kind {
        case .drop: "drop"
        case .corrupt: "corrupt"
        case .duplicate: "duplicate"
        case .delay: "delay \(steps) steps"
        case .disconnect: "disconnect \(steps) steps"
        case .busOff: "bus-off \(steps) steps"
        }
    }
}

/// Which faults a simulated link injects: each kind with a probability per unit (a frame on a
/// frame bus, a byte on a byte link) and any number of faults scheduled at given units.
/// Deterministic: the same plan (seed included) gives the same faults on the same traffic.
///
///     let plan = FaultPlan.seeded(42)
///         .with(.drop, probability: 0.1)
///         .with(.busOff(steps: 20), at: 5_000)
///
/// How the seed becomes decisions (so a test can replay it): each kind has its own
/// ``SimulatedRandom`` stream, `SimulatedRandom(seed: seed, stream: n)` with n = 0 drop,
/// 1 corrupt, 2 duplicate, 3 delay, 4 disconnect, 5 bus-off. For every unit each stream is
/// drawn exactly once with `chance(p)` (even when p is 0); when the corrupt draw says yes and
/// the unit has payload bits, the corrupt stream is drawn once more, `below(bits)`, for the
/// bit to flip (bit b is bit `b % 8` of payload byte `b / 8`). Units are numbered from 0 in
/// the order they reach the injector (sends refused before it, by a closed, lost or bus-off
/// node, take no number). Precedence: disconnect, then bus-off, then drop; corrupt, duplicate
/// and delay combine.
public struct FaultPlan: Hashable, Sendable {
    public var seed: UInt64
    var probabilities: [Double] = Array(repeating: 0, count: Fault.Kind.allCases.count)
    var steps: [Int] = Array(repeating: 0, count: Fault.Kind.allCases.count)
    /// Scheduled faults, sorted by unit.
    public private(set) var scheduled: [ScheduledFault] = []
    /// How many frames may wait delayed at once; a delay beyond that is not applied (the frame
    /// goes at once) and is counted in ``FaultCounters/delayOverflows``.
    public var maxDelayed: Int = 64

    public init(seed: UInt64 = 0) { self.seed = seed }

    /// No faults.
    public static let none = FaultPlan()

    public static func seeded(_ seed: UInt64) -> FaultPlan { FaultPlan(seed: seed) }

    /// This plan plus `fault` on each unit with probability `probability` (replacing any
    /// earlier probability for the same kind).
    public func with(_ fault: Fault, probability: Double) -> FaultPlan {
        precondition(probability >= 0 && probability <= 1, "a probability is within 0...1")
        var p = self
        p.probabilities[Int(fault.kind.rawValue)] = probability
        p.steps[Int(fault.kind.rawValue)] = fault.steps
        return p
    }

    /// This plan plus `fault` on unit `unit` (counted from 0).
    public func with(_ fault: Fault, at unit: UInt64) -> FaultPlan {
        var p = self
        p.scheduled.append(ScheduledFault(unit: unit, fault: fault))
        p.scheduled.sort { $0.unit < $1.unit }
        return p
    }

    public func probability(of fault: Fault) -> Double { probabilities[Int(fault.kind.rawValue)] }

    /// Whether the plan can inject anything at all.
    public var isEmpty: Bool { scheduled.isEmpty && probabilities.allSatisfy { $0 == 0 } }
}

/// A fault planned for one unit.
public struct ScheduledFault: Hashable, Sendable {
    public var unit: UInt64
    public var fault: Fault
}

/// What a link's fault injector did. Each count is exact: a test can predict it from the plan.
public struct FaultCounters: Hashable, Sendable {
    /// Units (frames or bytes) that reached the injector.
    public var inspected: UInt64 = 0
    public var dropped: UInt64 = 0
    public var corrupted: UInt64 = 0
    public var duplicated: UInt64 = 0
    public var delayed: UInt64 = 0
    /// Delays not applied because ``FaultPlan/maxDelayed`` frames were already waiting.
    public var delayOverflows: UInt64 = 0
    public var disconnects: UInt64 = 0
    public var busOffs: UInt64 = 0
    /// Recoveries from disconnect or bus-off (by time or by `restart()`).
    public var recoveries: UInt64 = 0
    /// Frame copies not delivered because the receiving node was lost or bus-off.
    public var undelivered: UInt64 = 0

    public init() {}
}
