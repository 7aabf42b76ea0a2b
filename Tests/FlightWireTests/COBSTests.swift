import FlightCore
import FlightWire
import Testing

func cobsEncode(_ input: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0xEE, count: COBS.maxEncodedCount(input.count))
    let n = out.withUnsafeMutableBytes { o in input.withUnsafeBytes { COBS.encode($0, into: o) } } ?? -1
    return Array(out[0..<max(n, 0)])
}

func cobsDecode(_ input: [UInt8]) -> [UInt8]? {
    var out = [UInt8](repeating: 0, count: input.count)
    guard let n = out.withUnsafeMutableBytes({ o in input.withUnsafeBytes { COBS.decode($0, into: o) } }) else { return nil }
    return Array(out[0..<n])
}

func cobsFrame(_ payload: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: COBSFrame.maxWireCount(payloadCount: payload.count))
    let n = out.withUnsafeMutableBytes { o in payload.withUnsafeBytes { COBSFrame.encode($0, into: o) } } ?? 0
    return Array(out[0..<n])
}

@Suite struct COBSTests {
    /// The examples of Cheshire & Baker's paper, as listed on Wikipedia's COBS page.
    @Test(arguments: [
        ("00", "0101"),
        ("0000", "010101"),
        ("00 11 00", "01 02 11 01"),
        ("11 22 00 33", "03 11 22 02 33"),
        ("11 22 33 44", "05 11 22 33 44"),
        ("11 00 00 00", "02 11 01 01 01"),
    ])
    func knownAnswers(raw: String, encoded: String) {
        #expect(cobsEncode(hex(raw)) == hex(encoded))
        #expect(cobsDecode(hex(encoded)) == hex(raw))
    }

    @Test func longRunsUseFullBlocks() {
        let ones = (1...254).map { UInt8($0) }
        #expect(cobsEncode(ones) == [0xFF] + ones + [0x01])
        let from0 = (0...254).map { UInt8($0) }
        #expect(cobsEncode(from0) == [0x01, 0xFF] + (1...254).map { UInt8($0) } + [0x01])
    }

    @Test func roundTripsRandomBuffers() {
        var rng = SeededRandom(seed: 3)
        for _ in 0..<2000 {
            var bytes = rng.bytes(Int(rng.next() % 1200))
            for i in bytes.indices where rng.next() % 8 == 0 { bytes[i] = 0 }
            let e = cobsEncode(bytes)
            #expect(!e.contains(0))
            #expect(e.count <= COBS.maxEncodedCount(bytes.count))
            #expect(cobsDecode(e) == bytes)
        }
    }

    @Test func decodeRejectsMalformed() {
        #expect(cobsDecode(hex("05 11 22")) == nil)  // block runs past the end
        #expect(cobsDecode(hex("03 11 00")) == nil)  // a zero inside
    }

    @Test func frameKnownAnswer() {
        // "123456789" then its CRC-32C E3069283, COBS-encoded, between delimiters.
        let f = cobsFrame(Array("123456789".utf8))
        #expect(f == [0x00, 0x0E] + Array("123456789".utf8) + [0xE3, 0x06, 0x92, 0x83, 0x00])
    }

    @Test func deframerDeliversFramesSplitAnywhere() {
        var rng = SeededRandom(seed: 11)
        let payloads = (0..<300).map { _ in rng.bytes(Int(rng.next() % 300)) }
        let stream = payloads.flatMap(cobsFrame)
        var d = COBSDeframer(maxPayload: 300)
        var got: [[UInt8]] = []
        var i = 0
        while i < stream.count {
            let n = min(Int(rng.next() % 97) + 1, stream.count - i)
            stream[i..<(i + n)].withUnsafeBytes { d.ingest($0) { got.append(Array($0)) } }
            i += n
        }
        #expect(got == payloads)
        #expect(d.counts.rejected == 0)
        #expect(d.counts.frames == 300)
    }

