/// A value of a ``FlightType`` that fits in a register: every scalar, booleans and enumeration
/// constants. It is what telemetry channels hold, events carry and parameters store, so the
/// tick path moves values without allocating. Strings appear only in command arguments and
/// in the dictionary; they never ride the tick path.
public enum FlightValue: Hashable, Sendable, CustomStringConvertible {
    case u8(UInt8), u16(UInt16), u32(UInt32), u64(UInt64)
    case i8(Int8), i16(Int16), i32(Int32), i64(Int64)
    case f32(Float), f64(Double)
    case bool(Bool)
    /// An enumeration constant's integer value.
    case enumeration(Int32)

    /// The value as a double, for limits, ranges and monitors (bool: 0/1).
    public var doubleValue: Double {
        switch self {
        case .u8(let v): Double(v)
        case .u16(let v): Double(v)
        case .u32(let v): Double(v)
        case .u64(let v): Double(v)
        case .i8(let v): Double(v)
        case .i16(let v): Double(v)
        case .i32(let v): Double(v)
        case .i64(let v): Double(v)
        case .f32(let v): Double(v)
        case .f64(let v): v
        case .bool(let v): v ? 1 : 0
        case .enumeration(let v): Double(v)
        }
    }

    public var isFloatingPoint: Bool {
        switch self {
        case .f32, .f64: true
        default: false
        }
    }

    /// A stable 64-bit pattern of the value, for digests and change detection.
    @inline(__always)
    public var bitPattern: UInt64 {
        switch self {
        case .u8(let v): UInt64(v)
        case .u16(let v): UInt64(v)
        case .u32(let v): UInt64(v)
        case .u64(let v): v
        case .i8(let v): UInt64(bitPattern: Int64(v))
        case .i16(let v): UInt64(bitPattern: Int64(v))
        case .i32(let v): UInt64(bitPattern: Int64(v))
        case .i64(let v): UInt64(bitPattern: v)
        case .f32(let v): UInt64(v.bitPattern)
        case .f64(let v): v.bitPattern
        case .bool(let v): v ? 1 : 0
        case .enumeration(let v): UInt64(bitPattern: Int64(v))
        }
    }

    /// A small tag distinguishing the cases, for digests.
    var tag: UInt8 {
        switch self {
        case .u8: 1
        case .u16: 2
        case .u32: 3
        case .u64: 4
        case .i8: 5
        case .i16: 6
        case .i32: 7
        case .i64: 8
        case .f32: 9
        case .f64: 10
        case .bool: 11
        case .enumeration: 12
        }
    }

    /// Whether this value is of `type` (strings are never a FlightValue).
    public func isOf(_ type: FlightType) -> Bool {
        switch (self, type) {
        case (.u8, .u8), (.u16, .u16), (.u32, .u32), (.u64, .u64), (.i8, .i8), (.i16, .i16),
            (.i32, .i32), (.i64, .i64), (.f32, .f32), (.f64, .f64), (.bool, .bool),
            (.enumeration, .enumeration):
            true
        default: false
        }
    }

    /// The zero (or false, or first constant) value of a type; nil for strings.
    public static func zero(of type: FlightType) -> FlightValue? {
        switch type {
        case .u8: .u8(0)
        case .u16: .u16(0)
        case .u32: .u32(0)
        case .u64: .u64(0)
        case .i8: .i8(0)
        case .i16: .i16(0)
        case .i32: .i32(0)
        case .i64: .i64(0)
        case .f32: .f32(0)
        case .f64: .f64(0)
        case .bool: .bool(false)
        case .enumeration(let e): .enumeration(Int32(truncatingIfNeeded: e.values.first ?? 0))
        case .string: nil
        }
    }

    public var description: String {
        switch self {
        case .u8(let v): "\(v)"
        case .u16(let v): "\(v)"
        case .u32(let v): "\(v)"
        case .u64(let v): "\(v)"
        case .i8(let v): "\(v)"
        case .i16(let v): "\(v)"
        case .i32(let v): "\(v)"
        case .i64(let v): "\(v)"
        case .f32(let v): "\(v)"
        case .f64(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .enumeration(let v): "\(v)"
        }
    }
}
