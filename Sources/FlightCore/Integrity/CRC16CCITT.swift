/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, not reflected, no final XOR.
/// Check value: "123456789" gives 0x29B1. This is the CRC of CCSDS TC/TM frames' error control
/// field and of fprime-gds's space data link framing.
///
/// Slicing-by-8 (MSB-first form): eight 256-entry tables fold eight bytes per step.
/// Never allocates; the tables are built once, on first use.
public struct CRC16CCITT: Sendable {
    public private(set) var value: UInt16 = 0xFFFF

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        value = crc16Slicing8(value, bytes)
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done != nil { return }
        var c = value
        crc16Tables.withUnsafeBufferPointer { t in
            for b in bytes { c = (c << 8) ^ t[Int(((c >> 8) ^ UInt16(b)) & 0xFF)] }
        }
        value = c
    }

    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        var c = CRC16CCITT()
        c.update(bytes)
        return c.value
    }

    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var c = CRC16CCITT()
        c.update(bytes)
        return c.value
    }
}

@inline(__always)
func crc16Slicing8(_ start: UInt16, _ bytes: UnsafeRawBufferPointer) -> UInt16 {
    crc16Tables.withUnsafeBufferPointer { t in
        var c = start
        var i = 0
        let n = bytes.count
        while n - i >= 8 {
            let w = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let x = UInt16(truncatingIfNeeded: w >> 48) ^ c
            c = t[7 * 256 + Int(x >> 8)] ^ t[6 * 256 + Int(x & 0xFF)]
                ^ t[5 * 256 + Int((w >> 40) & 0xFF)] ^ t[4 * 256 + Int((w >> 32) & 0xFF)]
                ^ t[3 * 256 + Int((w >> 24) & 0xFF)] ^ t[2 * 256 + Int((w >> 16) & 0xFF)]
                ^ t[1 * 256 + Int((w >> 8) & 0xFF)] ^ t[Int(w & 0xFF)]
            i += 8
        }
        while i < n {
            c = (c << 8) ^ t[Int(((c >> 8) ^ UInt16(bytes[i])) & 0xFF)]
            i += 1
        }
        return c
    }
}

/// Table k, entry b: the CRC register of byte b followed by k zero bytes (slicing-by-8).
let crc16Tables: [UInt16] = {
    var t = [UInt16](repeating: 0, count: 8 * 256)
    for i in 0..<256 {
        var c = UInt16(i) << 8
        for _ in 0..<8 { c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1 }
        t[i] = c
    }
    for k in 1..<8 {
        for i in 0..<256 {
            let p = t[(k - 1) * 256 + i]
            t[k * 256 + i] = (p << 8) ^ t[Int(p >> 8)]
        }
    }
    return t
}()
