import Simulator
import Testing

/// Known answers on the flat moon (constant g = mu/R^2 along -z, surface at z = 0).
@Suite struct FlatMoonTests {
    /// A vehicle whose feet are at its centre of mass, for "hits the ground" checks.
    static let pointLander: LanderVehicle = {
        var v = LanderVehicle.apolloLM
        v.legHeight = 0
        return v
    }()

    /// Published: from the PDI state (15.2 km, 1,694.7 m/s horizontal, level) with the
    /// thrust off, the flat moon hits the ground at ~137 s. Tolerance 0.5 s: the
    /// published figure is rounded to the second. The exact answer sqrt(2h/g) is met to
    /// 1 ms (we integrate at 100 Hz and find contact by bisection).
    @Test func pdiStateCoastHitsTheGroundAt137Seconds() throws {
        let start = LanderState(
            position: Vector3(0, 0, 15_200), velocity: Vector3(1_694.7, 0, 0),
            mass: Self.pointLander.initialMass)
        var sim = LanderSimulation(vehicle: Self.pointLander, gravity: .flatMoon, state: start, dt: 0.01)
        sim.run(.off, maxSteps: 1_000_000)
        let contact = try #require(sim.touchdown)
        #expect(abs(contact.time - 137) < 0.5)
        #expect(abs(contact.time - (2 * 15_200 / Moon.surfaceGravity).squareRoot()) < 0.001)
        #expect(abs(contact.horizontalSpeed - 1_694.7) < 1e-9)

        // The same state on the real (spherical) Moon is an orbit: nowhere near the
        // ground at 137 s. A flat moon is only valid below a few km.
        let r = Moon.meanRadius + 15_200
        let round = LanderState(
            position: Vector3(r, 0, 0), velocity: Vector3(0, 1_694.7, 0), mass: Self.pointLander.initialMass)
        var sphere = LanderSimulation(vehicle: Self.pointLander, gravity: .moon, state: round, dt: 0.01)
        sphere.run(.off, maxSteps: 13_700)
        #expect(sphere.touchdown == nil)
        #expect(sphere.footHeight > 15_000)
    }

    static func fallFrom(footHeight h: Double) -> Touchdown? {
        let v = LanderVehicle.changE
        let start = LanderState(position: Vector3(0, 0, h + v.legHeight), velocity: .zero, mass: v.initialMass)
        var sim = LanderSimulation(vehicle: v, gravity: .flatMoon, state: start, dt: 0.001)
        sim.run(.off, maxSteps: 100_000)
        return sim.touchdown
    }

    /// Published: free fall from 4 m at rest lands at 3.60 m/s after 2.22 s (Chang'e-3
    /// cut its engine at ~4 m). Tolerance: half the last published digit (0.005).
    @Test func freeFallFromFourMetres() throws {
        let contact = try #require(Self.fallFrom(footHeight: 4))
        #expect(abs(contact.verticalSpeed - 3.60) < 0.005)
        #expect(abs(contact.time - 2.22) < 0.005)
        #expect(contact.horizontalSpeed == 0)
    }

    /// Published: free fall from 2 m at rest lands at 2.55 m/s (Chang'e-4 cut off at ~2 m).
    @Test func freeFallFromTwoMetres() throws {
        let contact = try #require(Self.fallFrom(footHeight: 2))
        #expect(abs(contact.verticalSpeed - 2.55) < 0.005)
    }
}
