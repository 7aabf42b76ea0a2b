/// Everything a ground tool or a sequence checker needs to know about a topology: every
/// command, telemetry channel, event and parameter with its global id and types, the enum
/// types they use, and named constants. Built from a ``Topology``; exported as JSON in
/// Regolith's own form (``regolithJSON()``) and in F Prime's v4 form (``fprimeJSON()``).
public struct FlightDictionary: Sendable {
    public struct Command: Sendable {
        public var opcode: Opcode
        public var component: String
        public var mnemonic: String
        public var arguments: [ArgumentDefinition]
        public var hazardous: Bool
        public var summary: String
        public var name: String { component + "." + mnemonic }
    }

    public struct Channel: Sendable {
        public var id: ChannelID
        public var component: String
        public var definition: ChannelDefinition
        public var name: String { component + "." + definition.name }
    }

    public struct Event: Sendable {
        public var id: EventID
        public var component: String
        public var definition: EventDefinition
        public var name: String { component + "." + definition.name }
    }

    public struct Parameter: Sendable {
        public var id: ParameterID
        public var component: String
        public var definition: ParameterDefinition
        public var setOpcode: Opcode
        public var saveOpcode: Opcode
        public var name: String { component + "." + definition.name }
    }

    public struct Component: Sendable {
        public var name: String
        public var kind: String
        public var baseID: UInt32
        public var summary: String
        public var rateGroup: String?
    }

    public struct RateGroupEntry: Sendable {
        public var name: String
        public var divisor: Int
        public var offset: Int
        public var members: [String]
        /// For a shed tier: the group it runs after (and is shed from under overload).
        public var sheddableIn: String? = nil
    }

    public var deploymentName: String
    public var projectVersion: String
    public var baseRate: Double
    public var components: [Component]
    public var commands: [Command]
    public var channels: [Channel]
    public var events: [Event]
    public var parameters: [Parameter]
    public var enums: [EnumType]
    public var constants: [DictionaryConstant]
    public var rateGroups: [RateGroupEntry]
    public var topics: [(id: TopicID, name: String, messageType: String, subscribers: [SubscriptionStats])]
    /// The fault tables the topology's fault managers run (component name, table).
    public var faultTables: [(component: String, table: FaultTable)] = []

    /// The version of Regolith's dictionary JSON form.
    public static let regolithFormatVersion = "1.1.0"
    /// The Regolith release this dictionary came from.
    public static let frameworkVersion = "0.1.0"

    public func command(named name: String) -> Command? { commands.first { $0.name == name } }
    public func channel(named name: String) -> Channel? { channels.first { $0.name == name } }
    public func event(named name: String) -> Event? { events.first { $0.name == name } }
}

/// A named integer constant exported with the dictionary (`ComCfg.SpacecraftId`).
public struct DictionaryConstant: Hashable, Sendable {
    public var qualifiedName: String
    public var type: FlightType
    public var value: Int64
    public var summary: String
    public init(_ qualifiedName: String, _ type: FlightType, _ value: Int64, summary: String = "") {
        self.qualifiedName = qualifiedName
        self.type = type
        self.value = value
        self.summary = summary
    }
}

extension Topology {
    /// The dictionary of this topology.
    public func dictionary(projectVersion: String = FlightDictionary.frameworkVersion) -> FlightDictionary {
        var commands: [FlightDictionary.Command] = []
        var channels: [FlightDictionary.Channel] = []
        var events: [FlightDictionary.Event] = []
        var parameters: [FlightDictionary.Parameter] = []
        var components: [FlightDictionary.Component] = []
        for m in members {
            let d = m.definition, n = m.component.name, b = m.baseID
            components.append(.init(name: n, kind: d.kind, baseID: b, summary: d.summary, rateGroup: m.rateGroup))
            for c in d.commands {
                commands.append(.init(opcode: Opcode(b + c.localOpcode), component: n, mnemonic: c.mnemonic, arguments: c.arguments, hazardous: c.hazardous, summary: c.summary))
            }
            for (p, ops) in zip(d.parameters, d.parameterCommandOpcodes) {
                parameters.append(.init(id: ParameterID(b + p.localID), component: n, definition: p, setOpcode: Opcode(b + ops.set), saveOpcode: Opcode(b + ops.save)))
                commands.append(.init(opcode: Opcode(b + ops.set), component: n, mnemonic: p.name + "_PRM_SET", arguments: [ArgumentDefinition("val", p.type, range: p.range, units: p.units)], hazardous: false, summary: "Set parameter \(p.name)"))
                commands.append(.init(opcode: Opcode(b + ops.save), component: n, mnemonic: p.name + "_PRM_SAVE", arguments: [], hazardous: false, summary: "Stage parameter \(p.name) for the parameter file"))
            }
            for c in d.channels { channels.append(.init(id: ChannelID(b + c.localID), component: n, definition: c)) }
            for e in d.events { events.append(.init(id: EventID(b + e.localID), component: n, definition: e)) }
        }
        let groups = scheduler.entries.flatMap { e in
            [FlightDictionary.RateGroupEntry(name: e.group.name, divisor: Int(e.divisor), offset: Int(e.offset), members: e.group.members.map(\.name))]
                + e.tiers.map { FlightDictionary.RateGroupEntry(name: $0.name, divisor: Int(e.divisor), offset: Int(e.offset), members: $0.members.map(\.name), sheddableIn: e.group.name) }
        }
        return FlightDictionary(
            deploymentName: name, projectVersion: projectVersion, baseRate: scheduler.baseRate,
            components: components,
            commands: commands.sorted { $0.opcode < $1.opcode },
            channels: channels.sorted { $0.id < $1.id },
            events: events.sorted { $0.id < $1.id },
            parameters: parameters.sorted { $0.id < $1.id },
            enums: enums.values.sorted { $0.qualifiedName < $1.qualifiedName },
            constants: constants,
            rateGroups: groups,
            topics: bus.topics.map { ($0.id, $0.name, $0.messageType, $0.subscriptionStats) },
            faultTables: members.compactMap { m in (m.component as? FaultManager).map { (m.component.name, $0.table) } })
    }
}
