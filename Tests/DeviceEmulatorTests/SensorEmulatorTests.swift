import Devices
import FlightCore
import FlightHAL
import Simulator
import Testing

/// The two links every emulator must work on: a simulated byte pair (what a PTY or serial
/// port looks like) and a simulated CAN bus.
enum TestLink: String, CaseIterable, Sendable {
    case bytes, can

    /// (the emulator's end, the flight driver's endpoint)
    func make() -> (DeviceEndpoint.Link, DeviceEndpoint) {
        switch self {
        case .bytes:
            let (fc, device) = SimulatedByteLink.pair("fc", "device", capacity: 1 << 16)
            return (.bytes(device), DeviceEndpoint(fc))
        case .can:
            let bus = SimulatedFrameBus(supportsFD: false)
            let device = bus.attach("device", queueCapacity: 1024)
            return (.frames(device), DeviceEndpoint(bus.attach("fc", queueCapacity: 4096)))
        }
    }
}

/// Steps an emulator every millisecond from `from` (exclusive) to `to` (inclusive).
func run(_ e: some DeviceEmulator, from: Int64 = -1, to: Int64) {
    for ms in (from + 1)...to { e.step(to: .milliseconds(ms)) }
}

func drain(_ fc: DeviceEndpoint) -> [DeviceMessage] {
    var got: [DeviceMessage] = []
    while let m = fc.receive() { got.append(m) }
    return got
}

@Suite struct SensorEmulatorTests {
    @Test(arguments: TestLink.allCases) func imuPublishesPairedSamplesAt100Hz(_ link: TestLink) {
        let (device, fc) = link.make()
        let imu = LanderIMUEmulator(link: device)
        imu.measurement = .init(specificForce: (0.25, -0.5, 1.625), angularRate: (0.01, -0.02, 0.0035))
        run(imu, to: 99)  // t = 0, 10, ..., 90 ms: ten samples
        let got = drain(fc)
        #expect(got.count == 20)
        for (i, pair) in stride(from: 0, to: got.count, by: 2).map({ (got[$0], got[$0 + 1]) }).enumerated() {
            #expect(pair.0 == .imuAcceleration(IMUAcceleration(x: 0.25, y: -0.5, z: 1.625, counter: UInt8(i))))
            #expect(pair.1 == .imuRate(IMURate(x: 0.01, y: -0.02, z: 0.0035, counter: UInt8(i))))
        }
        #expect(imu.publication.published == 10 && imu.publication.sendFailures == 0)
    }

    @Test(arguments: TestLink.allCases) func altimeterSendsFourBeamsPerSampleWithValidity(_ link: TestLink) {
        let (device, fc) = link.make()
        let alt = AltimeterEmulator(link: device)
        alt.measurement.beams = [
            .init(range: 2_000.5, rangeRate: -38.25, rangeValid: true, rateValid: true),
            .init(range: 2_100, rangeRate: -37, rangeValid: true, rateValid: false),
            .init(),
        ]
        run(alt, to: 50)  // 0, 50 ms
        let got = drain(fc)
        #expect(got.count == 8)
        #expect(got[0] == .altimeterBeam(AltimeterBeam(beam: 0, range: 2_000.5, rangeRate: -38.25, counter: 0)))
        #expect(got[1] == .altimeterBeam(AltimeterBeam(beam: 1, range: 2_100, rangeRate: -37, rateValid: false, counter: 0)))
        // A beam the measurement leaves out is sent, invalid.
        #expect(got[3] == .altimeterBeam(AltimeterBeam(beam: 3, range: 0, rangeRate: 0, rangeValid: false, rateValid: false, counter: 0)))
        #expect(got[7] == .altimeterBeam(AltimeterBeam(beam: 3, range: 0, rangeRate: 0, rangeValid: false, rateValid: false, counter: 1)))
    }

