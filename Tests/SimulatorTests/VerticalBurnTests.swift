import Glibc
import Simulator
import Testing

/// Published closed form for a vertical burn at constant thrust and mass flow:
/// h(t) = h0 + v0 t - g t^2/2 + ve [t - (m0/mdot - t) ln(m0/(m0 - mdot t))];
/// the integrator matches to < 1 mm.
///
/// The closed form has no engine lag, so these runs use the vehicle with tau = 0
/// (the actual thrust is the command from the first step).
@Suite struct VerticalBurnTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var vehicle: LanderVehicle
        var thrust: Double
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "Chang'e full thrust", vehicle: .changE, thrust: 7_500),
        Case(name: "Chang'e 6 kN", vehicle: .changE, thrust: 6_000),
        Case(name: "LM full thrust", vehicle: .apolloLM, thrust: 43_700),
    ]

    @Test(arguments: cases)
    func matchesClosedForm(_ c: Case) {
        var vehicle = c.vehicle
        vehicle.engineTimeConstant = 0
        let g = Moon.surfaceGravity
        let (h0, v0, m0) = (2_000.0, -10.0, vehicle.initialMass)
        let ve = vehicle.exhaustVelocity
        let mdot = c.thrust / ve
        let start = LanderState(position: Vector3(0, 0, h0), velocity: Vector3(0, 0, v0), mass: m0)
        var sim = LanderSimulation(vehicle: vehicle, gravity: .flatMoon, state: start, dt: 0.001)
        let up = EngineCommand(engineOn: true, thrust: c.thrust, direction: .unitZ)
        var worstHeight = 0.0
        var worstSpeed = 0.0
        for checkpoint in 1...10 {
            sim.run(up, maxSteps: 10_000)  // 10 s each, 100 s in all
            let t = sim.time
            #expect(sim.stepCount == checkpoint * 10_000)
            let burnt = mdot * t
            let lnRatio = log(m0 / (m0 - burnt))
            let h = h0 + v0 * t - g * t * t / 2 + ve * (t - (m0 / mdot - t) * lnRatio)
            let v = v0 - g * t + ve * lnRatio
            worstHeight = max(worstHeight, abs(sim.state.position.z - h))
            worstSpeed = max(worstSpeed, abs(sim.state.velocity.z - v))
            #expect(abs(sim.state.mass - (m0 - burnt)) < 1e-6)
            #expect(sim.state.thrust == c.thrust)
        }
        #expect(sim.touchdown == nil)
        #expect(worstHeight < 0.001)  // published: < 1 mm
        #expect(worstSpeed < 1e-6)
    }
}
