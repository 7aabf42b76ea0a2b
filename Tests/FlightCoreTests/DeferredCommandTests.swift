import FlightCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// File commands complete on the worker thread: the dispatcher reports them only when they
/// finish, a second one while one is in flight is BUSY, and a missing path is reported.
@Suite struct DeferredCommandTests {
    func topology(file: String?) throws -> (Topology, Probe) {
        let p = Probe("tunable", ComponentDefinition(kind: "Tunable", parameters: [ParameterDefinition(0, "GAIN", .f64, default: .f64(1), range: 0...100)]))
        var b = TopologyBuilder(name: "Deferred", baseRate: 10, coreRate: 10, parameterFile: file)
        b.add(p, baseID: 0x3000)
        b.add(RateGroup("probes", p), divisor: 1)
        return (try b.build(), p)
    }

    @Test func saveFileCompletesWhenTheWorkerIsDone() throws {
        let path = temporaryPath("deferred")
        defer { removeFile(path) }
        let (t, _) = try topology(file: path)
        var completions: [CommandCompletion] = []
        t.dispatcher.setResponseHandler(for: .ground) { completions.append($0) }
        var cursor = t.eventCursor
        let save = try t.op("prmDb.PRM_SAVE_FILE")

        #expect(t.dispatcher.dispatch(CommandPacket(opcode: save, sequence: 7)) == nil)
        #expect(t.dispatcher.pendingCount == 1)
        #expect(t.parameters.fileOperationInProgress)
        #expect(completions.isEmpty)
        #expect(t.newEventNames(since: &cursor) == ["cmdDisp.OpCodeDispatched"])

        // A second file command while the first is in flight is refused BUSY, with a reason.
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: save, sequence: 8)) == .busy)
        let refused = t.newEvents(since: &cursor).filter { t.qualifiedName(of: $0) == "prmDb.PrmFileSaveFailed" }
        #expect(refused.map { $0.arguments[0] } == [.enumeration(Int32(ParameterFileError.Kind.busy.rawValue))])

        let exec = t.lockstep()
        // Flight time and the worker's real time: step with short sleeps so the write can finish.
        #expect(waitForWorker(t, exec, until: { completions.count == 2 }))
        #expect(completions.map(\.sequence) == [8, 7])
        #expect(completions.map(\.response) == [.busy, .ok])
        #expect(t.dispatcher.pendingCount == 0)
        #expect(t.newEventNames(since: &cursor).filter { $0.hasPrefix("prmDb.") || $0.hasPrefix("cmdDisp.OpCode") }.contains("prmDb.PrmFileSaved"))
        #expect(access(path, F_OK) == 0)
    }

    @Test func fileCommandsWithoutAPathAreReported() throws {
        let (t, _) = try topology(file: nil)
        var cursor = t.eventCursor
        #expect(try t.send("prmDb.PRM_SAVE_FILE") == .executionError)
        #expect(try t.send("prmDb.PRM_LOAD_FILE") == .executionError)
        let names = t.newEventNames(since: &cursor).filter { $0.hasPrefix("prmDb.") }
        #expect(names == ["prmDb.PrmFileSaveFailed", "prmDb.PrmFileLoadFailed"])
        t.lockstep().step(2)
        #expect(try t.latest("prmDb.FileSaveFailures") == .u32(1))
        #expect(try t.latest("prmDb.FileLoadFailures") == .u32(1))
        #expect(t.parameters.lastFileError == ParameterFileError(.noFile, detail: 0))
    }

    /// Steps with short sleeps: the worker runs on its own thread, in real time.
    func waitForWorker(_ t: Topology, _ exec: LockstepExecutive, until done: () -> Bool) -> Bool {
        for _ in 0..<5_000 where !done() {
            exec.step()
            usleep(1_000)
        }
        return done()
    }
}

@Suite struct FatalEventTests {
    @Test func fatalEventsCannotBeFiltered() throws {
        let p = Probe("doomed", ComponentDefinition(kind: "Doomed", events: [EventDefinition(0, "Boom", .fatal, format: "boom")]))
        let t = try makeTopology([(p, 0x2000)])
        let boom = try #require(t.eventID("doomed.Boom"))
        #expect(try t.send("eventLogger.SET_EVENT_FILTER", [UInt8(EventSeverity.fatal.rawValue), 0x00]) == .validationError)
        #expect(try t.send("eventLogger.SET_ID_FILTER", be(boom.rawValue) + [0x00]) == .validationError)
        p.ports.log(0)
        #expect(try t.records("doomed.Boom").count == 1)
        #expect(t.events.filtered == 0)
    }
}

