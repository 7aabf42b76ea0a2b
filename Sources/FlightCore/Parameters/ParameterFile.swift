/// The parameter file format (version 1). Big-endian throughout:
///
/// | field   | bytes | meaning                                         |
/// |---------|-------|-------------------------------------------------|
/// | magic   | 4     | `RGPF`                                          |
/// | version | 1     | 1                                               |
/// | flags   | 1     | 0                                               |
/// | count   | 2     | number of records                               |
/// | records | ...   | each: id U32, type tag U8, length U8, value     |
/// | crc     | 4     | CRC-32C of every byte before it                 |
public enum ParameterFile {
    public static let magic: [UInt8] = Array("RGPF".utf8)
    public static let version: UInt8 = 1
    public static let maxSize = 64 * 1024

    static func tag(of type: FlightType) -> UInt8 {
        switch type {
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
        case .string: 0
        }
    }

    public static func encode(_ records: [(ParameterID, FlightType, FlightValue)]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 8 + records.count * 14 + 4)
        let n = out.withUnsafeMutableBytes { raw -> Int in
            var w = ByteWriter(raw)
            w.write(bytes: magic)
            w.write(version)
            w.write(UInt8(0))
            w.write(UInt16(records.count))
            for (id, type, value) in records {
                w.write(id.rawValue)
                w.write(tag(of: type))
                w.write(UInt8(type.fixedSize ?? 0))
                value.serialize(as: type, into: &w)
            }
            let crc = CRC32C.checksum(w.written)
            w.write(crc)
            return w.count
        }
        return Array(out[0..<n])
    }

    /// Decodes a file image; `types` gives the type of each known parameter id.
    public static func decode(_ bytes: [UInt8], types: (ParameterID) -> FlightType?) -> Result<[(ParameterID, FlightValue)], ParameterFileError> {
        guard bytes.count <= maxSize else { return .failure(.init(.tooLarge, detail: Int64(bytes.count))) }
        guard bytes.count >= 12 else { return .failure(.init(.truncated, detail: Int64(bytes.count))) }
        guard Array(bytes[0..<4]) == magic else { return .failure(.init(.badMagic, detail: 0)) }
        guard bytes[4] == version else { return .failure(.init(.unsupportedVersion, detail: Int64(bytes[4]))) }
        let body = bytes[0..<(bytes.count - 4)]
        let stored = bytes[(bytes.count - 4)...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard CRC32C.checksum(body) == stored else { return .failure(.init(.crcMismatch, detail: Int64(stored))) }
        return body.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            _ = r.skip(6)
            let count = r.read(UInt16.self)!
            var out: [(ParameterID, FlightValue)] = []
            var seen = Set<ParameterID>()
            for _ in 0..<count {
                guard let id = r.read(UInt32.self).map({ ParameterID($0) }), let tag = r.read(UInt8.self), let len = r.read(UInt8.self) else {
                    return .failure(.init(.truncated, detail: Int64(r.offset)))
                }
                guard let type = types(id) else { return .failure(.init(.unknownParameter, detail: Int64(id.rawValue))) }
                guard tag == Self.tag(of: type), Int(len) == type.fixedSize else {
                    return .failure(.init(.typeMismatch, detail: Int64(id.rawValue)))
                }
                guard seen.insert(id).inserted else { return .failure(.init(.duplicate, detail: Int64(id.rawValue))) }
                switch FlightValue.deserialize(type, from: &r) {
                case .success(let v): out.append((id, v))
                case .failure(.truncated): return .failure(.init(.truncated, detail: Int64(r.offset)))
                case .failure: return .failure(.init(.outOfRange, detail: Int64(id.rawValue)))
                }
            }
            guard r.isAtEnd else { return .failure(.init(.trailingBytes, detail: Int64(r.remaining))) }
            return .success(out)
        }
    }
}

/// Why a parameter file was refused.
public struct ParameterFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable, CaseIterable {
        case noFile = 0, ioError, tooLarge, truncated, badMagic, unsupportedVersion, crcMismatch,
            unknownParameter, typeMismatch, duplicate, outOfRange, trailingBytes

        static let enumType = EnumType(
            "Regolith.ParameterFileError", representation: .u8,
            constants: allCases.map { (String(describing: $0), Int64($0.rawValue)) })
    }

    public var kind: Kind
    /// Extra detail: an errno, a parameter id, a byte offset or count, by kind.
    public var detail: Int64

    public init(_ kind: Kind, detail: Int64) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String {
        switch kind {
        case .noFile: "no parameter file path is configured"
        case .ioError: "the file could not be read or written: " + Platform.errorString(Int32(truncatingIfNeeded: detail))
        case .tooLarge: "the file is larger than \(ParameterFile.maxSize) bytes"
        case .truncated: "the file ends early (at byte \(detail))"
        case .badMagic: "the file does not start with 'RGPF': not a Regolith parameter file"
        case .unsupportedVersion: "file format version \(detail) is not supported (expected \(ParameterFile.version))"
        case .crcMismatch: "the CRC-32C does not match the contents: the file is corrupt"
        case .unknownParameter: "parameter id 0x\(String(detail, radix: 16, uppercase: true)) is not in this topology"
        case .typeMismatch: "parameter id 0x\(String(detail, radix: 16, uppercase: true)) has a different type in the file"
        case .duplicate: "parameter id 0x\(String(detail, radix: 16, uppercase: true)) appears twice"
        case .outOfRange: "the value of parameter id 0x\(String(detail, radix: 16, uppercase: true)) is outside its range"
        case .trailingBytes: "\(detail) bytes follow the last record"
        }
    }
}
