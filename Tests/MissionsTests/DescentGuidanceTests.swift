import Missions
import Testing

@Suite("Apollo polynomial descent guidance")
struct DescentGuidanceTests {
    /// ACCEPTANCE.md: on a gravity-compensated ideal double integrator the law reaches r_f and
    /// v_f with errors under 1 cm and 1 mm/s. An Apollo-like braking phase: 2.2 km up (x),
    /// 25 km before the target down-range (z), 1.6 km/s along it, to high gate.
    @Test(arguments: [0.1, 0.01])
    func reachesTheTargetOnAnIdealDoubleIntegrator(dt: Double) throws {
        let target = DescentGuidance.Target(
            position: [2200, 0, 0], velocity: [-38, 0, 150], acceleration: [0, 0, -1.2], downRangeJerk: 0.0008)
        let guidance = DescentGuidance(target: target, downRange: [0, 0, 1])
        var r = SIMD3<Double>(12_000, 300, -400_000), v = SIMD3<Double>(0, 0, 1_600)
        var tgo = try #require(guidance.timeToGo(position: r, velocity: v, guess: 500))
        #expect(tgo > 300 && tgo < 700)
        var steps = 0
        while tgo > dt, steps < 1_000_000 {
            let a = guidance.acceleration(position: r, velocity: v, timeToGo: tgo)
            r += v * dt + a * (dt * dt / 2)
            v += a * dt
            tgo = try #require(guidance.timeToGo(position: r, velocity: v, guess: tgo - dt))
            steps += 1
        }
        let a = guidance.acceleration(position: r, velocity: v, timeToGo: tgo)
        r += v * tgo + a * (tgo * tgo / 2)
        v += a * tgo
        let positionError = ((r - target.position) * (r - target.position)).sum().squareRoot()
        let velocityError = ((v - target.velocity) * (v - target.velocity)).sum().squareRoot()
        #expect(positionError < 0.01, "position error \(positionError) m")
        #expect(velocityError < 0.001, "velocity error \(velocityError) m/s")
    }

    @Test func theCommandIsTheStartOfTheQuadraticProfile() {
        // With t_go fixed the analytic solution holds exactly: integrate the commanded
        // acceleration continuously (fine steps) and arrive on target.
        let target = DescentGuidance.Target(position: [100, 0, 0], velocity: [-1, 0, 0], acceleration: [0.2, 0, 0], downRangeJerk: 0)
        let g = DescentGuidance(target: target, downRange: [1, 0, 0])
        #expect(g.acceleration(position: [100, 0, 0], velocity: [-1, 0, 0], timeToGo: 10) == SIMD3(0.2 - 6 * (-2.0) / 10, 0, 0))
        let a = g.thrustAcceleration(position: [0, 0, 0], velocity: [0, 0, 0], timeToGo: 10, gravity: [-1.62, 0, 0])
        #expect(abs(a.x - (0.2 - 6 * (-1.0) / 10 + 12 * 100.0 / 100 + 1.62)) < 1e-12)
    }

    @Test func noRootMeansNoCommandRatherThanNonsense() {
        // Target behind the vehicle and moving away: no positive time to go.
        let target = DescentGuidance.Target(position: [0, 0, -1000], velocity: [0, 0, -10], acceleration: [0, 0, 0], downRangeJerk: 0)
        let g = DescentGuidance(target: target, downRange: [0, 0, 1])
        #expect(g.timeToGo(position: [0, 0, 0], velocity: [0, 0, 100], guess: 10) == nil)
    }
}
