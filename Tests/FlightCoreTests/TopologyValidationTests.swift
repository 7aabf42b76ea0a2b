import FlightCore
import Testing

/// A topology that must be refused, and the exact error.
struct BadTopology: Sendable, CustomTestStringConvertible {
    let label: String
    let expected: TopologyError
    let configure: @Sendable (inout TopologyBuilder) -> Void
    var testDescription: String { label }

    init(_ label: String, _ expected: TopologyError, _ configure: @escaping @Sendable (inout TopologyBuilder) -> Void) {
        self.label = label
        self.expected = expected
        self.configure = configure
    }

    static func one(_ label: String, _ expected: TopologyError, _ spec: ComponentDefinition) -> BadTopology {
        BadTopology(label, expected) { $0.add(Probe("a", spec), baseID: 0x2000) }
    }

    static func kind(commands: [CommandDefinition] = [], channels: [ChannelDefinition] = [], events: [EventDefinition] = [], parameters: [ParameterDefinition] = []) -> ComponentDefinition {
        ComponentDefinition(kind: "Bad", commands: commands, channels: channels, events: events, parameters: parameters)
    }

    static func bad(_ member: String, _ reason: String) -> TopologyError { .invalidDefinition(component: "a", member: member, reason: reason) }

    static let names: [BadTopology] = [
        BadTopology("duplicate component names", .duplicateComponentName("x")) {
            $0.add(Probe("x"))
            $0.add(Probe("x"))
        },
        BadTopology("same instance added twice", .componentAddedTwice("x")) {
            let p = Probe("x")
            $0.add(p)
            $0.add(p)
        },
        BadTopology("a name a core service has", .duplicateComponentName("cmdDisp")) { $0.add(Probe("cmdDisp")) },
        BadTopology("name starting with a digit", .invalidName("2fast", reason: "a component name must be letters, digits and underscores, not starting with a digit")) { $0.add(Probe("2fast")) },
        BadTopology("name with a dash", .invalidName("left-wheel", reason: "a component name must be letters, digits and underscores, not starting with a digit")) { $0.add(Probe("left-wheel")) },
        BadTopology("empty name", .invalidName("", reason: "a component name must be letters, digits and underscores, not starting with a digit")) { $0.add(Probe("")) },
        one("member name not an identifier", .invalidName("a.bad-name", reason: "a channel name must be an identifier"), kind(channels: [ChannelDefinition(0, "bad-name", .u8)])),
    ]

