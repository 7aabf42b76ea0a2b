import FlightCore
import Glibc
import Simulator
import Testing

/// The lander's sensor models: the error model, each sensor's truth, and each fault hook.
@Suite struct LanderSensorTests {
    /// Standard normal draws: mean 0, standard deviation 1 (100,000 draws: the standard
    /// error of the mean is 0.003, of the deviation 0.0022; tolerances are 5 of those).
    @Test func gaussianDraws() {
        var r = SeededRandom(seed: 99)
        var sum = 0.0, sumSquares = 0.0
        let n = 100_000
        for _ in 0..<n {
            let g = r.gaussian()
            sum += g
            sumSquares += g * g
        }
        let mean = sum / Double(n)
        let sd = (sumSquares / Double(n) - mean * mean).squareRoot()
        #expect(abs(mean) < 0.015)
        #expect(abs(sd - 1) < 0.011)
    }

    static let perfectIMU = IMUModel.Configuration(rate: 100, accelerometer: .perfect, gyro: .perfect)
    static let perfectAltimeter: AltimeterModel.Configuration = {
        var c = AltimeterModel.Configuration.lander
        c.range = .perfect
        c.rangeNoiseFraction = 0
        c.velocity = .perfect
        return c
    }()

    /// A level lander 100 m above flat ground, descending at 2 m/s, engine at 6 kN.
    static func hovering(
        imu: IMUModel.Configuration = perfectIMU, altimeter: AltimeterModel.Configuration = perfectAltimeter,
        terrain: Terrain = Terrain(.flat(), frame: .flat), seed: UInt64 = 1
    ) -> LanderWorld {
        let v = LanderVehicle.changE
        let start = LanderState(position: Vector3(0, 0, 100), velocity: Vector3(0, 0, -2), mass: v.initialMass, thrust: 6_000)
        var world = LanderWorld(.init(vehicle: v, terrain: terrain, start: start, seed: seed, imu: imu, altimeter: altimeter))
        world.command = EngineCommand(engineOn: true, thrust: 6_000, direction: .unitZ)
        return world
    }

    @Test func imuReadsThrustOverMassInBodyAxes() {
        var world = Self.hovering()
        world.step(10)
        let s = world.imu.latest
        #expect(s.sequence == 1 && s.valid && abs(s.time - 0.01) < 1e-15)
        #expect(abs(s.specificForce.z - 6_000 / world.state.mass) < 1e-12)
        #expect(abs(s.specificForce.x) < 1e-12 && abs(s.specificForce.y) < 1e-12)
        #expect(s.bodyRate == .zero)
        world.step(10)
        #expect(world.imu.latest.sequence == 2)
    }

    /// With noise: quantised to the LSB, and the spread of 2,000 samples is the white noise.
    @Test func imuNoiseAndQuantisation() {
        var world = Self.hovering(imu: .lander)
        var values: [Double] = []
        for _ in 0..<2_000 {
            world.step(10)
            values.append(world.imu.latest.bodyRate.x)
            let f = world.imu.latest.specificForce.z
            #expect(abs((f / 1e-4).rounded() * 1e-4 - f) < 1e-12)
        }
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(abs(sd - 2e-4) / 2e-4 < 0.1)
    }

    @Test func imuFaults() {
        var world = Self.hovering()
        world.imu.faults.accelerometerBiasStep = Vector3(0.5, 0, 0)
        world.step(10)
        #expect(abs(world.imu.latest.specificForce.x - 0.5) < 1e-12)
        world.imu.faults = IMUFaults(stuck: true)
        let frozen = world.imu.latest
        world.command.thrust = 7_500
        world.step(500)
        #expect(world.imu.latest.specificForce == frozen.specificForce && world.imu.latest.sequence == frozen.sequence + 50)
        world.imu.faults = IMUFaults(dropout: true)
        world.step(10)
        #expect(!world.imu.latest.valid && world.imu.latest.specificForce == .zero)
        world.imu.faults = .none
        world.step(10)
        #expect(world.imu.latest.valid && world.imu.latest.specificForce.z > 7_300 / world.state.mass)
    }

