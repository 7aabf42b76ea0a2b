/// The telemetry database (F Prime's TlmChan): one preallocated slot per channel holding the
/// latest value, its time, whether it is waiting for downlink, and its limit state.
///
/// A write with an ``UpdatePolicy/onChange`` channel counts only when the value differs.
/// Limit transitions are counted and reported as events (yellow: WARNING_LO, red: WARNING_HI,
/// back to nominal: ACTIVITY_HI). Every accepted sample is folded into ``digest``, so two runs
/// can be compared sample for sample.
public final class TelemetryStore: Component {
    public let name: String
    public var ports = ComponentPorts.unwired

    public struct Slot: Sendable {
        // What a write touches first, together at the start of the slot (it is 200-odd bytes,
        // most of them the name, type and limits that a write reads rarely or never).
        public internal(set) var value: FlightValue
        public internal(set) var time: FlightTime = .zero
        /// Time of the last write, accepted or not (an unchanged value on an on-change channel
        /// still shows its writer is alive; the fault manager's staleness monitors read this).
        public internal(set) var lastWrite: FlightTime = .zero
        public internal(set) var samples: UInt64 = 0
        public let id: ChannelID
        public let update: UpdatePolicy
        /// ``FlightValue``'s tag of the values `type` takes (0 for strings: none).
        let valueTag: UInt8
        public internal(set) var written = false
        /// Written since last drained for downlink.
        public internal(set) var pending = false
        public internal(set) var limitState: LimitState = .nominal
        public let limits: ChannelLimits?
        public let qualifiedName: String
        public let type: FlightType

        init(id: ChannelID, qualifiedName: String, type: FlightType, update: UpdatePolicy, limits: ChannelLimits?) {
            let zero = FlightValue.zero(of: type)
            self.value = zero ?? .u8(0)
            self.id = id
            self.update = update
            self.valueTag = zero?.tag ?? 0
            self.limits = limits
            self.qualifiedName = qualifiedName
            self.type = type
        }

        /// Takes a sample unless it is an unchanged value on an on-change channel (nil). Returns
        /// the channel id and, when the value crossed into another limit state, that state.
        @inline(__always)
        mutating func accept(_ value: FlightValue, time: FlightTime) -> (id: ChannelID, newLimitState: LimitState?)? {
            // `value.isOf(type)`, by the tag worked out once from the type.
            precondition(value.tag == valueTag, "telemetry value of the wrong type for its channel")
            lastWrite = time
            // Unchanged means the same bits (as F Prime compares serialized values): NaN repeated
            // is no change, 0.0 to -0.0 is one.
            if update == .onChange && written && self.value.tag == value.tag && self.value.bitPattern == value.bitPattern {
                return nil
            }
            self.value = value
            self.time = time
            written = true
            pending = true
            samples &+= 1
            guard let limits else { return (id, nil) }
            let state = limits.state(of: value.doubleValue)
            guard state != limitState else { return (id, nil) }
            limitState = state
            return (id, state)
        }
    }

    // The slot table: allocated by `register` (the topology's build, before the first tick),
    // then written in place by `write`. A table behind a pointer rather than a ContiguousArray
    // property, and the counters in a private struct rather than public stored properties,
    // because Swift checks every in-place change of a public class property, and of a class
    // property holding an array, for exclusive access at run time (swift_beginAccess and
    // swift_endAccess cost as much as the write itself); the private, trivially copyable
    // properties here are checked at compile time. Slot indices come from `register`.
    private var table = UnsafeMutableBufferPointer<Slot>(start: nil, count: 0)
    private var counts = Counts()
    var indexByID: [ChannelID: Int] = [:]

    private struct Counts {
        var accepted: UInt64 = 0
        var unchanged: UInt64 = 0
        var limitTransitions: UInt64 = 0
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
    }

    /// Every channel's slot, in registration order: a copy (it allocates, so not for the tick
    /// path: there, ``withSlots(_:)``).
    public var slots: ContiguousArray<Slot> { ContiguousArray(table) }
    public var samplesAccepted: UInt64 { counts.accepted }
    public var samplesUnchanged: UInt64 { counts.unchanged }
    public var limitTransitions: UInt64 { counts.limitTransitions }
    /// FNV-1a over every accepted sample: (id, time, type, value bits).
    public var digest: UInt64 { counts.digest }

    /// Calls `body` with every channel's slot, in registration order, without copying them.
    public func withSlots<R>(_ body: (UnsafeBufferPointer<Slot>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(table))
    }

    deinit {
        table.deinitialize()
        table.deallocate()
    }

    public enum Channel: UInt32 { case samples = 0, limitTransitions = 1 }
    public enum Event: UInt32 { case limitYellow = 0, limitRed = 1, limitNominal = 2 }

    public init(name: String = "tlmChan") { self.name = name }