    static let ids: [BadTopology] = [
        BadTopology("duplicate explicit base ids", .duplicateBaseID(0x2000, first: "a", second: "b")) {
            $0.add(Probe("a"), baseID: 0x2000)
            $0.add(Probe("b"), baseID: 0x2000)
        },
        BadTopology("base id of a core service", .duplicateBaseID(0x0300, first: "tlmChan", second: "a")) { $0.add(Probe("a"), baseID: 0x0300) },
        BadTopology("global opcode collision", .idCollision(kind: "opcode", id: 0x2010, first: "a.GO", second: "b.STOP")) {
            $0.add(Probe("a", kind(commands: [CommandDefinition(0x10, "GO")])), baseID: 0x2000)
            $0.add(Probe("b", kind(commands: [CommandDefinition(0, "STOP")])), baseID: 0x2010)
        },
        BadTopology("global channel collision", .idCollision(kind: "channel", id: 0x2011, first: "a.Temp", second: "b.Volts")) {
            $0.add(Probe("a", kind(channels: [ChannelDefinition(0x11, "Temp", .f32)])), baseID: 0x2000)
            $0.add(Probe("b", kind(channels: [ChannelDefinition(1, "Volts", .f32)])), baseID: 0x2010)
        },
        BadTopology("global event collision", .idCollision(kind: "event", id: 0x2012, first: "a.Hot", second: "b.Cold")) {
            $0.add(Probe("a", kind(events: [EventDefinition(0x12, "Hot", .warningLow, format: "hot")])), baseID: 0x2000)
            $0.add(Probe("b", kind(events: [EventDefinition(2, "Cold", .warningLow, format: "cold")])), baseID: 0x2010)
        },
        BadTopology("global parameter collision", .idCollision(kind: "parameter", id: 0x2010, first: "a.P", second: "b.Q")) {
            $0.add(Probe("a", kind(parameters: [ParameterDefinition(0x10, "P", .u8, default: .u8(0))])), baseID: 0x2000)
            $0.add(Probe("b", kind(parameters: [ParameterDefinition(0, "Q", .u8, default: .u8(0))])), baseID: 0x2010)
        },
        BadTopology("generated parameter opcode collides", .idCollision(kind: "opcode", id: 0x2001, first: "a.P_PRM_SAVE", second: "b.GO")) {
            $0.add(Probe("a", kind(parameters: [ParameterDefinition(0, "P", .u8, default: .u8(0))])), baseID: 0x2000)
            $0.add(Probe("b", kind(commands: [CommandDefinition(0, "GO")])), baseID: 0x2001)
        },
        BadTopology("global ids past U32", bad("baseID", "base id 0xFFFFFFF0 plus local id 0x0020 is past 0xFFFFFFFF")) {
            $0.add(Probe("a", kind(commands: [CommandDefinition(0x20, "GO")])), baseID: 0xFFFF_FFF0)
        },
        one("duplicate local opcode", .duplicateLocalID(component: "a", kind: "command", localID: 3, first: "GO", second: "STOP"),
            kind(commands: [CommandDefinition(3, "GO"), CommandDefinition(3, "STOP")])),
        one("duplicate local channel id", .duplicateLocalID(component: "a", kind: "channel", localID: 1, first: "A", second: "B"),
            kind(channels: [ChannelDefinition(1, "A", .u8), ChannelDefinition(1, "B", .u8)])),
        one("duplicate local event id", .duplicateLocalID(component: "a", kind: "event", localID: 0, first: "A", second: "B"),
            kind(events: [EventDefinition(0, "A", .diagnostic, format: "a"), EventDefinition(0, "B", .diagnostic, format: "b")])),
        one("duplicate local parameter id", .duplicateLocalID(component: "a", kind: "parameter", localID: 2, first: "A", second: "B"),
            kind(parameters: [ParameterDefinition(2, "A", .u8, default: .u8(0)), ParameterDefinition(2, "B", .u8, default: .u8(0))])),
        one("duplicate command name", .duplicateMemberName(component: "a", kind: "command", name: "GO"),
            kind(commands: [CommandDefinition(0, "GO"), CommandDefinition(1, "GO")])),
        one("duplicate channel name", .duplicateMemberName(component: "a", kind: "channel", name: "T"),
            kind(channels: [ChannelDefinition(0, "T", .u8), ChannelDefinition(1, "T", .u8)])),
        one("command named like a generated _PRM_SET", .duplicateMemberName(component: "a", kind: "command", name: "GAIN_PRM_SET"),
            kind(commands: [CommandDefinition(0, "GAIN_PRM_SET")], parameters: [ParameterDefinition(0, "GAIN", .f64, default: .f64(0))])),
        one("command named like a generated _PRM_SAVE", .duplicateMemberName(component: "a", kind: "command", name: "GAIN_PRM_SAVE"),
            kind(commands: [CommandDefinition(0, "GAIN_PRM_SAVE")], parameters: [ParameterDefinition(0, "GAIN", .f64, default: .f64(0))])),
        one("local id past 0xFFFF", bad("65536", "local ids must be below 0x10000"), kind(channels: [ChannelDefinition(0x10000, "T", .u8)])),
    ]

