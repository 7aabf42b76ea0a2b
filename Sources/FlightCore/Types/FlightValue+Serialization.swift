/// F Prime's serialisation of values: big-endian, bool as 0xFF/0x00, enums as their
/// representation type, strings as a U16 length then the bytes.

/// Why a value could not be read from bytes.
public enum ValueDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Fewer bytes were left than the type needs.
    case truncated(type: String, needed: Int, remaining: Int)
    /// A bool byte other than 0x00 or 0xFF.
    case invalidBool(UInt8)
    /// An enum value that is not one of the enumeration's constants.
    case unknownEnumValue(type: String, value: Int64)
    /// A string longer than the type allows.
    case stringTooLong(length: Int, maxLength: Int)
    /// A string whose bytes are not UTF-8.
    case invalidUTF8

    public var description: String {
        switch self {
        case .truncated(let t, let n, let r): "\(t) needs \(n) bytes but only \(r) remain"
        case .invalidBool(let b): "bool byte 0x\(hex(UInt32(b))) is neither 0x00 nor 0xFF"
        case .unknownEnumValue(let t, let v): "\(v) is not a constant of enum \(t)"
        case .stringTooLong(let l, let m): "string of \(l) bytes exceeds its maximum of \(m)"
        case .invalidUTF8: "string is not valid UTF-8"
        }
    }
}

extension FlightValue {
    /// Serialises the value, F Prime style.
    public func serialize(into w: inout ByteWriter) {
        switch self {
        case .u8(let v): w.write(v)
        case .u16(let v): w.write(v)
        case .u32(let v): w.write(v)
        case .u64(let v): w.write(v)
        case .i8(let v): w.write(v)
        case .i16(let v): w.write(v)
        case .i32(let v): w.write(v)
        case .i64(let v): w.write(v)
        case .f32(let v): w.write(v)
        case .f64(let v): w.write(v)
        case .bool(let v): w.write(v)
        case .enumeration(let v): w.write(v)
        }
    }

    /// Serialises an enumeration value in `type`'s representation (other values as themselves).
    public func serialize(as type: FlightType, into w: inout ByteWriter) {
        guard case .enumeration(let e) = type, case .enumeration(let v) = self else {
            serialize(into: &w)
            return
        }
        switch e.representation {
        case .u8: w.write(UInt8(truncatingIfNeeded: v))
        case .u16: w.write(UInt16(truncatingIfNeeded: v))
        case .u32: w.write(UInt32(truncatingIfNeeded: v))
        case .i8: w.write(Int8(truncatingIfNeeded: v))
        case .i16: w.write(Int16(truncatingIfNeeded: v))
        case .i32: w.write(v)
        }
    }

    /// Reads one value of `type` (not a string) from `r`.
    public static func deserialize(
        _ type: FlightType, from r: inout ByteReader
    ) -> Result<FlightValue, ValueDecodingError> {
        let need = type.fixedSize ?? 2
        guard r.remaining >= need else {
            return .failure(.truncated(type: type.fprimeName, needed: need, remaining: r.remaining))
        }
        switch type {
        case .u8: return .success(.u8(r.read()!))
        case .u16: return .success(.u16(r.read()!))
        case .u32: return .success(.u32(r.read()!))
        case .u64: return .success(.u64(r.read()!))
        case .i8: return .success(.i8(r.read()!))
        case .i16: return .success(.i16(r.read()!))
        case .i32: return .success(.i32(r.read()!))
        case .i64: return .success(.i64(r.read()!))
        case .f32: return .success(.f32(r.readFloat()!))
        case .f64: return .success(.f64(r.readDouble()!))
        case .bool:
            let raw: UInt8 = r.read()!
            switch raw {
            case 0xFF: return .success(.bool(true))
            case 0x00: return .success(.bool(false))
            default: return .failure(.invalidBool(raw))
            }
        case .enumeration(let e):
            let v: Int64
            switch e.representation {
            case .u8: v = Int64(r.read(UInt8.self)!)
            case .u16: v = Int64(r.read(UInt16.self)!)
            case .u32: v = Int64(r.read(UInt32.self)!)
            case .i8: v = Int64(r.read(Int8.self)!)
            case .i16: v = Int64(r.read(Int16.self)!)
            case .i32: v = Int64(r.read(Int32.self)!)
            }
            guard e.contains(v), let v32 = Int32(exactly: v) else {
                return .failure(.unknownEnumValue(type: e.qualifiedName, value: v))
            }
            return .success(.enumeration(v32))
        case .string:
            preconditionFailure("strings are read with readString")
        }
    }

    /// Reads an F Prime string (U16 length, then UTF-8 bytes) of at most `maxLength` bytes.
    public static func readString(maxLength: Int, from r: inout ByteReader) -> Result<String, ValueDecodingError> {
        guard let len = r.read(UInt16.self) else {
            return .failure(.truncated(type: "string length", needed: 2, remaining: r.remaining))
        }
        guard Int(len) <= maxLength else { return .failure(.stringTooLong(length: Int(len), maxLength: maxLength)) }
        guard let bytes = r.readBytes(Int(len)) else {
            return .failure(.truncated(type: "string", needed: Int(len), remaining: r.remaining))
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { return .failure(.invalidUTF8) }
        return .success(s)
    }
}

extension ByteWriter {
    /// Writes an F Prime string: U16 length, then UTF-8 bytes.
    public mutating func write(string: String) {
        let utf8 = string.utf8
        write(UInt16(truncatingIfNeeded: utf8.count))
        write(bytes: utf8)
    }
}
