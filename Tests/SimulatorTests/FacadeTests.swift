import Simulator
import Testing

/// The facades as docs/simulator.md shows them: the example runs, sensors sample at their
/// rates, and a large explicit crater on the approach shows in the altimeter.
@Suite struct FacadeTests {
    @Test func documentedExample() throws {
        var p = TerrainParameters(seed: 2013)
        p.gridSize = 256
        p.features = [.crater(Crater(x: 0, y: -40_000, diameter: 20_000, depth: 2_500, rimHeight: 600)),
                      .flatZone(FlatZone(x: 0, y: 0, radius: 30))]
        let site = LandingSite.changE3
        let terrain = Terrain(p, frame: .sphere(site))
        let r0 = site.position(of: MapPoint(x: 0, y: -630_000, altitude: 15_000))
        var world = LanderWorld(.init(
            vehicle: .changE, terrain: terrain,
            start: LanderState(position: r0, velocity: 1_640 * site.localFrame(at: r0).north, mass: 3_800),
            seed: 7))
        world.command = EngineCommand(engineOn: true, thrust: 7_500, direction: -world.state.velocity)
        world.altimeter.faults.rangeStep = 3_000
        world.step(1_000)
        #expect(world.imu.latest.sequence == 100)
        #expect(world.altimeter.latest.sequence == 20)
        #expect(world.legSwitches.latest.sequence == 100)
        #expect(world.engineTelemetry.latest.sequence == 10)
        #expect(world.power.latest.sequence == 1)
        #expect(world.touchdown == nil)
        let nadir = world.altimeter.latest[0]
        let truth = try #require(world.altimeter.trueRanges.0)
        #expect(nadir.valid && abs(nadir.range - truth - 3_000) < 50)  // noise: 0.1 m + 0.1 %
        // The thrust axis is slewing from local up towards retrograde, within 10 deg/s.
        #expect(world.attitude.bodyRate.length <= SlewLimits.lander.maxRate * (1 + 1e-12))

        var rover = RoverWorld(.init(terrain: terrain, start: RoverState(x: 5, y: 0, heading: 0), seed: 7))
        rover.command = RoverDriveCommand(left: 0.05, right: 0.05)
        rover.faults.stalledWheel = 2
        rover.step(100)
        #expect(rover.encoders.latest.sequence == 10)
        #expect(rover.encoders.latest.values[0] > 0 && rover.encoders.latest.values[2] == 0)
    }

    /// At 5 km over the rim of a 20 km crater (rim 600 m, floor 1,900 m below the
    /// surroundings), the nadir range changes by hundreds of metres within 1 km of flight,
    /// with no fault set (the Hakuto-R situation).
    @Test func largeCraterRimOnTheApproach() throws {
        let crater = Crater(x: 0, y: -40_000, diameter: 20_000, depth: 2_500, rimHeight: 600)
        let terrain = Terrain(.flat(features: [.crater(crater)]), frame: .flat)
        // Three points 500 m apart across the rim crest (y = -30 km): the inner wall falls
        // 244 m, the ejecta apron outside 93 m (600 ((10/10.5)^3 - 1/8) / (7/8) = 507 m).
        let v = LanderVehicle.changE
        func nadir(atY y: Double) throws -> Double {
            var w = LanderWorld(.init(
                vehicle: v, terrain: terrain,
                start: LanderState(position: Vector3(0, y, 5_000), velocity: .zero, mass: v.initialMass),
                seed: 1))
            w.step(50)
            return try #require(w.altimeter.trueRanges.0)
        }
        let inside = try nadir(atY: -30_500)  // inner wall, 500 m inside the crest
        let crest = try nadir(atY: -30_000)
        let outside = try nadir(atY: -29_500)
        #expect(abs(crest - (5_000 - 600)) < 0.01)
        #expect(inside - crest > 200)  // the inner wall drops steeply: 2,500 (1 - 0.95^2) = 244 m
        #expect(outside - crest > 50 && outside - crest < 200)
    }
}
