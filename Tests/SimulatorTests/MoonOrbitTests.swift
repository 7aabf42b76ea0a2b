import Simulator
import Testing

/// Known answers for the Moon and a coasting orbit (../shared/reference/ACCEPTANCE.md).
@Suite struct MoonOrbitTests {
    /// Apollo 11's descent orbit: 15.2 km x 111 km above the mean radius.
    static let perilune = Moon.meanRadius + 15_200
    static let apolune = Moon.meanRadius + 111_000
    static let semiMajorAxis = (perilune + apolune) / 2

    /// Published: mu/R^2 = 1.624 m/s^2, within 0.01 of 1.62.
    @Test func surfaceGravity() {
        let g = Moon.gm / (Moon.meanRadius * Moon.meanRadius)
        #expect(abs(g - 1.62) < 0.01)
        #expect(abs(g - 1.624) < 0.0005)  // to the published three decimals
        #expect(Moon.surfaceGravity == g)
    }

    /// Published: 1,694.7 m/s at perilune by vis-viva (the DSKY read 1,694.6 at PDI).
    @Test func periluneSpeedByVisViva() {
        let v = Moon.visVivaSpeed(radius: Self.perilune, semiMajorAxis: Self.semiMajorAxis)
        #expect(abs(v - 1_694.7) < 0.05)  // to the published one decimal
        #expect(abs(v - 1_694.6) < 0.1)  // the Apollo 11 DSKY reading
    }

    static func coastingOrbit(fromApolune: Bool, dt: Double) -> LanderSimulation {
        let r: Double = fromApolune ? apolune : perilune
        let v = Moon.visVivaSpeed(radius: r, semiMajorAxis: semiMajorAxis)
        let start = LanderState(
            position: Vector3(r, 0, 0), velocity: Vector3(0, v, 0), mass: LanderVehicle.apolloLM.initialMass)
        return LanderSimulation(vehicle: .apolloLM, gravity: .moon, state: start, dt: dt)
    }

    static func period() -> Double {
        let a = semiMajorAxis
        return 2 * Double.pi * (a * a * a / Moon.gm).squareRoot()
    }

    /// Our integrated orbit, started at apolune, reaches perilune at the vis-viva speed
    /// (within 0.1 m/s).
    @Test func integratedPeriluneSpeed() {
        var sim = Self.coastingOrbit(fromApolune: true, dt: 0.1)
        var fastest = 0.0
        let steps = Int((0.6 * Self.period() / sim.dt).rounded())
        for _ in 0..<steps {
            sim.step(.off)
            fastest = max(fastest, sim.state.velocity.length)
        }
        let visViva = Moon.visVivaSpeed(radius: Self.perilune, semiMajorAxis: Self.semiMajorAxis)
        #expect(abs(fastest - visViva) < 0.1)
        #expect(abs(fastest - 1_694.7) < 0.1)
        #expect(sim.touchdown == nil)
    }

    /// Published: one orbit (~6,856 s) thrust off, RK4 with dt <= 1 s: energy and angular
    /// momentum drift < 1e-10 relative. We use dt = 1 s, the coarsest allowed.
    @Test func coastConservesEnergyAndAngularMomentum() {
        let period = Self.period()
        #expect(abs(period - 6_856) < 1)
        var sim = Self.coastingOrbit(fromApolune: false, dt: 1)
        func energy(_ s: LanderState) -> Double {
            s.velocity.lengthSquared / 2 - Moon.gm / s.position.length
        }
        func angularMomentum(_ s: LanderState) -> Double { s.position.cross(s.velocity).length }
        let e0 = energy(sim.state)
        let h0 = angularMomentum(sim.state)
        let m0 = sim.state.mass
        sim.run(.off, maxSteps: Int(period.rounded(.up)))
        #expect(sim.stepCount == Int(period.rounded(.up)))
        #expect(abs(energy(sim.state) - e0) / abs(e0) < 1e-10)
        #expect(abs(angularMomentum(sim.state) - h0) / h0 < 1e-10)
        #expect(sim.state.mass == m0)  // no thrust, no mass flow
    }
}
