import FlightCore
import Testing

/// A component that uses CPU time: it advances the scheduler's execution clock (a simulated
/// clock standing for the CPU) by its cost on each tick, so overruns are exact under lockstep.
final class Job: Component, PingResponder {
    let name: String
    var ports = ComponentPorts.unwired
    let cpu: SimulatedClock
    var cost: FlightDuration
    var stuck = false
    private(set) var ticks: [UInt64] = []
    init(_ name: String, cpu: SimulatedClock, cost: FlightDuration = .zero) {
        self.name = name
        self.cpu = cpu
        self.cost = cost
    }
    var definition: ComponentDefinition { ComponentDefinition(kind: "Job") }
    func tick(_ context: TickContext) {
        ticks.append(context.tick)
        cpu.advance(by: cost)
    }
    func answerPing(_ key: UInt32) -> UInt32? { stuck ? nil : key }
}

/// The Apollo 11 1201/1202 case: a rate group that overruns sheds its low-priority work,
/// raises an alarm, and keeps guidance on time. Health pings report what stopped running.
struct Executive {
    let cpu = SimulatedClock()
    let guidance: Job, formatter: Job, display: Job
    let health: HealthMonitor
    let faults: FaultManager
    let topology: Topology
    let exec: LockstepExecutive

    init(restoreAfter: Int = 5, table: FaultTable? = nil) throws {
        guidance = Job("guidance", cpu: cpu, cost: .milliseconds(2))
        formatter = Job("formatter", cpu: cpu, cost: .milliseconds(1))
        display = Job("display", cpu: cpu)
        var b = TopologyBuilder(name: "LGC", baseRate: 10, coreRate: 10)
        for j in [guidance, formatter, display] { b.add(j) }
        b.add(RateGroup("guidanceGroup", guidance), divisor: 1, budget: .milliseconds(10),
              shedding: [RateGroup("formatTier", formatter), RateGroup("displayTier", display)], restoreAfter: restoreAfter)
        health = HealthMonitor(watching: b.activeComponentNames.filter { ["guidance", "formatter", "display"].contains($0) }, warningCycles: 3, fatalCycles: 6)
        faults = FaultManager(table: table ?? FaultTable(
            monitors: [
                MonitorSpec("executiveOverflow", .event("rateGroups.LoadShed"), level: .system, latching: true),
                MonitorSpec("componentSilent", .event("health.HealthPingWarning"), level: .subsystem),
            ],
            responses: [ResponseSpec("alarm1202", on: "executiveOverflow", level: .system, actions: [.event(.warningHigh)])]))
        b.add(health, baseID: 0x0800)
        b.add(faults, baseID: 0x1_0000)
        b.add(RateGroup("faultGroup", health, faults), divisor: 1)
        topology = try b.build()
        topology.scheduler.measuresExecutionTime = true
        topology.scheduler.executionClock = cpu
        exec = topology.lockstep()
    }
}

@Suite struct LoadSheddingTests {
    @Test func anOverrunningGroupShedsItsLowestTierRaisesTheAlarmAndKeepsGuidanceOnTime() throws {
        let x = try Executive()
        x.exec.step(4)
        #expect(x.topology.scheduler.shedLevel(of: "guidanceGroup") == 0)
        x.display.cost = .milliseconds(15)  // the rendezvous radar's load: 2 + 1 + 15 ms > 10 ms
        x.exec.step()
        #expect(x.topology.scheduler.shedLevel(of: "guidanceGroup") == 1)
        #expect(try x.topology.latest("rateGroups.guidanceGroup_ShedTiers") == .u8(1))
        let shed = try #require(try x.topology.records("rateGroups.LoadShed").first)
        #expect(shed.arguments.values == [.u32(1), .u8(1), .f64(18_000), .f64(10_000)])
        x.exec.step(3)  // display shed: 3 ms per run
        #expect(x.display.ticks == [1, 2, 3, 4, 5])
        #expect(x.formatter.ticks.count == 8)
        #expect(x.guidance.ticks == Array(1...8))  // guidance never missed a tick
        // The alarm: the fault manager watched the shed event (latched for the crew).
        #expect(x.faults.state(of: "executiveOverflow") == .latched)
        #expect(try x.topology.records("faultMgr.FaultAlarmWarningHi").count == 1)
        #expect(x.topology.scheduler.stats(of: "guidanceGroup")?.overruns == 1)
    }

    @Test func shedTiersComeBackAfterRunsWithinBudget() throws {
        let x = try Executive(restoreAfter: 5)
        x.formatter.cost = .milliseconds(9)
        x.display.cost = .milliseconds(15)
        x.exec.step()  // 26 ms: display shed
        x.exec.step()  // 11 ms: formatter shed too
        #expect(x.topology.scheduler.shedLevel(of: "guidanceGroup") == 2)
        x.formatter.cost = .milliseconds(1)
        x.display.cost = .milliseconds(1)
        x.exec.step(5)  // five runs of 2 ms: one tier back
        #expect(x.topology.scheduler.shedLevel(of: "guidanceGroup") == 1)
        x.exec.step(5)
        #expect(x.topology.scheduler.shedLevel(of: "guidanceGroup") == 0)
        #expect(try x.topology.records("rateGroups.LoadRestored").map { $0.arguments.values } == [[.u32(1), .u8(1)], [.u32(1), .u8(0)]])
        x.exec.step()
        #expect(x.display.ticks == [1, 13])
        #expect(x.topology.scheduler.sheds == 2 && x.topology.scheduler.restores == 2)
    }
}

