import Foundation
import Missions
import Testing

/// A lander descending straight down at constant speed over a spherical Moon, its engine
/// holding the speed, and an ideal IMU and altimeter: the truth the navigation is run against.
struct VerticalDescent {
    static let gm = 4.902_8e12, radius = 1_737_400.0
    var height: Double
    var speed: Double  // down, m/s
    var position: SIMD3<Double> { [Self.radius + height, 0, 0] }
    var velocity: SIMD3<Double> { [-speed, 0, 0] }
    /// Specific force (body = reference frame): the thrust cancels gravity.
    var specificForce: SIMD3<Double> { [Self.gm / ((Self.radius + height) * (Self.radius + height)), 0, 0] }
    static let tilt = 20.0 * Double.pi / 180
    /// Four beams canted 20 degrees from straight down (-x).
    static let beams: [SIMD3<Double>] = [
        [-cos(tilt), sin(tilt), 0], [-cos(tilt), -sin(tilt), 0], [-cos(tilt), 0, sin(tilt)], [-cos(tilt), 0, -sin(tilt)],
    ]
    func ranges(step: Double = 0) -> [Double?] { Self.beams.map { _ in (height + step) / cos(Self.tilt) } }
    func rangeRates() -> [Double?] { Self.beams.map { _ in -speed * cos(Self.tilt) } }
    mutating func advance(_ dt: Double) { height -= speed * dt }
}

@Suite("Lander navigation: strapdown IMU with altimeter outlier rejection that does not latch")
struct LanderNavigationTests {
    static func navigation(for truth: VerticalDescent, heightError: Double = 0) -> LanderNavigation {
        LanderNavigation(
            position: truth.position + SIMD3(heightError, 0, 0), velocity: truth.velocity, attitude: .identity,
            configuration: .init(beams: VerticalDescent.beams))
    }

    /// Runs `seconds` at 100 Hz IMU and 20 Hz altimeter; `step(t)` adds to the measured ranges.
    static func run(
        _ nav: inout LanderNavigation, _ truth: inout VerticalDescent, seconds: Double, from t0: Double = 0,
        step: (Double) -> Double = { _ in 0 }, record: (Double, LanderNavigation.AltitudeVerdict) -> Void = { _, _ in }
    ) {
        let dt = 0.01
        for i in 0..<Int(seconds / dt) {
            nav.propagate(specificForce: truth.specificForce, rate: .zero, dt: dt)
            truth.advance(dt)
            if i % 5 == 4 {
                let t = t0 + Double(i + 1) * dt
                record(t, nav.correctAltitude(ranges: truth.ranges(step: step(t))))
            }
        }
    }

    @Test func anIdealIMUKeepsTheEstimateOnTheTruth() {
        var truth = VerticalDescent(height: 5_000, speed: 50)
        var nav = Self.navigation(for: truth)
        for _ in 0..<6000 {  // 60 s, no altimeter
            nav.propagate(specificForce: truth.specificForce, rate: .zero, dt: 0.01)
            truth.advance(0.01)
        }
        #expect(abs(nav.altitude - truth.height) < 0.05)
        #expect(abs(nav.verticalSpeed + 50) < 0.01)
    }

    @Test func theAltimeterPullsAnOffsetEstimateIn() {
        var truth = VerticalDescent(height: 8_000, speed: 40)
        var nav = Self.navigation(for: truth, heightError: 300)  // inside the gate at 8 km
        Self.run(&nav, &truth, seconds: 10)
        #expect(abs(nav.altitude - truth.height) < 1)
        #expect(nav.altitudeRejected == 0)
    }

    /// A glitch (a rim crossed in 2 s) is rejected, and the sensor is used again at once after.
    @Test func aShortStepIsRejectedAndTheSensorIsUsedAgainAfterIt() {
        var truth = VerticalDescent(height: 5_000, speed: 40)
        var nav = Self.navigation(for: truth)
        var verdicts: [(Double, LanderNavigation.AltitudeVerdict)] = []
        Self.run(&nav, &truth, seconds: 20, step: { (5...7).contains($0) ? 3_000 : 0 }) { verdicts.append(($0, $1)) }
        let during = verdicts.filter { (5.01...7).contains($0.0) }
        #expect(!during.isEmpty)
        #expect(during.allSatisfy { if case .rejected = $0.1 { true } else { false } })
        let after = verdicts.filter { $0.0 > 7.01 }
        #expect(after.allSatisfy { if case .accepted = $0.1 { true } else { false } }, "the sensor must not stay rejected")
        #expect(nav.reacquisitions == 0)
        #expect(abs(nav.altitude - truth.height) < 1)
    }

