// FlightCore benchmarks: the bus, a rate-group pass, the lockstep tick, the real-time
// executive's lateness and the fault manager's 200 monitors per tick. Figures and targets
// are recorded in docs/performance.md.
//
// Only allocation counts are gated (Thresholds/): they do not jitter. Times are reported
// for people to read, not for CI to fail on.
import Benchmark

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.timeUnits = .nanoseconds
    registerBusBenchmarks()
    registerRateGroupBenchmarks()
    registerLatenessBenchmarks()
    registerRealTimeAllocationBenchmarks()
    registerFaultBenchmarks()
}
