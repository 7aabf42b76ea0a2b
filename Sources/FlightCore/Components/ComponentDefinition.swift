/// What a component declares: its commands, telemetry channels, events and parameters,
/// each with a *local* id. The topology turns local ids into global ones (base id + local id)
/// and the dictionary is built from these declarations.
public struct ComponentDefinition: Sendable {
    /// The component's type (`CommandDispatcher`, `EngineController`).
    public var kind: String
    public var summary: String
    public var commands: [CommandDefinition]
    public var channels: [ChannelDefinition]
    public var events: [EventDefinition]
    public var parameters: [ParameterDefinition]

    public init(
        kind: String, summary: String = "",
        commands: [CommandDefinition] = [], channels: [ChannelDefinition] = [],
        events: [EventDefinition] = [], parameters: [ParameterDefinition] = []
    ) {
        self.kind = kind
        self.summary = summary
        self.commands = commands
        self.channels = channels
        self.events = events
        self.parameters = parameters
    }

    /// Local opcodes the topology gives each parameter's `_PRM_SET` and `_PRM_SAVE`
    /// commands (F Prime generates the same pair): after the highest declared opcode.
    public var parameterCommandOpcodes: [(set: UInt32, save: UInt32)] {
        let first = (commands.map(\.localOpcode).max() ?? UInt32.max) &+ 1
        return parameters.indices.map { i in (first + UInt32(2 * i), first + UInt32(2 * i + 1)) }
    }
}

/// One argument of a command: a name, a type and, for numbers, the range it must lie in.
public struct ArgumentDefinition: Sendable, Hashable {
    public var name: String
    public var type: FlightType
    /// The values the command accepts; anything outside is a VALIDATION_ERROR.
    public var range: ClosedRange<Double>?
    public var units: String
    public var summary: String

    public init(_ name: String, _ type: FlightType, range: ClosedRange<Double>? = nil, units: String = "", summary: String = "") {
        self.name = name
        self.type = type
        self.range = range
        self.units = units
        self.summary = summary
    }
}

public struct CommandDefinition: Sendable {
    public var localOpcode: UInt32
    public var mnemonic: String
    public var arguments: [ArgumentDefinition]
    /// A hazardous command runs only if an ARM for its opcode came within the arm window.
    public var hazardous: Bool
    public var summary: String

    public init(_ localOpcode: UInt32, _ mnemonic: String, arguments: [ArgumentDefinition] = [], hazardous: Bool = false, summary: String = "") {
        self.localOpcode = localOpcode
        self.mnemonic = mnemonic
        self.arguments = arguments
        self.hazardous = hazardous
        self.summary = summary
    }
}

/// When a write makes a channel's value eligible for downlink.
public struct UpdatePolicy: Hashable, Sendable {
    enum Kind: Hashable, Sendable { case always, onChange }
    let kind: Kind
    /// Every write is a new sample.
    public static let always = UpdatePolicy(kind: .always)
    /// A write counts only if the value differs from the last one.
    public static let onChange = UpdatePolicy(kind: .onChange)
}

/// Yellow and red limits of a channel, low and high; any may be absent.
public struct ChannelLimits: Hashable, Sendable {
    public var redLow: Double?
    public var yellowLow: Double?
    public var yellowHigh: Double?
    public var redHigh: Double?

    public init(redLow: Double? = nil, yellowLow: Double? = nil, yellowHigh: Double? = nil, redHigh: Double? = nil) {
        self.redLow = redLow
        self.yellowLow = yellowLow
        self.yellowHigh = yellowHigh
        self.redHigh = redHigh
    }

    public func state(of v: Double) -> LimitState {
        if let r = redLow, v <= r { return .redLow }
        if let r = redHigh, v >= r { return .redHigh }
        if let y = yellowLow, v <= y { return .yellowLow }
        if let y = yellowHigh, v >= y { return .yellowHigh }
        return .nominal
    }

