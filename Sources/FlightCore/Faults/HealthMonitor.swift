/// A component that answers health pings itself, because it can tell when it is stuck (a
/// driver waiting on a device that stopped talking). Components that do not conform answer
/// by being run: the scheduler records each run.
public protocol PingResponder: AnyObject {
    /// The key back when healthy; anything else (or nil) is no answer.
    func answerPing(_ key: UInt32) -> UInt32?
}

/// Health (F Prime's `Svc.Health`): every cycle it pings every active component (each member
/// of a rate group or shed tier) and checks that the last ping was answered. A component
/// answers when its rate group ran it since the ping and, if it is a ``PingResponder``, when
/// it gave the key back. Unanswered cycles are counted per component: at `PING_WARNING`
/// cycles a `HealthPingWarning` (WARNING_HI), at `PING_FATAL` a `HealthPingLate` (FATAL),
/// and when it answers again a `HealthPingRecovered`. The fault manager watches these events.
///
/// One ping cycle is one tick of the health component. The thresholds count the component's
/// own runs: for a component whose group runs more slowly than the health component, each
/// threshold is multiplied by the health cycles in one of its periods (rounded up).
public final class HealthMonitor: Component, TopologyBinding {
    public let name: String
    public var ports = ComponentPorts.unwired

    public enum Command: UInt32 { case enable = 0, watch = 1 }
    public enum Channel: UInt32 { case warnings = 0, fatals = 1, watched = 2, late = 3 }
    public enum Event: UInt32 { case warning = 0, late = 1, recovered = 2, enabled = 3, watchChanged = 4 }
    public enum Parameter: UInt32 { case warningCycles = 0, fatalCycles = 1 }

    struct Watched {
        let component: any Component
        let responder: (any PingResponder)?
        let unit: Int
        /// Health cycles per run of the component's group (at least 1): thresholds are in the
        /// component's own runs, so a 1 Hz component is not late after three 10 Hz cycles.
        let scale: UInt32
        var enabled = true
        var misses: UInt32 = 0
        var lastPing: UInt64 = 0
    }
    private var watched: ContiguousArray<Watched> = []
    /// Weak: the scheduler's rate groups hold the health monitor.
    private weak var scheduler: Scheduler? = nil
    private var enabled = true
    private var key: UInt32 = 0
    private var warningCycles: UInt32 = 3
    private var fatalCycles: UInt32 = 6
    public private(set) var warnings: UInt32 = 0
    public private(set) var fatals: UInt32 = 0
    /// The watched components' names, in the order of the `Health.Component` enum.
    public private(set) var watchedNames: [String] = []
    private let componentType: EnumType
    private let expected: [String]

    /// - Parameters:
    ///   - watching: the components it will watch (names); they must be active in the topology.
    ///     Their names make the `component` enum of its commands and events, so they are fixed
    ///     here, before the topology is built.
    public init(name: String = "health", watching: [String], warningCycles: UInt32 = 3, fatalCycles: UInt32 = 6) {
        precondition(warningCycles >= 1 && fatalCycles > warningCycles, "health thresholds: 1 <= warning < fatal")
        self.name = name
        self.expected = watching
        self.warningCycles = warningCycles
        self.fatalCycles = fatalCycles
        let constants = watching.isEmpty ? [("NONE", Int64(-1))] : watching.enumerated().map { ($1, Int64($0)) }
        self.componentType = EnumType("\(name).Component", representation: .i32, constants: constants, annotation: "Components the health monitor pings")
    }

