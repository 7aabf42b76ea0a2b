/// A mission's fault protection, declared: the monitors that watch telemetry and events, the
/// responses that act when a monitor trips, and the commands locked out in given modes.
///
/// Build one in Swift or load one from YAML (the Configuration target's `FaultTableFile`);
/// both give this value. Nothing here runs on the tick path: the ``FaultManager`` resolves
/// the table against its topology once, at build, into preallocated state.
///
/// ```swift
/// var table = FaultTable()
/// table.monitors = [
///     MonitorSpec("engineTempHigh", .limit(channel: "engine.Temperature", yellowHigh: 600, redHigh: 700),
///                 persistence: .consecutive(3), clear: ClearCondition(samples: 5, deadband: 20), level: .device),
/// ]
/// table.responses = [
///     ResponseSpec("throttleBack", on: "engineTempHigh", level: .device, actions: [.command("engine.SET_THROTTLE", [.number(0.5)])]),
///     ResponseSpec("engineSafe", on: "engineTempHigh", level: .system, after: .seconds(5), actions: [.safe]),
/// ]
/// ```
public struct FaultTable: Sendable {
    public var monitors: [MonitorSpec]
    public var responses: [ResponseSpec]
    public var lockouts: [CommandLockout]
    /// The command a `.sequence` action sends (the sequencer's run command, qualified
    /// `component.MNEMONIC`, whose first argument is the sequence's name as a string).
    public var sequenceCommand: String?

    public init(monitors: [MonitorSpec] = [], responses: [ResponseSpec] = [], lockouts: [CommandLockout] = [], sequenceCommand: String? = nil) {
        self.monitors = monitors
        self.responses = responses
        self.lockouts = lockouts
        self.sequenceCommand = sequenceCommand
    }

    /// The most monitors a table holds (their telemetry must fit the fault manager's local ids).
    public static let maxMonitors = 4096
    public static let maxResponses = 4096
    /// The longest persistence window (N of the last M samples: M at most 64).
    public static let maxWindow = 64
}

/// The level a monitor or response belongs to. A response of a higher level acts only after
/// the responses of lower levels on the same monitor had their chance.
public enum FaultLevel: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case device = 0, subsystem = 1, system = 2

    public var description: String {
        switch self {
        case .device: "device"
        case .subsystem: "subsystem"
        case .system: "system"
        }
    }

    public static let enumType = EnumType(
        "Faults.Level", representation: .u8,
        constants: [("DEVICE", 0), ("SUBSYSTEM", 1), ("SYSTEM", 2)],
        annotation: "Fault protection level: a lower level acts first")
}

/// A value in a fault table: a number, a boolean, an enumeration constant by name (resolved
/// against the channel's or argument's enum type), or text (command string arguments only).
public enum FaultValue: Sendable, Hashable, CustomStringConvertible {
    case number(Double)
    case bool(Bool)
    case constant(String)
    case text(String)

    public var description: String {
        switch self {
        case .number(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): b ? "true" : "false"
        case .constant(let c): c
        case .text(let t): "\"\(t)\""
        }
    }
}

/// What a monitor watches and when a sample of it is a violation.
public enum MonitorKind: Sendable, Hashable {
    /// A channel against yellow and red limits (any may be absent): red is a violation, yellow
    /// a warning. Red low must not be above yellow low, red high not below yellow high, and
    /// every low below every high.
    case limit(channel: String, redLow: Double? = nil, yellowLow: Double? = nil, yellowHigh: Double? = nil, redHigh: Double? = nil)
    /// A channel outside `min...max` is a violation.
    case range(channel: String, min: Double, max: Double)
    /// A channel that is not the expected value (within `tolerance`) is a violation.
    case expected(channel: String, value: FaultValue, tolerance: Double = 0)
    /// A channel whose rate of change between two successive samples exceeds `maxRate`
    /// (units per second, absolute) is a violation. Evaluated only when a new sample arrives.
    case delta(channel: String, maxRate: Double)
    /// A channel not written within `timeout` is a violation (one that was never written
    /// counts from the first tick of the fault manager).
    case stale(channel: String, timeout: FlightDuration)
    /// An event logged since the last evaluation is a violation; with `where`, only an event
    /// whose arguments have every listed value (an enumeration argument by its constant's
    /// name or value, an integer, a boolean; all of them must match).
    case event(String, where: [EventArgumentMatch] = [])
    /// Every named monitor is tripped.
    case all([String])
    /// At least one named monitor is tripped.
    case any([String])
    /// The named monitor is not tripped.
    case not(String)

    /// The channel watched, if any.
    public var channel: String? {
        switch self {
        case .limit(let c, _, _, _, _), .range(let c, _, _), .expected(let c, _, _), .delta(let c, _), .stale(let c, _): c
        case .event, .all, .any, .not: nil
        }
    }

    /// The monitors combined, for `all`, `any` and `not`.
    public var operands: [String] {
        switch self {
        case .all(let m), .any(let m): m
        case .not(let m): [m]
        default: []
        }
    }

    public var kindName: String {
        switch self {
        case .limit: "limit"
        case .range: "range"
        case .expected: "expected"
        case .delta: "delta"
        case .stale: "stale"
        case .event: "event"
        case .all: "all"
        case .any: "any"
        case .not: "not"
        }
    }
}