    static let definitions: [BadTopology] = {
        let seven = (0..<7).map { ArgumentDefinition("a\($0)", .u8) }
        return [
            one("event with 7 arguments", bad("E", "an event carries at most 6 arguments"),
                kind(events: [EventDefinition(0, "E", .diagnostic, arguments: seven, format: "{}{}{}{}{}{}{}")])),
            one("string event argument", bad("E", "event arguments cannot be strings (the tick path does not allocate)"),
                kind(events: [EventDefinition(0, "E", .diagnostic, arguments: [.init("s", .string(maxLength: 8))], format: "{}")])),
            one("format with too few {}", bad("E", "format has 1 '{}' for 2 arguments"),
                kind(events: [EventDefinition(0, "E", .diagnostic, arguments: [.init("x", .u8), .init("y", .u8)], format: "x={}")])),
            one("format with too many {}", bad("E", "format has 2 '{}' for 0 arguments"),
                kind(events: [EventDefinition(0, "E", .diagnostic, format: "{} and {}")])),
            one("throttle count 0", bad("E", "a throttle count must be at least 1"),
                kind(events: [EventDefinition(0, "E", .diagnostic, format: "e", throttle: EventThrottle(count: 0))])),
            one("string channel", bad("S", "telemetry channels cannot be strings (the tick path does not allocate)"),
                kind(channels: [ChannelDefinition(0, "S", .string(maxLength: 16))])),
            one("red low above yellow low", bad("T", "limits are inconsistent: red low 5.0 is above yellow low 3.0"),
                kind(channels: [ChannelDefinition(0, "T", .f64, limits: ChannelLimits(redLow: 5, yellowLow: 3))])),
            one("red high below yellow high", bad("T", "limits are inconsistent: red high 5.0 is below yellow high 8.0"),
                kind(channels: [ChannelDefinition(0, "T", .f64, limits: ChannelLimits(yellowHigh: 8, redHigh: 5))])),
            one("low limit not below high limit", bad("T", "limits are inconsistent: low limit 10.0 is not below high limit 10.0"),
                kind(channels: [ChannelDefinition(0, "T", .f64, limits: ChannelLimits(yellowLow: 10, yellowHigh: 10))])),
            one("infinite limit", bad("T", "limits are inconsistent: limit inf is not finite"),
                kind(channels: [ChannelDefinition(0, "T", .f64, limits: ChannelLimits(redHigh: .infinity))])),
            one("limits on a bool channel", bad("T", "limits need a numeric channel"),
                kind(channels: [ChannelDefinition(0, "T", .bool, limits: ChannelLimits(yellowHigh: 1))])),
            one("parameter default out of range", bad("P", "default 11 is outside its range 0.0...10.0"),
                kind(parameters: [ParameterDefinition(0, "P", .u8, default: .u8(11), range: 0...10)])),
            one("parameter default of the wrong type", bad("P", "default 1.0 is not a U8"),
                kind(parameters: [ParameterDefinition(0, "P", .u8, default: .f64(1))])),
            one("range on a bool parameter", bad("P", "a range is only for numeric types, not bool"),
                kind(parameters: [ParameterDefinition(0, "P", .bool, default: .bool(false), range: 0...1)])),
            one("range on a bool argument", bad("GO.flag", "a range is only for numeric types, not bool"),
                kind(commands: [CommandDefinition(0, "GO", arguments: [.init("flag", .bool, range: 0...1)])])),
            one("range that does not fit the type", bad("GO.v", "range 0.0...300.0 does not fit type U8"),
                kind(commands: [CommandDefinition(0, "GO", arguments: [.init("v", .u8, range: 0...300)])])),
            one("string parameter", bad("P", "parameters cannot be strings"),
                kind(parameters: [ParameterDefinition(0, "P", .string(maxLength: 4), default: .u8(0))])),
            one("string argument of length 0", bad("GO", "string argument 'text' needs a maximum length in 1...1024"),
                kind(commands: [CommandDefinition(0, "GO", arguments: [.init("text", .string(maxLength: 0))])])),
            one("duplicate argument names", bad("GO", "argument names must be distinct identifiers ('x')"),
                kind(commands: [CommandDefinition(0, "GO", arguments: [.init("x", .u8), .init("x", .u8)])])),
            one("enum with duplicate values", bad("GO", "enum Bad.E needs distinct, non-empty constants"),
                kind(commands: [CommandDefinition(0, "GO", arguments: [.init("e", .enumeration(EnumType("Bad.E", constants: [("A", 1), ("B", 1)])))])])),
            one("enum parameter default not one of its constants", bad("M", "default 2 is not a constant of enum Probe.Mode"),
                kind(parameters: [ParameterDefinition(0, "M", .enumeration(Fixture.mode), default: .enumeration(2))])),
            one("enum constant that does not fit its representation", bad("GO", "enum Bad.Wide constant B = 300 does not fit its U8 representation"),
                kind(commands: [CommandDefinition(0, "GO", arguments: [.init("e", .enumeration(EnumType("Bad.Wide", representation: .u8, constants: [("A", 1), ("B", 300)])))])])),
            one("enum constant past I32", bad("W", "enum Bad.Huge constant BIG = 4294967295 is outside I32, which holds enum values"),
                kind(channels: [ChannelDefinition(0, "W", .enumeration(EnumType("Bad.Huge", representation: .u32, constants: [("BIG", 0xFFFF_FFFF)])))])),
            BadTopology("two different enums with one name", .conflictingEnum("Probe.Mode")) {
                $0.add(Probe("a", kind(channels: [ChannelDefinition(0, "M", .enumeration(Fixture.mode))])), baseID: 0x2000)
                $0.add(Probe("b", kind(channels: [ChannelDefinition(0, "M", .enumeration(EnumType("Probe.Mode", representation: .u8, constants: [("IDLE", 0)])))])), baseID: 0x2100)
            },
        ]
    }()

