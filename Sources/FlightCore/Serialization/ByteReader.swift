/// Reads big-endian values from bytes that came from outside, never past their end.
///
/// Every read returns nil when the bytes run out, and the reader remembers that it
/// ran short (``truncated``), so a decoder can read a whole record and check once. It never
/// traps on hostile input and never allocates.
public struct ByteReader {
    public let bytes: UnsafeRawBufferPointer
    /// Offset of the next byte to read.
    public private(set) var offset: Int = 0
    /// True once any read asked for more bytes than were left.
    public private(set) var truncated = false

    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        let n = MemoryLayout<T>.size
        guard n <= bytes.count - offset else {
            truncated = true
            return nil
        }
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += n
        return T(bigEndian: v)
    }

    public mutating func readFloat() -> Float? { read(UInt32.self).map(Float.init(bitPattern:)) }
    public mutating func readDouble() -> Double? { read(UInt64.self).map(Double.init(bitPattern:)) }

    /// F Prime's boolean: 0xFF true, 0x00 false; any other byte is malformed (nil, not truncated).
    public mutating func readBool() -> Bool?? {
        guard let b = read(UInt8.self) else { return nil }
        switch b {
        case 0xFF: return .some(true)
        case 0x00: return .some(false)
        default: return .some(nil)
        }
    }

    /// The next `count` bytes, or nil when fewer are left.
    public mutating func readBytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, count <= bytes.count - offset else {
            truncated = true
            return nil
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count
        return slice
    }

    public mutating func skip(_ count: Int) -> Bool { readBytes(count) != nil }
}
