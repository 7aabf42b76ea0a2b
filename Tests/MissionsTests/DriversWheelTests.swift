import Devices
import FlightCore
import FlightHAL
import Missions
import Simulator
import Testing

/// The wheel driver (instance `wheels`) on the rover's topics, with six wheel controller
/// emulators sharing a simulated CAN bus, or one (wheel 0) on a byte pair.
struct WheelRig {
    let bench: DriverBench
    let driver: WheelMotorsDriver
    let topics: RoverTopics
    let status: Subscription<WheelStatusSample>
    let wheels: [WheelMotorEmulator]

    /// A multi-drop hub: one byte link to the flight computer, one to each controller. It
    /// passes WHEELn_CMD to wheel n and every status back, whole messages at a time.
    final class Hub: DeviceEmulator {
        let endpoint: DeviceEndpoint
        let drops: [DeviceEndpoint]
        init(flight: SimulatedByteLink, drops: [SimulatedByteLink]) {
            endpoint = DeviceEndpoint(flight)
            self.drops = drops.map { DeviceEndpoint($0) }
        }
        func step(to time: FlightDuration) {
            while let m = endpoint.receive() {
                if case .wheelCommand(let c) = m, drops.indices.contains(c.wheel) { _ = drops[c.wheel].send(m) }
            }
            for d in drops {
                while let m = d.receive() { _ = endpoint.send(m) }
            }
        }
    }

    init(_ kind: DriverLink, hub: Bool = false) throws {
        let flight: DeviceEndpoint.Link
        var wheels: [WheelMotorEmulator] = []
        var hubEmulator: Hub?
        switch kind {
        case .can:
            let bus = SimulatedFrameBus(supportsFD: false)
            flight = .frames(bus.attach("fc", queueCapacity: 4096))
            for w in 0..<6 { wheels.append(WheelMotorEmulator(wheel: w, link: .frames(bus.attach("wheel\(w)")))) }
        case .bytes where hub:
            let (fc, hubEnd) = SimulatedByteLink.pair("fc", "hub", capacity: 1 << 16)
            flight = .bytes(fc)
            var drops: [SimulatedByteLink] = []
            for w in 0..<6 {
                let (hubDrop, wheelEnd) = SimulatedByteLink.pair("hub\(w)", "wheel\(w)", capacity: 1 << 14)
                drops.append(hubDrop)
                wheels.append(WheelMotorEmulator(wheel: w, link: .bytes(wheelEnd)))
            }
            hubEmulator = Hub(flight: hubEnd, drops: drops)
        case .bytes:
            let (fc, device) = SimulatedByteLink.pair("fc", "wheel0", capacity: 1 << 16)
            flight = .bytes(fc)
            wheels.append(WheelMotorEmulator(wheel: 0, link: .bytes(device)))
        }
        var parts: (WheelMotorsDriver, RoverTopics, Subscription<WheelStatusSample>)?
        bench = try DriverBench { b in
            let topics = try RoverTopics(on: b.bus)
            let status = try topics.wheelStatus.subscribe("test", capacity: 1024)
            let d = try WheelMotorsDriver(link: flight, publishing: topics.wheelStatus, following: topics.wheelDemand)
            parts = (d, topics, status)
            b.add(d)
            return RateGroup("devices", d)
        }
        (driver, topics, status) = parts!
        self.wheels = wheels
        // The hub passes the commands on before the controllers step, and their statuses after.
        bench.emulators = hubEmulator.map { [$0] + wheels + [$0] } ?? wheels
    }

    func demand(_ d: WheelSpeedDemand) { topics.wheelDemand.publish(d) }
    var speeds: [Double] { wheels.map(\.commandedSpeed) }
}

