import Simulator
import Testing

/// Leg contact: the feet (1.5 m below the centre of mass) reaching the surface.
@Suite struct LegContactTests {
    /// On the spherical Moon, a drop from 4 m at rest lands at sqrt(2 g h) (g barely
    /// changes over 4 m) with no horizontal speed, wherever on the sphere it happens.
    @Test(arguments: [Vector3(1, 0, 0), Vector3(0, -1, 0), Vector3(1, 2, -3).normalized])
    func dropOnTheSphere(_ up: Vector3) throws {
        let v = LanderVehicle.changE
        let start = LanderState(
            position: (Moon.meanRadius + v.legHeight + 4) * up, velocity: .zero, mass: v.initialMass)
        var sim = LanderSimulation(vehicle: v, gravity: .moon, state: start, dt: 0.001)
        sim.run(.off, maxSteps: 10_000)
        let contact = try #require(sim.touchdown)
        #expect(abs(contact.verticalSpeed - 3.60) < 0.005)
        #expect(abs(contact.verticalSpeed - (2 * Moon.surfaceGravity * 4).squareRoot()) < 1e-4)
        #expect(contact.horizontalSpeed < 1e-6)
        #expect(abs(sim.footHeight) < 1e-6)
    }

    /// Horizontal speed is kept apart from vertical; once landed the simulation stops.
    @Test func horizontalSpeedAndStop() throws {
        let v = LanderVehicle.changE
        let start = LanderState(
            position: Vector3(0, 0, v.legHeight + 2), velocity: Vector3(0.6, -0.8, 0), mass: v.initialMass)
        var sim = LanderSimulation(vehicle: v, gravity: .flatMoon, state: start, dt: 0.01)
        sim.run(.off, maxSteps: 10_000)
        let contact = try #require(sim.touchdown)
        #expect(abs(contact.horizontalSpeed - 1.0) < 1e-12)
        #expect(abs(contact.verticalSpeed - 2.55) < 0.005)
        let landed = sim.state
        let steps = sim.stepCount
        #expect(sim.step(EngineCommand(engineOn: true, thrust: 7_500, direction: .unitZ)) == false)
        #expect(sim.state == landed && sim.stepCount == steps)
    }
}