    static let schedules: [BadTopology] = [
        BadTopology("divisor 0", .invalidSchedule(group: "g", reason: "divisor 0 must be at least 1")) {
            let a = Probe("a")
            $0.add(a)
            $0.add(RateGroup("g", a), divisor: 0)
        },
        BadTopology("negative divisor", .invalidSchedule(group: "g", reason: "divisor -2 must be at least 1")) {
            let a = Probe("a")
            $0.add(a)
            $0.add(RateGroup("g", a), divisor: -2)
        },
        BadTopology("offset equal to the divisor", .invalidSchedule(group: "g", reason: "offset 5 must be in 0..<5")) {
            let a = Probe("a")
            $0.add(a)
            $0.add(RateGroup("g", a), divisor: 5, offset: 5)
        },
        BadTopology("negative offset", .invalidSchedule(group: "g", reason: "offset -1 must be in 0..<2")) {
            let a = Probe("a")
            $0.add(a)
            $0.add(RateGroup("g", a), divisor: 2, offset: -1)
        },
        BadTopology("zero budget", .invalidSchedule(group: "g", reason: "budget must be positive")) {
            let a = Probe("a")
            $0.add(a)
            $0.add(RateGroup("g", a), divisor: 1, budget: .zero)
        },
        BadTopology("a component in two groups", .componentInTwoGroups(component: "a", first: "g1", second: "g2")) {
            let a = Probe("a"), b = Probe("b")
            $0.add(a)
            $0.add(b)
            $0.add(RateGroup("g1", a), divisor: 1)
            $0.add(RateGroup("g2", b, a), divisor: 2)
        },
        BadTopology("a component twice in one group", .componentInTwoGroups(component: "a", first: "g", second: "g")) {
            let a = Probe("a")
            $0.add(a)
            $0.add(RateGroup("g", a, a), divisor: 1)
        },
        BadTopology("a core service in a mission group", .componentInTwoGroups(component: "cmdDisp", first: "core", second: "g")) {
            $0.add(RateGroup("g", $0.dispatcher), divisor: 1)
        },
        BadTopology("a group member not added", .componentNotAdded(component: "ghost", group: "g")) {
            let a = Probe("a")
            $0.add(a)
            $0.add(RateGroup("g", a, Probe("ghost")), divisor: 1)
        },
        BadTopology("two groups with one name", .duplicateRateGroup("g")) {
            let a = Probe("a"), b = Probe("b")
            $0.add(a)
            $0.add(b)
            $0.add(RateGroup("g", a), divisor: 1)
            $0.add(RateGroup("g", b), divisor: 2)
        },
        BadTopology("a group named core", .duplicateRateGroup("core")) {
            let a = Probe("a")
            $0.add(a)
            $0.add(RateGroup("core", a), divisor: 1)
        },
        BadTopology("group name not an identifier", .invalidName("my group", reason: "a rate group name must be an identifier")) {
            let a = Probe("a")
            $0.add(a)
            $0.add(RateGroup("my group", a), divisor: 1)
        },
    ]
}

