/// The scheduler (F Prime's RateGroupDriver and ActiveRateGroups in one): rate groups derived
/// from one base tick by divisor and offset, run in a fixed order, with execution time,
/// overrun and cycle-slip telemetry per group.
///
/// A group with divisor `d` and offset `o` runs on base ticks `n` where `n % d == o`. Groups
/// due on the same tick run in the order they were added. Execution time is measured only
/// when the executive asks (the real-time executive does; the lockstep executive does not by
/// default, so that its telemetry stays bit-for-bit repeatable).
public final class Scheduler: Component {
    public let name: String
    public var ports = ComponentPorts.unwired
    /// Base tick rate, Hz.
    public let baseRate: Double
    public let basePeriod: FlightDuration

    public struct GroupStats: Sendable, Hashable {
        public var cycles: UInt64 = 0
        public var lastNanoseconds: UInt64 = 0
        public var maxNanoseconds: UInt64 = 0
        public var overruns: UInt64 = 0
    }

    struct Entry {
        let group: any RateGroupRunning
        /// Lower-priority groups run after `group` in the same slot, highest priority first;
        /// an overrun sheds them from the last.
        let tiers: ContiguousArray<any RateGroupRunning>
        let divisor: UInt64
        let offset: UInt64
        let budget: FlightDuration
        /// Runs within budget, while shed, before one tier is restored.
        let restoreAfter: Int
        /// Index of the group's run serial in ``runSerials``; its tiers' follow.
        let firstUnit: Int
        var stats = GroupStats()
        /// Tiers shed now (counted from the last).
        var shedLevel = 0
        var goodRuns = 0
    }

    // The groups and the units' run serials are in tables allocated by `add` (the topology's
    // build) and changed in place by `runTick`, and the counters are private: a class's array
    // property, or a public stored property, is checked for exclusive access at run time on
    // every change (swift_beginAccess), several times per group per tick; these are checked
    // at compile time.
    private var table = UnsafeMutableBufferPointer<Entry>(start: nil, count: 0)
    private var serials = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
    private var counters = Counters()

    private struct Counters {
        var runSerial: UInt64 = 0
        var sheds: UInt64 = 0
        var restores: UInt64 = 0
    }

    /// The groups, in the order they run.
    var entries: UnsafeBufferPointer<Entry> { UnsafeBufferPointer(table) }
    /// Whether ``runTick`` measures execution time (with ``executionClock``).
    public var measuresExecutionTime = false
    /// The clock execution time is measured with: the monotonic clock, or a test's simulated
    /// clock that a component advances to stand for the CPU time it uses (so overruns and load
    /// shedding can be tested deterministically under lockstep).
    public var executionClock: any FlightClock = MonotonicClock()
    /// Modelled execution time: when set (and ``measuresExecutionTime``), a group's run takes
    /// the sum of the modelled costs of the units that ran (the group and its tiers not shed),
    /// instead of the execution clock's reading. A lockstep harness uses it to stand the
    /// flight computer's CPU, and faults of it (Apollo 11's rendezvous radar stealing cycles),
    /// beside a simulated world, deterministically.
    public var costModel: (any ExecutionCostModel)?
    /// For each group and shed tier (its unit), the serial number of its last run; the serial
    /// counts runs of any unit. Health pings read these to tell whether a component ran.
    public var runSerial: UInt64 { counters.runSerial }
    /// Times any group shed a tier, and restored one.
    public var sheds: UInt64 { counters.sheds }
    public var restores: UInt64 { counters.restores }

    public private(set) var cycleSlips: UInt64 = 0
    public private(set) var ticksMissed: UInt64 = 0
    /// Lateness of the executive's wake-ups (real-time executive only), nanoseconds.
    public internal(set) var lateness = LatencyHistogram()

    static let channelsPerGroup: UInt32 = 4
    public enum Channel: UInt32 {
        case cycleSlips = 0, ticksMissed, latenessP50, latenessP99, latenessP999, latenessMax
        case firstGroup = 16
        /// `<group>_ShedTiers` of group k is at `firstShed + k` (groups with shed tiers only).
        case firstShed = 0xC0
    }
    public enum Event: UInt32 { case overrun = 0, cycleSlip = 1, realTimePolicy = 2, loadShed = 3, loadRestored = 4 }
    /// The most rate groups a topology may have (their channels must fit below ``Channel/firstShed``).
    public static let maxGroups = 44

