#if canImport(Glibc)
    import Glibc
#endif
import FlightCore
import Synchronization
import Testing

/// A log several components append to, to see the order they ran in.
final class RunLog {
    var entries: [String] = []
}

@Suite struct SchedulerTests {
    @Test func divisorsAndOffsetsRunOnExactlyTheirTicks() throws {
        let a = Probe("a"), b = Probe("b"), c = Probe("c")
        var builder = TopologyBuilder(name: "Sched", baseRate: 100)
        builder.add(a)
        builder.add(b)
        builder.add(c)
        builder.add(RateGroup("every", a), divisor: 1)
        builder.add(RateGroup("odd", b), divisor: 2, offset: 1)
        builder.add(RateGroup("fifth", c), divisor: 5, offset: 3)
        let t = try builder.build()
        t.lockstep().step(100)

        #expect(a.ticks.map(\.tick) == Array(1...100))
        #expect(b.ticks.map(\.tick) == Array(stride(from: 1, through: 99, by: 2)))
        #expect(c.ticks.map(\.tick) == Array(stride(from: 3, through: 98, by: 5)))
        #expect(a.ticks.count == 100 && b.ticks.count == 50 && c.ticks.count == 20)

        #expect(Set(a.ticks.map(\.period)) == [.milliseconds(10)])
        #expect(Set(b.ticks.map(\.period)) == [.milliseconds(20)])
        #expect(Set(c.ticks.map(\.period)) == [.milliseconds(50)])
        #expect(c.ticks.map { $0.time.totalMicroseconds } == c.ticks.map { $0.tick * 10_000 })

        let groups = t.scheduler.groups
        #expect(groups.map(\.name) == ["core", "every", "odd", "fifth"])
        #expect(groups.map(\.divisor) == [10, 1, 2, 5])
        #expect(groups.map(\.offset) == [0, 0, 1, 3])
        #expect(groups.map(\.stats.cycles) == [10, 100, 50, 20])
        #expect(t.scheduler.stats(of: "fifth")?.cycles == 20)
        #expect(t.scheduler.stats(of: "nope") == nil)

        #expect(try t.latest("rateGroups.every_Cycles") == .u64(100))
        #expect(try t.latest("rateGroups.odd_Cycles") == .u64(50))
        #expect(try t.latest("rateGroups.fifth_Cycles") == .u64(20))
        #expect(try t.latest("rateGroups.core_Cycles") == .u64(10))
        // Lockstep does not measure execution time, so its telemetry stays repeatable.
        #expect(try t.latest("rateGroups.fifth_ExecTime") == .u32(0))
        #expect(try t.latest("rateGroups.fifth_ExecTimeMax") == .u32(0))
        #expect(try t.latest("rateGroups.fifth_Overruns") == .u32(0))
        #expect(t.scheduler.cycleSlips == 0)
    }

    @Test func componentsRunInGroupOrderAndGroupsInTheOrderAdded() throws {
        let log = RunLog()
        func member(_ name: String) -> Probe { Probe(name) { p, ctx in log.entries.append("\(ctx.tick):\(p.name)") } }
        let x1 = member("x1"), x2 = member("x2"), x3 = member("x3"), y1 = member("y1"), y2 = member("y2")
        let w = [member("w0"), member("w1")]
        var builder = TopologyBuilder(name: "Order", baseRate: 100)
        for p in [x1, x2, x3, y1, y2] + w { builder.add(p) }
        builder.add(RateGroup("B", y2, y1), divisor: 2)
        builder.add(RateGroup("A", x3, x1, x2), divisor: 1)
        builder.add(UniformRateGroup("W", w), divisor: 4, offset: 3)
        let t = try builder.build()
        t.lockstep().step(4)
        #expect(log.entries == [
            "1:x3", "1:x1", "1:x2",
            "2:y2", "2:y1", "2:x3", "2:x1", "2:x2",
            "3:x3", "3:x1", "3:x2", "3:w0", "3:w1",
            "4:y2", "4:y1", "4:x3", "4:x1", "4:x2",
        ])
        #expect(t.members.first { $0.component.name == "w1" }?.rateGroup == "W")
    }

    @Test func coreServicesTickAtTheCoreRate() throws {
        let t = try makeTopology([], baseRate: 1000, coreRate: 4)
        let core = try #require(t.scheduler.groups.first)
        #expect(core.name == "core" && core.divisor == 250 && core.offset == 0)
        #expect(t.scheduler.basePeriod == .milliseconds(1))
        #expect(t.scheduler.baseRate == 1000)
    }

    @Test func rateGroupsListTheirMembers() {
        let a = Probe("a"), b = Probe("b")
        #expect(RateGroup("g", a, b).members.map(\.name) == ["a", "b"])
        #expect(UniformRateGroup("u", [b, a]).members.map(\.name) == ["b", "a"])
    }
}

