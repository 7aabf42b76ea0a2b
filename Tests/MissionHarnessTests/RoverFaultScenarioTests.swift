import FlightCore
import Foundation
import MissionHarness
import Missions
import Simulator
import Testing

/// The rover's stop conditions (ACCEPTANCE.md, Rover: tilt, slip, over-current, command
/// timeout, loss of ground contact; MER/MSL mobility flight software) with the rover's fault
/// table (`Boards/rover-faults.yaml`, issue 7): each `Simulator/Scenarios/rover-*.yaml` injects
/// one fault into a 6 m drive north (a drive to (5, 0) for slip), commanded from the ground;
/// each test asserts the drive's stop, the monitors that tripped, the responses that fired
/// (exactly those: nothing unrelated), and the resulting mode. Comm loss and the command
/// timeout are not faults of the simulator: the ground falls silent, or gives a short timeout.
///
/// Each test records its fault activity in ``coverage``; with `REGOLITH_ROVER_FAULT_COVERAGE`
/// set (`make test-swift`) the coverage so far is written to that file, whose last line, once
/// every test has run, must say that every monitor and response fired.
@Suite("Rover stops with the rover's fault table")
struct RoverFaultScenarioTests {
    static let coverage = SuiteFaultCoverage(environment: "REGOLITH_ROVER_FAULT_COVERAGE")
    static let scenarios = FaultScenarioSupport.scenarios
    static let topSpeed = 200.0 / 3_600

    /// A drive to (east, north) from the ground with the shipped table and the named scenario,
    /// run until it is over (plus 2 s) or `maxTime`.
    func mission(
        _ scenario: String?, east: Double = 0, north: Double = 6, maxTime: Double = 400,
        configure: (inout RoverMission.Options) -> Void = { _ in }
    ) throws -> RoverMission {
        var options = RoverMission.Options()
        options.faultTable = RoverMission.repositoryFaultTable
        options.drive = .direct(east: east, north: north, keepOut: [])
        options.maxTime = maxTime
        if let scenario { options.scenario = try Scenario.load(contentsOf: Self.scenarios + "/\(scenario).yaml") }
        configure(&options)
        return try RoverMission(options: options)
    }

