/// The lander's navigation: strapdown propagation of position, velocity and attitude from the
/// IMU in a Moon-centred frame, corrected by the altimeter/velocimeter beams, with outlier
/// rejection that does not latch.
///
/// Hakuto-R Mission 1 (2023) is the case this is built against: passing over a crater rim,
/// the measured altitude jumped by about 3 km; the estimator judged the rangefinder faulty,
/// ignored it from then on, believed it was at 0 m while still 5 km up, and hovered until the
/// propellant ran out. Here a measurement that disagrees with the estimate is rejected (a
/// glitch must not pull the estimate), but rejection never becomes a verdict on the sensor:
/// - every new measurement is tested afresh against the estimate, so the sensor is used again
///   as soon as it agrees again;
/// - when rejected measurements keep agreeing *with each other* (after allowing for the
///   motion the IMU saw in between) for ``Configuration/reacquireAfter`` seconds, they are
///   believed. What is believed depends on how the disagreement began:
///   - **abruptly**, between two samples a moment apart, the last of them accepted: the
///     vehicle cannot move kilometres in 50 ms, so the *ground* moved (a crater rim). The
///     step goes into ``terrainOffset``, the height of the ground under the beams, and the
///     altitude estimate is left alone (``AltitudeVerdict/terrainStep``). When the ground
///     steps back, the same rule takes the offset back out.
///   - **gradually**, or after a gap without measurements: the estimate drifted (an IMU
///     outage, a bad uplinked state vector), and the estimate is moved to the measurement
///     (``AltitudeVerdict/reacquired``).
///   Taking a crater floor as the estimate's error is what the first version of this filter
///   did: it believed itself 3 km higher for the 20 s over the crater, and guidance dived.
///
/// No allocation after init; bounded loops (at most ``Configuration/beams`` beams).
public struct LanderNavigation: Sendable {
    public struct Configuration: Sendable {
        /// Gravitational parameter of the Moon (m^3/s^2), Luminary 099 / NSSDC.
        public var gm = 4.902_8e12
        /// Radius of the surface the altitude is measured from: the landing site's (m).
        public var referenceRadius = 1_737_400.0
        /// Unit vectors of the altimeter's beams in the body frame.
        public var beams: [SIMD3<Double>]
        /// A beam more than this far from local vertical (radians) gives no altitude.
        public var maxBeamTilt = 1.2
        /// Altitude gate: innovation accepted up to `floor + fraction * altitude` metres.
        public var altitudeGateFloor = 25.0
        public var altitudeGateFraction = 0.05
        /// Velocity gate (m/s): `floor + fraction * speed`.
        public var velocityGateFloor = 2.0
        public var velocityGateFraction = 0.05
        /// Seconds of mutually consistent rejected measurements after which they are believed.
        public var reacquireAfter = 3.0
        /// A disagreement that appears within this time (s) of an accepted measurement, and
        /// jumps by more than the gate, began abruptly: the ground stepped, not the estimate.
        public var terrainStepWindow = 0.5
        /// How fast a learnt terrain offset returns to zero (m/s). A step is a fact about the
        /// ground where it was seen; the lander flies on at hundreds of m/s, and the ground
        /// near the site is the reference surface. Slow enough that guidance never chases it
        /// (a crater floor keeps all but a few metres of its offset until the ground steps
        /// back), fast enough that what is left when it does (the beams' tilt changes while
        /// over the crater, so the two steps differ by tens of metres) is gone long before
        /// the hover.
        public var terrainOffsetRelaxRate = 1.0
        /// Gain of an accepted altitude measurement on the radial position (20 Hz: a 1 s time
        /// constant). The altimeter measures height above the *local ground*, which differs
        /// from the reference sphere by the terrain along the track, so it corrects position
        /// only: feeding its innovations into velocity (an alpha-beta filter) turns terrain
        /// relief into velocity errors of tens of m/s (seen in the closed loop). Velocity comes
        /// from the velocimeter.
        public var altitudeGain = 0.05
        /// Velocity correction per accepted altitude measurement (1/s); 0 by default, see above.
        public var altitudeRateGain = 0.0
        /// Gain of an accepted velocity measurement.
        public var velocityGain = 0.2

        public init(beams: [SIMD3<Double>]) { self.beams = beams.map { Missions.normalized($0) } }
    }

    public enum AltitudeVerdict: Equatable, Sendable {
        case accepted(innovation: Double)
        case rejected(innovation: Double)
        /// Consistent rejected measurements were believed; the estimate jumped by `jump` m.
        case reacquired(jump: Double)
        /// Consistent rejected measurements that began with an abrupt step were taken as the
        /// ground stepping by `step` m (negative: the ground fell away, a crater floor); the
        /// estimate did not move.
        case terrainStep(step: Double)
        /// No beam gave a usable range.
        case noData
    }

