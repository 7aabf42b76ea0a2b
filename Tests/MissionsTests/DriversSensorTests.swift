import Devices
import FlightCore
import FlightHAL
import Missions
import Simulator
import Testing

/// One sensor driver (instance `dev`) in a lockstep bench with a test subscriber on its topic.
struct SensorRig<D: SensorDevice> {
    let bench: DriverBench
    let driver: SensorDriver<D>
    let samples: Subscription<D.Sample>

    init(_ link: DeviceEndpoint.Link, staleTimeout: FlightDuration = D.defaultStaleTimeout, maxMessagesPerTick: Int = 64) throws {
        var driver: SensorDriver<D>?
        var samples: Subscription<D.Sample>?
        bench = try DriverBench { b in
            let topic = try b.bus.topic(TopicID(0x7F00), "Samples", of: D.Sample.self)
            samples = try topic.subscribe("test", capacity: 1024)
            let d = SensorDriver<D>(name: "dev", link: link, publishing: topic, staleTimeout: staleTimeout, maxMessagesPerTick: maxMessagesPerTick)
            driver = d
            b.add(d)
            return RateGroup("devices", d)
        }
        self.driver = driver!
        self.samples = samples!
    }
}

@Suite struct DriversSensorTests {
    // MARK: Samples, field by field

    @Test(arguments: DriverLink.allCases) func imuPairsBothMessagesIntoOneSample(_ kind: DriverLink) throws {
        let link = BenchLink.make(kind)
        let rig = try SensorRig<LanderIMUDevice>(link.flight)
        let emu = LanderIMUEmulator(link: link.device)
        emu.measurement = .init(specificForce: (0.25, -0.5, 1.625), angularRate: (0.01, -0.02, 0.0035))
        rig.bench.emulators = [emu]
        rig.bench.run(milliseconds: 100)  // the emulator publishes at 0, 10, ..., 90 ms

        let got = drain(rig.samples)
        #expect(got.count == 10)
        for (i, s) in got.enumerated() {
            #expect(s.specificForce == SIMD3(0.25, -0.5, 1.625))
            #expect(s.angularRate == SIMD3(0.01, -0.02, 0.0035))
            #expect(s.valid && !s.saturated)
            #expect(s.sequence == UInt32(i + 1))
            #expect(s.deviceCounter == UInt8(i))
            // Read on the tick after the emulator's step: 1 ms after each publication.
            #expect(s.time == UInt64(i * 10 + 1) * 1_000_000)
        }
        #expect(rig.driver.latest == got.last)
        #expect(try rig.bench.health("dev") == .good)
        #expect(try rig.bench.count("dev.Samples") == 10)
        for c in ["Repeated", "Missed", "Backwards", "Incomplete", "Invalid", "Rejected", "StaleCount", "LinkDownCount"] {
            #expect(try rig.bench.count("dev.\(c)") == 0, "\(c)")
        }
        #expect(try rig.bench.events("dev.HealthRestored").map(\.args) == [[healthValue(.waiting)]])
    }

    @Test(arguments: DriverLink.allCases) func imuValidityAndSaturationComeThrough(_ kind: DriverLink) throws {
        let link = BenchLink.make(kind)
        let rig = try SensorRig<LanderIMUDevice>(link.flight)
        let emu = LanderIMUEmulator(link: link.device)
        rig.bench.emulators = [emu]
        rig.bench.run(milliseconds: 30)
        emu.measurement = .init(specificForce: (40, 0, 0), angularRate: (0, 0, 0), valid: false, saturated: true)
        rig.bench.run(milliseconds: 30)
        let got = drain(rig.samples)
        #expect(got.map(\.valid) == [true, true, true, false, false, false])
        #expect(got.last?.saturated == true)
        #expect(got.last?.specificForce.x == 32.767)  // the sensor's range: it saturates, never wraps
        #expect(try rig.bench.health("dev") == .invalid)
        #expect(try rig.bench.count("dev.Invalid") == 3)
        #expect(try rig.bench.value("dev.Saturated") == .bool(true))
        #expect(try rig.bench.events("dev.HealthDegraded").map(\.args) == [[healthValue(.good), healthValue(.invalid)]])
    }

