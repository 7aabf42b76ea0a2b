// The whole mission's speed: flight software and simulator in lockstep through the device
// links of Boards/sim.yaml (docs/performance.md, "Mission").
//
// Mission.lander.descent.lockstep: one sample is one full `regolith mission lander-descent`
// run (Chang'e-class, seed 1) without the CLI: `LanderMission(options:)` (the seeded terrain,
// the rig, the flight software's topology) and `run()` — 1 kHz physics with every device
// emulator, the flight software's executive at 100 Hz with every driver, navigation,
// guidance and the descent manager, up to touchdown and 2 s after (about 794 simulated
// seconds). Simulated seconds per wall second = 794 s / (time per sample).
//
// Mission.lander.setup: only `LanderMission(options:)`, to see what the run costs without it.
//
// Baseline: SimulatorBenchmarks' Simulator.lander.descent750s.world (the same world, a
// guidance stand-in, no flight software, no device links).
//
// Allocations are gated (Thresholds/), with 2 % of slack: about 2,950 of them are the
// setup's (the terrain, the topology, the links), and that count varies by about 15 between
// runs (once-only runtime and Foundation initialisation); the run itself adds about 50.
import Benchmark
import MissionHarness

let benchmarks: @Sendable () -> Void = {
    let mallocSlack: [BenchmarkMetric: BenchmarkThresholds] = [.mallocCountTotal: .init(relative: [.p90: 2.0])]
    Benchmark.defaultConfiguration.timeUnits = .milliseconds

    Benchmark(
        "Mission.lander.descent.lockstep",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1,
            maxDuration: .seconds(30), maxIterations: 10, thresholds: mallocSlack)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let m = try LanderMission(options: LanderMission.Options())
            m.run()
            blackHole(m.outcome.touchdown)
            blackHole(m.rig.time)
        }
    }

    Benchmark(
        "Mission.lander.setup",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1,
            maxDuration: .seconds(10), maxIterations: 20, thresholds: mallocSlack)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try LanderMission(options: LanderMission.Options()))
        }
    }
}
