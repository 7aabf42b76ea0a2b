import FlightCore
import Testing

/// Bit-at-a-time references, written straight from the CRC definitions, to check the
/// slicing-by-8 implementations against on every length and alignment.
func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        c ^= UInt32(b)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
    }
    return c ^ 0xFFFF_FFFF
}

func referenceCRC16(_ bytes: [UInt8]) -> UInt16 {
    var c: UInt16 = 0xFFFF
    for b in bytes {
        c ^= UInt16(b) << 8
        for _ in 0..<8 { c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1 }
    }
    return c
}

@Suite struct ChecksumTests {
    let check = Array("123456789".utf8)

    @Test func crc32cCheckValue() { #expect(CRC32C.checksum(check) == 0xE306_9283) }
    @Test func crc16CheckValue() { #expect(CRC16CCITT.checksum(check) == 0x29B1) }

    @Test func emptyInputGivesInitialValues() {
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC16CCITT.checksum([UInt8]()) == 0xFFFF)
    }

    /// Known answers from the CRC catalogue (iSCSI test vectors, RFC 3720 B.4).
    @Test func crc32cRFC3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    @Test func crc32cStreamsInPieces() {
        var c = CRC32C()
        c.update(check[0..<4])
        c.update(check[4...])
        #expect(c.value == CRC32C.checksum(check))
    }

    @Test func slicingMatchesBitwiseReferenceOnEveryLengthAndSplit() {
        var rng = SplitMix64(seed: 0xC0FFEE)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(CRC32C.checksum(bytes) == referenceCRC32C(bytes))
            #expect(CRC16CCITT.checksum(bytes) == referenceCRC16(bytes))
            let split = length == 0 ? 0 : Int(rng.next() % UInt64(length))
            var a = CRC32C(), b = CRC16CCITT()
            bytes.withUnsafeBytes { raw in
                a.update(UnsafeRawBufferPointer(rebasing: raw[0..<split]))
                b.update(UnsafeRawBufferPointer(rebasing: raw[0..<split]))
            }
            a.update(bytes[split...].lazy.map { $0 })  // the non-contiguous path
            b.update(bytes[split...].lazy.map { $0 })
            #expect(a.value == referenceCRC32C(bytes))
            #expect(b.value == referenceCRC16(bytes))
        }
    }
}
