public import FlightCore
import Foundation
import FlightWire

/// What the ground tools need of a flight dictionary, indexed: commands by name, channels and
/// events by id. Built from a topology's ``FlightDictionary`` (the same build of `regolith`)
/// or read from the Regolith JSON dictionary a flight build exported
/// (``init(regolithJSON:)``, `regolith ground --dictionary`).
public struct GroundDictionary: Sendable {
    public struct Command: Sendable, Equatable {
        public var opcode: Opcode
        public var name: String
        public var arguments: [ArgumentDefinition]
        public var hazardous: Bool
        /// The part after the component (`CMD_NO_OP` of `cmdDisp.CMD_NO_OP`).
        public var mnemonic: String { name.split(separator: ".").last.map(String.init) ?? name }
    }

    public struct Channel: Sendable, Equatable {
        public var id: ChannelID
        public var name: String
        public var type: FlightType
    }

    public struct Event: Sendable, Equatable {
        public var id: EventID
        public var name: String
        public var severity: EventSeverity
        public var arguments: [ArgumentDefinition]
        public var format: String
    }

    public let deploymentName: String
    public let commands: [Command]
    public let channels: [Channel]
    public let events: [Event]
    let commandsByName: [String: Command]
    let channelsByID: [ChannelID: Channel]
    let eventsByID: [EventID: Event]

    public init(deploymentName: String, commands: [Command], channels: [Channel], events: [Event]) {
        self.deploymentName = deploymentName
        self.commands = commands
        self.channels = channels
        self.events = events
        commandsByName = Dictionary(commands.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        channelsByID = Dictionary(channels.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        eventsByID = Dictionary(events.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public init(_ dictionary: FlightDictionary) {
        self.init(
            deploymentName: dictionary.deploymentName,
            commands: dictionary.commands.map { Command(opcode: $0.opcode, name: $0.name, arguments: $0.arguments, hazardous: $0.hazardous) },
            channels: dictionary.channels.map { Channel(id: $0.id, name: $0.name, type: $0.definition.type) },
            events: dictionary.events.map {
                Event(id: $0.id, name: $0.name, severity: $0.definition.severity, arguments: $0.definition.arguments, format: $0.definition.format)
            })
    }

    public func channel(_ id: ChannelID) -> Channel? { channelsByID[id] }
    public func event(_ id: EventID) -> Event? { eventsByID[id] }
    public func command(named name: String) -> Command? { commandsByName[name] }
    public func channel(named name: String) -> Channel? { channels.first { $0.name == name } }

    /// Parses `NAME arg arg …` (arguments separated by spaces; a string argument in double
    /// quotes when it holds spaces) against the dictionary: the command must exist, the
    /// argument count match, and each value parse as its type, fit its type's range and the
    /// argument's declared range, and be a constant of its enum (by name or value).
    public func parseCommand(_ line: String) throws(GroundError) -> (command: Command, arguments: [UInt8]) {
        let words = Self.split(line)
        guard let name = words.first else { throw .badArguments(command: "", reason: "empty command line") }
        guard let cmd = commandsByName[name] else {
            let short = name.split(separator: ".").last.map(String.init) ?? name
            let near = commands.filter { $0.mnemonic.caseInsensitiveCompare(short) == .orderedSame || $0.name.lowercased().contains(short.lowercased()) }.map(\.name).prefix(5)
            throw .unknownCommand(name, suggestions: Array(near))
        }
        let args = Array(words.dropFirst())
        guard args.count == cmd.arguments.count else {
            let usage = ([cmd.name] + cmd.arguments.map { "<\($0.name): \($0.type.fprimeName)>" }).joined(separator: " ")
            throw .badArguments(command: cmd.name, reason: "takes \(cmd.arguments.count) argument(s), got \(args.count); usage: \(usage)")
        }
        var values: [ArgumentValue] = []
        for (text, def) in zip(args, cmd.arguments) {
            values.append(try Self.parse(text, def, command: cmd.name))
        }
        guard let bytes = CommandArguments.encode(values, as: cmd.arguments) else {
            throw .badArguments(command: cmd.name, reason: "the arguments do not serialise (too long)")
        }
        return (cmd, bytes)
    }

    static func parse(_ text: String, _ def: ArgumentDefinition, command: String) throws(GroundError) -> ArgumentValue {
        func bad(_ why: String) -> GroundError { .badArguments(command: command, reason: "argument '\(def.name)' (\(def.type.fprimeName)): \(why)") }
        let value: FlightValue
        switch def.type {
        case .string(let max):
            guard text.utf8.count <= max else { throw bad("\(text.utf8.count) bytes is longer than its maximum of \(max)") }
            return .string(text)
        case .bool:
            switch text.lowercased() {
            case "true", "1", "yes": value = .bool(true)
            case "false", "0", "no": value = .bool(false)
            default: throw bad("'\(text)' is not true or false")
            }
        case .enumeration(let e):
            if let i = e.names.firstIndex(of: text) {
                value = .enumeration(Int32(e.values[i]))
            } else if let v = Int64(text), e.contains(v) {
                value = .enumeration(Int32(v))
            } else {
                throw bad("'\(text)' is not one of \(e.names.joined(separator: ", "))")
            }
        case .f32, .f64:
            guard let d = Double(text), d.isFinite else { throw bad("'\(text)' is not a finite number") }
            if def.type == .f32 {
                guard abs(d) <= Double(Float.greatestFiniteMagnitude) else { throw bad("\(d) does not fit F32") }
                value = .f32(Float(d))
            } else {
                value = .f64(d)
            }
        default:
            guard let v = Int64(text) ?? (text.hasPrefix("0x") ? Int64(text.dropFirst(2), radix: 16) : nil) else {
                if let u = UInt64(text), def.type == .u64 { return .value(.u64(u)) }
                throw bad("'\(text)' is not an integer")
            }
            guard let bounds = def.type.numericBounds, bounds.contains(Double(v)) else { throw bad("\(v) does not fit \(def.type.fprimeName)") }
            switch def.type {
            case .u8: value = .u8(UInt8(v))
            case .u16: value = .u16(UInt16(v))
            case .u32: value = .u32(UInt32(v))
            case .u64: value = .u64(UInt64(v))
            case .i8: value = .i8(Int8(v))
            case .i16: value = .i16(Int16(v))
            case .i32: value = .i32(Int32(v))
            default: value = .i64(v)
            }
        }
        if let r = def.range, !r.contains(value.doubleValue) {
            throw bad("\(value) is outside its range \(r.lowerBound)...\(r.upperBound)")
        }
        return .value(value)
    }

    /// Words separated by spaces; double quotes group a word with spaces.
    static func split(_ line: String) -> [String] {
        var words: [String] = [], current = "", quoted = false, any = false
        for ch in line {
            if ch == "\"" {
                quoted.toggle()
                any = true
            } else if ch == " " && !quoted {
                if any { words.append(current) }
                current = ""
                any = false
            } else {
                current.append(ch)
                any = true
            }
        }
        if any { words.append(current) }
        return words
    }
}
