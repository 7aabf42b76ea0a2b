/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, not reflected, no final XOR.
/// Check value: "123456789" gives 0x29B1. This is the CRC of CCSDS TC/TM frames' error control
/// field and of fprime-gds's space data link framing.
public struct CRC16CCITT: Sendable {
    public private(set) var value: UInt16 = 0xFFFF

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var c = value
        for b in bytes {
            c = (c << 8) ^ crc16Table[Int(((c >> 8) ^ UInt16(b)) & 0xFF)]
        }
        value = c
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        var c = value
        for b in bytes {
            c = (c << 8) ^ crc16Table[Int(((c >> 8) ^ UInt16(b)) & 0xFF)]
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

let crc16Table: [UInt16] = (0..<256).map { (i: Int) -> UInt16 in
    var c = UInt16(i) << 8
    for _ in 0..<8 { c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1 }
    return c
}