    public var configuration: Configuration
    public private(set) var position: SIMD3<Double>
    public private(set) var velocity: SIMD3<Double>
    public private(set) var attitude: Quaternion
    public private(set) var time: Double
    /// Counts since start.
    public private(set) var altitudeAccepted = 0, altitudeRejected = 0, reacquisitions = 0, terrainSteps = 0
    /// Height of the ground under the beams above the reference surface (m), as learnt from
    /// abrupt steps in the measured range (a crater floor: negative). Added to the measured
    /// height above the ground to give the altitude.
    public private(set) var terrainOffset = 0.0
    /// The last altitude measurement (accepted or not): when, and its innovation.
    private var lastSample: (time: Double, innovation: Double)?
    /// Whether the present run of rejected measurements began with an abrupt step.
    private var rejectionBeganAbruptly = false
    /// When the terrain offset was last relaxed towards zero.
    private var terrainRelaxedAt: Double?
    public private(set) var velocityAccepted = 0, velocityRejected = 0, velocityReacquisitions = 0
    private var velocityRejectedSince: Double?
    private var lastRejectedVelocity: SIMD3<Double>?
    /// When the last accepted altitude measurement was, for the rate gain.
    private var lastAltitudeUpdate: Double?
    /// The run of consecutive rejected measurements: when it began, and the last one
    /// (measured altitude, estimated altitude at that time).
    private var rejectedSince: Double?
    private var lastRejected: (measured: Double, estimated: Double)?

    public init(position: SIMD3<Double>, velocity: SIMD3<Double>, attitude: Quaternion, time: Double = 0, configuration: Configuration) {
        self.position = position
        self.velocity = velocity
        self.attitude = attitude
        self.time = time
        self.configuration = configuration
    }

    // MARK: Derived

    public var up: SIMD3<Double> { Missions.normalized(position) }
    /// Height above the reference surface (m).
    public var altitude: Double { length(position) - configuration.referenceRadius }
    /// Speed along local vertical, up positive (m/s).
    public var verticalSpeed: Double { dot(velocity, up) }
    public var horizontalSpeed: Double { length(velocity - verticalSpeed * up) }
    public func gravity(at r: SIMD3<Double>) -> SIMD3<Double> {
        let d = length(r)
        return -configuration.gm / (d * d * d) * r
    }
    /// Whether the altimeter's measurements are being rejected now.
    public var rejectingAltitude: Bool { rejectedSince != nil }

    // MARK: Propagation

    /// One IMU sample: specific force and body rate, held for `dt`.
    public mutating func propagate(specificForce f: SIMD3<Double>, rate omega: SIMD3<Double>, dt: Double) {
        let midAttitude = attitude.integrated(rate: omega, dt: dt / 2)
        let a = midAttitude.rotate(f) + gravity(at: position + velocity * (dt / 2))
        position += velocity * dt + a * (dt * dt / 2)
        velocity += a * dt
        attitude = attitude.integrated(rate: omega, dt: dt)
        time += dt
    }

    /// Propagation without the IMU (it failed, Beresheet's case): the thrust acceleration the
    /// engine was commanded to give, along the commanded direction, and the commanded
    /// attitude taken as the attitude.
    public mutating func propagate(thrustAcceleration a: SIMD3<Double>, attitude commanded: Quaternion, dt: Double) {
        let total = a + gravity(at: position + velocity * (dt / 2))
        position += velocity * dt + total * (dt * dt / 2)
        velocity += total * dt
        attitude = commanded
        time += dt
    }

    /// Sets the estimate (a ground state-vector update, or initialisation).
    public mutating func reset(position: SIMD3<Double>, velocity: SIMD3<Double>, attitude: Quaternion) {
        self.position = position
        self.velocity = velocity
        self.attitude = attitude
        rejectedSince = nil
        lastRejected = nil
        lastSample = nil
        rejectionBeganAbruptly = false
        terrainOffset = 0
        terrainRelaxedAt = nil
    }

    // MARK: Altimeter

    /// One altimeter sample: range per beam (nil where the beam has no lock), beams in
    /// ``Configuration/beams`` order.
    public mutating func correctAltitude(ranges: some Collection<Double?>) -> AltitudeVerdict {
        let u = up
        var sum = 0.0, n = 0
        let minCos = cosine(configuration.maxBeamTilt)
        for (i, range) in ranges.enumerated() where i < configuration.beams.count {
            guard let range, range > 0, range.isFinite else { continue }
            let c = -dot(attitude.rotate(configuration.beams[i]), u)
            guard c >= minCos else { continue }
            sum += range * c
            n += 1
        }
        guard n > 0 else { return .noData }
        relaxTerrainOffset()
        let measured = sum / Double(n) + terrainOffset
        let estimated = altitude
        let innovation = measured - estimated
        let gate = configuration.altitudeGateFloor + configuration.altitudeGateFraction * max(estimated, 0)
        if abs(innovation) <= gate {
            applyAltitude(innovation: innovation, gain: configuration.altitudeGain)
            altitudeAccepted += 1
            rejectedSince = nil
            lastRejected = nil
            lastSample = (time, innovation)
            return .accepted(innovation: innovation)
        }
        altitudeRejected += 1
        // Do the rejected measurements agree with each other? Compare the change in measured
        // altitude with the change in estimated altitude since the last rejected one.
        if let last = lastRejected, let since = rejectedSince {
            let measuredChange = measured - last.measured
            let estimatedChange = estimated - last.estimated
            if abs(measuredChange - estimatedChange) <= gate {
                if time - since >= configuration.reacquireAfter {
                    rejectedSince = nil
                    lastRejected = nil
                    lastSample = (time, 0)  // the measurement is the estimate now, either way
                    if rejectionBeganAbruptly {
                        // The ground stepped: take the step into the terrain, not the estimate.
                        terrainOffset -= innovation
                        terrainSteps += 1
                        return .terrainStep(step: -innovation)
                    }
                    position += innovation * u
                    lastAltitudeUpdate = time
                    reacquisitions += 1
                    return .reacquired(jump: innovation)
                }
            } else {
                beginRejection(innovation: innovation, gate: gate)  // not consistent: a new run starts here
            }
        } else {
            beginRejection(innovation: innovation, gate: gate)
        }
        lastRejected = (measured, estimated)
        lastSample = (time, innovation)
        return .rejected(innovation: innovation)
    }