    /// A reason the limits are inconsistent (red inside yellow, low above high), or nil.
    public var inconsistency: String? {
        let lows = [redLow, yellowLow].compactMap { $0 }
        let highs = [yellowHigh, redHigh].compactMap { $0 }
        if let rl = redLow, let yl = yellowLow, rl > yl { return "red low \(rl) is above yellow low \(yl)" }
        if let yh = yellowHigh, let rh = redHigh, rh < yh { return "red high \(rh) is below yellow high \(yh)" }
        if let lo = lows.max(), let hi = highs.min(), lo >= hi { return "low limit \(lo) is not below high limit \(hi)" }
        for v in lows + highs where !v.isFinite { return "limit \(v) is not finite" }
        return nil
    }
}

public enum LimitState: UInt8, Hashable, Sendable {
    case nominal = 0, yellowLow, yellowHigh, redLow, redHigh
    public var isRed: Bool { self == .redLow || self == .redHigh }
    public var isYellow: Bool { self == .yellowLow || self == .yellowHigh }
}

public struct ChannelDefinition: Sendable {
    public var localID: UInt32
    public var name: String
    public var type: FlightType
    public var update: UpdatePolicy
    public var limits: ChannelLimits?
    public var units: String
    public var summary: String

    public init(_ localID: UInt32, _ name: String, _ type: FlightType, update: UpdatePolicy = .always, limits: ChannelLimits? = nil, units: String = "", summary: String = "") {
        self.localID = localID
        self.name = name
        self.type = type
        self.update = update
        self.limits = limits
        self.units = units
        self.summary = summary
    }
}

/// F Prime's event severities (the names and values fprime-gds uses).
public enum EventSeverity: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case fatal = 1
    case warningHigh = 2
    case warningLow = 3
    case command = 4
    case activityHigh = 5
    case activityLow = 6
    case diagnostic = 7

    public var description: String {
        switch self {
        case .fatal: "FATAL"
        case .warningHigh: "WARNING_HI"
        case .warningLow: "WARNING_LO"
        case .command: "COMMAND"
        case .activityHigh: "ACTIVITY_HI"
        case .activityLow: "ACTIVITY_LO"
        case .diagnostic: "DIAGNOSTIC"
        }
    }
}

/// Throttling of an event: after `count` emissions it is suppressed (and the suppressions
/// counted) until the throttle is cleared by command, or until `window` has passed.
public struct EventThrottle: Hashable, Sendable {
    public var count: UInt32
    public var window: FlightDuration?
    public init(count: UInt32, window: FlightDuration? = nil) {
        self.count = count
        self.window = window
    }
}

public struct EventDefinition: Sendable {
    public var localID: UInt32
    public var name: String
    public var severity: EventSeverity
    /// At most ``EventArguments/capacity`` arguments, each a non-string type.
    public var arguments: [ArgumentDefinition]
    /// F Prime-style format string, one `{}` per argument, rendered on the ground.
    public var format: String
    public var throttle: EventThrottle?
    public var summary: String

    public init(_ localID: UInt32, _ name: String, _ severity: EventSeverity, arguments: [ArgumentDefinition] = [], format: String, throttle: EventThrottle? = nil, summary: String = "") {
        self.localID = localID
        self.name = name
        self.severity = severity
        self.arguments = arguments
        self.format = format
        self.throttle = throttle
        self.summary = summary
    }
}

public struct ParameterDefinition: Sendable {
    public var localID: UInt32
    public var name: String
    public var type: FlightType
    public var defaultValue: FlightValue
    public var range: ClosedRange<Double>?
    public var units: String
    public var summary: String

    public init(_ localID: UInt32, _ name: String, _ type: FlightType, default defaultValue: FlightValue, range: ClosedRange<Double>? = nil, units: String = "", summary: String = "") {
        self.localID = localID
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.range = range
        self.units = units
        self.summary = summary
    }
}
