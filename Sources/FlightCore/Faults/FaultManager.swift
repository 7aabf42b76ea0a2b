/// The fault manager: runs a ``FaultTable``'s monitors every tick, filters their violations
/// through persistence and hysteresis, and fires the responses of tripped monitors level by
/// level; it also refuses the table's locked-out commands in their modes (it is the
/// dispatcher's ``CommandGate``).
///
/// The table is resolved against the topology once, when the topology is built
/// (``bind(to:)``): names become telemetry slots, event ids, encoded command packets and mode
/// masks, and all state is preallocated. A table that names anything the topology lacks (or
/// is wrong in itself) makes `build()` fail with every problem listed.
///
/// On each tick: each
/// enabled monitor whose modes include the current mode takes a sample, its persistence
/// window shifts, and its state moves (events and telemetry on every transition); then each
/// response whose monitor tripped acts, once per trip, when its `after` time has passed and
/// every lower-level response on that monitor has had its chance. No allocation.
public final class FaultManager: Component, TopologyBinding, CommandGate {
    public let name: String
    public var ports = ComponentPorts.unwired
    public let table: FaultTable
    public let modes: SystemMode?
    public let knownSequences: [String]?

    /// A monitor's state, as telemetry.
    public enum MonitorState: UInt8, Sendable, CaseIterable, CustomStringConvertible {
        /// Disabled by table or command.
        case disabled = 0
        /// Enabled, but the current mode is not one of its modes.
        case inactive = 1
        case nominal = 2
        /// A yellow limit is crossed (limit monitors only); no response acts.
        case warning = 3
        /// Violations persisted: responses act.
        case tripped = 4
        /// Tripped, then its condition cleared; held until cleared by command (it can trip again).
        case latched = 5

        public var description: String { Self.enumType.names[Int(rawValue)] }

        public static let enumType = EnumType(
            "Faults.MonitorState", representation: .u8,
            constants: [("DISABLED", 0), ("INACTIVE", 1), ("NOMINAL", 2), ("WARNING", 3), ("TRIPPED", 4), ("LATCHED", 5)],
            annotation: "State of a fault monitor")
    }

    /// Why a response did not act on a trip.
    public enum Suppression: Int32, Sendable, CaseIterable {
        case disabled = 0, mode = 1, limit = 2, cooldown = 3
        public static let enumType = EnumType(
            "Faults.Suppression", representation: .u8,
            constants: [("DISABLED", 0), ("MODE", 1), ("LIMIT", 2), ("COOLDOWN", 3)],
            annotation: "Why a fault response did not act")
    }

    public enum Command: UInt32 {
        case monitorEnable = 0, monitorDisable, monitorClear, monitorReport
        case responseEnable, responseDisable, responseClear, responseReport
        case clearAllLatched
    }
    public enum Channel: UInt32 {
        case monitorsTripped = 0, trips, responsesFired, responsesSuppressed, commandsLockedOut, commandFailures
        /// Each monitor k has `_State`, `_Trips`, `_LastChange` at `firstMonitor + 3k`; each
        /// response r has `_Fired` at `firstMonitor + 3 × monitors + r`.
        case firstMonitor = 0x100
    }
    public enum Event: UInt32 {
        case tripped = 0, cleared, latched, warning, stateChanged
        case responseFired, responseSuppressed, responseCommandFailed, responseCleared
        case alarmFatal, alarmWarningHigh, alarmWarningLow, alarmActivity
        case lockedOut, monitorReport, responseReport, responseStateChanged
    }

    // MARK: Resolved state (built by bind, fixed in size afterwards)

    enum Code: UInt8 { case limit, range, expected, delta, stale, event, all, any, not }

