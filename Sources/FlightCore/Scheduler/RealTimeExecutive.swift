import Synchronization

/// The real-time executive: a dedicated thread that sleeps to absolute deadlines with
/// `clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)`, optionally under SCHED_FIFO, and runs the
/// scheduler on every base tick. Wake-up lateness goes into a histogram published as
/// telemetry about once a second. A tick whose work runs past the next deadline is a cycle
/// slip: it is counted and reported, and the deadlines it overran are skipped (their tick
/// numbers too, so that every rate group stays aligned with wall time) rather than run late
/// in a burst.
public final class RealTimeExecutive: Sendable {
    public struct Configuration: Sendable {
        /// SCHED_FIFO priority (1...99) to ask for, or nil for the normal policy. When the
        /// process may not use SCHED_FIFO the executive runs without it and says so in an event.
        public var fifoPriority: Int32?
        /// Stop by itself after this many base ticks (nil: until ``stop()``).
        public var tickLimit: UInt64?
        /// Flight seconds per wall second: the base period on the wall clock is the nominal
        /// one divided by this, and flight time runs this much faster than the monotonic
        /// clock. 1 for flight; more to fly against a simulator paced at the same factor
        /// (`regolith sim --time-scale`). Must be positive and finite.
        public var timeScale: Double
        /// Flight time at ``start()`` (nil: the monotonic clock's reading, the processor time
        /// base's epoch being boot). A run against a simulator that starts at zero sets
        /// `.zero`, so both count from the same instant.
        public var epoch: FlightTime?
        /// Runs on the executive thread after each tick; returning false stops the executive
        /// after that tick (a mission that has landed). Whatever it touches must be the
        /// executive's between ``start()`` and ``join()``, as the topology is.
        public var afterTick: (@Sendable (UInt64) -> Bool)?

        public init(
            fifoPriority: Int32? = nil, tickLimit: UInt64? = nil, timeScale: Double = 1, epoch: FlightTime? = nil,
            afterTick: (@Sendable (UInt64) -> Bool)? = nil
        ) {
            precondition(timeScale > 0 && timeScale.isFinite, "the time scale must be positive and finite")
            self.fifoPriority = fifoPriority
            self.tickLimit = tickLimit
            self.timeScale = timeScale
            self.epoch = epoch
            self.afterTick = afterTick
        }
    }

    /// The executive's thread owns the topology from ``start()`` until ``join()`` returns.
    /// Unchecked Sendable is sound because the topology is only touched by the executive
    /// thread between start and join, and by the caller before start and after join;
    /// pthread_create and pthread_join order those accesses.
    private final class Owned: @unchecked Sendable {
        let topology: Topology
        let clock = MonotonicClock()
        init(_ t: Topology) { topology = t }
    }

    private let owned: Owned
    public let configuration: Configuration
    private let stopRequested = Atomic<Bool>(false)
    private let limit: Atomic<UInt64>
    private let ticksRun = Atomic<UInt64>(0)
    /// The last tick number run, so that a restarted executive carries on the numbering.
    private let lastTick = Atomic<UInt64>(0)
    private let thread = Mutex<Platform.Thread?>(nil)
    /// errno from asking for SCHED_FIFO (0: granted or not asked).
    private let fifoErrno = Atomic<Int32>(0)

    init(topology: Topology, configuration: Configuration) {
        self.owned = Owned(topology)
        self.configuration = configuration
        self.limit = Atomic(configuration.tickLimit ?? .max)
    }

    /// Base ticks run since the last ``start()`` (readable from any thread).
    public var ticks: UInt64 { ticksRun.load(ordering: .relaxed) }

    /// Why SCHED_FIFO was not granted (an errno), or 0.
    public var fifoError: Int32 { fifoErrno.load(ordering: .relaxed) }

    /// Starts the executive thread.
    public func start() {
        thread.withLock { t in
            precondition(t == nil, "the executive is already running")
            stopRequested.store(false, ordering: .relaxed)
            ticksRun.store(0, ordering: .relaxed)
            t = Platform.Thread.spawn { [self] in self.loop() }
        }
    }

    /// Asks the loop to stop after the tick it is running.
    public func stop() { stopRequested.store(true, ordering: .releasing) }

    /// Waits for the executive thread to end; afterwards the topology is the caller's again.
    public func join() {
        let t = thread.withLock { t -> Platform.Thread? in
            defer { t = nil }
            return t
        }
        t?.join()
    }

    /// Runs exactly `ticks` base ticks on the executive thread and waits for them.
    public func run(ticks: UInt64) {
        limit.store(ticks, ordering: .relaxed)
        start()
        join()
    }

    private func loop() {
        let topology = owned.topology
        let scheduler = topology.scheduler
        let measured = scheduler.measuresExecutionTime
        scheduler.measuresExecutionTime = true
        defer { scheduler.measuresExecutionTime = measured }
        let scale = configuration.timeScale
        // Wall nanoseconds between deadlines; flight time is scaled wall time from an origin.
        let period = max(1, UInt64((Double(scheduler.basePeriod.nanoseconds) / scale).rounded()))
        let origin = Platform.monotonicNanoseconds()
        let epoch = configuration.epoch
        func flightNow() -> FlightTime {
            if scale == 1 && epoch == nil { return owned.clock.now() }
            let wall = Platform.monotonicNanoseconds() - origin
            let start = epoch.map { $0.totalMicroseconds * 1_000 } ?? origin
            return FlightTime(base: epoch?.base ?? .processor, nanoseconds: start + UInt64(Double(wall) * scale))
        }
        let afterTick = configuration.afterTick
        if let prio = configuration.fifoPriority {
            let rc = Platform.requestFIFO(priority: prio)
            fifoErrno.store(rc, ordering: .relaxed)
            topology.services.tickTime = flightNow()
            scheduler.ports.log(Scheduler.Event.realTimePolicy, .bool(rc == 0), .i32(prio), .i32(rc))
        }
        let publishEvery = UInt64(max(1, scheduler.baseRate.rounded()))
        let maxTicks = limit.load(ordering: .relaxed)
        var deadline = origin + period
        var tick = lastTick.load(ordering: .relaxed)
        var ran: UInt64 = 0
        defer { lastTick.store(tick, ordering: .relaxed) }
        while ran < maxTicks && !stopRequested.load(ordering: .acquiring) {
            Platform.sleep(untilMonotonic: deadline)
            let woke = Platform.monotonicNanoseconds()
            scheduler.lateness.record(woke > deadline ? woke - deadline : 0)
            tick += 1
            ran += 1
            let now = flightNow()
            topology.services.tickTime = now
            scheduler.runTick(tick, time: now)
            if let afterTick, !afterTick(tick) { stopRequested.store(true, ordering: .releasing) }
            if ran % publishEvery == 0 { scheduler.publishLateness() }
            ticksRun.store(ran, ordering: .relaxed)
            deadline += period
            let end = Platform.monotonicNanoseconds()
            // A slip skips the deadlines the work overran; after the last tick there are none.
            let more = ran < maxTicks && !stopRequested.load(ordering: .acquiring)
            if more && end > deadline {
                let missed = (end - deadline) / period + 1
                scheduler.recordSlip(at: tick, missed: missed)
                deadline += missed * period
                tick += missed
            }
        }
        scheduler.publishLateness()
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
