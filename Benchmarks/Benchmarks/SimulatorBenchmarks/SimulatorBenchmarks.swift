// Lander physics speed and allocations (docs/performance.md, "Simulator").
//
// Simulator.lander.step.1kHz.x1000: one sample is one simulated second at 1 kHz (1,000 RK4
// steps with leg-contact checks) of an Apollo LM on the point-mass Moon, engine lit, thrust
// and direction changing every step, no flight software.
//
// Simulator.lander.descent750s.*: one sample is a whole 750 s Chang'e-class powered descent
// at 1 kHz (750,000 steps) from 15 km and 1,640 m/s, 630 km up-range of the Chang'e-3 site,
// steered every step by a simple guidance stand-in (below; no flight software):
//   - pointMass: the baseline. `LanderSimulation` with instantaneous attitude and contact on
//     the mean sphere; the guidance reads the true altitude above the sphere.
//   - world: `LanderWorld` with the default seeded terrain (2,048 m site grid at 1 m),
//     rate- and acceleration-limited attitude (10 deg/s, 5 deg/s^2), four-foot contact on the
//     terrain, and every sensor sampled at its rate (IMU 100 Hz, leg switches 100 Hz,
//     altimeter 20 Hz with four ray-cast beams, engine 10 Hz, power 1 Hz); the guidance reads
//     its altitude from the altimeter beams. It crosses the site grid at about 350 m and lands
//     at about 730 s, 13 km past the site (1.8 m/s vertical, < 0.01 m/s horizontal); the
//     remaining steps run on the ground with the sensors sampling.
// Simulated seconds per wall second = 750 s / (time per sample).
import Benchmark
import Simulator

let stepsPerSample = 1_000
let descentSteps = 750_000

/// A stand-in for descent guidance: brake the horizontal velocity with what the engine has
/// left after holding a vertical-speed profile (hold a few hundred metres while fast, then
/// come down at altitude / 10 s, at least 1.5 m/s).
@inline(__always)
func guidance(position r: Vector3, velocity v: Vector3, mass m: Double, altitude: Double, maxThrust: Double) -> EngineCommand {
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
    return EngineCommand(engineOn: true, thrust: m * a.length, direction: a)
}

let site = LandingSite.changE3
let startPosition = site.position(of: MapPoint(x: 0, y: -630_000, altitude: 15_000))
let descentStart = LanderState(
    position: startPosition, velocity: 1_640 * site.localFrame(at: startPosition).north,
    mass: LanderVehicle.changE.initialMass)

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Simulator.lander.step.1kHz.x1000",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 10,
            maxDuration: .seconds(3), maxIterations: 100_000)
    ) { benchmark in
        let r = Moon.meanRadius + 15_200
        let start = LanderState(
            position: Vector3(r, 0, 0), velocity: Vector3(0, 1_694.7, 0),
            mass: LanderVehicle.apolloLM.initialMass)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            // A fresh start each sample so the propellant never runs out.
            var sim = LanderSimulation(vehicle: .apolloLM, gravity: .moon, state: start, dt: 0.001)
            for i in 0..<stepsPerSample {
                let command = EngineCommand(
                    engineOn: true, thrust: 20_000 + Double(i) * 5, direction: sim.state.position)
                sim.step(command)
            }
            blackHole(sim.state)
        }
    }

    Benchmark(
        "Simulator.lander.descent750s.pointMass",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1,
            maxDuration: .seconds(10), maxIterations: 20)
    ) { benchmark in
        let v = LanderVehicle.changE
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var sim = LanderSimulation(vehicle: v, gravity: .moon, state: descentStart, dt: 0.001)
            for _ in 0..<descentSteps {
                let s = sim.state
                sim.step(guidance(
                    position: s.position, velocity: s.velocity, mass: s.mass,
                    altitude: s.position.length - Moon.meanRadius, maxThrust: v.maxThrust))
            }
            blackHole(sim.state)
            blackHole(sim.touchdown)
        }
    }

    Benchmark(
        "Simulator.lander.descent750s.world",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1,
            maxDuration: .seconds(10), maxIterations: 20)
    ) { benchmark in
        let v = LanderVehicle.changE
        let terrain = Terrain(TerrainParameters(seed: 2013), frame: .sphere(site))
        let configuration = LanderWorld.Configuration(vehicle: v, terrain: terrain, start: descentStart, seed: 1)
        let beams = configuration.altimeter.beams
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var world = LanderWorld(configuration)
            var altitude = 15_000.0
            var seen = 0
            for _ in 0..<descentSteps {
                let s = world.state
                let sample = world.altimeter.latest
                if sample.sequence != seen {  // a new altimeter sample (20 Hz)
                    seen = sample.sequence
                    let up = s.position / s.position.length
                    var lowest = Double.infinity
                    for b in 0..<4 where sample[b].valid {
                        let d = world.attitude.attitude.rotate(beams[b])
                        lowest = min(lowest, sample[b].range * -d.dot(up))
                    }
                    if lowest < .infinity { altitude = lowest }
                }
                world.command = guidance(
                    position: s.position, velocity: s.velocity, mass: s.mass, altitude: altitude,
                    maxThrust: v.maxThrust)
                world.step()
            }
            blackHole(world.state)
            blackHole(world.touchdown)
            blackHole(world.imu.latest)
        }
    }
}
