import FlightCore
import Foundation
import MissionHarness
import Missions
import Sequencing
import Simulator
import Testing

/// The lander's flight software against the simulator, through the device links of
/// Boards/sim.yaml, in lockstep (issue 9's nominal descent), flown by the on-board sequencer
/// running `Sequences/lander-descent.rseq`.
@Suite("Lander descent in lockstep through the device links")
struct LanderMissionTests {
    /// ACCEPTANCE.md: lands inside the touchdown envelope, in 700-800 s, with 1.9-2.3 km/s;
    /// the descent sequence ran to its end, each of its waits satisfied by the phase it waited
    /// for (not by its timeout).
    @Test func nominalDescentLandsInsideTheEnvelope() throws {
        let m = try LanderMission(options: LanderMission.Options())
        m.run()
        let o = m.outcome
        let t = try #require(o.touchdown, "no touchdown; last phase \(o.finalPhase)")
        #expect(o.insideEnvelope, "touchdown \(t)")
        #expect((700...800).contains(t.time), "PDI to touchdown \(t.time) s")
        #expect((1_900...2_300).contains(o.deltaV), "delta-v \(o.deltaV) m/s")
        #expect(o.finalPhase == .landed)
        #expect(m.commandResponses.allSatisfy { $0.response == .ok })
        // The phases came in order, each once.
        let phaseLog = m.flight.descent.phaseLog
        #expect(phaseLog.map(\.phase) == [.braking, .approach, .hover, .terminalDescent, .freeFall, .landed])
        // START_DESCENT from the sequence at t = 2.00 s, braking on the next guidance cycle.
        #expect(abs((phaseLog.first?.time ?? 0) - 2.01) < 1e-6, "braking at \(phaseLog.first?.time ?? 0) s")

        // The sequence: started by the one SEQ_RUN, completed, nothing failed or aborted.
        #expect(m.commandResponses.map(\.name) == ["seq.SEQ_RUN"])
        #expect(m.sequenceCompleted, "sequencer: completed \(m.flight.sequencer.completed), failed \(m.flight.sequencer.failed)")
        #expect(m.flight.sequencer.commandsSent == 2, "ARM and START_DESCENT")
        #expect(emissions(m, "seq.SequenceCompleted") == 1)
        #expect(emissions(m, "seq.SequenceFailed") == 0)
        #expect(emissions(m, "seq.SequenceAbortBlockStarted") == 0)
        #expect(emissions(m, "descent.ArmingChecksPassed") == 1)

        // Every `wait until` of the script was passed (the sequence completed, and each has
        // `else abort`). The pre-checks and the ignition wait were satisfied within the tick
        // that reached them (the devices were GOOD, the thrust axis already pointed); each
        // phase wait waited at its line, and left it.
        let source = try String(contentsOfFile: MissionSequences.repositoryDirectory + "/lander-descent.rseq", encoding: .utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        func line(of text: String) throws -> UInt32 {
            let n = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(text) }, "no '\(text)' in the script")
            return UInt32(n + 1)
        }
        let waits = lines.filter { $0.hasPrefix("wait until") }
        #expect(waits.count == 13 && waits.allSatisfy { $0.contains("else abort") })
        let phaseWaits = lines.indices.filter { lines[$0].hasPrefix("wait until descent.Phase") }.map { UInt32($0 + 1) }
        #expect(phaseWaits.count == 6)
        for w in phaseWaits {
            let k = m.progress.firstIndex { $0.line == w && $0.state == .waiting }
            #expect(k != nil, "never waited at line \(w)")
            if let k { #expect(m.progress[(k + 1)...].contains { $0.line != w }, "never left the wait at line \(w)") }
        }
        #expect(m.progress.last?.state == .idle)

        // Each phase wait ended when its phase came (within a few sequencer ticks), long
        // before its timeout.
        for (phase, prefix) in [
            (DescentPhase.approach, "wait until descent.Phase == APPROACH"), (.hover, "wait until descent.Phase == HOVER"),
            (.terminalDescent, "wait until descent.Phase == TERMINAL_DESCENT"), (.landed, "wait until descent.Phase == LANDED"),
        ] {
            let w = try line(of: prefix)
            let phaseTime = try #require(phaseLog.first { $0.phase == phase }).time
            let k = try #require(m.progress.firstIndex { $0.line == w })
            let left = try #require(m.progress[(k + 1)...].first { $0.line != w }).time
            #expect(abs(left - phaseTime) < 0.05, "\(phase) at \(phaseTime) s, its wait (line \(w)) ended at \(left) s")
        }
    }

