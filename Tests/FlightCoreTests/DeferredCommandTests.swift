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
        #expect(exec.step(until: { completions.count == 2 }, limit: 5_000) || waitForWorker(t, exec, until: { completions.count == 2 }))
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
