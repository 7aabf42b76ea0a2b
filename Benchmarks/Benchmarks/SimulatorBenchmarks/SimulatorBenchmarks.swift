// Lander physics speed and allocations (docs/performance.md, "Simulator").
// One sample is one simulated second at 1 kHz (1,000 RK4 steps with leg-contact checks) of
// an Apollo LM on the point-mass Moon, engine lit, thrust and direction changing every
// step, no flight software. Simulated seconds per wall second = 1 / (time per sample).
import Benchmark
import Simulator

let stepsPerSample = 1_000

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
}
