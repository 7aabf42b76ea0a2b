import FlightCore
import Testing

/// A table wrong in every way the loader must catch, checked in Swift (the YAML loader's
/// corpus in ConfigurationTests checks the same problems with their lines and columns).
@Suite struct FaultTableValidationTests {
    static func context() throws -> FaultTableContext {
        let rig = try FaultRig(FaultTable())
        return FaultTableContext(dictionary: rig.topology.dictionary(), sequences: ["coolDown"])
    }

    @Test func contextComesFromTheDictionary() throws {
        let c = try Self.context()
        #expect(c.modes == FaultRig.modeNames)
        #expect(c.channels["plant.Level"] == .f64)
        #expect(c.events.contains("plant.Glitch"))
        #expect(c.commands["plant.POWER"]?.map(\.name) == ["on"])
    }

    @Test func everyProblemIsFoundWithItsPlace() throws {
        let table = FaultTable(
            monitors: [
                MonitorSpec("hot", .limit(channel: "plant.Levle", yellowHigh: 90, redHigh: 80)),
                MonitorSpec("band", .limit(channel: "plant.Level", redLow: 50, redHigh: 40)),
                MonitorSpec("yellowOnly", .limit(channel: "plant.Level", yellowHigh: 40)),
                MonitorSpec("noisy", .range(channel: "plant.Level", min: 0, max: 10), persistence: .nOfM(5, 3)),
                MonitorSpec("glitch", .event("plant.Glich")),
                MonitorSpec("state", .expected(channel: "plant.State", value: .constant("RUNING"))),
                MonitorSpec("hot", .stale(channel: "plant.Level", timeout: .zero), modes: ["DESCNT"]),
                MonitorSpec("loopA", .any(["loopB"])),
                MonitorSpec("loopB", .not("loopA")),
                MonitorSpec("2bad", .delta(channel: "plant.Level", maxRate: -1)),
            ],
            responses: [
                ResponseSpec("r1", on: "hto", actions: [.command("plant.RESTE")]),
                ResponseSpec("r2", on: "band", actions: [.command("plant.POWER", [.number(3)]), .sequence("coolDwn"), .mode("LANDING")]),
                ResponseSpec("r3", on: "band", level: .system, actions: [.safe]),
                ResponseSpec("r4", on: "band", actions: []),
            ],
            lockouts: [CommandLockout("plant.RST", in: ["DESCENT"])],
            sequenceCommand: "seq.RUN")
        let problems = table.problems(in: try Self.context()).map(\.description)
        #expect(problems == [
            "monitors[6].name: monitor 'hot' is declared twice (first as monitors[0])",
            "monitors[9].name: monitor name '2bad' must be letters, digits and underscores, not starting with a digit",
            "monitors[0].channel: unknown channel 'plant.Levle'; did you mean 'plant.Level'?",
            "monitors[0].limit.redHigh: red high 80 is below yellow high 90: yellow must lie inside red",
            "monitors[1].limit: low limit 50 is not below high limit 40: every sample would violate",
            "monitors[2].limit: a limit monitor needs a red limit: yellow limits only warn",
            "monitors[3].persistence: persistence 5 of 3 can never trip: N must not exceed M",
            "monitors[4].event: unknown event 'plant.Glich'; did you mean 'plant.Glitch'?",
            "monitors[5].expect: 'RUNING' is not a constant of Plant.State; did you mean 'RUNNING'? (constants: IDLE, RUNNING, FAILED)",
            "monitors[6].stale: timeout 0.0 s must be positive",
            "monitors[6].modes: unknown mode 'DESCNT'; did you mean 'DESCENT'? (modes: CRUISE, DESCENT, LANDED, SAFE)",
            "monitors[9].delta: maximum rate -1 must be a positive number",
            "monitors[7].any: monitor 'loopA' depends on itself through its operands",
            "monitors[8].not: monitor 'loopB' depends on itself through its operands",
            "responses[0].on: unknown monitor 'hto'",  // a transposition is two edits: too far for 3 letters
            "responses[0].actions[0]: unknown command 'plant.RESTE'; did you mean 'plant.RESET'?",
            "responses[1].actions[0]: argument 'on': 3 is not a value of type bool",
            "responses[1].actions[1]: unknown sequence 'coolDwn'; did you mean 'coolDown'?",
            "responses[1].actions[2]: unknown mode 'LANDING' (modes: CRUISE, DESCENT, LANDED, SAFE)",
            "responses[3].actions: a response needs at least one action",
            "responses[2].after: system-level response 'r3' acts after 0.0 s, not later than device-level 'r2' (0.0 s): a lower level must get its chance first",
            "lockouts[0].command: unknown command 'plant.RST'; did you mean 'plant.RESET'?",
        ])
    }

    @Test func aBadTableStopsTheTopologyFromBuilding() throws {
        let table = FaultTable(monitors: [MonitorSpec("hot", .limit(channel: "plant.Temp", redHigh: 80))])
        #expect(throws: TopologyError.bindingFailed(component: "faultMgr", problems: ["monitors[0].channel: unknown channel 'plant.Temp'"])) {
            try FaultRig(table)
        }
    }

    @Test func modesNeedASystemModeComponent() throws {
        var b = TopologyBuilder(name: "NoModes", baseRate: 10)
        let plant = Plant()
        let faults = FaultManager(table: FaultTable(
            monitors: [MonitorSpec("hot", .limit(channel: "plant.Level", redHigh: 80), modes: ["DESCENT"])],
            responses: [ResponseSpec("safe", on: "hot", actions: [.safe])]))
        b.add(plant)
        b.add(faults)
        #expect(throws: TopologyError.bindingFailed(component: "faultMgr", problems: [
            "monitors[0].modes: names modes, but the topology has no SystemMode component",
            "responses[0].actions[0]: enters SAFE mode, but the topology has no SystemMode component",
        ])) { try b.build() }
    }

    @Test func everythingIsInTheDictionaryExports() throws {
        let rig = try FaultRig(FaultTable(monitors: [FaultResponseTests.hot], responses: [ResponseSpec("note", on: "hot", actions: [.event(.warningLow)])]))
        let d = rig.topology.dictionary()
        for c in ["faultMgr.MONITOR_ENABLE", "faultMgr.MONITOR_DISABLE", "faultMgr.MONITOR_CLEAR", "faultMgr.MONITOR_REPORT", "faultMgr.RESPONSE_ENABLE",
                  "faultMgr.RESPONSE_DISABLE", "faultMgr.RESPONSE_CLEAR", "faultMgr.RESPONSE_REPORT", "faultMgr.CLEAR_ALL_LATCHED", "mode.SET_MODE", "mode.EXIT_SAFE"] {
            #expect(d.command(named: c) != nil, "\(c)")
        }
        #expect(d.command(named: "mode.EXIT_SAFE")?.hazardous == true)
        for c in ["faultMgr.hot_State", "faultMgr.hot_Trips", "faultMgr.hot_LastChange", "faultMgr.note_Fired", "faultMgr.MonitorsTripped", "mode.Mode"] {
            #expect(d.channel(named: c) != nil, "\(c)")
        }
        #expect(d.channel(named: "faultMgr.hot_State")?.id == ChannelID(0x1_0000 + 0x100))
        #expect(d.event(named: "faultMgr.MonitorTripped") != nil && d.event(named: "mode.SafeModeEntered") != nil)
        #expect(d.enums.map(\.qualifiedName).contains("faultMgr.Monitor"))
        let fprime = d.fprimeJSON(), regolith = d.regolithJSON()
        // Regolith's form also carries the table itself.
        #expect(d.faultTables.map(\.component) == ["faultMgr"])
        #expect(regolith.contains("\"faultProtection\"") && regolith.contains("\"on\": \"hot\"") && regolith.contains("\"redHigh\": 80"))
        #expect(regolith.contains("\"formatVersion\": \"1.1.0\""))
        for s in ["\"faultMgr.MONITOR_CLEAR\"", "\"Faults.MonitorState\"", "\"SystemMode.Mode\"", "\"faultMgr.hot_State\""] {
            #expect(fprime.contains(s) && regolith.contains(s), "\(s)")
        }
    }

    @Test func coverageReportsWhatFiredInWhichScenario() throws {
        let coverage = FaultCoverage()
        let table = FaultTable(monitors: [FaultResponseTests.hot, MonitorSpec("cold", .limit(channel: "plant.Level", redLow: -50))],
                               responses: [ResponseSpec("note", on: "hot", actions: [.event(.warningLow)])])
        let a = try FaultRig(table)
        a.plant.level = 90
        a.step()
        coverage.record(a.faults, scenario: "overheat")
        let b = try FaultRig(table)
        b.step()
        coverage.record(b.faults, scenario: "nominal")
        #expect(coverage.scenarios(firing: "hot") == ["overheat"])
        #expect(coverage.unfired == ["cold"])
        #expect(coverage.report() == """
            Fault coverage: 2 monitors, 1 responses, 2 scenarios
            monitors:
              hot: overheat (1)
              cold: NEVER FIRED
            responses:
              note: overheat (1)
            never fired: cold
            """)
    }

    /// The mechanism the mission scenario tests will use: one coverage record shared by the
    /// scenarios, printed at the end, with every monitor required to fire somewhere.
    @Test func coverageAcrossScenariosIsPrintedAndComplete() throws {
        let coverage = FaultCoverage()
        let table = FaultTable(
            monitors: [
                MonitorSpec("overheat", .limit(channel: "plant.Level", redHigh: 80), persistence: .consecutive(2)),
                MonitorSpec("sensorSilent", .stale(channel: "plant.Level", timeout: .milliseconds(300))),
                MonitorSpec("glitchStorm", .event("plant.Glitch"), persistence: .nOfM(3, 5)),
            ],
            responses: [
                ResponseSpec("coolDown", on: "overheat", actions: [.command("plant.POWER", [.bool(false)])]),
                ResponseSpec("goSafe", on: "sensorSilent", level: .system, actions: [.safe]),
            ])
        let scenarios: [(String, (FaultRig) -> Void)] = [
            ("overheat", { rig in rig.plant.level = 95; rig.step(3) }),
            ("dead sensor", { rig in rig.plant.level = nil; rig.step(5) }),
            ("glitch storm", { rig in for _ in 0..<3 { rig.plant.glitches = 1; rig.step() } }),
            ("nominal", { rig in rig.step(10) }),
        ]
        for (name, run) in scenarios {
            let rig = try FaultRig(table)
            rig.step()
            run(rig)
            coverage.record(rig.faults, scenario: name)
        }
        print(coverage.report())
        #expect(coverage.unfired.isEmpty)
        #expect(coverage.scenarios(firing: "goSafe") == ["dead sensor"])
        #expect(coverage.scenarios(firing: "nominal").isEmpty)
    }
}
