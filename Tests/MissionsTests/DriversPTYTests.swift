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

        var parts: (LanderIMUDriver, EngineControllerDriver, LanderTopics, Subscription<IMUSample>)?
        let bench = try DriverBench { b in
            let topics = try LanderTopics(on: b.bus)
            let samples = try topics.imu.subscribe("test", capacity: 1024)
            let imu = LanderIMUDriver(name: "imu", link: .bytes(imuPort), publishing: topics.imu, staleTimeout: .milliseconds(500))  // room for the reader thread under load
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
        #expect(bench.run(until: { engine.latest?.isFiring == true && imu.health == .good }, milliseconds: 5_000))
        #expect(engineEmulator.state == .init(armed: true, valve: .open, throttle: 60))
        #expect(engineEmulator.rejectedCommands == 0)
        #expect(engine.latest?.thrust == 4_500)
        let got = drain(samples)
        #expect(!got.isEmpty)
        #expect(got.allSatisfy { $0.specificForce == SIMD3(0.125, 0, -1.625) && $0.angularRate == SIMD3(0, 0.002, 0) && $0.valid })
        // Another 200 ms: 20 IMU samples leave the emulator; the driver stays GOOD throughout (a generous STALE_TIMEOUT:
        // wall-time scheduling of the reader thread is not what this test is about).
        var worst = DeviceHealth.good
        for _ in 0..<200 {
            bench.step()
            if imu.health.rawValue > worst.rawValue { worst = imu.health }
        }
        #expect(worst == .good)
        #expect(drain(samples).count >= 15)
        #expect(imu.endpoint.counts.rejected == 0 && engine.endpoint.counts.rejected == 0)
        #expect(engineEmulator.endpoint.counts.rejected == 0)
    }
}
