public import FlightCore

/// The type of a sequence variable or parameter, with its code in compiled sequences.
public enum ScalarType: UInt8, Sendable, CaseIterable {
    case u8 = 1, u16, u32, u64, i8, i16, i32, i64, f32, f64, bool

    public init?(name: String) {
        switch name {
        case "U8": self = .u8
        case "U16": self = .u16
        case "U32": self = .u32
        case "U64": self = .u64
        case "I8": self = .i8
        case "I16": self = .i16
        case "I32": self = .i32
        case "I64": self = .i64
        case "F32": self = .f32
        case "F64": self = .f64
        case "bool": self = .bool
        default: return nil
        }
    }

    public var name: String { flightType.fprimeName }

    public var flightType: FlightType {
        switch self {
        case .u8: .u8
        case .u16: .u16
        case .u32: .u32
        case .u64: .u64
        case .i8: .i8
        case .i16: .i16
        case .i32: .i32
        case .i64: .i64
        case .f32: .f32
        case .f64: .f64
        case .bool: .bool
        }
    }

    public var isInteger: Bool { self != .f32 && self != .f64 && self != .bool }

    /// The values a variable of this type holds (as doubles; bool 0...1).
    public var bounds: ClosedRange<Double> { flightType.numericBounds ?? 0...1 }

    /// `v` stored in this type: integers truncated toward zero, F32 rounded to single
    /// precision, bool as 0 or 1; nil when it does not fit (or is not finite).
    @inline(__always)
    public func store(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        switch self {
        case .bool: return v != 0 ? 1 : 0
        case .f64: return v
        case .f32:
            let f = Float(v)
            return f.isFinite ? Double(f) : nil
        default:
            let t = v.rounded(.towardZero)
            return bounds.contains(t) ? t : nil
        }
    }
}

/// A checked sequence: every name resolved to an opcode, channel id or variable slot, every
/// value typed; what the compiler turns into bytes. Routine 0 is the sequence itself; the
/// others are the sequences it calls (directly or not), each once.
public struct Program: Sendable {
    public var routines: [Routine]
    public var dictionaryHash: UInt32
}

public struct Routine: Sendable {
    public struct Variable: Sendable, Hashable {
        public var name: String
        public var type: ScalarType
        public var initial: Double
        public var isParameter: Bool
        public var hasDefault: Bool
        /// A loop counter the compiler added (no name in the script).
        public var hidden: Bool
        public var line: Int
    }

    public var name: String
    public var nameLine: Int
    public var variables: [Variable]
    public var body: [Node]
    public var abortBlock: [Node]?
    public var abortLine: Int
    public var abortEndLine: Int
}

/// A constant's spelling, so the decompiler writes it back as it was meant.
public enum ConstantKind: UInt8, Sendable, Hashable {
    case integer = 1, float, boolean, enumeration
}

/// A checked expression.
public indirect enum ResolvedExpression: Sendable, Hashable {
    case constant(Double, ConstantKind)
    case variable(Int)
    case channel(ChannelID)
    case unary(UnaryOperator, ResolvedExpression)
    case binary(BinaryOperator, ResolvedExpression, ResolvedExpression)

    /// Values on the evaluation stack at its deepest.
    var stackDepth: Int {
        switch self {
        case .constant, .variable, .channel: 1
        case .unary(_, let e): e.stackDepth
        case .binary(_, let a, let b): max(a.stackDepth, b.stackDepth + 1)
        }
    }
}

/// A command's argument bytes with the places variables are written into at run time.
public struct CommandPatch: Sendable, Hashable {
    public var offset: Int
    public var variable: Int
    public var type: FlightType
}

public enum TimeTagKind: Sendable, Hashable {
    case after(nanoseconds: Int64)
    case missionElapsed(nanoseconds: Int64)
    case utc(microseconds: Int64)
}

/// A checked statement.
public indirect enum Node: Sendable {
    case timeTag(TimeTagKind, line: Int)
    case command(opcode: Opcode, arguments: [UInt8], patches: [CommandPatch], line: Int)
    case wait(nanoseconds: Int64, line: Int)
    case waitUntil(ResolvedExpression, timeout: Int64, otherwise: WaitTimeoutAction, line: Int)
    case set(variable: Int, ResolvedExpression, line: Int)
    case conditional(branches: [(condition: ResolvedExpression, body: [Node], line: Int)], elseBody: [Node]?, elseLine: Int, endLine: Int)
    case repeatLoop(count: UInt32, counter: Int, body: [Node], line: Int, endLine: Int)
    case whileLoop(ResolvedExpression, max: UInt32, counter: Int, body: [Node], line: Int, endLine: Int)
    case call(routine: Int, arguments: [(parameter: Int, value: ResolvedExpression)], line: Int)
    case abort(line: Int)
}
