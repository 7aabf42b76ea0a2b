#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// The real-time executive: a dedicated thread that sleeps to absolute deadlines with
/// `clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)`, optionally under SCHED_FIFO, and runs the
/// scheduler on every base tick. Wake-up lateness goes into a histogram published as
/// telemetry; a tick whose work runs past the next deadline is a cycle slip: it is counted,
/// reported, and the missed deadlines are skipped rather than run late in a burst.
public final class RealTimeExecutive: Sendable {
    public struct Configuration: Sendable {
        /// SCHED_FIFO priority (1...99) to ask for, or nil for the normal policy. When the
        /// process may not use SCHED_FIFO the executive runs without it and says so in an event.
        public var fifoPriority: Int32?
        /// Stop by itself after this many base ticks (nil: until ``stop()``).
        public var tickLimit: UInt64?
        public init(fifoPriority: Int32? = nil, tickLimit: UInt64? = nil) {
            self.fifoPriority = fifoPriority
            self.tickLimit = tickLimit
        }
    }

    /// The executive's thread owns the topology from ``start()`` until ``join()`` returns.
    /// This box carries it there. It is sound to mark it Sendable because the topology is only
    /// touched by the executive thread between start and join, and by the caller before start
    /// and after join; pthread_create and pthread_join order those accesses.
    private final class Owned: @unchecked Sendable {
        let topology: Topology
        let clock: MonotonicClock
        init(_ t: Topology, _ c: MonotonicClock) {
            topology = t
            clock = c
        }
    }

    private let owned: Owned
    public let configuration: Configuration
    private let stopRequested = Atomic<Bool>(false)
    private let ticksRun = Atomic<UInt64>(0)
    private let thread = Mutex<pthread_t?>(nil)
    /// errno from asking for SCHED_FIFO (0: granted or not asked).
    private let fifoErrno = Atomic<Int32>(0)

    init(topology: Topology, configuration: Configuration) {
        self.owned = Owned(topology, MonotonicClock())
        self.configuration = configuration
    }

    /// Base ticks run so far (readable from any thread).
    public var ticks: UInt64 { ticksRun.load(ordering: .relaxed) }

    /// Why SCHED_FIFO was not granted (an errno), or 0.
    public var fifoError: Int32 { fifoErrno.load(ordering: .relaxed) }

    /// Starts the executive thread.
    public func start() {
        let unmanaged = Unmanaged.passRetained(self)
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { arg in
            let exec = Unmanaged<RealTimeExecutive>.fromOpaque(arg!).takeRetainedValue()
            exec.loop()
            return nil
        }, unmanaged.toOpaque())
        precondition(rc == 0, "pthread_create failed: \(Platform.errorString(rc))")
        thread.withLock { $0 = tid }
    }

    /// Asks the loop to stop after the tick it is running.
    public func stop() { stopRequested.store(true, ordering: .releasing) }

    /// Waits for the executive thread to end; afterwards the topology is the caller's again.
    public func join() {
        guard let tid = thread.withLock({ t -> pthread_t? in defer { t = nil }; return t }) else { return }
        pthread_join(tid, nil)
    }

    /// Runs `ticks` base ticks on the executive thread and waits for them.
    public func run(ticks: UInt64) {
        precondition(configuration.tickLimit == nil || configuration.tickLimit == ticks)
        start()
        while self.ticks < ticks && !stopRequested.load(ordering: .acquiring) {
            var ts = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            nanosleep(&ts, nil)
        }
        stop()
        join()
    }

    private func loop() {
        let topology = owned.topology
        let scheduler = topology.scheduler
        scheduler.measuresExecutionTime = true
        if let prio = configuration.fifoPriority {
            var param = sched_param(sched_priority: prio)
            let rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param)
            fifoErrno.store(rc, ordering: .relaxed)
            topology.services.now = owned.clock.now()
            scheduler.ports.log(Scheduler.Event.realTimePolicy, .bool(rc == 0), .i32(prio), .i32(rc))
        }
        let period = UInt64(scheduler.basePeriod.nanoseconds)
        let publishEvery = UInt64(max(1, scheduler.baseRate.rounded()))
        var deadline = Platform.monotonicNanoseconds() + period
        var tick: UInt64 = 0
        while !stopRequested.load(ordering: .acquiring) {
            if let limit = configuration.tickLimit, tick >= limit { break }
            Platform.sleep(untilMonotonic: deadline)
            let woke = Platform.monotonicNanoseconds()
            scheduler.lateness.record(woke > deadline ? woke - deadline : 0)
            tick += 1
            let now = owned.clock.now()
            topology.services.now = now
            scheduler.runTick(tick, time: now)
            if tick % publishEvery == 0 { scheduler.publishLateness() }
            ticksRun.store(tick, ordering: .relaxed)
            deadline += period
            let end = Platform.monotonicNanoseconds()
            if end > deadline {
                let missed = (end - deadline) / period + 1
                scheduler.recordSlip(at: tick, missed: missed)
                deadline += missed * period
            }
        }
        scheduler.publishLateness()
        stopRequested.store(true, ordering: .releasing)
    }
}

/// A bare `clock_nanosleep` loop at `rate` Hz for `ticks` ticks, recording wake-up lateness:
/// the baseline the real-time executive's lateness is measured against.
public func measureBareSleepLateness(rate: Double, ticks: Int) -> LatencyHistogram {
    var h = LatencyHistogram()
    let period = UInt64((1e9 / rate).rounded())
    var deadline = Platform.monotonicNanoseconds() + period
    for _ in 0..<ticks {
        Platform.sleep(untilMonotonic: deadline)
        let woke = Platform.monotonicNanoseconds()
        h.record(woke > deadline ? woke - deadline : 0)
        deadline += period
    }
    return h
}
