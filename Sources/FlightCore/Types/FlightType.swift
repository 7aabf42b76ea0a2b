/// The types a command argument, telemetry channel, event argument or parameter can have.
/// They are F Prime's primitive types plus enumerations and bounded strings, so a Regolith
/// dictionary maps one-to-one onto F Prime's.
public enum FlightType: Hashable, Sendable {
    case u8, u16, u32, u64
    case i8, i16, i32, i64
    case f32, f64
    case bool
    /// An enumeration, serialised as its representation type.
    case enumeration(EnumType)
    /// A string of at most `maxLength` bytes, serialised F Prime style (U16 length, then bytes).
    case string(maxLength: Int)

    /// F Prime's name for the type (`U32`, `F64`, `bool`, `string`, or the enum's qualified name).
    public var fprimeName: String {
        switch self {
        case .u8: "U8"
        case .u16: "U16"
        case .u32: "U32"
        case .u64: "U64"
        case .i8: "I8"
        case .i16: "I16"
        case .i32: "I32"
        case .i64: "I64"
        case .f32: "F32"
        case .f64: "F64"
        case .bool: "bool"
        case .enumeration(let e): e.qualifiedName
        case .string: "string"
        }
    }

    /// Bytes on the wire; nil for strings, whose size depends on the value.
    public var fixedSize: Int? {
        switch self {
        case .u8, .i8, .bool: 1
        case .u16, .i16: 2
        case .u32, .i32, .f32: 4
        case .u64, .i64, .f64: 8
        case .enumeration(let e): e.representation.fixedSize
        case .string: nil
        }
    }

    /// The full range a value of this type can hold, as doubles (nil for bool, string, enum).
    public var numericBounds: ClosedRange<Double>? {
        switch self {
        case .u8: 0...Double(UInt8.max)
        case .u16: 0...Double(UInt16.max)
        case .u32: 0...Double(UInt32.max)
        case .u64: 0...Double(UInt64.max)
        case .i8: Double(Int8.min)...Double(Int8.max)
        case .i16: Double(Int16.min)...Double(Int16.max)
        case .i32: Double(Int32.min)...Double(Int32.max)
        case .i64: Double(Int64.min)...Double(Int64.max)
        case .f32: -Double(Float.greatestFiniteMagnitude)...Double(Float.greatestFiniteMagnitude)
        case .f64: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
        case .bool, .enumeration, .string: nil
        }
    }

    public var isNumeric: Bool { numericBounds != nil }
}

/// An enumeration type: a qualified name (`Fw.CmdResponse`), its constants and how it is serialised.
public struct EnumType: Hashable, Sendable {
    public var qualifiedName: String
    public var representation: IntegerRepresentation
    public var constants: [(name: String, value: Int64)] {
        get { zip(names, values).map { ($0, $1) } }
    }
    public var names: [String]
    public var values: [Int64]
    public var defaultName: String
    public var annotation: String

    public init(
        _ qualifiedName: String, representation: IntegerRepresentation = .i32,
        constants: [(String, Int64)], default defaultName: String? = nil, annotation: String = ""
    ) {
        self.qualifiedName = qualifiedName
        self.representation = representation
        self.names = constants.map(\.0)
        self.values = constants.map(\.1)
        self.defaultName = defaultName ?? constants.first?.0 ?? ""
        self.annotation = annotation
    }

    public func name(of value: Int64) -> String? {
        values.firstIndex(of: value).map { names[$0] }
    }

    public func value(of name: String) -> Int64? {
        names.firstIndex(of: name).map { values[$0] }
    }

    public func contains(_ value: Int64) -> Bool { values.contains(value) }
}

/// The integer type an enumeration is serialised as.
public enum IntegerRepresentation: Hashable, Sendable {
    case u8, u16, u32, i8, i16, i32

    public var flightType: FlightType {
        switch self {
        case .u8: .u8
        case .u16: .u16
        case .u32: .u32
        case .i8: .i8
        case .i16: .i16
        case .i32: .i32
        }
    }

    public var fixedSize: Int {
        switch self {
        case .u8, .i8: 1
        case .u16, .i16: 2
        case .u32, .i32: 4
        }
    }
}
