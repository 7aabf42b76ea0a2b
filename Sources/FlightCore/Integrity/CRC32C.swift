/// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF.
/// Check value: "123456789" gives 0xE3069283.
///
/// Used for parameter files, compiled sequences and device frames. It lives in FlightCore,
/// the lowest layer, because files written by the core need it; FlightWire uses it from here.
public struct CRC32C: Sendable {
    public private(set) var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var c = state
        for b in bytes {
            c = crc32cTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8)
        }
        state = c
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        var c = state
        for b in bytes {
            c = crc32cTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8)
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

let crc32cTable: [UInt32] = (0..<256).map { (i: Int) -> UInt32 in
    var c = UInt32(i)
    for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
    return c
}
