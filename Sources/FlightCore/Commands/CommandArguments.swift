/// A command's arguments, decoded and range-checked by the dispatcher before the owning
/// component sees them. Decoding never allocates: values are stored inline, and string
/// arguments stay in the packet's bytes until a handler asks for them.
public struct CommandArguments {
    /// The most arguments a command may declare.
    public static let capacity = 16

    public let definitions: [ArgumentDefinition]
    let bytes: [UInt8]
    var values: InlineArray<16, FlightValue>
    /// For string arguments: (offset, length) of the UTF-8 bytes in `bytes`; (-1, 0) otherwise.
    var strings: InlineArray<16, (Int32, Int32)>

    public var count: Int { definitions.count }

    /// A non-string argument by position.
    public subscript(i: Int) -> FlightValue {
        precondition(i >= 0 && i < count, "argument index \(i) out of range")
        precondition(strings[i].0 < 0, "argument \(i) is a string; use string(_:)")
        return values[i]
    }

    /// A non-string argument by name.
    public subscript(name: String) -> FlightValue {
        guard let i = definitions.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("no argument named \(name)")
        }
        return self[i]
    }

    /// A string argument by position (this allocates the String; see ``withString(_:_:)``).
    public func string(_ i: Int) -> String {
        withString(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// A string argument's UTF-8 bytes, without allocating.
    public func withString<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        precondition(i >= 0 && i < count && strings[i].0 >= 0, "argument \(i) is not a string")
        let (off, len) = strings[i]
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[Int(off)..<Int(off + len)])) }
    }

    /// Why argument bytes were refused.
    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        case malformed(argument: String, ValueDecodingError)
        case extraBytes(count: Int)
        case outOfRange(argument: String, index: Int, value: Double, range: ClosedRange<Double>)
        case unknownEnumValue(argument: String, index: Int, value: Int64)

        public var response: CommandResponse {
            switch self {
            case .outOfRange, .unknownEnumValue: .validationError
            case .malformed, .extraBytes: .formatError
            }
        }

        public var description: String {
            switch self {
            case .malformed(let a, let e): "argument '\(a)': \(e)"
            case .extraBytes(let n): "\(n) bytes left over after the last argument"
            case .outOfRange(let a, _, let v, let r): "argument '\(a)' = \(v) is outside \(r.lowerBound)...\(r.upperBound)"
            case .unknownEnumValue(let a, _, let v): "argument '\(a)' = \(v) is not a constant of its enum"
            }
        }
    }

    /// Decodes `bytes` as the arguments of a command with these definitions (at most
    /// ``capacity``; the topology refuses commands that declare more).
    public static func decode(_ bytes: [UInt8], as defs: [ArgumentDefinition]) -> Result<CommandArguments, Failure> {
        precondition(defs.count <= capacity, "a command declares at most \(capacity) arguments")
        var values = InlineArray<16, FlightValue>(repeating: .u8(0))
        var strings = InlineArray<16, (Int32, Int32)>(repeating: (-1, 0))
        let failure: Failure? = bytes.withUnsafeBytes { raw -> Failure? in
            var r = ByteReader(raw)
            for i in 0..<defs.count {
                let d = defs[i]
                if case .string(let maxLength) = d.type {
                    guard let len = r.read(UInt16.self) else {
                        return .malformed(argument: d.name, .truncated(type: "string length", needed: 2, remaining: r.remaining))
                    }
                    guard Int(len) <= maxLength else { return .malformed(argument: d.name, .stringTooLong(length: Int(len), maxLength: maxLength)) }
                    let start = r.offset
                    guard let body = r.readBytes(Int(len)) else {
                        return .malformed(argument: d.name, .truncated(type: "string", needed: Int(len), remaining: r.remaining))
                    }
                    guard isValidUTF8(body) else { return .malformed(argument: d.name, .invalidUTF8) }
                    strings[i] = (Int32(start), Int32(len))
                    continue
                }
                switch FlightValue.deserialize(d.type, from: &r) {
                case .success(let v):
                    let x = v.doubleValue
                    if let range = d.range {
                        guard x.isFinite, range.contains(x) else { return .outOfRange(argument: d.name, index: i, value: x, range: range) }
                    } else if !x.isFinite, let bounds = d.type.numericBounds {
                        return .outOfRange(argument: d.name, index: i, value: x, range: bounds)
                    }
                    values[i] = v
                case .failure(.unknownEnumValue(_, let value)):
                    return .unknownEnumValue(argument: d.name, index: i, value: value)
                case .failure(let e):
                    return .malformed(argument: d.name, e)
                }
            }
            return r.isAtEnd ? nil : .extraBytes(count: r.remaining)
        }
        if let failure { return .failure(failure) }
        return .success(CommandArguments(definitions: defs, bytes: bytes, values: values, strings: strings))
    }

    /// Serialises values as a command's argument bytes (what ground tools and sequences send).
    /// Nil when a value does not match its argument's type or does not fit.
    public static func encode(_ values: [ArgumentValue], as defs: [ArgumentDefinition]) -> [UInt8]? {
        guard values.count == defs.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { raw -> Int? in
            var w = ByteWriter(raw)
            for (v, d) in zip(values, defs) {
                switch (v, d.type) {
                case (.string(let s), .string(let max)) where s.utf8.count <= max: w.write(string: s)
                case (.value(let x), let t) where x.isOf(t): x.serialize(as: t, into: &w)
                default: return nil
                }
            }
            return w.overflowed ? nil : w.count
        }
        guard let n else { return nil }
        return Array(buffer[0..<n])
    }
}

/// Whether bytes are well-formed UTF-8 (checked without building a String).
func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var it = bytes.makeIterator()
    var decoder = UTF8()
    while true {
        switch decoder.decode(&it) {
        case .scalarValue: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}

/// An argument value for encoding: a FlightValue or a string.
public enum ArgumentValue: Sendable, Hashable {
    case value(FlightValue)
    case string(String)
}

/// One command, as the owning component receives it.
public struct CommandInvocation {
    /// The component-local opcode.
    public let localOpcode: UInt32
    public let opcode: Opcode
    public let sequence: UInt32
    public let source: CommandSource
    public let arguments: CommandArguments
    public let time: FlightTime
    unowned let dispatcher: CommandDispatcher
    let entry: Int

    /// Says that this command completes later (after work off the executive thread, or over
    /// several ticks). The handler's return value is then ignored; the component finishes the
    /// command with ``ComponentPorts/complete(_:with:)``, and only then do its completion event
    /// and its response to the sender go out.
    /// A deferred command that is not completed within the dispatcher's COMPLETION_TIMEOUT
    /// parameter fails EXECUTION_ERROR with a `CommandTimedOut` event.
    public func deferCompletion() -> PendingCommand {
        let token = dispatcher.issueToken()
        return PendingCommand(opcode: opcode, sequence: sequence, source: source, entry: entry, token: token)
    }
}

/// A command accepted for later completion.
public struct PendingCommand: Hashable, Sendable {
    public let opcode: Opcode
    public let sequence: UInt32
    public let source: CommandSource
    let entry: Int
    let token: UInt32
}
