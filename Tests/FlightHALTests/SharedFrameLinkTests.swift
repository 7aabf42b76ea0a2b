import FlightHAL
import FlightWire
import Testing

@Suite("One CAN link shared by several readers")
struct SharedFrameLinkTests {
    @Test func everyBranchSeesEveryFrameInOrder() throws {
        let bus = SimulatedFrameBus()
        let shared = SharedFrameLink(bus.attach("flight"))
        let engine = shared.branch("engine"), legs = shared.branch("legs")
        let device = bus.attach("device")
        for i in 0..<5 { #expect(device.send(try CANFrame(id: .standard(0x10 + UInt16(i)), data: [UInt8(i)])) == .sent) }
        bus.advance()
        // engine reads first: legs' copies wait in its own queue.
        var seenByEngine: [UInt8] = []
        while let r = engine.receive() { seenByEngine.append(r.frame.data[0]) }
        var seenByLegs: [UInt8] = []
        while let r = legs.receive() { seenByLegs.append(r.frame.data[0]) }
        #expect(seenByEngine == [0, 1, 2, 3, 4])
        #expect(seenByLegs == [0, 1, 2, 3, 4])
        #expect(engine.statistics.framesReceived == 5)
    }

    @Test func aBranchThatDoesNotReadDropsOnlyItsOwnFramesAndCountsThem() throws {
        let bus = SimulatedFrameBus()
        let shared = SharedFrameLink(bus.attach("flight", queueCapacity: 64))
        let busy = shared.branch("busy", queueCapacity: 64), idle = shared.branch("idle", queueCapacity: 4)
        let device = bus.attach("device")
        for i in 0..<10 { _ = device.send(try CANFrame(id: .standard(0x20), data: [UInt8(i)])) }
        bus.advance()
        var n = 0
        while busy.receive() != nil { n += 1 }
        #expect(n == 10)
        #expect(idle.statistics.receiveOverruns == 6)
        #expect(busy.statistics.receiveOverruns == 0)
        var kept: [UInt8] = []
        while let r = idle.receive() { kept.append(r.frame.data[0]) }
        #expect(kept == [0, 1, 2, 3])  // the oldest four; later ones were dropped, not reordered
    }

    @Test func sendsGoToTheBusAndClosingABranchLeavesTheLinkOpen() throws {
        let bus = SimulatedFrameBus()
        let shared = SharedFrameLink(bus.attach("flight"))
        let a = shared.branch("a"), b = shared.branch("b")
        let device = bus.attach("device")
        #expect(a.send(try CANFrame(id: .standard(0x30), data: [1])) == .sent)
        bus.advance()
        #expect(device.receive()?.frame.id == .standard(0x30))
        #expect(b.receive() == nil)  // a's own traffic does not come back to the shared link
        a.close()
        #expect(b.state == .open)
        shared.close()
        #expect(b.send(try CANFrame(id: .standard(0x30), data: [1])) != .sent)
    }
}
