import Devices
import FlightCore
import FlightHAL
import Simulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One protocol, any link: emulators behind the cross-process socket link and behind an
/// SLCAN adapter, with the flight side a plain DeviceEndpoint on the matching FlightHAL link.
@Suite(.serialized) struct EmulatorOnOtherLinksTests {
    @Test func engineControllerOverAUnixSocketByteLink() throws {
        let path = "/tmp/regolith-devices-\(getpid()).sock"
        let deviceSide = try UnixSocketByteLink.listening(at: path, name: "engine")
        defer { deviceSide.close() }
        let flightSide = UnixSocketByteLink.connecting(to: path, name: "fc")
        defer { flightSide.close() }
        let engine = EngineControllerEmulator(link: .bytes(deviceSide))
        let fc = DeviceEndpoint(flightSide)
        var t: Int64 = 0
        /// Steps the emulator (20 ms of simulated time per step, 1 ms of wall time for the
        /// link's reader threads) until `done` or 2,000 steps.
        func run(until done: () -> Bool) -> Bool {
            for _ in 0..<2_000 {
                t += 20
                engine.step(to: .milliseconds(t))
                if done() { return true }
                usleep(1_000)
            }
            return false
        }
        var last: EngineControllerStatus?
        func latest() -> EngineControllerStatus? {
            while let m = fc.receive() { if case .engineStatus(let s) = m { last = s } }
            return last
        }
        #expect(run { deviceSide.state == .open && latest() != nil })
        #expect(fc.send(.engineCommand(EngineControllerCommand(valve: .closed, arm: true, counter: 1))) == .sent)
        #expect(run { engine.state.armed })
        #expect(fc.send(.engineCommand(EngineControllerCommand(throttle: 80, valve: .open, arm: true, counter: 2))) == .sent)
        #expect(run { engine.state.isFiring })
        engine.measurement = .init(thrust: 6_000, chamberPressure: 0.8)
        #expect(run { latest()?.thrust == 6_000 })
        #expect(last?.valve == .open && last?.commandCounter == 2)
        #expect(fc.counts.rejected == 0 && engine.endpoint.counts.rejected == 0)
    }

    @Test func wheelBehindAnSLCANAdapter() throws {
        // Flight side: SLCANLink over a byte pair to the adapter emulator, whose CAN side is a
        // simulated bus with the wheel controller on it.
        let (host, adapterBytes) = SimulatedByteLink.pair("host", "adapter")
        let bus = SimulatedFrameBus(supportsFD: false)
        let adapter = SLCANAdapterEmulator(byteSide: adapterBytes, canSide: bus.attach("adapter"))
        let slcan = SLCANLink(over: host)
        let wheel = WheelMotorEmulator(wheel: 1, link: .frames(bus.attach("wheel1")))
        let fc = DeviceEndpoint(slcan)
        func settle() {
            for _ in 0..<4 {
                slcan.pump()
                _ = adapter.pump()
            }
        }
        slcan.open()
        settle()
        #expect(slcan.state == .open)
        #expect(fc.send(.wheelCommand(WheelCommand(wheel: 1, speed: -0.25, counter: 1))) == .sent)
        settle()
        wheel.measurement = .init(speed: -0.25, encoderTicks: -1_234, current: 1.5)
        wheel.step(to: .zero)
        settle()
        #expect(wheel.commandedSpeed == -0.25 && wheel.acceptedCommands == 1)
        var got: WheelStatus?
        while let m = fc.receive() { if case .wheelStatus(let s) = m { got = s } }
        #expect(got == WheelStatus(wheel: 1, speed: -0.25, current: 1.5, encoderCount: -1_234, counter: 0))
    }
}
