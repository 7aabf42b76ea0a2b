import Benchmark
import FlightCore

/// One pass over sixteen trivial components: a parameter-pack `RateGroup` (direct calls)
/// against the same sixteen behind `[any Component]` called in a loop, the layout the style
/// guide's flight-code rule forbids. Each iteration is 1,000 passes. Then the whole lockstep
/// tick: `LockstepExecutive.step()` with the core services and the sixteen in one group.
func registerRateGroupBenchmarks() {
    let passMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

    Benchmark(
        "RateGroup.pass16.parameterPack",
        configuration: .init(metrics: passMetrics, scalingFactor: .kilo)
    ) { benchmark in
        let (topology, sixteen) = sixteenComponentTopology(baseRate: 1000, grouped: false)
        let group = sixteen.rateGroup("bench")
        let period = FlightDuration.milliseconds(1)
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            group.run(TickContext(tick: UInt64(i + 1), time: .zero, period: period))
        }
        benchmark.stopMeasurement()
        blackHole(topology.telemetry.samplesAccepted)
    }

    Benchmark(
        "RateGroup.pass16.existentialLoop",
        configuration: .init(metrics: passMetrics, scalingFactor: .kilo)
    ) { benchmark in
        let (topology, sixteen) = sixteenComponentTopology(baseRate: 1000, grouped: false)
        let components = sixteen.all
        let period = FlightDuration.milliseconds(1)
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            let context = TickContext(tick: UInt64(i + 1), time: .zero, period: period)
            for c in components { c.tick(context) }
        }
        benchmark.stopMeasurement()
        blackHole(topology.telemetry.samplesAccepted)
    }

    // Sixteen components of one type in a `UniformRateGroup` (e.g. wheel motors), wired.
    Benchmark(
        "RateGroup.pass16.uniform",
        configuration: .init(metrics: passMetrics, scalingFactor: .kilo)
    ) { benchmark in
        var b = TopologyBuilder(name: "Uniform", baseRate: 1000)
        let integrators = (0..<16).map { Integrator("i\($0)") }
        for c in integrators { b.add(c) }
        let topology: Topology
        do { topology = try b.build() } catch { fatalError("\(error)") }
        let group = UniformRateGroup("bench", integrators)
        let period = FlightDuration.milliseconds(1)
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            group.run(TickContext(tick: UInt64(i + 1), time: .zero, period: period))
        }
        benchmark.stopMeasurement()
        blackHole(topology.telemetry.samplesAccepted)
    }

    // The same two passes with the components left unwired (never added to a topology): each
    // write returns at once, so what remains is the arithmetic and the dispatch itself.
    Benchmark(
        "RateGroup.pass16.unwired.parameterPack",
        configuration: .init(metrics: passMetrics, scalingFactor: .kilo)
    ) { benchmark in
        let sixteen = SixteenComponents(prefix: "u")
        let group = sixteen.rateGroup("bench")
        let period = FlightDuration.milliseconds(1)
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            group.run(TickContext(tick: UInt64(i + 1), time: .zero, period: period))
        }
        benchmark.stopMeasurement()
        blackHole(sixteen.a0.total)
    }

    Benchmark(
        "RateGroup.pass16.unwired.existentialLoop",
        configuration: .init(metrics: passMetrics, scalingFactor: .kilo)
    ) { benchmark in
        let sixteen = SixteenComponents(prefix: "u")
        let components = sixteen.all
        let period = FlightDuration.milliseconds(1)
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            let context = TickContext(tick: UInt64(i + 1), time: .zero, period: period)
            for c in components { c.tick(context) }
        }
        benchmark.stopMeasurement()
        blackHole(sixteen.a0.total)
    }

    // Steady state: the topology is built and stepped for 1,000 ticks (ten core-service
    // passes, every event throttle primed) before each measured run of 1,000 ticks.
    Benchmark(
        "Lockstep.step.coreAnd16",
        configuration: .init(metrics: passMetrics, scalingFactor: .kilo)
    ) { benchmark in
        let (topology, _) = sixteenComponentTopology(baseRate: 1000, grouped: true)
        let executive = topology.lockstep()
        executive.step(1000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { executive.step() }
        benchmark.stopMeasurement()
        blackHole(topology.telemetry.samplesAccepted)
    }
}