@Suite struct DriversWheelTests {
    @Test func sixWheelsOnOneBusFollowTheDemandAndReportFieldByField() throws {
        let rig = try WheelRig(.can)
        for (w, e) in rig.wheels.enumerated() {
            e.measurement = .init(speed: 0.25 * Double(w + 1), encoderTicks: Int64(1_000 * w), current: 0.5 + 0.25 * Double(w))
        }
        rig.demand(.sides(left: 1, right: -0.5))
        rig.bench.run(milliseconds: 100)
        #expect(rig.speeds == [1, 1, 1, -0.5, -0.5, -0.5])
        #expect(rig.wheels.allSatisfy { $0.isEnabled && $0.rejectedCommands == 0 })

        for (w, e) in rig.wheels.enumerated() { e.measurement.encoderTicks += Int64(10 * (w + 1)) }
        rig.bench.run(milliseconds: 100)
        let s = try #require(rig.driver.latest)
        for w in 0..<6 {
            #expect(s.speed[w] == 0.25 * Double(w + 1))
            #expect(abs(s.current[w] - (0.5 + 0.25 * Double(w))) <= 0.002 + 1e-9, "the current is sent in steps of 4 mA")
            #expect(s.encoderTicks[w] == Int64(10 * (w + 1)), "counts since the driver's first status")
        }
        #expect(s.valid == 0x3F && s.enabled == 0x3F && s.fresh == 0x3F)
        #expect(s.stall == 0 && s.overCurrent == 0 && s.commandTimeout == 0)
        #expect(try rig.bench.health("wheels") == .good)
        #expect(try rig.bench.value("wheels.StaleWheels") == .u8(0))
        #expect(try rig.bench.count("wheels.Ignored") == 0)
        // All six at 20 Hz, in phase: one sample per 50 ms, each after all six arrived.
        let samples = drain(rig.status)
        #expect(samples.count == 4)
        #expect(samples.map(\.sequence) == [1, 2, 3, 4])
    }

    @Test func sixWheelsBehindAHubOnOneByteLink() throws {
        let rig = try WheelRig(.bytes, hub: true)
        for (w, e) in rig.wheels.enumerated() { e.measurement = .init(speed: -0.125 * Double(w), current: 1) }
        rig.demand(.sides(left: 0.75, right: 1.25))
        rig.bench.run(milliseconds: 300)
        #expect(rig.speeds == [0.75, 0.75, 0.75, 1.25, 1.25, 1.25])
        let s = try #require(rig.driver.latest)
        #expect((0..<6).allSatisfy { s.speed[$0] == -0.125 * Double($0) })
        #expect(s.fresh == 0x3F && s.enabled == 0x3F)
        #expect(try rig.bench.health("wheels") == .good)
        #expect(try rig.bench.count("wheels.Rejected") == 0 && rig.bench.count("wheels.Missed") == 0)
    }

    @Test func encoderCountsAreUnwrappedAcrossThe24BitWrap() throws {
        let rig = try WheelRig(.can)
        let top = Int64(1 << 23)
        rig.wheels[0].measurement.encoderTicks = top - 100
        rig.bench.run(milliseconds: 10)
        rig.wheels[0].measurement.encoderTicks = top + 150  // wraps to a large negative count
        rig.bench.run(milliseconds: 50)
        rig.wheels[0].measurement.encoderTicks = top - 20  // and back
        rig.bench.run(milliseconds: 50)
        #expect(rig.driver.latest?.encoderTicks[0] == 80)
    }

    @Test func oneWheelOnAByteLinkLeavesTheOthersStale() throws {
        let rig = try WheelRig(.bytes)
        rig.demand(.sides(left: 0.5, right: 0.5))
        rig.bench.run(milliseconds: 400)
        #expect(rig.wheels[0].commandedSpeed == 0.5)
        // Its endpoint takes only its own command; the other five it ignores.
        #expect(rig.wheels[0].endpoint.counts.ignored == 5 * rig.wheels[0].acceptedCommands)
        #expect(try rig.bench.health("wheels") == .stale)
        #expect(try rig.bench.value("wheels.StaleWheels") == .u8(0x3E))
        #expect(rig.driver.latest?.fresh == 0x01)
        #expect(try rig.bench.events("wheels.WheelsStale").map(\.args) == [[.u8(0x3E)]])
    }

    @Test func aSilentWheelMakesTheDriverStaleAndSaysWhich() throws {
        let rig = try WheelRig(.can)
        rig.bench.run(milliseconds: 100)
        #expect(try rig.bench.health("wheels") == .good)
        rig.wheels[4].publication.faults.muted = true
        rig.bench.run(milliseconds: 400)
        #expect(try rig.bench.health("wheels") == .stale)
        #expect(try rig.bench.value("wheels.StaleWheels") == .u8(0x10))
        #expect(rig.driver.latest?.fresh == 0x2F)
        rig.wheels[4].publication.faults.muted = false
        rig.bench.run(milliseconds: 100)
        #expect(try rig.bench.health("wheels") == .good)
        #expect(try rig.bench.count("wheels.Missed") > 0)
    }