/// A cost model by unit name, with a load added to the guidance group's runs (cycles stolen).
final class UnitCosts: ExecutionCostModel {
    var costs: [String: FlightDuration]
    var stolen = FlightDuration.zero
    private(set) var asked: [String] = []
    init(_ costs: [String: FlightDuration]) { self.costs = costs }
    func cost(ofUnit unit: String, context: TickContext) -> FlightDuration {
        asked.append(unit)
        let c = costs[unit] ?? .zero
        return unit == "guidanceGroup" ? c + stolen : c
    }
}

@Suite struct ModelledExecutionTimeTests {
    /// With a cost model the scheduler takes a run's time from the model, summed over the
    /// units that ran (a shed tier costs nothing), and the execution clock is not read.
    @Test func aCostModelStandsForTheCPUAndSheddingFollowsIt() throws {
        let x = try Executive(restoreAfter: 3)
        let model = UnitCosts(["guidanceGroup": .milliseconds(6), "formatTier": .milliseconds(2), "displayTier": .milliseconds(1)])
        x.topology.scheduler.costModel = model
        x.exec.step(2)
        #expect(x.topology.scheduler.stats(of: "guidanceGroup")?.lastNanoseconds == 9_000_000)
        #expect(x.topology.scheduler.shedLevel(of: "guidanceGroup") == 0)
        #expect(Array(model.asked.drop { $0 != "guidanceGroup" }.prefix(3)) == ["guidanceGroup", "formatTier", "displayTier"])
        model.stolen = .milliseconds(2)  // 11 ms > 10 ms: the display is shed
        x.exec.step()
        #expect(x.topology.scheduler.shedLevel(of: "guidanceGroup") == 1)
        x.exec.step()
        #expect(x.topology.scheduler.stats(of: "guidanceGroup")?.lastNanoseconds == 10_000_000, "8 + 2 ms without the display")
        x.exec.step(2)  // three runs within budget: the display comes back, and overruns again
        #expect(x.topology.scheduler.restores == 1)
        #expect(x.topology.scheduler.shedLevel(of: "guidanceGroup") == 0)
        x.exec.step()
        #expect(x.topology.scheduler.shedLevel(of: "guidanceGroup") == 1)
        #expect(x.topology.scheduler.sheds == 2)
        #expect(x.guidance.ticks == Array(1...7))  // guidance on time throughout
        model.stolen = .zero
        x.exec.step(3)
        #expect(x.topology.scheduler.shedLevel(of: "guidanceGroup") == 0)
        #expect(x.faults.state(of: "executiveOverflow") == .latched)  // the alarm stays for the crew
    }
}

@Suite struct HealthPingTests {
    @Test func aShedComponentStopsAnsweringAndIsReportedAtTheWarningAndFatalThresholds() throws {
        let x = try Executive(restoreAfter: 100)
        x.exec.step(3)
        #expect(x.health.misses(of: "display") == 0)
        x.display.cost = .milliseconds(15)
        x.exec.step()  // tick 4: display ran (and overran), then is shed
        #expect(x.health.misses(of: "display") == 0)  // it ran before health's check at tick 4
        var cursor = x.topology.eventCursor
        x.exec.step()
        #expect(x.health.misses(of: "display") == 1)
        x.exec.step()
        #expect(x.health.misses(of: "display") == 2)
        x.exec.step()  // tick 7
        #expect(x.health.misses(of: "display") == 3)
        #expect(x.topology.newEventNames(since: &cursor).contains("health.HealthPingWarning"))
        #expect(try x.topology.records("health.HealthPingWarning").first?.arguments.values == [.enumeration(2), .u32(3)])
        x.exec.step(3)
        #expect(try x.topology.records("health.HealthPingLate").first?.arguments.values == [.enumeration(2), .u32(6)])
        #expect(try x.topology.records("health.HealthPingLate").first?.severity == .fatal)
        #expect(try x.topology.latest("health.PingFatals") == .u32(1))
        #expect(try x.topology.latest("health.PingsLate") == .u32(1))
        #expect(x.health.misses(of: "guidance") == 0 && x.health.misses(of: "formatter") == 0)
        // The fault manager saw the warning.
        #expect(x.faults.trips(of: "componentSilent") == 1)
        // Restored after 100 runs within budget (display costs nothing now): it answers again.
        x.display.cost = .zero
        x.exec.step(101)
        #expect(x.topology.scheduler.shedLevel(of: "guidanceGroup") == 0)
        x.exec.step()
        #expect(x.health.misses(of: "display") == 0)
        #expect(try x.topology.records("health.HealthPingRecovered").count == 1)
    }

