import Devices
import FlightCore
import FlightHAL
import FlightWire
import Missions
import Simulator
import Testing

/// What goes wrong on the link itself: corrupt bytes, garbage, hostile CAN frames, a closed or
/// lost link, floods. A driver counts and reports each, publishes only intact data, and never
/// traps.
@Suite struct DriversLinkTests {
    static let force = SIMD3(0.25, -0.5, 1.625)

    func imuRig(_ link: BenchLink, maxMessagesPerTick: Int = 64) throws -> (SensorRig<LanderIMUDevice>, LanderIMUEmulator) {
        let rig = try SensorRig<LanderIMUDevice>(link.flight, maxMessagesPerTick: maxMessagesPerTick)
        let emu = LanderIMUEmulator(link: link.device)
        emu.measurement = .init(specificForce: (0.25, -0.5, 1.625), angularRate: (0.01, -0.02, 0.0035))
        rig.bench.emulators = [emu]
        return (rig, emu)
    }

    @Test func corruptBytesAreRejectedByTheCRCAndNeverPublished() throws {
        // About one byte in 400 has a bit flipped: a few percent of the 17-byte frames.
        let link = BenchLink.make(.bytes, faults: FaultPlan.seeded(3).with(.corrupt, probability: 0.0025))
        let (rig, _) = try imuRig(link)
        rig.bench.run(milliseconds: 2_000)

        let got = drain(rig.samples)
        let corrupted = link.pair!.device.faults.corrupted
        #expect(corrupted > 5)
        // Every sample that got through is exactly what the device measured.
        #expect(got.allSatisfy { $0.specificForce == Self.force && $0.angularRate == SIMD3(0.01, -0.02, 0.0035) && $0.valid })
        #expect(got.count < 200 && got.count > 150)
        let rejected = try rig.bench.count("dev.Rejected")
        #expect(rejected >= 1 && rejected <= Double(corrupted))
        #expect(rejected == Double(rig.driver.endpoint.counts.rejected))
        // A lost half of a pair leaves the other half incomplete; lost samples show as gaps.
        #expect(try rig.bench.count("dev.Incomplete") + rig.bench.count("dev.Missed") > 0)
        let event = try #require(try rig.bench.events("dev.FramesRejected").first)
        let reason = try #require(DeviceRejection(rawValue: Int(event.args[0].doubleValue) - 1))
        #expect([.crcMismatch, .malformedEncoding, .tooShort, .missingID, .unknownID, .wrongLength].contains(reason))
        #expect(try rig.bench.health("dev") == .good)
    }

    @Test func garbageBetweenFramesIsCountedAndTheSamplesStayIntact() throws {
        let link = BenchLink.make(.bytes)
        let (rig, _) = try imuRig(link)
        var random = SeededRandom(seed: 11)
        rig.bench.beforeStep = { t in
            guard t.nanoseconds % 7_000_000 == 3_000_000 else { return }
            var junk = (0..<13).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            junk.append(0)  // ends the junk as a frame of its own
            link.inject(bytes: junk)
        }
        rig.bench.run(milliseconds: 500)
        let got = drain(rig.samples)
        #expect(got.count == 50)
        #expect(got.allSatisfy { $0.specificForce == Self.force })
        #expect(try rig.bench.count("dev.Rejected") >= 60)  // 71 chunks, a few may merge
        #expect(try rig.bench.value("dev.LastRejection") != .enumeration(0))
        #expect(try rig.bench.count("dev.Missed") == 0)
        #expect(try rig.bench.health("dev") == .good)
    }

