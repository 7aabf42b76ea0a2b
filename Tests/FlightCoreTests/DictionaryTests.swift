import FlightCore
import Foundation
import Testing

/// The dictionary is checked by parsing its JSON with Foundation's parser (an independent
/// reader), against the ids the running topology actually routes and stores by.
@Suite struct DictionaryTests {
    static let monitored = ComponentDefinition(
        kind: "Monitored",
        channels: [
            ChannelDefinition(0, "Temp", .f32, limits: ChannelLimits(redLow: -40, yellowLow: -20, yellowHigh: 60, redHigh: 80), units: "degC"),
            ChannelDefinition(1, "Mode", .enumeration(Fixture.mode), update: .onChange),
        ],
        events: [
            EventDefinition(0, "Burst", .warningLow, arguments: [.init("n", .u32)], format: "burst {}", throttle: EventThrottle(count: 3, window: .seconds(2))),
            EventDefinition(1, "Boom", .fatal, format: "boom"),
        ])

    func topology() throws -> Topology {
        try makeTopology([(Probe("probe", Fixture.commanded), 0x2000), (Probe("tunable", Fixture.tunable), 0x3000), (Probe("monitor", Self.monitored), nil)]) { b in
            let t = try b.bus.topic(TopicID(0x42), "attitude", of: Reading.self)
            _ = try t.subscribe("guidance", capacity: 3, policy: .critical)
            _ = try t.subscribe("logger", policy: .keepLatest)
        }
    }

