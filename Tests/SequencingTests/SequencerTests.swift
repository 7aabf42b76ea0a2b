import FlightCore
import Testing

@testable import Sequencing

/// The on-board sequencer in lockstep at 100 Hz (10 ms ticks). A sequence started by
/// SEQ_RUN at tick 0 runs its first statement on tick 1; `after`, `wait` and `at` count from
/// the previous statement's end (the first from SEQ_RUN) and land on the first tick at or
/// after their time.
@Suite struct SequencerTimingTests {
    @Test func timeTagsLandOnTheirTick() throws {
        let h = try Harness()
        h.install("""
            sequence timing
            probe.PING
            after 5 s probe.SET_LEVEL level: 0.5
            wait 250 ms
            probe.SET_MODE mode: ACTIVE
            at T+00:00:10 probe.FAIL_SAFE_PLACEHOLDER
            """.replacingOccurrences(of: "probe.FAIL_SAFE_PLACEHOLDER", with: "probe.PING"))
        #expect(h.command("SEQ_RUN", "timing") == .ok)
        h.exec.step(1_100)
        #expect(h.probe.ticks(of: "PING") == [1, 1_000])
        // PING finished on tick 1 (10 ms); 5 s later is 5.01 s: tick 501.
        #expect(h.probe.ticks(of: "SET_LEVEL") == [501])
        #expect(h.probe.ticks(of: "SET_MODE") == [526])
        #expect(h.sequencer.completed == 1)
        #expect(h.events("SequenceCompleted").map { $0[1] } == [.f64(10)])
    }

    @Test func afterAtTheStartCountsFromSeqRun() throws {
        let h = try Harness()
        h.exec.step(37)
        h.install("sequence first\nafter 2 s probe.PING\nafter 30 ms probe.PING\n")
        h.command("SEQ_RUN", "first")
        h.exec.step(300)
        #expect(h.probe.ticks(of: "PING") == [237, 240])
    }

    @Test func absoluteTimeInThePastRunsAtOnce() throws {
        let h = try Harness()
        h.exec.step(500)
        h.install("sequence late\nat T+1 s probe.PING\nat T+00:00:06 probe.PING\n")
        h.command("SEQ_RUN", "late")
        h.exec.step(200)
        #expect(h.probe.ticks(of: "PING") == [501, 600])
    }

    @Test func utcTagsUseTheEpochParameter() throws {
        let h = try Harness()
        // Flight time 0 is 2026-11-26T12:00:00Z.
        let set = h.topology.dictionary().command(named: "seq.UTC_EPOCH_PRM_SET")!
        h.topology.dispatcher.dispatch(CommandPacket(opcode: set.opcode, arguments: CommandArguments.encode([.value(.f64(1_795_694_400))], as: set.arguments)!, source: .test))
        h.install("sequence utc\nat 2026-11-26T12:00:03.5Z probe.PING\n")
        h.command("SEQ_RUN", "utc")
        h.exec.step(400)
        #expect(h.probe.ticks(of: "PING") == [350])
    }
}

@Suite struct SequencerWaitTests {
    @Test func waitUntilGoesOnTheTickTheConditionHolds() throws {
        let h = try Harness()
        h.install("sequence w\nwait until probe.Counter >= 3 timeout 10 s else abort\nprobe.PING\n")
        h.command("SEQ_RUN", "w")
        h.exec.step(200)
        #expect(h.probe.received.isEmpty)
        #expect(h.sequencer.slotStatus(0).state == .waiting)
        #expect(h.channel("seq.Run0_State") == .enumeration(Int32(SequenceRunState.waiting.rawValue)))
        #expect(h.channel("seq.Run0_Line") == .u32(2))
        h.probe.counter = 3
        h.exec.step(1)
        #expect(h.probe.ticks(of: "PING") == [201])
        #expect(h.sequencer.completed == 1)
    }

