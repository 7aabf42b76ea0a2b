/// Turns a ``FaultPlan`` into one decision per unit, exactly as the plan documents, and counts
/// what it decided. Owned by one link (or one direction of a byte pair) and used under its lock.
struct FaultInjector: Sendable {
    let plan: FaultPlan
    private var streams: [SimulatedRandom]
    private var nextScheduled = 0
    private(set) var unit: UInt64 = 0
    var counters = FaultCounters()

    /// Byte links have no bus-off: their injector draws the bus-off stream but ignores it.
    let allowsBusOff: Bool

    init(plan: FaultPlan, direction: UInt64 = 0, allowsBusOff: Bool = true) {
        self.plan = plan
        self.allowsBusOff = allowsBusOff
        // A byte pair's two directions get distinct streams (direction 1 adds 16).
        streams = Fault.Kind.allCases.map {
            SimulatedRandom(seed: plan.seed, stream: UInt64($0.rawValue) + direction * 16)
        }
    }

    struct Decision {
        var disconnectSteps = 0
        var busOffSteps: Int? = nil
        var drop = false
        /// The payload bit to flip, when corrupting.
        var corruptBit: Int? = nil
        var duplicate = false
        var delaySteps = 0
    }

    /// The decision for the next unit, which has `payloadBits` bits that may be corrupted.
    mutating func decide(payloadBits: Int) -> Decision {
        let u = unit
        unit += 1
        counters.inspected += 1
        var d = Decision()
        // One draw per stream per unit, whatever the outcome (see FaultPlan).
        let disconnect = draw(.disconnect)
        let busOff = draw(.busOff) && allowsBusOff
        let drop = draw(.drop)
        var corrupt = draw(.corrupt)
        var corruptBit: Int? = corrupt && payloadBits > 0 ? streams[Int(Fault.Kind.corrupt.rawValue)].below(payloadBits) : nil
        var duplicate = draw(.duplicate)
        var delay = draw(.delay)
        var disconnectSteps = disconnect ? plan.steps[Int(Fault.Kind.disconnect.rawValue)] : 0
        var busOffSteps: Int? = busOff ? plan.steps[Int(Fault.Kind.busOff.rawValue)] : nil
        var dropped = drop
        var delaySteps = delay ? plan.steps[Int(Fault.Kind.delay.rawValue)] : 0

        while nextScheduled < plan.scheduled.count, plan.scheduled[nextScheduled].unit <= u {
            let s = plan.scheduled[nextScheduled]
            nextScheduled += 1
            guard s.unit == u else { continue }
            switch s.fault.kind {
            case .drop: dropped = true
            case .corrupt:
                // A scheduled corruption flips the first bit not already chosen: bit 0.
                if !corrupt { corrupt = true; corruptBit = payloadBits > 0 ? 0 : nil }
            case .duplicate: duplicate = true
            case .delay: delay = true; delaySteps = max(delaySteps, s.fault.steps)
            case .disconnect: disconnectSteps = max(disconnectSteps, s.fault.steps)
            case .busOff: if allowsBusOff { busOffSteps = max(busOffSteps ?? 0, s.fault.steps) }
            }
        }

        if disconnectSteps > 0 {
            d.disconnectSteps = disconnectSteps
            counters.disconnects += 1
            return d
        }
        if let b = busOffSteps {
            d.busOffSteps = b
            counters.busOffs += 1
            return d
        }
        if dropped {
            d.drop = true
            counters.dropped += 1
            return d
        }
        if let bit = corruptBit {
            d.corruptBit = bit
            counters.corrupted += 1
        }
        if duplicate {
            d.duplicate = true
            counters.duplicated += 1
        }
        if delay, delaySteps > 0 {
            d.delaySteps = delaySteps
        }
        return d
    }

    private mutating func draw(_ kind: Fault.Kind) -> Bool {
        streams[Int(kind.rawValue)].chance(plan.probabilities[Int(kind.rawValue)])
    }
}
