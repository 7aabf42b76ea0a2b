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

    /// `event`: `slot` is the event's slot in the log (its emissions); `eventArguments`:
    /// `slot` is an argument match in the log (its matching emissions).
    enum Code: UInt8 { case limit, range, expected, delta, stale, event, eventArguments, all, any, not }

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
        /// Event monitors: the event's (or the argument match's) count at the last sample.
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

    let monitorType: EnumType
    let responseType: EnumType

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
}