    @Test func aTimedOutWaitFailsTheSequenceAndRunsItsAbortBlock() throws {
        let h = try Harness()
        h.install("""
            sequence timed_out
            wait until probe.Counter >= 3 timeout 2 s
            probe.PING
            on abort
                probe.SET_MODE mode: SAFE
            end
            """)
        h.command("SEQ_RUN", "timed_out")
        h.exec.step(500)
        // Started on tick 1 (0.01 s): times out at 2.01 s, tick 201; the abort block runs then.
        #expect(h.probe.ticks(of: "SET_MODE") == [201])
        #expect(h.probe.mode == 2)
        #expect(h.probe.ticks(of: "PING").isEmpty)
        #expect(h.sequencer.failed == 1 && h.sequencer.completed == 0)
        #expect(h.events("SequenceFailed").map { $0[2] } == [.enumeration(Int32(SequenceFailure.waitTimedOut.rawValue))])
        #expect(h.events("SequenceFailed").map { $0[1] } == [.u32(2)])
        #expect(h.events("SequenceAbortBlockStarted").map { $0[1] } == [.u32(4)])
        #expect(!h.sequencer.isBusy)
    }

    @Test func elseContinueGoesOnAfterTheTimeout() throws {
        let h = try Harness()
        h.install("sequence c\nwait until probe.Flag == true timeout 1 s else continue\nprobe.PING\n")
        h.command("SEQ_RUN", "c")
        h.exec.step(200)
        #expect(h.probe.ticks(of: "PING") == [101])
        #expect(h.sequencer.completed == 1)
    }

    @Test func aChannelNeverWrittenKeepsAWaitWaitingAndFailsAnIf() throws {
        let h = try Harness()
        h.install("sequence nw\nwait until probe.NeverWritten > 0 timeout 100 ms else continue\nif probe.NeverWritten > 0\nprobe.PING\nend\n")
        h.command("SEQ_RUN", "nw")
        h.exec.step(50)
        #expect(h.events("SequenceFailed").map { $0[2] } == [.enumeration(Int32(SequenceFailure.channelNotWritten.rawValue))])
        #expect(h.events("SequenceFailed").map { $0[1] } == [.u32(3)])
    }
}

@Suite struct SequencerCommandTests {
    @Test func aFailedCommandFailsTheSequenceWithItsResponse() throws {
        let h = try Harness()
        h.install("sequence f\nprobe.PING\nprobe.FAIL\nprobe.PING\non abort\nprobe.SET_MODE mode: SAFE\nend\n")
        h.command("SEQ_RUN", "f")
        h.exec.step(10)
        #expect(h.probe.received.map(\.command) == ["PING", "FAIL", "SET_MODE"])
        let failed = h.events("SequenceCommandFailed")
        #expect(failed.count == 1)
        #expect(failed.first?[1] == .u32(3))
        #expect(failed.first?[3] == .enumeration(CommandResponse.executionError.rawValue))
        #expect(h.sequencer.failed == 1)
    }

    @Test func aDeferredCommandIsAwaited() throws {
        let h = try Harness()
        h.probe.slowTicks = 30
        h.install("sequence slow\nprobe.SLOW\nprobe.PING\n")
        h.command("SEQ_RUN", "slow")
        h.exec.step(100)
        // SLOW on tick 1; the probe completes it on its 30th tick after (tick 31); PING then.
        #expect(h.probe.ticks(of: "SLOW") == [1])
        #expect(h.probe.ticks(of: "PING") == [31])
    }

    @Test func aDeferredFailureFailsTheSequence() throws {
        let h = try Harness()
        h.probe.slowResponse = .executionError
        h.install("sequence slowfail\nprobe.SLOW\nprobe.PING\n")
        h.command("SEQ_RUN", "slowfail")
        h.exec.step(50)
        #expect(h.probe.ticks(of: "PING").isEmpty)
        #expect(h.sequencer.failed == 1)
    }

