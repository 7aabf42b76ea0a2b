import Simulator
import Testing

/// Two runs with identical inputs give bit-identical states.
@Suite struct SimulatorDeterminismTests {
    static func descent(thrustOffset: Double = 0) -> LanderSimulation {
        let r = Moon.meanRadius + 15_200
        let start = LanderState(
            position: Vector3(r, 0, 0), velocity: Vector3(0, 1_694.7, 0), mass: LanderVehicle.apolloLM.initialMass)
        var sim = LanderSimulation(vehicle: .apolloLM, gravity: .moon, state: start, dt: 0.001)
        for i in 0..<20_000 {
            // A command that changes every step: thrust through the throttle range,
            // direction swinging between retrograde and up.
            let f = Double(i % 1_000) / 1_000
            let command = EngineCommand(
                engineOn: i % 7_000 < 6_000, thrust: 4_000 + 40_000 * f + thrustOffset,
                direction: Vector3(0.3 + f, -1, 0.1 * f))
            sim.step(command)
        }
        return sim
    }

    static func bits(_ s: LanderState) -> [UInt64] {
        [s.position.x, s.position.y, s.position.z, s.velocity.x, s.velocity.y, s.velocity.z, s.mass, s.thrust]
            .map(\.bitPattern)
    }

    @Test func identicalInputsGiveIdenticalStates() {
        let a = Self.descent()
        let b = Self.descent()
        #expect(Self.bits(a.state) == Self.bits(b.state))
        #expect(a.stepCount == b.stepCount)
        // The check can fail: a millinewton more thrust changes the bits.
        let c = Self.descent(thrustOffset: 0.001)
        #expect(Self.bits(a.state) != Self.bits(c.state))
        #expect(a.state.mass < LanderVehicle.apolloLM.initialMass)
    }
}
