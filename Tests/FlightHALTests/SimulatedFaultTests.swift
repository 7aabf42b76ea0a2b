#if canImport(Glibc)
    import Glibc
#endif
import FlightHAL
import FlightWire
import Testing

/// A frame carrying its sequence number in its first four bytes.
func numberedFrame(_ n: UInt32, id: UInt16 = 0x123) -> CANFrame {
    withUnsafeBytes(of: (n.littleEndian, UInt32(0xA5A5_A5A5))) { try! CANFrame(id: .standard(id), data: $0) }
}

func sequenceNumber(_ f: CANFrame) -> UInt32 {
    f.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
}

func drain(_ link: some FrameLink) -> [ReceivedFrame] {
    var out: [ReceivedFrame] = []
    while let f = link.receive() { out.append(f) }
    return out
}

@Suite struct SimulatedRandomTests {
    @Test func splitMix64MatchesItsPublishedSequence() {
        // Reference values of SplitMix64 seeded with 1234567 (from the algorithm's C code).
        var r = SimulatedRandom(seed: 1_234_567)
        #expect(r.next() == 6_457_827_717_110_365_317)
        #expect(r.next() == 3_203_168_211_198_807_973)
        #expect(r.next() == 9_817_491_932_198_370_423)
    }

    @Test func streamsAreIndependentAndRepeatable() {
        var a = SimulatedRandom(seed: 42, stream: 0), b = SimulatedRandom(seed: 42, stream: 1)
        var a2 = SimulatedRandom(seed: 42, stream: 0)
        let xs = (0..<8).map { _ in a.next() }, ys = (0..<8).map { _ in b.next() }
        #expect(xs != ys)
        #expect(xs == (0..<8).map { _ in a2.next() })
    }
}