    @Test func variablesFillCommandArgumentsAndOutOfRangeValuesFail() throws {
        let h = try Harness()
        h.install("""
            sequence vars
            var n: U32 = 0
            var x: F64 = 0.25
            repeat 3 times
                set n = n + 2
                probe.COUNT n: n label: "n"
            end
            probe.SET_LEVEL level: x
            set x = x * 8
            probe.SET_LEVEL level: x
            """)
        h.command("SEQ_RUN", "vars")
        h.exec.step(10)
        #expect(h.probe.received.filter { $0.command == "COUNT" }.map(\.argument) == [2, 4, 6])
        // 2.0 is outside SET_LEVEL's 0...1: the dispatcher refuses it (the probe never sees
        // it) and the sequence fails.
        #expect(h.probe.ticks(of: "SET_LEVEL").count == 1)
        #expect(h.events("SequenceCommandFailed").first?[3] == .enumeration(CommandResponse.validationError.rawValue))
        #expect(h.sequencer.failed == 1)
    }

    @Test func aValueThatDoesNotFitItsVariableFails() throws {
        let h = try Harness()
        h.install("sequence fit\nvar b: U8 = 200\nset b = b + 100\nprobe.PING\n")
        h.command("SEQ_RUN", "fit")
        h.exec.step(5)
        #expect(h.events("SequenceFailed").map { $0[2] } == [.enumeration(Int32(SequenceFailure.valueOutOfRange.rawValue))])
        #expect(h.probe.received.isEmpty)
    }

    @Test func aHazardousCommandRunsWhenTheSequenceArmsIt() throws {
        let h = try Harness()
        let engage = h.topology.opcode("probe.ENGAGE")!.rawValue
        h.install("sequence arm\ncmdDisp.ARM opCode: \(engage)\nprobe.ENGAGE on: true\nprobe.ENGAGE on: false\n")
        h.command("SEQ_RUN", "arm")
        h.exec.step(5)
        // The ARM is used up by the first ENGAGE: the second is refused and fails the sequence.
        #expect(h.probe.ticks(of: "ENGAGE") == [1])
        #expect(h.events("SequenceCommandFailed").first?[3] == .enumeration(CommandResponse.validationError.rawValue))
    }
}

@Suite struct SequencerControlTests {
    static let long = "sequence long\nrepeat 10 times\n    probe.PING\n    wait 1 s\nend\non abort\n    probe.SET_MODE mode: SAFE\nend\n"

    @Test func cancelStopsAtOnceWithoutTheAbortBlock() throws {
        let h = try Harness()
        h.install(Self.long)
        h.command("SEQ_RUN", "long")
        h.exec.step(250)
        #expect(h.command("SEQ_CANCEL", "long") == .ok)
        h.exec.step(1_000)
        #expect(h.probe.ticks(of: "PING") == [1, 101, 201])
        #expect(h.probe.ticks(of: "SET_MODE").isEmpty)
        #expect(h.sequencer.cancelled == 1 && h.sequencer.failed == 0)
        #expect(h.sequencer.slotStatus(0).state == .idle)
        #expect(h.channel("seq.Run0_Sequence") == .u16(0))
        #expect(h.command("SEQ_CANCEL", "long") == .executionError)
    }

    @Test func pauseHoldsResumeGoesOn() throws {
        let h = try Harness()
        h.install(Self.long)
        h.command("SEQ_RUN", "long")
        h.exec.step(150)
        #expect(h.command("SEQ_PAUSE", "long") == .ok)
        #expect(h.command("SEQ_PAUSE", "long") == .executionError)
        h.exec.step(300)
        // The wait that was running ends at 2.01 s, but the paused sequence sends nothing.
        #expect(h.probe.ticks(of: "PING") == [1, 101])
        #expect(h.sequencer.slotStatus(0).state == .paused)
        #expect(h.command("SEQ_RESUME", "long") == .ok)
        h.exec.step(1)
        #expect(h.probe.ticks(of: "PING") == [1, 101, 451])
    }

