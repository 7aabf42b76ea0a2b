import FlightCore
import Testing

@Suite struct ChecksumTests {
    let check = Array("123456789".utf8)

    @Test func crc32cCheckValue() { #expect(CRC32C.checksum(check) == 0xE306_9283) }
    @Test func crc16CheckValue() { #expect(CRC16CCITT.checksum(check) == 0x29B1) }

    @Test func crc32cStreamsInPieces() {
        var c = CRC32C()
        c.update(check[0..<4])
        c.update(check[4...])
        #expect(c.value == CRC32C.checksum(check))
    }
}
