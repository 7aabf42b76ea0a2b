/// The parameter file format (version 1). Big-endian throughout:
///
/// | field   | bytes | meaning                                         |
/// |---------|-------|-------------------------------------------------|
/// | magic   | 4     | `RGPF`                                          |
/// | version | 1     | 1                                               |
/// | flags   | 1     | 0 (any other value is refused)                  |
/// | count   | 2     | number of records                               |
/// | records | ...   | each: id U32, type tag U8, length U8, value     |
/// | crc     | 4     | CRC-32C of every byte before it                 |
public enum ParameterFile {
    public static let magic: [UInt8] = Array("RGPF".utf8)
    public static let version: UInt8 = 1
    public static let maxSize = 64 * 1024
    static let headerSize = 8
    static let recordOverhead = 6

    /// The record's type tag: FlightValue's own tag for the type (1 U8 … 10 F64, 11 bool,
    /// 12 enum).
    static func tag(of type: FlightType) -> UInt8 { FlightValue.zero(of: type)?.tag ?? 0 }

    /// The largest file `count` parameters can make.
    static func maxImageSize(records count: Int) -> Int { headerSize + count * (recordOverhead + 8) + 4 }

    /// Writes a file image into `buffer`; returns its length (nil if it does not fit).
    static func encode(into buffer: UnsafeMutableRawBufferPointer, records: (_ emit: (ParameterID, FlightType, FlightValue) -> Void) -> Void) -> Int? {
        var w = ByteWriter(buffer)
        w.write(UInt32(0x5247_5046))  // "RGPF"
        w.write(version)
        w.write(UInt8(0))
        w.write(UInt16(0))
        var count: UInt16 = 0
        records { id, type, value in
            w.write(id.rawValue)
            w.write(tag(of: type))
            w.write(UInt8(type.fixedSize ?? 0))
            value.serialize(as: type, into: &w)
            count &+= 1
        }
        guard !w.overflowed else { return nil }
        w.patch(count, at: 6)
        let crc = CRC32C.checksum(w.written)
        w.write(crc)
        return w.overflowed ? nil : w.count
    }

