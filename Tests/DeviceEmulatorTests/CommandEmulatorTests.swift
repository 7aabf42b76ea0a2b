import Devices
import FlightCore
import FlightHAL
import Simulator
import Testing

@Suite struct EngineControllerEmulatorTests {
    func status(_ fc: DeviceEndpoint) -> EngineControllerStatus? {
        var last: EngineControllerStatus?
        while let m = fc.receive() { if case .engineStatus(let s) = m { last = s } }
        return last
    }

    @Test(arguments: TestLink.allCases) func armThenFireThenShutdown(_ link: TestLink) throws {
        let (device, fc) = link.make()
        let engine = EngineControllerEmulator(link: device)
        var t: Int64 = 0
        func step() {
            t += 20
            engine.step(to: .milliseconds(t))
        }
        step()
        #expect(status(fc) == EngineControllerStatus(thrust: 0, counter: 0))

        // Opening without arming first is refused.
        _ = fc.send(.engineCommand(EngineControllerCommand(throttle: 60, valve: .open, arm: true, counter: 1)))
        step()
        #expect(engine.rejectedCommands(.notArmed) == 1 && engine.state == .init())

        _ = fc.send(.engineCommand(EngineControllerCommand(throttle: 0, valve: .closed, arm: true, counter: 2)))
        _ = fc.send(.engineCommand(EngineControllerCommand(throttle: 60, valve: .open, arm: true, counter: 3)))
        step()
        #expect(engine.state.isFiring && engine.state.armed && engine.state.throttle == 60)
        #expect(engine.latestCommand?.counter == 3 && engine.acceptedCommands == 2)
        // The caller's engine model answers; the status carries it and the controller's state.
        engine.measurement = .init(thrust: 4_500, chamberPressure: 0.6)
        step()
        let s = try #require(status(fc))
        #expect(s.valve == .open && s.armed && s.thrust == 4_500 && s.chamberPressure == 0.6 && s.commandCounter == 3)

        // A repeated counter is refused and changes nothing.
        _ = fc.send(.engineCommand(EngineControllerCommand(throttle: 10, valve: .hold, arm: true, counter: 3)))
        step()
        #expect(engine.rejectedCommands(.repeatedCounter) == 1 && engine.state.throttle == 60)

        // Hold keeps the valve open and changes the throttle.
        _ = fc.send(.engineCommand(EngineControllerCommand(throttle: 40, valve: .hold, arm: true, counter: 4)))
        step()
        #expect(engine.state.valve == .open && engine.state.throttle == 40)

        _ = fc.send(.engineCommand(EngineControllerCommand(throttle: 100, valve: .open, arm: true, shutdown: true, counter: 5)))
        step()
        #expect(engine.state == .init(armed: false, valve: .closed, throttle: 0, shutdownLatched: true))
        // Latched: re-arming is refused until a safe command acknowledges the shutdown.
        _ = fc.send(.engineCommand(EngineControllerCommand(throttle: 0, valve: .closed, arm: true, counter: 6)))
        step()
        #expect(engine.rejectedCommands(.shutdownLatched) == 1)
        _ = fc.send(.engineCommand(EngineControllerCommand(throttle: 0, valve: .closed, arm: false, counter: 7)))
        step()
        #expect(engine.state == .init() && engine.rejectedCommands == 3 && engine.acceptedCommands == 5)
        engine.measurement = .init(faults: [.valveFault])
        step()
        #expect(status(fc)?.valve == .fault)
    }

    @Test func malformedCommandsAreCountedByTheEndpoint() {
        let (fc, device) = SimulatedByteLink.pair()
        let engine = EngineControllerEmulator(link: .bytes(device))
        let junk: [UInt8] = [0, 9, 9, 9, 0, 0x03, 0x10, 0xFF, 0]
        _ = junk.withUnsafeBytes { fc.write($0) }
        engine.step(to: .zero)
        #expect(engine.endpoint.counts.rejected == 2 && engine.acceptedCommands == 0)
    }
}

@Suite struct WheelMotorEmulatorTests {
    @Test func sixWheelsOnOneBusTakeOnlyTheirOwnCommands() {
        let bus = SimulatedFrameBus(supportsFD: false)
        let fc = DeviceEndpoint(bus.attach("rover-fc", queueCapacity: 1024))
        let wheels = (0..<6).map { WheelMotorEmulator(wheel: $0, link: .frames(bus.attach("wheel\($0)"))) }
        for w in 0..<6 { _ = fc.send(.wheelCommand(WheelCommand(wheel: w, speed: 0.1 * Double(w + 1), counter: 1))) }
        for w in wheels { w.step(to: .zero) }
        #expect(wheels.map(\.commandedSpeed) == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map { $0 })
        // Each also saw the other five commands (and the statuses of the wheels stepped before it).
        #expect(wheels.allSatisfy { $0.endpoint.counts.ignored >= 5 && $0.acceptedCommands == 1 && $0.endpoint.counts.rejected == 0 })
        var statuses: [Int] = []
        while let m = fc.receive() { if case .wheelStatus(let s) = m { statuses.append(s.wheel) } }
        #expect(statuses == [0, 1, 2, 3, 4, 5])
    }