    @Test func stepRunsOneStatementThenPausesAgain() throws {
        let h = try Harness()
        h.install("sequence steps\nprobe.PING\nprobe.SET_MODE mode: ACTIVE\nprobe.SET_LEVEL level: 0.5\n")
        h.command("SEQ_RUN", "steps")
        h.command("SEQ_PAUSE", "steps")
        h.exec.step(20)
        #expect(h.probe.received.isEmpty)
        #expect(h.command("SEQ_STEP", "steps") == .ok)
        h.exec.step(20)
        #expect(h.probe.received.map(\.command) == ["PING"])
        #expect(h.command("SEQ_STEP", "steps") == .ok)
        h.exec.step(20)
        #expect(h.probe.received.map(\.command) == ["PING", "SET_MODE"])
        #expect(h.events("SequenceStepped").map { $0[1] } == [.u32(2), .u32(3)])
        #expect(h.command("SEQ_RESUME", "steps") == .ok)
        h.exec.step(1)
        #expect(h.probe.received.map(\.command) == ["PING", "SET_MODE", "SET_LEVEL"])
        #expect(h.sequencer.completed == 1)
    }

    @Test func severalSequencesRunAtOnceUpToTheLimit() throws {
        let h = try Harness(runSlots: 2)
        h.install("sequence a\nrepeat 3 times\nprobe.COUNT n: 1 label: \"a\"\nwait 100 ms\nend\n")
        h.install("sequence b\nafter 50 ms probe.COUNT n: 2 label: \"b\"\nwait 100 ms\nprobe.COUNT n: 2 label: \"b\"\n")
        h.install("sequence c\nprobe.COUNT n: 3 label: \"c\"\n")
        #expect(h.command("SEQ_RUN", "a") == .ok)
        #expect(h.command("SEQ_RUN", "a") == .executionError)
        #expect(h.command("SEQ_RUN", "b") == .ok)
        #expect(h.command("SEQ_RUN", "c") == .busy)
        h.exec.step(100)
        let order = h.probe.received.filter { $0.command == "COUNT" }.map { ($0.tick, $0.argument) }
        #expect(order.map(\.0) == [1, 5, 11, 15, 21])
        #expect(order.map(\.1) == [1, 2, 1, 2, 1])
        #expect(h.events("SequenceCommandRefused").map { $0[1] } == [.enumeration(Int32(SequenceRefusal.alreadyRunning.rawValue)), .enumeration(Int32(SequenceRefusal.noFreeRunSlot.rawValue))])
        h.exec.step(100)
        #expect(h.sequencer.completed == 2)
        #expect(h.command("SEQ_RUN", "c") == .ok)
        h.exec.step(2)
        #expect(h.sequencer.completed == 3)
    }

    @Test func unknownNamesAreRefused() throws {
        let h = try Harness()
        #expect(h.command("SEQ_RUN", "nothing") == .validationError)
        #expect(h.command("SEQ_VALIDATE", "nothing") == .validationError)
        h.install("sequence v\nprobe.PING\n")
        #expect(h.command("SEQ_VALIDATE", "v") == .ok)
        #expect(h.events("SequenceValidated").count == 1)
    }

    @Test func aRunningSequenceCannotBeReplaced() throws {
        let h = try Harness()
        let bytes = h.compile(Self.long)
        #expect(h.sequencer.install(bytes).isSuccess)
        h.command("SEQ_RUN", "long")
        h.exec.step(2)
        guard case .failure(let e) = h.sequencer.install(bytes) else {
            Issue.record("replaced while running")
            return
        }
        #expect(e.refusal == .alreadyRunning)
    }
}

@Suite struct SequencerCallTests {
    static let outer = """
        sequence outer
        probe.COUNT n: 1 label: "outer"
        call middle depth: 2
        probe.COUNT n: 9 label: "outer end"
        on abort
            probe.COUNT n: 100 label: "outer abort"
        end
        """
    static let middle = """
        sequence middle
        param depth: U32 = 0
        probe.COUNT n: depth label: "middle"
        call inner fail: false
        call inner fail: true
        probe.COUNT n: 8 label: "not reached"
        on abort
            probe.COUNT n: 200 label: "middle abort"
        end
        """
    static let inner = """
        sequence inner
        param fail: bool = false
        var k: U32 = 30
        probe.COUNT n: k label: "inner"
        if fail
            probe.FAIL
        end
        """