    @Test func deframerCountsEachReason() {
        var d = COBSDeframer(maxPayload: 8)
        var got = 0
        let bad: [UInt8] =
            [0x00] + [0x05, 0x11, 0x00]  // malformed: block runs into the delimiter
            + [0x03, 0x11, 0x22, 0x00]  // too short: 2 bytes, no room for a CRC
            + [0x06, 1, 2, 3, 4, 5, 0x00]  // CRC mismatch
            + [UInt8](repeating: 0x7F, count: 40) + [0x00]  // oversize
        bad.withUnsafeBytes { d.ingest($0) { _ in got += 1 } }
        cobsFrame([1, 2, 3]).withUnsafeBytes { d.ingest($0) { _ in got += 1 } }
        #expect(got == 1)
        #expect(d.counts.malformedEncoding == 1)
        #expect(d.counts.tooShort == 1)
        #expect(d.counts.crcMismatch == 1)
        #expect(d.counts.oversize == 1)
        #expect(d.counts.frames == 1)
    }

    /// A stream of numbered frames, half of them damaged by a bit flip, a dropped byte or
    /// inserted garbage. No frame whose content was damaged gets through; every frame left
    /// untouched is recovered, in order, whatever happened to its neighbours (its own leading
    /// and trailing delimiters bound it). A frame that lost only a delimiter may or may not be
    /// recovered, depending on its neighbours, but never altered.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func corruptionIsRejectedAndIntactFramesRecovered(seed: UInt64) {
        enum Fate { case untouched, edgeOnly, damaged }
        var rng = SeededRandom(seed: seed)
        var stream: [UInt8] = []
        var sent: [[UInt8]] = []
        var fates: [Fate] = []
        for i in 0..<3000 {
            let payload = [UInt8(i >> 8), UInt8(i & 0xFF)] + rng.bytes(Int(rng.next() % 120))
            var f = cobsFrame(payload)
            var fate = Fate.untouched
            switch rng.next() % 6 {
            case 0:  // flip one bit anywhere, delimiters included
                let at = Int(rng.next() % UInt64(f.count))
                f[at] ^= 1 << UInt8(rng.next() % 8)
                fate = .damaged
            case 1:  // drop one byte
                let at = Int(rng.next() % UInt64(f.count))
                f.remove(at: at)
                fate = at == 0 || at == f.count ? .edgeOnly : .damaged
            case 2:  // insert garbage inside the frame, or before or after it
                let garbage = rng.bytes(Int(rng.next() % 40) + 1)
                let at = Int(rng.next() % UInt64(f.count + 1))
                // Garbage just inside a delimiter that itself ends (or starts) with a zero
                // brings its own delimiter and leaves the frame's content whole.
                let outside = at == 0 || at == f.count || (at == 1 && garbage.last == 0)
                    || (at == f.count - 1 && garbage.first == 0)
                f.insert(contentsOf: garbage, at: at)
                fate = outside ? .edgeOnly : .damaged
            default:
                break
            }
            sent.append(payload)
            fates.append(fate)
            stream += f
        }
        var d = COBSDeframer(maxPayload: 200)
        var got: [Int] = []
        var altered = 0
        stream.withUnsafeBytes {
            d.ingest($0) { p in
                let n = p.count >= 2 ? Int(p[0]) << 8 | Int(p[1]) : -1
                if n >= 0, n < sent.count, Array(p) == sent[n] { got.append(n) } else { altered += 1 }
            }
        }
        let untouched = fates.indices.filter { fates[$0] == .untouched }
        let damaged = fates.indices.filter { fates[$0] == .damaged }
        let gotSet = Set(got)
        #expect(altered == 0)
        #expect(got == got.sorted())
        #expect(untouched.allSatisfy { gotSet.contains($0) })
        #expect(damaged.allSatisfy { !gotSet.contains($0) })
        #expect(damaged.count > 1000)
        #expect(d.counts.rejected >= damaged.count)
        #expect(d.counts.frames == got.count)
        #expect(d.counts.crcMismatch > 0 && d.counts.malformedEncoding > 0)
    }
}
