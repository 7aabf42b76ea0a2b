/// What a fault table is checked against: the topology's channels, events, commands and
/// modes, and the sequences the sequencer knows.
public struct FaultTableContext: Sendable {
    public var channels: [String: FlightType]
    public var events: Set<String>
    /// Each event's arguments, for event monitors that match argument values (an event
    /// missing here cannot be matched by argument).
    public var eventArguments: [String: [ArgumentDefinition]]
    public var commands: [String: [ArgumentDefinition]]
    /// The system's modes (nil: the topology has no ``SystemMode``, so no mode may be named).
    public var modes: [String]?
    /// Sequences a `.sequence` action may name (nil: not checked here, e.g. on board when
    /// sequences are uploaded later).
    public var sequences: [String]?

    public init(
        channels: [String: FlightType], events: Set<String>, commands: [String: [ArgumentDefinition]], modes: [String]?, sequences: [String]?,
        eventArguments: [String: [ArgumentDefinition]] = [:]
    ) {
        self.channels = channels
        self.events = events
        self.eventArguments = eventArguments
        self.commands = commands
        self.modes = modes
        self.sequences = sequences
    }

    /// The context of a topology's dictionary. Modes come from its ``SystemMode`` component's
    /// `Mode` channel unless given.
    public init(dictionary d: FlightDictionary, modes: [String]? = nil, sequences: [String]? = nil) {
        var channels: [String: FlightType] = [:]
        for c in d.channels { channels[c.name] = c.definition.type }
        var commands: [String: [ArgumentDefinition]] = [:]
        for c in d.commands { commands[c.name] = c.arguments }
        var found = modes
        if found == nil, let m = d.components.first(where: { $0.kind == SystemMode.kind }),
            case .enumeration(let e)? = channels[m.name + ".Mode"]
        {
            found = e.names
        }
        var eventArguments: [String: [ArgumentDefinition]] = [:]
        for e in d.events { eventArguments[e.name] = e.definition.arguments }
        self.init(
            channels: channels, events: Set(eventArguments.keys), commands: commands, modes: found, sequences: sequences, eventArguments: eventArguments)
    }
}

/// Where in a table a problem lies: the element and, when known, its field (as the YAML key
/// names it: `channel`, `persistence`, `modes`, `actions[1]`).
public struct FaultTablePath: Sendable, Hashable, CustomStringConvertible {
    public enum Element: Sendable, Hashable {
        case table
        case monitor(Int)
        case response(Int)
        case lockout(Int)
    }
    public var element: Element
    public var field: String?

    public init(_ element: Element, _ field: String? = nil) {
        self.element = element
        self.field = field
    }

    public var description: String {
        let e: String
        switch element {
        case .table: e = "table"
        case .monitor(let i): e = "monitors[\(i)]"
        case .response(let i): e = "responses[\(i)]"
        case .lockout(let i): e = "lockouts[\(i)]"
        }
        return field.map { "\(e).\($0)" } ?? e
    }
}

/// One thing wrong with a fault table, where it is and why.
public struct FaultTableProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: FaultTablePath
    public var message: String

    public init(_ path: FaultTablePath, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