@Suite struct TopologyValidationTests {
    func check(_ c: BadTopology) {
        var b = TopologyBuilder(name: "Bad", baseRate: 100)
        c.configure(&b)
        #expect(throws: c.expected) { try b.build() }
    }

    @Test(arguments: BadTopology.names) func badNames(_ c: BadTopology) { check(c) }
    @Test(arguments: BadTopology.ids) func duplicateIDs(_ c: BadTopology) { check(c) }
    @Test(arguments: BadTopology.definitions) func badDefinitions(_ c: BadTopology) { check(c) }
    @Test(arguments: BadTopology.schedules) func badSchedules(_ c: BadTopology) { check(c) }

    @Test func errorsDescribeWhatToChange() {
        #expect(TopologyError.idCollision(kind: "opcode", id: 0x2010, first: "a.GO", second: "b.STOP").description == "opcode id 0x2010 is claimed by both a.GO and b.STOP")
        #expect(TopologyError.duplicateBaseID(0x300, first: "tlmChan", second: "a").description == "base id 0x0300 is given to both 'tlmChan' and 'a'")
        #expect(TopologyError.invalidSchedule(group: "g", reason: "divisor 0 must be at least 1").description == "rate group 'g': divisor 0 must be at least 1")
    }

    @Test func automaticBaseIDsSkipExplicitOnes() throws {
        let a = Probe("a"), b = Probe("b"), c = Probe("c")
        var builder = TopologyBuilder(name: "T", baseRate: 100)
        builder.add(a, baseID: 0x1000)
        builder.add(b)
        builder.add(c)
        builder.add(RateGroup("g", a, b), divisor: 2, offset: 1)
        let t = try builder.build()
        let bases = Dictionary(uniqueKeysWithValues: t.members.map { ($0.component.name, $0.baseID) })
        #expect(bases == ["cmdDisp": 0x0100, "eventLogger": 0x0200, "tlmChan": 0x0300, "prmDb": 0x0400, "bus": 0x0500, "rateGroups": 0x0600, "a": 0x1000, "b": 0x1100, "c": 0x1200])
        #expect(a.ports.baseID == 0x1000 && b.ports.baseID == 0x1100 && c.ports.baseID == 0x1200)
        let groups = Dictionary(uniqueKeysWithValues: t.members.map { ($0.component.name, $0.rateGroup ?? "-") })
        #expect(groups == ["cmdDisp": "core", "eventLogger": "core", "tlmChan": "core", "prmDb": "core", "bus": "core", "rateGroups": "-", "a": "g", "b": "g", "c": "-"])
        #expect(a.ports.isWired && c.ports.isWired)
    }

    @Test func unwiredPortsIgnoreWritesAndLogs() {
        let p = Probe("loose", ComponentDefinition(kind: "K", channels: [ChannelDefinition(0, "T", .u8)], events: [EventDefinition(0, "E", .diagnostic, format: "e")]))
        #expect(!p.ports.isWired)
        p.ports.write(0, .u8(1))
        p.ports.log(0)
        #expect(p.ports.now == .zero)
        #expect(p.ports.baseID == 0)
    }

    @Test func globalIDsAreBasePlusLocal() throws {
        let p = Probe("probe", ComponentDefinition(
            kind: "K", commands: [CommandDefinition(4, "GO")], channels: [ChannelDefinition(7, "T", .u8)],
            events: [EventDefinition(9, "E", .diagnostic, format: "e")], parameters: [ParameterDefinition(2, "P", .u8, default: .u8(3))]))
        let t = try makeTopology([(p, 0x4200)])
        #expect(t.opcode("probe.GO") == Opcode(0x4204))
        #expect(t.opcode("probe.P_PRM_SET") == Opcode(0x4205))
        #expect(t.opcode("probe.P_PRM_SAVE") == Opcode(0x4206))
        #expect(t.channelID("probe.T") == ChannelID(0x4207))
        #expect(t.eventID("probe.E") == EventID(0x4209))
        #expect(t.parameters.value(of: ParameterID(0x4202)) == .u8(3))
        #expect(p.ports.channelID(7) == ChannelID(0x4207))
        #expect(t.opcode("probe.NOPE") == nil && t.channelID("probe.NOPE") == nil && t.eventID("probe.NOPE") == nil)
    }
}
