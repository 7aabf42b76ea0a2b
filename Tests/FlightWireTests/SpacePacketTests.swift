import FlightCore
import FlightWire
import Testing

@Suite struct SpacePacketTests {
    /// Known answer: TM, no secondary header, APID 0x123, unsegmented, count 5, 3 data bytes.
    @Test func encodesKnownHeader() throws {
        var out = [UInt8](repeating: 0, count: 16)
        let n = try out.withUnsafeMutableBytes { o in
            try [UInt8]([0xAA, 0xBB, 0xCC]).withUnsafeBytes { d in
                try SpacePacket.encode(type: .telemetry, apid: 0x123, sequenceCount: 5, dataField: d, into: o)
            }
        }
        #expect(Array(out[0..<n]) == hex("0123 C005 0002 AABBCC"))
    }

    @Test func decodesTelecommandWithSecondaryHeader() throws {
        let bytes = hex("1FFF 7FFF 0000 42")
        let p = try bytes.withUnsafeBytes { try SpacePacket.decode($0, exact: true) }
        #expect(p.header.type == .telecommand)
        #expect(p.header.hasSecondaryHeader)
        #expect(p.header.apid == 0x7FF)
        #expect(p.header.isIdle)
        #expect(p.header.sequenceFlags == .first)
        #expect(p.header.sequenceCount == 0x3FFF)
        #expect(p.header.dataLength == 1)
    }

    @Test func roundTripsRandomHeadersAndPayloads() throws {
        var rng = SeededRandom(seed: 1)
        var out = [UInt8](repeating: 0, count: 70_000)
        for _ in 0..<3000 {
            let len = Int(rng.next() % 300) + 1
            let payload = rng.bytes(len)
            let header = try SpacePacketHeader(
                type: rng.next() & 1 == 0 ? .telemetry : .telecommand, hasSecondaryHeader: rng.next() & 1 == 0,
                apid: UInt16(rng.next() % 2048),
                sequenceFlags: SpacePacketHeader.SequenceFlags(rawValue: UInt8(rng.next() % 4)) ?? .unsegmented,
                sequenceCount: UInt16(rng.next() % 16384), dataLength: len)
            let n = try out.withUnsafeMutableBytes { o in
                try payload.withUnsafeBytes { try SpacePacket.encode(header: header, dataField: $0, into: o) }
            }
            #expect(n == len + 6)
            try out.withUnsafeBytes { o in
                let p = try SpacePacket.decode(UnsafeRawBufferPointer(rebasing: o[0..<n]), exact: true)
                #expect(p.header == header)
                #expect(Array(p.dataField) == payload)
            }
        }
    }

    @Test func rejectsWithSpecificReasons() {
        #expect(throws: SpacePacketError.truncated(needed: 6, have: 3)) {
            try hex("000000").withUnsafeBytes { _ = try SpacePacket.decode($0) }
        }
        #expect(throws: SpacePacketError.unsupportedVersion(1)) {
            try hex("200000000000 00").withUnsafeBytes { _ = try SpacePacket.decode($0) }
        }
        #expect(throws: SpacePacketError.truncated(needed: 9, have: 7)) {
            try hex("000000000002 00").withUnsafeBytes { _ = try SpacePacket.decode($0) }
        }
        #expect(throws: SpacePacketError.trailingBytes(1)) {
            try hex("000000000000 0011").withUnsafeBytes { _ = try SpacePacket.decode($0, exact: true) }
        }
        #expect(throws: SpacePacketError.apidOutOfRange(0x800)) {
            _ = try SpacePacketHeader(type: .telemetry, apid: 0x800, sequenceCount: 0, dataLength: 1)
        }
        #expect(throws: SpacePacketError.sequenceCountOutOfRange(0x4000)) {
            _ = try SpacePacketHeader(type: .telemetry, apid: 1, sequenceCount: 0x4000, dataLength: 1)
        }
        #expect(throws: SpacePacketError.dataFieldLength(0)) {
            _ = try SpacePacketHeader(type: .telemetry, apid: 1, sequenceCount: 0, dataLength: 0)
        }
    }

    @Test func sequencerCountsEachAPIDAndWrapsAt14Bits() {
        var s = SpacePacketSequencer()
        #expect(s.next(for: 1) == 0)
        #expect(s.next(for: 1) == 1)
        #expect(s.next(for: 2) == 0)
        for _ in 0..<(16384 - 2) { _ = s.next(for: 1) }
        #expect(s.peek(1) == 0)
    }
}
