/// The system mode (the mission's phases, SAFE among them): one value every component can read
/// (``current``, ``isIn(_:)``), published as the `Mode` telemetry channel, changed by command,
/// by flight software and by fault responses.
///
/// SAFE is sticky: once in SAFE, `SET_MODE` and fault responses cannot move the system out of
/// it; only the hazardous `EXIT_SAFE` command (which needs `cmdDisp.ARM`) can.
public final class SystemMode: Component {
    public static let kind = "SystemMode"
    public let name: String
    public var ports = ComponentPorts.unwired
    /// The modes as an enum type (values 0, 1, 2, … in the order given).
    public let modeType: EnumType
    public let names: [String]
    public let safe: Int
    public let initial: Int
    /// The mode now (an index into ``names``).
    public private(set) var current: Int
    public private(set) var previous: Int
    public private(set) var changes: UInt32 = 0
    public private(set) var safeEntries: UInt32 = 0
    public private(set) var refusals: UInt32 = 0

    /// Who asked for a mode change.
    public enum Reason: Int32, Sendable, CaseIterable {
        case command = 0, faultResponse = 1, flightSoftware = 2
    }
    public static let reasonType = EnumType(
        "SystemMode.Reason", representation: .u8, constants: [("COMMAND", 0), ("FAULT_RESPONSE", 1), ("FLIGHT_SOFTWARE", 2)],
        annotation: "Who asked for a mode change")

    public enum Command: UInt32 { case setMode = 0, exitSafe = 1 }
    public enum Channel: UInt32 { case mode = 0, changes = 1, safeEntries = 2, refusals = 3 }
    public enum Event: UInt32 { case changed = 0, safeEntered = 1, refused = 2 }

    /// The most modes (a set of modes is a 64-bit mask).
    public static let maxModes = 64

    /// - Parameters:
    ///   - modes: the mission's modes, identifiers, at most 64; must contain `safe` and `initial`.
    ///   - enumName: the qualified name of the modes' enum type in the dictionary.
    public init(name: String = "mode", modes: [String], initial: String, safe: String = "SAFE", enumName: String = "SystemMode.Mode") {
        precondition(!modes.isEmpty && modes.count <= Self.maxModes, "a system has 1...64 modes")
        precondition(Set(modes).count == modes.count, "mode names must be distinct")
        guard let s = modes.firstIndex(of: safe) else { preconditionFailure("the modes must include the safe mode '\(safe)'") }
        guard let i = modes.firstIndex(of: initial) else { preconditionFailure("the modes must include the initial mode '\(initial)'") }
        self.name = name
        self.names = modes
        self.safe = s
        self.initial = i
        self.current = i
        self.previous = i
        self.modeType = EnumType(enumName, representation: .u8, constants: modes.enumerated().map { ($1, Int64($0)) }, default: initial, annotation: "The system's modes")
    }

    /// The index of a mode by name.
    public func index(of mode: String) -> Int? { names.firstIndex(of: mode) }

    /// The set of the named modes (unknown names are ignored; validate with the fault table).
    public func set(_ modes: [String]) -> ModeSet {
        ModeSet(mask: modes.compactMap(index(of:)).reduce(0) { $0 | (1 << UInt64($1)) })
    }

    /// Whether the current mode is one of `modes`. No allocation.
    @inline(__always)
    public func isIn(_ modes: ModeSet) -> Bool { modes.contains(current) }

    public var isSafe: Bool { current == safe }

