import Glibc
import Simulator
import Testing

/// Leg contact on the terrain: four feet, and what touchdown records.
@Suite struct TerrainContactTests {
    /// A level lander dropped at rest over a 10 deg slope (downhill to the east): the uphill
    /// foot (foot 2, at body -x) lands first; dropped so that foot falls 4 m, it lands at
    /// 3.60 m/s (ACCEPTANCE.md); the recorded slope is 10 deg, tilt and rate 0.
    @Test func dropOntoASlope() throws {
        let v = LanderVehicle.changE
        let terrain = Terrain(.slope(degrees: 10, azimuth: 90), frame: .flat)
        let uphillFootGround = tanDeg(10) * v.footprintRadius
        let start = LanderState(
            position: Vector3(0, 0, uphillFootGround + v.legHeight + 4), velocity: .zero, mass: v.initialMass)
        var sim = LanderSimulation(
            vehicle: v, gravity: .flatMoon, state: start, dt: 0.001,
            attitude: ThrustAttitude(thrustAxis: .unitZ, limits: .lander), terrain: terrain)
        sim.run(.off, maxSteps: 10_000)
        let contact = try #require(sim.touchdown)
        #expect(contact.firstFoot == 2)
        #expect(abs(contact.verticalSpeed - 3.60) < 0.005)
        #expect(abs(contact.verticalSpeed - (2 * Moon.surfaceGravity * 4).squareRoot()) < 1e-6)
        #expect(abs(contact.slopeDegrees - 10) < 1e-6)
        #expect(contact.tilt < 1e-12 && contact.angularRate == 0)
        #expect(abs(sim.footHeight) < 1e-6)
    }

    /// A lander tilted 4 deg and turning at 1 deg/s over flat ground: touchdown records both.
    @Test func tiltAndRateAtTouchdown() throws {
        let v = LanderVehicle.changE
        let terrain = Terrain(.flat(), frame: .flat)
        let axis = Vector3(sinDeg(4), 0, cosDeg(4))
        let start = LanderState(position: Vector3(0, 0, v.legHeight + 2.5), velocity: Vector3(0, 0, -1), mass: v.initialMass)
        var sim = LanderSimulation(
            vehicle: v, gravity: .flatMoon, state: start, dt: 0.001,
            attitude: ThrustAttitude(
                attitude: Quaternion(rotating: .unitZ, onto: axis),
                bodyRate: Vector3(0, 1 * .pi / 180, 0), limits: SlewLimits(maxRateDegrees: 10, maxAccelerationDegrees: 1e-9)),
            terrain: terrain)
        // Hold the command on the current axis: the (nearly) unlimited rate keeps turning.
        sim.run(EngineCommand(engineOn: false, thrust: 0, direction: axis), maxSteps: 10_000)
        let contact = try #require(sim.touchdown)
        #expect(abs(contact.angularRateDegrees - 1) < 1e-6)
        // The tilt grew by 1 deg/s over the fall time.
        let fall = contact.time
        #expect(abs(contact.tiltDegrees - (4 + fall)) < 0.01)
        #expect(contact.slope == 0)
        #expect(contact.firstFoot == 0)  // tilted towards +x: foot 0 hangs lowest
    }

    /// Over a rock, one foot lands on it first.
    @Test func footOnARock() throws {
        let v = LanderVehicle.changE
        let rock = Rock(x: v.footprintRadius, y: 0, diameter: 1.2, height: 0.5)
        let terrain = Terrain(.flat(features: [.rock(rock)]), frame: .flat)
        let start = LanderState(position: Vector3(0, 0, v.legHeight + 3), velocity: .zero, mass: v.initialMass)
        var sim = LanderSimulation(vehicle: v, gravity: .flatMoon, state: start, dt: 0.001,
                                   attitude: ThrustAttitude(thrustAxis: .unitZ, limits: .lander), terrain: terrain)
        sim.run(.off, maxSteps: 10_000)
        let contact = try #require(sim.touchdown)
        #expect(contact.firstFoot == 0)
        #expect(abs(contact.verticalSpeed - (2 * Moon.surfaceGravity * 2.5).squareRoot()) < 1e-6)
        #expect(contact.slopeDegrees > 5)  // the footprint plane tips over the rock
    }

    /// On the spherical Moon at a landing site with the default seeded terrain (small grid),
    /// contact happens on the terrain, not the mean sphere.
    @Test func contactOnSeededTerrainAtASite() throws {
        let site = LandingSite.changE3
        var p = TerrainParameters(seed: 3)
        p.gridSize = 128
        p.features = [.flatZone(FlatZone(x: 0, y: 0, radius: 15))]
        let terrain = Terrain(p, frame: .sphere(site))
        let v = LanderVehicle.changE
        let ground = terrain.height(x: 0, y: 0)
        let start = LanderState(position: site.position(of: MapPoint(x: 0, y: 0, altitude: ground + v.legHeight + 2)), velocity: .zero, mass: v.initialMass)
        var sim = LanderSimulation(vehicle: v, gravity: .moon, state: start, dt: 0.001,
                                   attitude: ThrustAttitude(thrustAxis: site.up, limits: .lander), terrain: terrain)
        sim.run(.off, maxSteps: 10_000)
        let contact = try #require(sim.touchdown)
        #expect(abs(contact.verticalSpeed - 2.55) < 0.005)
        #expect(contact.slopeDegrees < 1e-3)
        #expect(abs(ground) > 1)  // the mean sphere is somewhere else
    }
}

extension TerrainContactTests {
    /// Skipping terrain queries while the contact margin lasts never misses a contact:
    /// gliding down onto the seeded grid (craters, rocks) from 40 m at several speeds and
    /// headings, the touchdown always finds the first foot on the surface (to 1e-6 m), not
    /// below it.
    @Test(arguments: [(0.0, 2.0), (8.0, 3.0), (15.0, 4.0), (30.0, 8.0)])
    func noContactIsMissed(_ glide: (horizontal: Double, descent: Double)) throws {
        var p = TerrainParameters(seed: 77)
        p.gridSize = 256
        p.gridEdgeTaper = 16
        let terrain = Terrain(p, frame: .flat)
        let v = LanderVehicle.changE
        for k in 0..<6 {
            let heading = Double(k) * 1.1
            let x = Double(k) * 17 - 40, y = 30 - Double(k) * 11
            let ground = terrain.height(x: x, y: y)
            let start = LanderState(
                position: Vector3(x, y, ground + 40),
                velocity: Vector3(glide.horizontal * sin(heading), glide.horizontal * cos(heading), -glide.descent),
                mass: v.initialMass)
            var sim = LanderSimulation(
                vehicle: v, gravity: .flat(g: 0), state: start, dt: 0.001,
                attitude: ThrustAttitude(thrustAxis: .unitZ, limits: .lander), terrain: terrain)
            // No gravity, engine off: a straight glide at constant velocity.
            sim.run(.off, maxSteps: 200_000)
            let contact = try #require(sim.touchdown)
            let feet = sim.footPositions()
            let lowest = min(terrain.clearance(of: feet.0), terrain.clearance(of: feet.1),
                             terrain.clearance(of: feet.2), terrain.clearance(of: feet.3))
            #expect(abs(lowest) < 1e-6)
            #expect(contact.firstFoot != nil)
        }
    }
}