/// A component that defers its command and completes it only when told to.
final class Slowpoke: Component {
    let name = "slowpoke"
    var ports = ComponentPorts.unwired
    var pending: [PendingCommand] = []
    var definition: ComponentDefinition {
        ComponentDefinition(kind: "Slowpoke", commands: [CommandDefinition(0, "WORK")])
    }
    func handle(_ command: CommandInvocation) -> CommandResponse {
        pending.append(command.deferCompletion())
        return .ok
    }
}

@Suite struct DeferredTimeoutTests {
    func topology() throws -> (Topology, Slowpoke) {
        let s = Slowpoke()
        var b = TopologyBuilder(name: "Timeouts", baseRate: 10, coreRate: 10, commandQueue: 2)
        b.add(s, baseID: 0x4000)
        return (try b.build(), s)
    }

    @Test func aDeferredCommandThatNeverCompletesTimesOut() throws {
        let (t, s) = try topology()
        var completions: [CommandCompletion] = []
        t.dispatcher.setResponseHandler(for: .ground) { completions.append($0) }
        let work = try t.op("slowpoke.WORK")
        #expect(try t.send("cmdDisp.COMPLETION_TIMEOUT_PRM_SET", be(2.0)) == .ok)
        var cursor = t.eventCursor
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: work, sequence: 1)) == nil)
        let exec = t.lockstep()
        exec.step(20)  // 2.0 s: not yet past the deadline
        #expect(completions.isEmpty && t.dispatcher.pendingCount == 1)
        exec.step(1)
        #expect(completions.map(\.response) == [.executionError])
        #expect(t.dispatcher.pendingCount == 0)
        let timedOut = t.newEvents(since: &cursor).filter { t.qualifiedName(of: $0) == "cmdDisp.CommandTimedOut" }
        #expect(timedOut.map { $0.arguments.values } == [[.u32(work.rawValue), .f64(2)]])

        // The component's completion arrives too late: ignored, counted and reported.
        s.ports.complete(s.pending[0], with: .ok)
        #expect(completions.count == 1)
        #expect(t.dispatcher.lateCompletions == 1)
        #expect(t.newEventNames(since: &cursor) == ["cmdDisp.LateCompletion"])
    }

    @Test func moreDeferredCommandsThanTheTableHoldsAreBusy() throws {
        let (t, s) = try topology()
        let work = try t.op("slowpoke.WORK")
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: work, sequence: 1)) == nil)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: work, sequence: 2)) == nil)
        #expect(t.dispatcher.dispatch(CommandPacket(opcode: work, sequence: 3)) == .busy)
        #expect(t.dispatcher.pendingCount == 2)
        s.ports.complete(s.pending[1], with: .ok)
        s.ports.complete(s.pending[0], with: .executionError)
        #expect(t.dispatcher.pendingCount == 0)
        s.ports.complete(s.pending[2], with: .ok)  // the BUSY one
        #expect(t.dispatcher.lateCompletions == 1)
    }

    @Test func tooManyParametersForOneFileAreRefusedAtBuild() {
        let params = (0..<5_000).map { ParameterDefinition(UInt32($0), "P\($0)", .u8, default: .u8(0)) }
        let p = Probe("hoarder", ComponentDefinition(kind: "Hoarder", parameters: params))
        var b = TopologyBuilder(name: "Big", baseRate: 10)
        b.add(p, baseID: 0x10_0000)
        #expect(throws: TopologyError.invalidDefinition(component: "prmDb", member: "parameters", reason: "5002 parameters do not fit in a 65536-byte parameter file")) {
            try b.build()
        }
    }
}

@Suite(.serialized) struct RealTimeRestartTests {
    @Test func aStoppedExecutiveRunsAgainAndCarriesOnTheNumbering() throws {
        let p = Probe("p")
        let t = try makeTopology([(p, nil)], baseRate: 1000)
        let exec = t.realTime()
        exec.run(ticks: 20)
        #expect(exec.ticks == 20)
        exec.run(ticks: 10)
        #expect(exec.ticks == 10)
        let numbers = p.ticks.map(\.tick)
        #expect(numbers.count == 30)
        #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $0 < $1 })
    }
}
