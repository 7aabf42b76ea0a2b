import FlightHAL
import FlightWire
import Testing

private func encoded(_ frame: CANFrame, timestamp: UInt16? = nil) -> String {
    withUnsafeTemporaryAllocation(byteCount: SLCAN.maxLineLength + 1, alignment: 1) { out in
        guard let n = SLCANCodec.encode(frame, timestamp: timestamp, into: out) else { return "nil" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: out[0..<n]), as: UTF8.self)
    }
}

private func reply(_ text: String) -> Result<SLCANReply, SLCANDecodeError> {
    Array(text.utf8).withUnsafeBytes { SLCANCodec.decodeReply($0) }
}

private func command(_ text: String) -> Result<SLCANCommand, SLCANDecodeError> {
    Array(text.utf8).withUnsafeBytes { SLCANCodec.decodeCommand($0) }
}

@Suite struct SLCANCodecTests {
    @Test func framesEncodeAsTheLinuxDriverWritesThem() throws {
        // The examples of drivers/net/can/slcan/slcan-core.c.
        #expect(encoded(try CANFrame(id: .standard(0x123), data: [])) == "t1230\r")
        #expect(encoded(try CANFrame(id: .standard(0x456), data: [0x11, 0x22, 0x33])) == "t4563112233\r")
        #expect(encoded(try CANFrame(id: .extended(0x12AB_CDEF), data: [0xAA, 0x55])) == "T12ABCDEF2AA55\r")
        #expect(encoded(try .remote(id: .standard(0x123), length: 0)) == "r1230\r")
        #expect(encoded(try .remote(id: .extended(0x1F), length: 8)) == "R0000001F8\r")
        #expect(encoded(try CANFrame(id: .standard(0x7FF), data: [0xDE, 0xAD]), timestamp: 0xEA5F) == "t7FF2DEADEA5F\r")
        #expect(encoded(try CANFrame(id: .standard(0x10), data: [UInt8](repeating: 0xAB, count: 12), fd: true))
            == "d0109" + String(repeating: "AB", count: 12) + "\r")
        #expect(encoded(try CANFrame(id: .extended(0x10), data: [1], fd: true, bitRateSwitch: true)) == "B00000010101\r")
        var error = try CANFrame(id: .standard(1), data: [])
        error.isError = true
        #expect(encoded(error) == "nil")
    }

    @Test func linesDecodeBothCasesAndOptionalTimestamps() throws {
        #expect(try reply("t4563112233").get() == .frame(try CANFrame(id: .standard(0x456), data: [0x11, 0x22, 0x33]), timestamp: nil))
        #expect(try reply("t4563aabbcc1234").get() == .frame(try CANFrame(id: .standard(0x456), data: [0xAA, 0xBB, 0xCC]), timestamp: 0x1234))
        #expect(try reply("R12ABCDEF3").get() == .frame(try .remote(id: .extended(0x12AB_CDEF), length: 3), timestamp: nil))
        #expect(try reply("z").get() == .transmitted(extended: false))
        #expect(try reply("Z").get() == .transmitted(extended: true))
        #expect(try reply("F84").get() == .statusFlags([.busError, .errorWarning]))
        #expect(try reply("sb256256").get() == .controllerState(.busOff, receiveErrors: 256, transmitErrors: 256))
        #expect(try reply("sa057033").get() == .controllerState(.errorActive, receiveErrors: 57, transmitErrors: 33))
        #expect(try reply("e3bcO").get() == .busErrors([.bit0, .crc, .transmitOverrun]))
        #expect(try reply("V1013").get() == .version(hardware: 10, software: 13))
        #expect(try reply("").get() == .ok)
    }

    @Test func malformedLinesAreErrorsNotTraps() {
        for bad in ["t12", "t8001", "t1239", "t123211", "t12321122X", "T2000000000", "T1234567G0", "x", "F1", "FGG",
                    "sx000000", "sa00000", "e2a", "e1q", "d123G", "zz", "t1231112233445566778899"] {
            guard case .failure = reply(bad) else {
                Issue.record("\(bad) decoded")
                continue
            }
        }
        // A host line never carries a timestamp.
        guard case .failure = command("t12300000") else {
            Issue.record("a timestamp was accepted on a transmit command")
            return
        }
    }

    @Test func commandsRoundTrip() throws {
        let commands: [SLCANCommand] = [
            .empty, .close, .open, .listenOnly, .readStatusFlags, .version, .serialNumber, .timestamps(true),
            .timestamps(false), .bitTiming(btr0: 0x03, btr1: 0x1C), .dataBitrate(2),
            .transmit(try CANFrame(id: .extended(0x1ABC_DEF0), data: [1, 2, 3, 4, 5, 6, 7, 8])),
        ] + SLCANBitrate.allCases.map { .bitrate($0) }
        for c in commands {
            let line = withUnsafeTemporaryAllocation(byteCount: SLCAN.maxLineLength + 1, alignment: 1) { out -> [UInt8] in
                let n = SLCANCodec.encode(c, into: out)!
                return Array(UnsafeRawBufferPointer(rebasing: out[0..<n]))
            }
            #expect(line.last == SLCAN.carriageReturn)
            #expect(try line.dropLast().withUnsafeBytes { SLCANCodec.decodeCommand($0) }.get() == c)
        }
        guard case .failure(.unsupportedBitrate) = command("S9") else {
            Issue.record("S9 (python-can's 83.3 kbit/s) is not a Lawicel bit rate")
            return
        }
    }

    @Test func bitratesAreTheDriversTable() {
        #expect(SLCANBitrate.allCases.map(\.bitsPerSecond)
            == [10_000, 20_000, 50_000, 100_000, 125_000, 250_000, 500_000, 800_000, 1_000_000])
        #expect(SLCANBitrate(bitsPerSecond: 500_000) == .kbps500)
        #expect(SLCANBitrate(bitsPerSecond: 750_000) == nil)
    }

    @Test func theLineReaderResynchronisesOnCR() {
        var reader = SLCANLineReader(maxLineLength: 8)
        var lines: [String] = []
        var bells = 0, discarded = 0
        let input = Array("t1230\r\nabcdefghijklmnop\rZ\rpart\u{07}\u{07}F00\r".utf8)
        // Fed one byte at a time and all at once: the same result.
        for chunk in [1, input.count] {
            lines = []; bells = 0; discarded = 0
            var i = 0
            while i < input.count {
                let piece = Array(input[i..<min(input.count, i + chunk)])
                piece.withUnsafeBytes { reader.ingest($0) { e in
                    switch e {
                    case .line(let l): lines.append(String(decoding: l, as: UTF8.self))
                    case .bell: bells += 1
                    case .discarded: discarded += 1
                    }
                } }
                i += chunk
            }
            #expect(lines == ["t1230", "Z", "F00"])
            #expect(bells == 2)
            #expect(discarded == 2)
        }
    }

    @Test func hostileBytesNeverTrap() {
        var rng = SimulatedRandom(seed: 0x5C_A11)
        var reader = SLCANLineReader()
        var decoded = 0
        for _ in 0..<2000 {
            let alphabet = Array("tTrRdDbBzZFsSeVN0123456789abcdefABCDEF\r\u{07}".utf8)
            let bytes = (0..<Int(rng.next() % 64)).map { _ -> UInt8 in
                rng.next() % 4 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            bytes.withUnsafeBytes { reader.ingest($0) { e in
                if case .line(let l) = e {
                    if case .success = SLCANCodec.decodeReply(l) { decoded += 1 }
                    _ = SLCANCodec.decodeCommand(l)
                }
            } }
        }
        #expect(decoded > 0)
    }
}

