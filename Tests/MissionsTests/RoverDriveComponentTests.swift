import FlightCore
import Missions
import Simulator
import Testing

/// The RoverDrive component on the rover's topics, in closed loop with RoverWorld: each
/// 100 ms tick the test publishes the world's samples as the device drivers would
/// (WheelStatus, RoverAttitude, Hazard) and drives the world's wheels with the WheelDemand
/// the component published (rad/s).
final class RoverDriveRig {
    let bench: DriverBench
    let drive: RoverDrive
    let topics: RoverTopics
    let demands: Subscription<WheelSpeedDemand>
    var world: RoverWorld
    var lastDemand = WheelSpeedDemand.stop
    var fastestDemand = 0.0

    init(terrain: Terrain = Terrain(.flat(), frame: .flat)) throws {
        world = RoverWorld(.init(terrain: terrain, start: RoverState(x: 0, y: 0, heading: 0), seed: 1))
        var parts: (RoverDrive, RoverTopics, Subscription<WheelSpeedDemand>)?
        bench = try DriverBench(baseRate: 10) { b in
            let topics = try RoverTopics(on: b.bus)
            var c = RoverDriveRun.configuration()
            c.commLossTimeout = 120
            let drive = try RoverDrive(controller: DriveController(east: 0, north: 0, heading: 0, configuration: c), topics: topics)
            let demands = try topics.wheelDemand.subscribe("test", capacity: 4, policy: .keepLatest)
            parts = (drive, topics, demands)
            b.add(drive)
            return RateGroup("rover", drive)
        }
        (drive, topics, demands) = parts!
        bench.beforeStep = { [unowned self] _ in self.physics() }
    }

    /// The world's 100 ms under the last demand, then its samples onto the topics.
    func physics() {
        while let d = demands.receive() { lastDemand = d }
        let r = world.simulation.vehicle.wheelRadius
        let left = lastDemand.enable ? lastDemand.speeds[0] * r : 0, right = lastDemand.enable ? lastDemand.speeds[3] * r : 0
        fastestDemand = max(fastestDemand, abs(left), abs(right))
        world.command = RoverDriveCommand(left: left, right: right)
        world.step(10)
        let e = world.encoders.latest, m = world.motorCurrents.latest, a = world.imu.latest, h = world.hazardRange.latest
        var status = WheelStatusSample()
        status.sequence = UInt32(e.sequence)
        status.valid = e.valid ? WheelStatusSample.allWheels : 0
        status.fresh = status.valid
        for i in 0..<6 {
            status.encoderTicks[i] = Int64(e.values[i])
            status.current[i] = m.values[i]
        }
        topics.wheelStatus.publish(status)
        var att = RoverAttitudeSample()
        att.sequence = UInt32(a.sequence)
        (att.roll, att.pitch, att.headingRate) = (a.roll, a.pitch, a.headingRate)
        att.inclinometerValid = a.valid
        att.gyroValid = a.valid
        topics.attitude.publish(att)
        var hz = HazardSample()
        hz.sequence = UInt32(h.sequence)
        hz.valid = 0b111
        for (b, beam) in [h.left, h.centre, h.right].enumerated() {
            if beam.valid { hz.range[b] = beam.range } else { hz.noReturn |= 1 << UInt8(b) }
        }
        topics.hazard.publish(hz)
    }

    func stateIs(_ s: DriveState) throws -> Bool { try bench.value("drive.State") == .enumeration(Int32(s.rawValue)) }
}

@Suite struct RoverDriveComponentTests {
    /// DRIVE_ARC 2 m straight through the topics: DriveStarted, the wheels turn at no more
    /// than 200 m/h, DriveCompleted near 2 m north; telemetry says IDLE and one completion.
    @Test func arcThroughTheTopics() throws {
        let rig = try RoverDriveRig()
        rig.bench.run(milliseconds: 3_000)
        #expect(try rig.bench.send("drive.DRIVE_ARC", [.value(.f64(0)), .value(.f64(2)), .value(.f64(600))]) == .ok)
        #expect(try rig.bench.events("drive.DriveStarted").count == 1)
        rig.bench.run(milliseconds: 1_000)
        #expect(try rig.stateIs(.driving))
        #expect(rig.bench.run(until: { (try? rig.stateIs(.idle)) ?? false }, milliseconds: 120_000))
        #expect(try rig.bench.events("drive.DriveCompleted").count == 1)
        #expect(abs(rig.world.state.y - 2) < 0.1, "at \(rig.world.state.y) m")
        #expect(try rig.bench.count("drive.Completed") == 1)
        #expect(rig.fastestDemand > 0.04 && rig.fastestDemand <= 200.0 / 3_600)
        #expect(!rig.lastDemand.enable)  // idle: wheels stopped and disabled
    }

