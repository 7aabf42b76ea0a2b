

/// The rover's position on the site map (east, north, m) and heading (radians clockwise from
/// north), from wheel odometry fused with the IMU's heading rate and inclinometers, and its
/// slip, measured as MER and MSL do by comparing wheel odometry with visual odometry.
///
/// - **Distance** from the six wheel encoders: each side's travel is the mean of its three
///   wheels' rim travel; the rover's is the mean of the two sides, projected on the
///   horizontal with the inclinometer's pitch.
/// - **Heading** from the gyro's heading rate (skid steering makes the wheels' heading poor),
///   less a gyro bias estimated whenever the rover stands still (the true rate is then 0:
///   a zero-velocity update). Without a valid IMU, the wheels' heading
///   (`(left - right) / effective track`) is used.
/// - **Visual odometry** (a fix: the motion since the previous fix in the rover's frame at
///   that fix) replaces the wheels' displacement over the same interval, since it sees the
///   true motion, and gives the slip: `1 - visual distance / wheel distance`, judged only
///   over intervals where the wheels travelled at least ``Configuration/minSlipDistance``.
///   A fix longer than the wheels' travel (+10 % + 2 cm) is rejected and counted
///   (``visualRejected``): slip only shortens the true motion.
///   Without visual odometry, slip is measured in turns from the gyro: `1 - gyro heading
///   change / wheel heading change`.
///
/// Inputs are validated: invalid samples are skipped; an encoder jump larger than
/// ``Configuration/maxTicksPerSample`` is rejected and counted (the wheel's reference moves
/// on). No allocation; no loops beyond the six wheels.
public struct RoverNavigation: Sendable {
    public struct Configuration: Sendable {
        public var geometry: RoverGeometry
        /// An encoder step larger than this between two samples is a glitch (default: one
        /// wheel revolution).
        public var maxTicksPerSample: Int
        /// Slip is judged over visual-odometry intervals with at least this much wheel
        /// travel, m.
        public var minSlipDistance: Double
        /// Weight of a new slip measurement in the estimate (0...1).
        public var slipGain: Double
        /// Turns: slip judged from the gyro once the wheels' heading change reaches this, rad.
        public var minSlipTurn: Double
        /// Samples averaged for the gyro bias at most (older ones fade: the bias drifts).
        public var biasWindow: Int
        /// An IMU sample with a heading rate over this (rad/s) is implausible for a rover and
        /// skipped as invalid (as is a roll or pitch over 90 deg, or any non-number).
        public var maxHeadingRate: Double
        /// A visual-odometry fix longer than the wheels' travel times (1 + tolerance) plus the
        /// floor (m) is rejected.
        public var visualTolerance: Double
        public var visualFloor: Double

        public init(
            geometry: RoverGeometry, maxTicksPerSample: Int? = nil, minSlipDistance: Double = 0.03, slipGain: Double = 0.5,
            minSlipTurn: Double = 0.05, biasWindow: Int = 3_000, visualTolerance: Double = 0.1, visualFloor: Double = 0.02, maxHeadingRate: Double = 1
        ) {
            self.maxHeadingRate = maxHeadingRate
            self.visualTolerance = visualTolerance
            self.visualFloor = visualFloor
            self.geometry = geometry
            self.maxTicksPerSample = maxTicksPerSample ?? geometry.ticksPerRevolution
            self.minSlipDistance = minSlipDistance
            self.slipGain = slipGain
            self.minSlipTurn = minSlipTurn
            self.biasWindow = biasWindow
        }
    }

    public var configuration: Configuration
    public private(set) var east: Double
    public private(set) var north: Double
    public private(set) var heading: Double
    /// Latest inclinometer roll (right side down positive) and pitch (nose up positive), rad.
    public private(set) var roll = 0.0
    public private(set) var pitch = 0.0
    /// Slip estimate, 0...1, and the last single measurement.
    public private(set) var slip = 0.0
    public private(set) var lastSlipMeasurement = 0.0
    public private(set) var slipMeasurements = 0
    /// Gyro bias estimate, rad/s, and how many stationary samples it rests on.
    public private(set) var gyroBias = 0.0
    public private(set) var biasSamples = 0
    /// Distance travelled along the surface (wheel odometry), m; signed forward travel of the
    /// last encoder sample, per side (m).
    public private(set) var odometer = 0.0
    /// Height of the ground under the rover relative to where navigation started, m (wheel
    /// travel times the sine of the pitch): for the hazard sensor's terrain profile.
    public private(set) var elevation = 0.0
    public private(set) var lastSideTravel = (left: 0.0, right: 0.0)
    /// Counts: encoder samples used, encoder glitches rejected, invalid samples skipped.
    public private(set) var encoderSamples = 0, encoderGlitches = 0, invalidSamples = 0
    /// Visual-odometry fixes rejected as longer than the wheels' travel allows.
    public private(set) var visualRejected = 0
    /// Encoder ticks of the last sample (nil before the first).
    public private(set) var lastTicks: WheelSet<Int>?
    /// Since the last visual-odometry fix: the pose at the fix and the wheels' horizontal
    /// travel since (m).
    private var fix: (east: Double, north: Double, heading: Double)
    private var wheelTravelSinceFix = 0.0
    /// Since the last turn-slip judgement: heading change from the wheels and the gyro.
    private var turnWheels = 0.0, turnGyro = 0.0
    private var lastIMUTime: Double?

