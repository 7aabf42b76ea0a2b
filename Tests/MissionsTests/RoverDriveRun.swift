import Missions
import Simulator

/// Closed loop: the rover's flight drive logic (``DriveController``, with its navigation)
/// driving the simulator's `RoverWorld`. Each 100 ms cycle the controller reads the world's
/// sensor models' latest samples (encoders, motor currents, IMU/inclinometer, hazard
/// ranges, visual odometry) and its wheel demands become the world's command for the next
/// ten 10 ms physics steps. Truth is logged once a second.
struct RoverDriveRun {
    var world: RoverWorld
    var controller: DriveController
    /// Time the ground was last heard; the test stops updating it to simulate comm loss.
    var groundHeard = 0.0
    var groundSilentFrom: Double?
    var path: [(t: Double, x: Double, y: Double)] = []
    var fastestTrueSpeed = 0.0
    var fastestDemand = 0.0
    var everBlocked = false
    /// Least true distance from the rover's centre to `watchZone` (when set).
    var watchZone: KeepOutZone?
    var closestToZone = Double.infinity

    static func configuration() -> DriveController.Configuration {
        let v = RoverVehicle.yutu2
        var c = DriveController.Configuration(geometry: .yutu2)
        c.mass = v.mass
        c.rollingResistance = v.rollingResistance
        c.torquePerAmp = v.torquePerAmp
        c.noLoadCurrent = v.idleCurrent
        c.gravity = Moon.surfaceGravity
        return c
    }

    init(terrain: Terrain = Terrain(.flat(), frame: .flat), x: Double = 0, y: Double = 0, heading: Double = 0, seed: UInt64 = 1,
         configure: (inout DriveController.Configuration) -> Void = { _ in }) {
        world = RoverWorld(.init(terrain: terrain, start: RoverState(x: x, y: y, heading: heading), seed: seed))
        var c = Self.configuration()
        configure(&c)
        controller = DriveController(east: x, north: y, heading: heading, configuration: c)
        // Let the sensors produce their first samples (and the gyro calibrate) standing still.
        run(seconds: 5)
    }

    var time: Double { world.time }

    func inputs() -> DriveController.Inputs {
        let e = world.encoders.latest, m = world.motorCurrents.latest, a = world.imu.latest, h = world.hazardRange.latest
        let vo = world.visualOdometry.latest
        var ticks = WheelSet<Int>(repeating: 0), currents = WheelSet<Double>(repeating: 0)
        for i in 0..<6 {
            ticks[i] = e.values[i]
            currents[i] = m.values[i]
        }
        func range(_ b: BeamMeasurement) -> Double? { b.valid ? b.range : nil }
        return DriveController.Inputs(
            time: world.time,
            encoders: .init(sequence: e.sequence, valid: e.valid, value: ticks),
            motors: .init(sequence: m.sequence, valid: m.valid, value: .init(currents: currents)),
            attitude: .init(sequence: a.sequence, valid: a.valid, value: .init(roll: a.roll, pitch: a.pitch, headingRate: a.headingRate)),
            hazard: .init(sequence: h.sequence, valid: h.sequence > 0, value: HazardRanges(left: range(h.left), centre: range(h.centre), right: range(h.right))),
            visualOdometry: .init(sequence: vo.sequence, valid: vo.valid, value: SIMD2(vo.forward, vo.left)),
            lastGroundContact: groundHeard)
    }

    /// One 100 ms cycle.
    mutating func cycle() {
        if groundSilentFrom.map({ world.time < $0 }) ?? true { groundHeard = world.time }
        let d = controller.update(inputs())
        fastestDemand = max(fastestDemand, abs(d.left), abs(d.right))
        world.command = RoverDriveCommand(left: d.left, right: d.right)
        for _ in 0..<10 {
            world.step()
            fastestTrueSpeed = max(fastestTrueSpeed, abs(world.state.speed))
            everBlocked = everBlocked || world.state.blocked
        }
        if let z = watchZone { closestToZone = min(closestToZone, z.distance(to: SIMD2(world.state.x, world.state.y))) }
        if world.stepCount % 100 == 0 { path.append((world.time, world.state.x, world.state.y)) }
    }

    mutating func run(seconds: Double) {
        let end = world.time + seconds
        while world.time < end - 1e-9 { cycle() }
    }

    /// Runs until the command is over (idle or stopped) or `limit` seconds pass.
    mutating func runCommand(limit: Double, during: (inout RoverDriveRun) -> Void = { _ in }) {
        let end = world.time + limit
        while world.time < end {
            during(&self)
            cycle()
            if !controller.isMoving { return }
        }
    }

    mutating func start(_ command: DriveCommand, timeout: Double = 10_000) throws {
        try controller.start(command, at: world.time, timeout: timeout)
    }

    var truePosition: SIMD2<Double> { SIMD2(world.state.x, world.state.y) }
    var trueTilt: Double { acos(cos(world.state.roll) * cos(world.state.pitch)) }
}

#if canImport(Glibc)
    import Glibc
#endif
