/// Reads big-endian values from bytes that came from outside, never past their end.
///
/// Every read returns nil when the bytes run out, and the reader remembers that it
/// ran short (``truncated``), so a decoder can read a whole record and check once. It never
/// traps on hostile input and never allocates.
public struct ByteReader {
    public let bytes: UnsafeRawBufferPointer
    @usableFromInline var _offset: Int = 0
    @usableFromInline var _truncated = false

    /// Offset of the next byte to read.
    @inlinable public var offset: Int { _offset }
    /// True once any read asked for more bytes than were left.
    @inlinable public var truncated: Bool { _truncated }

    @inlinable public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    @inlinable public var remaining: Int { bytes.count - _offset }
    @inlinable public var isAtEnd: Bool { _offset == bytes.count }

    @inlinable
    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        let n = MemoryLayout<T>.size
        guard n <= bytes.count - _offset else {
            _truncated = true
            return nil
        }
        let v = bytes.loadUnaligned(fromByteOffset: _offset, as: T.self)
        _offset += n
        return T(bigEndian: v)
    }

    @inlinable public mutating func readFloat() -> Float? { read(UInt32.self).map(Float.init(bitPattern:)) }
    @inlinable public mutating func readDouble() -> Double? { read(UInt64.self).map(Double.init(bitPattern:)) }

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
    @inlinable
    public mutating func readBytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, count <= bytes.count - _offset else {
            _truncated = true
            return nil
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[_offset..<(_offset + count)])
        _offset += count
        return slice
    }

    public mutating func skip(_ count: Int) -> Bool { readBytes(count) != nil }
}
