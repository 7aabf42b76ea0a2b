import FlightHAL
import FlightWire
import Testing

@Suite struct SimulatedByteLinkTests {
    @Test func bytesCrossInOrderAndAFullRingRefusesTheRest() {
        let (a, b) = SimulatedByteLink.pair(capacity: 8)
        let sent = [UInt8](0..<12)
        #expect(sent.withUnsafeBytes { a.write($0) } == 8)
        #expect(a.statistics.sendRefused == 1)
        var buffer = [UInt8](repeating: 0, count: 16)
        let n = buffer.withUnsafeMutableBytes { b.read(into: $0) }
        #expect(Array(buffer[0..<n]) == Array(0..<8))
        #expect(b.statistics.bytesReceived == 8)
        a.close()
        #expect(a.state == .closed)
        guard case .lost = b.state else {
            Issue.record("the other end should see the link lost, saw \(b.state)")
            return
        }
    }
}

@Suite struct SimulatedFrameBusTests {
    @Test func everyOtherNodeGetsEachFrameInOrder() throws {
        let bus = SimulatedFrameBus()
        let a = bus.attach("a"), b = bus.attach("b"), c = bus.attach("c", queueCapacity: 2)
        for i in 0..<3 { #expect(a.send(try CANFrame(id: .standard(0x100 + UInt16(i)), data: [UInt8(i)])) == .sent) }
        #expect(a.receive() == nil)
        #expect((0..<3).map { _ in b.receive()?.frame.id } == [.standard(0x100), .standard(0x101), .standard(0x102)])
        #expect(c.receive()?.frame.id == .standard(0x100))
        #expect(c.statistics.receiveOverruns == 1)
    }

    @Test func fdFramesAreRefusedOnAClassicBus() throws {
        let bus = SimulatedFrameBus(supportsFD: false)
        let a = bus.attach("a")
        guard case .refused(let e) = a.send(try CANFrame(id: .standard(1), data: [UInt8](repeating: 0, count: 12), fd: true)) else {
            Issue.record("an FD frame was accepted on a classic bus")
            return
        }
        #expect(e.kind == .unsupported)
    }
}

@Suite struct FilteredFrameLinkTests {
    @Test func onlyFramesMatchingAFilterAndErrorFramesPass() throws {
        let bus = SimulatedFrameBus()
        let sender = bus.attach("sender")
        let link = FilteredFrameLink(bus.attach("rx"), filters: [.exact(.standard(0x123)), try CANFilter(parsing: "700:700")])
        for id: UInt16 in [0x122, 0x123, 0x456, 0x701, 0x7FF] {
            #expect(sender.send(try CANFrame(id: .standard(id), data: [])) == .sent)
        }
        var error = try CANFrame(id: .extended(0x40), data: [UInt8](repeating: 0, count: 8))
        error.isError = true
        #expect(sender.send(error) == .sent)
        var got: [CANID] = []
        while let r = link.receive() { got.append(r.frame.id) }
        #expect(got == [.standard(0x123), .standard(0x701), .standard(0x7FF), .extended(0x40)])
    }
}
