import Devices
import FlightCore
import FlightHAL
import Simulator
import Testing

/// Every fault kind of docs/scenarios.md has an effect a flight-side endpoint sees (or, for
/// physics faults, the world's truth shows).
@Suite struct LanderRigFaultTests {
    /// Runs 1 s, applies `fault`, runs 1 s more; returns what the flight side got after it.
    func afterFault(_ fault: InjectedFault, transport: Transport = .bytes, firing: Bool = false) -> (LanderRig, FlightSide, [String: [DeviceMessage]]) {
        let (rig, fc) = Fixtures.lander(transport: transport)
        if firing {
            fc.send("engine", .engineCommand(EngineControllerCommand(throttle: 0, valve: .closed, arm: true, counter: 1)))
            rig.step(10)
            fc.send("engine", .engineCommand(EngineControllerCommand(throttle: 100, valve: .open, arm: true, counter: 2)))
        }
        rig.step(1_000)
        for d in LanderRig.devices { _ = fc.drain(d) }
        rig.apply(fault)
        rig.step(1_000)
        var got: [String: [DeviceMessage]] = [:]
        for d in LanderRig.devices { got[d] = fc.drain(d) }
        return (rig, fc, got)
    }

    @Test func sensorDropout() {
        let (_, _, got) = afterFault(.sensorDropout(.imu))
        let acc = got["imu"]!.accelerations
        #expect(acc.count >= 99 && acc.allSatisfy { !$0.valid })
        let (_, _, alt) = afterFault(.sensorDropout(.altimeter))
        #expect(!alt["altimeter"]!.beams.isEmpty && alt["altimeter"]!.beams.allSatisfy { !$0.rangeValid && !$0.rateValid })
        let (_, _, legs) = afterFault(.sensorDropout(.legs))
        #expect(legs["legs"]!.legs.allSatisfy { $0.valid.isEmpty })
        let (_, _, power) = afterFault(.sensorDropout(.power))
        #expect(power["power"]!.powers.allSatisfy { !$0.voltageValid })
        let (_, _, engine) = afterFault(.sensorDropout(.engine))
        #expect(engine["engine"]!.engineStatuses.allSatisfy { !$0.thrustValid })
        let (_, _, attitude) = afterFault(.sensorDropout(.attitude))
        #expect(attitude["attitude"]!.attitudeStatuses.allSatisfy { !$0.valid })
    }

    @Test func biasStep() {
        let (_, _, got) = afterFault(.biasStep(.imu, channel: "accel-x", value: 2.0))
        let x = got["imu"]!.accelerations.map(\.x)
        #expect(abs(x.reduce(0, +) / Double(x.count) - 2.0) < 0.02)
        let (rig, _, _) = afterFault(.biasStep(.imu, channel: "no-such-channel", value: 1))
        #expect(rig.ignoredFaults == [.biasStep(.imu, channel: "no-such-channel", value: 1)])
    }

    @Test func stuckValue() {
        let (_, _, got) = afterFault(.stuck(.imu))
        let acc = got["imu"]!.accelerations.dropFirst()
        #expect(acc.count > 90 && Set(acc.map(\.x)).count == 1 && Set(acc.map(\.z)).count == 1)
        // Counters still advance: a live but frozen unit.
        #expect(Set(acc.map(\.counter)).count == acc.count)
    }

    @Test func altitudeStep() {
        let (rig, _, got) = afterFault(.altitudeStep(metres: 3_000))
        let b0 = got["altimeter"]!.beams.filter { $0.beam == 0 }.dropFirst()
        #expect(b0.allSatisfy { abs($0.range - (rig.truth.altitude + 3_000)) < 60 })
    }

    @Test func thrustLossDispersionFailure() {
        let max = LanderVehicle.changE.maxThrust
        let (loss, _, _) = afterFault(.thrustLoss(remaining: 0.5), firing: true)
        #expect(abs(loss.truth.thrust - 0.5 * max) < 0.02 * max)
        let (dispersed, _, _) = afterFault(.thrustDispersion(factor: 1.1), firing: true)
        #expect(abs(dispersed.truth.thrust - 1.1 * max) < 0.02 * max)
        let (failed, _, got) = afterFault(.engineFailure, firing: true)
        #expect(failed.truth.thrust < 0.01 * max)
        #expect(got["engine"]!.engineStatuses.last.map { $0.faults.contains(.flameout) && $0.thrust < 100 } == true)
    }