    /// Refusals and stops, each with its event: a goal inside a keep-out zone is refused
    /// (EXECUTION_ERROR, CommandRefused GOAL_IN_KEEP_OUT); a motor over-current stops the
    /// drive with DriveStopped(MOTOR_OVER_CURRENT, wheel 4); DRIVE_STOP stops a new drive
    /// with COMMANDED; the ground falling silent stops one with COMM_LOSS.
    @Test func refusalsAndStopsWithTheirEvents() throws {
        let rig = try RoverDriveRig()
        rig.bench.run(milliseconds: 3_000)
        #expect(try rig.bench.send("drive.DRIVE_SET_KEEP_OUT_CIRCLE", [.value(.f64(0)), .value(.f64(10)), .value(.f64(2))]) == .ok)
        #expect(try rig.bench.send("drive.DRIVE_SET_KEEP_OUT_BOX", [.value(.f64(5)), .value(.f64(5)), .value(.f64(8)), .value(.f64(8))]) == .ok)
        #expect(try rig.bench.send("drive.DRIVE_GOTO_WAYPOINT", [.value(.f64(0)), .value(.f64(10)), .value(.f64(600))]) == .executionError)
        let refused = try rig.bench.events("drive.CommandRefused")
        #expect(refused.count == 1 && refused.first?.args.first == .enumeration(RoverDrive.Refusal.goalInKeepOut.rawValue))
        #expect(try rig.bench.send("drive.DRIVE_ARC", [.value(.f64(0)), .value(.f64(500)), .value(.f64(600))]) == .validationError)

        #expect(try rig.bench.send("drive.DRIVE_ARC", [.value(.f64(0)), .value(.f64(5)), .value(.f64(600))]) == .ok)
        rig.bench.run(milliseconds: 5_000)
        rig.world.faults.overCurrentWheels = .index(4)
        rig.world.faults.overCurrent = 1.5
        #expect(rig.bench.run(until: { (try? rig.stateIs(.stopped)) ?? false }, milliseconds: 5_000))
        var stops = try rig.bench.events("drive.DriveStopped")
        #expect(stops.last.map { Array($0.args.prefix(2)) } == [.enumeration(Int32(StopReason.motorOverCurrent.rawValue)), .i32(4)])
        // What tripped it: wheel 4's current, against the over-current limit.
        #expect(stops.last?.args.suffix(2).last == .f64(rig.drive.controller.configuration.overCurrentLimit))
        if case .f64(let current)? = stops.last?.args.dropFirst(2).first { #expect(current.isFinite && current > 0) } else { Issue.record("no current") }
        rig.world.faults = .none

        #expect(try rig.bench.send("drive.DRIVE_TURN", [.value(.f64(90)), .value(.f64(600))]) == .ok)
        rig.bench.run(milliseconds: 2_000)
        #expect(try rig.bench.send("drive.DRIVE_STOP") == .ok)
        rig.bench.run(milliseconds: 200)
        stops = try rig.bench.events("drive.DriveStopped")
        #expect(stops.last.map { Array($0.args.prefix(2)) } == [.enumeration(Int32(StopReason.commanded.rawValue)), .i32(-1)])
        // A commanded stop has no measured value and no limit: NaN for both.
        #expect(stops.last.map { $0.args.suffix(2).allSatisfy { if case .f64(let x) = $0 { x.isNaN } else { false } } } == true)
        #expect(!rig.lastDemand.enable)

        #expect(try rig.bench.send("drive.DRIVE_ARC", [.value(.f64(0)), .value(.f64(-20)), .value(.f64(3_600))]) == .ok)
        rig.bench.run(milliseconds: 500)
        #expect(try rig.stateIs(.driving))
        #expect(rig.bench.run(until: { (try? rig.stateIs(.stopped)) ?? false }, milliseconds: 200_000))
        stops = try rig.bench.events("drive.DriveStopped")
        #expect(stops.last?.args.first == .enumeration(Int32(StopReason.commLoss.rawValue)))
    }
}
