import FlightCore
import Testing

/// Responses: actions, cooldowns and limits, level escalation, latching, mode gating and
/// lock-outs, and the fault manager's commands sent through the real dispatcher.
@Suite struct FaultResponseTests {
    static let hot = MonitorSpec("hot", .limit(channel: "plant.Level", redHigh: 80))

    @Test func actionsRunInOrderThroughTheDispatcherAsTheFaultManager() throws {
        let rig = try FaultRig(
            FaultTable(
                monitors: [Self.hot],
                responses: [ResponseSpec("react", on: "hot", actions: [.event(.warningHigh), .command("plant.POWER", [.bool(false)]), .sequence("coolDown"), .mode("LANDED")])],
                sequenceCommand: "seq.RUN"),
            sequences: ["coolDown", "other"])
        var cursor = rig.topology.eventCursor
        rig.plant.level = 90
        rig.step()
        #expect(rig.plant.powers == [false])
        #expect(rig.sequencer.started == ["coolDown"])
        #expect(rig.modes.names[rig.modes.current] == "LANDED")
        let names = rig.events(since: &cursor).filter { !$0.hasPrefix("cmdDisp.OpCodeCompleted") && !$0.hasPrefix("tlmChan") }
        #expect(names == [
            "faultMgr.MonitorTripped", "faultMgr.ResponseFired", "faultMgr.FaultAlarmWarningHi",
            "cmdDisp.OpCodeDispatched", "cmdDisp.OpCodeDispatched", "mode.ModeChanged",
        ])
        let dispatched = try rig.topology.records("cmdDisp.OpCodeDispatched")
        #expect(dispatched.map { $0.arguments[1] } == [.i32(2), .i32(2)])  // source 2: the fault manager
        #expect(rig.faults.counts(of: "react")! == (1, 0))
        #expect(try rig.topology.latest("faultMgr.react_Fired") == .u32(1))
        // A trip fires its responses once, however long it lasts.
        rig.step(20)
        #expect(rig.plant.powers == [false])
    }

    @Test func safeActionEntersSafeModeWhichOnlyExitSafeLeaves() throws {
        let rig = try FaultRig(FaultTable(monitors: [Self.hot], responses: [ResponseSpec("safe", on: "hot", level: .system, actions: [.safe])]))
        rig.plant.level = 90
        rig.step()
        #expect(rig.modes.isSafe)
        #expect(try rig.topology.latest("mode.Mode") == .enumeration(3))
        #expect(try rig.topology.records("mode.SafeModeEntered").first?.arguments.values == [.enumeration(0), .enumeration(1)])
        // SET_MODE cannot leave SAFE; EXIT_SAFE is hazardous and needs an ARM.
        #expect(try rig.command("mode.SET_MODE", be(UInt8(0))) == .validationError)
        #expect(try rig.command("mode.EXIT_SAFE", be(UInt8(0))) == .validationError)
        #expect(rig.modes.isSafe)
        #expect(try rig.command("cmdDisp.ARM", be(try rig.topology.op("mode.EXIT_SAFE").rawValue)) == .ok)
        #expect(try rig.command("mode.EXIT_SAFE", be(UInt8(0))) == .ok)
        #expect(rig.modes.current == 0)
        #expect(try rig.topology.latest("mode.SafeEntries") == .u32(1))
    }

    @Test func cooldownAndLimitSuppressRepeatedFirings() throws {
        let rig = try FaultRig(FaultTable(
            monitors: [Self.hot],
            responses: [ResponseSpec("note", on: "hot", actions: [.event(.warningLow)], cooldown: .seconds(5), limit: 2)]))
        func trip() {
            rig.plant.level = 90
            rig.step()
            rig.plant.level = 10
            rig.step()
        }
        trip()  // t = 0.1 s: fires
        #expect(rig.faults.counts(of: "note")! == (1, 0))
        trip()  // t = 0.3 s: inside the cooldown
        #expect(rig.faults.counts(of: "note")! == (1, 1))
        rig.step(50)
        trip()  // t = 5.4 s: fires again
        #expect(rig.faults.counts(of: "note")! == (2, 1))
        rig.step(50)
        trip()  // the limit of 2 is reached
        #expect(rig.faults.counts(of: "note")! == (2, 2))
        let reasons = try rig.topology.records("faultMgr.ResponseSuppressed").map { $0.arguments[1] }
        #expect(reasons == [.enumeration(FaultManager.Suppression.cooldown.rawValue), .enumeration(FaultManager.Suppression.limit.rawValue)])
        // RESPONSE_CLEAR resets the count and the cooldown.
        #expect(try rig.command("faultMgr.RESPONSE_CLEAR", rig.responseArgument("note")) == .ok)
        trip()
        #expect(rig.faults.counts(of: "note")! == (1, 2))
        #expect(try rig.topology.latest("faultMgr.ResponsesSuppressed") == .u32(2))
    }

    static func escalation() -> FaultTable {
        FaultTable(monitors: [Self.hot], responses: [
            ResponseSpec("goSafe", on: "hot", level: .system, after: .seconds(2), actions: [.safe]),
            ResponseSpec("powerOff", on: "hot", level: .device, actions: [.command("plant.POWER", [.bool(false)])]),
            ResponseSpec("isolate", on: "hot", level: .subsystem, after: .seconds(1), actions: [.event(.warningHigh)]),
        ])
    }

    @Test func aLowerLevelThatFixesTheFaultKeepsHigherLevelsFromActing() throws {
        let rig = try FaultRig(Self.escalation())
        rig.plant.powerOffLevel = 20  // powering off cools the plant at once
        rig.plant.level = 90
        rig.step()
        #expect(rig.plant.powers == [false])
        rig.step(40)
        #expect(try rig.state("hot") == .nominal)
        #expect(rig.faults.counts(of: "isolate")! == (0, 0) && rig.faults.counts(of: "goSafe")! == (0, 0))
        #expect(!rig.modes.isSafe)
    }

    @Test func levelsEscalateWhileTheFaultPersists() throws {
        let rig = try FaultRig(Self.escalation())
        rig.plant.level = 90
        rig.step()  // trip at 0.1 s: device level acts at once
        #expect(rig.faults.counts(of: "powerOff")!.fired == 1)
        rig.step(9)  // 1.0 s: 0.9 s tripped
        #expect(rig.faults.counts(of: "isolate")!.fired == 0)
        rig.step()  // 1.1 s: subsystem level
        #expect(rig.faults.counts(of: "isolate")!.fired == 1)
        rig.step(9)
        #expect(!rig.modes.isSafe)
        rig.step()  // 2.1 s: system level
        #expect(rig.modes.isSafe)
        let fired = try rig.topology.records("faultMgr.ResponseFired").map { $0.arguments.values }
        #expect(fired == [
            [.enumeration(1), .enumeration(0), .enumeration(0)], [.enumeration(2), .enumeration(0), .enumeration(1)],
            [.enumeration(0), .enumeration(0), .enumeration(2)],
        ])
    }

    @Test func aDisabledLowerLevelHasHadItsChanceAndIsReported() throws {
        var table = Self.escalation()
        table.responses[1].enabled = false  // powerOff
        let rig = try FaultRig(table)
        rig.plant.level = 90
        rig.step(22)
        #expect(rig.plant.powers.isEmpty)
        #expect(rig.faults.counts(of: "powerOff")! == (0, 1))
        #expect(rig.modes.isSafe)
    }

    @Test func latchingMonitorHoldsUntilClearedByCommand() throws {
        let rig = try FaultRig(FaultTable(monitors: [MonitorSpec("hot", .limit(channel: "plant.Level", redHigh: 80), latching: true)]))
        rig.plant.level = 90
        rig.step()
        rig.plant.level = 10
        rig.step()
        #expect(try rig.state("hot") == .latched)
        #expect(try rig.topology.records("faultMgr.MonitorLatched").count == 1)
        rig.step(20)
        #expect(try rig.state("hot") == .latched)
        #expect(try rig.topology.latest("faultMgr.MonitorsTripped") == .u32(0))  // condition gone
        // A latched monitor can trip again; clearing by command ends the latch.
        rig.plant.level = 90
        rig.step()
        #expect(try rig.state("hot") == .tripped)
        rig.plant.level = 10
        rig.step()
        #expect(try rig.command("faultMgr.MONITOR_CLEAR", rig.monitorArgument("hot")) == .ok)
        #expect(try rig.state("hot") == .nominal)
        #expect(rig.faults.trips(of: "hot") == 2)
        // CLEAR_ALL_LATCHED clears every latched monitor.
        rig.plant.level = 90
        rig.step()
        rig.plant.level = 10
        rig.step()
        #expect(try rig.command("faultMgr.CLEAR_ALL_LATCHED") == .ok)
        #expect(try rig.state("hot") == .nominal)
    }

    @Test func monitorsAndResponsesRunOnlyInTheirModes() throws {
        let rig = try FaultRig(FaultTable(
            monitors: [MonitorSpec("descentHot", .limit(channel: "plant.Level", redHigh: 80), modes: ["DESCENT"])],
            responses: [
                ResponseSpec("inDescent", on: "descentHot", actions: [.event(.warningLow)], modes: ["DESCENT"]),
                ResponseSpec("onlyLanded", on: "descentHot", actions: [.event(.warningHigh)], modes: ["LANDED"]),
            ]))
        rig.plant.level = 90
        rig.step(3)
        #expect(try rig.state("descentHot") == .inactive)
        #expect(rig.faults.trips(of: "descentHot") == 0)
        // DESCENT: the command runs on the core tick, before the fault manager, which then samples.
        #expect(try rig.command("mode.SET_MODE", be(UInt8(1))) == .ok)
        #expect(try rig.state("descentHot") == .tripped)
        rig.step()
        #expect(rig.faults.counts(of: "inDescent")! == (1, 0))
        #expect(rig.faults.counts(of: "onlyLanded")! == (0, 1))
        #expect(try rig.topology.records("faultMgr.ResponseSuppressed").last?.arguments[1] == .enumeration(FaultManager.Suppression.mode.rawValue))
        // Leaving the mode makes the monitor inactive again.
        #expect(try rig.command("mode.SET_MODE", be(UInt8(0))) == .ok)
        rig.step()
        #expect(try rig.state("descentHot") == .inactive)
        #expect(try rig.topology.latest("faultMgr.MonitorsTripped") == .u32(0))
    }

    @Test func resetCommandsAreLockedOutInPoweredDescent() throws {
        let rig = try FaultRig(FaultTable(
            monitors: [Self.hot],
            responses: [ResponseSpec("resetIt", on: "hot", actions: [.command("plant.RESET")])],
            lockouts: [CommandLockout("plant.RESET", in: ["DESCENT"])]))
        #expect(try rig.command("plant.RESET") == .ok)
        #expect(rig.plant.resets == 1)
        #expect(try rig.command("mode.SET_MODE", be(UInt8(1))) == .ok)
        var cursor = rig.topology.eventCursor
        #expect(try rig.command("plant.RESET") == .validationError)
        #expect(rig.plant.resets == 1)
        #expect(rig.events(since: &cursor).contains("faultMgr.CommandLockedOut"))
        #expect(try rig.topology.records("faultMgr.CommandLockedOut").last?.arguments.values == [.u32(try rig.topology.op("plant.RESET").rawValue), .i32(1)])
        // The fault manager's own reset is refused too, and counted as a failed response command.
        rig.plant.level = 90
        rig.step()
        #expect(rig.plant.resets == 1)
        #expect(rig.faults.commandFailures == 1)
        #expect(try rig.topology.latest("faultMgr.CommandsLockedOut") == .u32(2))
        #expect(rig.topology.dispatcher.gatedCount == 2)
        // Other commands pass; and after landing the reset is allowed again.
        #expect(try rig.command("plant.POWER", be(UInt8(0xFF))) == .ok)
        #expect(try rig.command("mode.SET_MODE", be(UInt8(2))) == .ok)
        #expect(try rig.command("plant.RESET") == .ok)
        #expect(rig.plant.resets == 2)
    }

    @Test func enableDisableClearAndReportThroughTheDispatcher() throws {
        let rig = try FaultRig(FaultTable(
            monitors: [Self.hot],
            responses: [ResponseSpec("note", on: "hot", actions: [.event(.activityHigh)]), ResponseSpec("fails", on: "hot", actions: [.command("plant.FAIL")])]))
        #expect(try rig.command("faultMgr.MONITOR_DISABLE", rig.monitorArgument("hot")) == .ok)
        #expect(try rig.state("hot") == .disabled)
        rig.plant.level = 90
        rig.step(5)
        #expect(rig.faults.trips(of: "hot") == 0)
        #expect(try rig.command("faultMgr.MONITOR_ENABLE", rig.monitorArgument("hot")) == .ok)  // tick 7
        #expect(try rig.state("hot") == .tripped)
        rig.step()
        #expect(rig.faults.commandFailures == 1)
        #expect(try rig.topology.records("faultMgr.ResponseCommandFailed").first?.arguments[1] == .enumeration(CommandResponse.executionError.rawValue))
        #expect(try rig.command("faultMgr.MONITOR_REPORT", rig.monitorArgument("hot")) == .ok)
        let report = try #require(try rig.topology.records("faultMgr.MonitorReport").last)
        #expect(report.arguments.values == [.enumeration(0), .enumeration(4), .u32(1), .bool(true), .f64(0.7)])
        #expect(try rig.command("faultMgr.RESPONSE_DISABLE", rig.responseArgument("note")) == .ok)
        #expect(try rig.command("faultMgr.MONITOR_CLEAR", rig.monitorArgument("hot")) == .ok)  // still hot: trips again
        #expect(rig.faults.trips(of: "hot") == 2)
        #expect(rig.faults.counts(of: "note")! == (1, 1))
        #expect(rig.faults.commandFailures == 2)
        #expect(try rig.command("faultMgr.RESPONSE_REPORT", rig.responseArgument("note")) == .ok)
        #expect(try rig.topology.records("faultMgr.ResponseReport").last?.arguments.values == [.enumeration(0), .bool(false), .u32(1), .u32(1), .f64(0.7)])
        #expect(try rig.command("faultMgr.RESPONSE_ENABLE", rig.responseArgument("note")) == .ok)
        // Out-of-range enum values are refused by the dispatcher before the fault manager.
        #expect(try rig.command("faultMgr.MONITOR_CLEAR", be(Int32(7))) == .validationError)
    }

    @Test func lockstepRunsWithFaultsAreRepeatable() throws {
        func run() throws -> (UInt64, UInt64, UInt64) {
            let rig = try FaultRig(Self.escalation())
            var random = SeededRandom(seed: 42)
            for _ in 0..<300 {
                rig.plant.level = Double.random(in: 0...100, using: &random)
                rig.plant.glitches = Int.random(in: 0...1, using: &random)
                rig.step()
            }
            return (rig.topology.telemetry.digest, rig.topology.events.digest, rig.topology.events.logged)
        }
        let a = try run(), b = try run()
        #expect(a == b)
        #expect(a.2 > 50)  // the run did trip, fire and clear
    }
}