    /// Moves the terrain offset towards zero at ``Configuration/terrainOffsetRelaxRate``.
    private mutating func relaxTerrainOffset() {
        defer { terrainRelaxedAt = time }
        guard let last = terrainRelaxedAt, terrainOffset != 0 else { return }
        let most = configuration.terrainOffsetRelaxRate * max(0, time - last)
        terrainOffset = abs(terrainOffset) <= most ? 0 : terrainOffset - (terrainOffset > 0 ? most : -most)
    }

    /// A run of rejected measurements starts with this one. It began abruptly if the
    /// measurement before it came a moment ago and this one's innovation jumped from that
    /// one's by more than the gate.
    private mutating func beginRejection(innovation: Double, gate: Double) {
        rejectedSince = time
        if let last = lastSample, time - last.time <= configuration.terrainStepWindow {
            rejectionBeganAbruptly = abs(innovation - last.innovation) > gate
        } else {
            rejectionBeganAbruptly = false
        }
    }

    private mutating func applyAltitude(innovation: Double, gain: Double) {
        let u = up
        position += gain * innovation * u
        if let last = lastAltitudeUpdate, time > last {
            let dt = min(time - last, 1.0)
            velocity += configuration.altitudeRateGain * innovation / dt * u
        }
        lastAltitudeUpdate = time
    }

    // MARK: Velocimeter

    /// One velocimeter sample: range rate per beam (line-of-sight velocity, negative closing;
    /// nil without lock). Needs three beams to solve the velocity.
    public mutating func correctVelocity(rangeRates: some Collection<Double?>) -> Bool {
        // Least squares over the beams: a beam along d_i (reference frame, from the lander to
        // the ground) sees its range change at rangeRate_i = -dot(d_i, v) over still ground.
        var ata = (SIMD3<Double>.zero, SIMD3<Double>.zero, SIMD3<Double>.zero)
        var atb = SIMD3<Double>.zero
        var n = 0
        for (i, rate) in rangeRates.enumerated() where i < configuration.beams.count {
            guard let rate, rate.isFinite else { continue }
            let d = attitude.rotate(configuration.beams[i])
            ata.0 += d.x * d
            ata.1 += d.y * d
            ata.2 += d.z * d
            atb -= d * rate
            n += 1
        }
        guard n >= 3, let solved = solve(ata, atb) else { return false }
        let measured = solved
        let innovation = measured - velocity
        let gate = configuration.velocityGateFloor + configuration.velocityGateFraction * length(velocity)
        guard length(innovation) <= gate else {
            velocityRejected += 1
            // Not latching either: rejected measurements whose innovations agree with each
            // other for `reacquireAfter` seconds mean the estimate is wrong, not the sensor.
            if let last = lastRejectedVelocity, let since = velocityRejectedSince, length(innovation - last) <= gate {
                if time - since >= configuration.reacquireAfter {
                    velocity = measured
                    velocityReacquisitions += 1
                    velocityRejectedSince = nil
                    lastRejectedVelocity = nil
                    return true
                }
            } else {
                velocityRejectedSince = time
            }
            lastRejectedVelocity = innovation
            return false
        }
        velocityRejectedSince = nil
        lastRejectedVelocity = nil
        velocity += configuration.velocityGain * innovation
        velocityAccepted += 1
        return true
    }

    /// Solves the symmetric 3x3 system (rows r0, r1, r2) by Cramer's rule; nil if singular.
    private func solve(_ m: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>), _ b: SIMD3<Double>) -> SIMD3<Double>? {
        let det = dot(m.0, cross(m.1, m.2))
        guard abs(det) > 1e-9 else { return nil }
        let c0 = SIMD3(m.0.x, m.1.x, m.2.x), c1 = SIMD3(m.0.y, m.1.y, m.2.y), c2 = SIMD3(m.0.z, m.1.z, m.2.z)
        return SIMD3(dot(b, cross(c1, c2)), dot(c0, cross(b, c2)), dot(c0, cross(c1, b))) / det
    }
}