    @Test func hostileCANFramesAreRejectedByReasonAndOtherDevicesIgnored() throws {
        let link = BenchLink.make(.can)
        let (rig, _) = try imuRig(link)
        let intruder = link.bus!.attach("intruder")
        rig.bench.run(milliseconds: 20)
        let frames: [CANFrame] = [
            try CANFrame(id: .standard(0x7FF), data: [1, 2]),  // unknown id
            try CANFrame(id: .standard(IMUAcceleration.id), data: [1, 2, 3]),  // short
            try CANFrame.remote(id: .standard(IMUAcceleration.id), length: 8),  // remote
            try CANFrame(id: .extended(0x1234), data: [0, 0, 0, 0, 0, 0, 0, 0]),  // extended id
        ]
        for f in frames { #expect(intruder.send(f) == .sent) }
        // A valid message for another device: not the IMU driver's.
        #expect(DeviceEndpoint(intruder).send(.legContact(LegContactStatus(counter: 0))) == .sent)
        rig.bench.run(milliseconds: 20)
        let counts = rig.driver.endpoint.counts
        #expect(counts.rejections[.unknownID] == 1 && counts.rejections[.wrongLength] == 1 && counts.rejections[.unsupportedFrame] == 2)
        #expect(try rig.bench.count("dev.Rejected") == 4)
        #expect(try rig.bench.count("dev.Ignored") == 1)
        #expect(try rig.bench.value("dev.LastRejection") == .enumeration(Int32(DeviceRejection.unsupportedFrame.rawValue) + 1))
        #expect(drain(rig.samples).count == 4)
        #expect(try rig.bench.health("dev") == .good)
    }

    @Test(arguments: DriverLink.allCases) func closedLinkIsLinkDown(_ kind: DriverLink) throws {
        let link = BenchLink.make(kind)
        let (rig, _) = try imuRig(link)
        rig.bench.run(milliseconds: 30)
        #expect(try rig.bench.health("dev") == .good)
        switch kind {
        case .bytes: link.pair!.device.close()  // the device end goes away: the flight end is lost
        case .can: link.flightNode!.close()  // the flight side's node is closed
        }
        rig.bench.run(milliseconds: 5)
        #expect(try rig.bench.health("dev") == .linkDown)
        rig.bench.run(milliseconds: 200)
        #expect(try rig.bench.health("dev") == .linkDown)
        #expect(try rig.bench.count("dev.LinkDownCount") == 1)
        #expect(try rig.bench.events("dev.HealthDegraded").map(\.args) == [[healthValue(.good), healthValue(.linkDown)]])
    }

    @Test func lostLinkComesBackAndTheCounterStartsAfresh() throws {
        // The pair disconnects at its 300th byte for 150 steps (one per tick here, and each write).
        let link = BenchLink.make(.bytes, faults: FaultPlan().with(.disconnect(steps: 150), at: 300))
        let (rig, emu) = try imuRig(link)
        rig.bench.pairs = [link.pair!.flight]
        #expect(rig.bench.run(until: { (try? rig.bench.health("dev")) == .linkDown }, milliseconds: 1_000))
        #expect(rig.bench.run(until: { (try? rig.bench.health("dev")) == .good }, milliseconds: 1_000))
        rig.bench.run(milliseconds: 100)
        #expect(emu.publication.sendFailures > 0)
        #expect(try rig.bench.count("dev.LinkDownCount") == 1)
        // The driver forgot the counter when the link came back: no gap, no backwards.
        #expect(try rig.bench.count("dev.Missed") == 0 && rig.bench.count("dev.Backwards") == 0)
        let degraded = try rig.bench.events("dev.HealthDegraded").map(\.args)
        #expect(degraded.first == [healthValue(.good), healthValue(.linkDown)])
        #expect(try rig.bench.events("dev.HealthRestored").count == 2)
    }

    @Test func aFloodIsDrainedAFewMessagesPerTick() throws {
        let link = BenchLink.make(.bytes)
        let rig = try SensorRig<LegContactDevice>(link.flight, maxMessagesPerTick: 8)
        let device = DeviceEndpoint(link.pair!.device)
        for i in 0..<100 { #expect(device.send(.legContact(LegContactStatus(contact: [.leg1], counter: UInt8(i)))) == .sent) }
        rig.bench.step()
        #expect(drain(rig.samples).count == 8)
        rig.bench.run(milliseconds: 20)
        #expect(drain(rig.samples).count == 92)
        #expect(try rig.bench.count("dev.DrainLimited") == 12)
        #expect(try rig.bench.count("dev.Samples") == 100)
        #expect(try rig.bench.count("dev.Missed") == 0)
    }

    @Test(arguments: DriverLink.allCases) func randomInputNeverTraps(_ kind: DriverLink) throws {
        let link = BenchLink.make(kind)
        let (rig, _) = try imuRig(link)
        let intruder = link.bus?.attach("intruder")
        var random = SeededRandom(seed: 99)
        var sent = 0
        rig.bench.beforeStep = { _ in
            for _ in 0..<4 {
                switch kind {
                case .bytes:
                    let n = Int(random.next() % 90)
                    link.inject(bytes: (0..<n).map { _ in UInt8(truncatingIfNeeded: random.next()) })
                case .can:
                    let r = random.next()
                    let id = UInt16(r % 0x800), n = Int((r >> 16) % 9)
                    let data = (0..<n).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    let frame = (r >> 40) % 8 == 0 ? try? CANFrame.remote(id: .standard(id), length: n) : try? CANFrame(id: .standard(id), data: data)
                    if let frame, intruder!.send(frame) == .sent { sent += 1 }
                }
            }
        }
        rig.bench.run(milliseconds: 1_000)
        let c = rig.driver.endpoint.counts
        #expect(c.rejected > 100)
        if kind == .can {
            // Every frame that arrived is accounted for: taken, ignored or rejected.
            #expect(c.received + c.ignored + c.rejected == sent + 200)
        }
        #expect(rig.driver.latest != nil)
        _ = drain(rig.samples)
        #expect(try rig.bench.count("dev.Samples") > 50)
    }
}
