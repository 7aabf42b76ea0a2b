import FlightCore
import FlightWire
import Testing

@Suite struct TransferFrameTests {
    /// Known answer computed by hand from fprime-gds 4.4.1's `SpaceDataLinkFramerDeframer.frame`
    /// for scid 0x44, vcid 1 and the 7-byte packet 1000 0000 0000 AA: header 2044 040D 00, CRC.
    @Test func tcFrameMatchesFprimeGdsLayout() throws {
        let packet = hex("1000 0000 0000 AA")
        var out = [UInt8](repeating: 0, count: 64)
        let n = try out.withUnsafeMutableBytes { o in
            try packet.withUnsafeBytes { try TCFrame(spacecraftID: 0x44, virtualChannelID: 1, dataField: $0).encode(into: o) }
        }
        #expect(n == 14)
        #expect(Array(out[0..<5]) == hex("2044 040D 00"))
        let crc = CRC16CCITT.checksum(out[0..<12])
        #expect(out[12] == UInt8(crc >> 8) && out[13] == UInt8(crc & 0xFF))
        let f = try out.withUnsafeBytes { try TCFrame.decode(UnsafeRawBufferPointer(rebasing: $0[0..<n]), spacecraftID: 0x44) }
        #expect(f.bypass && !f.controlCommand && f.virtualChannelID == 1 && f.sequence == 0)
        #expect(Array(f.dataField) == packet)
    }

    @Test func tcFrameRejectsCorruption() throws {
        var bytes = [UInt8](repeating: 0, count: 32)
        let n = try bytes.withUnsafeMutableBytes { o in
            try hex("0001 C000 0000 55").withUnsafeBytes {
                try TCFrame(spacecraftID: 0x44, virtualChannelID: 1, dataField: $0).encode(into: o)
            }
        }
        var bad = Array(bytes[0..<n])
        bad[7] ^= 0x10
        #expect(throws: TransferFrameError.self) { try bad.withUnsafeBytes { _ = try TCFrame.decode($0) } }
        #expect(throws: TransferFrameError.spacecraftIDMismatch(expected: 0x45, got: 0x44)) {
            try bytes.withUnsafeBytes { _ = try TCFrame.decode(UnsafeRawBufferPointer(rebasing: $0[0..<n]), spacecraftID: 0x45) }
        }
        #expect(throws: TransferFrameError.truncated(needed: 14, have: 10)) {
            try bytes.withUnsafeBytes { _ = try TCFrame.decode(UnsafeRawBufferPointer(rebasing: $0[0..<10])) }
        }
    }

    /// Packets of every size laid across 64-byte frames come back whole and in order.
    @Test func tmFramerAndReassemblerRoundTrip() throws {
        let config = DataLinkConfiguration(spacecraftID: 0x44, virtualChannelID: 1, tmFrameSize: 64)
        var framer = try TMFramer(configuration: config)
        var reassembler = TMPacketReassembler()
        var rng = SeededRandom(seed: 7)
        var sent: [[UInt8]] = []
        var got: [[UInt8]] = []
        var frames: [[UInt8]] = []
        var seq = SpacePacketSequencer()
        for i in 0..<400 {
            let payload = rng.bytes(Int(rng.next() % 200) + 1)
            var packet = [UInt8](repeating: 0, count: payload.count + 6)
            _ = try packet.withUnsafeMutableBytes { o in
                try payload.withUnsafeBytes {
                    try SpacePacket.encode(type: .telemetry, apid: 1, sequenceCount: seq.next(for: 1), dataField: $0, into: o)
                }
            }
            sent.append(packet)
            packet.withUnsafeBytes { framer.append(packet: $0) { frames.append(Array($0)) } }
            if i % 7 == 0 { framer.flush { frames.append(Array($0)) } }
        }
        framer.flush { frames.append(Array($0)) }
        for f in frames {
            #expect(f.count == 64)
            let frame = try f.withUnsafeBytes { try TMFrame.decode($0, frameSize: 64, spacecraftID: 0x44, virtualChannelID: 1) }
            reassembler.accept(frame) { p in
                var whole = [UInt8](repeating: 0, count: p.header.packetLength)
                whole.withUnsafeMutableBytes { o in _ = try? SpacePacket.encode(header: p.header, dataField: p.dataField, into: o) }
                got.append(whole)
            }
        }
        #expect(got == sent)
        #expect(reassembler.counts.frameGaps == 0 && reassembler.counts.malformedPackets == 0)
    }

    @Test func tmReassemblerResynchronisesAfterLostFrame() throws {
        let config = DataLinkConfiguration(spacecraftID: 0x44, virtualChannelID: 1, tmFrameSize: 40)
        var framer = try TMFramer(configuration: config)
        var frames: [[UInt8]] = []
        for i in 0..<20 {
            let packet = [UInt8]([0x08, 0x01, 0xC0, UInt8(i), 0x00, 0x13]) + [UInt8](repeating: UInt8(i), count: 20)
            packet.withUnsafeBytes { framer.append(packet: $0) { frames.append(Array($0)) } }
        }
        framer.flush { frames.append(Array($0)) }
        frames.remove(at: 3)
        var r = TMPacketReassembler()
        var counts: [UInt8] = []
        for f in frames {
            let frame = try f.withUnsafeBytes { try TMFrame.decode($0, frameSize: 40) }
            r.accept(frame) { counts.append(UInt8($0.header.sequenceCount & 0xFF)) }
        }
        #expect(r.counts.frameGaps == 1)
        #expect(r.counts.partialPacketsDropped == 1)
        // Packets wholly or partly in frame 3 are gone; every other packet is recovered.
        #expect(counts.count >= 17 && counts.count < 20)
        #expect(counts.last == 19)
        #expect(counts == counts.sorted())
    }

    @Test func tmDecodeRejectsBadCRCAndDataFieldStatus() throws {
        var frame = [UInt8](repeating: 0x55, count: 32)
        frame.replaceSubrange(0..<6, with: hex("0442 0000 1FFE"))
        let crc = CRC16CCITT.checksum(frame[0..<30])
        frame[30] = UInt8(crc >> 8); frame[31] = UInt8(crc & 0xFF)
        let ok = try frame.withUnsafeBytes { try TMFrame.decode($0, frameSize: 32) }
        #expect(ok.spacecraftID == 0x44 && ok.virtualChannelID == 1 && ok.firstHeaderPointer == 0x7FE)
        var bad = frame
        bad[10] = 0
        #expect(throws: TransferFrameError.crcMismatch(expected: UInt16(frame[30]) << 8 | UInt16(frame[31]), computed: CRC16CCITT.checksum(bad[0..<30]))) {
            try bad.withUnsafeBytes { _ = try TMFrame.decode($0, frameSize: 32) }
        }
    }
}