    @Test func nestedCallsPassParametersAndAbortBlocksRunInnermostFirst() throws {
        let h = try Harness()
        h.install(Self.outer, others: ["middle": Self.middle, "inner": Self.inner])
        h.command("SEQ_RUN", "outer")
        h.exec.step(20)
        let counts = h.probe.received.filter { $0.command == "COUNT" }.map(\.argument)
        // inner has no abort block; middle's runs, then outer's.
        #expect(counts == [1, 2, 30, 30, 200, 100])
        #expect(h.probe.ticks(of: "FAIL") == [1])
        #expect(h.sequencer.failed == 1)
        #expect(h.events("SequenceAbortBlockStarted").map { $0[1] } == [.u32(7), .u32(5)])
    }

    @Test func callsAndLoopsCompleteWhenNothingFails() throws {
        let h = try Harness()
        h.install("""
            sequence loops
            var i: U32 = 0
            while i < 5 max 10
                set i = i + 1
                call inner
            end
            """, others: ["inner": Self.inner])
        h.command("SEQ_RUN", "loops")
        h.exec.step(5)
        #expect(h.probe.received.filter { $0.command == "COUNT" }.count == 5)
        #expect(h.sequencer.completed == 1)
    }

    @Test func loopsOneAfterAnotherShareACounterAndEachRunsInFull() throws {
        let h = try Harness()
        let loops = (0..<100).map { _ in "repeat 2 times\n    repeat 3 times\n        probe.PING\n    end\nend\n" }.joined()
        h.install("sequence many\n" + loops + "on abort\nprobe.PING\nend\n")
        let decoded = try DecodedSequence.decode(h.compile("sequence many\n" + loops))
        #expect(decoded.routines[0].variables.filter(\.hidden).count == 2)
        h.command("SEQ_RUN", "many")
        h.exec.step(200)
        #expect(h.probe.ticks(of: "PING").count == 600)
        #expect(h.sequencer.completed == 1)
    }

    @Test func aLoopInTheAbortBlockIsNotShortenedByTheLoopThatFailed() throws {
        let h = try Harness()
        h.install("""
            sequence loopfail
            var i: U32 = 0
            repeat 5 times
                set i = i + 1
                if i == 3
                    probe.FAIL
                end
            end
            on abort
                repeat 4 times
                    probe.PING
                end
            end
            """)
        h.command("SEQ_RUN", "loopfail")
        h.exec.step(5)
        #expect(h.probe.ticks(of: "PING").count == 4)
        #expect(h.sequencer.failed == 1)
    }

    @Test func aWhileLoopPastItsBoundFails() throws {
        let h = try Harness()
        h.install("sequence bound\nvar i: U32 = 0\nwhile true max 4\nset i = i + 1\nend\n")
        h.command("SEQ_RUN", "bound")
        h.exec.step(5)
        #expect(h.events("SequenceFailed").map { $0[2] } == [.enumeration(Int32(SequenceFailure.loopBound.rawValue))])
    }

    @Test func theInstructionBudgetSpreadsALongLoopOverTicks() throws {
        let h = try Harness(instructionsPerTick: 8)
        h.install("sequence busy\nrepeat 20 times\nprobe.PING\nend\n")
        h.command("SEQ_RUN", "busy")
        h.exec.step(20)
        // Each pass is 3 instructions (repeat, PING, end): 8 per tick is 2 or 3 PINGs a tick.
        let ticks = h.probe.ticks(of: "PING")
        #expect(ticks.count == 20)
        #expect(Set(ticks).count > 5)
        #expect(h.sequencer.completed == 1)
    }
}