/// One argument value an event monitor matches: the event's argument named `argument` equals
/// `value` (`.constant` for an enumeration constant by name, `.number` for an integer or an
/// enumeration value, `.bool`). Floating-point arguments are not matched (an exact float is
/// rarely what a fault means; watch a channel with a limit instead).
public struct EventArgumentMatch: Sendable, Hashable, CustomStringConvertible {
    public var argument: String
    public var value: FaultValue

    public init(_ argument: String, _ value: FaultValue) {
        self.argument = argument
        self.value = value
    }

    public var description: String { "\(argument): \(value)" }
}

/// How many violating samples trip a monitor: `count` of the last `window` samples.
/// `count == window` is "N consecutive".
public struct Persistence: Sendable, Hashable {
    public var count: Int
    public var window: Int
    public init(count: Int, of window: Int) {
        self.count = count
        self.window = window
    }
    /// `n` consecutive violating samples.
    public static func consecutive(_ n: Int) -> Persistence { Persistence(count: n, of: n) }
    /// `n` of the last `m` samples.
    public static func nOfM(_ n: Int, _ m: Int) -> Persistence { Persistence(count: n, of: m) }
    /// The first violating sample trips.
    public static let immediate = Persistence(count: 1, of: 1)
}

/// Hysteresis on clearing: a tripped monitor clears after `samples` consecutive good samples,
/// where a limit or range sample is good only when it is `deadband` inside the violated limit.
public struct ClearCondition: Sendable, Hashable {
    public var samples: Int
    public var deadband: Double
    public init(samples: Int = 1, deadband: Double = 0) {
        self.samples = samples
        self.deadband = deadband
    }
}

/// One monitor of a fault table.
public struct MonitorSpec: Sendable, Hashable {
    /// An identifier, unique in the table; it names the monitor's channels and enum constant.
    public var name: String
    public var kind: MonitorKind
    public var persistence: Persistence
    public var clear: ClearCondition
    public var level: FaultLevel
    /// The modes in which the monitor runs (nil: all modes). Outside them it is inactive.
    public var modes: [String]?
    /// A latching monitor stays tripped (LATCHED) after its condition clears, until cleared by command.
    public var latching: Bool
    /// Whether it runs from the start (a disabled monitor is enabled by command).
    public var enabled: Bool
    public var summary: String

    public init(
        _ name: String, _ kind: MonitorKind, persistence: Persistence = .immediate, clear: ClearCondition = ClearCondition(),
        level: FaultLevel = .device, modes: [String]? = nil, latching: Bool = false, enabled: Bool = true, summary: String = ""
    ) {
        self.name = name
        self.kind = kind
        self.persistence = persistence
        self.clear = clear
        self.level = level
        self.modes = modes
        self.latching = latching
        self.enabled = enabled
        self.summary = summary
    }
}

/// What a response does when it fires, in the order listed.
public enum FaultAction: Sendable, Hashable {
    /// Emits the fault manager's `FaultAlarm` event of this severity (FATAL, WARNING_HI,
    /// WARNING_LO or ACTIVITY_HI) naming the response and its monitor.
    case event(EventSeverity)
    /// Sends a command (qualified `component.MNEMONIC`) through the dispatcher, as source
    /// `.faultManager`, with these arguments.
    case command(String, [FaultValue] = [])
    /// Starts a sequence: sends the table's ``FaultTable/sequenceCommand`` with the name.
    case sequence(String)
    /// Changes the system mode.
    case mode(String)
    /// Enters the system's SAFE mode.
    case safe
}

/// One response of a fault table: what to do when its monitor trips.
public struct ResponseSpec: Sendable, Hashable {
    public var name: String
    /// The monitor whose trip fires this response.
    public var monitor: String
    public var level: FaultLevel
    /// How long the monitor must have been tripped before this response acts. A response of a
    /// higher level must wait longer than every lower-level response on the same monitor.
    public var after: FlightDuration
    public var actions: [FaultAction]
    /// The least time between two firings; a trip within it is suppressed (and counted).
    public var cooldown: FlightDuration
    /// The most firings (nil: no limit); further trips are suppressed until RESPONSE_CLEAR.
    public var limit: Int?
    /// The modes in which the response may act (nil: all modes).
    public var modes: [String]?
    public var enabled: Bool
    public var summary: String

    public init(
        _ name: String, on monitor: String, level: FaultLevel = .device, after: FlightDuration = .zero, actions: [FaultAction],
        cooldown: FlightDuration = .zero, limit: Int? = nil, modes: [String]? = nil, enabled: Bool = true, summary: String = ""
    ) {
        self.name = name
        self.monitor = monitor
        self.level = level
        self.after = after
        self.actions = actions
        self.cooldown = cooldown
        self.limit = limit
        self.modes = modes
        self.enabled = enabled
        self.summary = summary
    }
}

/// A command refused by the dispatcher while the system is in one of `modes` (Beresheet: no
/// reset during powered descent). Refused commands are answered VALIDATION_ERROR, counted and
/// reported with `CommandLockedOut`.
public struct CommandLockout: Sendable, Hashable {
    /// The command's qualified name (`imu.RESET`).
    public var command: String
    public var modes: [String]
    public init(_ command: String, in modes: [String]) {
        self.command = command
        self.modes = modes
    }
}