    @Test(arguments: DriverLink.allCases) func altimeterPutsFourBeamsTogether(_ kind: DriverLink) throws {
        let link = BenchLink.make(kind)
        let rig = try SensorRig<AltimeterDevice>(link.flight)
        let emu = AltimeterEmulator(link: link.device)
        emu.measurement.beams = [
            .init(range: 2_000.5, rangeRate: -38.25, rangeValid: true, rateValid: true),
            .init(range: 2_100, rangeRate: -37, rangeValid: true, rateValid: false),
            .init(range: 0, rangeRate: 12.5, rangeValid: false, rateValid: true),
            .init(),
        ]
        rig.bench.emulators = [emu]
        rig.bench.run(milliseconds: 100)  // 0 and 50 ms at 20 Hz
        let got = drain(rig.samples)
        #expect(got.count == 2)
        let s = try #require(got.last)
        #expect(s.range == SIMD4(2_000.5, 2_100, 0, 0))
        #expect(s.rangeRate == SIMD4(-38.25, -37, 12.5, 0))
        #expect(s.rangeValid == 0b0011 && s.rateValid == 0b0101)
        #expect(s.isRangeValid(1) && !s.isRangeValid(2) && s.isRateValid(2) && !s.isRateValid(3))
        #expect(s.sequence == 2 && s.deviceCounter == 1 && s.time == 51_000_000)
        #expect(try rig.bench.health("dev") == .good)
        #expect(try rig.bench.value("dev.RangeLocks") == .u8(0b0011))
    }

    @Test(arguments: DriverLink.allCases) func legsPowerRoverIMUAndHazardConvertToSI(_ kind: DriverLink) throws {
        do {
            let link = BenchLink.make(kind)
            let rig = try SensorRig<LegContactDevice>(link.flight)
            let emu = LegContactEmulator(link: link.device)
            emu.measurement = .init(contact: [.leg2, .leg3], valid: [.leg1, .leg2, .leg4])
            rig.bench.emulators = [emu]
            rig.bench.run(milliseconds: 10)
            let s = try #require(drain(rig.samples).last)
            #expect(s.contact == 0b0110 && s.valid == 0b1011)
            #expect(s.validContacts == 1 && s.isInContact(leg: 2) && !s.isInContact(leg: 3))
            #expect(try rig.bench.value("dev.Contact") == .u8(0b0110))
        }
        do {
            let link = BenchLink.make(kind)
            let rig = try SensorRig<PowerUnitDevice>(link.flight)
            let emu = PowerUnitEmulator(link: link.device)
            emu.measurement = .init(busVoltage: 27.5, busCurrent: -12.25, stateOfCharge: 80.5, faults: [.busOvercurrent], chargeValid: false)
            rig.bench.emulators = [emu]
            rig.bench.run(milliseconds: 10)
            let s = try #require(drain(rig.samples).last)
            #expect(s.busVoltage == 27.5 && s.busCurrent == -12.25 && s.stateOfCharge == 0.805)
            #expect(s.faults == PowerStatus.Faults.busOvercurrent.rawValue)
            #expect(s.voltageValid && s.currentValid && !s.chargeValid)
            #expect(try rig.bench.value("dev.StateOfCharge") == .f64(0.805))
        }
        do {
            let link = BenchLink.make(kind)
            let rig = try SensorRig<RoverIMUDevice>(link.flight)
            let emu = RoverIMUEmulator(link: link.device)
            emu.measurement = .init(roll: 0.125, pitch: -0.25, headingRate: 0.0123, gyroValid: false)
            rig.bench.emulators = [emu]
            rig.bench.run(milliseconds: 10)
            let s = try #require(drain(rig.samples).last)
            #expect(s.roll == 0.125 && s.pitch == -0.25 && s.headingRate == 0.0123)
            #expect(s.inclinometerValid && !s.gyroValid)
            #expect(try rig.bench.health("dev") == .good)  // one of two is enough
        }
        do {
            let link = BenchLink.make(kind)
            let rig = try SensorRig<HazardRangeDevice>(link.flight)
            let emu = HazardRangeEmulator(link: link.device)
            emu.measurement = .init(left: 2.75, center: nil, right: 1.5, valid: [.left, .center])
            rig.bench.emulators = [emu]
            rig.bench.run(milliseconds: 10)
            let s = try #require(drain(rig.samples).last)
            #expect(s.range == SIMD3(2.75, 0, 1.5))
            #expect(s.valid == 0b011 && s.noReturn == 0b010)
            #expect(s.clearance(0) == 2.75 && s.clearance(1) == .infinity && s.clearance(2) == nil)
        }
    }

    // MARK: Stale, frozen, invalid

