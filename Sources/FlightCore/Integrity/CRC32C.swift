/// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF.
/// Check value: "123456789" gives 0xE3069283.
///
/// Used for parameter files, compiled sequences and device frames. It lives in FlightCore,
/// the lowest layer, because files written by the core need it; FlightWire uses it from here.
///
/// Slicing-by-8: eight 256-entry tables let the loop fold eight bytes per step with
/// independent lookups (about 4.5x the byte-at-a-time table on the development machine, see
/// docs/performance.md). Never allocates; the tables are built once, on first use.
public struct CRC32C: Sendable {
    public private(set) var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        state = crc32cSlicing8(state, bytes)
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done != nil { return }
        var c = state
        crc32cTables.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        state = c
    }

    public var value: UInt32 { state ^ 0xFFFF_FFFF }

    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = CRC32C()
        c.update(bytes)
        return c.value
    }

    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var c = CRC32C()
        c.update(bytes)
        return c.value
    }
}

@inline(__always)
func crc32cSlicing8(_ start: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    crc32cTables.withUnsafeBufferPointer { t in
        var c = start
        var i = 0
        let n = bytes.count
        while n - i >= 8 {
            let lo = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ c
            let hi = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
            c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
            i += 8
        }
        while i < n {
            c = t[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
            i += 1
        }
        return c
    }
}

/// Table k, entry b: the CRC register after byte b followed by k zero bytes (slicing-by-8).
let crc32cTables: [UInt32] = {
    var t = [UInt32](repeating: 0, count: 8 * 256)
    for i in 0..<256 {
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        t[i] = c
    }
    for k in 1..<8 {
        for i in 0..<256 {
            let p = t[(k - 1) * 256 + i]
            t[k * 256 + i] = (p >> 8) ^ t[Int(p & 0xFF)]
        }
    }
    return t
}()
