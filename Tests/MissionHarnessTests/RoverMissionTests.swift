import FlightCore
import Foundation
import MissionHarness
import Missions
import Sequencing
import Simulator
import Testing

/// The rover's flight software against the simulator, through the in-process device links
/// (wheels and hazard sensor on a simulated CAN bus, rover IMU and power on byte links), in
/// lockstep, driven by the on-board sequencer running `Sequences/rover-drive.rseq` or, for
/// the fault tests, by ground commands on a shorter route.
@Suite("Rover drive in lockstep through the device links")
struct RoverMissionTests {
    static let topSpeed = 200.0 / 3_600

    /// ACCEPTANCE.md (Rover): the 50 m route around the keep-out zones, flown by the sequence,
    /// reaches the goal, never enters a zone, never exceeds 200 m/h; the sequence completes.
    @Test func sequencedDriveReachesTheGoalAroundTheKeepOutZones() throws {
        let m = try RoverMission()
        m.run()
        let o = m.outcome
        #expect(o.finalState == .idle, "stops \(o.stops.map { "\($0.reason) at \($0.time) s" })")
        #expect(o.completed == 1)
        #expect(o.stops.isEmpty)
        // The drive believes it arrived (within its 0.2 m tolerance); the truth is within 2 m
        // (4 % of the distance): wheel odometry and the gyro only, no visual odometry on
        // the device links, drift on the site's slopes.
        let believed = m.flight.drive.controller.position
        #expect(((believed - RoverMission.routeGoal) * (believed - RoverMission.routeGoal)).sum().squareRoot() < 0.25)
        #expect(o.distanceToGoal < 2.0, "ended \(o.distanceToGoal) m from the goal")
        #expect(o.keepOutViolations == 0)
        #expect(o.closestToKeepOut > 0.5, "came \(o.closestToKeepOut) m from a keep-out zone")
        #expect(o.maxSpeed <= Self.topSpeed, "max \(o.maxSpeed * 3_600) m/h")
        #expect(o.maxSpeed > 0.04)
        #expect(o.distanceDriven > 50)
        #expect(m.flight.drive.controller.planner.waypointCount >= 2)  // round the circle, not through it
        #expect(m.sequenceCompleted, "sequencer: completed \(m.flight.sequencer.completed), failed \(m.flight.sequencer.failed)")
        #expect(m.commandResponses.allSatisfy { $0.response == .ok })
        #expect(m.commandResponses.first?.name == "seq.SEQ_RUN")
        #expect(m.commandResponses.dropFirst().allSatisfy { $0.name == "drive.DRIVE_HEARTBEAT" })
        // The sequence set the zones, drove, and cleared them at the end.
        #expect(m.flight.drive.controller.keepOut.count == 0)
        #expect(m.flight.sequencer.commandsSent == 5)
        #expect(Self.emissions(m, "drive.DriveCompleted") == 1)
        #expect(Self.emissions(m, "drive.DriveStopped") == 0)
        #expect(Self.emissions(m, "seq.SequenceAbortBlockStarted") == 0)
        #expect(m.flight.drive.controller.steps >= 50)  // step-and-stop: a stop at least every metre
        // The log: once a second, from parked to arrived.
        #expect(m.log.count > 1_000)
        #expect(m.log.contains { $0.state == .driving })
        #expect(m.log.allSatisfy { $0.speed <= Self.topSpeed })
        print("rover route: \(m.rig.time) s simulated, \(o.distanceDriven) m driven, \(o.distanceToGoal) m from goal, closest to keep-out \(o.closestToKeepOut) m, max \(o.maxSpeed * 3_600) m/h")
    }

    /// A short drive (6 m north, no zones) with one fault, commanded from the ground.
    static func shortDrive(_ faults: [ScheduledFault], east: Double = 0, north: Double = 6,
                           configure: (inout RoverMission.Options) -> Void = { _ in }) throws -> RoverMission {
        var options = RoverMission.Options()
        options.drive = .direct(east: east, north: north, keepOut: [])
        options.maxTime = 400
        options.scenario = Scenario(name: "single-fault", vehicle: .rover, faults: faults)
        configure(&options)
        let m = try RoverMission(options: options)
        m.run()
        return m
    }

    static func afterTwoMetres(_ fault: InjectedFault, for duration: Double? = nil) -> ScheduledFault {
        ScheduledFault(trigger: .when(Condition(.distance, .greater, 2)), fault: fault, duration: duration)
    }

