import FlightCore
import Testing

// The "Writing a component" example of docs/architecture.md (section 8), copied verbatim:
// if the API changes under it, this file stops compiling or its test fails, and the page
// must be updated with it.

/// A temperature reading on the software bus. Bus messages are BitwiseCopyable.
struct TemperatureSample: BitwiseCopyable {
    var celsius: Float
}

/// A bang-bang heater controller.
final class Heater: Component {
    let name: String
    var ports = ComponentPorts.unwired
    private let samples: Subscription<TemperatureSample>
    private var enabled = true
    private var on = false

    // Local ids, one enum per kind.
    enum Command: UInt32 { case enable = 0 }
    enum Channel: UInt32 { case temperature = 0, heaterOn = 1 }
    enum Event: UInt32 { case switched = 0 }
    enum Parameter: UInt32 { case setpoint = 0 }

    init(_ name: String, samples topic: Topic<TemperatureSample>) throws {
        self.name = name
        self.samples = try topic.subscribe(name, policy: .keepLatest)   // only the newest matters
    }

    var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "Heater",
            summary: "Switches a heater on below its setpoint.",
            commands: [
                CommandDefinition(Command.enable.rawValue, "HEATER_ENABLE", arguments: [.init("enabled", .bool)], summary: "Allow (true) or forbid (false) heating"),
            ],
            channels: [
                ChannelDefinition(Channel.temperature.rawValue, "Temperature", .f32, limits: ChannelLimits(redLow: -40, yellowLow: -20, yellowHigh: 50, redHigh: 70), units: "degC"),
                ChannelDefinition(Channel.heaterOn.rawValue, "HeaterOn", .bool, update: .onChange),
            ],
            events: [
                EventDefinition(Event.switched.rawValue, "HeaterSwitched", .activityLow, arguments: [.init("on", .bool), .init("temperature", .f32, units: "degC")], format: "Heater on: {} at {} degC", throttle: EventThrottle(count: 10, window: .seconds(60))),
            ],
            parameters: [
                ParameterDefinition(Parameter.setpoint.rawValue, "SETPOINT", .f32, default: .f32(5), range: -30...30, units: "degC"),
            ])
    }

    // The tick path: no allocation, no logging, no await.
    func tick(_ context: TickContext) {
        guard let sample = samples.receive() else { return }
        ports.write(Channel.temperature, .f32(sample.celsius))
        guard case .f32(let setpoint) = ports.parameter(Parameter.setpoint) else { return }
        let want = enabled && sample.celsius < setpoint
        if want != on {
            on = want
            ports.log(Event.switched, .bool(on), .f32(sample.celsius))
        }
        ports.write(Channel.heaterOn, .bool(on))
    }

    // Arguments arrive decoded and range-checked.
    func handle(_ command: CommandInvocation) -> CommandResponse {
        switch Command(rawValue: command.localOpcode) {
        case .enable:
            guard case .bool(let e) = command.arguments[0] else { return .validationError }
            enabled = e
            return .ok
        case nil:
            return .invalidOpcode
        }
    }
}

