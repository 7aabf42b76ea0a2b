import FlightCore
import Testing

/// Event monitors that match argument values (`where`): which emissions trip them, how the
/// table is checked, and what the dictionary carries. The plant's `Stopped(reason, unit,
/// armed, level)` event stands for a component's stop report (the rover's `DriveStopped`).
@Suite struct FaultEventArgumentTests {
    static func failedStop(_ extra: [EventArgumentMatch] = []) -> MonitorSpec {
        MonitorSpec("failedStop", .event("plant.Stopped", where: [EventArgumentMatch("reason", .constant("FAILED"))] + extra))
    }

    @Test func aMonitorWithWhereTripsOnlyOnTheMatchingArgument() throws {
        let rig = try FaultRig(FaultTable(monitors: [Self.failedStop()]))
        rig.step()
        rig.plant.stops = [(reason: 1, unit: 0, armed: true)]  // RUNNING: the same event, another reason
        rig.step()
        #expect(try rig.state("failedStop") == .nominal)
        #expect(rig.faults.trips(of: "failedStop") == 0)
        rig.plant.stops = [(reason: 2, unit: 0, armed: true)]  // FAILED
        rig.step()
        #expect(try rig.state("failedStop") == .tripped)
        #expect(rig.faults.trips(of: "failedStop") == 1)
        rig.step()  // nothing logged since: a good sample clears it
        #expect(try rig.state("failedStop") == .nominal)
        // A matching emission among others in one tick is one violating sample.
        rig.plant.stops = [(reason: 0, unit: 0, armed: true), (reason: 2, unit: 3, armed: false), (reason: 1, unit: 0, armed: true)]
        rig.step()
        #expect(try rig.state("failedStop") == .tripped)
        #expect(rig.faults.trips(of: "failedStop") == 2)
    }

    @Test func twoMonitorsOnOneEventEachTripOnlyOnTheirOwnReason() throws {
        let rig = try FaultRig(FaultTable(monitors: [
            MonitorSpec("idleStop", .event("plant.Stopped", where: [EventArgumentMatch("reason", .constant("IDLE"))])),
            Self.failedStop(),
            MonitorSpec("anyStop", .event("plant.Stopped")),
        ]))
        rig.step()
        rig.plant.stops = [(reason: 0, unit: 0, armed: true)]
        rig.step()
        #expect(try rig.state("idleStop") == .tripped)
        #expect(try rig.state("failedStop") == .nominal)
        #expect(try rig.state("anyStop") == .tripped)
        rig.plant.stops = [(reason: 2, unit: 0, armed: true)]
        rig.step()
        #expect(try rig.state("idleStop") == .nominal)
        #expect(try rig.state("failedStop") == .tripped)
        #expect(try rig.state("anyStop") == .tripped)
        #expect(rig.faults.trips(of: "idleStop") == 1 && rig.faults.trips(of: "failedStop") == 1 && rig.faults.trips(of: "anyStop") == 1)
    }

    @Test func everyArgumentListedMustMatch() throws {
        // FAILED on unit 3 while disarmed; the enumeration also by its value (2).
        let rig = try FaultRig(FaultTable(monitors: [
            Self.failedStop([EventArgumentMatch("unit", .number(3)), EventArgumentMatch("armed", .bool(false))]),
            MonitorSpec("byValue", .event("plant.Stopped", where: [EventArgumentMatch("reason", .number(2)), EventArgumentMatch("unit", .number(-1))])),
        ]))
        rig.step()
        for (stop, trips) in [((Int32(2), Int32(3), true), false), ((2, 4, false), false), ((1, 3, false), false), ((2, 3, false), true)] {
            rig.plant.stops = [(reason: stop.0, unit: stop.1, armed: stop.2)]
            rig.step()
            #expect(try rig.state("failedStop") == (trips ? .tripped : .nominal), "\(stop)")
            rig.step()
        }
        rig.plant.stops = [(reason: 2, unit: 3, armed: false), (reason: 2, unit: -1, armed: true)]
        rig.step()
        #expect(try rig.state("byValue") == .tripped)
        #expect(rig.faults.trips(of: "failedStop") == 2 && rig.faults.trips(of: "byValue") == 1)
    }