    public init(name: String = "rateGroups", baseRate: Double) {
        precondition(baseRate > 0 && baseRate <= 100_000, "base rate must be in (0, 100 kHz]")
        self.name = name
        self.baseRate = baseRate
        self.basePeriod = .seconds(1 / baseRate)
    }

    deinit {
        table.deinitialize()
        table.deallocate()
        serials.deallocate()
    }

    /// A table with room for `old`'s elements and `new`'s, which it holds in that order; `old`
    /// is moved out and freed.
    private static func grown<T>(_ old: UnsafeMutableBufferPointer<T>, appending new: some Collection<T>) -> UnsafeMutableBufferPointer<T> {
        let start = UnsafeMutablePointer<T>.allocate(capacity: old.count + new.count)
        if let base = old.baseAddress { start.moveInitialize(from: base, count: old.count) }
        old.deallocate()
        var p = start + old.count
        for x in new {
            p.initialize(to: x)
            p += 1
        }
        return UnsafeMutableBufferPointer(start: start, count: old.count + new.count)
    }

    /// Adds a group and its shed tiers; validated when the topology is built.
    func add(_ group: any RateGroupRunning, divisor: Int, offset: Int, budget: FlightDuration?, shedding tiers: [any RateGroupRunning] = [], restoreAfter: Int = 10) {
        let first = serials.count
        serials = Self.grown(serials, appending: repeatElement(0, count: 1 + tiers.count))
        table = Self.grown(table, appending: CollectionOfOne(Entry(
            group: group, tiers: ContiguousArray(tiers), divisor: UInt64(max(divisor, 1)), offset: UInt64(max(offset, 0)),
            budget: budget ?? basePeriod, restoreAfter: max(1, restoreAfter), firstUnit: first)))
    }

    /// The unit (group or shed tier) that runs `component`, if any.
    func unit(of component: any Component) -> Int? {
        let id = ObjectIdentifier(component)
        for e in entries {
            if e.group.members.contains(where: { ObjectIdentifier($0) == id }) { return e.firstUnit }
            for (t, tier) in e.tiers.enumerated() where tier.members.contains(where: { ObjectIdentifier($0) == id }) { return e.firstUnit + 1 + t }
        }
        return nil
    }

    /// The period of the group that holds `unit`.
    func period(ofUnit unit: Int) -> FlightDuration? {
        entries.first { unit >= $0.firstUnit && unit <= $0.firstUnit + $0.tiers.count }.map { basePeriod * Int64($0.divisor) }
    }

    @inline(__always)
    func lastRun(ofUnit unit: Int) -> UInt64 {
        precondition(unit >= 0 && unit < serials.count, "no such rate group unit")
        return serials[unit]
    }

    /// Tiers a group sheds now (0 for a group that has none or sheds none).
    public func shedLevel(of group: String) -> Int? { entries.first { $0.group.name == group }?.shedLevel }

    public var groups: [(name: String, divisor: Int, offset: Int, stats: GroupStats)] {
        entries.map { ($0.group.name, Int($0.divisor), Int($0.offset), $0.stats) }
    }

    public func stats(of group: String) -> GroupStats? { entries.first { $0.group.name == group }?.stats }