@Suite struct DocExampleTests {
    /// The walkthrough's second listing, with each commented result checked.
    @Test func heaterExampleRunsAsThePageSays() throws {
        var builder = TopologyBuilder(name: "Bench", baseRate: 100)        // 100 Hz base tick, core at 10 Hz
        let temperatures = try builder.bus.topic(TopicID(1), "Temperature", of: TemperatureSample.self)
        let heater = try Heater("heater", samples: temperatures)
        builder.add(heater)                                                 // base id 0x1000 (automatic)
        builder.add(RateGroup("thermal", heater), divisor: 10, offset: 3)   // 10 Hz, on base ticks 3, 13, 23, …
        let topology = try builder.build()

        let exec = topology.lockstep()
        temperatures.publish(TemperatureSample(celsius: 2))
        exec.step(10)
        #expect(topology.telemetry.latest(topology.channelID("heater.HeaterOn")!)?.value == .bool(true))

        // Lower the setpoint with the generated command heater.SETPOINT_PRM_SET (opcode 0x1001).
        let dictionary = topology.dictionary()
        let set = dictionary.command(named: "heater.SETPOINT_PRM_SET")!
        let bytes = CommandArguments.encode([.value(.f32(1))], as: set.arguments)!
        #expect(topology.dispatcher.dispatch(CommandPacket(opcode: set.opcode, arguments: bytes)) == .ok)
        temperatures.publish(TemperatureSample(celsius: 2))
        exec.step(10)
        #expect(topology.telemetry.latest(topology.channelID("heater.HeaterOn")!)?.value == .bool(false))

        #expect(dictionary.fprimeJSON().contains("\"heater.SETPOINT_PRM_SET\""))

        // The page's table of what the topology made of it.
        #expect(topology.opcode("heater.HEATER_ENABLE") == Opcode(0x1000))
        #expect(topology.opcode("heater.SETPOINT_PRM_SET") == Opcode(0x1001))
        #expect(topology.opcode("heater.SETPOINT_PRM_SAVE") == Opcode(0x1002))
        #expect(topology.channelID("heater.Temperature") == ChannelID(0x1000))
        #expect(topology.channelID("heater.HeaterOn") == ChannelID(0x1001))
        #expect(topology.eventID("heater.HeaterSwitched") == EventID(0x1000))
        #expect(topology.parameters.value(of: ParameterID(0x1000)) == .f32(1))
        #expect(topology.channelID("bus.Lost_Temperature_heater") == ChannelID(0x0510))
        #expect(topology.channelID("rateGroups.thermal_Cycles") == ChannelID(0x0614))
        #expect(topology.channelID("rateGroups.thermal_Overruns") == ChannelID(0x0617))

        // The heater switched on, then off, each time with an event.
        let switched = topology.events.records.filter { $0.id == EventID(0x1000) }
        #expect(switched.map { $0.arguments[0] } == [.bool(true), .bool(false)])
        #expect(topology.telemetry.latest(ChannelID(0x1000))?.value == .f32(2))
    }

    /// HEATER_ENABLE(false) keeps the heater off however cold it gets.
    @Test func disabledHeaterStaysOff() throws {
        var builder = TopologyBuilder(name: "Bench", baseRate: 100)
        let temperatures = try builder.bus.topic(TopicID(1), "Temperature", of: TemperatureSample.self)
        let heater = try Heater("heater", samples: temperatures)
        builder.add(heater)
        builder.add(RateGroup("thermal", heater), divisor: 10, offset: 3)
        let topology = try builder.build()
        let enable = topology.dictionary().command(named: "heater.HEATER_ENABLE")!
        let off = CommandArguments.encode([.value(.bool(false))], as: enable.arguments)!
        #expect(topology.dispatcher.dispatch(CommandPacket(opcode: enable.opcode, arguments: off)) == .ok)
        temperatures.publish(TemperatureSample(celsius: -10))
        topology.lockstep().step(10)
        #expect(topology.telemetry.latest(topology.channelID("heater.HeaterOn")!)?.value == .bool(false))
        #expect(topology.events.records.filter { $0.id == EventID(0x1000) }.isEmpty)
    }

    /// The JSON the dictionary section of topology-and-dictionary.md quotes for this command.
    @Test func generatedParameterCommandInBothJSONForms() throws {
        var builder = TopologyBuilder(name: "Bench", baseRate: 100)
        let temperatures = try builder.bus.topic(TopicID(1), "Temperature", of: TemperatureSample.self)
        builder.add(try Heater("heater", samples: temperatures))
        let dictionary = try builder.build().dictionary()
        let regolith = dictionary.regolithJSON(), fprime = dictionary.fprimeJSON()
        #expect(regolith.contains("\"summary\": \"Set parameter SETPOINT\""))
        #expect(fprime.contains("\"annotation\": \"[-30.0...30.0] (degC)\""))
    }
}
