import FlightCore
import Foundation
import Testing

@testable import Sequencing

/// A component for sequencer tests: commands that succeed, fail, take time, and take every
/// kind of argument; channels a test sets; a log of what it received and on which tick.
final class Probe: Component {
    let name: String
    var ports = ComponentPorts.unwired

    enum Command: UInt32 { case ping = 0, setLevel, fail, slow, setMode, count, engage }
    enum Channel: UInt32 { case level = 0, counter, mode, flag, neverWritten }

    static let modeType = EnumType("Probe.Mode", representation: .u8, constants: [("IDLE", 0), ("ACTIVE", 1), ("SAFE", 2)])

    /// (tick, mnemonic, first argument) of every command received.
    var received: [(tick: UInt64, command: String, argument: Double)] = []
    var level: Float = 0
    var counter: UInt32 = 0
    var mode: Int32 = 0
    var flag = false
    /// Ticks a SLOW command takes before it completes.
    var slowTicks = 5
    var slowResponse = CommandResponse.ok
    private var pending: (PendingCommand, Int)?
    private var tickNumber: UInt64 = 0

    init(_ name: String = "probe") { self.name = name }

    var definition: ComponentDefinition {
        ComponentDefinition(
            kind: "Probe",
            commands: [
                CommandDefinition(Command.ping.rawValue, "PING"),
                CommandDefinition(Command.setLevel.rawValue, "SET_LEVEL", arguments: [.init("level", .f32, range: 0...1)]),
                CommandDefinition(Command.fail.rawValue, "FAIL"),
                CommandDefinition(Command.slow.rawValue, "SLOW"),
                CommandDefinition(Command.setMode.rawValue, "SET_MODE", arguments: [.init("mode", .enumeration(Self.modeType))]),
                CommandDefinition(Command.count.rawValue, "COUNT", arguments: [.init("n", .u32), .init("label", .string(maxLength: 16))]),
                CommandDefinition(Command.engage.rawValue, "ENGAGE", arguments: [.init("on", .bool)], hazardous: true),
            ],
            channels: [
                ChannelDefinition(Channel.level.rawValue, "Level", .f32),
                ChannelDefinition(Channel.counter.rawValue, "Counter", .u32),
                ChannelDefinition(Channel.mode.rawValue, "Mode", .enumeration(Self.modeType)),
                ChannelDefinition(Channel.flag.rawValue, "Flag", .bool),
                ChannelDefinition(Channel.neverWritten.rawValue, "NeverWritten", .u32),
            ])
    }

    func tick(_ context: TickContext) {
        tickNumber = context.tick
        ports.write(Channel.level, .f32(level))
        ports.write(Channel.counter, .u32(counter))
        ports.write(Channel.mode, .enumeration(mode))
        ports.write(Channel.flag, .bool(flag))
        if let (p, n) = pending {
            if n <= 1 {
                pending = nil
                ports.complete(p, with: slowResponse)
            } else {
                pending = (p, n - 1)
            }
        }
    }

    func handle(_ command: CommandInvocation) -> CommandResponse {
        let c = Command(rawValue: command.localOpcode)
        let name = definition.commands.first { $0.localOpcode == command.localOpcode }?.mnemonic ?? "?"
        let first = command.arguments.count > 0 && command.arguments.definitions[0].type.fixedSize != nil ? command.arguments[0].doubleValue : 0
        received.append((tickNumber, name, first))
        switch c {
        case .fail: return .executionError
        case .slow:
            pending = (command.deferCompletion(), slowTicks)
            return .ok
        case .setLevel:
            level = Float(first)
            return .ok
        case .setMode:
            mode = Int32(first)
            return .ok
        default: return .ok
        }
    }

    func ticks(of command: String) -> [UInt64] { received.filter { $0.command == command }.map(\.tick) }
}

/// A 100 Hz lockstep topology with the core services, a probe and a sequencer ticking every
/// base tick (probe first, so conditions see this tick's telemetry).
final class Harness {
    let topology: Topology
    let exec: LockstepExecutive
    let sequencer: Sequencer
    let probe: Probe
    let dictionary: SequenceDictionary
    var completions: [CommandCompletion] = []

    init(runSlots: Int = 4, instructionsPerTick: Int = 64) throws {
        var builder = TopologyBuilder(name: "SeqTest", baseRate: 100, coreRate: 10)
        probe = Probe()
        sequencer = Sequencer(runSlots: runSlots, instructionsPerTick: instructionsPerTick)
        builder.add(probe)
        builder.add(sequencer)
        builder.add(RateGroup("fast", probe, sequencer), divisor: 1)
        topology = try builder.build()
        sequencer.attach(to: topology)
        dictionary = SequenceDictionary(topology.dictionary())
        exec = topology.lockstep()
        topology.dispatcher.setResponseHandler(for: .test) { [unowned self] in self.completions.append($0) }
    }

    /// Checks and compiles a script; records an issue for every diagnostic.
    func compile(_ source: String, file: String = "test.rseq", others: [String: String] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [UInt8] {
        let result = SequenceChecker.check(source: source, file: file, dictionary: dictionary, resolver: { name in others[name].map { ("\(name).rseq", $0) } })
        for d in result.diagnostics where d.severity == .error { Issue.record("\(d.rendered(file: file))", sourceLocation: sourceLocation) }
        guard let program = result.program else { return [] }
        return (try? SequenceCompiler.compile(program)) ?? []
    }

    /// Compiles and installs; returns the catalogue id.
    @discardableResult
    func install(_ source: String, file: String = "test.rseq", others: [String: String] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> UInt16 {
        switch sequencer.install(compile(source, file: file, others: others, sourceLocation: sourceLocation)) {
        case .success(let id): return id
        case .failure(let e):
            Issue.record("install refused: \(e)", sourceLocation: sourceLocation)
            return 0
        }
    }

    /// Sends a sequencer command (as the ground would) and returns its response.
    @discardableResult
    func command(_ mnemonic: String, _ name: String) -> CommandResponse? {
        let def = topology.dictionary().command(named: "seq.\(mnemonic)")!
        let args = CommandArguments.encode([.string(name)], as: def.arguments)!
        return topology.dispatcher.dispatch(CommandPacket(opcode: def.opcode, arguments: args, source: .test))
    }

    var tick: UInt64 { exec.tick }

    /// Events of one sequencer event name, as their arguments.
    func events(_ name: String) -> [EventArguments] {
        let id = topology.eventID("seq.\(name)")!
        return topology.events.records.filter { $0.id == id }.map(\.arguments)
    }

    func channel(_ name: String) -> FlightValue? { topology.telemetry.latest(topology.channelID(name)!)?.value }
}

/// Reads a file next to this test source.
func testFile(_ relative: String, filePath: String = #filePath) -> String {
    let dir = URL(fileURLWithPath: filePath).deletingLastPathComponent()
    return (try? String(contentsOf: dir.appendingPathComponent(relative), encoding: .utf8)) ?? ""
}
