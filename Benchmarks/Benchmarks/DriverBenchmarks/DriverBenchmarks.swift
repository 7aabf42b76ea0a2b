// Device driver benchmarks (docs/performance.md, "Device drivers"): what the flight side's
// device drivers cost per base tick, ticking in lockstep against their emulators. One sample
// is 1,000 base ticks at 1 kHz (one simulated second): the emulators step, then the executive
// runs the core services and the drivers. The lander's five drivers see 100 IMU samples,
// 20 altimeter samples (80 beams), 50 engine statuses, 100 leg statuses and 2 power statuses
// per sample, and the engine driver sends its commands; the rover's see 6 x 20 wheel statuses,
// 20 attitudes and 10 hazard ranges and send 6 wheel commands every 100 ms. The allocation
// count is the figure that matters: zero on the tick path.
import Benchmark
import Devices
import FlightCore
import FlightHAL
import Missions
import Simulator

let ticksPerSample = 1_000

let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

func config() -> Benchmark.Configuration {
    .init(metrics: metrics, warmupIterations: 3, maxDuration: .seconds(4), maxIterations: 10_000)
}

/// A topology of drivers and the emulators at the other ends of their links.
final class Rig {
    let exec: LockstepExecutive
    let emulators: [any DeviceEmulator]
    var elapsed = FlightDuration.zero
    /// Whether every driver is GOOD (and the engine firing): checked after the warm-up, so
    /// the figures are of drivers doing their work, not of drivers waiting.
    var working: () -> Bool = { false }

    init(exec: LockstepExecutive, emulators: [any DeviceEmulator]) {
        self.exec = exec
        self.emulators = emulators
    }

    func run(_ ticks: Int) {
        for _ in 0..<ticks {
            for e in emulators { e.step(to: elapsed) }
            exec.step()
            elapsed = elapsed + exec.period
        }
    }

    /// The lander's drivers: IMU, altimeter and power on byte pairs, engine and legs on one bus.
    static func lander(baseRate: Double = 1_000) throws -> Rig {
        let bus = SimulatedFrameBus(supportsFD: false)
        let shared = SharedFrameLink(bus.attach("fc", queueCapacity: 4096))
        let (imuFC, imuDev) = SimulatedByteLink.pair(capacity: 1 << 16)
        let (altFC, altDev) = SimulatedByteLink.pair(capacity: 1 << 16)
        let (powFC, powDev) = SimulatedByteLink.pair(capacity: 1 << 16)
        var b = TopologyBuilder(name: "LanderBench", baseRate: baseRate)
        let drivers = try LanderDrivers(
            links: [
                "imu": .bytes(imuFC), "altimeter": .bytes(altFC), "power": .bytes(powFC),
                "engine": .frames(shared.branch("engine")), "legs": .frames(shared.branch("legs")),
            ], into: &b)
        b.add(drivers.rateGroup(), divisor: 1)
        let topology = try b.build()
        let imu = LanderIMUEmulator(link: .bytes(imuDev))
        imu.measurement = .init(specificForce: (0, 0, 1.625), angularRate: (0.001, 0, 0))
        let altimeter = AltimeterEmulator(link: .bytes(altDev))
        altimeter.measurement.beams = Array(repeating: .init(range: 1_500, rangeRate: -20, rangeValid: true, rateValid: true), count: 4)
        let emulators: [any DeviceEmulator] = [
            imu, altimeter, PowerUnitEmulator(link: .bytes(powDev)),
            EngineControllerEmulator(link: .frames(bus.attach("engine"))), LegContactEmulator(link: .frames(bus.attach("legs"))),
        ]
        drivers.topics.engineDemand.publish(.burn(thrust: 6_000))
        let rig = Rig(exec: topology.lockstep(), emulators: emulators)
        rig.working = {
            [drivers.imu.health, drivers.altimeter.health, drivers.engine.health, drivers.legs.health, drivers.power.health]
                .allSatisfy { $0 == .good } && drivers.engine.latest?.isFiring == true
        }
        return rig
    }

    /// The rover's drivers: six wheels and the hazard sensor on one bus, the IMU on a byte pair.
    static func rover() throws -> Rig {
        let bus = SimulatedFrameBus(supportsFD: false)
        let shared = SharedFrameLink(bus.attach("fc", queueCapacity: 4096))
        let (imuFC, imuDev) = SimulatedByteLink.pair(capacity: 1 << 16)
        var b = TopologyBuilder(name: "RoverBench", baseRate: 1_000)
        let drivers = try RoverDrivers(
            links: ["wheels": .frames(shared.branch("wheels")), "hazard": .frames(shared.branch("hazard")), "rover-imu": .bytes(imuFC)],
            into: &b, options: .init(maxWheelSpeed: 2))
        b.add(drivers.rateGroup(), divisor: 1)
        let topology = try b.build()
        var emulators: [any DeviceEmulator] = (0..<6).map { WheelMotorEmulator(wheel: $0, link: .frames(bus.attach("wheel\($0)"))) }
        emulators.append(RoverIMUEmulator(link: .bytes(imuDev)))
        emulators.append(HazardRangeEmulator(link: .frames(bus.attach("hazard"))))
        // A demand before every run (rover drive publishes at its own rate); keep-latest.
        let demand = drivers.topics.wheelDemand
        demand.publish(.sides(left: 1, right: 0.8))
        let rig = Rig(exec: topology.lockstep(), emulators: emulators, demand: demand)
        rig.working = {
            [drivers.wheels.health, drivers.attitude.health, drivers.hazard.health].allSatisfy { $0 == .good }
                && drivers.wheels.latest?.enabled == 0x3F
        }
        return rig
    }

    private var demand: Topic<WheelSpeedDemand>?
    convenience init(exec: LockstepExecutive, emulators: [any DeviceEmulator], demand: Topic<WheelSpeedDemand>) {
        self.init(exec: exec, emulators: emulators)
        self.demand = demand
    }

    func runDriving(_ ticks: Int) {
        for t in 0..<ticks {
            if t % 100 == 0 { demand?.publish(.sides(left: 1, right: 0.8)) }
            for e in emulators { e.step(to: elapsed) }
            exec.step()
            elapsed = elapsed + exec.period
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("Drivers.lander.1kHz.x1000ticks", configuration: config()) { benchmark in
        let rig = try! Rig.lander()
        rig.run(2_000)  // past start-up: every driver GOOD, the engine armed and firing
        precondition(rig.working(), "the lander's drivers are not all GOOD after the warm-up")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { rig.run(ticksPerSample) }
    }

    // The rate a lander topology runs at (the IMU's): one sample is still one simulated second.
    Benchmark("Drivers.lander.100Hz.x100ticks", configuration: config()) { benchmark in
        let rig = try! Rig.lander(baseRate: 100)
        rig.run(200)
        precondition(rig.working(), "the lander's drivers are not all GOOD after the warm-up")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { rig.run(100) }
    }

    Benchmark("Drivers.rover.1kHz.x1000ticks", configuration: config()) { benchmark in
        let rig = try! Rig.rover()
        rig.runDriving(2_000)
        precondition(rig.working(), "the rover's drivers are not all GOOD, wheels enabled, after the warm-up")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { rig.runDriving(ticksPerSample) }
    }
}
