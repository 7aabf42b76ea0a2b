import Glibc
import Simulator
import Testing

/// The engine: first-order lag (Luminary 099 THROTLAG, tau = 0.2 s), throttle limits,
/// propellant exhaustion.
@Suite struct EngineTests {
    /// Published: first-order lag with tau = 0.2 s. After a step command the actual
    /// thrust is T(1 - e^(-t/tau)); at tau, 2 tau, 3 tau within 0.1 %.
    @Test(arguments: [LanderVehicle.changE, .apolloLM])
    func lagStepResponse(_ vehicle: LanderVehicle) {
        #expect(vehicle.engineTimeConstant == 0.2)
        let start = LanderState(position: Vector3(0, 0, 10_000), velocity: .zero, mass: vehicle.initialMass)
        var sim = LanderSimulation(vehicle: vehicle, gravity: .flatMoon, state: start, dt: 0.001)
        let full = EngineCommand(engineOn: true, thrust: vehicle.maxThrust, direction: .unitZ)
        for k in 1...3 {
            sim.run(full, maxSteps: 200)  // 0.2 s = tau
            let expected = vehicle.maxThrust * (1 - exp(-Double(k)))
            #expect(sim.stepCount == 200 * k)
            #expect(abs(sim.state.thrust - expected) / expected < 0.001)
        }
        // And back down: engine off decays with the same time constant.
        let atCutoff = sim.state.thrust
        sim.run(.off, maxSteps: 200)
        #expect(abs(sim.state.thrust - atCutoff * exp(-1)) / (atCutoff * exp(-1)) < 0.001)
    }

    /// The lag is part of the ODE: the motion follows the lagged thrust inside each step.
    /// With no gravity and (almost) no mass flow, a step command Tc from rest gives
    /// v(t) = (Tc/m)(t - tau(1 - e^(-t/tau))) and x(t) = (Tc/m)(t^2/2 - tau t + tau^2(1 - e^(-t/tau))).
    /// A thrust frozen over each 1 ms step would miss these by more than 1e-4 relative.
    @Test func motionFollowsTheLaggedThrust() {
        var v = LanderVehicle.changE
        v.exhaustVelocity = 1e12  // mass flow about 7.5e-9 kg/s: mass constant to 1e-12
        let m = v.initialMass, tau = v.engineTimeConstant, a = 7_500 / m
        let start = LanderState(position: Vector3(0, 0, 100), velocity: .zero, mass: m)
        var sim = LanderSimulation(vehicle: v, gravity: .flat(g: 0), state: start, dt: 0.001)
        let full = EngineCommand(engineOn: true, thrust: 7_500, direction: .unitZ)
        for _ in 1...5 {
            sim.run(full, maxSteps: 200)
            let t = sim.time, decay = 1 - exp(-t / tau)
            let speed = a * (t - tau * decay)
            let rise = a * (t * t / 2 - tau * t + tau * tau * decay)
            #expect(abs(sim.state.velocity.z - speed) / speed < 1e-9)
            #expect(abs(sim.state.position.z - 100 - rise) / rise < 1e-8)
        }
    }

    @Test func throttleLimits() {
        let c = LanderVehicle.changE
        #expect(c.limitedThrust(commanded: 100, engineOn: true) == 1_500)
        #expect(c.limitedThrust(commanded: 4_000, engineOn: true) == 4_000)
        #expect(c.limitedThrust(commanded: 9_000, engineOn: true) == 7_500)
        #expect(c.limitedThrust(commanded: 4_000, engineOn: false) == 0)
        #expect(c.limitedThrust(commanded: .nan, engineOn: true) == 0)
        let lm = LanderVehicle.apolloLM
        #expect(lm.limitedThrust(commanded: 1_000, engineOn: true) == 4_370)  // 10 %
        #expect(lm.limitedThrust(commanded: 20_000, engineOn: true) == 20_000)
        #expect(lm.limitedThrust(commanded: 30_000, engineOn: true) == 43_700)  // above 60 %: full
    }

    /// With the propellant gone the engine gives nothing: mass stops at dry, thrust at 0.
    @Test func propellantExhaustion() {
        var v = LanderVehicle.changE
        v.propellantMass = 10  // 7,500 N burns 2.42 kg/s: empty after about 4.1 s
        v.engineTimeConstant = 0
        let start = LanderState(position: Vector3(0, 0, 10_000), velocity: .zero, mass: v.initialMass)
        var sim = LanderSimulation(vehicle: v, gravity: .flatMoon, state: start, dt: 0.001)
        let full = EngineCommand(engineOn: true, thrust: 7_500, direction: .unitZ)
        sim.run(full, maxSteps: 5_000)
        #expect(sim.state.mass == v.dryMass)
        #expect(sim.state.thrust == 0)
        let speed = sim.state.velocity.z
        sim.run(full, maxSteps: 1_000)  // one more second: free fall, thrust still 0
        #expect(sim.state.thrust == 0)
        #expect(abs(sim.state.velocity.z - (speed - Moon.surfaceGravity)) < 1e-9)
    }
}