/// Spins (does not sleep) for at least `nanoseconds`, to make a tick deliberately slow.
func busyWait(nanoseconds: UInt64) {
    let clock = MonotonicClock()
    let start = clock.monotonicNanoseconds()
    while clock.monotonicNanoseconds() - start < nanoseconds {}
}

/// The real-time executive on a real thread. These tests check behaviour (every tick runs,
/// lateness is recorded and published, slips are detected and counted), never how fast.
@Suite(.serialized) struct RealTimeExecutiveTests {
    @Test func runsEveryTickAndPublishesLateness() throws {
        let p = Probe("p")
        let t = try makeTopology([(p, nil)], baseRate: 1000)
        let exec = t.realTime(.init(tickLimit: 200))
        exec.run(ticks: 200)

        #expect(exec.ticks == 200)
        // Tick numbers count deadlines: on a loaded machine a slip skips the ones it overran.
        let numbers = p.ticks.map(\.tick)
        #expect(numbers.count == 200 && numbers.first == 1)
        #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $0 < $1 })
        #expect(numbers.last == 200 + t.scheduler.ticksMissed)
        #expect(p.ticks.allSatisfy { $0.time.base == .processor && $0.period == .milliseconds(1) })
        #expect(zip(p.ticks, p.ticks.dropFirst()).allSatisfy { $0.time <= $1.time })
        #expect(t.scheduler.stats(of: "probes")?.cycles == 200)
        #expect(try t.latest("rateGroups.probes_Cycles") == .u64(200))
        #expect(t.scheduler.stats(of: "core")?.cycles == UInt64(numbers.filter { $0 % 100 == 0 }.count))

        let h = t.scheduler.lateness
        #expect(h.total == 200)
        let p50 = try #require(try t.latest("rateGroups.LatenessP50"))
        let p99 = try #require(try t.latest("rateGroups.LatenessP99"))
        let p999 = try #require(try t.latest("rateGroups.LatenessP999"))
        let max = try #require(try t.latest("rateGroups.LatenessMax"))
        #expect(p50 == .f64(Double(h.percentile(0.5)) / 1e3))
        #expect(p99 == .f64(Double(h.percentile(0.99)) / 1e3))
        #expect(p999 == .f64(Double(h.percentile(0.999)) / 1e3))
        #expect(max == .f64(Double(h.max) / 1e3))
        #expect(p50.doubleValue <= p99.doubleValue && p99.doubleValue <= p999.doubleValue && p999.doubleValue <= max.doubleValue)
        #expect(exec.fifoError == 0)
        #expect(try t.records("rateGroups.RealTimePolicy").isEmpty)  // SCHED_FIFO not asked for
    }