    @Test(arguments: TestLink.allCases) func statusFollowsTheCommandAndTimesOut(_ link: TestLink) throws {
        let (device, fc) = link.make()
        let wheel = WheelMotorEmulator(wheel: 3, link: device)
        _ = fc.send(.wheelCommand(WheelCommand(wheel: 3, speed: 0.375, counter: 1)))
        _ = fc.send(.wheelCommand(WheelCommand(wheel: 3, speed: 0.5, counter: 1)))  // repeated
        _ = fc.send(.wheelCommand(WheelCommand(wheel: 3, speed: 5, counter: 2)))  // too fast
        wheel.step(to: .zero)
        #expect(wheel.commandedSpeed == 0.375)
        #expect(wheel.rejectedCommands(.repeatedCounter) == 1 && wheel.rejectedCommands(.speedOutOfRange) == 1)
        wheel.measurement = .init(speed: 0.375, encoderTicks: 8_388_610, current: 2, stall: false, overCurrent: true)
        wheel.step(to: .milliseconds(50))
        var last: WheelStatus?
        while let m = fc.receive() { if case .wheelStatus(let s) = m { last = s } }
        let s = try #require(last)
        #expect(s.speed == 0.375 && s.current == 2 && s.encoderCount == -8_388_606 && s.overCurrent && s.enabled && !s.commandTimeout, "\(s)")
        // No command for more than 500 ms: stopped and flagged, until the next command.
        wheel.step(to: .milliseconds(501))
        #expect(wheel.commandedSpeed == 0 && wheel.isTimedOut && wheel.timeouts == 1)
        wheel.step(to: .milliseconds(550))
        while let m = fc.receive() { if case .wheelStatus(let s) = m { last = s } }
        #expect(last?.commandTimeout == true && last?.enabled == false)
        _ = fc.send(.wheelCommand(WheelCommand(wheel: 3, speed: -0.2, counter: 9)))
        wheel.step(to: .milliseconds(560))
        #expect(wheel.commandedSpeed == -0.2 && !wheel.isTimedOut)
    }
}

@Suite struct AttitudeControlEmulatorTests {
    func status(_ fc: DeviceEndpoint) -> AttitudeStatus? {
        var last: AttitudeStatus?
        while let m = fc.receive() { if case .attitudeStatus(let s) = m { last = s } }
        return last
    }

    @Test(arguments: TestLink.allCases) func targetsHoldAndRefusals(_ link: TestLink) throws {
        let (device, fc) = link.make()
        let acs = AttitudeControlEmulator(link: device)
        var t: Int64 = 0
        func step() {
            t += 100
            acs.step(to: .milliseconds(t))
        }
        step()
        #expect(status(fc)?.holding == true)

        _ = fc.send(.attitudeCommand(AttitudeCommand(axis: (0.6, 0, 0.8), counter: 1)))
        step()
        let target = try #require(acs.target)
        #expect(abs(target.x - 0.6) < 1e-4 && abs(target.z - 0.8) < 1e-4)
        acs.measurement = .init(pointingError: 12.5, bodyRate: 4)
        step()
        let slewing = try #require(status(fc))
        #expect(!slewing.settled && !slewing.holding && abs(slewing.pointingError - 12.5) < 0.001 && slewing.commandCounter == 1)
        acs.measurement = .init(pointingError: 0.2, bodyRate: 0.1)
        step()
        #expect(status(fc)?.settled == true)

        // A repeated counter and a vector that is not a unit vector are refused and counted.
        _ = fc.send(.attitudeCommand(AttitudeCommand(axis: (1, 0, 0), counter: 1)))
        _ = fc.send(.attitudeCommand(AttitudeCommand(axis: (0.3, 0, 0.3), counter: 2)))
        step()
        #expect(acs.rejectedCommands(.repeatedCounter) == 1 && acs.rejectedCommands(.notUnitAxis) == 1)
        #expect(abs(acs.target!.x - 0.6) < 1e-4)

        _ = fc.send(.attitudeCommand(AttitudeCommand(axis: (0, 0, 0), hold: true, counter: 3)))
        step()
        #expect(acs.target == nil && acs.acceptedCommands == 2)
        #expect(status(fc)?.holding == true)
    }
}
