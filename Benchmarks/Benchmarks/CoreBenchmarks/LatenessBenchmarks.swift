import Benchmark
import FlightCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wake-up lateness at 1 kHz: a bare `clock_nanosleep` loop and the real-time executive
/// (core services and sixteen components), one after the other in the same process, each
/// for 5,000 ticks, five times. Lateness is reported as custom metrics in nanoseconds, one sample per
/// iteration, and the executive's p99 over the bare loop's as a ratio in hundredths.
/// Times jitter with the machine's load: nothing here is gated.
///
/// Run twice: with the normal scheduling policy, and with both the bare loop's thread and the
/// executive's thread under SCHED_FIFO (which also removes the kernel's 50 us timer slack).
func registerLatenessBenchmarks() {
    let ticks = 5_000
    func metric(_ name: String) -> BenchmarkMetric { .custom(name, polarity: .prefersSmaller, useScalingFactor: false) }
    let bareP50 = metric("bare p50 ns"), bareP99 = metric("bare p99 ns"), bareP999 = metric("bare p99.9 ns")
    let execP50 = metric("exec p50 ns"), execP99 = metric("exec p99 ns"), execP999 = metric("exec p99.9 ns")
    let ratio = metric("exec/bare p99 x100")
    let slips = metric("exec cycle slips")
    let all = [bareP50, bareP99, bareP999, execP50, execP99, execP999, ratio, slips]

    for fifoPriority in [nil, Int32(50)] {
        Benchmark(
            fifoPriority == nil ? "Lateness.1kHz.bareVsExecutive" : "Lateness.1kHz.bareVsExecutive.fifo",
            configuration: .init(
                metrics: all, units: Dictionary(uniqueKeysWithValues: all.map { ($0, .count) }),
                warmupIterations: 0, maxDuration: .seconds(180), maxIterations: 5)
        ) { benchmark in
            let (topology, _) = sixteenComponentTopology(baseRate: 1000, grouped: true)
            let executive = topology.realTime(.init(fifoPriority: fifoPriority, tickLimit: UInt64(ticks)))

            if let fifoPriority {
                var param = sched_param(sched_priority: fifoPriority)
                let rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param)
                guard rc == 0 else {
                    benchmark.error("SCHED_FIFO refused (errno \(rc)): run as a user allowed real-time scheduling")
                    return
                }
            }
            let bare = measureBareSleepLateness(rate: 1000, ticks: ticks)
            if fifoPriority != nil {
                var param = sched_param(sched_priority: 0)
                pthread_setschedparam(pthread_self(), SCHED_OTHER, &param)
            }
            executive.start()
            executive.join()
            let exec = topology.scheduler.lateness
            if executive.fifoError != 0 {
                benchmark.error("the executive was refused SCHED_FIFO (errno \(executive.fifoError))")
            }

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
}

/// Allocations on the real-time executive's path: the same topology run for 500 and for
/// 1,500 ticks at 1 kHz, counting every allocation, on any thread, from `start()` to `join()`.
/// Anything starting the thread allocates is in both counts; if they are equal, the ticks
/// themselves allocate nothing. (Measured: both are 2, both from starting the thread: the
/// closure box of `Platform.Thread.spawn` and one more at thread start.)
func registerRealTimeAllocationBenchmarks() {
    for ticks in [500, 1_500] {
        Benchmark(
            "RealTime.run.\(ticks)ticks",
            configuration: .init(
                metrics: [.mallocCountTotal, .wallClock],
                warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 3)
        ) { benchmark in
            let (topology, _) = sixteenComponentTopology(baseRate: 1000, grouped: true)
            let executive = topology.realTime(.init(tickLimit: UInt64(ticks)))
            benchmark.startMeasurement()
            executive.start()
            executive.join()
            benchmark.stopMeasurement()
            if topology.scheduler.lateness.total != UInt64(ticks) {
                benchmark.error("the executive ran \(topology.scheduler.lateness.total) ticks, not \(ticks)")
            }
        }
    }
}