    /// IM-1 (2024): the altimeter never gives valid data. The sequence's pre-check times out
    /// before ignition, the abort block calls lander-safing: the descent ends ABORTED with the
    /// engine never lit and START_DESCENT never sent.
    @Test func descentSequenceSafesTheLanderWhenAPreCheckFails() throws {
        var options = LanderMission.Options()
        options.maxTime = 20
        options.scenario = Scenario(
            name: "altimeter-dead", vehicle: .lander,
            faults: [ScheduledFault(trigger: .at(seconds: 0), fault: .sensorDropout(.altimeter))])
        let m = try LanderMission(options: options)
        m.runFor(seconds: 20)
        #expect(m.flight.sequencer.failed == 1)
        #expect(m.flight.sequencer.completed == 0)
        #expect(!m.flight.sequencer.isBusy)
        #expect(emissions(m, "seq.SequenceAbortBlockStarted") == 1)
        #expect(emissions(m, "descent.DescentAborted") == 1)
        #expect(emissions(m, "descent.ArmingChecksPassed") == 0)
        #expect(m.flight.descent.phase == .aborted)
        #expect(!m.flight.descent.ignited)
        // The sequence sent ABORT_DESCENT and DISARM only (the safing), never ARM or START_DESCENT.
        #expect(m.flight.sequencer.commandsSent == 2)
        // It failed at the altimeter's pre-check, 10 s after it started.
        let source = try String(contentsOfFile: MissionSequences.repositoryDirectory + "/lander-descent.rseq", encoding: .utf8)
        let altimeterLine = try #require(source.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("wait until altimeter.Health") })
        let w = try #require(m.progress.firstIndex { $0.line == UInt32(altimeterLine + 1) && $0.state == .waiting })
        #expect(abs(m.progress[w].time - m.options.startAt) < 0.05, "the altimeter's pre-check began at \(m.progress[w].time) s")
        let next = try #require(m.progress[(w + 1)...].first)
        #expect(abs(next.time - (m.progress[w].time + 10)) < 0.05, "and ended at \(next.time) s")
        #expect(m.progress.last?.state == .idle)
    }

    /// `.direct` (for fault tests): ARM and START_DESCENT from the ground at `startAt`, no
    /// sequence compiled or installed; the same instant as the sequence's START_DESCENT.
    @Test func directCommandsStartTheDescentWithoutASequence() throws {
        var options = LanderMission.Options()
        options.descent = .direct
        options.sequencesDirectory = "/nonexistent"  // not read
        let m = try LanderMission(options: options)
        #expect(m.descentSequence == nil)
        m.runFor(seconds: 3)
        #expect(m.commandResponses.map(\.name) == ["cmdDisp.ARM", "descent.START_DESCENT"])
        #expect(m.commandResponses.allSatisfy { $0.response == .ok })
        #expect(m.flight.sequencer.started == 0)
        #expect(m.flight.descent.phase == .braking)
        #expect(abs((m.flight.descent.phaseLog.first?.time ?? 0) - 2.01) < 1e-6)
    }

