import FlightWire
import Testing

/// Runs a sender and a receiver against each other over an in-memory link, stepping time by
/// hand to each one's next event. Returns the delivered messages and both frame logs.
struct ISOTPLink {
    var sender: ISOTPSender
    var receiver: ISOTPReceiver
    var now: Duration = .zero
    var toReceiver: [[UInt8]] = []
    var toSender: [[UInt8]] = []
    var delivered: [[UInt8]] = []
    var log: [[UInt8]] = []
    /// Frames to drop or mangle on the way to the receiver, by index among data frames.
    var tamper: (Int, inout [UInt8]) -> Bool = { _, _ in true }
    var dataFrames = 0

    init(sender: ISOTPConfiguration = .init(), receiver: ISOTPConfiguration = .init()) throws {
        self.sender = try ISOTPSender(configuration: sender)
        self.receiver = try ISOTPReceiver(configuration: receiver)
    }

    mutating func transfer(_ payload: [UInt8], limit: Int = 100_000) throws {
        try payload.withUnsafeBytes { try sender.start($0, now: now) }
        for _ in 0..<limit {
            var out: [[UInt8]] = []
            sender.poll(now: now) { out.append(Array($0)) }
            for var f in out {
                log.append(f)
                let keep = tamper(dataFrames, &f)
                dataFrames += 1
                if keep {
                    f.withUnsafeBytes { fr in
                        receiver.receive(fr, now: now, send: { toSender.append(Array($0)) }, deliver: { delivered.append(Array($0)) })
                    }
                }
            }
            for fc in toSender { fc.withUnsafeBytes { sender.receive($0, now: now) } }
            toSender.removeAll()
            receiver.poll(now: now)
            if sender.isIdle && !receiver.isReceiving { return }
            let next = [sender.nextEvent, receiver.nextDeadline].compactMap { $0 }.min() ?? now
            now = max(now, next)
        }
    }
}

@Suite struct ISOTPTests {
    @Test(arguments: [1, 6, 7, 8, 13, 62, 63, 64, 100, 4094, 4095])
    func classicRoundTrip(length: Int) throws {
        var rng = SeededRandom(seed: UInt64(length))
        let payload = rng.bytes(length)
        var link = try ISOTPLink()
        try link.transfer(payload)
        #expect(link.delivered == [payload])
        #expect(link.sender.state == .completed)
        #expect(link.log.allSatisfy { $0.count == 8 })
    }

    /// Known answer: 10 bytes as FF then one CF, padded with 0xCC; flow control 30 08 00.
    @Test func knownFrames() throws {
        var link = try ISOTPLink()
        try link.transfer(Array(1...10))
        #expect(link.log == [hex("100A010203040506"), hex("210708090ACCCCCC")])
        var r = try ISOTPReceiver()
        var fc: [UInt8] = []
        hex("100A010203040506").withUnsafeBytes { r.receive($0, now: .zero, send: { fc = Array($0) }, deliver: { _ in }) }
        #expect(fc == hex("300800CCCCCCCCCC"))
    }

    @Test(arguments: [(UInt8(0), 0), (1, 0), (3, 5), (8, 1)])
    func blockSizeAndSeparationTimeArePaced(blockSize: UInt8, stMinMs: Int) throws {
        var link = try ISOTPLink(receiver: .init(blockSize: blockSize, separationTime: .milliseconds(stMinMs)))
        let payload = (0..<300).map { UInt8($0 & 0xFF) }
        try link.transfer(payload)
        #expect(link.delivered == [payload])
        // 300 bytes: FF carries 6, then 42 CFs; with STmin the clock must have moved 41 gaps.
        #expect(link.now >= .milliseconds(41 * stMinMs))
    }