    /// Hakuto-R: the ground really is 3 km further (a crater floor past the rim). Consistent
    /// measurements are believed after `reacquireAfter` seconds instead of being ignored for
    /// good, which is what ran Hakuto-R out of propellant; and because the disagreement began
    /// between two samples 50 ms apart, what is believed is that the ground fell away, not
    /// that the lander is 3 km higher. Past the crater the ground steps back, and so does
    /// the terrain offset; what is left of it relaxes away.
    @Test func anAbruptLastingStepIsTakenAsTerrainAndTheEstimateStaysOnTheTruth() throws {
        var truth = VerticalDescent(height: 5_000, speed: 40)
        var nav = Self.navigation(for: truth)
        var steps: [(Double, Double)] = []
        var worst = 0.0
        for second in 0..<60 {  // a second at a time, to watch the estimate on the way
            Self.run(&nav, &truth, seconds: 1, from: Double(second), step: { (5..<25).contains($0) ? 3_000 : 0 }) { t, v in
                if case .terrainStep(let step) = v { steps.append((t, step)) }
            }
            worst = max(worst, abs(nav.altitude - truth.height))
        }
        try #require(steps.count == 2, "\(steps)")
        #expect(steps[0].0 >= 8 && steps[0].0 <= 8.5)
        #expect(abs(steps[0].1 + 3_000) < 1, "the ground fell 3 km")
        #expect(steps[1].0 >= 28 && steps[1].0 <= 28.5)
        #expect(abs(steps[1].1 - 3_000) < 25, "and came back (less what the offset relaxed over the crater)")
        #expect(nav.reacquisitions == 0)
        #expect(abs(nav.terrainOffset) < 1)
        // Over the crater the offset relaxes at 1 m/s, and the estimate follows it a little.
        #expect(worst < 25, "the estimate stayed near the truth: \(worst) m")
        #expect(abs(nav.altitude - truth.height) < 1)
        #expect(!nav.rejectingAltitude)
    }

    /// Over the crater floor the altimeter is used again, against the learnt terrain offset,
    /// which relaxes towards zero at 1 m/s.
    @Test func overTheCraterFloorTheAltimeterCorrectsTheEstimateAgain() {
        var truth = VerticalDescent(height: 5_000, speed: 40)
        var nav = Self.navigation(for: truth)
        var acceptedOverFloor = 0
        Self.run(&nav, &truth, seconds: 20, step: { $0 >= 5 ? 3_000 : 0 }) { t, v in
            if t > 9, case .accepted = v { acceptedOverFloor += 1 }
        }
        #expect(acceptedOverFloor >= 200)
        // 11 s over the floor: the offset relaxed by 11 m, and the estimate followed it.
        #expect(abs(nav.terrainOffset + 3_000 - 11) < 1)
        #expect(abs(nav.altitude - truth.height) < 15)
    }

    /// A bad uplinked state vector (Apollo 11's landing radar found the estimate ~850 m off):
    /// the first measurements already disagree, with no accepted one before them, so the
    /// estimate is wrong, not the ground, and it is moved to the measurement.
    @Test func anEstimateThatWasWrongFromTheStartIsMovedToTheMeasurement() throws {
        var truth = VerticalDescent(height: 5_000, speed: 40)
        var nav = Self.navigation(for: truth, heightError: 900)
        var reacquiredAt: Double?
        Self.run(&nav, &truth, seconds: 10, record: { t, v in
            if case .reacquired = v, reacquiredAt == nil { reacquiredAt = t }
        })
        let t = try #require(reacquiredAt)
        #expect(t >= 3 && t <= 3.5)
        #expect(nav.reacquisitions == 1)
        #expect(nav.terrainSteps == 0)
        #expect(abs(nav.altitude - truth.height) < 1)
    }

    /// An estimate that drifted out of the gate while the altimeter was not used (a long
    /// turn beyond the beams' rate limit, the IMU reading 3 m/s^2 short) is the estimate's
    /// error, not terrain: the disagreement did not begin a moment after an accepted sample,
    /// so the estimate is moved to the measurement (the velocimeter takes the velocity back).
    @Test func aDriftBuiltUpInAGapIsTheEstimatesError() throws {
        var truth = VerticalDescent(height: 5_000, speed: 40)
        var nav = Self.navigation(for: truth)
        var verdicts: [LanderNavigation.AltitudeVerdict] = []
        let dt = 0.01
        for i in 0..<3000 {
            var f = truth.specificForce
            if (500..<2000).contains(i) { f.x -= 3 }
            nav.propagate(specificForce: f, rate: .zero, dt: dt)
            truth.advance(dt)
            // The altimeter for the first 5 s, none for 15 s (the drift builds), then again.
            let used = i < 500 || i >= 2000
            if used && i % 5 == 4 {
                verdicts.append(nav.correctAltitude(ranges: truth.ranges()))
                _ = nav.correctVelocity(rangeRates: truth.rangeRates())
            }
        }
        #expect(verdicts.contains { if case .rejected = $0 { true } else { false } }, "the drift left the gate")
        #expect(nav.reacquisitions == 1)
        #expect(nav.terrainSteps == 0)
        #expect(abs(nav.terrainOffset) < 1e-9)
        #expect(abs(nav.altitude - truth.height) < 5)
    }

    @Test func inconsistentJunkIsNeverBelieved() {
        var truth = VerticalDescent(height: 5_000, speed: 40)
        var nav = Self.navigation(for: truth)
        var generator = SplitMix(seed: 3)
        Self.run(&nav, &truth, seconds: 20, step: { $0 >= 5 ? generator.next(in: 1_000...9_000) : 0 })
        #expect(nav.reacquisitions == 0)
        #expect(abs(nav.altitude - truth.height) < 5)
    }

    @Test func theVelocimeterSolvesTheVelocityFromThreeOrMoreBeams() {
        let truth = VerticalDescent(height: 2_000, speed: 30)
        var nav = Self.navigation(for: truth)
        nav.reset(position: nav.position, velocity: [-28, 1, 0], attitude: .identity)  // 2 m/s off
        for _ in 0..<50 {
            let used = nav.correctVelocity(rangeRates: truth.rangeRates())
            #expect(used)
        }
        #expect(length(nav.velocity - truth.velocity) < 0.01)
        let twoBeams = nav.correctVelocity(rangeRates: [truth.rangeRates()[0], nil, nil, truth.rangeRates()[3]])
        #expect(!twoBeams)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(in range: ClosedRange<Double>) -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return range.lowerBound + Double(z >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
    }
}
