import Missions
import Testing

/// The rover's navigation alone, on made-up samples.
@Suite struct RoverNavigationTests {
    static func navigation() -> RoverNavigation {
        RoverNavigation(east: 0, north: 0, heading: 0, configuration: .init(geometry: .yutu2))
    }

    static func ticks(left: Int, right: Int) -> WheelSet<Int> { WheelSet(left, left, left, right, right, right) }

    /// Straight on the level: 2,048 ticks is one wheel circumference (0.942 m) north; on a
    /// 20 deg pitch the same travel covers cos 20 deg of it on the map.
    @Test func wheelOdometry() {
        var nav = Self.navigation()
        nav.updateEncoders(ticks: Self.ticks(left: 0, right: 0), valid: true, imuValid: true)
        nav.updateEncoders(ticks: Self.ticks(left: 2_048, right: 2_048), valid: true, imuValid: true)
        let c = 2 * Double.pi * 0.15
        #expect(abs(nav.north - c) < 1e-12 && abs(nav.east) < 1e-12)
        nav.updateIMU(roll: 0, pitch: 20 * .pi / 180, headingRate: 0, time: 0, valid: true, stationary: false)
        nav.updateEncoders(ticks: Self.ticks(left: 4_096, right: 4_096), valid: true, imuValid: true)
        #expect(abs(nav.north - c - c * cos(20 * Double.pi / 180)) < 1e-12)
        #expect(abs(nav.odometer - 2 * c) < 1e-12)
        #expect(abs(nav.tilt - 20 * .pi / 180) < 1e-12)
    }

    /// An encoder jump over one revolution in a sample is a glitch: rejected, counted, and the
    /// next sample is measured from it. Invalid samples are skipped and counted.
    @Test func encoderGlitchesAreRejected() {
        var nav = Self.navigation()
        nav.updateEncoders(ticks: Self.ticks(left: 0, right: 0), valid: true, imuValid: true)
        nav.updateEncoders(ticks: Self.ticks(left: 100_000, right: 0), valid: true, imuValid: true)
        #expect(nav.encoderGlitches == 1 && nav.north == 0)
        nav.updateEncoders(ticks: Self.ticks(left: 100_010, right: 10), valid: true, imuValid: true)
        #expect(nav.north > 0 && nav.north < 0.01)
        nav.updateEncoders(ticks: Self.ticks(left: 0, right: 0), valid: false, imuValid: true)
        #expect(nav.invalidSamples == 1)
    }

    /// Heading from the gyro, less the bias learnt standing still; without the IMU, from the
    /// wheels (left - right over the effective track).
    @Test func headingFromTheGyroLessItsBias() {
        var nav = Self.navigation()
        for k in 0...100 {
            nav.updateIMU(roll: 0, pitch: 0, headingRate: 0.001, time: Double(k) * 0.1, valid: true, stationary: true)
        }
        #expect(abs(nav.gyroBias - 0.001) < 1e-12 && nav.heading == 0)
        for k in 101...200 {
            nav.updateIMU(roll: 0, pitch: 0, headingRate: 0.101, time: Double(k) * 0.1, valid: true, stationary: false)
        }
        #expect(abs(nav.heading - 1.0) < 1e-9)
        var blind = Self.navigation()
        blind.updateEncoders(ticks: Self.ticks(left: 0, right: 0), valid: true, imuValid: false)
        blind.updateEncoders(ticks: Self.ticks(left: 1_000, right: -1_000), valid: true, imuValid: false)
        let travel = 1_000 * 2 * Double.pi * 0.15 / 2_048
        #expect(abs(blind.heading - 2 * travel / 1.5) < 1e-12)
    }

    /// Slip: the wheels turned 1 m, visual odometry saw 0.6 m: 40 % measured; the estimate
    /// moves halfway to it per fix. The position follows visual odometry.
    @Test func slipFromVisualOdometry() {
        var nav = Self.navigation()
        let perMetre = 2_048 / (2 * Double.pi * 0.15)
        nav.updateEncoders(ticks: Self.ticks(left: 0, right: 0), valid: true, imuValid: true)
        nav.updateVisualOdometry(forward: 0, left: 0, valid: true)
        let half = Int((perMetre / 2).rounded()), whole = Int(perMetre.rounded())
        nav.updateEncoders(ticks: Self.ticks(left: half, right: half), valid: true, imuValid: true)
        nav.updateEncoders(ticks: Self.ticks(left: whole, right: whole), valid: true, imuValid: true)
        nav.updateVisualOdometry(forward: 0.6, left: 0, valid: true)
        #expect(abs(nav.lastSlipMeasurement - 0.4) < 1e-3)
        #expect(abs(nav.slip - 0.2) < 1e-3)
        #expect(abs(nav.north - 0.6) < 1e-12)
        nav.updateVisualOdometry(forward: .nan, left: 0, valid: true)
        #expect(nav.slipMeasurements == 1)
        // A fix far longer than the wheels turned is a bad feature match: rejected, counted.
        nav.updateEncoders(ticks: Self.ticks(left: whole + half, right: whole + half), valid: true, imuValid: true)
        nav.updateVisualOdometry(forward: 1e300, left: 0, valid: true)
        #expect(nav.visualRejected == 1 && nav.slipMeasurements == 1)
        #expect(abs(nav.north - 1.1) < 0.01)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
