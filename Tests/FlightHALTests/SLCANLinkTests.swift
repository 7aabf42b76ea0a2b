import FlightHAL
import FlightWire
import Testing

/// SLCANLink against SLCANAdapterEmulator over SimulatedByteLink.pair: in-process, stepped by
/// hand, deterministic.
@Suite struct SLCANLinkTests {
    @Test(arguments: SLCANBitrate.allCases)
    func opensAtEveryBitrateWithTheDriversSequence(bitrate: SLCANBitrate) throws {
        // The exact bytes, against a silent device end.
        let (host, device) = SimulatedByteLink.pair()
        var configuration = SLCANLink.Configuration()
        configuration.bitrate = bitrate
        let raw = SLCANLink(over: host, configuration: configuration)
        raw.open()
        #expect(drainText(device) == "C\\rS\(bitrate.code)\\rO\\r")
        #expect(raw.state == .closed)  // not open until the adapter answered

        // Against the emulator.
        let rig = SLCANRig(link: configuration)
        rig.link.open()
        rig.settle()
        #expect(rig.link.state == .open)
        let s = rig.emulator.snapshot
        #expect(s.isOpen && s.bitrate == bitrate && !s.listenOnly && !s.timestamps)
    }

    @Test func listenOnlyAndTimestampsAreAskedFor() throws {
        let (host, device) = SimulatedByteLink.pair()
        var configuration = SLCANLink.Configuration()
        configuration.listenOnly = true
        configuration.timestamps = true
        configuration.bitrate = .mbps1
        SLCANLink(over: host, configuration: configuration).open()
        #expect(drainText(device) == "C\\rS8\\rZ1\\rL\\r")

        let rig = SLCANRig(link: configuration).opened()
        #expect(rig.emulator.snapshot.listenOnly && rig.emulator.snapshot.timestamps)
        guard case .refused(let e) = rig.link.send(try CANFrame(id: .standard(1), data: [])) else {
            Issue.record("a listen-only link sent a frame")
            return
        }
        #expect(e.kind == .unsupported)
    }