    struct Monitor {
        var code: Code
        var slot = -1
        var a = -Double.infinity, b = -Double.infinity, c = Double.infinity, d = Double.infinity
        var timeout: UInt64 = 0
        var operandStart = 0, operandCount = 0
        var need = 1
        var windowMask: UInt64 = 1
        var clearSamples: UInt32 = 1
        var deadband = 0.0
        var modes = ModeSet.all
        var latching = false
        var enabled = true
        // Running state.
        var state = MonitorState.nominal
        var history: UInt64 = 0
        var goodRun: UInt32 = 0
        var lastSamples: UInt64 = 0
        var previous = 0.0
        var previousTime: UInt64 = 0
        var hasPrevious = false
        /// Event monitors: the event's emission count at the last sample.
        var lastEmissions: UInt64 = 0
        var trips: UInt32 = 0
        var tripSerial: UInt32 = 0
        var trippedAt: UInt64 = 0
        var lastChange = FlightTime.zero
        var value = 0.0
    }

    enum Action {
        case alarm(Event)
        case packet(CommandPacket)
        case mode(Int)
        case safe
    }

    struct Response {
        var monitor: Int
        var level: FaultLevel
        var after: UInt64
        var cooldown: UInt64
        var limit: UInt32
        var modes: ModeSet
        var enabled: Bool
        var actionStart: Int
        var actionCount: Int
        /// The responses (positions in ``responseOrder``) of lower levels on the same monitor.
        var lowerStart = 0, lowerEnd = 0
        var handledTrip: UInt32 = 0
        var firings: UInt32 = 0
        var suppressed: UInt32 = 0
        var lastFired: UInt64 = 0
        var hasFired = false
    }

    var monitors: ContiguousArray<Monitor> = []
    /// Evaluation order: plain monitors in table order, then combinations, operands first.
    var order: ContiguousArray<Int> = []
    var operands: ContiguousArray<Int> = []
    var responses: ContiguousArray<Response> = []
    /// Responses sorted by monitor, then level.
    var responseOrder: ContiguousArray<Int> = []
    var actions: ContiguousArray<Action> = []
    /// (opcode, modes) sorted by opcode.
    var lockouts: ContiguousArray<(opcode: UInt32, modes: ModeSet)> = []
    // The services it reads each tick, held strongly (they hold no reference back); the
    // dispatcher weakly, because its command table holds the fault manager.
    var telemetry: TelemetryStore? = nil
    var eventLog: EventLog? = nil
    weak var dispatcher: CommandDispatcher? = nil
    /// Transitions recorded during a pass, reported after it; three per monitor preallocated.
    var transitions: ContiguousArray<(monitor: Int, from: MonitorState, to: MonitorState, value: Double, commanded: Bool)> = []
    var transitionCount = 0
    var transitionsLost: UInt64 = 0
    var started = false
    var startTime: UInt64 = 0

    public internal(set) var trippedNow: UInt32 = 0
    public internal(set) var totalTrips: UInt32 = 0
    public internal(set) var firedTotal: UInt32 = 0
    public internal(set) var suppressedTotal: UInt32 = 0
    public internal(set) var lockedOut: UInt32 = 0
    public internal(set) var commandFailures: UInt32 = 0

    private let monitorType: EnumType
    private let responseType: EnumType

    /// - Parameters:
    ///   - table: the monitors, responses and lock-outs; checked when the topology is built.
    ///   - modes: the system mode component the table's modes refer to (nil: no modes).
    ///   - knownSequences: the sequences a `.sequence` action may start (nil: not checked).
    public init(name: String = "faultMgr", table: FaultTable, modes: SystemMode? = nil, knownSequences: [String]? = nil) {
        self.name = name
        self.table = table
        self.modes = modes
        self.knownSequences = knownSequences
        func names(_ ns: [String]) -> [(String, Int64)] { ns.isEmpty ? [("NONE", -1)] : ns.enumerated().map { ($1, Int64($0)) } }
        monitorType = EnumType("\(name).Monitor", representation: .i32, constants: names(table.monitors.map(\.name)), annotation: "The fault table's monitors")
        responseType = EnumType("\(name).Response", representation: .i32, constants: names(table.responses.map(\.name)), annotation: "The fault table's responses")
    }

