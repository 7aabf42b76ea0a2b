import Missions
import Testing

@Suite("Delta-v burns with a tight backstop (the Luna 25 case)")
struct DeltaVBurnTests {
    /// Luna 25's planned 84 s burn.
    static func burn() -> DeltaVBurn { DeltaVBurn(targetDeltaV: 84 * 0.5, plannedDuration: 84) }

    @Test func aBurnWithoutValidAccelerometersIsRefused() {
        #expect(Self.burn().check(imuValid: false) == .cutOffSensorInvalid)
        #expect(Self.burn().check(imuValid: true) == nil)
        #expect(DeltaVBurn(targetDeltaV: .nan, plannedDuration: 10).check(imuValid: true) == .badPlan)
    }

    @Test func aNominalBurnEndsOnDeltaV() {
        var b = Self.burn()
        var ended: DeltaVBurn.Ending?
        var t = 0.0
        while ended == nil, t < 200 {
            ended = b.update(specificForce: 0.5, dt: 0.01)
            t += 0.01
        }
        #expect(ended == .deltaVReached)
        #expect(abs(b.elapsed - 84) < 0.02)
    }

    /// A weak engine (or a measurement reading low) cannot make the burn run 127 s: the
    /// backstop ends it at 84 s + 10 %.
    @Test func theBackstopLimitsAnOverburnToTenPercent() {
        var b = Self.burn()
        var ended: DeltaVBurn.Ending?
        while ended == nil, b.elapsed < 200 { ended = b.update(specificForce: 0.33, dt: 0.01) }
        #expect(ended == .backstop)
        #expect(b.elapsed <= 84 * 1.1 + 0.011)
        #expect(b.elapsed < 127)
    }

    @Test func losingTheIMUMidBurnEndsAtThePlannedTime() {
        var b = Self.burn()
        var ended: DeltaVBurn.Ending?
        var i = 0
        while ended == nil, b.elapsed < 200 {
            ended = b.update(specificForce: i < 3000 ? 0.5 : nil, dt: 0.01)
            i += 1
        }
        #expect(ended == .sensorLostTimedEnd)
        #expect(abs(b.elapsed - 84) < 0.011)
        #expect(b.update(specificForce: 0.5, dt: 0.01) == nil)  // once ended, stays ended
    }
}
