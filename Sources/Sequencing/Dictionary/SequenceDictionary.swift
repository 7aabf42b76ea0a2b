public import FlightCore

/// What the checker, compiler and decompiler need of a flight dictionary: the commands with
/// their opcodes and arguments, the telemetry channels with their ids and types, and the
/// enums. Built from a topology's ``FlightDictionary`` or read from the Regolith JSON that
/// `regolith dict export` writes.
///
/// Its ``hash`` (CRC-32C over a canonical description of opcodes, ids, names and types) goes
/// into every compiled sequence; the on-board sequencer refuses a sequence compiled against
/// another dictionary.
public struct SequenceDictionary: Sendable {
    public struct Command: Sendable {
        public var name: String
        public var opcode: Opcode
        public var arguments: [ArgumentDefinition]
        public var hazardous: Bool
    }

    public struct Channel: Sendable {
        public var name: String
        public var id: ChannelID
        public var type: FlightType
        public var units: String
    }

    public var deployment: String
    public private(set) var commands: [Command]
    public private(set) var channels: [Channel]
    public private(set) var enums: [EnumType]
    private var commandIndex: [String: Int] = [:]
    private var commandByOpcode: [UInt32: Int] = [:]
    private var channelIndex: [String: Int] = [:]
    private var channelByID: [UInt32: Int] = [:]
    public let hash: UInt32

    public init(deployment: String, commands: [Command], channels: [Channel], enums: [EnumType]) {
        self.deployment = deployment
        self.commands = commands.sorted { $0.opcode < $1.opcode }
        self.channels = channels.sorted { $0.id < $1.id }
        self.enums = enums.sorted { $0.qualifiedName < $1.qualifiedName }
        for (i, c) in self.commands.enumerated() {
            commandIndex[c.name] = i
            commandByOpcode[c.opcode.rawValue] = i
        }
        for (i, c) in self.channels.enumerated() {
            channelIndex[c.name] = i
            channelByID[c.id.rawValue] = i
        }
        hash = Self.fingerprint(commands: self.commands, channels: self.channels, enums: self.enums)
    }

    /// The dictionary of a flight build.
    public init(_ d: FlightDictionary) {
        self.init(
            deployment: d.deploymentName,
            commands: d.commands.map { Command(name: $0.name, opcode: $0.opcode, arguments: $0.arguments, hazardous: $0.hazardous) },
            channels: d.channels.map { Channel(name: $0.name, id: $0.id, type: $0.definition.type, units: $0.definition.units) },
            enums: d.enums)
    }

    public func command(named n: String) -> Command? { commandIndex[n].map { commands[$0] } }
    public func command(opcode: Opcode) -> Command? { commandByOpcode[opcode.rawValue].map { commands[$0] } }
    public func channel(named n: String) -> Channel? { channelIndex[n].map { channels[$0] } }
    public func channel(id: ChannelID) -> Channel? { channelByID[id.rawValue].map { channels[$0] } }

    /// The canonical text the hash is taken over: one line per enum, command and channel.
    static func fingerprint(commands: [Command], channels: [Channel], enums: [EnumType]) -> UInt32 {
        var text = "regolith-sequence-dictionary 1\n"
        for e in enums {
            text += "E \(e.qualifiedName) \(e.representation.flightType.fprimeName)"
            for (n, v) in zip(e.names, e.values) { text += " \(n)=\(v)" }
            text += "\n"
        }
        for c in commands {
            text += "C \(c.opcode.rawValue) \(c.name)"
            for a in c.arguments { text += " \(a.name):\(typeKey(a.type))" }
            text += "\n"
        }
        for c in channels { text += "T \(c.id.rawValue) \(c.name) \(typeKey(c.type))\n" }
        return CRC32C.checksum(Array(text.utf8))
    }

    static func typeKey(_ t: FlightType) -> String {
        if case .string(let m) = t { return "string\(m)" }
        return t.fprimeName
    }
}
