// The lander rig's speed: physics, sensor models and all six device emulators on in-process
// links, with a flight side that reads every link and commands the engine and the attitude
// unit through them (docs/performance.md, "Simulator rig").
//
// SimulatorRig.lander.descent750s.inProcessLinks: one sample is a whole 750 s Chang'e-class
// descent at 1 kHz (750,000 rig steps) from `LanderRig.Configuration.descent` with the start
// of Simulator.lander.descent750s.world (15 km, 1,640 m/s, 630 km up-range on the site's map;
// default seeded terrain built before the measurement). The devices sit as on the sim-pty board, but in process: IMU, altimeter and
// power on their own byte pairs (COBS+CRC framing), engine, attitude and legs on one
// simulated CAN bus. The flight side is no flight software, only what a driver set costs:
// every 10 ms it drains all six links through `DeviceEndpoint`s, and every 50 ms it sends an
// ENGINE_CMD and an ATTITUDE_CMD from the guidance stand-in of SimulatorBenchmarks (on the
// true state and the feet's true height above the terrain). Compare with
// Simulator.lander.descent750s.world (the same world and start, no emulators, commands every
// step). The stand-in guidance was tuned for commands every step: through 20 Hz commands it
// touches down hard (about 580 s, 15 m/s down, 48 m/s across); the rest of the 750,000 steps
// run on the ground with every sensor model and emulator still working, so the figure is the
// cost of 750,000 rig steps either way. Each sample must repeat the first exactly.
import Benchmark
import Configuration
import Devices
import FlightHAL
import Simulator

#if canImport(Glibc)
    import Glibc
#endif

let descentSteps = 750_000

@inline(__always)
func guidance(position r: Vector3, velocity v: Vector3, mass m: Double, altitude: Double, maxThrust: Double) -> (thrust: Double, direction: Vector3) {
    let rl = r.length
    let up = r / rl
    let vz = v.dot(up)
    let vh = v - vz * up
    let vhl = vh.length
    let blend = min(1, vhl / 30)
    let vzWanted = -min(40, max(1.5, (altitude - 400 * blend) / (10 + 30 * blend)))
    let g = Moon.gm / (rl * rl)
    let vertical = max(0, (vzWanted - vz) / 4 + g - vhl * vhl / rl)
    let most = maxThrust / m
    let horizontal = (max(0, most * most - vertical * vertical)).squareRoot()
    let brake = vhl > 1e-6 ? (-min(horizontal, vhl / 3) / vhl) * vh : .zero
    let a = vertical * up + brake
    return (m * a.length, a)
}

/// The rig with its devices on in-process links, and the flight side's endpoints.
func makeRig(_ configuration: LanderRig.Configuration) -> (LanderRig, [DeviceEndpoint]) {
    var links: [String: DeviceLink] = [:]
    var flight: [DeviceEndpoint] = []
    for device in ["imu", "altimeter", "power"] {
        let (d, f) = SimulatedByteLink.pair("\(device)-device", "\(device)-flight", capacity: 1 << 14)
        links[device] = .bytes(d)
        flight.append(DeviceEndpoint(f))
    }
    let bus = SimulatedFrameBus()
    for device in ["engine", "attitude", "legs"] { links[device] = .frames(bus.attach(device)) }
    flight.append(DeviceEndpoint(bus.attach("flight", queueCapacity: 1_024)))
    return (LanderRig(configuration, links: links), flight)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "SimulatorRig.lander.descent750s.inProcessLinks",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1,
            maxDuration: .seconds(20), maxIterations: 10)
    ) { benchmark in
        // The start of Simulator.lander.descent750s.world (map y = -630 km, 1,640 m/s), for
        // which the guidance stand-in was tuned, so the two figures compare the same descent.
        let site = LandingSite.changE3
        let configuration = LanderRig.Configuration.descent(
            seed: 1, speed: 1_640, upRange: site.radius * atan(630_000 / site.radius))
        let maxThrust = configuration.world.vehicle.maxThrust
        let engineSide = 3  // the CAN node: engine and attitude commands go out on it
        // Links and endpoints allocate: every sample's rig is built before the measurement.
        let rigs = benchmark.scaledIterations.map { _ in makeRig(configuration) }
        var touchdowns: [Touchdown?] = []
        touchdowns.reserveCapacity(rigs.count)
        benchmark.startMeasurement()
        for (rig, flight) in rigs {
            var counter: UInt8 = 0
            var received = 0
            _ = flight[engineSide].send(.engineCommand(EngineControllerCommand(throttle: 0, valve: .closed, arm: true, counter: 0)))
            for step in 1...descentSteps {
                if step % 10 == 0 {
                    for f in flight { while f.receive() != nil { received += 1 } }
                }
                if step % 50 == 0 {
                    let s = rig.world.state
                    let c = guidance(
                        position: s.position, velocity: s.velocity, mass: s.mass,
                        altitude: rig.world.simulation.footHeight, maxThrust: maxThrust)
                    let axis = c.direction.normalized
                    counter &+= 1
                    _ = flight[engineSide].send(.engineCommand(EngineControllerCommand(
                        throttle: min(100, max(0, c.thrust / maxThrust * 100)), valve: .open, arm: true, counter: counter)))
                    _ = flight[engineSide].send(.attitudeCommand(AttitudeCommand(axis: (axis.x, axis.y, axis.z), counter: counter)))
                }
                rig.step()
            }
            blackHole(received)
            touchdowns.append(rig.world.touchdown)
        }
        // Every sample must be the same run (deterministic); say how it ended.
        guard let first = touchdowns.first, touchdowns.allSatisfy({ $0 == first }) else {
            fatalError("the runs through the links differ: \(touchdowns)")
        }
        if let t = first {
            print("descent through the links: touchdown at \(t.time) s, \(t.verticalSpeed) m/s down, \(t.horizontalSpeed) m/s across, tilt \(t.tiltDegrees) deg")
        } else {
            print("descent through the links: no touchdown in 750 s")
        }
    }
}
