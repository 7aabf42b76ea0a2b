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
    /// good, which is what ran Hakuto-R out of propellant.
    @Test func aLastingStepIsBelievedAfterConsistentMeasurements() {
        var truth = VerticalDescent(height: 5_000, speed: 40)
        var nav = Self.navigation(for: truth)
        var reacquiredAt: Double?
        Self.run(&nav, &truth, seconds: 20, step: { $0 >= 5 ? 3_000 : 0 }) { t, v in
            if case .reacquired = v, reacquiredAt == nil { reacquiredAt = t }
        }
        let t = try! #require(reacquiredAt)
        #expect(t >= 8 && t <= 8.5)
        #expect(nav.reacquisitions == 1)
        // Now the estimate follows the measured height above the (deeper) ground.
        #expect(abs(nav.altitude - (truth.height + 3_000)) < 1)
        #expect(!nav.rejectingAltitude)
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