    func faults(_ m: RoverMission) throws -> FaultProtection { try #require(m.flight.faultProtection) }

    func mode(_ m: RoverMission) throws -> String { FaultScenarioSupport.mode(try faults(m)) }

    func emissions(_ m: RoverMission, _ name: String) -> UInt64 { FaultScenarioSupport.emissions(m.flight.topology, name) }

    /// The one `DriveStopped` of the run (the table's stop monitors match its reason): its
    /// reason, wheel, and what tripped the stop against which limit.
    func stopEvent(_ m: RoverMission, sourceLocation: SourceLocation = #_sourceLocation) throws -> (reason: StopReason, wheel: Int32, value: Double, limit: Double) {
        let events = m.flight.topology.events
        let id = try #require(events.infos.first { $0.qualifiedName == "drive.DriveStopped" }?.id, sourceLocation: sourceLocation)
        #expect(emissions(m, "drive.DriveStopped") == 1, sourceLocation: sourceLocation)
        let a = try #require(events.records.last { $0.id == id }?.arguments, sourceLocation: sourceLocation)
        guard a.count == 4, case .enumeration(let r) = a[0], let reason = StopReason(rawValue: UInt8(r)), case .i32(let wheel) = a[1],
            case .f64(let value) = a[2], case .f64(let limit) = a[3]
        else {
            Issue.record("DriveStopped carries \(a)", sourceLocation: sourceLocation)
            return (.none, -1, .nan, .nan)
        }
        return (reason, wheel, value, limit)
    }

    /// Records the run's fault activity (and writes the coverage file), prints it, and checks
    /// that exactly `monitors` tripped and exactly `responses` fired.
    func expectFired(
        _ m: RoverMission, _ scenario: String, monitors: Set<String>, responses: Set<String>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let f = try faults(m).faults
        try Self.coverage.record(f, scenario: scenario)
        let a = f.activity
        let tripped = Set(a.monitors.filter { $0.trips > 0 }.map(\.name))
        let fired = Set(a.responses.filter { $0.firings > 0 }.map(\.name))
        let own = FaultCoverage()
        own.record(f, scenario: scenario)
        let o = m.outcome
        print("""
            === rover \(scenario): state \(o.finalState), stops \(o.stops.map { "\($0.reason) wheel \($0.wheel) at \(String(format: "%.2f", $0.time)) s" }), \
            \(String(format: "%.2f", o.distanceDriven)) m driven, mode \(try mode(m))
            \(own.report())
            """)
        #expect(tripped == monitors, "tripped \(a.monitors.filter { $0.trips > 0 })", sourceLocation: sourceLocation)
        #expect(fired == responses, "fired \(a.responses.filter { $0.firings > 0 })", sourceLocation: sourceLocation)
    }

    /// The drive stopped with `reason` (first and only stop), wheels still, short of the goal.
    func expectStopped(_ m: RoverMission, _ reason: StopReason, wheel: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let o = m.outcome
        #expect(o.finalState == .stopped, "state \(o.finalState)", sourceLocation: sourceLocation)
        #expect(o.stops.map(\.reason) == [reason], "stops \(o.stops.map { "\($0.reason) wheel \($0.wheel)" })", sourceLocation: sourceLocation)
        if let wheel { #expect(o.stops.first?.wheel == wheel, sourceLocation: sourceLocation) }
        #expect(o.completed == 0, sourceLocation: sourceLocation)
        if !o.distanceToGoal.isNaN { #expect(o.distanceToGoal > 0.5, sourceLocation: sourceLocation) }
        #expect(abs(m.rig.world.state.speed) < 1e-3, sourceLocation: sourceLocation)
        #expect(o.maxSpeed <= Self.topSpeed, sourceLocation: sourceLocation)
        #expect(m.flight.drive.controller.stopReason == reason, sourceLocation: sourceLocation)
    }

    // MARK: The table

    /// The shipped table loads and binds to the rover topology (with its lock-outs as the
    /// dispatcher's gate); nothing fires in a quiet STANDBY.
    @Test func roverFaultTableLoadsIntoTheRoverTopology() throws {
        var options = RoverMission.Options()
        options.faultTable = RoverMission.repositoryFaultTable
        options.drive = .none
        let m = try RoverMission(options: options)
        m.runFor(seconds: 10)
        let f = try faults(m)
        #expect(try mode(m) == "STANDBY")
        #expect(f.faults.table.monitors.count == 12)
        #expect(f.faults.table.responses.count == 13)
        #expect(f.faults.table.lockouts.count == 7)
        #expect(f.faults.activity.monitors.allSatisfy { $0.trips == 0 }, "\(f.faults.activity.monitors.filter { $0.trips > 0 })")
        #expect(f.faults.activity.responses.allSatisfy { $0.firings == 0 })
        #expect(m.flight.topology.dispatcher.gate != nil)
        #expect(m.dictionary.faultTables.map(\.component) == ["faultMgr"])
        // The stops are told apart by DriveStopped's reason, not by events of their own.
        #expect(f.faults.table.monitors.filter { $0.kind.kindName == "event" }.allSatisfy {
            if case .event("drive.DriveStopped", let matches) = $0.kind { matches.map(\.argument) == ["reason"] } else { false }
        })
        #expect(m.dictionary.event(named: "drive.TiltOverLimit") == nil && m.dictionary.event(named: "drive.DriveStopped")?.definition.arguments.count == 4)
    }

    /// A structural error in the YAML stops the harness with the file and line.
    @Test func aBrokenTableStopsTheHarness() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rover-faults-\(UUID().uuidString).yaml").path
        try "monitors:\n  - name: tiltStop\n    evnt: drive.DriveStopped\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = RoverMission.Options()
        options.faultTable = path
        options.drive = .none
        #expect { try RoverMission(options: options) } throws: { e in
            "\(e)".contains(path) && "\(e)".contains(":3:")
        }
    }

    /// A name the rover topology does not have is refused when the topology is built.
    @Test func aTableNamingAnUnknownChannelIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rover-faults-\(UUID().uuidString).yaml").path
        try "monitors:\n  - name: tilted\n    channel: drive.Tilted\n    limit: {redHigh: 30}\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = RoverMission.Options()
        options.faultTable = path
        options.drive = .none
        #expect { try RoverMission(options: options) } throws: { e in "\(e)".contains("drive.Tilted") }
    }

    /// The 6 m drive without a fault: DRIVING while it moves, STANDBY when it arrives, nothing
    /// trips. While the rover moves, DRIVE_CLEAR_KEEP_OUT is locked out; once parked it is not.
    @Test func aQuietDriveTripsNothingAndLocksOutClearingTheZonesWhileMoving() throws {
        let m = try mission(nil)
        m.runFor(seconds: 30)
        #expect(try mode(m) == "DRIVING")
        #expect(m.command("drive.DRIVE_CLEAR_KEEP_OUT") == .validationError)
        #expect(m.command("wheels.RESYNC") == .validationError)
        #expect(emissions(m, "faultMgr.CommandLockedOut") == 2)
        #expect(m.flight.drive.controller.isMoving)
        m.run()
        #expect(m.outcome.finalState == .idle && m.outcome.completed == 1, "stops \(m.outcome.stops.map(\.reason))")
        #expect(try mode(m) == "STANDBY")
        #expect(m.command("drive.DRIVE_CLEAR_KEEP_OUT") == .ok)
        #expect(try faults(m).modes.changes >= 2)
        try expectFired(m, "quiet drive", monitors: [], responses: [])
    }

    /// The 50 m route of `rover-drive.rseq` with the table, as `regolith mission rover-drive`
    /// flies it: the sequence (keep-out zones, GOTO, clearing the zones once parked) is not
    /// locked out, the rover arrives, nothing trips.
    @Test func theSequencedRouteFliesQuietlyWithTheTable() throws {
        var options = RoverMission.Options()
        options.faultTable = RoverMission.repositoryFaultTable
        let m = try RoverMission(options: options)
        m.run()
        #expect(m.outcome.finalState == .idle && m.outcome.completed == 1, "stops \(m.outcome.stops.map(\.reason))")
        #expect(m.sequenceCompleted)
        #expect(m.flight.drive.controller.keepOut.count == 0)
        #expect(emissions(m, "faultMgr.CommandLockedOut") == 0)
        #expect(try mode(m) == "STANDBY")
        try expectFired(m, "rover-drive.rseq", monitors: [], responses: [])
    }

    // MARK: ACCEPTANCE.md's stops

    /// Tilt over 30 deg (a rover-imu attitude bias of 0.45 rad from 2 m): TILT_OVER_LIMIT,
    /// tiltStop → tiltAlarm; the rover waits in STANDBY.
    @Test func tiltStopsTheRoverAndRaisesTheTiltAlarm() throws {
        let m = try mission("rover-tilt")
        m.run()
        expectStopped(m, .tiltOverLimit)
        #expect((1.9...2.5).contains(m.outcome.distanceDriven), "stopped after \(m.outcome.distanceDriven) m")
        let stop = try stopEvent(m)  // tilt against the 30 deg limit
        #expect(stop.reason == .tiltOverLimit && stop.value > 30 && abs(stop.limit - 30) < 1e-9, "\(stop)")
        #expect(try mode(m) == "STANDBY")
        try expectFired(m, "rover-tilt", monitors: ["tiltStop"], responses: ["tiltAlarm"])
    }

    /// Slip in the turn toward (5, 0) on an 80 % slip patch: SLIP_OVER_LIMIT, slipStop → slipAlarm.
    @Test func slipStopsTheRoverAndRaisesTheSlipAlarm() throws {
        let m = try mission("rover-slip", east: 5, north: 0)
        m.run()
        expectStopped(m, .slipOverLimit)
        let stop = try stopEvent(m)  // slip against the 0.4 limit
        #expect(stop.reason == .slipOverLimit && stop.value > 0.4 && stop.limit == 0.4, "\(stop)")
        #expect(try mode(m) == "STANDBY")
        try expectFired(m, "rover-slip", monitors: ["slipStop"], responses: ["slipAlarm"])
    }

    /// 6 A on wheel 2 from 2 m: MOTOR_OVER_CURRENT on wheel 2, overCurrentStop → overCurrentAlarm.
    @Test func overCurrentStopsTheRoverAndRaisesTheAlarm() throws {
        let m = try mission("rover-over-current")
        m.run()
        expectStopped(m, .motorOverCurrent, wheel: 2)
        let stop = try stopEvent(m)  // wheel 2's current against the 1.5 A limit
        #expect(stop.reason == .motorOverCurrent && stop.wheel == 2 && stop.value > 1.5 && stop.limit == 1.5, "\(stop)")
        #expect(try mode(m) == "STANDBY")
        try expectFired(m, "rover-over-current", monitors: ["overCurrentStop"], responses: ["overCurrentAlarm"])
    }

    /// Wheel 4 seized from 2 m: WHEEL_STALLED on wheel 4, wheelStallStop → stallAlarm.
    @Test func aStalledWheelStopsTheRoverAndRaisesTheAlarm() throws {
        let m = try mission("rover-wheel-stall")
        m.run()
        expectStopped(m, .wheelStalled, wheel: 4)
        let stop = try stopEvent(m)  // wheel 4's current; a stall has no current limit
        #expect(stop.reason == .wheelStalled && stop.wheel == 4 && stop.value.isFinite && stop.limit.isNaN, "\(stop)")
        #expect(try mode(m) == "STANDBY")
        try expectFired(m, "rover-wheel-stall", monitors: ["wheelStallStop"], responses: ["stallAlarm"])
    }

    /// The wheel currents read 2 A low from 2 m (unloaded wheels): GROUND_CONTACT_LOST,
    /// groundContactStop → groundContactAlarm.
    @Test func unloadedWheelsStopTheRoverAndRaiseTheAlarm() throws {
        let m = try mission("rover-ground-contact")
        m.run()
        expectStopped(m, .groundContactLost)
        let stop = try stopEvent(m)  // the wheel's current under the unloaded threshold (no-load 0.15 A + 0.025 A)
        #expect(stop.reason == .groundContactLost && stop.value < stop.limit && abs(stop.limit - 0.175) < 1e-9, "\(stop)")
        #expect(try mode(m) == "STANDBY")
        try expectFired(m, "rover-ground-contact", monitors: ["groundContactStop"], responses: ["groundContactAlarm"])
    }

    /// Loss of ground contact: the ground falls silent after the GOTO (no heartbeat; the drive's
    /// timeout 30 s here). COMM_LOSS at 35 s; commLoss (latching) → commLossSafing: SAFE. In
    /// SAFE the rover stays stopped: drive commands are locked out (the heartbeat is not);
    /// after ARM and EXIT_SAFE the ground can drive again.
    @Test func commLossStopsTheRoverAndSafesIt() throws {
        let m = try mission(nil) { o in
            o.commLossTimeout = 30
            o.heartbeatInterval = 10
            o.groundSilentFrom = 0
        }
        m.run()
        expectStopped(m, .commLoss)
        let stop = try #require(m.outcome.stops.first)
        #expect(abs(stop.time - (m.options.startAt + 30)) < 0.5, "COMM_LOSS at \(stop.time) s")
        let event = try stopEvent(m)  // the time without contact against the 30 s timeout
        #expect(event.reason == .commLoss && event.value > 30 && event.value < 30.5 && event.limit == 30, "\(event)")
        #expect(try mode(m) == "SAFE")
        #expect(try faults(m).faults.state(of: "commLoss") == .latched)
        try expectFired(m, "comm loss (ground silent)", monitors: ["commLoss"], responses: ["commLossSafing"])

        // Back in contact: the rover will not move in SAFE.
        #expect(m.command("drive.DRIVE_HEARTBEAT") == .ok)
        #expect(m.command("drive.DRIVE_GOTO_WAYPOINT", [.value(.f64(0)), .value(.f64(6)), .value(.f64(300))]) == .validationError)
        #expect(m.command("drive.DRIVE_ARC", [.value(.f64(0)), .value(.f64(1)), .value(.f64(60))]) == .validationError)
        #expect(m.command("drive.DRIVE_TURN", [.value(.f64(90)), .value(.f64(60))]) == .validationError)
        #expect(emissions(m, "faultMgr.CommandLockedOut") == 3)
        m.runFor(seconds: 5)
        #expect(!m.flight.drive.controller.isMoving)
        // The ground looks, and lets it go.
        let exitSafe = try #require(m.flight.topology.opcode("mode.EXIT_SAFE"))
        #expect(m.command("cmdDisp.ARM", [.value(.u32(exitSafe.rawValue))]) == .ok)
        let standby = try #require(try faults(m).modes.index(of: "STANDBY"))
        #expect(m.command("mode.EXIT_SAFE", [.value(.enumeration(Int32(standby)))]) == .ok)
        #expect(try mode(m) == "STANDBY")
        #expect(m.command("drive.DRIVE_ARC", [.value(.f64(0)), .value(.f64(1)), .value(.f64(60))]) == .ok)
        m.runFor(seconds: 1)
        #expect(try mode(m) == "DRIVING")
    }

    /// A drive command outlives its timeout (an ARC of 6 m with 10 s): COMMAND_TIMEOUT,
    /// commandTimeoutStop → commandTimeoutNotice.
    @Test func aCommandTimeoutStopsTheRoverWithANotice() throws {
        let m = try mission(nil) { $0.drive = .none }
        m.runFor(seconds: 5)
        #expect(m.command("drive.DRIVE_ARC", [.value(.f64(0)), .value(.f64(6)), .value(.f64(10))]) == .ok)
        m.runFor(seconds: 20)
        expectStopped(m, .commandTimeout)
        let stop = try stopEvent(m)  // no measured value; the command's 10 s timeout
        #expect(stop.reason == .commandTimeout && stop.value.isNaN && stop.limit == 10, "\(stop)")
        #expect(try mode(m) == "STANDBY")
        try expectFired(m, "command timeout", monitors: ["commandTimeoutStop"], responses: ["commandTimeoutNotice"])
    }

    // MARK: Devices

    /// The rover IMU's link lost from 2 m: SENSORS_INVALID; roverImuUnhealthy → roverImuAlarm,
    /// sensorsLostStop → sensorsLostAlarm.
    @Test func roverImuLinkLossStopsTheRover() throws {
        let m = try mission("rover-imu-link-lost")
        m.run()
        expectStopped(m, .sensorsInvalid)
        let stop = try stopEvent(m)  // no measured value; the 1 s sensor timeout
        #expect(stop.reason == .sensorsInvalid && stop.value.isNaN && stop.limit == 1, "\(stop)")
        #expect(try mode(m) == "STANDBY")
        try expectFired(
            m, "rover-imu-link-lost", monitors: ["roverImuUnhealthy", "sensorsLostStop"], responses: ["roverImuAlarm", "sensorsLostAlarm"])
    }

    /// The wheels' link lost from 2 m: SENSORS_INVALID; wheelsUnhealthy → wheelsAlarm,
    /// sensorsLostStop → sensorsLostAlarm.
    @Test func wheelsLinkLossStopsTheRover() throws {
        let m = try mission("rover-wheels-link-lost")
        m.run()
        expectStopped(m, .sensorsInvalid)
        #expect(try mode(m) == "STANDBY")
        try expectFired(
            m, "rover-wheels-link-lost", monitors: ["wheelsUnhealthy", "sensorsLostStop"], responses: ["wheelsAlarm", "sensorsLostAlarm"])
    }

    /// The hazard sensor's link lost from 2 m: hazardUnhealthy → hazardAlarm at once and, the
    /// sensor still silent 1 s later, hazardBlindStop (drive.DRIVE_STOP): a COMMANDED stop.
    @Test func hazardSensorLossStopsTheDriveFromTheTable() throws {
        let m = try mission("rover-hazard-sensor-lost")
        m.run()
        expectStopped(m, .commanded)
        #expect(try mode(m) == "STANDBY")
        #expect(try faults(m).faults.counts(of: "hazardBlindStop")?.fired == 1)
        try expectFired(m, "rover-hazard-sensor-lost", monitors: ["hazardUnhealthy"], responses: ["hazardAlarm", "hazardBlindStop"])
    }

    /// The power unit's link lost from 2 m: not a stop; powerUnhealthy → powerAlarm, and the
    /// drive arrives.
    @Test func powerLinkLossWarnsAndTheDriveGoesOn() throws {
        let m = try mission("rover-power-link-lost")
        m.run()
        #expect(m.outcome.finalState == .idle && m.outcome.completed == 1, "stops \(m.outcome.stops.map(\.reason))")
        #expect(try mode(m) == "STANDBY")
        try expectFired(m, "rover-power-link-lost", monitors: ["powerUnhealthy"], responses: ["powerAlarm"])
    }
}
