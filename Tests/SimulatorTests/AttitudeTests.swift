import Glibc
import Simulator
import Testing

/// The thrust attitude: a rate- and acceleration-limited slew, and the force following the
/// actual axis rather than the command.
@Suite struct AttitudeTests {
    /// A 90 deg slew with 10 deg/s and 5 deg/s^2 limits is the time-optimal trapezoid:
    /// 2 s accelerating, 7 s at 10 deg/s, 2 s braking: 11 s. The limits hold at every step.
    @Test func ninetyDegreeSlewTakesElevenSeconds() {
        let limits = SlewLimits(maxRateDegrees: 10, maxAccelerationDegrees: 5)
        var a = ThrustAttitude(thrustAxis: .unitX, limits: limits)
        let dt = 0.001
        var previousRate = Vector3.zero
        var arrived: Double?
        var fastest = 0.0
        var hardestPush = 0.0
        for k in 1...15_000 {
            _ = a.advance(toward: .unitZ, dt: dt)
            fastest = max(fastest, a.bodyRate.length)
            hardestPush = max(hardestPush, (a.bodyRate - previousRate).length / dt)
            previousRate = a.bodyRate
            let error = acos(min(1, a.thrustAxis.dot(.unitZ)))
            if arrived == nil, error < 0.01 * .pi / 180 { arrived = Double(k) * dt }
        }
        #expect(fastest <= limits.maxRate * (1 + 1e-12))
        #expect(abs(fastest - limits.maxRate) < 1e-9)
        #expect(hardestPush <= limits.maxAcceleration * (1 + 1e-9))
        // Within 0.01 deg of the target: at 11 - sqrt(2 * 0.01 / 5) = 10.937 s in the ideal
        // profile (the discrete one may not be earlier, and is within a step or two).
        let t = arrived ?? 0
        #expect(t >= 10.937 && t < 10.94)
        // No overshoot: the error only ever shrinks, and is 0 from 11 s on.
        var b = ThrustAttitude(thrustAxis: .unitX, limits: limits)
        var lastError = Double.pi
        for k in 1...11_002 {
            _ = b.advance(toward: .unitZ, dt: dt)
            let error = acos(min(1, b.thrustAxis.dot(.unitZ)))
            #expect(error <= lastError + 1e-12)
            lastError = error
            if k == 11_002 { #expect(error < 1e-7 && b.bodyRate.length < 1e-12) }
        }
        // At rest on the target, no roll about the thrust axis crept in.
        #expect(a.bodyRate.length < 1e-6)
        #expect(acos(min(1, a.thrustAxis.dot(.unitZ))) < 1e-6)
    }

    /// Instantaneous limits: the axis is the command, exactly, and the rates read 0.
    @Test func instantaneousFollowsTheCommand() {
        var a = ThrustAttitude(limits: .instantaneous)
        let target = Vector3(0.3, -0.4, 0.5)
        let axes = a.advance(toward: target, dt: 0.001)
        #expect(a.thrustAxis == target.normalized)
        #expect(axes.start == axes.end && axes.end == target.normalized)
        #expect(a.bodyRate == .zero)
        #expect((a.attitude.zAxis - target.normalized).length < 1e-12)
    }

    /// The force uses the actual axis: starting along +x and commanded to +z with a slow
    /// slew, the first 0.2 s of thrust push along x (the axis turns at most
    /// alpha t^2 / 2 = 0.1 deg); with instantaneous attitude they push along z.
    @Test func forceFollowsTheActualAxis() {
        var v = LanderVehicle.changE
        v.engineTimeConstant = 0
        v.exhaustVelocity = 1e12
        let start = LanderState(position: Vector3(0, 0, 1_000), velocity: .zero, mass: v.initialMass)
        let up = EngineCommand(engineOn: true, thrust: 7_500, direction: .unitZ)
        var slow = LanderSimulation(
            vehicle: v, gravity: .flat(g: 0), state: start, dt: 0.001,
            attitude: ThrustAttitude(thrustAxis: .unitX, limits: .lander))
        slow.run(up, maxSteps: 200)
        let dv = 7_500 / v.initialMass * 0.2
        #expect(abs(slow.state.velocity.x - dv) / dv < 1e-4)
        #expect(slow.state.velocity.z > 0 && slow.state.velocity.z < dv * 0.001)
        #expect(slow.attitude.tilt(from: .unitX) <= 0.1 * .pi / 180 + 1e-12)

        var quick = LanderSimulation(vehicle: v, gravity: .flat(g: 0), state: start, dt: 0.001)
        quick.run(up, maxSteps: 200)
        #expect(abs(quick.state.velocity.z - dv) / dv < 1e-9)
        #expect(quick.state.velocity.x == 0)
    }
}

extension AttitudeTests {
    /// Commanded straight opposite: the slew still goes (about some perpendicular axis) and
    /// takes the time-optimal 180 deg time: 2 s up, 16 s at 10 deg/s, 2 s down = 20 s.
    @Test func oppositeCommand() {
        var a = ThrustAttitude(thrustAxis: .unitZ, limits: .lander)
        for _ in 0..<20_000 { _ = a.advance(toward: -Vector3.unitZ, dt: 0.001) }
        #expect(acos(max(-1, min(1, a.thrustAxis.dot(-Vector3.unitZ)))) < 1e-6)
        #expect(a.bodyRate.length < 1e-9)
    }
}