    public static func encode(_ records: [(ParameterID, FlightType, FlightValue)]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: maxImageSize(records: records.count))
        let n = out.withUnsafeMutableBytes { raw in
            encode(into: raw) { emit in for (id, t, v) in records { emit(id, t, v) } }
        }
        return Array(out[0..<(n ?? 0)])
    }

    /// Decodes a whole file image into its records, for tools and tests (allocates); `types`
    /// gives the type of each known parameter id. All or nothing, like ``visit``.
    public static func decode(_ bytes: [UInt8], types: (ParameterID) -> FlightType?) -> Result<[(ParameterID, FlightValue)], ParameterFileError> {
        let count = bytes.count >= 8 ? Int(bytes[6]) << 8 | Int(bytes[7]) : 0
        var index: [ParameterID: Int] = [:]
        var ids: [ParameterID] = []
        var seen = [Bool](repeating: false, count: count)
        var out: [(ParameterID, FlightValue)] = []
        let error = bytes.withUnsafeBytes { raw in
            visit(raw, slot: { id in
                guard let t = types(id) else { return nil }
                if let i = index[id] { return (i, t) }
                guard ids.count < count else { return nil }
                index[id] = ids.count
                ids.append(id)
                return (ids.count - 1, t)
            }, seen: &seen, accepts: { _, v in v.doubleValue.isFinite || !v.isFloatingPoint }) { i, v in out.append((ids[i], v)) }
        }
        if let error { return .failure(error) }
        return .success(out)
    }

    /// Checks a whole file image and then calls `body` for each record, in order. Nothing is
    /// delivered unless the whole image is valid: the records are walked twice, once to check
    /// (structure, known ids, types, duplicates, and `accepts` for each value's range), once to
    /// deliver. `slot` gives a known parameter's slot and type; `seen` must have one entry per
    /// slot. No allocation.
    static func visit(
        _ image: UnsafeRawBufferPointer, slot: (ParameterID) -> (Int, FlightType)?, seen: inout [Bool],
        accepts: (Int, FlightValue) -> Bool, _ body: (Int, FlightValue) -> Void
    ) -> ParameterFileError? {
        guard image.count <= maxSize else { return .init(.tooLarge, detail: Int64(image.count)) }
        guard image.count >= headerSize + 4 else { return .init(.truncated, detail: Int64(image.count)) }
        for i in 0..<4 where image[i] != magic[i] { return .init(.badMagic, detail: 0) }
        guard image[4] == version else { return .init(.unsupportedVersion, detail: Int64(image[4])) }
        guard image[5] == 0 else { return .init(.badFlags, detail: Int64(image[5])) }
        let body4 = UnsafeRawBufferPointer(rebasing: image[0..<(image.count - 4)])
        var tail = ByteReader(UnsafeRawBufferPointer(rebasing: image[(image.count - 4)...]))
        let stored: UInt32 = tail.read()!
        guard CRC32C.checksum(body4) == stored else { return .init(.crcMismatch, detail: Int64(stored)) }
        for i in seen.indices { seen[i] = false }
        for pass in 0..<2 {
            var r = ByteReader(body4)
            _ = r.skip(6)
            let count: UInt16 = r.read()!
            for _ in 0..<count {
                guard let raw: UInt32 = r.read(), let tag: UInt8 = r.read(), let len: UInt8 = r.read() else {
                    return .init(.truncated, detail: Int64(r.offset))
                }
                let id = ParameterID(raw)
                guard let (s, type) = slot(id) else { return .init(.unknownParameter, detail: Int64(raw)) }
                guard tag == Self.tag(of: type), Int(len) == type.fixedSize else { return .init(.typeMismatch, detail: Int64(raw)) }
                if pass == 0 {
                    guard !seen[s] else { return .init(.duplicate, detail: Int64(raw)) }
                    seen[s] = true
                }
                switch FlightValue.deserialize(type, from: &r) {
                case .success(let v):
                    if pass == 0 {
                        guard accepts(s, v) else { return .init(.outOfRange, detail: Int64(raw)) }
                    } else {
                        body(s, v)
                    }
                case .failure(.truncated): return .init(.truncated, detail: Int64(r.offset))
                case .failure: return .init(.outOfRange, detail: Int64(raw))
                }
            }
            guard r.isAtEnd else { return .init(.trailingBytes, detail: Int64(r.remaining)) }
        }
        return nil
    }
}

/// Why a parameter file was refused.
public struct ParameterFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable, CaseIterable {
        case noFile = 0, ioError, tooLarge, truncated, badMagic, unsupportedVersion, crcMismatch,
            unknownParameter, typeMismatch, duplicate, outOfRange, trailingBytes, badFlags, busy

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
        let id = "0x" + String(detail, radix: 16, uppercase: true)
        switch kind {
        case .noFile: return "no parameter file path is configured"
        case .ioError: return "the file could not be read or written: " + Platform.errorString(Int32(truncatingIfNeeded: detail))
        case .tooLarge: return "the file is larger than \(ParameterFile.maxSize) bytes"
        case .truncated: return "the file ends early (at byte \(detail))"
        case .badMagic: return "the file does not start with 'RGPF': not a Regolith parameter file"
        case .unsupportedVersion: return "file format version \(detail) is not supported (expected \(ParameterFile.version))"
        case .badFlags: return "the flags byte is \(detail); version 1 files have 0"
        case .crcMismatch: return "the CRC-32C does not match the contents: the file is corrupt"
        case .unknownParameter: return "parameter id \(id) is not in this topology"
        case .typeMismatch: return "parameter id \(id) has a different type in the file"
        case .duplicate: return "parameter id \(id) appears twice"
        case .outOfRange: return "the value of parameter id \(id) is outside its range"
        case .trailingBytes: return "\(detail) bytes follow the last record"
        case .busy: return "a parameter file operation is already in progress"
        }
    }
}
