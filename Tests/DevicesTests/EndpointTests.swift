import Devices
import FlightHAL
import FlightWire
import Testing

@Suite struct DeviceEndpointByteLinkTests {
    @Test func messagesCrossASimulatedBytePairBothWays() {
        let (a, b) = SimulatedByteLink.pair("fc", "device")
        let fc = DeviceEndpoint(a), device = DeviceEndpoint(b)
        for m in everyMessage { #expect(fc.send(m) == .sent) }
        var got: [DeviceMessage] = []
        while let m = device.receive() { got.append(m) }
        #expect(got == everyMessage)
        #expect(device.send(everyMessage[2]) == .sent)
        #expect(fc.receive() == everyMessage[2] && fc.receive() == nil)
        #expect(device.counts.received == everyMessage.count && fc.counts.sent == everyMessage.count)
        #expect(device.counts.rejected == 0 && fc.counts.rejected == 0)
    }

    @Test func garbageBetweenFramesIsCountedAndTheFramesStillArrive() {
        let (a, b) = SimulatedByteLink.pair()
        let device = DeviceEndpoint(b)
        var bad = wire(everyMessage[5])
        bad[7] ^= 0x01
        let stream = [0x13, 0x37, 0xFF, 0x00] + wire(everyMessage[0]) + bad + serialFrame([0x01, 0x99, 0, 0]) + wire(everyMessage[1])
        #expect(stream.withUnsafeBytes { a.write($0) } == stream.count)
        #expect(device.receive() == everyMessage[0])
        #expect(device.receive() == everyMessage[1])
        #expect(device.receive() == nil)
        let c = device.counts
        #expect(c.rejections[.crcMismatch] == 1 && c.rejections[.unknownID] == 1, "\(c.rejections)")
        #expect(c.rejections[.malformedEncoding] == 1, "13 37 ff: a block cut by the delimiter: \(c.rejections)")
        #expect(c.received == 2 && c.rejected == 3)
        #expect(device.lastRejection?.reason == .unknownID && device.lastRejection?.error == .unknownID(0x199))
    }

    @Test func aFilteredEndpointCountsOtherMessagesIgnored() {
        let (a, b) = SimulatedByteLink.pair()
        let fc = DeviceEndpoint(a)
        let engine = DeviceEndpoint(b, accepting: .ids([EngineControllerCommand.id]))
        _ = fc.send(everyMessage[4])
        _ = fc.send(everyMessage[0])
        #expect(engine.receive() == everyMessage[0])
        #expect(engine.receive() == nil)
        #expect(engine.counts.ignored == 1 && engine.counts.received == 1 && engine.counts.rejected == 0)
    }

    @Test func aPartlyWrittenFrameIsFinishedBeforeTheNextAndNeverSplitByAnother() {
        // 24 bytes of ring: one 17-byte frame fits, the next only in part.
        let (a, b) = SimulatedByteLink.pair(capacity: 24)
        let fc = DeviceEndpoint(a), device = DeviceEndpoint(b)
        let imu = everyMessage[4], rate = everyMessage[5], power = everyMessage.last!
        #expect(fc.send(imu) == .sent)
        #expect(fc.send(rate) == .sent)  // 7 bytes now, 10 kept back
        #expect(fc.send(power) == .backPressure)
        #expect(fc.counts.sendRefused == 1)
        #expect(device.receive() == imu)
        fc.flush()
        #expect(device.receive() == rate)
        #expect(fc.send(power) == .sent)
        #expect(device.receive() == power)
        #expect(device.counts.rejected == 0)
    }

    @Test func aClosedLinkRefusesSends() {
        let (a, b) = SimulatedByteLink.pair()
        let fc = DeviceEndpoint(a)
        b.close()
        guard case .refused = fc.send(everyMessage[0]) else {
            Issue.record("a send on a link whose other end closed was not refused")
            return
        }
        #expect(fc.counts.sendRefused == 1 && fc.counts.sent == 0)
    }

    @Test func hostileBytesNeverTrapAndAGoodFrameAfterThemArrives() {
        let (a, b) = SimulatedByteLink.pair(capacity: 1 << 16)
        let device = DeviceEndpoint(b)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let junk = (0..<Int.random(in: 1...100, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = junk.withUnsafeBytes { a.write($0) }
            while device.receive() != nil {}
        }
        _ = wire(everyMessage[3]).withUnsafeBytes { a.write($0) }
        var last: DeviceMessage?
        while let m = device.receive() { last = m }
        #expect(last == everyMessage[3])
        #expect(device.counts.rejected > 0)
    }
}

@Suite struct DeviceEndpointFrameLinkTests {
    @Test func messagesCrossASimulatedCANBusWithTheirPlanIds() throws {
        let bus = SimulatedFrameBus(supportsFD: false)
        let fcNode = bus.attach("fc"), tap = bus.attach("tap")
        let fc = DeviceEndpoint(fcNode), device = DeviceEndpoint(bus.attach("device"))
        for m in everyMessage { #expect(fc.send(m) == .sent) }
        var got: [DeviceMessage] = []
        while let m = device.receive() { got.append(m) }
        #expect(got == everyMessage)
        // What went on the bus is the plan's id and the codec's payload.
        for m in everyMessage {
            let f = try #require(tap.receive()?.frame)
            #expect(f.id == .standard(m.id) && f.data == payload(of: m))
        }
    }

    @Test func badFramesAreCountedByReasonAndErrorFramesSeparately() throws {
        let bus = SimulatedFrameBus()
        let raw = bus.attach("raw")
        let device = DeviceEndpoint(bus.attach("device"), accepting: .ids([0x101]))
        let frames: [CANFrame] = [
            try CANFrame(id: .standard(0x555), data: [1, 2]),
            try CANFrame(id: .standard(0x030), data: [1, 2]),
            try CANFrame(id: .standard(0x300), data: [0, 0, 0, 0, 250, 0, 0, 0]),
            try CANFrame.remote(id: .standard(0x030), length: 8),
            try CANFrame(id: .standard(0x030), data: [UInt8](repeating: 0, count: 16), fd: true),
            try CANFrame(id: .extended(0x030), data: [UInt8](repeating: 0, count: 8)),
            try #require(everyMessage[4].canFrame),
            try #require(everyMessage[8].canFrame),
        ]
        for f in frames { #expect(raw.send(f) == .sent) }
        var wheel1 = try #require(DeviceMessage.wheelCommand(WheelCommand(wheel: 1, speed: 0.2, counter: 1)).canFrame)
        #expect(raw.send(wheel1) == .sent)
        wheel1.isError = true
        #expect(raw.send(wheel1) == .sent)
        #expect(device.receive() == .wheelCommand(WheelCommand(wheel: 1, speed: 0.2, counter: 1)))
        #expect(device.receive() == nil)
        let c = device.counts
        #expect(c.rejections[.unknownID] == 1 && c.rejections[.wrongLength] == 1 && c.rejections[.outOfRange] == 1)
        #expect(c.rejections[.unsupportedFrame] == 3 && c.rejected == 6)
        #expect(c.ignored == 2 && c.errorFrames == 1 && c.received == 1)
    }
}
