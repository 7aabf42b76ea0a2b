import FlightCore
import Testing

/// Each monitor kind, persistence rule and the clearing hysteresis, in lockstep runs at 10 Hz
/// (the plant writes, then the fault manager samples, every 0.1 s).
@Suite struct FaultMonitorTests {
    @Test func limitMonitorWarnsInYellowTripsInRedAndClears() throws {
        let rig = try FaultRig(FaultTable(monitors: [
            MonitorSpec("hot", .limit(channel: "plant.Level", yellowHigh: 50, redHigh: 80)),
            MonitorSpec("cold", .limit(channel: "plant.Level", redLow: -50)),
        ]))
        var cursor = rig.topology.eventCursor
        rig.step()
        #expect(try rig.state("hot") == .nominal)
        rig.plant.level = 60
        rig.step()
        #expect(try rig.state("hot") == .warning)
        rig.plant.level = 90
        rig.step()
        #expect(try rig.state("hot") == .tripped)
        #expect(try rig.topology.latest("faultMgr.hot_State") == .enumeration(Int32(FaultManager.MonitorState.tripped.rawValue)))
        #expect(try rig.topology.latest("faultMgr.hot_Trips") == .u32(1))
        #expect(try rig.topology.latest("faultMgr.hot_LastChange") == .f64(0.3))
        #expect(try rig.topology.latest("faultMgr.MonitorsTripped") == .u32(1))
        rig.plant.level = 10
        rig.step()
        #expect(try rig.state("hot") == .nominal)
        #expect(rig.events(since: &cursor).filter { $0.hasPrefix("faultMgr.") } == [
            "faultMgr.MonitorWarning", "faultMgr.MonitorTripped", "faultMgr.MonitorCleared",
        ])
        let tripped = try rig.topology.records("faultMgr.MonitorTripped")
        #expect(tripped.first?.arguments.values == [.enumeration(0), .f64(90)])
        // Low side, and a NaN reading (a failed sensor) is a violation.
        rig.plant.level = -60
        rig.step()
        #expect(try rig.state("cold") == .tripped)
        rig.plant.level = 0
        rig.step()
        rig.plant.level = .nan
        rig.step()
        #expect(try rig.state("hot") == .tripped && rig.state("cold") == .tripped)
        #expect(rig.faults.trips(of: "hot") == 2 && rig.faults.trips(of: "cold") == 2)
    }

    @Test func rangeMonitor() throws {
        let rig = try FaultRig(FaultTable(monitors: [MonitorSpec("inRange", .range(channel: "plant.Level", min: 0, max: 100))]))
        for (v, s) in [(50.0, FaultManager.MonitorState.nominal), (100, .nominal), (100.5, .tripped), (0, .nominal), (-1, .tripped)] {
            rig.plant.level = v
            rig.step()
            #expect(try rig.state("inRange") == s, "level \(v)")
        }
    }

    @Test func expectedStateMonitorsOnEnumAndBoolChannels() throws {
        let rig = try FaultRig(FaultTable(monitors: [
            MonitorSpec("running", .expected(channel: "plant.State", value: .constant("RUNNING"))),
            MonitorSpec("armed", .expected(channel: "plant.Armed", value: .bool(true))),
            MonitorSpec("near", .expected(channel: "plant.Level", value: .number(20), tolerance: 0.5)),
        ]))
        rig.plant.level = 20.4
        rig.step()
        #expect(try rig.state("running") == .tripped)  // IDLE
        #expect(try rig.state("armed") == .nominal)
        #expect(try rig.state("near") == .nominal)
        rig.plant.state = 1
        rig.plant.armed = false
        rig.plant.level = 21
        rig.step()
        #expect(try rig.state("running") == .nominal)
        #expect(try rig.state("armed") == .tripped)
        #expect(try rig.state("near") == .tripped)
    }

    @Test func deltaMonitorTripsOnRateOfChangeBetweenSamples() throws {
        let rig = try FaultRig(FaultTable(monitors: [MonitorSpec("jump", .delta(channel: "plant.Level", maxRate: 50))]))
        rig.plant.level = 0
        rig.step()
        rig.plant.level = 4  // 40 /s
        rig.step()
        #expect(try rig.state("jump") == .nominal)
        rig.plant.level = 10  // 60 /s
        rig.step()
        #expect(try rig.state("jump") == .tripped)
        let rate = try #require(try rig.topology.records("faultMgr.MonitorTripped").last?.arguments[1].doubleValue)
        #expect(abs(rate - 60) < 1e-9)
        rig.step()  // same value again: 0 /s
        #expect(try rig.state("jump") == .nominal)
        // No new sample, no evaluation: a silent sensor leaves the delta monitor as it was.
        rig.plant.level = nil
        rig.step(5)
        #expect(try rig.state("jump") == .nominal)
    }

    @Test func staleMonitorTripsWhenAChannelStopsBeingWritten() throws {
        let rig = try FaultRig(FaultTable(monitors: [MonitorSpec("silent", .stale(channel: "plant.Level", timeout: .milliseconds(500)))]))
        rig.step(2)  // last write at 0.2 s
        rig.plant.level = nil
        rig.step(5)  // 0.7 s: age 0.5 s, not over
        #expect(try rig.state("silent") == .nominal)
        rig.step()  // 0.8 s: age 0.6 s
        #expect(try rig.state("silent") == .tripped)
        rig.plant.level = 1
        rig.step()
        #expect(try rig.state("silent") == .nominal)
    }

    @Test func staleCountsAnUnchangedWriteOnAnOnChangeChannelAsAlive() throws {
        // plant.State is on-change and never changes: the writer is still alive.
        let rig = try FaultRig(FaultTable(monitors: [MonitorSpec("stateSilent", .stale(channel: "plant.State", timeout: .milliseconds(300)))]))
        rig.step(20)
        #expect(try rig.state("stateSilent") == .nominal)
    }

    @Test func eventMonitorCountsOccurrencesPerSample() throws {
        let rig = try FaultRig(FaultTable(monitors: [MonitorSpec("glitchy", .event("plant.Glitch"), persistence: .nOfM(2, 3))]))
        rig.plant.glitches = 3  // three in one tick are one violating sample
        rig.step()
        #expect(try rig.state("glitchy") == .nominal)
        rig.step()
        rig.step()
        rig.plant.glitches = 1  // window [1, 0, 0] then [0, 0, 1]: the first has left
        rig.step()
        #expect(try rig.state("glitchy") == .nominal)
        rig.step()
        rig.plant.glitches = 1
        rig.step()  // [1, 0, 1]
        #expect(try rig.state("glitchy") == .tripped)
    }

    @Test func combinationsOfMonitors() throws {
        let rig = try FaultRig(FaultTable(monitors: [
            MonitorSpec("bothBad", .all(["hot", "disarmed"])),
            MonitorSpec("eitherBad", .any(["hot", "disarmed"])),
            MonitorSpec("fine", .not("eitherBad")),
            MonitorSpec("hot", .limit(channel: "plant.Level", redHigh: 80)),
            MonitorSpec("disarmed", .expected(channel: "plant.Armed", value: .bool(true))),
        ]))
        func states() throws -> [FaultManager.MonitorState] { try ["bothBad", "eitherBad", "fine"].map { try rig.state($0) } }
        rig.step()
        #expect(try states() == [.nominal, .nominal, .tripped])
        rig.plant.level = 90
        rig.step()  // operands are evaluated first, in the same tick
        #expect(try states() == [.nominal, .tripped, .nominal])
        rig.plant.armed = false
        rig.step()
        #expect(try states() == [.tripped, .tripped, .nominal])
    }

    @Test func persistenceNConsecutive() throws {
        let rig = try FaultRig(FaultTable(monitors: [MonitorSpec("hot", .limit(channel: "plant.Level", redHigh: 80), persistence: .consecutive(3))]))
        for v in [90.0, 90, 10, 90, 90] {
            rig.plant.level = v
            rig.step()
            #expect(try rig.state("hot") == .nominal)
        }
        rig.plant.level = 90
        rig.step()
        #expect(try rig.state("hot") == .tripped)
    }

    @Test func persistenceNOfTheLastM() throws {
        let rig = try FaultRig(FaultTable(monitors: [
            MonitorSpec("twoOfFour", .limit(channel: "plant.Level", redHigh: 80), persistence: .nOfM(2, 4)),
            MonitorSpec("twoInARow", .limit(channel: "plant.Level", redHigh: 80), persistence: .consecutive(2)),
        ]))
        let pattern: [Double] = [90, 10, 10, 10, 90, 10, 90]
        var trippedAt: [Int] = []
        for (i, v) in pattern.enumerated() {
            rig.plant.level = v
            rig.step()
            if try rig.state("twoOfFour") == .tripped { trippedAt.append(i) }
            #expect(try rig.state("twoInARow") == .nominal)
        }
        #expect(trippedAt == [6])  // [90,10,10,10] has one; [10,90,10,90] has two
    }

    @Test func clearingNeedsGoodSamplesInsideTheDeadband() throws {
        let rig = try FaultRig(FaultTable(monitors: [
            MonitorSpec("hot", .limit(channel: "plant.Level", redHigh: 80), clear: ClearCondition(samples: 3, deadband: 5)),
        ]))
        rig.plant.level = 90
        rig.step()
        #expect(try rig.state("hot") == .tripped)
        rig.plant.level = 77  // below red but inside the deadband: not yet good
        rig.step(5)
        #expect(try rig.state("hot") == .tripped)
        rig.plant.level = 70
        rig.step(2)
        #expect(try rig.state("hot") == .tripped)
        rig.plant.level = 77  // a bad sample restarts the count
        rig.step()
        rig.plant.level = 70
        rig.step(2)
        #expect(try rig.state("hot") == .tripped)
        rig.step()
        #expect(try rig.state("hot") == .nominal)
        #expect(rig.faults.trips(of: "hot") == 1)
    }

    @Test func eventMonitorsCountEmissionsThatTheLogFiltersOrThrottles() throws {
        let rig = try FaultRig(FaultTable(monitors: [MonitorSpec("glitchy", .event("plant.Glitch"))]))
        // The ground filters the event out of the log (and the downlink): the fault manager still sees it.
        let glitch = try #require(rig.topology.eventID("plant.Glitch")).rawValue
        #expect(try rig.command("eventLogger.SET_ID_FILTER", be(glitch) + [0x00]) == .ok)
        rig.plant.glitches = 20
        rig.step()
        #expect(try rig.state("glitchy") == .tripped)
        #expect(try rig.topology.records("plant.Glitch").isEmpty)
        #expect(rig.topology.events.emissions(of: EventID(glitch)) == 20)
        #expect(try rig.topology.records("faultMgr.MonitorTripped").first?.arguments[1] == .f64(20))
        rig.step()
        #expect(try rig.state("glitchy") == .nominal)
    }
}
