import ArgumentParser
import FlightCore
import Foundation
import Sequencing
import MissionHarness

/// `regolith seq run`: compile a script (or take a compiled one), install it in the topology's
/// sequencer, start it with SEQ_RUN and step the topology in lockstep until it ends.
struct SeqRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sequence on the topology's sequencer in lockstep, faster than real time.",
        discussion: """
            The script is checked and compiled against the topology's dictionary (a .rseqb file is \
            installed as it is), installed, started with seq.SEQ_RUN, and the topology is stepped \
            until the sequence completes, fails or is cancelled, or --max-seconds of flight time pass. \
            Events are printed as they happen (COMMAND-severity events with --verbose). With --topology \
            lander or rover the flight software runs against the simulator in lockstep, through the \
            in-process device links of Boards/sim.yaml (e.g. `regolith seq run --topology lander \
            Sequences/lander-descent.rseq` flies the descent). Exits 0 only when the sequence completed.
            """)

    @OptionGroup var topologyOptions: TopologyOptions

    @Option(name: .shortAndLong, help: "Flight seconds to run at most (default: the worst case plus 60 s).")
    var maxSeconds: Double?

    @Flag(help: "Also print COMMAND-severity events (every command dispatched and completed).")
    var verbose = false

    @Argument(help: "The sequence script (.rseq) or compiled sequence (.rseqb).")
    var file: String

    func validate() throws {
        if let m = maxSeconds, !(m > 0 && m <= 864_000) { throw ValidationError("--max-seconds must be in (0, 864000], not \(m)") }
    }

    func run() throws {
        // The mission topologies run against the simulator (the lockstep harness, in-process
        // device links, Boards/sim.yaml); the core topology runs alone.
        let topology: Topology
        var stepOnce: () -> Void
        switch topologyOptions.topology {
        case .lander:
            var o = LanderMission.Options()
            o.descent = .none
            let m = try LanderMission(options: o)
            topology = m.flight.topology
            stepOnce = { m.runFor(seconds: 0.01) }
        case .rover:
            var o = RoverMission.Options()
            o.drive = .none
            let m = try RoverMission(options: o)
            topology = m.flight.topology
            stepOnce = { m.runFor(seconds: 0.01) }
        default:
            topology = try topologyOptions.topology.build()
            stepOnce = {}
        }
        guard let sequencer = topology.members.lazy.compactMap({ $0.component as? Sequencer }).first else {
            throw SequenceCLIError("topology \(topology.name) has no sequencer")
        }
        let dictionary = SequenceDictionary(topology.dictionary())
        var bytes: [UInt8]
        var worst = 0.0
        if file.hasSuffix(".rseqb") {
            guard let data = FileManager.default.contents(atPath: file) else { throw SequenceCLIError("\(file): cannot read the file") }
            bytes = Array(data)
        } else {
            var options = try SequenceOptions.parse([file])
            options.topologyOptions = topologyOptions
            let result = try options.check(against: dictionary)
            try options.report(result)
            bytes = try SequenceCompiler.compile(result.program!)
            worst = Double(result.timeline.latest) / 1e9
            if result.timeline.anchor != .start { worst = 0 }
        }
        if topologyOptions.topology == .core {
            let exec = topology.lockstep()
            stepOnce = { exec.step() }
        }
        let printer = EventPrinter(topology: topology, verbose: verbose)
        let name: String
        switch sequencer.install(bytes) {
        case .success(let id):
            name = try DecodedSequence.decode(bytes).routines[0].name
            printer.drain()
            print("installed \(name) as sequence \(id) (\(bytes.count) bytes)")
        case .failure(let e):
            printer.drain()
            throw SequenceCLIError("\(file): refused by the sequencer: \(e)")
        }
        let run = dictionary.command(named: "seq.SEQ_RUN")!
        let args = CommandArguments.encode([.string(name)], as: run.arguments)!
        let response = topology.dispatcher.dispatch(CommandPacket(opcode: run.opcode, arguments: args, source: .ground))
        printer.drain()
        guard response == .ok else { throw SequenceCLIError("seq.SEQ_RUN \(name) answered \(response.map(\.description) ?? "nothing")") }
        let limit = maxSeconds ?? min(864_000, (worst > 0 ? worst : 3_540) + 60)
        let ticks = Int((limit * topology.scheduler.baseRate).rounded(.up))
        let wallStart = Date()
        var stepped = 0
        while stepped < ticks && sequencer.isBusy {
            stepOnce()
            stepped += 1
            printer.drain()
        }
        let wall = Date().timeIntervalSince(wallStart)
        let flight = Double(stepped) / topology.scheduler.baseRate
        let outcome = sequencer.isBusy ? "STILL RUNNING after --max-seconds" : sequencer.completed > 0 ? "COMPLETED" : sequencer.failed > 0 ? "FAILED" : "CANCELLED"
        print("\(name): \(outcome) — \(String(format: "%.3f", flight)) s flight time in \(String(format: "%.3f", wall)) s wall (\(String(format: "%.0f", flight / max(wall, 1e-9)))x real time); \(sequencer.commandsSent) commands sent")
        if outcome != "COMPLETED" { throw ExitCode.failure }
    }
}

/// Prints new event records as `T+HH:MM:SS.ffffff SEVERITY component.Name: formatted text`.
final class EventPrinter {
    let topology: Topology
    let verbose: Bool
    var cursor = EventLog.Cursor()

    init(topology: Topology, verbose: Bool) {
        self.topology = topology
        self.verbose = verbose
    }

    func drain() {
        topology.events.read(from: &cursor) { record in
            guard verbose || record.severity != .command, let info = topology.events.info(record.id) else { return }
            print("\(record.time) \(record.severity) \(info.qualifiedName): \(Self.render(info, record.arguments))")
        }
    }

    static func render(_ info: EventLog.Info, _ args: EventArguments) -> String {
        var out = ""
        var k = 0
        var rest = Substring(info.format)
        while let r = rest.range(of: "{}") {
            out += rest[..<r.lowerBound]
            if k < args.count {
                let v = args[k]
                if case .enumeration(let e) = info.arguments[k].type, let n = e.name(of: Int64(v.doubleValue)) {
                    out += n
                } else {
                    out += v.description
                }
            }
            k += 1
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