    /// Ranges along the beams: 100 m straight down, 100 / cos(20 deg) on the canted beams;
    /// velocities 2 m/s and 2 cos(20 deg) closing.
    @Test func altimeterBeamsOnFlatGround() {
        var world = Self.hovering()
        world.step(50)
        let s = world.altimeter.latest
        #expect(s.sequence == 1 && s.beamCount == 4)
        let h = world.state.position.z
        let vz = -world.state.velocity.z
        #expect(s[0].valid && abs(s[0].range - h) < 0.001)
        #expect(abs(s[0].velocity - vz) < 1e-9)
        for i in 1...3 {
            #expect(s[i].valid && abs(s[i].range - h / cosDeg(20)) < 0.001)
            #expect(abs(s[i].velocity - vz * cosDeg(20)) < 1e-9)
        }
    }

    /// No return beyond the maximum range or at grazing incidence.
    @Test func altimeterDropouts() {
        var c = Self.perfectAltimeter
        c.maxRange = 104
        var world = Self.hovering(altimeter: c)
        world.step(50)
        #expect(world.altimeter.latest[0].valid)
        #expect(!world.altimeter.latest[1].valid && !world.altimeter.latest[2].valid && !world.altimeter.latest[3].valid)
        // Thrust axis tilted 55 deg towards -x: the body's underside looks towards +x, and
        // beam 1 (canted 20 deg towards body +x) meets the ground at 75 deg incidence; the
        // nadir beam at 55 deg, beams 2 and 3 at 47 deg.
        let v = LanderVehicle.changE
        let axis = Vector3(-sinDeg(55), 0, cosDeg(55))
        var tilted = LanderWorld(.init(
            vehicle: v, terrain: Terrain(.flat(), frame: .flat),
            start: LanderState(position: Vector3(0, 0, 100), velocity: .zero, mass: v.initialMass),
            attitude: ThrustAttitude(thrustAxis: axis, limits: .lander), seed: 1, altimeter: Self.perfectAltimeter))
        tilted.command = EngineCommand(engineOn: false, thrust: 0, direction: axis)
        tilted.step(50)
        let s = tilted.altimeter.latest
        #expect(s[0].valid)
        #expect(!s[1].valid)
        #expect(s[2].valid && s[3].valid)
    }

    @Test func altimeterFaults() {
        var world = Self.hovering()
        world.altimeter.faults.rangeStep = 3_000
        world.altimeter.faults.failedBeams = .index(2)
        world.step(50)
        let s = world.altimeter.latest
        #expect(abs(s[0].range - world.state.position.z - 3_000) < 0.001)
        #expect(!s[2].valid && s[3].valid)
        world.altimeter.faults = AltimeterFaults(stuck: true)
        world.step(500)
        #expect(world.altimeter.latest[0].range == s[0].range)
        world.altimeter.faults = AltimeterFaults(dropout: true)
        world.step(50)
        #expect(!world.altimeter.latest[0].valid && !world.altimeter.latest[1].valid)
    }

    /// Over a crater rim on the approach, the nadir beam's range steps by the rim's height
    /// with no fault: the natural Hakuto-R-like step.
    @Test func altimeterSeesTheRim() {
        let crater = Crater(x: 300, y: 0, diameter: 200, depth: 40, rimHeight: 10)
        var world = Self.hovering(terrain: Terrain(.flat(features: [.crater(crater)]), frame: .flat))
        world.step(50)
        #expect(abs(world.altimeter.latest[0].range - world.state.position.z) < 0.001)
        // Over the rim crest (x = 200): the same altitude, 10 m less range.
        let v = LanderVehicle.changE
        var over = LanderWorld(.init(
            vehicle: v, terrain: Terrain(.flat(features: [.crater(crater)]), frame: .flat),
            start: LanderState(position: Vector3(200, 0, 100), velocity: .zero, mass: v.initialMass),
            seed: 1, imu: Self.perfectIMU, altimeter: Self.perfectAltimeter))
        over.step(50)
        #expect(abs(over.altimeter.latest[0].range - (over.state.position.z - 10)) < 0.001)
    }