    public init(east: Double, north: Double, heading: Double, configuration: Configuration) {
        self.east = east
        self.north = north
        self.heading = heading
        self.configuration = configuration
        fix = (east, north, heading)
    }

    // MARK: Encoders

    /// One encoder sample. Returns the wheels' horizontal forward travel (m) it added.
    @discardableResult
    public mutating func updateEncoders(ticks: WheelSet<Int>, valid: Bool, imuValid: Bool) -> Double {
        guard valid else {
            invalidSamples += 1
            return 0
        }
        guard let last = lastTicks else {
            lastTicks = ticks
            return 0
        }
        lastTicks = ticks
        let g = configuration.geometry
        var left = 0.0, right = 0.0
        for i in 0..<6 {
            let delta = ticks[i] &- last[i]
            if delta > configuration.maxTicksPerSample || delta < -configuration.maxTicksPerSample {
                encoderGlitches += 1
                return 0
            }
            let travel = Double(delta) * g.metresPerTick
            if i < 3 { left += travel / 3 } else { right += travel / 3 }
        }
        encoderSamples += 1
        lastSideTravel = (left, right)
        let surface = (left + right) / 2
        let horizontal = surface * cosine(pitch)
        let wheelTurn = (left - right) / g.effectiveTrack
        turnWheels += wheelTurn
        if !imuValid { heading += wheelTurn }
        // Move along the mean heading of the interval (the gyro has already turned it).
        let h = heading - wheelTurn / 2
        east += horizontal * sine(h)
        north += horizontal * cosine(h)
        odometer += abs(surface)
        elevation += surface * sine(pitch)
        wheelTravelSinceFix += abs(horizontal)
        if abs(turnWheels) >= configuration.minSlipTurn {
            measureSlip(1 - max(0, turnGyro / turnWheels))
            turnWheels = 0
            turnGyro = 0
        }
        return horizontal
    }

    /// True when the last encoder sample showed no wheel motion.
    public var wheelsStill: Bool { lastSideTravel.left == 0 && lastSideTravel.right == 0 }

    // MARK: IMU

    /// One IMU/inclinometer sample. `stationary`: the rover is commanded still and its wheels
    /// did not move, so the true heading rate is 0 and the sample calibrates the gyro.
    public mutating func updateIMU(roll: Double, pitch: Double, headingRate: Double, time: Double, valid: Bool, stationary: Bool) {
        guard valid, abs(roll) <= .pi / 2, abs(pitch) <= .pi / 2, abs(headingRate) <= configuration.maxHeadingRate else {
            invalidSamples += 1
            lastIMUTime = nil
            return
        }
        self.roll = roll
        self.pitch = pitch
        defer { lastIMUTime = time }
        guard let last = lastIMUTime, time > last else { return }
        let dt = min(time - last, 1.0)
        if stationary {
            let n = Double(min(biasSamples, configuration.biasWindow))
            gyroBias = (gyroBias * n + headingRate) / (n + 1)
            biasSamples += 1
            return
        }
        let turn = (headingRate - gyroBias) * dt
        heading += turn
        turnGyro += turn
    }

    // MARK: Visual odometry

    /// One visual-odometry fix: motion since the previous fix in the rover's horizontal frame
    /// at that fix. An invalid fix is skipped: the next valid one covers the whole interval.
    public mutating func updateVisualOdometry(forward: Double, left: Double, valid: Bool) {
        guard valid, forward.isFinite, left.isFinite else {
            invalidSamples += 1
            return
        }
        let visual = (forward * forward + left * left).squareRoot()
        // Slip only ever shortens the true motion: a fix much longer than the wheels' travel
        // is a bad match of features, not motion. Rejected and counted; the wheels' travel
        // stands and the next fix starts from here.
        guard visual <= wheelTravelSinceFix * (1 + configuration.visualTolerance) + configuration.visualFloor else {
            visualRejected += 1
            fix = (east, north, heading)
            wheelTravelSinceFix = 0
            return
        }
        if wheelTravelSinceFix >= configuration.minSlipDistance {
            measureSlip(1 - visual / wheelTravelSinceFix)
        }
        let h = fix.heading
        east = fix.east + forward * sine(h) - left * cosine(h)
        north = fix.north + forward * cosine(h) + left * sine(h)
        fix = (east, north, heading)
        wheelTravelSinceFix = 0
        turnWheels = 0
        turnGyro = 0
    }

    private mutating func measureSlip(_ measured: Double) {
        let m = min(1, max(0, measured))
        lastSlipMeasurement = m
        slipMeasurements += 1
        slip += configuration.slipGain * (m - slip)
    }

    /// Tilt: the angle between the body's up axis and local vertical, rad.
    public var tilt: Double { arcCosine(min(1, cosine(roll) * cosine(pitch))) }

    /// Sets the pose (a ground update, or localisation on an orbital image).
    public mutating func reset(east: Double, north: Double, heading: Double) {
        self.east = east
        self.north = north
        self.heading = heading
        fix = (east, north, heading)
        wheelTravelSinceFix = 0
    }

    /// Restarts the slip estimate (a new drive).
    public mutating func resetSlip() {
        slip = 0
        turnWheels = 0
        turnGyro = 0
    }
}

