import Benchmark
import FlightCore

/// Wake-up lateness at 1 kHz: a bare `clock_nanosleep` loop and the real-time executive
/// (core services and sixteen components), one after the other in the same process, each
/// for 5,000 ticks. Lateness is reported as custom metrics in nanoseconds, one sample per
/// iteration, and the executive's p99 over the bare loop's as a ratio in hundredths.
/// Times jitter with the machine's load: nothing here is gated.
func registerLatenessBenchmarks() {
    let ticks = 5_000
    func metric(_ name: String) -> BenchmarkMetric { .custom(name, polarity: .prefersSmaller, useScalingFactor: false) }
    let bareP50 = metric("bare p50 ns"), bareP99 = metric("bare p99 ns"), bareP999 = metric("bare p99.9 ns")
    let execP50 = metric("exec p50 ns"), execP99 = metric("exec p99 ns"), execP999 = metric("exec p99.9 ns")
    let ratio = metric("exec/bare p99 x100")
    let slips = metric("exec cycle slips")

    Benchmark(
        "Lateness.1kHz.bareVsExecutive",
        configuration: .init(
            metrics: [bareP50, bareP99, bareP999, execP50, execP99, execP999, ratio, slips],
            warmupIterations: 0, maxDuration: .seconds(120), maxIterations: 3)
    ) { benchmark in
        let (topology, _) = sixteenComponentTopology(baseRate: 1000, grouped: true)
        let executive = topology.realTime(.init(tickLimit: UInt64(ticks)))

        let bare = measureBareSleepLateness(rate: 1000, ticks: ticks)
        executive.start()
        executive.join()
        let exec = topology.scheduler.lateness

        let b99 = bare.percentile(0.99), e99 = exec.percentile(0.99)
        benchmark.measurement(bareP50, Int(bare.percentile(0.5)))
        benchmark.measurement(bareP99, Int(b99))
        benchmark.measurement(bareP999, Int(bare.percentile(0.999)))
        benchmark.measurement(execP50, Int(exec.percentile(0.5)))
        benchmark.measurement(execP99, Int(e99))
        benchmark.measurement(execP999, Int(exec.percentile(0.999)))
        benchmark.measurement(ratio, b99 == 0 ? 0 : Int((Double(e99) / Double(b99) * 100).rounded()))
        benchmark.measurement(slips, Int(topology.scheduler.cycleSlips))
        if exec.total != UInt64(ticks) {
            benchmark.error("the executive ran \(exec.total) ticks, not \(ticks)")
        }
    }
}