    @Test func aPingResponderThatIsStuckDoesNotAnswer() throws {
        let x = try Executive()
        x.exec.step(2)
        x.formatter.stuck = true
        x.exec.step(3)
        #expect(x.health.misses(of: "formatter") == 3)
        #expect(try x.topology.records("health.HealthPingWarning").map { $0.arguments[0] } == [.enumeration(1)])
        x.formatter.stuck = false
        x.exec.step()
        #expect(x.health.misses(of: "formatter") == 0)
        // HLTH_PING_ENABLE stops pinging one component; HLTH_ENABLE all of them.
        let watch = try x.topology.op("health.HLTH_PING_ENABLE")
        #expect(x.topology.dispatcher.dispatch(CommandPacket(opcode: watch, arguments: be(Int32(1)) + [0x00])) == .ok)
        x.formatter.stuck = true
        x.exec.step(10)
        #expect(x.health.misses(of: "formatter") == 0)
    }

    @Test func healthCheckingCanBeTurnedOffAndOn() throws {
        let x = try Executive()
        let enable = try x.topology.op("health.HLTH_ENABLE")
        #expect(x.topology.dispatcher.dispatch(CommandPacket(opcode: enable, arguments: [0x00])) == .ok)
        x.formatter.stuck = true
        x.exec.step(10)
        #expect(x.health.misses(of: "formatter") == 0)
        #expect(try x.topology.records("health.HealthPingWarning").isEmpty)
        #expect(x.topology.dispatcher.dispatch(CommandPacket(opcode: enable, arguments: [0xFF])) == .ok)
        x.exec.step(3)
        #expect(x.health.misses(of: "formatter") == 3)
        #expect(try x.topology.records("health.HealthEnabled").map { $0.arguments[0] } == [.bool(false), .bool(true)])
    }

    @Test func healthRefusesToWatchWhatCannotAnswer() throws {
        let cpu = SimulatedClock()
        let idle = Job("idle", cpu: cpu)
        var b = TopologyBuilder(name: "H", baseRate: 10, coreRate: 10)
        b.add(idle)
        let health = HealthMonitor(watching: ["idle", "ghost"], warningCycles: 3, fatalCycles: 6)
        b.add(health)
        b.add(RateGroup("healthGroup", health), divisor: 1)
        #expect(throws: TopologyError.bindingFailed(component: "health", problems: [
            "watches 'idle', which is in no rate group (only active components answer pings)",
            "watches unknown component 'ghost'",
        ])) { try b.build() }
    }

    @Test func thresholdsCountASlowComponentsOwnRuns() throws {
        // Health at 10 Hz, a component at 1 Hz: it answers once every ten cycles, which is not
        // late; it is late after missing three of its own runs (30 cycles).
        let cpu = SimulatedClock()
        let slow = Job("slow", cpu: cpu)
        var b = TopologyBuilder(name: "H", baseRate: 10, coreRate: 10)
        b.add(slow)
        b.add(RateGroup("slowGroup", slow), divisor: 10)
        let health = HealthMonitor(watching: ["slow"], warningCycles: 3, fatalCycles: 6)
        b.add(health)
        b.add(RateGroup("healthGroup", health), divisor: 1)
        let t = try b.build()
        let exec = t.lockstep()
        exec.step(100)
        #expect(try t.records("health.HealthPingWarning").isEmpty)
        // Take it out of the schedule's reach: pinging continues, answers stop.
        slow.stuck = true
        exec.step(29)
        #expect(try t.records("health.HealthPingWarning").isEmpty)
        exec.step(1)
        #expect(try t.records("health.HealthPingWarning").map { $0.arguments.values } == [[.enumeration(0), .u32(30)]])
    }
}

/// The core table on the real-time executive: a component that spins past its deadlines makes
/// the scheduler count overruns and cycle slips, and the fault manager sees both.
@Suite(.serialized) struct CoreFaultProtectionTests {
    @Test func cycleSlipsAndOverrunsOfTheRealTimeExecutiveReachTheFaultManager() throws {
        // "slow" runs on ticks 5, 15, 25, … and spins 3 ms: an overrun and a cycle slip each time.
        let slow = Probe("slow") { _, _ in busyWait(nanoseconds: 3_000_000) }
        var b = TopologyBuilder(name: "Slips", baseRate: 1000)
        b.add(slow)
        b.add(RateGroup("slowGroup", slow), divisor: 10, offset: 5)
        // The fault group runs in the same slot, right after "slow": a slip skips the ticks after
        // a slot, never the slot itself (unless the machine stalls for 10 ms), so it runs ~10 times.
        let protection = b.addFaultProtection(
            modes: SystemMode(modes: ["STANDBY", "SAFE"], initial: "STANDBY"), table: .core, divisor: 10, offset: 5)
        let t = try b.build()
        t.realTime().run(ticks: 100)
        #expect(t.scheduler.cycleSlips > 0)
        #expect((protection.faults.trips(of: "cycleSlip") ?? 0) > 0)
        #expect((protection.faults.trips(of: "overrun") ?? 0) > 0)
        #expect(protection.faults.counts(of: "slipAlarm")?.fired == 1)  // then its 10 s cooldown
        #expect(try t.records("faultMgr.FaultAlarmWarningHi").count == 1)
    }
}