    @Test func noDemandForTheTimeoutStopsTheWheels() throws {
        let rig = try WheelRig(.can)
        rig.demand(.sides(left: 1, right: 1))
        rig.bench.run(milliseconds: 900)
        #expect(rig.speeds == [1, 1, 1, 1, 1, 1])
        rig.bench.run(milliseconds: 200)
        #expect(rig.speeds == [0, 0, 0, 0, 0, 0])
        #expect(rig.wheels.allSatisfy { !$0.isEnabled && $0.timeouts == 0 })
        #expect(try rig.bench.count("wheels.DemandTimeouts") == 1)
        #expect(try rig.bench.events("wheels.DemandTimedOut").count == 1)
        rig.demand(.sides(left: -1, right: 1))
        rig.bench.run(milliseconds: 50)
        #expect(rig.speeds == [-1, -1, -1, 1, 1, 1])
    }

    @Test func speedsAreClampedToMaxSpeedAndBadOnesAreZero() throws {
        let rig = try WheelRig(.can)
        rig.demand(.sides(left: 5, right: -3))
        rig.bench.run(milliseconds: 50)
        #expect(rig.speeds == [2, 2, 2, -2, -2, -2])
        #expect(rig.wheels.allSatisfy { $0.rejectedCommands == 0 })
        #expect(try rig.bench.count("wheels.SpeedClamped") == 1)
        #expect(try rig.bench.send("wheels.MAX_SPEED_PRM_SET", [.value(.f64(0.5))]) == .ok)
        rig.demand(.sides(left: 1, right: .nan))
        rig.bench.run(milliseconds: 50)
        #expect(rig.speeds == [0.5, 0.5, 0.5, 0, 0, 0])
        #expect(try rig.bench.count("wheels.InvalidDemands") == 1)
    }

    @Test func stopManualAndFollowDemandCommands() throws {
        let rig = try WheelRig(.can)
        rig.demand(.sides(left: 1, right: 1))
        rig.bench.run(milliseconds: 50)
        #expect(try rig.bench.send("wheels.WHEELS_STOP") == .ok)
        rig.bench.run(milliseconds: 20)
        #expect(rig.speeds == [0, 0, 0, 0, 0, 0] && rig.wheels.allSatisfy { !$0.isEnabled })
        #expect(try rig.bench.send("wheels.WHEELS_MANUAL", [.value(.f64(0.3)), .value(.f64(-0.3))]) == .ok)
        rig.bench.run(milliseconds: 20)
        #expect(rig.speeds == [0.3, 0.3, 0.3, -0.3, -0.3, -0.3])
        rig.demand(.sides(left: 1.5, right: 1.5))
        #expect(try rig.bench.send("wheels.WHEELS_FOLLOW_DEMAND") == .ok)
        rig.bench.run(milliseconds: 20)
        #expect(rig.speeds == [1.5, 1.5, 1.5, 1.5, 1.5, 1.5])
        #expect(try rig.bench.events("wheels.SourceChanged").map(\.args) == [[.enumeration(2)], [.enumeration(1)], [.enumeration(0)]])
    }

    @Test func stallAndOverCurrentAreReported() throws {
        let rig = try WheelRig(.can)
        rig.bench.run(milliseconds: 60)
        rig.wheels[2].measurement.stall = true
        rig.wheels[5].measurement.overCurrent = true
        rig.bench.run(milliseconds: 60)
        let s = try #require(rig.driver.latest)
        #expect(s.stall == 0x04 && s.overCurrent == 0x20)
        #expect(s.bit(s.stall, wheel: 2) && !s.bit(s.stall, wheel: 1))
        #expect(try rig.bench.value("wheels.StalledWheels") == .u8(0x04))
        let events = try rig.bench.events("wheels.WheelFaults").map(\.args)
        #expect(events.last == [.u8(0x04), .u8(0x20)])
    }
}
