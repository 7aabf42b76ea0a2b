import FlightHAL
import Testing

func readAll(_ link: SimulatedByteLink) -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1024)
    while true {
        let n = buffer.withUnsafeMutableBytes { link.read(into: $0) }
        if n == 0 { return out }
        out += buffer[0..<n]
    }
}

@Suite struct SimulatedByteLinkFaultTests {
    @Test func dropsCorruptionsAndDuplicatesAreExactlyTheReplayedOnes() {
        let plan = FaultPlan.seeded(42)
            .with(.drop, probability: 0.02).with(.corrupt, probability: 0.03).with(.duplicate, probability: 0.01)
        let (a, b) = SimulatedByteLink.pair(capacity: 65_536, faults: plan)
        let sent = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(sent.withUnsafeBytes { a.write($0) } == 10_000)

        // Replay: direction a->b uses streams 0...5; each byte draws every stream once.
        var r = (0..<6).map { SimulatedRandom(seed: 42, stream: UInt64($0)) }
        var expected: [UInt8] = []
        var want = FaultCounters()
        for byte in sent {
            want.inspected += 1
            _ = r[4].chance(0); _ = r[5].chance(0)
            let drop = r[0].chance(0.02)
            let corrupt = r[1].chance(0.03)
            let bit = corrupt ? r[1].below(8) : 0
            let dup = r[2].chance(0.01)
            _ = r[3].chance(0)
            if drop { want.dropped += 1; continue }
            var x = byte
            if corrupt { x ^= 1 << UInt8(bit); want.corrupted += 1 }
            expected.append(x)
            if dup { expected.append(x); want.duplicated += 1 }
        }
        #expect(a.faults == want)
        #expect(want.dropped > 0 && want.corrupted > 0 && want.duplicated > 0)
        #expect(readAll(b) == expected)
        #expect(b.faults == FaultCounters())  // nothing written the other way
    }

    @Test func theTwoDirectionsDrawFromDifferentStreams() {
        let plan = FaultPlan.seeded(5).with(.drop, probability: 0.5)
        let (a, b) = SimulatedByteLink.pair(faults: plan)
        let bytes = [UInt8](0..<64)
        _ = bytes.withUnsafeBytes { a.write($0) }
        _ = bytes.withUnsafeBytes { b.write($0) }
        #expect(readAll(b) != readAll(a))
    }

    @Test func aStallHoldsTheLineAndKeepsOrder() {
        let (a, b) = SimulatedByteLink.pair(faults: .seeded(1).with(.delay(steps: 2), at: 3))
        #expect([UInt8](0..<6).withUnsafeBytes { a.write($0) } == 6)  // step 1: bytes 3... held until step 3
        #expect(readAll(b) == [0, 1, 2])
        #expect([UInt8](6..<8).withUnsafeBytes { a.write($0) } == 2)  // step 2: still stalled
        #expect(readAll(b) == [])
        a.advance()  // step 3
        #expect(readAll(b) == [3, 4, 5, 6, 7])
        #expect(a.faults.delayed == 1)
    }

    @Test func aDisconnectLosesBothEndsRefusesWritesAndRecovers() {
        let (a, b) = SimulatedByteLink.pair(faults: .seeded(1).with(.disconnect(steps: 3), at: 4))
        #expect([UInt8](0..<8).withUnsafeBytes { a.write($0) } == 4)  // step 1: byte 4 triggers it
        guard case .lost = a.state, case .lost = b.state else {
            Issue.record("both ends should be lost: \(a.state), \(b.state)")
            return
        }
        #expect([UInt8(9)].withUnsafeBytes { b.write($0) } == 0)  // step 2
        b.advance()  // step 3
        #expect([UInt8](4..<8).withUnsafeBytes { a.write($0) } == 4)  // step 4: recovered
        #expect(a.state == .open && b.state == .open)
        #expect(readAll(b) == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(a.statistics.reconnects == 1 && b.statistics.reconnects == 1)
        #expect(a.statistics.sendRefused == 1 && b.statistics.sendRefused == 1)
        #expect(a.faults.disconnects == 1 && a.faults.recoveries == 1)
    }

    @Test func backPressureTakesNoDrawsSoTheSequenceDoesNotDependOnTheReader() {
        let plan = FaultPlan.seeded(9).with(.drop, probability: 0.3)
        let bytes = (0..<2_000).map { UInt8(truncatingIfNeeded: $0) }
        // Written all at once into a big ring, and in pieces into a small one drained as it goes.
        let (a1, b1) = SimulatedByteLink.pair(capacity: 4096, faults: plan)
        _ = bytes.withUnsafeBytes { a1.write($0) }
        let (a2, b2) = SimulatedByteLink.pair(capacity: 16, faults: plan)
        var offset = 0, got: [UInt8] = []
        while offset < bytes.count {
            offset += bytes[offset...].withUnsafeBytes { a2.write($0) }
            got += readAll(b2)
        }
        #expect(got == readAll(b1))
        #expect(a2.faults.dropped == a1.faults.dropped)
        #expect(a2.statistics.sendRefused > 0)
    }
}
