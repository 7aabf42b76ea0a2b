/// F Prime's command response codes (`Fw.CmdResponse`), with the same values.
public enum CommandResponse: Int32, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case ok = 0
    /// No command has that opcode.
    case invalidOpcode = 1
    /// The arguments decoded but a value is not acceptable (out of range, unknown enum
    /// constant, hazardous command not armed).
    case validationError = 2
    /// The argument bytes do not decode: too few, too many, malformed.
    case formatError = 3
    /// The command was valid but failed when executed.
    case executionError = 4
    /// The command could not be accepted now (queue full, component busy).
    case busy = 5

    public var description: String {
        switch self {
        case .ok: "OK"
        case .invalidOpcode: "INVALID_OPCODE"
        case .validationError: "VALIDATION_ERROR"
        case .formatError: "FORMAT_ERROR"
        case .executionError: "EXECUTION_ERROR"
        case .busy: "BUSY"
        }
    }

    /// F Prime's `Fw.CmdResponse`, an enum serialised as U8.
    public static let enumType = EnumType(
        "Fw.CmdResponse", representation: .u8,
        constants: allCases.map { ($0.description, Int64($0.rawValue)) },
        annotation: "Enum representing a command response")
}

/// Who sent a command, so its response goes back to the right place.
public struct CommandSource: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let ground = CommandSource(rawValue: 0)
    public static let sequencer = CommandSource(rawValue: 1)
    public static let faultManager = CommandSource(rawValue: 2)
    public static let test = CommandSource(rawValue: 0xFFFF)
}

/// A command as it arrives: opcode, the sender's sequence number, serialised arguments.
public struct CommandPacket: Sendable, Hashable {
    public var opcode: Opcode
    public var sequence: UInt32
    public var arguments: [UInt8]
    public var source: CommandSource

    public init(opcode: Opcode, sequence: UInt32 = 0, arguments: [UInt8] = [], source: CommandSource = .ground) {
        self.opcode = opcode
        self.sequence = sequence
        self.arguments = arguments
        self.source = source
    }
}

/// The outcome of one command, delivered to its source.
public struct CommandCompletion: Sendable, Hashable {
    public var opcode: Opcode
    public var sequence: UInt32
    public var source: CommandSource
    public var response: CommandResponse
}