    @Test(arguments: [12, 16, 32, 64])
    func canFDRoundTrip(dataLength: Int) throws {
        let config = ISOTPConfiguration(txDataLength: dataLength)
        for length in [1, 7, 8, dataLength - 2, dataLength - 1, 200, 4095] {
            var link = try ISOTPLink(sender: config, receiver: config)
            let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7) }
            try link.transfer(payload)
            #expect(link.delivered == [payload], "FD \(dataLength) length \(length)")
            #expect(link.log.allSatisfy { CANFrame.fdLengths.contains($0.count) })
        }
    }

    @Test func escapedFirstFrameAbove4095() throws {
        let config = ISOTPConfiguration(capacity: 10_000)
        var link = try ISOTPLink(sender: config, receiver: config)
        let payload = (0..<5000).map { UInt8(truncatingIfNeeded: $0) }
        try link.transfer(payload)
        #expect(link.delivered == [payload])
        #expect(Array(link.log[0][0..<6]) == hex("1000 0000 1388"))
    }

    @Test func lostConsecutiveFrameIsASequenceError() throws {
        var link = try ISOTPLink()
        link.tamper = { i, _ in i != 3 }
        try link.transfer((0..<100).map { UInt8($0) })
        #expect(link.delivered.isEmpty)
        #expect(link.receiver.counts.sequenceErrors == 1)
        // The sender, not knowing, finishes or waits for a flow control that never comes.
        #expect(link.sender.state == .completed || link.sender.state == .failed(.flowControlTimeout))
    }

    @Test func silentSenderTimesOutAtReceiver() throws {
        var link = try ISOTPLink()
        link.tamper = { i, _ in i < 2 }  // FF and one CF, then silence
        try link.transfer((0..<100).map { UInt8($0) })
        #expect(link.receiver.counts.timeouts == 1)
        #expect(link.now >= .seconds(1))
    }

    @Test func overflowIsAnsweredAndFailsTheSender() throws {
        var link = try ISOTPLink(receiver: .init(capacity: 50))
        try link.transfer((0..<100).map { UInt8($0) })
        #expect(link.sender.state == .failed(.receiverOverflow))
        #expect(link.receiver.counts.overflows == 1)
    }

    @Test func waitFramesAndMissingFlowControl() throws {
        var s = try ISOTPSender(configuration: .init(maxWaitFrames: 2))
        try (0..<20).map { UInt8($0) }.withUnsafeBytes { try s.start($0, now: .zero) }
        s.poll(now: .zero) { _ in }
        #expect(s.state == .awaitingFlowControl)
        for _ in 0..<2 { hex("310000").withUnsafeBytes { s.receive($0, now: .zero) } }
        #expect(s.state == .awaitingFlowControl)
        hex("310000").withUnsafeBytes { s.receive($0, now: .zero) }
        #expect(s.state == .failed(.tooManyWaits))

        var t = try ISOTPSender()
        try (0..<20).map { UInt8($0) }.withUnsafeBytes { try t.start($0, now: .zero) }
        t.poll(now: .zero) { _ in }
        t.poll(now: .milliseconds(999)) { _ in }
        #expect(t.state == .awaitingFlowControl)
        t.poll(now: .seconds(1)) { _ in }
        #expect(t.state == .failed(.flowControlTimeout))
    }

    @Test func malformedAndUnexpectedFramesAreCounted() throws {
        var r = try ISOTPReceiver()
        let frames = ["", "08 0102030405060708", "00", "1005 0102030405 06", "21 01", "4000", "07 0102"]
        for f in frames {
            hex(f).withUnsafeBytes { r.receive($0, now: .zero, send: { _ in }, deliver: { _ in Issue.record("delivered") }) }
        }
        #expect(r.counts.malformedFrames == 6)
        #expect(r.counts.unexpectedFrames == 1)
    }

    @Test func separationTimeEncoding() {
        #expect(ISOTPSeparationTime.decode(0x7F) == .milliseconds(127))
        #expect(ISOTPSeparationTime.decode(0xF3) == .microseconds(300))
        #expect(ISOTPSeparationTime.decode(0x80) == .milliseconds(127))
        #expect(ISOTPSeparationTime.encode(.microseconds(500)) == 0xF5)
        #expect(ISOTPSeparationTime.encode(.milliseconds(20)) == 20)
    }
}