    public var definition: ComponentDefinition {
        let comp = FlightType.enumeration(componentType)
        return ComponentDefinition(
            kind: "HealthMonitor",
            summary: "Pings every active component each cycle and reports those that stop answering.",
            commands: [
                CommandDefinition(Command.enable.rawValue, "HLTH_ENABLE", arguments: [.init("enable", .bool)], summary: "Turn health checking on or off"),
                CommandDefinition(Command.watch.rawValue, "HLTH_PING_ENABLE", arguments: [.init("component", comp), .init("enable", .bool)], summary: "Ping one component (true) or stop pinging it (false)"),
            ],
            channels: [
                ChannelDefinition(Channel.warnings.rawValue, "PingWarnings", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Components that crossed the warning threshold"),
                ChannelDefinition(Channel.fatals.rawValue, "PingFatals", .u32, update: .onChange, limits: ChannelLimits(redHigh: 1), summary: "Components that crossed the fatal threshold"),
                ChannelDefinition(Channel.watched.rawValue, "PingsWatched", .u32, update: .onChange, summary: "Components pinged each cycle"),
                ChannelDefinition(Channel.late.rawValue, "PingsLate", .u32, update: .onChange, summary: "Components not answering now"),
            ],
            events: [
                EventDefinition(Event.warning.rawValue, "HealthPingWarning", .warningHigh, arguments: [.init("component", comp), .init("cycles", .u32)], format: "Component {} has not answered for {} ping cycles"),
                EventDefinition(Event.late.rawValue, "HealthPingLate", .fatal, arguments: [.init("component", comp), .init("cycles", .u32)], format: "Component {} has not answered for {} ping cycles: fatal threshold"),
                EventDefinition(Event.recovered.rawValue, "HealthPingRecovered", .activityHigh, arguments: [.init("component", comp), .init("cycles", .u32)], format: "Component {} answers again after {} cycles"),
                EventDefinition(Event.enabled.rawValue, "HealthEnabled", .activityHigh, arguments: [.init("enable", .bool)], format: "Health checking on: {}"),
                EventDefinition(Event.watchChanged.rawValue, "HealthPingEnabled", .activityHigh, arguments: [.init("component", comp), .init("enable", .bool)], format: "Pinging {}: {}"),
            ],
            parameters: [
                ParameterDefinition(Parameter.warningCycles.rawValue, "PING_WARNING", .u32, default: .u32(warningCycles), range: 1...1_000_000, summary: "Unanswered ping cycles before a warning"),
                ParameterDefinition(Parameter.fatalCycles.rawValue, "PING_FATAL", .u32, default: .u32(fatalCycles), range: 2...1_000_000, summary: "Unanswered ping cycles before the fatal event (above PING_WARNING)"),
            ])
    }

    public func bind(to topology: Topology) throws(TopologyError) {
        var problems: [String] = []
        let byName = Dictionary(topology.members.map { ($0.component.name, $0.component) }, uniquingKeysWith: { a, _ in a })
        var list: ContiguousArray<Watched> = []
        // The period of one ping cycle: the health component's own group's.
        let ownUnit = topology.scheduler.unit(of: self)
        let cycle = ownUnit.flatMap { topology.scheduler.period(ofUnit: $0) }
        if ownUnit == nil { problems.append("the health component is in no rate group, so it never pings") }
        for n in expected {
            guard let c = byName[n] else {
                problems.append("watches unknown component '\(n)'\(nameHint(n, byName.keys))")
                continue
            }
            guard let unit = topology.scheduler.unit(of: c) else {
                problems.append("watches '\(n)', which is in no rate group (only active components answer pings)")
                continue
            }
            var scale: UInt32 = 1
            if let cycle, let p = topology.scheduler.period(ofUnit: unit), p > cycle {
                scale = UInt32(clamping: (p.nanoseconds + cycle.nanoseconds - 1) / cycle.nanoseconds)
            }
            list.append(Watched(component: c, responder: c as? any PingResponder, unit: unit, scale: scale))
        }
        if !problems.isEmpty { throw .bindingFailed(component: name, problems: problems) }
        watched = list
        watchedNames = expected
        scheduler = topology.scheduler
    }

    public func parameterUpdated(_ localID: UInt32, to value: FlightValue) {
        guard case .u32(let v) = value else { return }
        switch Parameter(rawValue: localID) {
        case .warningCycles: warningCycles = v
        case .fatalCycles: fatalCycles = v
        case nil: break
        }
    }

    public func tick(_ context: TickContext) {
        guard let scheduler else { return }
        let serial = scheduler.runSerial
        key &+= 1
        var late: UInt32 = 0
        if enabled {
            for i in watched.indices where watched[i].enabled {
                let w = watched[i]
                var answered = scheduler.lastRun(ofUnit: w.unit) > w.lastPing || w.lastPing == 0
                if answered, let r = w.responder { answered = r.answerPing(key) == key }
                let warnAt = warningCycles &* w.scale, fatalAt = fatalCycles &* w.scale
                if answered {
                    if w.misses >= warnAt { ports.log(Event.recovered, .enumeration(Int32(i)), .u32(w.misses)) }
                    watched[i].misses = 0
                } else {
                    let m = w.misses &+ 1
                    watched[i].misses = m
                    if m == warnAt {
                        warnings &+= 1
                        ports.log(Event.warning, .enumeration(Int32(i)), .u32(m))
                    }
                    if m == fatalAt {
                        fatals &+= 1
                        ports.log(Event.late, .enumeration(Int32(i)), .u32(m))
                    }
                    late += 1
                }
                watched[i].lastPing = serial
            }
        }
        ports.write(Channel.warnings, .u32(warnings))
        ports.write(Channel.fatals, .u32(fatals))
        ports.write(Channel.watched, .u32(UInt32(watched.count)))
        ports.write(Channel.late, .u32(late))
    }

    /// Unanswered cycles of a watched component now (for tests and tools).
    public func misses(of component: String) -> UInt32? {
        watchedNames.firstIndex(of: component).map { watched[$0].misses }
    }

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        switch Command(rawValue: command.localOpcode) {
        case .enable:
            guard case .bool(let e) = command.arguments[0] else { return .validationError }
            enabled = e
            if !e { for i in watched.indices { watched[i].misses = 0 } }
            ports.log(Event.enabled, .bool(e))
            return .ok
        case .watch:
            guard case .enumeration(let c) = command.arguments[0], case .bool(let e) = command.arguments[1], c >= 0, Int(c) < watched.count else { return .validationError }
            watched[Int(c)].enabled = e
            watched[Int(c)].misses = 0
            watched[Int(c)].lastPing = 0
            ports.log(Event.watchChanged, .enumeration(c), .bool(e))
            return .ok
        case nil:
            return .invalidOpcode
        }
    }
}