    @Test func matchesCountEmissionsThatTheLogFilters() throws {
        let rig = try FaultRig(FaultTable(monitors: [Self.failedStop()]))
        let stopped = try #require(rig.topology.eventID("plant.Stopped")).rawValue
        #expect(try rig.command("eventLogger.SET_ID_FILTER", be(stopped) + [0x00]) == .ok)
        rig.plant.stops = [(reason: 2, unit: 0, armed: true)]
        rig.step()
        #expect(try rig.state("failedStop") == .tripped)
        #expect(try rig.topology.records("plant.Stopped").isEmpty)
    }

    @Test func whileDisabledOrInactiveAMatchIsNotASample() throws {
        var spec = Self.failedStop()
        spec.modes = ["DESCENT"]
        let rig = try FaultRig(FaultTable(monitors: [spec]))
        rig.step()
        rig.plant.stops = [(reason: 2, unit: 0, armed: true)]
        rig.step()  // CRUISE: inactive
        #expect(try rig.state("failedStop") == .inactive)
        #expect(rig.modes.request(rig.modes.index(of: "DESCENT")!, reason: .command))
        rig.step()
        #expect(try rig.state("failedStop") == .nominal)  // the stop in CRUISE does not count now
    }

    @Test func badMatchesAreFoundWithTheirPlace() throws {
        let table = FaultTable(monitors: [
            MonitorSpec("a", .event("plant.Stopped", where: [EventArgumentMatch("reasn", .constant("FAILED"))])),
            MonitorSpec("b", .event("plant.Stopped", where: [EventArgumentMatch("reason", .constant("FAILD"))])),
            MonitorSpec("c", .event("plant.Stopped", where: [EventArgumentMatch("unit", .constant("ONE")), EventArgumentMatch("armed", .number(1))])),
            MonitorSpec("d", .event("plant.Stopped", where: [EventArgumentMatch("unit", .number(2.5)), EventArgumentMatch("reason", .number(7))])),
            MonitorSpec("e", .event("plant.Stopped", where: [EventArgumentMatch("level", .number(90))])),
            MonitorSpec("f", .event("plant.Stopped", where: [EventArgumentMatch("unit", .number(1)), EventArgumentMatch("unit", .number(2))])),
            MonitorSpec("g", .event("plant.Glitch", where: [EventArgumentMatch("reason", .constant("FAILED"))])),
            MonitorSpec("h", .event("plant.Stoped", where: [EventArgumentMatch("reason", .constant("FAILED"))])),
            MonitorSpec("i", .event("plant.Stopped", where: [EventArgumentMatch("unit", .number(3e9))])),
        ])
        let problems = table.problems(in: try FaultTableValidationTests.context()).map(\.description)
        #expect(problems == [
            "monitors[0].where.reasn: event 'plant.Stopped' has no argument 'reasn'; did you mean 'reason'? (its arguments: reason, unit, armed, level)",
            "monitors[1].where.reason: argument 'reason' of 'plant.Stopped': 'FAILD' is not a constant of Plant.State; did you mean 'FAILED'? (constants: IDLE, RUNNING, FAILED)",
            "monitors[2].where.unit: argument 'unit' of 'plant.Stopped': ONE is not a value of type I32",
            "monitors[2].where.armed: argument 'armed' of 'plant.Stopped': 1 is not a value of type bool",
            "monitors[3].where.unit: argument 'unit' of 'plant.Stopped': 2.5 is not a whole number for I32",
            "monitors[3].where.reason: argument 'reason' of 'plant.Stopped': 7 is not a value of Plant.State",
            "monitors[4].where.level: argument 'level' of 'plant.Stopped': a F64 argument cannot be matched (floating-point values are not compared exactly); watch a channel with a limit instead",
            "monitors[5].where.unit: argument 'unit' is matched twice",
            "monitors[6].where.reason: event 'plant.Glitch' has no argument 'reason' (it has no arguments)",
            "monitors[7].event: unknown event 'plant.Stoped'; did you mean 'plant.Stopped'?",
            "monitors[8].where.unit: argument 'unit' of 'plant.Stopped': 3000000000 does not fit I32",
        ])
        // And a topology refuses to build with it.
        #expect(throws: TopologyError.self) { try FaultRig(table) }
    }

    @Test func theMatchIsInTheDictionaryExport() throws {
        let rig = try FaultRig(FaultTable(monitors: [Self.failedStop([EventArgumentMatch("unit", .number(3))])]))
        let regolith = rig.topology.dictionary().regolithJSON()
        #expect(regolith.contains("\"event\": \"plant.Stopped\""))
        #expect(regolith.contains("\"where\": {"))
        #expect(regolith.contains("\"reason\": \"FAILED\""))
        #expect(regolith.contains("\"unit\": 3"))
    }
}