    /// Each injected fault stops the drive with its reason (DriveStopped's, and the
    /// telemetry's), the wheels stopped, short of the goal.
    static func expectStopped(_ m: RoverMission, _ reason: StopReason, wheel: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let o = m.outcome
        #expect(o.finalState == .stopped, "state \(o.finalState)", sourceLocation: sourceLocation)
        #expect(o.stops.first?.reason == reason, "stops \(o.stops.map { "\($0.reason) wheel \($0.wheel) at \($0.time) s" })", sourceLocation: sourceLocation)
        if let wheel { #expect(o.stops.first?.wheel == wheel, sourceLocation: sourceLocation) }
        #expect(o.completed == 0, sourceLocation: sourceLocation)
        #expect(o.distanceToGoal > 0.5, sourceLocation: sourceLocation)
        #expect(m.rig.world.state.speed == 0 || abs(m.rig.world.state.speed) < 1e-3, sourceLocation: sourceLocation)
        #expect(o.maxSpeed <= topSpeed, sourceLocation: sourceLocation)
        #expect(m.log.last?.stopReason == reason, sourceLocation: sourceLocation)
        print("rover \(reason): stopped at \(o.stops.first?.time ?? -1) s after \(o.distanceDriven) m, run \(m.rig.time) s")
    }

    /// Motor over-current on wheel 2 (6 A, over the 1.25 x stall-current flag) stops the drive
    /// with MOTOR_OVER_CURRENT, wheel 2.
    @Test func overCurrentStopsTheDrive() throws {
        let m = try Self.shortDrive([Self.afterTwoMetres(.motorOverCurrent(wheel: 2, amperes: 6))])
        Self.expectStopped(m, .motorOverCurrent, wheel: 2)
        #expect((1.9...3).contains(m.outcome.distanceDriven), "stopped after \(m.outcome.distanceDriven) m")
    }

    /// Wheel 4 seized: WHEEL_STALLED, wheel 4.
    @Test func stalledWheelStopsTheDrive() throws {
        let m = try Self.shortDrive([Self.afterTwoMetres(.wheelStall(wheel: 4))])
        Self.expectStopped(m, .wheelStalled, wheel: 4)
    }

    /// Slip (judged from the gyro in a turn in place: no visual odometry on the device
    /// links): a slip patch where the rover turns to head east stops it with SLIP_OVER_LIMIT.
    @Test func slipStopsTheDrive() throws {
        let m = try Self.shortDrive(
            [ScheduledFault(trigger: .at(seconds: 0), fault: .slipPatch(east: 0, north: 0, radius: 3, slip: 0.8))], east: 5, north: 0)
        Self.expectStopped(m, .slipOverLimit)
        // The control: the same turn without the patch is not stopped.
        let control = try Self.shortDrive([], east: 5, north: 0) { $0.maxTime = 15 }
        #expect(control.outcome.stops.isEmpty && control.flight.drive.controller.isMoving)
    }

    /// The wheels' link cut (the CAN node silent both ways): no valid wheel status, the drive
    /// stops with SENSORS_INVALID within seconds.
    @Test func wheelLinkLossStopsTheDrive() throws {
        let m = try Self.shortDrive([Self.afterTwoMetres(.linkLoss(.wheels))])
        Self.expectStopped(m, .sensorsInvalid)
        #expect(m.outcome.distanceDriven < 3)
    }

    /// The ground falls silent (no heartbeat after the GOTO): COMM_LOSS once the drive's
    /// timeout (30 s here) passes.
    @Test func groundSilenceStopsTheDriveWithCommLoss() throws {
        let m = try Self.shortDrive([]) { o in
            o.commLossTimeout = 30
            o.heartbeatInterval = 10
            o.groundSilentFrom = 0
        }
        Self.expectStopped(m, .commLoss)
        let stop = try #require(m.outcome.stops.first)
        #expect(abs(stop.time - (m.options.startAt + 30)) < 0.5, "COMM_LOSS at \(stop.time) s")
        #expect(Self.emissions(m, "drive.DriveStopped") == 1)
        #expect(!m.commandResponses.contains { $0.name == "drive.DRIVE_HEARTBEAT" })
    }

    /// The same with heartbeats every 10 s: the drive completes (the COMM_LOSS test can fail).
    @Test func heartbeatsKeepTheDriveGoing() throws {
        let m = try Self.shortDrive([]) { o in
            o.commLossTimeout = 30
            o.heartbeatInterval = 10
        }
        #expect(m.outcome.finalState == .idle && m.outcome.completed == 1, "stops \(m.outcome.stops.map(\.reason))")
        #expect(m.commandResponses.filter { $0.name == "drive.DRIVE_HEARTBEAT" }.count >= 10)
    }

    /// Lockstep through the links is deterministic: the same seed, the same path, bit for bit.
    @Test func sameSeedSamePath() throws {
        func path() throws -> [Double] {
            try Self.shortDrive([], north: 3) { $0.maxTime = 60 }.log.flatMap { [$0.east, $0.north, $0.heading] }
        }
        let a = try path(), b = try path()
        #expect(a.count > 150 && a == b)
        #expect(a[a.count - 2] > 1, "moved \(a[a.count - 2]) m north")  // it drove
    }

    /// `Simulator/Scenarios/rover-hazards.yaml` on the sequenced 50 m route: its first fault
    /// on the route (the slip patch lies off it, east of the start) is the over-current on
    /// wheel 2 past 20 m: the drive stops MOTOR_OVER_CURRENT, the sequence fails and its abort
    /// block (rover-safing.rseq) runs.
    @Test func hazardScenarioStopsTheSequencedDrive() throws {
        let path = MissionSequences.repositoryDirectory + "/../Simulator/Scenarios/rover-hazards.yaml"
        var options = RoverMission.Options()
        options.scenario = try Scenario.load(contentsOf: path)
        options.maxTime = 700
        let m = try RoverMission(options: options)
        m.run()
        Self.expectStopped(m, .motorOverCurrent, wheel: 2)
        #expect((20...21.5).contains(m.outcome.distanceDriven), "stopped after \(m.outcome.distanceDriven) m")
        #expect(m.outcome.keepOutViolations == 0)
        #expect(m.flight.sequencer.failed == 1)
        #expect(m.flight.sequencer.completed == 0)
        #expect(!m.flight.sequencer.isBusy)
        #expect(Self.emissions(m, "seq.SequenceAbortBlockStarted") == 1)
        #expect(Self.emissions(m, "drive.DriveStopped") == 1)  // the safing's STOP did not stop it again
        print("rover-hazards: stopped \(m.outcome.stops.map { "\($0.reason) wheel \($0.wheel) at \($0.time) s" }) after \(m.outcome.distanceDriven) m")
    }

    static func emissions(_ m: RoverMission, _ name: String) -> UInt64? {
        let events = m.flight.topology.events
        return events.infos.first { $0.qualifiedName == name }.flatMap { events.emissions(of: $0.id) }
    }
}