    @Test(arguments: TestLink.allCases) func legsPowerRoverIMUAndHazardFollowTheirMeasurement(_ link: TestLink) {
        let (device, fc) = link.make()
        let legs = LegContactEmulator(link: device)
        legs.measurement = .init(contact: [.leg2], valid: [.leg1, .leg2, .leg3])
        run(legs, to: 0)
        #expect(drain(fc) == [.legContact(LegContactStatus(contact: [.leg2], valid: [.leg1, .leg2, .leg3], counter: 0))])

        let (d2, fc2) = link.make()
        let power = PowerUnitEmulator(link: d2)
        power.measurement = .init(busVoltage: 27.5, busCurrent: 12.25, stateOfCharge: 80.5, faults: [.busOvercurrent])
        run(power, to: 1_000)  // 0, 500, 1000 ms at 2 Hz
        #expect(drain(fc2).map(\.id) == [0x300, 0x300, 0x300])

        let (d3, fc3) = link.make()
        let rover = RoverIMUEmulator(link: d3)
        rover.measurement = .init(roll: 0.125, pitch: -0.25, headingRate: 0.0123, gyroValid: false)
        run(rover, to: 0)
        #expect(drain(fc3) == [.roverAttitude(RoverAttitude(roll: 0.125, pitch: -0.25, headingRate: 0.0123, gyroValid: false, counter: 0))])

        let (d4, fc4) = link.make()
        let hazard = HazardRangeEmulator(link: d4)
        hazard.measurement = .init(left: 2.75, center: nil, right: 1.5, valid: [.left, .center])
        run(hazard, to: 0)
        // Centre has no return (clear); right is broken: invalid, and not "no return".
        #expect(drain(fc4) == [.hazardRange(HazardRange(left: 2.75, center: 0, right: 1.5, valid: [.left, .center], noReturn: [.center], counter: 0))])
    }

    @Test func coarseStepsPublishOnceAndCountTheSkippedPeriods() {
        let (device, fc) = TestLink.bytes.make()
        let imu = LanderIMUEmulator(link: device)
        imu.step(to: .zero)
        imu.step(to: .milliseconds(35))  // due at 10, 20, 30: one sent, two skipped
        imu.step(to: .milliseconds(20))  // backwards: ignored
        #expect(drain(fc).count == 4)
        #expect(imu.publication.schedule.skipped == 2)
        #expect(imu.publication.schedule.nextDue == .milliseconds(40))
    }

    @Test func mutedAndFrozenOutputsShowAsStaleAndRepeatedToADriver() {
        let (device, fc) = TestLink.can.make()
        let legs = LegContactEmulator(link: device)
        var check = SequenceCheck()
        run(legs, to: 20)  // counters 0, 1, 2
        legs.publication.faults.muted = true
        run(legs, from: 20, to: 50)  // 3, 4, 5 lost
        legs.publication.faults = .init(frozenCounter: true)
        run(legs, from: 50, to: 70)  // 6, 6
        var seen: [SequenceCheck.Observation] = []
        for m in drain(fc) {
            if case .legContact(let s) = m { seen.append(check.observe(s.counter)) }
        }
        #expect(seen == [.first, .next, .next, .gap(missed: 3), .repeated])
        #expect(legs.publication.muted == 3)
    }

    @Test func twoRunsProduceTheSameBytes() {
        func bytes() -> [UInt8] {
            let (fc, device) = SimulatedByteLink.pair(capacity: 1 << 16)
            let imu = LanderIMUEmulator(link: .bytes(device))
            for ms in 0..<200 {
                imu.measurement.specificForce.z = 1.62 + Double(ms) * 0.001
                imu.step(to: .milliseconds(Int64(ms)))
            }
            var b = [UInt8](repeating: 0, count: 1 << 16)
            let n = b.withUnsafeMutableBytes { fc.read(into: $0) }
            return Array(b[0..<n])
        }
        let a = bytes()
        #expect(a.count == 20 * 2 * 17)
        #expect(a == bytes())
    }

    @Test func aSensorCountsWhatArrivesOnItsLinkWithoutDeliveringIt() {
        let (device, fc) = TestLink.bytes.make()
        let imu = LanderIMUEmulator(link: device)
        _ = fc.send(.engineCommand(EngineControllerCommand(counter: 1)))
        run(imu, to: 0)
        #expect(imu.endpoint.counts.ignored == 1 && imu.endpoint.counts.received == 0)
    }
}