    @Test func legSwitches() throws {
        let v = LanderVehicle.changE
        var world = LanderWorld(.init(
            vehicle: v, terrain: Terrain(.flat(), frame: .flat),
            start: LanderState(position: Vector3(0, 0, v.legHeight + 1), velocity: .zero, mass: v.initialMass),
            seed: 1))
        world.step(10)
        #expect(world.legSwitches.latest.valid && world.legSwitches.latest.closed == [])
        world.legSwitches.faults.falselyClosed = .index(3)
        world.step(10)
        #expect(world.legSwitches.latest.closed == .index(3))
        world.legSwitches.faults = .none
        while world.touchdown == nil { world.step() }
        world.step(10)
        #expect(world.legSwitches.latest.closed.rawValue == 0b1111)
        world.legSwitches.faults = LegSwitchFaults(stuckLegs: .index(1))
        world.step(10)
        #expect(world.legSwitches.latest.isClosed(1))
        world.legSwitches.faults = LegSwitchFaults(dropout: true)
        world.step(10)
        #expect(!world.legSwitches.latest.valid && world.legSwitches.latest.closed == [])
        // Time goes on after touchdown.
        let t = world.time
        world.step(100)
        #expect(abs(world.time - t - 0.1) < 1e-12)
        #expect(world.imu.latest.valid && abs(world.imu.latest.specificForce.z - Moon.surfaceGravity) < 0.05)
    }

    /// Engine faults act on the actual thrust; telemetry reports thrust, pressure and valve.
    @Test func engineFaultsAndTelemetry() {
        var world = Self.hovering()
        world.step(2_000)
        #expect(abs(world.state.thrust - 6_000) < 1e-6)
        let tm = world.engineTelemetry.latest
        #expect(tm.valid && tm.valveOpen)
        #expect(abs(tm.thrust - world.state.thrust) < 100)
        #expect(abs(tm.chamberPressure - 1e6 * world.state.thrust / 7_500) < 20_000)

        world.engineFaults.dispersion = 1.1
        world.step(2_000)
        #expect(abs(world.state.thrust - 6_600) < 0.1)  // 10 time constants: 600 e^-10 to go
        world.command.thrust = 7_500  // the dispersion applies after the throttle limit
        world.step(3_000)
        #expect(abs(world.state.thrust - 8_250) < 1e-2)

        world.engineFaults = EngineFaults(thrustLoss: 0.5)
        world.step(3_000)
        #expect(abs(world.state.thrust - 3_750) < 1e-2)

        world.engineFaults = EngineFaults(failed: true)
        world.step(4_000)
        #expect(world.state.thrust < 1)
        world.step(100)
        #expect(!world.engineTelemetry.latest.valveOpen)
        #expect(abs(world.engineTelemetry.latest.thrust) < 100)
    }

    @Test func power() {
        var world = Self.hovering()
        world.step(1_000)
        let p = world.power.latest
        #expect(p.valid && p.sequence == 1)
        let c = PowerModel.Configuration.lander
        let current = c.baseCurrent + c.engineCurrent
        let soc = c.initialStateOfCharge - current * 1 / (c.capacity * 3_600)
        #expect(abs(world.power.stateOfCharge - soc) < 1e-12)
        #expect(abs(p.current - current) < 0.3)
        #expect(abs(p.busVoltage - (c.emptyVoltage + (c.fullVoltage - c.emptyVoltage) * soc - c.internalResistance * current)) < 0.3)
        world.power.faults.biasStep = 10
        world.step(1_000)
        #expect(world.power.latest.current > current + 9)
    }
}

extension LanderSensorTests {
    /// The pair draws: both branches standard normal and uncorrelated (100,000 pairs).
    @Test func gaussianPairs() {
        var r = SeededRandom(seed: 7)
        var s = (0.0, 0.0), ss = (0.0, 0.0), cross = 0.0
        let n = 100_000
        for _ in 0..<n {
            let (a, b) = r.gaussianPair()
            s.0 += a; s.1 += b
            ss.0 += a * a; ss.1 += b * b
            cross += a * b
        }
        let nd = Double(n)
        #expect(abs(s.0 / nd) < 0.015 && abs(s.1 / nd) < 0.015)
        #expect(abs((ss.0 / nd).squareRoot() - 1) < 0.011 && abs((ss.1 / nd).squareRoot() - 1) < 0.011)
        #expect(abs(cross / nd) < 0.015)
    }
}