@Suite struct TCFrameAccumulatorTests {
    func frame(_ payload: [UInt8], scid: UInt16 = 0x44, vcid: UInt8 = 1) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: payload.count + TCFrame.overhead)
        _ = out.withUnsafeMutableBytes { o in
            payload.withUnsafeBytes { try? TCFrame(spacecraftID: scid, virtualChannelID: vcid, dataField: $0).encode(into: o) }
        }
        return out
    }

    /// Frames back to back with garbage, frames for another spacecraft and corrupted frames in
    /// between, fed in random pieces: every intact frame of ours comes out, in order.
    @Test func recoversIntactFramesFromADirtyStream() {
        var rng = SeededRandom(seed: 99)
        var stream: [UInt8] = []
        var expected: [[UInt8]] = []
        for i in 0..<500 {
            let payload = [UInt8(i >> 8), UInt8(i & 0xFF)] + rng.bytes(Int(rng.next() % 300))
            var f = frame(payload)
            switch rng.next() % 5 {
            case 0: stream += rng.bytes(Int(rng.next() % 50))  // garbage before it
            case 1: f[Int(rng.next() % UInt64(f.count))] ^= 0x04  // corrupted: must not come out
            case 2: stream += frame(payload, scid: 0x45)  // someone else's frame
            default: break
            }
            if f == frame(payload) { expected.append(payload) }
            stream += f
        }
        var acc = TCFrameAccumulator(spacecraftID: 0x44, virtualChannelID: 1)
        var got: [[UInt8]] = []
        var i = 0
        while i < stream.count {
            let n = min(Int(rng.next() % 200) + 1, stream.count - i)
            stream[i..<(i + n)].withUnsafeBytes { acc.ingest($0) { got.append(Array($0.dataField)) } }
            i += n
        }
        #expect(got == expected)
        #expect(acc.counts.frames == expected.count)
        #expect(acc.counts.bytesSkipped > 0)
        #expect(acc.counts.overflowBytes == 0)
    }
}

@Suite struct DataLinkConfigurationTests {
    @Test func dictionaryConstantsRoundTripAndFallBackLikeFprimeGds() throws {
        let c = DataLinkConfiguration(spacecraftID: 0x123, virtualChannelID: 2, tmFrameSize: 512)
        let names = c.dictionaryConstants.map(\.qualifiedName)
        #expect(names == ["ComCfg.SpacecraftId", "ComCfg.TmFrameFixedSize"])
        #expect(try DataLinkConfiguration(constants: c.dictionaryConstants, virtualChannelID: 2) == c)
        #expect(try DataLinkConfiguration(constants: []) == .fprimeDefault)
        #expect(throws: TransferFrameError.fieldOutOfRange(field: "spacecraftID", value: 0x400)) {
            _ = try DataLinkConfiguration(constants: [DictionaryConstant("ComCfg.SpacecraftId", .u16, 0x400)])
        }
        #expect(throws: TransferFrameError.frameLength(10)) {
            _ = try DataLinkConfiguration(constants: [DictionaryConstant("ComCfg.TmFrameFixedSize", .u32, 10)])
        }
    }
}