@Suite struct SimulatedFrameBusFaultTests {
    @Test func seed42DropsExactlyTheFramesAReplayPredicts() {
        let plan = FaultPlan.seeded(42).with(.drop, probability: 0.1)
        let bus = SimulatedFrameBus(faults: plan)
        let a = bus.attach("a"), b = bus.attach("b", queueCapacity: 16_384)
        for i in 0..<10_000 { #expect(a.send(numberedFrame(UInt32(i))) == .sent) }

        var replay = SimulatedRandom(seed: 42, stream: 0)
        let expectedDropped = Set((0..<10_000).filter { _ in replay.chance(0.1) })
        let received = drain(b).map { Int(sequenceNumber($0.frame)) }
        #expect(bus.faults.dropped == UInt64(expectedDropped.count))
        #expect(bus.faults.inspected == 10_000)
        #expect(expectedDropped.count > 900 && expectedDropped.count < 1100)
        #expect(received == (0..<10_000).filter { !expectedDropped.contains($0) })
        #expect(b.statistics.framesReceived == UInt64(10_000 - expectedDropped.count))
        #expect(a.statistics.framesSent == 10_000)
        #expect(bus.faults.corrupted == 0 && bus.faults.duplicated == 0 && bus.faults.delayed == 0)
    }

    @Test func corruptionFlipsExactlyTheReplayedBits() {
        let plan = FaultPlan.seeded(7).with(.corrupt, probability: 0.05)
        let bus = SimulatedFrameBus(faults: plan)
        let a = bus.attach("a"), b = bus.attach("b", queueCapacity: 4096)
        for i in 0..<2_000 { _ = a.send(numberedFrame(UInt32(i))) }

        var replay = SimulatedRandom(seed: 7, stream: 1)
        var expected: [Int: Int] = [:]  // frame -> bit
        for i in 0..<2_000 where replay.chance(0.05) { expected[i] = replay.below(64) }
        let got = drain(b)
        #expect(got.count == 2_000)
        var flipped: [Int: Int] = [:]
        for (i, r) in got.enumerated() {
            let sent = numberedFrame(UInt32(i)).data, seen = r.frame.data
            let diffs = (0..<64).filter { (sent[$0 / 8] ^ seen[$0 / 8]) & (1 << ($0 % 8)) != 0 }
            #expect(diffs.count <= 1)
            if let d = diffs.first { flipped[i] = d }
        }
        #expect(flipped == expected)
        #expect(bus.faults.corrupted == UInt64(expected.count))
    }

    @Test func duplicatesArriveTwiceAndDelayedFramesAreOvertaken() {
        let plan = FaultPlan.seeded(1)
            .with(.duplicate, at: 3)
            .with(.delay(steps: 3), at: 5)
        let bus = SimulatedFrameBus(faults: plan)
        let a = bus.attach("a"), b = bus.attach("b")
        for i in 0..<10 { _ = a.send(numberedFrame(UInt32(i))) }
        // Frame 5 is sent at step 6 and due at step 9, when frame 8 is sent: it goes first.
        #expect(drain(b).map { sequenceNumber($0.frame) } == [0, 1, 2, 3, 3, 4, 6, 7, 5, 8, 9])
        #expect(bus.faults.duplicated == 1)
        #expect(bus.faults.delayed == 1)
    }

    @Test func aDelayedFrameWaitsForAdvancedStepsWhenNothingIsSent() {
        let bus = SimulatedFrameBus(faults: .seeded(1).with(.delay(steps: 4), at: 0))
        let a = bus.attach("a"), b = bus.attach("b")
        _ = a.send(numberedFrame(0))  // step 1, due at step 5
        bus.advance(steps: 3)
        #expect(b.receive() == nil)
        #expect(bus.step == 4)
        bus.advance(steps: 1)
        #expect(b.receive().map { sequenceNumber($0.frame) } == 0)
    }

    @Test func aDisconnectRefusesSendsForItsStepsThenRecovers() {
        let bus = SimulatedFrameBus(faults: .seeded(1).with(.disconnect(steps: 3), at: 2))
        let a = bus.attach("a"), b = bus.attach("b")
        var outcomes: [String] = []
        for i in 0..<6 {
            switch a.send(numberedFrame(UInt32(i))) {
            case .sent: outcomes.append("sent")
            case .backPressure: outcomes.append("back-pressure")
            case .refused(let e): outcomes.append(e.kind == .disconnected ? "lost" : "\(e)")
            }
            if i == 2, case .lost = a.state {} else if i == 2 { Issue.record("a should be lost, is \(a.state)") }
        }
        // Steps 3 (the trigger), 4 and 5 refused; at step 6 the node has recovered.
        #expect(outcomes == ["sent", "sent", "lost", "lost", "lost", "sent"])
        #expect(a.state == .open)
        #expect(a.statistics.reconnects == 1)
        #expect(a.statistics.sendRefused == 3)
        #expect(bus.faults.disconnects == 1 && bus.faults.recoveries == 1)
        #expect(drain(b).map { sequenceNumber($0.frame) } == [0, 1, 5])
    }

    @Test func aDisconnectedNodeReceivesNothingAndTheMissedFramesAreCounted() {
        let bus = SimulatedFrameBus(faults: .seeded(1).with(.disconnect(steps: 4), at: 0))
        let a = bus.attach("a"), b = bus.attach("b")
        _ = b.send(numberedFrame(99))  // b is lost for steps 1...4
        for i in 0..<4 { _ = a.send(numberedFrame(UInt32(i))) }  // steps 2...5; b back at 5
        #expect(drain(b).map { sequenceNumber($0.frame) } == [3])
        #expect(bus.faults.undelivered == 3)
        #expect(b.statistics.reconnects == 1)
    }

    @Test func busOffRefusesSendsDeliversErrorFramesAndRecoversAfterItsSteps() {
        let bus = SimulatedFrameBus(faults: .seeded(1).with(.busOff(steps: 2), at: 1))
        let a = bus.attach("a"), b = bus.attach("b")
        #expect(a.send(numberedFrame(0)) == .sent)
        guard case .refused(let e) = a.send(numberedFrame(1)) else {
            Issue.record("the bus-off send was not refused")
            return
        }
        #expect(e.kind == .busOff && e.errno == ENETDOWN)
        let busOff = a.receive()
        #expect(busOff?.frame.isError == true)
        #expect(busOff?.frame.id == .standard(SimulatedFrameBus.canErrBusOff))
        #expect(a.send(numberedFrame(2)) != .sent)  // step 3: still bus-off
        #expect(a.send(numberedFrame(3)) == .sent)  // step 4: recovered
        #expect(a.receive()?.frame.id == .standard(SimulatedFrameBus.canErrRestarted))
        #expect(a.statistics.errorFrames == 2)
        #expect(a.statistics.reconnects == 1)
        #expect(drain(b).map { sequenceNumber($0.frame) } == [0, 3])
        #expect(bus.faults.busOffs == 1)
    }

    /// The whole bus bus-off on demand (a fault scenario's can-bus-off), with or without a
    /// fault plan: every node gets the error frame, nothing passes, all restart together.
    @Test func wholeBusOffUntilRecovery() {
        let bus = SimulatedFrameBus()
        let a = bus.attach("a"), b = bus.attach("b"), c = bus.attach("c")
        bus.goBusOff()
        bus.goBusOff()  // idempotent: one error frame per node
        #expect(a.send(numberedFrame(0)) != .sent && b.send(numberedFrame(1)) != .sent)
        #expect(!a.state.isOpen && !c.state.isOpen)
        for node in [a, b, c] {
            #expect(drain(node).map { $0.frame.id } == [.standard(SimulatedFrameBus.canErrBusOff)])
        }
        bus.recoverFromBusOff()
        #expect(a.state == .open && c.state == .open)
        #expect(a.send(numberedFrame(2)) == .sent)
        #expect(drain(b).map { $0.frame.isError ? -1 : Int(sequenceNumber($0.frame)) } == [-1, 2])
        #expect(drain(c).map { $0.frame.id } == [.standard(SimulatedFrameBus.canErrRestarted), .standard(0x123)])
        #expect(a.simulatedBus === bus)
    }

    @Test func busOffWithNoStepsLastsUntilRestart() {
        let bus = SimulatedFrameBus(faults: .seeded(1).with(.busOff(steps: 0), at: 0))
        let a = bus.attach("a"), b = bus.attach("b")
        _ = a.send(numberedFrame(0))
        bus.advance(steps: 1_000)
        #expect(a.send(numberedFrame(1)) != .sent)
        a.restart()
        #expect(a.state == .open)
        #expect(a.send(numberedFrame(2)) == .sent)
        #expect(drain(a).map { $0.frame.id } == [.standard(0x040), .standard(0x100)])
        #expect(drain(b).map { sequenceNumber($0.frame) } == [2])
    }

    @Test(arguments: [UInt64(1), 42, 0xDEAD_BEEF])
    func everyKindTogetherMatchesAnIndependentReplay(seed: UInt64) {
        let p = (drop: 0.05, corrupt: 0.05, dup: 0.03, delay: 0.04, disc: 0.002, busOff: 0.002)
        let plan = FaultPlan.seeded(seed)
            .with(.drop, probability: p.drop).with(.corrupt, probability: p.corrupt)
            .with(.duplicate, probability: p.dup).with(.delay(steps: 2), probability: p.delay)
            .with(.disconnect(steps: 5), probability: p.disc).with(.busOff(steps: 7), probability: p.busOff)
        let bus = SimulatedFrameBus(faults: plan)
        let a = bus.attach("a"), b = bus.attach("b", queueCapacity: 16_384)
        var refused = 0
        for i in 0..<5_000 where a.send(numberedFrame(UInt32(i))) != .sent { refused += 1 }

        // Replay only the decisions (per the plan's documented draws); the bus applies them.
        var r = (0..<6).map { SimulatedRandom(seed: seed, stream: UInt64($0)) }
        var want = FaultCounters()
        var step = 0, lostUntil = 0
        for _ in 0..<5_000 {
            step += 1
            if lostUntil != 0 {
                if step >= lostUntil { lostUntil = 0; want.recoveries += 1 } else { continue }
            }
            want.inspected += 1
            let disc = r[4].chance(p.disc), off = r[5].chance(p.busOff), drop = r[0].chance(p.drop)
            let corrupt = r[1].chance(p.corrupt)
            if corrupt { _ = r[1].below(64) }
            let dup = r[2].chance(p.dup), delay = r[3].chance(p.delay)
            if disc { want.disconnects += 1; lostUntil = step + 5; continue }
            if off { want.busOffs += 1; lostUntil = step + 7; continue }
            if drop { want.dropped += 1; continue }
            if corrupt { want.corrupted += 1 }
            if dup { want.duplicated += 1 }
            if delay { want.delayed += 1 }
        }
        #expect(bus.faults == want)
        #expect(want.dropped > 0 && want.disconnects > 0 && want.busOffs > 0)
        #expect(UInt64(refused) == a.statistics.sendRefused)
        // Every frame the bus let through arrives (delayed ones last, if still waiting).
        bus.advance(steps: 2)
        let received = UInt64(drain(b).filter { !$0.frame.isError }.count)
        #expect(received == want.inspected - want.dropped - want.disconnects - want.busOffs + want.duplicated)
    }
}