    public var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "TelemetryStore",
            summary: "Holds the latest value of every telemetry channel, checks limits, and hands updated channels to the downlink.",
            channels: [
                ChannelDefinition(Channel.samples.rawValue, "SamplesAccepted", .u64, summary: "Telemetry samples accepted since start"),
                ChannelDefinition(Channel.limitTransitions.rawValue, "LimitTransitions", .u32, update: .onChange, summary: "Limit-state changes of any channel"),
            ],
            events: [
                EventDefinition(Event.limitYellow.rawValue, "ChannelLimitYellow", .warningLow, arguments: [.init("channel", .u32), .init("value", .f64)], format: "Channel {} entered its yellow limit with value {}", throttle: EventThrottle(count: 20)),
                EventDefinition(Event.limitRed.rawValue, "ChannelLimitRed", .warningHigh, arguments: [.init("channel", .u32), .init("value", .f64)], format: "Channel {} entered its red limit with value {}", throttle: EventThrottle(count: 20)),
                EventDefinition(Event.limitNominal.rawValue, "ChannelLimitNominal", .activityHigh, arguments: [.init("channel", .u32), .init("value", .f64)], format: "Channel {} is back within limits with value {}", throttle: EventThrottle(count: 20)),
            ])
    }

    /// Adds a component's channels; returns the local-id-to-slot table. Called by the topology.
    func register(_ channels: [ChannelDefinition], component: String, baseID: UInt32) -> [Int32] {
        var local = [Int32](repeating: -1, count: Int(channels.map(\.localID).max().map { $0 + 1 } ?? 0))
        // A new table with room for these channels; the old one's slots move into it.
        var n = table.count
        let grown = UnsafeMutablePointer<Slot>.allocate(capacity: n + channels.count)
        if let old = table.baseAddress { grown.moveInitialize(from: old, count: n) }
        table.deallocate()
        for c in channels {
            let id = ChannelID(baseID + c.localID)
            local[Int(c.localID)] = Int32(n)
            indexByID[id] = n
            (grown + n).initialize(to: Slot(id: id, qualifiedName: component + "." + c.name, type: c.type, update: c.update, limits: c.limits))
            n += 1
        }
        table = UnsafeMutableBufferPointer(start: grown, count: n)
        return local
    }

    /// Records a sample. On the tick path: no allocation.
    func write(slot i: Int, _ value: FlightValue, time: FlightTime) {
        // `i` comes from the component's table built by `register`: in range by construction
        // (checked here all the same, as the array subscript it replaces did).
        precondition(i >= 0 && i < table.count, "telemetry slot out of range")
        guard let accepted = table[i].accept(value, time: time) else {
            counts.unchanged &+= 1
            return
        }
        counts.accepted &+= 1
        var d = counts.digest
        Self.fold(&d, UInt64(accepted.id.rawValue))
        Self.fold(&d, time.totalMicroseconds)
        Self.fold(&d, UInt64(value.tag))
        Self.fold(&d, value.bitPattern)
        counts.digest = d
        if let state = accepted.newLimitState {
            counts.limitTransitions &+= 1
            let args = EventArguments(.u32(accepted.id.rawValue), .f64(value.doubleValue))
            if state.isRed {
                ports.log(Event.limitRed, args)
            } else if state.isYellow {
                ports.log(Event.limitYellow, args)
            } else {
                ports.log(Event.limitNominal, args)
            }
        }
    }

    /// FNV-1a over the eight bytes of `v`, lowest first. Folding a zero byte only multiplies by
    /// the prime, so the zero bytes above the highest non-zero one (ids, tags, times and most
    /// values have several) are folded as one multiplication by the prime to their count: the
    /// same digest, with fewer steps in the chain of dependent multiplications.
    @inline(__always)
    private static func fold(_ digest: inout UInt64, _ v: UInt64) {
        let prime: UInt64 = 0x0000_0100_0000_01B3
        let significant = (64 - v.leadingZeroBitCount + 7) / 8
        var x = v
        for _ in 0..<significant {
            digest = (digest ^ (x & 0xFF)) &* prime
            x >>= 8
        }
        var scale: UInt64 = 1
        for _ in significant..<8 { scale &*= prime }
        digest &*= scale
    }

    public func tick(_ context: TickContext) {
        ports.write(Channel.samples, .u64(samplesAccepted))
        ports.write(Channel.limitTransitions, .u32(UInt32(truncatingIfNeeded: limitTransitions)))
    }

    // MARK: Reading

    /// The latest sample of a channel, or nil if it was never written (or does not exist).
    public func latest(_ id: ChannelID) -> (value: FlightValue, time: FlightTime)? {
        guard let i = indexByID[id], table[i].written else { return nil }
        return (table[i].value, table[i].time)
    }

    public func slot(_ id: ChannelID) -> Slot? { indexByID[id].map { table[$0] } }

    /// A bounded, resumable drain for a downlink with limited room: visits channels written
    /// since their last drain, starting at slot `cursor` and going round once; `body` gets the
    /// channel's id, type, value and time and returns false when it cannot take it (that
    /// channel stays pending and `cursor` points at it, so the next call starts there and no
    /// channel starves). Returns false when it stopped early.
    @discardableResult
    public func drainPending(from cursor: inout Int, _ body: (ChannelID, FlightType, FlightValue, FlightTime) -> Bool) -> Bool {
        let n = table.count
        guard n > 0 else { return true }
        if cursor < 0 || cursor >= n { cursor = 0 }
        for step in 0..<n {
            let i = (cursor + step) % n
            guard table[i].pending else { continue }
            guard body(table[i].id, table[i].type, table[i].value, table[i].time) else {
                cursor = i
                return false
            }
            table[i].pending = false
        }
        return true
    }

    /// Calls `body` for each channel written since the last drain, in id-registration order,
    /// and marks them drained. This is what a downlink calls.
    public func drainPending(_ body: (ChannelID, FlightValue, FlightTime) -> Void) {
        for i in table.indices where table[i].pending {
            table[i].pending = false
            body(table[i].id, table[i].value, table[i].time)
        }
    }
}
