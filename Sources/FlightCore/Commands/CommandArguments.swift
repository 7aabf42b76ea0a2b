/// A command's arguments, decoded and range-checked by the dispatcher before the owning
/// component sees them.
public struct CommandArguments: Sendable {
    public let definitions: [ArgumentDefinition]
    let values: [FlightValue?]
    let strings: [String?]

    init(definitions: [ArgumentDefinition], values: [FlightValue?], strings: [String?]) {
        self.definitions = definitions
        self.values = values
        self.strings = strings
    }

    public var count: Int { definitions.count }

    /// A non-string argument by position.
    public subscript(i: Int) -> FlightValue {
        guard let v = values[i] else { preconditionFailure("argument \(i) is a string; use string(_:)") }
        return v
    }

    /// A non-string argument by name.
    public subscript(name: String) -> FlightValue {
        guard let i = definitions.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("no argument named \(name)")
        }
        return self[i]
    }

    /// A string argument by position.
    public func string(_ i: Int) -> String {
        guard let s = strings[i] else { preconditionFailure("argument \(i) is not a string") }
        return s
    }

    /// Why argument bytes were refused.
    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        case malformed(argument: String, ValueDecodingError)
        case extraBytes(count: Int)
        case outOfRange(argument: String, index: Int, value: Double, range: ClosedRange<Double>)
        case unknownEnumValue(argument: String, index: Int, value: Int64)

        public var response: CommandResponse {
            switch self {
            case .malformed(_, .unknownEnumValue), .outOfRange, .unknownEnumValue: .validationError
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

        /// Index of the offending argument (-1 when not about one argument); for events.
        var argumentIndex: Int32 {
            switch self {
            case .outOfRange(_, let i, _, _), .unknownEnumValue(_, let i, _): Int32(i)
            default: -1
            }
        }
    }

    /// Decodes `bytes` as the arguments of a command with these definitions.
    public static func decode(_ bytes: [UInt8], as defs: [ArgumentDefinition]) -> Result<CommandArguments, Failure> {
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            var values: [FlightValue?] = []
            var strings: [String?] = []
            values.reserveCapacity(defs.count)
            for (i, d) in defs.enumerated() {
                if case .string(let maxLength) = d.type {
                    switch FlightValue.readString(maxLength: maxLength, from: &r) {
                    case .success(let s):
                        strings.append(s)
                        values.append(nil)
                    case .failure(let e): return .failure(.malformed(argument: d.name, e))
                    }
                    continue
                }
                switch FlightValue.deserialize(d.type, from: &r) {
                case .success(let v):
                    if let range = d.range {
                        let x = v.doubleValue
                        guard x.isFinite, range.contains(x) else {
                            return .failure(.outOfRange(argument: d.name, index: i, value: x, range: range))
                        }
                    } else if case .f32(let f) = v, !f.isFinite {
                        return .failure(.outOfRange(argument: d.name, index: i, value: Double(f), range: d.type.numericBounds!))
                    } else if case .f64(let f) = v, !f.isFinite {
                        return .failure(.outOfRange(argument: d.name, index: i, value: f, range: d.type.numericBounds!))
                    }
                    values.append(v)
                    strings.append(nil)
                case .failure(.unknownEnumValue(_, let value)):
                    return .failure(.unknownEnumValue(argument: d.name, index: i, value: value))
                case .failure(let e):
                    return .failure(.malformed(argument: d.name, e))
                }
            }
            guard r.isAtEnd else { return .failure(.extraBytes(count: r.remaining)) }
            return .success(CommandArguments(definitions: defs, values: values, strings: strings))
        }
    }

    /// Serialises values as a command's argument bytes (what ground tools and sequences send).
    /// Strings are given as `.string`; every other argument as a FlightValue.
    public static func encode(_ values: [ArgumentValue], as defs: [ArgumentDefinition]) -> [UInt8]? {
        guard values.count == defs.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { raw -> Int? in
            var w = ByteWriter(raw)
            for (v, d) in zip(values, defs) {
                switch (v, d.type) {
                case (.string(let s), .string): w.write(string: s)
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

/// An argument value for encoding: a FlightValue or a string.
public enum ArgumentValue: Sendable, Hashable {
    case value(FlightValue)
    case string(String)
}

/// One command, as the owning component receives it.
public struct CommandInvocation: Sendable {
    /// The component-local opcode.
    public let localOpcode: UInt32
    public let opcode: Opcode
    public let sequence: UInt32
    public let source: CommandSource
    public let arguments: CommandArguments
    public let time: FlightTime
}