    public var definition: ComponentDefinition {
        var channels = [
            ChannelDefinition(Channel.cycleSlips.rawValue, "CycleSlips", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Base ticks whose work overran into the next tick"),
            ChannelDefinition(Channel.ticksMissed.rawValue, "TicksMissed", .u32, update: .onChange, summary: "Base ticks skipped to catch up after slips"),
            ChannelDefinition(Channel.latenessP50.rawValue, "LatenessP50", .f64, update: .onChange, units: "us", summary: "Median wake-up lateness of the real-time executive"),
            ChannelDefinition(Channel.latenessP99.rawValue, "LatenessP99", .f64, update: .onChange, units: "us"),
            ChannelDefinition(Channel.latenessP999.rawValue, "LatenessP999", .f64, update: .onChange, units: "us"),
            ChannelDefinition(Channel.latenessMax.rawValue, "LatenessMax", .f64, update: .onChange, units: "us"),
        ]
        for (k, e) in entries.enumerated() {
            let base = Channel.firstGroup.rawValue + UInt32(k) * Self.channelsPerGroup
            let g = e.group.name
            channels += [
                ChannelDefinition(base, "\(g)_Cycles", .u64, summary: "Times rate group \(g) ran"),
                ChannelDefinition(base + 1, "\(g)_ExecTime", .u32, update: .onChange, units: "us", summary: "Last execution time of \(g)"),
                ChannelDefinition(base + 2, "\(g)_ExecTimeMax", .u32, update: .onChange, units: "us"),
                ChannelDefinition(base + 3, "\(g)_Overruns", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Runs of \(g) longer than its budget"),
            ]
            if !e.tiers.isEmpty {
                channels.append(ChannelDefinition(Channel.firstShed.rawValue + UInt32(k), "\(g)_ShedTiers", .u8, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Low-priority tiers of \(g) shed after overruns (of \(e.tiers.count))"))
            }
        }
        return ComponentDefinition(
            kind: "Scheduler",
            summary: "Runs rate groups from one base tick by divisor and offset, in a fixed order, and reports their timing.",
            channels: channels,
            events: [
                EventDefinition(Event.overrun.rawValue, "RateGroupOverrun", .warningHigh, arguments: [.init("group", .u32), .init("execTime", .f64, units: "us"), .init("budget", .f64, units: "us")], format: "Rate group {} ran {} us, over its budget of {} us", throttle: EventThrottle(count: 5, window: .seconds(10))),
                EventDefinition(Event.cycleSlip.rawValue, "CycleSlip", .warningHigh, arguments: [.init("tick", .u64), .init("missed", .u32)], format: "Cycle slip at tick {}: {} base ticks missed", throttle: EventThrottle(count: 5, window: .seconds(10))),
                EventDefinition(Event.realTimePolicy.rawValue, "RealTimePolicy", .activityHigh, arguments: [.init("fifo", .bool), .init("priority", .i32), .init("errno", .i32)], format: "Real-time executive: SCHED_FIFO {} at priority {} (errno {})"),
                EventDefinition(Event.loadShed.rawValue, "LoadShed", .warningHigh, arguments: [.init("group", .u32), .init("shedTiers", .u8), .init("execTime", .f64, units: "us"), .init("budget", .f64, units: "us")], format: "Rate group {} overran: {} low-priority tiers shed (ran {} us, budget {} us)", throttle: EventThrottle(count: 10, window: .seconds(10))),
                EventDefinition(Event.loadRestored.rawValue, "LoadRestored", .activityHigh, arguments: [.init("group", .u32), .init("shedTiers", .u8)], format: "Rate group {} back within budget: {} tiers still shed", throttle: EventThrottle(count: 10, window: .seconds(10))),
            ])
    }

    /// Runs every group due on base tick `tick` at `time`, each followed by its tiers that are
    /// not shed. On the tick path: no allocation.
    public func runTick(_ tick: UInt64, time: FlightTime) {
        let entries = table
        // Read once per tick (public stored properties: each read is checked at run time);
        // the executives set them between ticks, never during one.
        let measures = measuresExecutionTime, costModel = self.costModel
        for k in entries.indices {
            let divisor = entries[k].divisor
            guard tick % divisor == entries[k].offset % divisor else { continue }
            let ctx = TickContext(tick: tick, time: time, period: basePeriod * Int64(divisor))
            if measures {
                let dt: UInt64
                if let model = costModel {
                    dt = runUnits(of: &entries[k], context: ctx, model: model)
                } else {
                    let clock = executionClock
                    let t0 = clock.monotonicNanoseconds()
                    runUnits(of: &entries[k], context: ctx)
                    dt = clock.monotonicNanoseconds() &- t0
                }
                let budgetNanoseconds = entries[k].budget.nanoseconds
                entries[k].stats.lastNanoseconds = dt
                if dt > entries[k].stats.maxNanoseconds { entries[k].stats.maxNanoseconds = dt }
                if Int64(dt) > budgetNanoseconds {
                    entries[k].stats.overruns &+= 1
                    let exec = FlightValue.f64(Double(dt) / 1e3), budget = FlightValue.f64(Double(budgetNanoseconds) / 1e3)
                    ports.log(Event.overrun, .u32(UInt32(k)), exec, budget)
                    entries[k].goodRuns = 0
                    if entries[k].shedLevel < entries[k].tiers.count {
                        entries[k].shedLevel += 1
                        counters.sheds &+= 1
                        ports.log(Event.loadShed, EventArguments(.u32(UInt32(k)), .u8(UInt8(entries[k].shedLevel)), exec, budget))
                    }
                } else if entries[k].shedLevel > 0 {
                    entries[k].goodRuns += 1
                    if entries[k].goodRuns >= entries[k].restoreAfter {
                        entries[k].goodRuns = 0
                        entries[k].shedLevel -= 1
                        counters.restores &+= 1
                        ports.log(Event.loadRestored, .u32(UInt32(k)), .u8(UInt8(entries[k].shedLevel)))
                    }
                }
            } else {
                runUnits(of: &entries[k], context: ctx)
            }
            entries[k].stats.cycles &+= 1
            let base = Channel.firstGroup.rawValue + UInt32(k) * Self.channelsPerGroup
            let s = entries[k].stats
            ports.write(base, .u64(s.cycles))
            ports.write(base + 1, .u32(UInt32(clamping: s.lastNanoseconds / 1_000)))
            ports.write(base + 2, .u32(UInt32(clamping: s.maxNanoseconds / 1_000)))
            ports.write(base + 3, .u32(UInt32(truncatingIfNeeded: s.overruns)))
            if !entries[k].tiers.isEmpty { ports.write(Channel.firstShed.rawValue + UInt32(k), .u8(UInt8(truncatingIfNeeded: entries[k].shedLevel))) }
        }
    }

    /// Runs a group, then its tiers that are not shed, recording each unit's run serial;
    /// with a cost model, returns the modelled cost of the units that ran (ns), else 0. The
    /// entry is the table's, used in place (a copy would retain its group and tiers).
    @inline(__always) @discardableResult
    private func runUnits(of e: inout Entry, context: TickContext, model: (any ExecutionCostModel)? = nil) -> UInt64 {
        var cost: Int64 = 0
        let active = e.tiers.count - e.shedLevel
        var t = -1  // -1: the group itself, then its active tiers
        while t < active {
            if t < 0 {
                run(e.group, context: context, model: model, cost: &cost)
            } else {
                run(e.tiers[t], context: context, model: model, cost: &cost)
            }
            counters.runSerial &+= 1
            serials[e.firstUnit + 1 + t] = counters.runSerial
            t += 1
        }
        return UInt64(cost)
    }

    @inline(__always)
    private func run(_ unit: borrowing any RateGroupRunning, context: TickContext, model: (any ExecutionCostModel)?, cost: inout Int64) {
        if let model { cost &+= max(0, model.cost(ofUnit: unit.name, context: context).nanoseconds) }
        unit.run(context)
    }

    /// Records that the work of `tick` ran past the next deadline and `missed` ticks were skipped.
    func recordSlip(at tick: UInt64, missed: UInt64) {
        cycleSlips &+= 1
        ticksMissed &+= missed
        ports.write(Channel.cycleSlips, .u32(UInt32(truncatingIfNeeded: cycleSlips)))
        ports.write(Channel.ticksMissed, .u32(UInt32(truncatingIfNeeded: ticksMissed)))
        ports.log(Event.cycleSlip, .u64(tick), .u32(UInt32(truncatingIfNeeded: missed)))
    }

    /// Publishes the lateness percentiles (called by the real-time executive about once a second).
    func publishLateness() {
        ports.write(Channel.latenessP50, .f64(Double(lateness.percentile(0.5)) / 1e3))
        ports.write(Channel.latenessP99, .f64(Double(lateness.percentile(0.99)) / 1e3))
        ports.write(Channel.latenessP999, .f64(Double(lateness.percentile(0.999)) / 1e3))
        ports.write(Channel.latenessMax, .f64(Double(lateness.max) / 1e3))
    }
}

/// The execution time a rate group or shed tier (a unit, by name) is taken to use on one run,
/// for ``Scheduler/costModel``. Called on the tick path: no allocation.
public protocol ExecutionCostModel: AnyObject {
    func cost(ofUnit unit: String, context: TickContext) -> FlightDuration
}
