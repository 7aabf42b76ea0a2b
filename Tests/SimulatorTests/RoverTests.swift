import Glibc
import Simulator
import Testing

/// The rover: top speed (ACCEPTANCE.md), slip, tilt, motor current, obstacles and faults.
@Suite struct RoverTests {
    static func world(
        _ terrain: Terrain = Terrain(.flat(), frame: .flat), heading: Double = 0, seed: UInt64 = 1
    ) -> RoverWorld {
        RoverWorld(.init(terrain: terrain, start: RoverState(x: 0, y: 0, heading: heading), seed: seed))
    }

    /// Published: top speed <= 200 m/h (0.056 m/s, Yutu-2). Commanded far faster, the rover
    /// never exceeds it; on the level it runs at 200 m/h less the level slip (2 %).
    @Test func neverExceedsTwoHundredMetresPerHour() {
        #expect(abs(RoverVehicle.yutuTopSpeed - 0.0556) < 0.0001)
        var w = Self.world()
        w.command = RoverDriveCommand(left: 5, right: 5)
        var fastest = 0.0
        for _ in 0..<6_000 {  // 60 s
            w.step()
            fastest = max(fastest, abs(w.state.speed))
        }
        #expect(fastest * 3_600 <= 200)
        #expect(w.state.odometer <= 200.0 / 60 + 1e-9)  // one minute at most 200 m/h
        #expect(abs(fastest - RoverVehicle.yutuTopSpeed * 0.98) < 1e-12)
        #expect(abs(w.state.y - RoverVehicle.yutuTopSpeed * 0.98 * 60) < 1e-9)  // due north
        // Backwards too, and a NaN command stops.
        w.command = RoverDriveCommand(left: -9, right: -9)
        w.step()
        #expect(abs(w.state.speed) <= RoverVehicle.yutuTopSpeed)
        w.command = RoverDriveCommand(left: .nan, right: .nan)
        w.step()
        #expect(w.state.speed == 0)
    }

    /// Slip grows with the uphill slope: 2 % level, 2 % + 98 % (15/30)^3 = 14.25 % on a
    /// 15 deg climb, nothing extra downhill; a slip patch adds its own.
    @Test func slopeDependentSlipAndSlipPatch() {
        let hill = Terrain(.slope(degrees: 15, azimuth: 180), frame: .flat)  // downhill to the south
        var up = Self.world(hill, heading: 0)
        up.command = RoverDriveCommand(left: 1, right: 1)
        up.step(100)
        #expect(abs(up.state.slip - 0.1425) < 1e-3)
        #expect(abs(up.state.speed - RoverVehicle.yutuTopSpeed * (1 - up.state.slip)) < 1e-12)
        var down = Self.world(hill, heading: .pi)
        down.command = RoverDriveCommand(left: 1, right: 1)
        down.step(100)
        #expect(abs(down.state.slip - 0.02) < 1e-12)

        var patch = Self.world()
        patch.faults.slipPatch = SlipPatch(x: 0, y: 1, radius: 0.5, extraSlip: 0.5)
        patch.command = RoverDriveCommand(left: 1, right: 1)
        patch.step(100)
        #expect(abs(patch.state.slip - 0.02) < 1e-12)
        while patch.state.y < 0.6 { patch.step() }
        #expect(abs(patch.state.slip - 0.52) < 1e-12)
    }

    /// Tilt from the terrain under the wheels: facing up a 10 deg slope, pitch 10 deg nose
    /// up; facing across it (slope falling to the right), roll 10 deg right side down.
    @Test func tiltFromTheTerrain() {
        let hill = Terrain(.slope(degrees: 10, azimuth: 180), frame: .flat)
        let up = Self.world(hill, heading: 0)
        #expect(abs(up.state.pitch - 10 * .pi / 180) < 1e-6 && abs(up.state.roll) < 1e-9)
        let across = Self.world(hill, heading: .pi / 2)  // facing east: south (downhill) on the right
        #expect(abs(across.state.roll - 10 * .pi / 180) < 1e-6 && abs(across.state.pitch) < 1e-9)
        // A rock under the left front wheel (x = -0.5, y = 0.6 when facing north) lifts the
        // left side and the front: roll right side down, nose up. The plane fit gives
        // roll atan(0.1 * 0.5 / (6 * 0.25)) and pitch atan(0.1 * 0.6 / (4 * 0.36)).
        let rock = Rock(x: -0.5, y: 0.6, diameter: 0.6, height: 0.1)
        let bumpy = Self.world(Terrain(.flat(features: [.rock(rock)]), frame: .flat))
        #expect(abs(bumpy.state.roll - atan(0.05 / 1.5)) < 1e-9)
        #expect(abs(bumpy.state.pitch - atan(0.06 / 1.44)) < 1e-9)
    }

