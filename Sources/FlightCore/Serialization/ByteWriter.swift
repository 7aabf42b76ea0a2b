/// Appends big-endian (network order) values into a caller-owned, fixed-capacity buffer.
///
/// F Prime serialises every primitive big-endian, and so do CCSDS headers; this is the one
/// place Regolith does it. A write that does not fit is refused (``overflowed`` becomes true
/// and the buffer is left as it was before that write), so a writer can never run past memory
/// it was given. It never allocates.
public struct ByteWriter: ~Copyable {
    @usableFromInline let base: UnsafeMutableRawBufferPointer
    @usableFromInline var _count: Int = 0
    @usableFromInline var _overflowed = false

    /// Bytes written so far.
    @inlinable public var count: Int { _count }
    /// True once any write did not fit; everything after that is refused too.
    @inlinable public var overflowed: Bool { _overflowed }

    /// Writes into `buffer`, starting at its first byte.
    @inlinable public init(_ buffer: UnsafeMutableRawBufferPointer) { self.base = buffer }

    @inlinable public var capacity: Int { base.count }
    @inlinable public var remaining: Int { base.count - _count }

    @inlinable
    mutating func reserve(_ n: Int) -> Int? {
        guard !_overflowed, n <= base.count - _count else {
            _overflowed = true
            return nil
        }
        let at = _count
        _count += n
        return at
    }

    @inlinable
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        guard let at = reserve(MemoryLayout<T>.size) else { return }
        base.storeBytes(of: value.bigEndian, toByteOffset: at, as: T.self)
    }

    @inlinable public mutating func write(_ value: Float) { write(value.bitPattern) }
    @inlinable public mutating func write(_ value: Double) { write(value.bitPattern) }

    /// F Prime's boolean encoding: 0xFF for true, 0x00 for false.
    @inlinable public mutating func write(_ value: Bool) { write(value ? UInt8(0xFF) : UInt8(0)) }

    @inlinable public mutating func write(bytes: UnsafeRawBufferPointer) {
        guard let at = reserve(bytes.count) else { return }
        if bytes.count > 0 { (base.baseAddress! + at).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
    }

    public mutating func write(bytes: some Collection<UInt8>) {
        guard let at = reserve(bytes.count) else { return }
        var i = at
        for b in bytes {
            base[i] = b
            i += 1
        }
    }

    /// Overwrites a big-endian value at an earlier offset (a length or CRC field filled in last).
    public mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= _count, "patch outside written bytes")
        base.storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
    }

    /// The bytes written so far.
    @inlinable public var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: base[0..<_count]) }
}
