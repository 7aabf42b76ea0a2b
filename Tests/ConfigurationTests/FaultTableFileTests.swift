import Configuration
import FlightCore
import Testing

/// A component that only declares things: enough of a lander for a fault table to name.
final class StandIn: Component {
    let name: String
    var ports = ComponentPorts.unwired
    let definition: ComponentDefinition
    init(_ name: String, _ definition: ComponentDefinition) {
        self.name = name
        self.definition = definition
    }
}

/// The topology the example table (docs/examples/fault-table.yaml) is written for.
enum ExampleLander {
    static let engineState = EnumType("Engine.State", representation: .u8, constants: [("OFF", 0), ("IGNITED", 1), ("FAILED", 2)])
    static let stopCause = EnumType("Engine.StopCause", representation: .u8, constants: [("COMMANDED", 0), ("OVERHEAT", 1), ("FLAMEOUT", 2)])

    /// The stand-in lander; with a table, a fault manager runs it (and the health monitor
    /// watches the devices).
    static func topology(table: FaultTable? = nil) throws -> (Topology, FaultManager?) {
        var b = TopologyBuilder(name: "ExampleLander", baseRate: 50, coreRate: 10)
        let engine = StandIn("engine", ComponentDefinition(
            kind: "Engine",
            commands: [CommandDefinition(0, "SET_THROTTLE", arguments: [.init("level", .f64, range: 0...1)]), CommandDefinition(1, "SHUTDOWN")],
            channels: [
                ChannelDefinition(0, "Temperature", .f64, units: "degC"), ChannelDefinition(1, "Thrust", .f64, units: "N"),
                ChannelDefinition(2, "State", .enumeration(engineState)), ChannelDefinition(3, "Armed", .bool),
            ],
            events: [EventDefinition(0, "Stopped", .warningHigh, arguments: [
                .init("cause", .enumeration(stopCause)), .init("chamber", .u8), .init("pressure", .f64, units: "kPa"),
            ], format: "Engine stopped: {} (chamber {}, {} kPa)")]))
        let altimeter = StandIn("altimeter", ComponentDefinition(
            kind: "Altimeter", commands: [CommandDefinition(0, "USE_RADAR", arguments: [.init("on", .bool)])],
            channels: [ChannelDefinition(0, "Altitude", .f64, units: "m")]))
        let imu = StandIn("imu", ComponentDefinition(kind: "IMU", commands: [CommandDefinition(0, "RESET")], channels: [ChannelDefinition(0, "Rate", .f64)]))
        let seq = StandIn("seq", ComponentDefinition(kind: "Sequencer", commands: [CommandDefinition(0, "RUN", arguments: [.init("name", .string(maxLength: 40))])]))
        for c in [engine, altimeter, imu, seq] { b.add(c) }
        b.add(UniformRateGroup("devices", [engine, altimeter, imu]), divisor: 1)
        let modes = SystemMode(modes: ["CRUISE", "DESCENT", "LANDED", "SAFE"], initial: "CRUISE")
        let health = HealthMonitor(watching: ["engine", "altimeter", "imu"])
        b.add(modes, baseID: 0x0700)
        b.add(health, baseID: 0x0800)
        let faults = FaultManager(table: table ?? FaultTable(), modes: modes, knownSequences: sequences)
        b.add(faults, baseID: 0x1_0000)
        b.add(RateGroup("faultGroup", modes, health, faults), divisor: 5)
        return (try b.build(), table == nil ? nil : faults)
    }

    static let sequences = ["coolEngine", "abortToOrbit"]

    static func context() throws -> FaultTableContext {
        FaultTableContext(dictionary: try topology().0.dictionary(), sequences: sequences)
    }
}

@Suite struct FaultTableFileTests {
    static let examplePath = #filePath.replacingOccurrences(of: "Tests/ConfigurationTests/FaultTableFileTests.swift", with: "docs/examples/fault-table.yaml")