    /// A descent sequence that does not compile stops the harness at start, naming the file,
    /// the line and the error.
    @Test func aDescentSequenceThatDoesNotCompileFailsTheHarnessClearly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lander-seq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "sequence lander_descent\ndescent.START_DESCNT\n".write(to: dir.appendingPathComponent("lander-descent.rseq"), atomically: true, encoding: .utf8)
        var options = LanderMission.Options()
        options.sequencesDirectory = dir.path
        do {
            _ = try LanderMission(options: options)
            Issue.record("the harness started with a sequence that does not compile")
        } catch let e as MissionSequences.LoadError {
            #expect(e.description.contains("lander-descent.rseq:2:1: error:"), "\(e)")
            #expect(e.description.contains("START_DESCENT"), "\(e)")
        }
        // Missing altogether: the same, naming the file.
        options.sequencesDirectory = dir.appendingPathComponent("none").path
        #expect(throws: MissionSequences.LoadError.self) { _ = try LanderMission(options: options) }
    }

    /// The repository's lander sequences check clean against the lander's dictionary.
    @Test func landerSequencesCheckClean() throws {
        let m = try LanderMission(options: .init())
        let d = SequenceDictionary(m.dictionary)
        for file in ["lander-descent.rseq", "lander-safing.rseq"] {
            let (bytes, result) = try MissionSequences.compile(file, dictionary: d)
            #expect(result.diagnostics.isEmpty, "\(file): \(result.diagnostics)")
            // The compiled form decompiles to scripts that compile to the same bytes.
            let scripts = try SequenceDecompiler.decompile(bytes, dictionary: d)
            let again = SequenceChecker.check(source: scripts[0].text, file: file, dictionary: d) { name in
                scripts.first { $0.name == name }.map { ("\(name).rseq", $0.text) }
            }
            #expect(try SequenceCompiler.compile(try #require(again.program)) == bytes)
        }
        // The descent's abort block compiled lander-safing in (call lander_safing).
        #expect(try SequenceDecompiler.decompile(try MissionSequences.compile("lander-descent.rseq", dictionary: d).bytes, dictionary: d).map(\.name) == ["lander_descent", "lander_safing"])
        // ARM in the script names descent.START_DESCENT by number: it must be that opcode.
        #expect(m.flight.topology.opcode("descent.START_DESCENT")?.rawValue == 0x0B00)
    }

    func emissions(_ m: LanderMission, _ name: String) -> UInt64? {
        let events = m.flight.topology.events
        return events.infos.first { $0.qualifiedName == name }.flatMap { events.emissions(of: $0.id) }
    }
}

/// ACCEPTANCE.md / issue 9: with the Apollo LM vehicle set, the closed-loop descent follows
/// the Apollo 11 DSKY log within +-20 % in altitude and altitude rate at each listed time of
/// the automatic braking phase (P63, to high gate at 506 s). The DSKY showed the guidance
/// computer's estimate, so the flight software's estimate is what is compared (its error
/// against the truth is reported beside it).
@Suite("Apollo LM descent against the Apollo 11 DSKY log")
struct ApolloComparisonTests {
    static let rows: [(t: Double, h: Double, hdot: Double)] = [
        (116, 14_786, -8.9), (236, 12_883, -24.3), (296, 11_088, -33.7), (358, 8_223, -38.3), (416, 5_975, -37.8), (504, 2_249, -38.3),
    ]

    @Test func apolloLMFollowsTheP63Log() throws {
        var o = LanderMission.Options()
        o.vehicle = .apolloLM
        let m = try LanderMission(options: o)
        m.run()
        for row in Self.rows {
            let r = try #require(m.record(afterIgnition: row.t))
            #expect(abs(r.navSiteAltitude - row.h) <= 0.2 * row.h, "PDI+\(row.t) s: altitude \(r.navSiteAltitude) m vs DSKY \(row.h) m")
            #expect(abs(r.navVerticalSpeed - row.hdot) <= 0.2 * abs(row.hdot), "PDI+\(row.t) s: altitude rate \(r.navVerticalSpeed) m/s vs DSKY \(row.hdot) m/s")
        }
        #expect(m.outcome.insideEnvelope)
        let td = try #require(m.outcome.touchdown)
        #expect((700...800).contains(td.time - (m.ignitionTime ?? 0)))
    }
}