    @Test func classicFramesCrossBothWaysWithExactBytes() throws {
        // Link -> adapter: the bytes on the wire.
        let (host, device) = SimulatedByteLink.pair()
        let link = SLCANLink(over: host)
        link.open()
        _ = drainText(device)
        writeText(device, "\r\r\r")  // C, S6, O answered
        link.pump()
        #expect(link.state == .open)
        #expect(link.send(try CANFrame(id: .standard(0x5A1), data: [0x11, 0x22])) == .sent)
        #expect(link.send(try CANFrame(id: .extended(0x12AB_CDEF), data: [0xAA, 0x55])) == .sent)
        #expect(link.send(try .remote(id: .standard(0x123), length: 2)) == .sent)
        #expect(link.send(try .remote(id: .extended(0x1F), length: 0)) == .sent)
        #expect(drainText(device) == "t5A121122\\rT12ABCDEF2AA55\\rr1232\\rR0000001F0\\r")
        // Adapter -> link: frames as the kernel driver's examples write them.
        writeText(device, "z\rZ\rz\rZ\rt12331A2B3C\rT12ABCDEF2AA55\rr1230\rR000007FF8\r")
        let frames = (0..<4).compactMap { _ in link.receive() }
        #expect(frames.map(\.frame) == [
            try CANFrame(id: .standard(0x123), data: [0x1A, 0x2B, 0x3C]),
            try CANFrame(id: .extended(0x12AB_CDEF), data: [0xAA, 0x55]),
            try .remote(id: .standard(0x123), length: 0),
            try .remote(id: .extended(0x7FF), length: 8),
        ])
        #expect(frames.allSatisfy { $0.timestampSource == .reader })
        #expect(link.statistics.framesSent == 4 && link.statistics.framesReceived == 4)
        #expect(link.statistics.malformed == 0 && link.slcanStatistics.unexpectedReplies == 0)

        // Through the emulator to another node on the simulated bus, and back.
        let rig = SLCANRig().opened()
        let out: [CANFrame] = [
            try CANFrame(id: .standard(0x5A1), data: [0x11, 0x22]),
            try CANFrame(id: .extended(0x1ABC_DEF0), data: [1, 2, 3, 4, 5, 6, 7, 8]),
            try .remote(id: .standard(0x42), length: 4),
            try .remote(id: .extended(0x42), length: 0),
        ]
        for f in out { #expect(rig.link.send(f) == .sent) }
        rig.settle()
        #expect((0..<4).compactMap { _ in rig.peer.receive()?.frame } == out)
        for f in out.reversed() { #expect(rig.peer.send(f) == .sent) }
        rig.settle()
        #expect((0..<4).compactMap { _ in rig.link.receive()?.frame } == out.reversed())
        #expect(rig.emulator.statistics.framesToBus == 4 && rig.emulator.statistics.framesFromBus == 4)
        #expect(rig.link.slcanStatistics.bellReplies == 0)
    }

    @Test func adapterTimestampsAreUnwrappedIntoNanoseconds() throws {
        var configuration = SLCANLink.Configuration()
        configuration.timestamps = true
        let rig = SLCANRig(link: configuration).opened()
        let frame = try CANFrame(id: .standard(0x10), data: [7])
        // 59.990 s, then 0.005 s after the adapter's minute wrapped.
        rig.adapterClock.set(59_990 * 1_000_000)
        #expect(rig.peer.send(frame) == .sent)
        rig.emulator.pump()
        rig.adapterClock.set(60_005 * 1_000_000)
        #expect(rig.peer.send(frame) == .sent)
        rig.settle()
        let a = try #require(rig.link.receive()), b = try #require(rig.link.receive())
        #expect(a.timestampSource == .adapter && b.timestampSource == .adapter)
        #expect(a.timestamp == 59_990_000_000)
        #expect(b.timestamp == 60_005_000_000)
    }

    @Test func stateLinesAndPolledFlagsBecomeEvents() throws {
        let rig = SLCANRig().opened()
        #expect(rig.events().isEmpty)
        rig.emulator.inject(.controllerState(.errorPassive, receiveErrors: 5))
        rig.settle()
        #expect(rig.events() == [.controllerState(.errorPassive, receiveErrors: 5, transmitErrors: 128)])
        #expect(rig.link.controllerState == .errorPassive)
        // The link polls 'F' every 100 ms: the latched flag arrives as well, once.
        rig.clock.advance(milliseconds: 100)
        rig.settle()
        #expect(rig.events() == [.controllerState(.errorPassive, receiveErrors: nil, transmitErrors: nil)])
        rig.clock.advance(milliseconds: 100)
        rig.settle()
        #expect(rig.events().isEmpty)
        #expect(rig.link.slcanStatistics.statusPolls == 2)

        // Bus-off: the 's' line says so; the adapter refuses sends with BELL, counted.
        rig.emulator.inject(.controllerState(.busOff))
        rig.settle()
        #expect(rig.link.controllerState == .busOff)
        #expect(rig.link.send(try CANFrame(id: .standard(0x77), data: [1])) == .sent)
        rig.settle()
        #expect(rig.events() == [.controllerState(.busOff, receiveErrors: 0, transmitErrors: 256), .sendRefused(.standard(0x77))])
        #expect(rig.link.statistics.sendRefused == 1)
        #expect(rig.link.slcanStatistics.bellReplies == 1)

        // Bus errors ('e' line) and overruns; then the flags on the next poll.
        rig.emulator.inject(.busErrors([.acknowledgement, .crc, .transmitOverrun]))
        rig.emulator.inject(.receiveOverrun)
        rig.emulator.inject(.arbitrationLost)
        rig.settle()
        #expect(rig.events() == [.busErrors([.acknowledgement, .crc, .transmitOverrun]), .busErrors(.receiveOverrun)])
        rig.clock.advance(milliseconds: 100)
        rig.settle()
        #expect(Set(rig.events()) == [
            .controllerState(.errorWarning, receiveErrors: nil, transmitErrors: nil),  // bus-off raised EI
            .receiveOverrun, .arbitrationLost, .busErrors([]),
        ])
        #expect(rig.link.statistics.errorFrames == 4)
    }

    @Test func withoutStateLinesTheFlagsAloneReportErrors() {
        var emulator = SLCANAdapterEmulator.Configuration()
        emulator.reportsStateAndErrors = false
        let rig = SLCANRig(emulator: emulator).opened()
        rig.emulator.inject(.controllerState(.errorWarning))
        rig.settle()
        #expect(rig.events().isEmpty)
        rig.clock.advance(milliseconds: 100)
        rig.settle()
        #expect(rig.events() == [.controllerState(.errorWarning, receiveErrors: nil, transmitErrors: nil)])
        #expect(rig.link.controllerState == .errorWarning)
    }

    @Test func malformedInputIsCountedAndSkipped() throws {
        let (host, device) = SimulatedByteLink.pair()
        let link = SLCANLink(over: host)
        link.open()
        writeText(device, "\r\r\r")
        link.pump()
        // Garbage, a bad id, a short frame, an overlong line, an unsolicited CR, then a good frame.
        writeText(device, "hello\rt8001\rt1232AA\r" + String(repeating: "7", count: 300) + "\r\rt1230\r")
        let f = try #require(link.receive())
        #expect(f.frame == (try CANFrame(id: .standard(0x123), data: [])))
        #expect(link.statistics.malformed == 5)
        #expect(link.slcanStatistics.unexpectedReplies == 1)
        #expect(link.receive() == nil)
    }

    @Test func aBellToTheOpenSequenceFailsTheLinkAndSilenceTimesOut() {
        let (host, device) = SimulatedByteLink.pair()
        let link = SLCANLink(over: host)
        link.open()
        writeText(device, "\r\u{07}")  // C ok, S refused
        link.pump()
        guard case .failed(let e) = link.state else {
            Issue.record("state \(link.state)")
            return
        }
        #expect(e.kind == .protocolError)
        #expect(link.nextEvent() == .commandRefused(.bitrate))

        let clock = SLCANTestClock()
        let (host2, _) = SimulatedByteLink.pair()
        let silent = SLCANLink(over: host2, clock: clock.nanoseconds)
        silent.open()
        clock.advance(milliseconds: 1500)
        silent.pump()
        guard case .failed = silent.state else {
            Issue.record("a silent adapter opened: \(silent.state)")
            return
        }
        #expect(silent.slcanStatistics.unanswered == 3)
        #expect(silent.nextEvent() == .noReply(.close))
    }

    @Test func sendsAreRefusedWhenClosedAndBackPressuredWhenTheAdapterFallsBehind() throws {
        let (host, _) = SimulatedByteLink.pair()
        var configuration = SLCANLink.Configuration()
        configuration.maxOutstandingCommands = 8
        configuration.statusPollInterval = 0
        let link = SLCANLink(over: host, configuration: configuration)
        guard case .refused = link.send(try CANFrame(id: .standard(1), data: [])) else {
            Issue.record("a closed link sent")
            return
        }
        let rig = SLCANRig(link: configuration).opened()
        let frame = try CANFrame(id: .standard(1), data: [1])
        // The emulator is not pumped: replies never come, the outstanding window fills.
        let outcomes = (0..<10).map { _ in rig.link.send(frame) }
        #expect(outcomes.filter { $0 == .sent }.count == 8)
        #expect(outcomes.last == .backPressure)
        #expect(rig.link.statistics.sendRefused == 2)
        rig.settle()
        #expect(rig.link.send(frame) == .sent)
        guard case .refused(let e) = rig.link.send(try CANFrame(id: .standard(1), data: [UInt8](repeating: 0, count: 12), fd: true)) else {
            Issue.record("an FD frame was sent on a classic link")
            return
        }
        #expect(e.kind == .unsupported)
    }

    @Test func canFDFramesCrossWhenBothSidesCarryThem() throws {
        var configuration = SLCANLink.Configuration()
        configuration.fd = true
        let rig = SLCANRig(link: configuration, fd: true).opened()
        let f = try CANFrame(id: .extended(0x1234), data: [UInt8](0..<64), fd: true, bitRateSwitch: true)
        #expect(rig.link.send(f) == .sent)
        rig.settle()
        #expect(rig.peer.receive()?.frame == f)
        #expect(rig.peer.send(f) == .sent)
        rig.settle()
        #expect(rig.link.receive()?.frame == f)
    }

    @Test func closeSendsCAndClosesTheByteLink() {
        let rig = SLCANRig().opened()
        rig.link.close()
        rig.emulator.pump()
        #expect(!rig.emulator.snapshot.isOpen)
        #expect(rig.link.state == .closed)
    }

    @Test func anAdapterWithoutFIsPolledOnce() {
        let clock = SLCANTestClock()
        let (host, device) = SimulatedByteLink.pair()
        let link = SLCANLink(over: host, clock: clock.nanoseconds)
        link.open()
        writeText(device, "\r\r\r")
        link.pump()
        _ = drainText(device)
        clock.advance(milliseconds: 100)
        link.pump()
        #expect(drainText(device) == "F\\r")
        writeText(device, "\u{07}")
        link.pump()
        #expect(link.nextEvent() == .commandRefused(.statusPoll))
        clock.advance(milliseconds: 500)
        link.pump()
        #expect(drainText(device) == "")
        #expect(link.slcanStatistics.statusPolls == 1)
    }
}