    @Test func timeScaleAndEpochMoveFlightTimeNotTickNumbers() throws {
        // 100 Hz at x20: deadlines 0.5 ms apart on the wall, flight time from zero, 10 ms of
        // flight time per tick (more after a slip, which skips tick numbers with the time).
        let p = Probe("p")
        let t = try makeTopology([(p, nil)], baseRate: 100)
        let exec = t.realTime(.init(tickLimit: 100, timeScale: 20, epoch: .zero))
        exec.run(ticks: 100)

        #expect(exec.ticks == 100)
        let times = p.ticks.map { Double($0.time.totalMicroseconds) / 1e6 }
        #expect(p.ticks.allSatisfy { $0.time.base == .none && $0.period == .milliseconds(10) })
        // Flight time counts from the epoch, not from boot: the first tick is at about one
        // base period (a late wake-up adds to it), the n-th at no less than n periods.
        let first = try #require(times.first)
        #expect(first >= 0.0099 && first < 60)
        for (n, time) in zip(p.ticks.map(\.tick), times) { #expect(time >= Double(n) * 0.01 - 0.0001) }
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func afterTickStopsTheExecutiveOnItsThread() throws {
        let p = Probe("p")
        let t = try makeTopology([(p, nil)], baseRate: 1000)
        let seen = Mutex<[UInt64]>([])
        let exec = t.realTime(.init(afterTick: { tick in
            seen.withLock { $0.append(tick) }
            return seen.withLock { $0.count } < 25
        }))
        exec.start()
        exec.join()

        #expect(exec.ticks == 25)
        #expect(p.ticks.count == 25)
        // Called after each tick with its number, the one that said stop the last.
        #expect(seen.withLock { $0 } == p.ticks.map(\.tick))
    }

    @Test func slowComponentCausesCountedCycleSlipsAndOverruns() throws {
        // 1 kHz; "slow" runs on ticks numbered 5, 15, 25, ... and spins 3 ms each time, so each
        // run overruns its 1 ms budget and runs past the next two deadlines, which are skipped
        // (tick numbers too: the schedule stays aligned with wall time).
        let fast = Probe("fast")
        let slow = Probe("slow") { _, _ in busyWait(nanoseconds: 3_000_000) }
        var builder = TopologyBuilder(name: "Slips", baseRate: 1000)
        builder.add(fast)
        builder.add(slow)
        builder.add(RateGroup("fastGroup", fast), divisor: 1)
        builder.add(RateGroup("slowGroup", slow), divisor: 10, offset: 5)
        let t = try builder.build()
        let exec = t.realTime(.init(tickLimit: 200))
        exec.run(ticks: 200)

        #expect(exec.ticks == 200)
        let s = t.scheduler
        let fastTicks = fast.ticks.map(\.tick), slowTicks = slow.ticks.map(\.tick)
        #expect(fastTicks.count == 200 && fastTicks.first == 1)
        #expect(zip(fastTicks, fastTicks.dropFirst()).allSatisfy { $0 < $1 })
        #expect(fastTicks.last == 200 + s.ticksMissed)
        // Every tick numbered 5 mod 10 that ran, ran the slow group (a load-induced slip may
        // skip any tick number, even the first 5, so which ones is not fixed).
        #expect(slowTicks.allSatisfy { $0 % 10 == 5 })
        #expect(Set(slowTicks) == Set(fastTicks.filter { $0 % 10 == 5 }))
        let slowRuns = UInt64(slowTicks.count)
        #expect(slowRuns >= 1)
        #expect(s.stats(of: "slowGroup")?.cycles == slowRuns)
        #expect(s.stats(of: "slowGroup")?.overruns == slowRuns)
        #expect(s.stats(of: "slowGroup").map { $0.maxNanoseconds >= 3_000_000 } == true)
        // Each slow run ends at least 2 ms past the next deadline: at least 2 deadlines skipped,
        // except after the run's last tick, where there are no more deadlines to skip.
        let slipsExpected = UInt64(slowTicks.filter { $0 < fastTicks.last! }.count)
        #expect(s.cycleSlips >= slipsExpected)
        #expect(s.ticksMissed >= 2 * slipsExpected)
        #expect(try t.latest("rateGroups.CycleSlips") == .u32(UInt32(s.cycleSlips)))
        #expect(try t.latest("rateGroups.TicksMissed") == .u32(UInt32(s.ticksMissed)))
        #expect(try t.latest("rateGroups.slowGroup_Overruns") == .u32(UInt32(slowRuns)))
        let maxExec = try #require(try t.latest("rateGroups.slowGroup_ExecTimeMax"))
        #expect(maxExec.doubleValue >= 3_000)

        let overruns = try t.records("rateGroups.RateGroupOverrun")
        #expect(!overruns.isEmpty)
        let slowIndex = UInt32(s.groups.firstIndex { $0.name == "slowGroup" }!)
        let slowOverruns = overruns.filter { $0.arguments[0] == .u32(slowIndex) }
        #expect(!slowOverruns.isEmpty)
        #expect(slowOverruns.allSatisfy { $0.arguments[1].doubleValue >= 3_000 && $0.arguments[2] == .f64(1_000) })

        let slips = try t.records("rateGroups.CycleSlip")
        #expect(!slips.isEmpty)
        for r in slips {
            guard case .u64(let tick) = r.arguments[0], case .u32(let missed) = r.arguments[1] else {
                Issue.record("CycleSlip arguments \(r.arguments.values)")
                continue
            }
            #expect((1...200).contains(tick))
            #expect(missed >= (tick % 10 == 5 ? 3 : 1))
        }
        let cycleSlipsChannel = try #require(t.channelID("rateGroups.CycleSlips"))
        #expect(try t.records("tlmChan.ChannelLimitYellow").contains { $0.arguments[0] == .u32(cycleSlipsChannel.rawValue) })
    }

    @Test func schedFIFOIsReportedGrantedOrWithItsErrno() throws {
        let t = try makeTopology([(Probe("p"), nil)], baseRate: 1000)
        let exec = t.realTime(.init(fifoPriority: 10, tickLimit: 20))
        exec.run(ticks: 20)
        #expect(exec.ticks == 20)
        let policy = try t.records("rateGroups.RealTimePolicy")
        #expect(policy.count == 1)
        let e = exec.fifoError
        #expect(e == 0 || e == EPERM || e == EINVAL, "pthread_setschedparam: errno \(e)")
        #expect(policy.first?.arguments.values == [.bool(e == 0), .i32(10), .i32(e)])
    }

    @Test func stopEndsTheThread() throws {
        let p = Probe("p")
        let t = try makeTopology([(p, nil)], baseRate: 1000)
        let exec = t.realTime()
        exec.start()
        while exec.ticks < 10 { busyWait(nanoseconds: 100_000) }
        exec.stop()
        exec.join()
        let ran = exec.ticks
        #expect(ran >= 10)
        #expect(UInt64(p.ticks.count) == ran)
        busyWait(nanoseconds: 5_000_000)
        #expect(exec.ticks == ran)  // nothing runs after join
        #expect(t.scheduler.lateness.total == ran)
    }

    @Test func bareSleepBaselineRecordsEveryWakeUp() {
        let h = measureBareSleepLateness(rate: 1000, ticks: 50)
        #expect(h.total == 50)
        #expect(h.percentile(0.5) <= h.max)
    }
}
