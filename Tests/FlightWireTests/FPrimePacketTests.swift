import FlightCore
import FlightWire
import Testing

@Suite struct FPrimePacketTests {
    /// Known answer, laid out by hand from fprime-gds's ChEncoder: descriptor 0001, id
    /// 0000002A, time (base 0002, context 07, seconds 00000064, microseconds 000000C8), value.
    @Test func telemetryKnownAnswerAndRoundTrip() throws {
        var out = [UInt8](repeating: 0, count: 64)
        let value: [UInt8] = [0x3F, 0x80, 0x00, 0x00]  // F32 1.0
        let time = FlightTime(base: .workstation, context: 7, seconds: 100, microseconds: 200)
        let n = try out.withUnsafeMutableBytes { o in
            try value.withUnsafeBytes { try FPrimePacket.telemetry(channel: ChannelID(42), time: time, value: $0).encode(into: o) }
        }
        #expect(Array(out[0..<n]) == hex("0001 0000002A 0002 07 00000064 000000C8 3F800000"))
        try out.withUnsafeBytes { raw in
            guard case .telemetry(let id, let t, let v) = try FPrimePacket.decode(UnsafeRawBufferPointer(rebasing: raw[0..<n]))
            else { Issue.record("not telemetry"); return }
            #expect(id == ChannelID(42) && t == time && Array(v) == value)
        }
    }

    @Test func commandInsideASpacePacketUsesAPIDZeroAndTelecommandType() throws {
        var out = [UInt8](repeating: 0, count: 64)
        var seq = SpacePacketSequencer()
        let n = try out.withUnsafeMutableBytes { o in
            try [UInt8]([1, 2]).withUnsafeBytes {
                try FPrimePacket.command(opcode: Opcode(0x0101), arguments: $0).encodeSpacePacket(sequencer: &seq, into: o)
            }
        }
        #expect(Array(out[0..<n]) == hex("1000 C000 0007 0000 00000101 0102"))
    }

    @Test func eventAndRejections() throws {
        #expect(throws: FPrimePacketError.truncated(needed: 2, have: 1)) { try [UInt8]([0]).withUnsafeBytes { _ = try FPrimePacket.decode($0) } }
        #expect(throws: FPrimePacketError.truncated(needed: 17, have: 12)) {
            try hex("0002 00000001 0000 00 000000").withUnsafeBytes { _ = try FPrimePacket.decode($0) }
        }
        let p = try hex("00FE ABCD").withUnsafeBytes { raw -> UInt16 in
            guard case .other(let d, let body) = try FPrimePacket.decode(raw) else { return 0 }
            #expect(Array(body) == [0xAB, 0xCD])
            return d.rawValue
        }
        #expect(p == 0xFE)
        var small = [UInt8](repeating: 0, count: 5)
        #expect(throws: FPrimePacketError.outputTooSmall) {
            try small.withUnsafeMutableBytes { o in
                try [UInt8]().withUnsafeBytes { _ = try FPrimePacket.command(opcode: Opcode(1), arguments: $0).encode(into: o) }
            }
        }
    }
}