    public var definition: ComponentDefinition {
        let mode = FlightType.enumeration(modeType)
        let reason = FlightType.enumeration(Self.reasonType)
        return ComponentDefinition(
            kind: Self.kind,
            summary: "Holds the system mode (the mission's phases and SAFE), changed by command, flight software and fault responses.",
            commands: [
                CommandDefinition(Command.setMode.rawValue, "SET_MODE", arguments: [.init("mode", mode)], summary: "Change the system mode (refused in SAFE: use EXIT_SAFE)"),
                CommandDefinition(Command.exitSafe.rawValue, "EXIT_SAFE", arguments: [.init("mode", mode)], hazardous: true, summary: "Leave SAFE mode for the given mode"),
            ],
            channels: [
                ChannelDefinition(Channel.mode.rawValue, "Mode", mode, update: .onChange, summary: "The system mode"),
                ChannelDefinition(Channel.changes.rawValue, "ModeChanges", .u32, update: .onChange, summary: "Mode changes since start"),
                ChannelDefinition(Channel.safeEntries.rawValue, "SafeEntries", .u32, update: .onChange, limits: ChannelLimits(yellowHigh: 1), summary: "Times SAFE mode was entered"),
                ChannelDefinition(Channel.refusals.rawValue, "ModeChangesRefused", .u32, update: .onChange, summary: "Mode changes refused (out of SAFE without EXIT_SAFE)"),
            ],
            events: [
                EventDefinition(Event.changed.rawValue, "ModeChanged", .activityHigh, arguments: [.init("from", mode), .init("to", mode), .init("reason", reason)], format: "Mode changed from {} to {} ({})"),
                EventDefinition(Event.safeEntered.rawValue, "SafeModeEntered", .warningHigh, arguments: [.init("from", mode), .init("reason", reason)], format: "SAFE mode entered from {} ({})"),
                EventDefinition(Event.refused.rawValue, "ModeChangeRefused", .warningLow, arguments: [.init("to", mode), .init("reason", reason)], format: "Mode change to {} refused ({}): the system is in SAFE; use EXIT_SAFE"),
            ])
    }

    /// Changes the mode; refused (false, reported) when it would leave SAFE. No allocation.
    @discardableResult
    public func request(_ mode: Int, reason: Reason) -> Bool {
        precondition(mode >= 0 && mode < names.count, "mode index out of range")
        if mode == current { return true }
        if current == safe {
            refusals &+= 1
            ports.log(Event.refused, .enumeration(Int32(mode)), .enumeration(reason.rawValue))
            ports.write(Channel.refusals, .u32(refusals))
            return false
        }
        enter(mode, reason: reason)
        return true
    }

    /// Enters SAFE mode (nothing happens if already in it).
    public func enterSafe(reason: Reason) {
        if current != safe { enter(safe, reason: reason) }
    }

    private func enter(_ mode: Int, reason: Reason) {
        previous = current
        current = mode
        changes &+= 1
        if mode == safe {
            safeEntries &+= 1
            ports.log(Event.safeEntered, .enumeration(Int32(previous)), .enumeration(reason.rawValue))
        }
        ports.log(Event.changed, .enumeration(Int32(previous)), .enumeration(Int32(mode)), .enumeration(reason.rawValue))
        publish()
    }

    private func publish() {
        ports.write(Channel.mode, .enumeration(Int32(current)))
        ports.write(Channel.changes, .u32(changes))
        ports.write(Channel.safeEntries, .u32(safeEntries))
        ports.write(Channel.refusals, .u32(refusals))
    }

    public func tick(_ context: TickContext) { publish() }

    public func handle(_ command: CommandInvocation) -> CommandResponse {
        guard case .enumeration(let m)? = command.arguments.count == 1 ? command.arguments[0] : nil, m >= 0, Int(m) < names.count else {
            return Command(rawValue: command.localOpcode) == nil ? .invalidOpcode : .validationError
        }
        switch Command(rawValue: command.localOpcode) {
        case .setMode:
            return request(Int(m), reason: .command) ? .ok : .validationError
        case .exitSafe:
            guard current == safe, Int(m) != safe else { return .validationError }
            enter(Int(m), reason: .command)
            return .ok
        case nil:
            return .invalidOpcode
        }
    }
}

/// A set of modes, as a bit mask: what a monitor, a response or a lock-out is enabled in.
public struct ModeSet: Sendable, Hashable {
    public var mask: UInt64
    public init(mask: UInt64) { self.mask = mask }
    public static let all = ModeSet(mask: .max)
    @inline(__always)
    public func contains(_ mode: Int) -> Bool { mask & (1 << UInt64(mode & 63)) != 0 }
}
