// Sequencing: checking and compiling a 10,000-line sequence (target < 200 ms), and the
// sequencer's cost per tick (target: 0 allocations). Figures in docs/performance.md,
// "Sequencing".
import Benchmark
import FlightCore
import Sequencing

/// The core topology as `regolith` builds it: core services and the sequencer, 100 Hz.
func coreWithSequencer() -> (Topology, Sequencer) {
    var builder = TopologyBuilder(name: "RegolithCore", baseRate: 100, coreRate: 10)
    let sequencer = Sequencer()
    builder.add(sequencer, baseID: 0x0700)
    builder.add(RateGroup("sequencer", sequencer), divisor: 1)
    let topology = try! builder.build()
    sequencer.attach(to: topology)
    return (topology, sequencer)
}

/// A 10,000-line script against the core dictionary: commands with literal and variable
/// arguments, time tags, waits on telemetry, branches, loops.
func generatedScript(lines: Int = 10_000) -> String {
    var out = ["sequence generated", "var n: U32 = 0", "var w: F64 = 10.0", "param limit: U32 = 3"]
    let block = [
        "cmdDisp.CMD_NO_OP",
        "after 100 ms cmdDisp.ARM_WINDOW_PRM_SET val: 12.5",
        "set n = n + 1",
        "if cmdDisp.CommandErrors > limit and n < 5000",
        "    eventLogger.SET_EVENT_FILTER severity: DIAGNOSTIC record: false",
        "else",
        "    cmdDisp.ARM_WINDOW_PRM_SET val: w",
        "end",
        "wait until tlmChan.SamplesAccepted > 10 timeout 5 s else continue",
        "repeat 2 times",
        "    set w = w + 0.5",
        "end",
    ]
    while out.count + block.count <= lines { out += block }
    while out.count < lines { out.append("cmdDisp.CMD_NO_OP  # filler") }
    return out.joined(separator: "\n") + "\n"
}

/// A sequence that never ends and works every tick: a command with a variable argument, a
/// condition on telemetry, arithmetic, a branch and a wait.
let busySequence = """
    sequence busy
    var w: F64 = 10.0
    var n: U32 = 0
    wait until cmdDisp.CommandErrors >= 0 timeout 1 s     # the core group's first telemetry
    while true max 1000000
        set n = n + 1
        set w = 10.0 + n / 1000000.0
        cmdDisp.ARM_WINDOW_PRM_SET val: w
        if cmdDisp.CommandErrors == 0 and tlmChan.SamplesAccepted >= 0
            cmdDisp.CMD_NO_OP
        end
        wait until cmdDisp.CommandsDispatched > 0 timeout 1 s else continue
        wait 10 ms
    end
    """

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.timeUnits = .nanoseconds

    Benchmark(
        "Sequencing.checkCompile.10000lines",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .milliseconds, warmupIterations: 2, maxDuration: .seconds(10), maxIterations: 20)
    ) { benchmark in
        let (topology, _) = coreWithSequencer()
        let dictionary = SequenceDictionary(topology.dictionary())
        let source = generatedScript()
        precondition(source.split(separator: "\n", omittingEmptySubsequences: false).count == 10_001)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let result = SequenceChecker.check(source: source, file: "generated.rseq", dictionary: dictionary)
            precondition(result.diagnostics.isEmpty, "\(result.diagnostics.first!)")
            let bytes = try! SequenceCompiler.compile(result.program!)
            blackHole(bytes)
        }
    }

    Benchmark(
        "Sequencing.decodeInstall.10000lines",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .milliseconds, warmupIterations: 2, maxDuration: .seconds(10), maxIterations: 20)
    ) { benchmark in
        let (topology, sequencer) = coreWithSequencer()
        let dictionary = SequenceDictionary(topology.dictionary())
        let result = SequenceChecker.check(source: generatedScript(), file: "generated.rseq", dictionary: dictionary)
        let bytes = try! SequenceCompiler.compile(result.program!)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            guard case .success = sequencer.install(bytes) else { fatalError("refused") }
        }
    }

    // Lockstep steps of the core topology at 100 Hz, with and without a sequence running;
    // the difference is the sequencer's cost per tick. One sample is 1,000 steps.
    let stepMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
    for running in [true, false] {
        Benchmark(
            "Sequencing.lockstep.step.\(running ? "sequenceRunning" : "idle")",
            configuration: .init(metrics: stepMetrics, scalingFactor: .kilo)
        ) { benchmark in
            let (topology, sequencer) = coreWithSequencer()
            let exec = topology.lockstep()
            if running {
                let dictionary = SequenceDictionary(topology.dictionary())
                let result = SequenceChecker.check(source: busySequence, file: "busy.rseq", dictionary: dictionary)
                guard case .success = sequencer.install(try! SequenceCompiler.compile(result.program!)) else { fatalError("refused") }
                let run = dictionary.command(named: "seq.SEQ_RUN")!
                let args = CommandArguments.encode([.string("busy")], as: run.arguments)!
                precondition(topology.dispatcher.dispatch(CommandPacket(opcode: run.opcode, arguments: args)) == .ok)
            }
            exec.step(1_000)
            precondition(sequencer.isBusy == running)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { exec.step() }
            benchmark.stopMeasurement()
            precondition(sequencer.isBusy == running && sequencer.failed == 0)
            blackHole(sequencer.commandsSent)
        }
    }
}