    /// Link loss: nothing from the device; what the flight side sends is dropped; when the
    /// link returns the counter shows the gap.
    @Test(arguments: Transport.allCases) func linkLoss(_ transport: Transport) {
        let (rig, fc, got) = afterFault(.linkLoss(.imu), transport: transport)
        #expect(got["imu"]!.isEmpty)
        #expect(!got["altimeter"]!.isEmpty)  // other devices carry on
        rig.apply(.linkLoss(.engine))
        fc.send("engine", .engineCommand(EngineControllerCommand(throttle: 0, valve: .closed, arm: true, counter: 9)))
        rig.step(100)
        #expect(rig.engine.acceptedCommands == 0)
        rig.remove(.linkLoss(.imu))
        rig.remove(.linkLoss(.engine))
        rig.step(100)
        #expect(rig.engine.acceptedCommands == 0)  // the dropped command is not delivered late
        let back = fc.drain("imu").accelerations
        #expect(back.count == 10 && back.first!.counter == 210)  // 100 samples before, 110 muted
    }

    /// Bus-off on the in-process CAN bus: error frames at the flight side, no traffic, then a
    /// restart; byte devices carry on.
    @Test func canBusOffOnSimulatedBus() {
        let (rig, fc, got) = afterFault(.canBusOff, transport: .can)
        #expect(got["imu"]!.isEmpty && got["engine"]!.isEmpty)
        #expect(fc.endpoints["imu"]!.counts.errorFrames >= 1)
        rig.remove(.canBusOff)
        rig.step(100)
        #expect(fc.drain("imu").accelerations.count == 10)
    }

    /// Bus-off where the rig cannot take the bus down (here: byte links stand in for "other
    /// transports"): only CAN devices would go quiet, so byte devices carry on.
    @Test func canBusOffOnByteLinksLeavesThemAlone() {
        let (_, _, got) = afterFault(.canBusOff, transport: .bytes)
        #expect(got["imu"]!.accelerations.count == 100)
    }
}

@Suite struct RoverRigFaultTests {
    func afterFault(_ fault: InjectedFault, transport: Transport = .can) -> (RoverRig, [String: [DeviceMessage]]) {
        let (rig, fc) = Fixtures.rover(transport: transport)
        var counter: UInt8 = 0
        func drive(_ steps: Int) {
            for _ in 0..<(steps / 10) {
                counter &+= 1
                RoverRigTests.drive(fc, speed: 0.3, counter: counter)
                rig.step(10)
            }
        }
        drive(200)
        for d in RoverRig.devices { _ = fc.drain(d) }
        rig.apply(fault)
        drive(200)
        var got: [String: [DeviceMessage]] = [:]
        for d in RoverRig.devices { got[d] = fc.drain(d) }
        return (rig, got)
    }

    @Test func wheelStall() {
        let (_, got) = afterFault(.wheelStall(wheel: 4))
        let w4 = got["wheels"]!.wheelStatuses.filter { $0.wheel == 4 }.dropFirst(2)
        #expect(!w4.isEmpty && w4.allSatisfy { $0.stall && $0.speed == 0 })
    }

    @Test func slipPatch() {
        let (rig, _) = afterFault(.slipPatch(east: 0, north: 0, radius: 5, slip: 0.8))
        #expect(rig.world.state.slip > 0.7)
    }

    @Test func motorOverCurrent() {
        let (_, got) = afterFault(.motorOverCurrent(wheel: 2, amperes: 6))
        let w2 = got["wheels"]!.wheelStatuses.filter { $0.wheel == 2 }.dropFirst(2)
        #expect(!w2.isEmpty && w2.allSatisfy { $0.overCurrent && $0.current > 6 })
        #expect(got["wheels"]!.wheelStatuses.filter { $0.wheel == 1 }.allSatisfy { !$0.overCurrent })
    }

    @Test func sensorFaults() {
        #expect(afterFault(.sensorDropout(.wheels)).1["wheels"]!.wheelStatuses.dropFirst(6).allSatisfy { !$0.valid })
        #expect(afterFault(.sensorDropout(.roverIMU)).1["rover-imu"]!.roverAttitudes.allSatisfy { !$0.gyroValid })
        #expect(afterFault(.sensorDropout(.hazard)).1["hazard"]!.hazards.allSatisfy { $0.valid.isEmpty })
        let stuck = afterFault(.stuck(.roverIMU)).1["rover-imu"]!.roverAttitudes.dropFirst()
        #expect(Set(stuck.map(\.roll)).count == 1)
        let biased = afterFault(.biasStep(.hazard, channel: "range", value: 1)).1["hazard"]!.hazards
        #expect(biased.contains { $0.center > 0 })
    }

    /// Link loss on the wheels: statuses stop, commands are dropped, the controllers time out
    /// and the rover stops.
    @Test(arguments: Transport.allCases) func linkLoss(_ transport: Transport) {
        let (rig, got) = afterFault(.linkLoss(.wheels), transport: transport)
        #expect(got["wheels"]!.isEmpty)
        #expect(rig.world.command == .stop && rig.wheels.allSatisfy(\.isTimedOut))
    }

    @Test func canBusOff() {
        let (rig, got) = afterFault(.canBusOff)
        #expect(got["wheels"]!.isEmpty && got["hazard"]!.isEmpty)
        #expect(rig.world.command == .stop)
    }
}