    func parse(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func array(_ o: [String: Any], _ key: String) throws -> [[String: Any]] {
        try #require(o[key] as? [[String: Any]], "\(key) is not an array of objects")
    }

    func int(_ v: Any?) -> Int64? { (v as? NSNumber)?.int64Value }

    /// (name, id) of every command, channel, event and parameter the topology has.
    struct Expected {
        var commands: [String: Int64] = [:]
        var channels: [String: Int64] = [:]
        var events: [String: Int64] = [:]
        var parameters: [String: Int64] = [:]
    }

    func expected(_ t: Topology) -> Expected {
        var e = Expected()
        for m in t.members {
            let n = m.component.name
            for c in m.definition.commands { e.commands["\(n).\(c.mnemonic)"] = Int64(m.baseID + c.localOpcode) }
            for (p, ops) in zip(m.definition.parameters, m.definition.parameterCommandOpcodes) {
                e.commands["\(n).\(p.name)_PRM_SET"] = Int64(m.baseID + ops.set)
                e.commands["\(n).\(p.name)_PRM_SAVE"] = Int64(m.baseID + ops.save)
            }
        }
        for s in t.telemetry.slots { e.channels[s.qualifiedName] = Int64(s.id.rawValue) }
        for i in t.events.infos { e.events[i.qualifiedName] = Int64(i.id.rawValue) }
        for s in t.parameters.slots { e.parameters[s.qualifiedName] = Int64(s.id.rawValue) }
        return e
    }

    @Test func expectedIDsAreTheOnesTheTopologyRoutesBy() throws {
        let t = try topology()
        let e = expected(t)
        for (name, id) in e.commands { #expect(t.opcode(name) == Opcode(UInt32(id)), "\(name)") }
        for (name, id) in e.channels { #expect(t.channelID(name) == ChannelID(UInt32(id)), "\(name)") }
        for (name, id) in e.events { #expect(t.eventID(name) == EventID(UInt32(id)), "\(name)") }
        // Spot checks written out by hand.
        #expect(e.commands["probe.SET_U8"] == 0x2000)
        #expect(e.commands["tunable.GAIN_PRM_SET"] == 0x3001)
        #expect(e.commands["tunable.MODE_PRM_SAVE"] == 0x3008)
        #expect(e.commands["cmdDisp.ARM"] == 0x0101)
        #expect(e.commands["cmdDisp.ARM_WINDOW_PRM_SET"] == 0x0103)
        #expect(e.commands["cmdDisp.ARM_WINDOW_PRM_SAVE"] == 0x0104)
        #expect(e.commands["prmDb.PRM_LOAD_FILE"] == 0x0401)
        #expect(e.channels["monitor.Temp"] == 0x1000)
        #expect(e.events["monitor.Boom"] == 0x1001)
        #expect(e.parameters["tunable.MODE"] == 0x3003)
        #expect(e.parameters["cmdDisp.ARM_WINDOW"] == 0x0100)
    }

    @Test func fprimeDictionaryHasEveryItemWithItsGlobalID() throws {
        let t = try topology()
        let e = expected(t)
        let d = try parse(t.dictionary().fprimeJSON())
        let commands = try array(d, "commands")
        #expect(Dictionary(uniqueKeysWithValues: commands.map { ($0["name"] as? String ?? "", int($0["opcode"]) ?? -1) }) == e.commands)
        #expect(commands.map { int($0["opcode"])! } == commands.map { int($0["opcode"])! }.sorted())
        let channels = try array(d, "telemetryChannels")
        #expect(Dictionary(uniqueKeysWithValues: channels.map { ($0["name"] as? String ?? "", int($0["id"]) ?? -1) }) == e.channels)
        let events = try array(d, "events")
        #expect(Dictionary(uniqueKeysWithValues: events.map { ($0["name"] as? String ?? "", int($0["id"]) ?? -1) }) == e.events)
        let parameters = try array(d, "parameters")
        #expect(Dictionary(uniqueKeysWithValues: parameters.map { ($0["name"] as? String ?? "", int($0["id"]) ?? -1) }) == e.parameters)

        let metadata = try #require(d["metadata"] as? [String: Any])
        #expect(metadata["deploymentName"] as? String == "Test")
        #expect(metadata["dictionarySpecVersion"] as? String == "1.0.0")
        for key in ["records", "containers", "telemetryPacketSets"] { #expect(try array(d, key).isEmpty) }
    }

    @Test func fprimeDictionaryDescribesTypesAsFPrimeDoes() throws {
        let t = try topology()
        let d = try parse(t.dictionary().fprimeJSON())
        let types = try array(d, "typeDefinitions")
        func type(_ name: String) throws -> [String: Any] {
            try #require(types.first { $0["qualifiedName"] as? String == name }, "no type \(name)")
        }
        func constants(_ name: String) throws -> [String: Int64] {
            let list = try #require(try type(name)["enumeratedConstants"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, int($0["value"])!) })
        }

        let response = try type("Fw.CmdResponse")
        #expect(response["kind"] as? String == "enum")
        #expect((response["representationType"] as? [String: Any])?["name"] as? String == "U8")  // F Prime: enum CmdResponse : U8
        #expect(response["default"] as? String == "Fw.CmdResponse.OK")
        #expect(try constants("Fw.CmdResponse") == ["OK": 0, "INVALID_OPCODE": 1, "VALIDATION_ERROR": 2, "FORMAT_ERROR": 3, "EXECUTION_ERROR": 4, "BUSY": 5])
        #expect(try constants("TimeBase") == ["TB_NONE": 0, "TB_PROC_TIME": 1, "TB_WORKSTATION_TIME": 2, "TB_SC_TIME": 3, "TB_FPGA_TIME": 4, "TB_SIM_TIME": 0x10, "TB_DONT_CARE": 0xFFFF])
        #expect((try type("TimeBase")["representationType"] as? [String: Any])?["name"] as? String == "U16")
        #expect(try constants("Probe.Mode") == ["IDLE": 0, "RUN": 1, "SAFE": 5])

        let aliases: [String: String] = [
            "FwOpcodeType": "U32", "FwChanIdType": "U32", "FwEventIdType": "U32", "FwPrmIdType": "U32",
            "FwPacketDescriptorType": "U16", "FwTlmPacketizeIdType": "U16", "FwSizeStoreType": "U16",
            "FwTimeBaseStoreType": "U16", "FwTimeContextStoreType": "U8", "FwEnumStoreType": "I32",
            "FwSizeType": "U64", "FwSignedSizeType": "I64", "FwIndexType": "I32",
        ]
        for (name, underlying) in aliases {
            let a = try type(name)
            #expect(a["kind"] as? String == "alias", "\(name)")
            #expect((a["underlyingType"] as? [String: Any])?["name"] as? String == underlying, "\(name)")
        }

        let commands = try array(d, "commands")
        let setMode = try #require(commands.first { $0["name"] as? String == "probe.SET_MODE" })
        let param = try #require((setMode["formalParams"] as? [[String: Any]])?.first)
        #expect(param["name"] as? String == "mode")
        #expect((param["type"] as? [String: Any])?["kind"] as? String == "qualifiedIdentifier")
        #expect((param["type"] as? [String: Any])?["name"] as? String == "Probe.Mode")
        let setU8 = try #require(commands.first { $0["name"] as? String == "probe.SET_U8" })
        let u8 = try #require((setU8["formalParams"] as? [[String: Any]])?.first?["type"] as? [String: Any])
        #expect(u8["name"] as? String == "U8" && u8["kind"] as? String == "integer" && int(u8["size"]) == 8 && u8["signed"] as? Bool == false)
        let fire = try #require(commands.first { $0["name"] as? String == "probe.FIRE" })
        #expect((fire["annotation"] as? String)?.hasPrefix("HAZARDOUS") == true)
        let gainSet = try #require(commands.first { $0["name"] as? String == "tunable.GAIN_PRM_SET" })
        #expect((gainSet["formalParams"] as? [[String: Any]])?.first?["name"] as? String == "val")

        let parameters = try array(d, "parameters")
        let mode = try #require(parameters.first { $0["name"] as? String == "tunable.MODE" })
        #expect(mode["default"] as? String == "Probe.Mode.RUN")
        let gain = try #require(parameters.first { $0["name"] as? String == "tunable.GAIN" })
        #expect((gain["default"] as? NSNumber)?.doubleValue == 1)
        #expect((gain["type"] as? [String: Any])?["name"] as? String == "F64")

        let events = try array(d, "events")
        let burst = try #require(events.first { $0["name"] as? String == "monitor.Burst" })
        #expect(burst["severity"] as? String == "WARNING_LO")
        #expect(burst["format"] as? String == "burst {}")
        #expect(int(burst["throttle"]) == 3)
        #expect(events.first { $0["name"] as? String == "monitor.Boom" }?["severity"] as? String == "FATAL")
        #expect(Set(events.compactMap { $0["severity"] as? String }).isSubset(of: ["FATAL", "WARNING_HI", "WARNING_LO", "COMMAND", "ACTIVITY_HI", "ACTIVITY_LO", "DIAGNOSTIC"]))

        let channels = try array(d, "telemetryChannels")
        let temp = try #require(channels.first { $0["name"] as? String == "monitor.Temp" })
        let limits = try #require(temp["limits"] as? [String: [String: NSNumber]])
        #expect(limits["low"]?["yellow"]?.doubleValue == -20 && limits["low"]?["red"]?.doubleValue == -40)
        #expect(limits["high"]?["yellow"]?.doubleValue == 60 && limits["high"]?["red"]?.doubleValue == 80)
        #expect(temp["telemetryUpdate"] as? String == "always")
        #expect(channels.first { $0["name"] as? String == "monitor.Mode" }?["telemetryUpdate"] as? String == "on change")
    }

    @Test func regolithDictionaryHasEverythingWithSchedulingAndBus() throws {
        let t = try topology()
        let e = expected(t)
        let d = try parse(t.dictionary().regolithJSON())
        #expect(d["format"] as? String == "regolith-dictionary")
        #expect((d["baseRateHz"] as? NSNumber)?.doubleValue == 100)
        let commands = try array(d, "commands")
        #expect(Dictionary(uniqueKeysWithValues: commands.map { ($0["name"] as? String ?? "", int($0["opcode"]) ?? -1) }) == e.commands)
        #expect(Set(commands.filter { $0["hazardous"] as? Bool == true }.compactMap { $0["name"] as? String }) == ["probe.FIRE", "probe.VENT"])
        let setU8 = try #require(commands.first { $0["name"] as? String == "probe.SET_U8" })
        let range = try #require((setU8["arguments"] as? [[String: Any]])?.first?["range"] as? [String: NSNumber])
        #expect(range["min"]?.doubleValue == 1 && range["max"]?.doubleValue == 10)
        let channels = try array(d, "channels")
        #expect(Dictionary(uniqueKeysWithValues: channels.map { ($0["name"] as? String ?? "", int($0["id"]) ?? -1) }) == e.channels)
        let events = try array(d, "events")
        #expect(Dictionary(uniqueKeysWithValues: events.map { ($0["name"] as? String ?? "", int($0["id"]) ?? -1) }) == e.events)
        let burst = try #require(events.first { $0["name"] as? String == "monitor.Burst" }?["throttle"] as? [String: NSNumber])
        #expect(burst["count"]?.intValue == 3 && burst["windowSeconds"]?.doubleValue == 2)
        let parameters = try array(d, "parameters")
        #expect(Dictionary(uniqueKeysWithValues: parameters.map { ($0["name"] as? String ?? "", int($0["id"]) ?? -1) }) == e.parameters)
        let gain = try #require(parameters.first { $0["name"] as? String == "tunable.GAIN" })
        #expect(int(gain["setOpcode"]) == 0x3001 && int(gain["saveOpcode"]) == 0x3002)

        let components = try array(d, "components")
        let monitor = try #require(components.first { $0["name"] as? String == "monitor" })
        #expect(int(monitor["baseId"]) == 0x1000 && monitor["kind"] as? String == "Monitored" && monitor["rateGroup"] as? String == "probes")
        let groups = try array(d, "rateGroups")
        #expect(groups.map { $0["name"] as? String } == ["core", "probes"])
        #expect(groups.map { int($0["divisor"]) } == [10, 1])
        #expect(groups[1]["components"] as? [String] == ["probe", "tunable", "monitor"])
        #expect(groups[0]["components"] as? [String] == ["cmdDisp", "eventLogger", "prmDb", "bus", "tlmChan"])
        let topics = try array(d, "topics")
        #expect(topics.count == 1)
        #expect(int(topics[0]["id"]) == 0x42 && topics[0]["name"] as? String == "attitude")
        let subs = try #require(topics[0]["subscribers"] as? [[String: Any]])
        #expect(subs.map { $0["name"] as? String } == ["guidance", "logger"])
        #expect(subs.map { $0["policy"] as? String } == ["critical", "keep-latest"])
        #expect(subs.map { int($0["capacity"]) } == [3, 1])
    }

    @Test func dictionaryIsByteIdenticalAcrossBuilds() throws {
        let a = try topology().dictionary(), b = try topology().dictionary()
        #expect(a.fprimeJSON() == b.fprimeJSON())
        #expect(a.regolithJSON() == b.regolithJSON())
        #expect(a.fprimeJSON() == a.fprimeJSON())
        // And it does describe this topology: a change shows.
        let other = try makeTopology([(Probe("probe", Fixture.commanded), 0x2100)]).dictionary()
        #expect(other.fprimeJSON() != a.fprimeJSON())
    }

    @Test func lookupsByName() throws {
        let d = try topology().dictionary()
        #expect(d.command(named: "probe.FIRE")?.hazardous == true)
        #expect(d.command(named: "probe.FIRE")?.opcode == Opcode(0x2008))
        #expect(d.channel(named: "monitor.Temp")?.id == ChannelID(0x1000))
        #expect(d.event(named: "cmdDisp.OpCodeError")?.id == EventID(0x0102))
        #expect(d.command(named: "probe.NOPE") == nil)
    }

    @Test func jsonEscapesAndRendersNumbersAsJSON() throws {
        let text = JSON.object(
            ("s", .string("quote\" backslash\\ newline\n tab\t bell\u{07} é")),
            ("whole", .double(2)), ("half", .double(0.5)), ("nan", .double(.nan)),
            ("big", .uint(.max)), ("neg", .int(-3)), ("none", nil), ("list", .array([.bool(true), .null])),
            ("empty", .array([])), ("obj", .object([]))
        ).rendered()
        let o = try parse(text)
        #expect(o["s"] as? String == "quote\" backslash\\ newline\n tab\t bell\u{07} é")
        #expect(text.contains("\"whole\": 2,"))
        #expect((o["half"] as? NSNumber)?.doubleValue == 0.5)
        #expect(o["nan"] is NSNull)
        #expect(text.contains("\"big\": 18446744073709551615"))
        #expect(int(o["neg"]) == -3)
        #expect(o["none"] == nil)
        #expect(text.contains("\\u0007"))
        #expect(text.hasSuffix("}\n"))
    }
}
