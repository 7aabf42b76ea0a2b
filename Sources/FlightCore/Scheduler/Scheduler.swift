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
        let divisor: UInt64
        let offset: UInt64
        let budget: FlightDuration
        var stats = GroupStats()
    }

    private(set) var entries: ContiguousArray<Entry> = []
    /// Whether ``runTick`` measures execution time with the monotonic clock.
    public var measuresExecutionTime = false

    public private(set) var cycleSlips: UInt64 = 0
    public private(set) var ticksMissed: UInt64 = 0
    /// Lateness of the executive's wake-ups (real-time executive only), nanoseconds.
    public internal(set) var lateness = LatencyHistogram()

    static let channelsPerGroup: UInt32 = 4
    public enum Channel: UInt32 {
        case cycleSlips = 0, ticksMissed, latenessP50, latenessP99, latenessP999, latenessMax
        case firstGroup = 16
    }
    public enum Event: UInt32 { case overrun = 0, cycleSlip = 1, realTimePolicy = 2 }

    public init(name: String = "rateGroups", baseRate: Double) {
        precondition(baseRate > 0 && baseRate <= 100_000, "base rate must be in (0, 100 kHz]")
        self.name = name
        self.baseRate = baseRate
        self.basePeriod = .seconds(1 / baseRate)
    }

    /// Adds a group; validated when the topology is built.
    func add(_ group: any RateGroupRunning, divisor: Int, offset: Int, budget: FlightDuration?) {
        entries.append(Entry(group: group, divisor: UInt64(max(divisor, 1)), offset: UInt64(max(offset, 0)), budget: budget ?? basePeriod))
    }

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
        }
        return ComponentDefinition(
            kind: "Scheduler",
            summary: "Runs rate groups from one base tick by divisor and offset, in a fixed order, and reports their timing.",
            channels: channels,
            events: [
                EventDefinition(Event.overrun.rawValue, "RateGroupOverrun", .warningHigh, arguments: [.init("group", .u32), .init("execTime", .f64, units: "us"), .init("budget", .f64, units: "us")], format: "Rate group {} ran {} us, over its budget of {} us", throttle: EventThrottle(count: 5, window: .seconds(10))),
                EventDefinition(Event.cycleSlip.rawValue, "CycleSlip", .warningHigh, arguments: [.init("tick", .u64), .init("missed", .u32)], format: "Cycle slip at tick {}: {} base ticks missed", throttle: EventThrottle(count: 5, window: .seconds(10))),
                EventDefinition(Event.realTimePolicy.rawValue, "RealTimePolicy", .activityHigh, arguments: [.init("fifo", .bool), .init("priority", .i32), .init("errno", .i32)], format: "Real-time executive: SCHED_FIFO {} at priority {} (errno {})"),
            ])
    }

    /// Runs every group due on base tick `tick` at `time`. On the tick path: no allocation.
    public func runTick(_ tick: UInt64, time: FlightTime) {
        for k in entries.indices {
            let e = entries[k]
            guard tick % e.divisor == e.offset % e.divisor else { continue }
            let ctx = TickContext(tick: tick, time: time, period: basePeriod * Int64(e.divisor))
            if measuresExecutionTime {
                let t0 = Platform.monotonicNanoseconds()
                e.group.run(ctx)
                let dt = Platform.monotonicNanoseconds() &- t0
                entries[k].stats.lastNanoseconds = dt
                if dt > entries[k].stats.maxNanoseconds { entries[k].stats.maxNanoseconds = dt }
                if Int64(dt) > e.budget.nanoseconds {
                    entries[k].stats.overruns &+= 1
                    ports.log(Event.overrun, .u32(UInt32(k)), .f64(Double(dt) / 1e3), .f64(Double(e.budget.nanoseconds) / 1e3))
                }
            } else {
                e.group.run(ctx)
            }
            entries[k].stats.cycles &+= 1
            let base = Channel.firstGroup.rawValue + UInt32(k) * Self.channelsPerGroup
            let s = entries[k].stats
            ports.write(base, .u64(s.cycles))
            ports.write(base + 1, .u32(UInt32(clamping: s.lastNanoseconds / 1_000)))
            ports.write(base + 2, .u32(UInt32(clamping: s.maxNanoseconds / 1_000)))
            ports.write(base + 3, .u32(UInt32(truncatingIfNeeded: s.overruns)))
        }
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
