import Devices
import FlightCore
import FlightHAL
import Missions
import Simulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Drivers on a real pseudo-terminal, as on `Boards/sim-pty.yaml`: the emulator holds the PTY's
/// master, the driver opens its slave as a serial port (termios), and the bytes go through
/// the kernel and the serial port's reader thread. Simulated time runs in lockstep; each step
/// also lets 200 µs of wall time pass for the threads.
@Suite(.serialized) struct DriversPTYTests {
    @Test func imuAndEngineDriversOverRealPTYs() throws {
        let imuPTY = try PseudoTerminal(name: "imu")
        defer { imuPTY.close() }
        let enginePTY = try PseudoTerminal(name: "engine")
        defer { enginePTY.close() }
        let imuPort = try SerialPort(path: imuPTY.slavePath, configuration: SerialConfiguration(baudRate: 921_600))
        defer { imuPort.close() }
        let enginePort = try SerialPort(path: enginePTY.slavePath, configuration: SerialConfiguration(baudRate: 115_200))
        defer { enginePort.close() }

        var parts: (LanderIMUDriver, EngineControllerDriver, LanderTopics, Subscription<Missions.IMUSample>)?
        let bench = try DriverBench { b in
            let topics = try LanderTopics(on: b.bus)
            let samples = try topics.imu.subscribe("test", capacity: 1024)
            let imu = LanderIMUDriver(name: "imu", link: .bytes(imuPort), publishing: topics.imu, staleTimeout: .milliseconds(500))  // the reader thread runs on wall time
            let engine = try EngineControllerDriver(link: .bytes(enginePort), publishing: topics.engineStatus, following: topics.engineDemand)
            parts = (imu, engine, topics, samples)
            b.add(imu)
            b.add(engine)
            return RateGroup("devices", imu, engine)
        }
        let (imu, engine, topics, samples) = try #require(parts)
        let imuEmulator = LanderIMUEmulator(link: .bytes(imuPTY))
        imuEmulator.measurement = .init(specificForce: (0.125, 0, -1.625), angularRate: (0, 0.002, 0))
        let engineEmulator = EngineControllerEmulator(link: .bytes(enginePTY))
        engineEmulator.measurement = .init(thrust: 4_500, chamberPressure: 0.6)
        bench.emulators = [imuEmulator, engineEmulator]
        bench.beforeStep = { _ in usleep(200) }

        topics.engineDemand.publish(.burn(thrust: 4_500))
        // Generous limits: the reader threads run on wall time, and the machine may be loaded.
        #expect(bench.run(until: { engine.latest?.isFiring == true && imu.latest != nil }, milliseconds: 20_000))
        #expect(engineEmulator.state == .init(armed: true, valve: .open, throttle: 60))
        #expect(engineEmulator.rejectedCommands == 0)
        #expect(engine.latest?.thrust == 4_500)

        // The IMU's samples keep coming, every one intact and none lost in the PTY.
        let before = imu.latest?.sequence ?? 0
        #expect(bench.run(until: { (imu.latest?.sequence ?? 0) >= before + 20 }, milliseconds: 20_000))
        let got = drain(samples)
        #expect(got.count >= 20)
        #expect(got.allSatisfy { $0.specificForce == SIMD3(0.125, 0, -1.625) && $0.angularRate == SIMD3(0, 0.002, 0) && $0.valid })
        #expect(try bench.count("imu.Missed") == 0 && bench.count("imu.Incomplete") == 0)
        #expect(imu.endpoint.counts.rejected == 0 && engine.endpoint.counts.rejected == 0)
        #expect(engineEmulator.endpoint.counts.rejected == 0)
    }
}
