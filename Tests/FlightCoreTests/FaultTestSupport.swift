import FlightCore
import Testing

/// A plant the fault tests drive by hand: each tick it writes the values the test set, logs the
/// glitches asked for, and records the commands it was sent.
final class Plant: Component {
    let name: String
    var ports = ComponentPorts.unwired
    /// Written to `Level` each tick; nil stops writing (a dead sensor).
    var level: Double? = 0
    var armed = true
    var state: Int32 = 0
    var glitches = 0
    /// Logged as `Stopped(reason, unit, armed, level)` on the next tick, in order.
    var stops: [(reason: Int32, unit: Int32, armed: Bool)] = []
    /// What the POWER command does to `level` (a device-level fix), if set.
    var powerOffLevel: Double?
    private(set) var resets = 0
    private(set) var powers: [Bool] = []

    static let stateType = EnumType("Plant.State", representation: .u8, constants: [("IDLE", 0), ("RUNNING", 1), ("FAILED", 2)])
    enum Channel: UInt32 { case level = 0, armed = 1, state = 2 }
    enum Event: UInt32 { case glitch = 0, stopped = 1 }
    enum Command: UInt32 { case reset = 0, power = 1, fail = 2 }

    init(_ name: String = "plant") { self.name = name }

    var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "Plant",
            commands: [
                CommandDefinition(Command.reset.rawValue, "RESET"),
                CommandDefinition(Command.power.rawValue, "POWER", arguments: [.init("on", .bool)]),
                CommandDefinition(Command.fail.rawValue, "FAIL"),
            ],
            channels: [
                ChannelDefinition(Channel.level.rawValue, "Level", .f64, units: "degC"),
                ChannelDefinition(Channel.armed.rawValue, "Armed", .bool),
                ChannelDefinition(Channel.state.rawValue, "State", .enumeration(Self.stateType), update: .onChange),
            ],
            events: [
                EventDefinition(Event.glitch.rawValue, "Glitch", .warningLow, format: "Glitch"),
                EventDefinition(Event.stopped.rawValue, "Stopped", .warningHigh, arguments: [
                    .init("reason", .enumeration(Self.stateType)), .init("unit", .i32), .init("armed", .bool), .init("level", .f64, units: "degC"),
                ], format: "Stopped: {} (unit {}, armed {}) at {} degC"),
            ])
    }

    func tick(_ context: TickContext) {
        if let level { ports.write(Channel.level, .f64(level)) }
        ports.write(Channel.armed, .bool(armed))
        ports.write(Channel.state, .enumeration(state))
        for _ in 0..<glitches { ports.log(Event.glitch) }
        glitches = 0
        for s in stops { ports.log(Event.stopped, EventArguments(.enumeration(s.reason), .i32(s.unit), .bool(s.armed), .f64(level ?? .nan))) }
        stops = []
    }

    func handle(_ command: CommandInvocation) -> CommandResponse {
        switch Command(rawValue: command.localOpcode) {
        case .reset:
            resets += 1
            return .ok
        case .power:
            guard case .bool(let on) = command.arguments[0] else { return .validationError }
            powers.append(on)
            if !on, let l = powerOffLevel { level = l }
            return .ok
        case .fail:
            return .executionError
        case nil:
            return .invalidOpcode
        }
    }
}

/// A stand-in for the sequencer (written elsewhere): RUN takes the sequence's name.
final class FakeSequencer: Component {
    let name = "seq"
    var ports = ComponentPorts.unwired
    private(set) var started: [String] = []
    var definition: ComponentDefinition {
        ComponentDefinition(kind: "Sequencer", commands: [CommandDefinition(0, "RUN", arguments: [.init("name", .string(maxLength: 40))])])
    }
    func handle(_ command: CommandInvocation) -> CommandResponse {
        started.append(command.arguments.string(0))
        return .ok
    }
}

/// A topology for fault tests: at 10 Hz the plant ticks, then the mode and the fault manager.
struct FaultRig {
    let topology: Topology
    let faults: FaultManager
    let modes: SystemMode
    let plant: Plant
    let sequencer: FakeSequencer
    let exec: LockstepExecutive

    static let modeNames = ["CRUISE", "DESCENT", "LANDED", "SAFE"]

    init(_ table: FaultTable, sequences: [String]? = nil, eventCapacity: Int = 1024) throws {
        plant = Plant()
        sequencer = FakeSequencer()
        modes = SystemMode(modes: Self.modeNames, initial: "CRUISE")
        faults = FaultManager(table: table, modes: modes, knownSequences: sequences)
        var b = TopologyBuilder(name: "Faults", baseRate: 10, coreRate: 10, eventCapacity: eventCapacity)
        b.add(plant)
        b.add(sequencer)
        b.add(modes, baseID: 0x0700)
        b.add(faults, baseID: 0x1_0000)
        b.add(RateGroup("plantGroup", plant), divisor: 1)
        b.add(RateGroup("faultGroup", modes, faults), divisor: 1)
        topology = try b.build()
        exec = topology.lockstep()
    }

    func step(_ n: Int = 1) { exec.step(n) }

    func state(_ monitor: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> FaultManager.MonitorState {
        try #require(faults.state(of: monitor), sourceLocation: sourceLocation)
    }

    /// The monitor-enum value of a monitor, as command arguments carry it.
    func monitorArgument(_ name: String) -> [UInt8] {
        be(Int32(faults.table.monitors.firstIndex { $0.name == name }!))
    }

    func responseArgument(_ name: String) -> [UInt8] {
        be(Int32(faults.table.responses.firstIndex { $0.name == name }!))
    }

    /// Sends a command as the ground does: queued, then run by the dispatcher on its tick.
    func command(_ name: String, _ args: [UInt8] = []) throws -> CommandResponse? {
        let box = CompletionBox()
        topology.dispatcher.setResponseHandler(for: .ground) { box.completion = $0 }
        topology.dispatcher.submit(CommandPacket(opcode: try topology.op(name), arguments: args, source: .ground))
        step()
        return box.completion?.response
    }

    /// Names of the fault manager's events since `cursor`.
    func events(since cursor: inout EventLog.Cursor) -> [String] {
        topology.newEventNames(since: &cursor)
    }
}