    @Test(arguments: DriverLink.allCases) func mutedDeviceGoesStaleAndComesBackWithAGap(_ kind: DriverLink) throws {
        let link = BenchLink.make(kind)
        let rig = try SensorRig<LegContactDevice>(link.flight, staleTimeout: .milliseconds(50))
        let emu = LegContactEmulator(link: link.device)
        rig.bench.emulators = [emu]
        rig.bench.run(milliseconds: 100)
        #expect(try rig.bench.health("dev") == .good)
        _ = drain(rig.samples)

        // The last sample arrived at 91 ms (published at 90, read on the next tick).
        emu.publication.faults.muted = true
        rig.bench.run(milliseconds: 30)  // to 130 ms: 39 ms of silence
        #expect(try rig.bench.health("dev") == .good, "silence up to the timeout is not stale")
        rig.bench.run(milliseconds: 30)  // 69 ms
        #expect(try rig.bench.health("dev") == .stale)
        rig.bench.run(milliseconds: 100)
        #expect(drain(rig.samples).isEmpty)
        #expect(try rig.bench.count("dev.StaleCount") == 1)
        #expect(try rig.bench.count("dev.SampleAge") > 0.15)

        emu.publication.faults.muted = false
        rig.bench.run(milliseconds: 20)
        #expect(try rig.bench.health("dev") == .good)
        #expect(drain(rig.samples).count == 2)
        // Muted from 100 to 259 ms: the 16 samples of 100...250 ms are lost, and the counter
        // of the one at 260 ms shows it.
        #expect(try rig.bench.count("dev.Missed") == 16)
        #expect(try rig.bench.events("dev.HealthDegraded").map(\.args) == [[healthValue(.good), healthValue(.stale)]])
        #expect(try rig.bench.events("dev.HealthRestored").map(\.args) == [[healthValue(.waiting)], [healthValue(.stale)]])
        let gap = try rig.bench.events("dev.SequenceAnomaly").map(\.args)
        #expect(gap == [[.enumeration(1), .u8(26), .u32(16)]])
    }

    @Test(arguments: DriverLink.allCases) func frozenCounterIsRepeatedDataNotFreshData(_ kind: DriverLink) throws {
        let link = BenchLink.make(kind)
        let rig = try SensorRig<LanderIMUDevice>(link.flight)
        let emu = LanderIMUEmulator(link: link.device)
        rig.bench.emulators = [emu]
        rig.bench.run(milliseconds: 50)
        #expect(drain(rig.samples).count == 5)
        emu.publication.faults.frozenCounter = true
        rig.bench.run(milliseconds: 200)
        // The first frozen publication carries the next counter (5); every later one repeats it.
        #expect(drain(rig.samples).count == 1)
        #expect(try rig.bench.count("dev.Repeated") == 2 * 19)
        #expect(try rig.bench.health("dev") == .stale)
        #expect(try rig.bench.events("dev.SequenceAnomaly").first?.args == [.enumeration(0), .u8(5), .u32(0)])
        // The anomaly event is throttled; the count is not.
        #expect(try rig.bench.events("dev.SequenceAnomaly").count == 20)
    }

    @Test func neverHeardFromIsWaitingThenStale() throws {
        let link = BenchLink.make(.can)
        let rig = try SensorRig<HazardRangeDevice>(link.flight, staleTimeout: .milliseconds(100))
        rig.bench.run(milliseconds: 50)
        #expect(try rig.bench.health("dev") == .waiting)
        #expect(try rig.bench.value("dev.SampleAge") == .f64(-1))
        rig.bench.run(milliseconds: 60)
        #expect(try rig.bench.health("dev") == .stale)
        #expect(try rig.bench.events("dev.HealthDegraded").map(\.args) == [[healthValue(.waiting), healthValue(.stale)]])
    }

    @Test func staleTimeoutIsAParameter() throws {
        let link = BenchLink.make(.bytes)
        let rig = try SensorRig<LegContactDevice>(link.flight)
        let emu = LegContactEmulator(link: link.device)
        rig.bench.emulators = [emu]
        #expect(try rig.bench.send("dev.STALE_TIMEOUT_PRM_SET", [.value(.f64(0.5))]) == .ok)
        rig.bench.run(milliseconds: 20)
        emu.publication.faults.muted = true
        rig.bench.run(milliseconds: 400)
        #expect(try rig.bench.health("dev") == .good)
        rig.bench.run(milliseconds: 200)
        #expect(try rig.bench.health("dev") == .stale)
    }

    @Test func resyncForgetsTheCounterAndClearCountsZeroesTheCounts() throws {
        let link = BenchLink.make(.can)
        let rig = try SensorRig<LegContactDevice>(link.flight)
        let emu = LegContactEmulator(link: link.device)
        rig.bench.emulators = [emu]
        rig.bench.run(milliseconds: 50)
        emu.publication.faults.frozenCounter = true
        rig.bench.run(milliseconds: 50)
        #expect(try rig.bench.count("dev.Repeated") == 4)
        // Muted from here for 50 ms: five counters lost.
        emu.publication.faults = .init(muted: true)
        #expect(try rig.bench.send("dev.CLEAR_COUNTS") == .ok)
        rig.bench.step()
        #expect(try rig.bench.count("dev.Repeated") == 0 && rig.bench.count("dev.Samples") == 0)
        #expect(try rig.bench.events("dev.CountsCleared").count == 1)

        // RESYNC before the device returns: no gap is counted.
        rig.bench.run(milliseconds: 49)
        #expect(try rig.bench.send("dev.RESYNC") == .ok)
        emu.publication.faults = .init()
        rig.bench.run(milliseconds: 30)
        #expect(try rig.bench.count("dev.Missed") == 0)
        #expect(try rig.bench.count("dev.Samples") == 3)
        #expect(try rig.bench.events("dev.Resynced").count == 1)
    }
}