    /// Motor current from load: idle + (weight (Crr cos + sin) / 6) r / k per wheel.
    @Test func motorCurrentFromLoad() {
        let v = RoverVehicle.yutu2
        func expected(_ slope: Double) -> Double {
            let weight = v.mass * Moon.surfaceGravity
            let a = slope * .pi / 180
            return v.idleCurrent + weight * (v.rollingResistance * cos(a) + sin(a)) / 6 * v.wheelRadius / v.torquePerAmp
        }
        var level = Self.world()
        level.command = RoverDriveCommand(left: 0.05, right: 0.05)
        level.step(10)
        #expect(abs(level.state.motorCurrent(0) - expected(0)) < 1e-9)
        var climb = Self.world(Terrain(.slope(degrees: 15, azimuth: 180), frame: .flat))
        climb.command = RoverDriveCommand(left: 0.05, right: 0.05)
        climb.step(10)
        #expect(abs(climb.state.motorCurrent(4) - expected(15)) < 1e-6)
        #expect(climb.state.motorCurrent(4) > level.state.motorCurrent(4) * 2)
        var turn = Self.world()
        turn.command = RoverDriveCommand(left: 1, right: -1)  // clamped: the top turn rate
        turn.step(10)
        // Turning in place at the top rate adds the turning resistance (0.3 of the weight).
        let weight = v.mass * Moon.surfaceGravity
        #expect(abs(turn.state.motorCurrent(0) - expected(0) - weight * v.turningResistance / 6 * v.wheelRadius / v.torquePerAmp) < 1e-9)
        #expect(turn.state.headingRate > 0)  // left forward, right back: clockwise
        // Sensors: the motor-current samples carry the truth within their noise.
        #expect(abs(level.motorCurrents.latest.values[2] - expected(0)) < 0.06)
    }

    /// A rock too high to climb, 2 m ahead in the left wheels' track: the hazard sensor's
    /// left beam sees it short of the level ground's range; the rover stops at it, the
    /// wheels stall (encoders stop, stall current); backing away works.
    @Test func rockBlocksProgress() {
        let rock = Rock(x: -0.5, y: 2, diameter: 1, height: 0.5)
        var w = Self.world(Terrain(.flat(features: [.rock(rock)]), frame: .flat))
        var flat = Self.world()
        w.step(20)
        flat.step(20)
        let c = HazardRangeModel.Configuration.rover
        let mastHeight = RoverVehicle.yutu2.wheelRadius + RoverVehicle.yutu2.bodyHeight + c.mount.z
        let levelRange = (mastHeight * mastHeight + (c.lookAhead - c.mount.x) * (c.lookAhead - c.mount.x)).squareRoot()
        #expect(abs(flat.hazardRange.latest.centre.range - levelRange) < 0.05)
        #expect(abs(flat.hazardRange.latest.left.range - levelRange) < 0.05)
        #expect(w.hazardRange.latest.left.valid && w.hazardRange.latest.left.range < levelRange - 0.3)

        w.command = RoverDriveCommand(left: 0.05, right: 0.05)
        var stoppedAt: Double?
        for _ in 0..<6_000 {
            w.step()
            if w.state.blocked { stoppedAt = w.state.y; break }
        }
        let y = stoppedAt ?? .infinity
        #expect(y < 2 - 0.5 - 0.6 + 0.01)  // front wheels (0.6 m ahead) at the rock's foot
        let ticks = w.simulation.encoderTicks(0)
        w.step(100)
        #expect(w.state.blocked && w.state.y == y)
        #expect(w.simulation.encoderTicks(0) == ticks)
        #expect(w.state.motorCurrent(0) == RoverVehicle.yutu2.stallCurrent)
        #expect(w.motorCurrents.latest.values[3] > 1.9)
        w.command = RoverDriveCommand(left: -0.05, right: -0.05)
        w.step(100)
        #expect(!w.state.blocked && w.state.y < y)
    }