    /// Local channel id of monitor k's first channel.
    static func monitorChannel(_ k: Int) -> UInt32 { Channel.firstMonitor.rawValue + 3 * UInt32(k) }
    func responseChannel(_ r: Int) -> UInt32 { Channel.firstMonitor.rawValue + 3 * UInt32(table.monitors.count) + UInt32(r) }

    public var definition: ComponentDefinition {
        let monitor = ArgumentDefinition("monitor", .enumeration(monitorType))
        let response = ArgumentDefinition("response", .enumeration(responseType))
        let state = FlightType.enumeration(MonitorState.enumType)
        let value = ArgumentDefinition("value", .f64)
        var channels = [
            ChannelDefinition(Channel.monitorsTripped.rawValue, "MonitorsTripped", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Monitors tripped or latched now"),
            ChannelDefinition(Channel.trips.rawValue, "Trips", .u32, update: .onChange, summary: "Monitor trips since start"),
            ChannelDefinition(Channel.responsesFired.rawValue, "ResponsesFired", .u32, update: .onChange, summary: "Fault responses that acted"),
            ChannelDefinition(Channel.responsesSuppressed.rawValue, "ResponsesSuppressed", .u32, update: .onChange, summary: "Responses held back (disabled, mode, limit, cooldown)"),
            ChannelDefinition(Channel.commandsLockedOut.rawValue, "CommandsLockedOut", .u32, update: .onChange, summary: "Commands refused by a mode lock-out"),
            ChannelDefinition(Channel.commandFailures.rawValue, "ResponseCommandFailures", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Response commands that did not complete OK"),
        ]
        for (k, m) in table.monitors.enumerated() {
            let c = Self.monitorChannel(k)
            channels += [
                ChannelDefinition(c, "\(m.name)_State", state, update: .onChange, summary: "State of monitor \(m.name)"),
                ChannelDefinition(c + 1, "\(m.name)_Trips", .u32, update: .onChange, summary: "Trips of monitor \(m.name)"),
                ChannelDefinition(c + 2, "\(m.name)_LastChange", .f64, update: .onChange, units: "s", summary: "Flight time of the last state change of \(m.name)"),
            ]
        }
        for (r, spec) in table.responses.enumerated() {
            channels.append(ChannelDefinition(responseChannel(r), "\(spec.name)_Fired", .u32, update: .onChange, summary: "Firings of response \(spec.name)"))
        }
        let reason = ArgumentDefinition("reason", .enumeration(Suppression.enumType))
        let level = ArgumentDefinition("level", .enumeration(FaultLevel.enumType))
        let busy = EventThrottle(count: 50, window: .seconds(1))
        return ComponentDefinition(
            kind: "FaultManager",
            summary: "Runs the fault table: monitors with persistence and hysteresis, leveled responses, latching, mode lock-outs.",
            commands: [
                CommandDefinition(Command.monitorEnable.rawValue, "MONITOR_ENABLE", arguments: [monitor], summary: "Enable a monitor (it starts NOMINAL)"),
                CommandDefinition(Command.monitorDisable.rawValue, "MONITOR_DISABLE", arguments: [monitor], summary: "Disable a monitor"),
                CommandDefinition(Command.monitorClear.rawValue, "MONITOR_CLEAR", arguments: [monitor], summary: "Clear a tripped or latched monitor back to NOMINAL"),
                CommandDefinition(Command.monitorReport.rawValue, "MONITOR_REPORT", arguments: [monitor], summary: "Report a monitor's state and counts in a MonitorReport event"),
                CommandDefinition(Command.responseEnable.rawValue, "RESPONSE_ENABLE", arguments: [response], summary: "Enable a response"),
                CommandDefinition(Command.responseDisable.rawValue, "RESPONSE_DISABLE", arguments: [response], summary: "Disable a response (its trips are suppressed)"),
                CommandDefinition(Command.responseClear.rawValue, "RESPONSE_CLEAR", arguments: [response], summary: "Reset a response's firing count and cooldown"),
                CommandDefinition(Command.responseReport.rawValue, "RESPONSE_REPORT", arguments: [response], summary: "Report a response's state and counts in a ResponseReport event"),
                CommandDefinition(Command.clearAllLatched.rawValue, "CLEAR_ALL_LATCHED", summary: "Clear every latched monitor"),
            ],
            channels: channels,
            events: [
                EventDefinition(Event.tripped.rawValue, "MonitorTripped", .warningHigh, arguments: [monitor, value], format: "Monitor {} tripped (value {})", throttle: busy),
                EventDefinition(Event.cleared.rawValue, "MonitorCleared", .activityHigh, arguments: [monitor, value], format: "Monitor {} cleared (value {})", throttle: busy),
                EventDefinition(Event.latched.rawValue, "MonitorLatched", .warningLow, arguments: [monitor, value], format: "Monitor {} condition cleared (value {}) but latched: clear it by command", throttle: busy),
                EventDefinition(Event.warning.rawValue, "MonitorWarning", .warningLow, arguments: [monitor, value], format: "Monitor {} in its yellow limit (value {})", throttle: busy),
                EventDefinition(Event.stateChanged.rawValue, "MonitorStateChanged", .activityLow, arguments: [monitor, .init("from", state), .init("to", state)], format: "Monitor {} went from {} to {}", throttle: busy),
                EventDefinition(Event.responseFired.rawValue, "ResponseFired", .warningHigh, arguments: [response, monitor, level], format: "Fault response {} fired for monitor {} at level {}", throttle: busy),
                EventDefinition(Event.responseSuppressed.rawValue, "ResponseSuppressed", .warningLow, arguments: [response, reason], format: "Fault response {} held back: {}", throttle: busy),
                EventDefinition(Event.responseCommandFailed.rawValue, "ResponseCommandFailed", .warningHigh, arguments: [.init("opCode", .u32), .init("error", .enumeration(CommandResponse.enumType))], format: "Fault response command {} failed: {}", throttle: busy),
                EventDefinition(Event.responseCleared.rawValue, "ResponseCleared", .activityHigh, arguments: [response], format: "Fault response {} reset"),
                EventDefinition(Event.alarmFatal.rawValue, "FaultAlarmFatal", .fatal, arguments: [response, monitor], format: "FAULT ALARM from response {} (monitor {})", throttle: busy),
                EventDefinition(Event.alarmWarningHigh.rawValue, "FaultAlarmWarningHi", .warningHigh, arguments: [response, monitor], format: "Fault alarm from response {} (monitor {})", throttle: busy),
                EventDefinition(Event.alarmWarningLow.rawValue, "FaultAlarmWarningLo", .warningLow, arguments: [response, monitor], format: "Fault alarm from response {} (monitor {})", throttle: busy),
                EventDefinition(Event.alarmActivity.rawValue, "FaultAlarmActivity", .activityHigh, arguments: [response, monitor], format: "Fault notice from response {} (monitor {})", throttle: busy),
                EventDefinition(Event.lockedOut.rawValue, "CommandLockedOut", .warningHigh, arguments: [.init("opCode", .u32), .init("mode", .i32)], format: "Command {} refused: locked out in mode {}", throttle: busy),
                EventDefinition(Event.monitorReport.rawValue, "MonitorReport", .activityHigh, arguments: [monitor, .init("state", state), .init("trips", .u32), .init("enabled", .bool), .init("lastChange", .f64, units: "s")], format: "Monitor {}: {}, {} trips, enabled {}, last change at {} s"),
                EventDefinition(Event.responseReport.rawValue, "ResponseReport", .activityHigh, arguments: [response, .init("enabled", .bool), .init("firings", .u32), .init("suppressed", .u32), .init("lastFired", .f64, units: "s")], format: "Response {}: enabled {}, {} firings, {} suppressed, last fired at {} s"),
                EventDefinition(Event.responseStateChanged.rawValue, "ResponseEnabled", .activityHigh, arguments: [response, .init("enabled", .bool)], format: "Fault response {} enabled: {}"),
            ])
    }

    // MARK: Commands

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        guard let op = Command(rawValue: command.localOpcode) else { return .invalidOpcode }
        if op == .clearAllLatched {
            for k in monitors.indices where monitors[k].state == .latched { set(k, .nominal, at: command.time) }
            return .ok
        }
        guard case .enumeration(let raw) = command.arguments[0], raw >= 0 else { return .validationError }
        let i = Int(raw)
        switch op {
        case .monitorEnable, .monitorDisable, .monitorClear, .monitorReport:
            guard i < monitors.count else { return .validationError }
            switch op {
            case .monitorEnable:
                monitors[i].enabled = true
                if monitors[i].state == .disabled { set(i, .nominal, at: command.time) }
            case .monitorDisable:
                monitors[i].enabled = false
                set(i, .disabled, at: command.time)
            case .monitorClear:
                if monitors[i].state == .tripped || monitors[i].state == .latched { set(i, .nominal, at: command.time) }
            default:
                let m = monitors[i]
                var args = EventArguments(.enumeration(raw), .enumeration(Int32(m.state.rawValue)), .u32(m.trips), .bool(m.enabled))
                args.append(seconds(m.lastChange))
                ports.log(Event.monitorReport, args)
            }
        case .responseEnable, .responseDisable, .responseClear, .responseReport:
            guard i < responses.count else { return .validationError }
            switch op {
            case .responseEnable, .responseDisable:
                responses[i].enabled = op == .responseEnable
                ports.log(Event.responseStateChanged, .enumeration(raw), .bool(op == .responseEnable))
            case .responseClear:
                responses[i].firings = 0
                responses[i].hasFired = false
                ports.log(Event.responseCleared, .enumeration(raw))
            default:
                let r = responses[i]
                var args = EventArguments(.enumeration(raw), .bool(r.enabled), .u32(r.firings), .u32(r.suppressed))
                args.append(.f64(r.hasFired ? Double(r.lastFired) / 1e6 : -1))
                ports.log(Event.responseReport, args)
            }
        case .clearAllLatched:
            break
        }
        return .ok
    }

    func seconds(_ t: FlightTime) -> FlightValue { .f64(Double(t.totalMicroseconds) / 1e6) }

    // MARK: Command gate

    public func refusal(of opcode: Opcode, source: CommandSource) -> CommandResponse? {
        guard !lockouts.isEmpty, let modes else { return nil }
        var lo = 0, hi = lockouts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lockouts[mid].opcode < opcode.rawValue { lo = mid + 1 } else { hi = mid }
        }
        guard lo < lockouts.count, lockouts[lo].opcode == opcode.rawValue, lockouts[lo].modes.contains(modes.current) else { return nil }
        lockedOut &+= 1
        ports.log(Event.lockedOut, .u32(opcode.rawValue), .i32(Int32(modes.current)))
        ports.write(Channel.commandsLockedOut, .u32(lockedOut))
        return .validationError
    }

    // MARK: Reading state (tests, tools, coverage)

    /// A monitor's state by name.
    public func state(of monitor: String) -> MonitorState? {
        table.monitors.firstIndex { $0.name == monitor }.map { monitors.isEmpty ? .nominal : monitors[$0].state }
    }

    /// A monitor's trip count by name.
    public func trips(of monitor: String) -> UInt32? {
        table.monitors.firstIndex { $0.name == monitor }.flatMap { monitors.isEmpty ? nil : monitors[$0].trips }
    }

    /// A response's firing and suppression counts by name.
    public func counts(of response: String) -> (fired: UInt32, suppressed: UInt32)? {
        table.responses.firstIndex { $0.name == response }.flatMap { responses.isEmpty ? nil : (responses[$0].firings, responses[$0].suppressed) }
    }

    /// What fired so far: every monitor's trips and every response's firings, by name.
    public var activity: FaultActivity {
        FaultActivity(
            monitors: table.monitors.indices.map { (table.monitors[$0].name, monitors.isEmpty ? 0 : monitors[$0].trips) },
            responses: table.responses.indices.map { (table.responses[$0].name, responses.isEmpty ? 0 : responses[$0].firings) })
    }
}