    @Test func theShippedExampleLoadsAndRuns() throws {
        let context = try ExampleLander.context()
        let table = try FaultTableFile.load(contentsOf: Self.examplePath, context: context)
        #expect(table.monitors.count == 12)
        #expect(table.responses.count == 7)
        #expect(table.monitors[0] == MonitorSpec(
            "engineHot", .limit(channel: "engine.Temperature", yellowHigh: 600, redHigh: 700), persistence: .consecutive(3),
            clear: ClearCondition(samples: 5, deadband: 20), level: .device, summary: "Descent engine chamber temperature"))
        #expect(table.monitors[1].persistence == .nOfM(4, 10))
        #expect(table.monitors[2].kind == .expected(channel: "engine.State", value: .constant("IGNITED")))
        #expect(table.monitors[3].enabled == false)
        #expect(table.monitors[5].kind == .stale(channel: "altimeter.Altitude", timeout: .milliseconds(500)))
        #expect(table.monitors[8].kind == .event("engine.Stopped", where: [EventArgumentMatch("cause", .constant("FLAMEOUT"))]))
        #expect(table.monitors[9].kind == .all(["altimeterSilent", "altitudeJump"]))
        #expect(table.responses[0].actions == [.event(.warningLow), .command("engine.SET_THROTTLE", [.number(0.4)])])
        #expect(table.responses[0].cooldown == .seconds(10) && table.responses[0].limit == 3)
        #expect(table.responses[2].actions == [.event(.warningHigh), .safe])
        #expect(table.responses[5].actions == [.sequence("abortToOrbit"), .mode("CRUISE")])
        #expect(table.lockouts == [CommandLockout("imu.RESET", in: ["DESCENT"])])
        #expect(table.sequenceCommand == "seq.RUN")

        // The same table runs in a fault manager: the topology binds it without a problem.
        let (topology, faults) = try ExampleLander.topology(table: table)
        let f = try #require(faults)
        topology.lockstep().step(50)
        #expect(f.state(of: "engineHot") == .nominal)
        #expect(f.state(of: "engineDisarmed") == .disabled)
        #expect(f.state(of: "thrustOffNominal") == .inactive)
        #expect(topology.dictionary().channel(named: "faultMgr.engineHot_State") != nil)
    }

    /// Bad tables, each with every error expected as `line:col: message`.
    static let corpus: [(name: String, yaml: String, errors: [String])] = [
        ("unknown channel with a suggestion, yellow outside red, N over M", """
            monitors:
              - name: hot
                channel: engine.Temprature
                limit: {yellowHigh: 800, redHigh: 700}
                persistence: {count: 5, of: 3}
            """, [
                "3:14: unknown channel 'engine.Temprature'; did you mean 'engine.Temperature'?",
                "4:39: red high 700 is below yellow high 800: yellow must lie inside red",
                "5:18: persistence 5 of 3 can never trip: N must not exceed M",
            ]),
        ("low above high, range upside down, unknown event", """
            monitors:
              - name: band
                channel: engine.Thrust
                limit: {redLow: 9000, redHigh: 100}
              - name: inverted
                channel: engine.Thrust
                range: {min: 10, max: 1}
              - name: flame
                event: engine.Flamout
            """, [
                "4:12: low limit 9000 is not below high limit 100: every sample would violate",
                "7:12: min 10 is above max 1: every sample would violate",
                "9:12: unknown event 'engine.Flamout'",
            ]),
        ("missing sequence, command and mode; wrong argument", """
            sequenceCommand: seq.RUN
            monitors:
              - name: hot
                channel: engine.Temperature
                limit: {redHigh: 700}
            responses:
              - name: fix
                on: hot
                do:
                  - sequence: coolEngin
                  - command: engine.SHUTDWN
                  - command: engine.SET_THROTTLE
                    args: [2]
                  - mode: LANDING
            """, [
                "10:9: unknown sequence 'coolEngin'; did you mean 'coolEngine'?",
                "11:9: unknown command 'engine.SHUTDWN'; did you mean 'engine.SHUTDOWN'?",
                "12:9: argument 'level': 2 is outside 0...1",
                "14:9: unknown mode 'LANDING' (modes: CRUISE, DESCENT, LANDED, SAFE)",
            ]),
        ("structure: unknown keys, wrong types, two kinds, no kind", """
            monitors:
              - name: hot
                chanel: engine.Temperature
                limit: {redHigh: 700}
              - name: twoKinds
                channel: engine.Thrust
                range: {min: 1, max: 2}
                stale: 1
              - name: nothing
                channel: engine.Thrust
              - name: typed
                channel: engine.Thrust
                stale: soon
                latching: maybe
                level: planet
            """, [
                "3:5: unknown key 'chanel' in 'monitors[0]'; did you mean 'channel'? (allowed: name, summary, channel, tolerance, where, persistence, clear, level, modes, latching, enabled, limit, range, expect, delta, stale, event, all, any, not)",
                "5:5: monitor 'twoKinds' has range and stale; a monitor watches one way",
                "9:5: monitor 'nothing' needs one of limit, range, expect, delta, stale, event, all, any, not",
                "13:12: 'monitors[3].stale' must be a number, found 'soon'",
                "14:15: 'monitors[3].latching' must be true or false, found 'maybe'",
                "15:12: 'monitors[3].level' is 'planet', expected one of device, subsystem, system",
            ]),
        ("responses: unknown monitor, levels out of order, bad actions, lock-out", """
            monitors:
              - name: hot
                channel: engine.Temperature
                limit: {redHigh: 700}
                modes: [DESCNT]
            responses:
              - name: early
                on: hot
                level: system
                do: [safe]
              - name: late
                on: hot
                level: device
                after: 3
                do: [{event: WARNING_LO}]
              - name: loud
                on: hot
                do: [{event: LOUD}]
              - name: ghost
                on: hto
                do: [reboot]
            lockouts:
              - command: imu.RESTE
                modes: [DESCENT]
            """, [
                "5:12: unknown mode 'DESCNT'; did you mean 'DESCENT'? (modes: CRUISE, DESCENT, LANDED, SAFE)",
                "7:5: system-level response 'early' acts after 0.0 s, not later than device-level 'late' (3.0 s): a lower level must get its chance first",
                "18:18: 'responses[2].do[0].event' is 'LOUD', expected one of ACTIVITY_HI, FATAL, WARNING_HI, WARNING_LO",
                "21:10: action 'reboot' is not one; a plain action is 'safe', others are mappings (event, command, sequence, mode)",
                "23:14: unknown command 'imu.RESTE'; did you mean 'imu.RESET'?",
            ]),
        ("event monitors matching arguments: unknown argument, not a constant, wrong type, float, misplaced", """
            monitors:
              - name: flameout
                event: engine.Stopped
                where: {caus: FLAMEOUT}
              - name: overheat
                event: engine.Stopped
                where: {cause: OVERHEET, chamber: 2}
              - name: chamberOne
                event: engine.Stopped
                where:
                  chamber: one
                  cause: 9
              - name: lowPressure
                event: engine.Stopped
                where: {pressure: 0}
              - name: hot
                channel: engine.Temperature
                limit: {redHigh: 700}
                where: {cause: OVERHEAT}
              - name: empty
                event: engine.Stopped
                where: {}
              - name: listed
                event: engine.Stopped
                where: [cause, FLAMEOUT]
            """, [
                "4:19: event 'engine.Stopped' has no argument 'caus'; did you mean 'cause'? (its arguments: cause, chamber, pressure)",
                "7:20: argument 'cause' of 'engine.Stopped': 'OVERHEET' is not a constant of Engine.StopCause; did you mean 'OVERHEAT'? (constants: COMMANDED, OVERHEAT, FLAMEOUT)",
                "11:16: argument 'chamber' of 'engine.Stopped': one is not a value of type U8",
                "12:14: argument 'cause' of 'engine.Stopped': 9 is not a value of Engine.StopCause",
                "15:23: argument 'pressure' of 'engine.Stopped': a F64 argument cannot be matched (floating-point values are not compared exactly); watch a channel with a limit instead",
                "19:12: 'where' belongs to 'event' monitors",
                "22:12: 'where' names no argument; leave it out to match every 'engine.Stopped'",
                "25:12: 'monitors[6].where' must be a mapping, found a list",
            ]),
        ("syntax", "monitors:\n  - name: hot\n    limit: {redHigh: 700\n  - name: x\n", [
            "4:9: YAML syntax: did not find expected ',' or '}' while parsing a flow mapping",
        ]),
    ]

    @Test(arguments: corpus.indices)
    func badTablesAreReportedWithLineAndColumn(_ i: Int) throws {
        let c = Self.corpus[i]
        let file = FaultTableFile(text: c.yaml, file: "bad.yaml")
        let errors = file.errors(in: try ExampleLander.context())
        #expect(errors.map { "\($0.line):\($0.column): \($0.message)" } == c.errors, "\(c.name)")
        #expect(errors.allSatisfy { $0.description.hasPrefix("bad.yaml:\($0.line):\($0.column): error: ") })
        #expect(throws: ConfigurationErrors.self) { try file.validated(in: try ExampleLander.context()) }
    }

    @Test func aMissingFileIsOneError() throws {
        let e = FaultTableFile(contentsOf: "/nonexistent/faults.yaml").errors(in: try ExampleLander.context())
        #expect(e.map(\.description) == ["/nonexistent/faults.yaml: error: no such file"])
    }

    @Test func bindingProblemsAreLocatedToo() throws {
        // A table checked without sequences (on board) and later bound: the topology's own
        // problems map back onto the file.
        let file = FaultTableFile(text: "monitors:\n  - name: hot\n    channel: plant.Nope\n    limit: {redHigh: 1}\n", file: "t.yaml")
        let problems = [FaultTableProblem(FaultTablePath(.monitor(0), "channel"), "unknown channel 'plant.Nope'")]
        #expect(file.located(problems).map(\.description) == ["t.yaml:3:14: error: unknown channel 'plant.Nope'"])
    }

    @Test func bareYesNoOnOffAreBooleansAndQuotedNamesAreConstants() throws {
        let file = FaultTableFile(text: """
            monitors:
              - {name: a, channel: engine.Armed, expect: on}
              - {name: b, channel: engine.State, expect: "OFF"}
              - {name: c, channel: engine.State, expect: FAILED}
            """, file: "q.yaml")
        #expect(file.structuralErrors.isEmpty)
        #expect(file.table.monitors.map(\.kind) == [
            .expected(channel: "engine.Armed", value: .bool(true)),
            .expected(channel: "engine.State", value: .constant("OFF")),
            .expected(channel: "engine.State", value: .constant("FAILED")),
        ])
    }

    /// Nothing from outside may crash the process: the example table, mangled six hundred
    /// ways (bytes replaced, lines dropped or repeated, numbers made huge), only ever gives
    /// errors. Seeded, so a failure repeats.
    @Test func mangledTablesGiveErrorsNeverACrash() throws {
        let context = try ExampleLander.context()
        let original = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let junk = ["1e308", "-1e308", "9223372036854775807", "-0", "0x7fffffff", "nan", ".inf", "[", "{", "}", ":", "- ", "\"", "&a", "*a", "~", "SAFE", "", "\t"]
        var random = SeededRandom(seed: 7)
        var errorsSeen = 0, cleanRuns = 0
        for _ in 0..<600 {
            var mangled = lines
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let i = Int.random(in: 0..<mangled.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: mangled.remove(at: i)
                case 1: mangled.insert(mangled[i], at: i)
                case 2:
                    // Replace the value after a colon, or append junk.
                    let line = mangled[i]
                    let j = junk[Int.random(in: 0..<junk.count, using: &random)]
                    if let colon = line.firstIndex(of: ":") { mangled[i] = String(line[...colon]) + " " + j } else { mangled[i] = line + j }
                default:
                    var bytes = Array(mangled[i].utf8)
                    if !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0x20...0x7E, using: &random) }
                    mangled[i] = String(decoding: bytes, as: UTF8.self)
                }
            }
            let file = FaultTableFile(text: mangled.joined(separator: "\n"), file: "m.yaml")
            let errors = file.errors(in: context)
            errorsSeen += errors.count
            // A table that checks clean must also bind and run.
            if errors.isEmpty {
                let (topology, _) = try ExampleLander.topology(table: file.table)
                topology.lockstep().step(5)
                cleanRuns += 1
            }
        }
        #expect(errorsSeen > 300)
        #expect(cleanRuns > 0)  // some mangling leaves a valid table: it binds and runs
    }
}