    /// A low rock (0.15 m, under the 0.2 m climbing limit) is driven over.
    @Test func lowRockIsClimbed() {
        let rock = Rock(x: 0.5, y: 1, diameter: 0.6, height: 0.15)  // in the right wheels' track
        var w = Self.world(Terrain(.flat(features: [.rock(rock)]), frame: .flat))
        w.command = RoverDriveCommand(left: 0.05, right: 0.05)
        var everBlocked = false
        var steepest = 0.0
        while w.state.y < 3 {
            w.step()
            everBlocked = everBlocked || w.state.blocked
            steepest = max(steepest, abs(w.state.pitch))
        }
        #expect(!everBlocked)
        #expect(steepest > 0.05)  // the rover pitched over it
    }

    @Test func wheelFaults() {
        var w = Self.world()
        w.faults.stalledWheel = 1
        w.faults.overCurrentWheels = .index(4)
        w.faults.overCurrent = 1.5
        w.command = RoverDriveCommand(left: 0.05, right: 0.05)
        w.step(1_000)
        #expect(w.simulation.encoderTicks(1) == 0)
        #expect(w.simulation.encoderTicks(0) > 0)
        #expect(w.state.motorCurrent(1) == RoverVehicle.yutu2.stallCurrent)
        #expect(abs(w.state.motorCurrent(4) - w.state.motorCurrent(3) - 1.5) < 1e-12)
        // The left side drags: the rover veers left (heading decreases).
        #expect(w.state.heading < -0.01)
        // Encoder and IMU sensor faults.
        let frozen = w.encoders.latest.values
        w.encoders.faults.stuck = true
        w.step(100)
        #expect(w.encoders.latest.values == frozen)
        w.imu.faults.dropout = true
        w.step(10)
        #expect(!w.imu.latest.valid)
    }

    /// Encoder ticks follow the wheel angle: 0.05 m/s for 10 s on a 0.15 m wheel is
    /// 0.5 / (2 pi 0.15) revolutions of 2,048 ticks = 1,086 ticks.
    @Test func encoderTicks() {
        var w = Self.world()
        w.command = RoverDriveCommand(left: 0.05, right: 0.05)
        w.step(1_000)
        let expected = Int((0.5 / (2 * .pi * 0.15) * 2_048).rounded(.down))
        #expect(w.encoders.latest.values[0] == expected || w.encoders.latest.values[0] == expected - 1)
        #expect(w.encoders.latest.sequence == 100)
    }

    /// Visual odometry stand-in: fixes add up to the true path (1 % noise); during a dropout
    /// fixes are invalid and the next valid one covers the whole interval.
    @Test func visualOdometrySeesTheTrueMotion() {
        var w = Self.world()
        w.faults.slipPatch = SlipPatch(x: 0, y: 0, radius: 100, extraSlip: 0.3)  // wheels turn faster than the rover moves
        w.command = RoverDriveCommand(left: 0.05, right: 0.05)
        w.step(100)
        var sum = 0.0
        let y0 = w.state.y
        for _ in 0..<10 {
            w.step(100)
            #expect(w.visualOdometry.latest.valid)
            sum += w.visualOdometry.latest.forward
        }
        #expect(abs(sum - (w.state.y - y0)) < 0.02 * (w.state.y - y0))
        #expect(abs(w.state.y - y0 - 0.05 * 0.68 * 10) < 1e-6)  // 32 % slip
        w.visualOdometry.faults.dropout = true
        w.step(300)
        #expect(!w.visualOdometry.latest.valid)
        let y1 = w.state.y
        w.visualOdometry.faults.dropout = false
        w.step(100)
        let gap = w.state.y - (y1 - 0.05 * 0.68 * 3)
        #expect(abs(w.visualOdometry.latest.forward - gap) < 0.02 * gap + 0.005)
    }

    /// Loss of ground contact: all six wheels lifted (high-centred) spin at idle current and
    /// the rover stays put; one lifted wheel leaves the rover driving on the others.
    @Test func unloadedWheels() {
        var w = Self.world()
        w.faults.unloadedWheels = IndexMask(rawValue: 0b11_1111)
        w.command = RoverDriveCommand(left: 0.05, right: 0.05)
        w.step(100)
        #expect(w.state.y == 0 && w.state.speed == 0)
        #expect(w.simulation.encoderTicks(0) > 0)
        #expect(w.state.motorCurrent(3) == RoverVehicle.yutu2.idleCurrent)
        w.faults.unloadedWheels = .index(1)
        w.step(100)
        #expect(w.state.y > 0.04)
        #expect(w.state.motorCurrent(1) == RoverVehicle.yutu2.idleCurrent && w.state.motorCurrent(0) > RoverVehicle.yutu2.idleCurrent)
    }
}
