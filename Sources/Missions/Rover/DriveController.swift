/// The rover's drive: executes ARC, TURN and GOTO_WAYPOINT step by step, stopping between
/// steps to assess the ground ahead with the hazard range sensor, and stops on every safety
/// check with its reason. One call per cycle with the latest sensor samples (plain SI values,
/// each with its sequence number: a sample is used once); returns the wheel speed demands.
///
/// It owns the rover's ``RoverNavigation`` (the stationary periods it commands calibrate the
/// gyro) and a ``RoutePlanner``. Deterministic; no allocation per cycle (a GOTO_WAYPOINT
/// re-plan after a hazard uses the planner's preallocated buffers).
public struct DriveController: Sendable {
    public struct Configuration: Sendable {
        public var geometry: RoverGeometry
        /// Cruise rim speed, m/s, and the hard top speed no side demand ever exceeds (Yutu-2:
        /// 200 m/h = 0.0556 m/s).
        public var speed = 0.05
        public var maxSpeed = 200.0 / 3_600
        /// Rim speed turning in place, m/s.
        public var turnSpeed = 0.04
        /// Step-and-stop: drive this far, stop, settle for `settleTime` s, assess.
        public var stepLength = 1.0
        public var settleTime = 1.0
        /// Turn done within this of the target heading, rad; a GOTO leg turns in place first
        /// when its bearing is more than `turnInPlaceAbove` off the heading (and
        /// any time the aim point is three times that off).
        public var headingTolerance = 0.5 * Double.pi / 180
        public var turnInPlaceAbove = 5 * Double.pi / 180
        /// GOTO legs: pure pursuit of a point this far ahead along the leg, m.
        public var lookAhead = 1.5
        /// A GOTO waypoint is reached within this distance, m.
        public var arrivalTolerance = 0.2
        public var maxArcDistance = 100.0
        /// Safety limits.
        public var tiltLimit = 30 * Double.pi / 180
        public var slipLimit = 0.4
        public var overCurrentLimit = 1.5
        /// Consecutive current samples over the limit before a stop.
        public var overCurrentSamples = 3
        /// A commanded wheel whose encoder has not moved for this long is stalled, s.
        public var stallTime = 1.5
        /// Below this side demand (m/s) a wheel is not expected to turn.
        public var stallMinSpeed = 0.005
        /// Loss of ground contact: the motor's no-load current and the margin over it below
        /// which a turning wheel is unloaded; the load model (mass, kg; rolling resistance;
        /// torque per amp, N m/A; gravity m/s^2) says when the ground should load it more.
        public var noLoadCurrent = 0.15
        public var unloadedMargin = 0.025
        public var unloadedSamples = 5
        public var mass = 135.0
        public var rollingResistance = 0.1
        public var torquePerAmp = 5.0
        public var gravity = 1.62
        /// No ground contact for this long stops the drive, s.
        public var commLossTimeout = 900.0
        /// No valid encoder or IMU sample for this long stops the drive, s.
        public var sensorTimeout = 1.0
        /// The rover's centre must stay this far from a ground keep-out zone, m.
        public var roverRadius = 0.8
        /// Hazards found while on a GOTO_WAYPOINT become keep-out circles of this radius, m
        /// (centred `hazardRadius` beyond the beam's hit point); at most `maxReplans` re-plans.
        public var hazardRadius = 0.6
        public var maxReplans = 6
        public var hazard = HazardAssessment.Limits()
        public var hazardSensor = HazardAssessment.Sensor()
        public var planner = RoutePlanner.Configuration()

        public init(geometry: RoverGeometry) { self.geometry = geometry }
    }

    /// A sample with its sequence number (a new number: a new sample).
    public struct Sample<Value: Sendable>: Sendable {
        public var sequence: Int
        public var valid: Bool
        public var value: Value
        public init(sequence: Int, valid: Bool, value: Value) {
            self.sequence = sequence
            self.valid = valid
            self.value = value
        }
    }

    public struct Attitude: Sendable {
        public var roll: Double
        public var pitch: Double
        public var headingRate: Double
        public init(roll: Double, pitch: Double, headingRate: Double) {
            self.roll = roll
            self.pitch = pitch
            self.headingRate = headingRate
        }
    }

    public struct MotorStatus: Sendable {
        public var currents: WheelSet<Double>
        /// The motor drivers' own flags, bit i for wheel i.
        public var overCurrentFlags: UInt8
        public var stallFlags: UInt8
        public init(currents: WheelSet<Double>, overCurrentFlags: UInt8 = 0, stallFlags: UInt8 = 0) {
            self.currents = currents
            self.overCurrentFlags = overCurrentFlags
            self.stallFlags = stallFlags
        }
    }

    /// What the controller reads each cycle.
    public struct Inputs: Sendable {
        public var time: Double
        public var encoders: Sample<WheelSet<Int>>
        public var motors: Sample<MotorStatus>
        public var attitude: Sample<Attitude>
        public var hazard: Sample<HazardRanges>
        /// Visual odometry (motion since the previous fix, forward and left, m), when fitted.
        public var visualOdometry: Sample<SIMD2<Double>>?
        /// When the ground was last heard (a command or a heartbeat), s.
        public var lastGroundContact: Double

        public init(
            time: Double, encoders: Sample<WheelSet<Int>>, motors: Sample<MotorStatus>, attitude: Sample<Attitude>,
            hazard: Sample<HazardRanges>, visualOdometry: Sample<SIMD2<Double>>? = nil, lastGroundContact: Double
        ) {
            self.time = time
            self.encoders = encoders
            self.motors = motors
            self.attitude = attitude
            self.hazard = hazard
            self.visualOdometry = visualOdometry
            self.lastGroundContact = lastGroundContact
        }
    }

    public let configuration: Configuration
    public private(set) var navigation: RoverNavigation
    public private(set) var keepOut = KeepOutMap()
    public private(set) var planner: RoutePlanner
    public private(set) var hazards: HazardAssessment

    public private(set) var state = DriveState.idle
    public private(set) var stopReason = StopReason.none
    /// The wheel whose check stopped the drive (over-current, stall, unloaded), else -1.
    public private(set) var stopWheel = -1
    public private(set) var command: DriveCommand?
    public private(set) var commandStart = 0.0
    public private(set) var commandTimeout = 0.0
    /// Commands completed, steps driven, hazards seen, re-plans of the current command.
    public private(set) var completed = 0
    public private(set) var steps = 0
    public private(set) var hazardsSeen = 0
    public private(set) var replans = 0
    public private(set) var lastHazard = HazardVerdict.clear
    /// GOTO: the leg being driven (index into the planner's waypoints).
    public private(set) var leg = 0
    public private(set) var demand = WheelDemand.stop

    // Progress of the command.
    private var startOdometer = 0.0, stepStartOdometer = 0.0
    private var targetHeading = 0.0
    private var legStart = SIMD2<Double>.zero
    private var stoppedAt = 0.0
    private var stillCycles = 0
    // Last samples used.
    private var seen = (encoders: -1, motors: -1, attitude: -1, hazard: -1, visual: -1)
    private var lastValid = (encoders: 0.0, attitude: 0.0)
    private var attitudeValid = false
    private var tiltCount = 0
    private var slipMeasurementsAtStart = 0
    private var overCount = WheelSet<Int>(repeating: 0)
    private var unloadedCount = WheelSet<Int>(repeating: 0)
    private var wheelMovedAt = WheelSet<Double>(repeating: 0)
    private var wheelCommandedSince = WheelSet<Double>(repeating: 0)

    public init(east: Double, north: Double, heading: Double, configuration: Configuration, time: Double = 0) {
        self.configuration = configuration
        navigation = RoverNavigation(east: east, north: north, heading: heading, configuration: .init(geometry: configuration.geometry))
        planner = RoutePlanner(configuration.planner)
        hazards = HazardAssessment(sensor: configuration.hazardSensor, limits: configuration.hazard, referenceHeight: configuration.geometry.referenceHeight)
        lastValid = (time, time)
    }

    // MARK: Commands

    public var isMoving: Bool { state == .turning || state == .driving || state == .assessing }

    /// Starts a drive command (it replaces any drive under way). Refused with a reason when
    /// an argument is out of range or no route exists.
    public mutating func start(_ c: DriveCommand, at time: Double, timeout: Double) throws(DriveRefusal) {
        guard timeout.isFinite, timeout > 0 else { throw .timeoutNotPositive(timeout) }
        switch c {
        case .arc(let radius, let distance):
            guard radius.isFinite, distance.isFinite else { throw .nonFinite }
            guard abs(distance) <= configuration.maxArcDistance else { throw .distanceTooLong(distance, limit: configuration.maxArcDistance) }
        case .turn(let angle):
            guard angle.isFinite else { throw .nonFinite }
            guard abs(angle) <= 2 * .pi else { throw .angleTooLarge(angle) }
        case .gotoWaypoint(let east, let north):
            guard east.isFinite, north.isFinite else { throw .nonFinite }
            keepOut.clearHazards()
            do {
                try planner.plan(from: position, to: SIMD2(east, north), map: keepOut)
            } catch {
                throw .route(error)
            }
        }
        command = c
        commandStart = time
        commandTimeout = timeout
        startOdometer = navigation.odometer
        stepStartOdometer = navigation.odometer
        slipMeasurementsAtStart = navigation.slipMeasurements
        navigation.resetSlip()
        replans = 0
        leg = 0
        stopReason = .none
        stopWheel = -1
        for i in 0..<6 { wheelMovedAt[i] = time; wheelCommandedSince[i] = time; overCount[i] = 0; unloadedCount[i] = 0 }
        switch c {
        case .arc: state = .driving
        case .turn(let angle):
            targetHeading = navigation.heading + angle
            state = .turning
        case .gotoWaypoint:
            legStart = position
            beginLeg()
        }
    }

    /// STOP: wheels still now.
    public mutating func stop() { halt(.commanded, wheel: -1) }

    /// Adds a ground keep-out zone (SET_KEEP_OUT).
    public mutating func addKeepOut(_ zone: KeepOutZone) throws(KeepOutMap.Refusal) { try keepOut.add(zone) }
    public mutating func clearKeepOut() { keepOut.removeAll() }

    public var position: SIMD2<Double> { SIMD2(navigation.east, navigation.north) }

    mutating func halt(_ reason: StopReason, wheel: Int) {
        state = .stopped
        stopReason = reason
        stopWheel = wheel
        demand = .stop
    }

    mutating func finish() {
        state = .idle
        completed += 1
        command = nil
        demand = .stop
    }

    // MARK: The cycle

    public mutating func update(_ input: Inputs) -> WheelDemand {
        let t = input.time
        let c = configuration
        // The time must be a number, or no timeout can be judged: stop.
        guard t.isFinite, input.lastGroundContact.isFinite || input.lastGroundContact == -.infinity else {
            if isMoving { halt(.sensorsInvalid, wheel: -1) }
            demand = .stop
            return demand
        }
        stillCycles = demand.isStill ? stillCycles + 1 : 0
        // Navigation: attitude first (the heading the wheels' travel is laid along), then
        // the encoders, then visual odometry.
        if input.attitude.sequence != seen.attitude {
            seen.attitude = input.attitude.sequence
            let a = input.attitude.value
            navigation.updateIMU(
                roll: a.roll, pitch: a.pitch, headingRate: a.headingRate, time: t, valid: input.attitude.valid,
                stationary: stillCycles >= 2 && navigation.wheelsStill)
            attitudeValid = input.attitude.valid
            if input.attitude.valid {
                lastValid.attitude = t
                tiltCount = navigation.tilt > c.tiltLimit ? tiltCount + 1 : 0
            }
        }
        if input.encoders.sequence != seen.encoders {
            let previous = navigation.lastTicks
            seen.encoders = input.encoders.sequence
            navigation.updateEncoders(ticks: input.encoders.value, valid: input.encoders.valid, imuValid: attitudeValid)
            if input.encoders.valid {
                lastValid.encoders = t
                for i in 0..<6 where previous.map({ $0[i] != input.encoders.value[i] }) ?? true { wheelMovedAt[i] = t }
            }
        }
        if let vo = input.visualOdometry, vo.sequence != seen.visual {
            seen.visual = vo.sequence
            navigation.updateVisualOdometry(forward: vo.value.x, left: vo.value.y, valid: vo.valid)
        }
        var newMotors = false
        if input.motors.sequence != seen.motors {
            seen.motors = input.motors.sequence
            newMotors = input.motors.valid
        }
        // Every hazard sample goes into the terrain profile, moving or not; the verdict is
        // acted on only while driving or assessing.
        var verdict: HazardVerdict?
        if input.hazard.sequence != seen.hazard {
            seen.hazard = input.hazard.sequence
            if input.hazard.valid { verdict = assess(input.hazard.value) }
        }

        guard isMoving else {
            demand = .stop
            return demand
        }
        if let reason = safetyCheck(input, newMotors: newMotors) {
            halt(reason.0, wheel: reason.1)
            return demand
        }

        switch state {
        case .turning:
            let error = targetHeading - navigation.heading
            if abs(error) <= c.headingTolerance {
                if case .turn = command {
                    finish()
                } else {
                    state = .driving
                    stepStartOdometer = navigation.odometer
                    demand = .stop
                }
                return demand
            }
            // Slow down over the last 10 degrees.
            let s = max(0.2 * c.turnSpeed, min(c.turnSpeed, c.turnSpeed * abs(error) / (10 * .pi / 180)))
            demand = error > 0 ? WheelDemand(left: s, right: -s) : WheelDemand(left: -s, right: s)
        case .assessing:
            demand = .stop
            guard t - stoppedAt >= c.settleTime, let verdict else { return demand }
            if verdict.kind != .none && !reversing {
                onHazard(verdict, at: t)
            } else {
                state = .driving
                stepStartOdometer = navigation.odometer
            }
        case .driving:
            // Every fresh sample is judged while driving, not only at the stops.
            // The sensor looks forward: a reversing ARC is blind (keep it short), and must
            // be able to back away from the hazard that stopped the rover.
            if let verdict, !reversing {
                if verdict.kind != .none {
                    demand = .stop
                    onHazard(verdict, at: t)
                    return demand
                }
            }
            drive(at: t)
        case .idle, .stopped:
            demand = .stop
        }
        return demand
    }

    mutating func assess(_ ranges: HazardRanges) -> HazardVerdict {
        hazards.assess(
            ranges, east: navigation.east, north: navigation.north, elevation: navigation.elevation, heading: navigation.heading,
            roll: navigation.roll, pitch: navigation.pitch)
    }

    /// True while an ARC drives backwards.
    var reversing: Bool {
        if case .arc(_, let distance) = command { return distance < 0 }
        return false
    }

    /// Drives the current ARC or GOTO leg; stops for assessment at the end of each step.
    mutating func drive(at t: Double) {
        let c = configuration
        if navigation.odometer - stepStartOdometer >= c.stepLength {
            steps += 1
            state = .assessing
            stoppedAt = t
            demand = .stop
            return
        }
        switch command {
        case .arc(let radius, let distance):
            let done = navigation.odometer - startOdometer
            if done >= abs(distance) {
                steps += 1
                finish()
                return
            }
            let v = distance >= 0 ? c.speed : -c.speed
            // Curvature 1/R (clockwise positive): sides at v (1 +- b/2R).
            let k = radius == 0 ? 0 : 1 / radius
            set(forward: v, curvature: k)
        case .gotoWaypoint:
            // Follow the leg's line: aim at a point `lookAhead` metres along it beyond the
            // rover's projection on it (pure pursuit), so the rover closes on the line the
            // planner checked for clearance instead of cutting across.
            let target = planner.waypoints[leg]
            let line = target - legStart
            let legLength = length2(line)
            let along = legLength > 0 ? dot2(position - legStart, line / legLength) : 0
            let toGo = length2(target - position)
            let last = leg + 1 >= planner.waypointCount
            if toGo <= c.arrivalTolerance || along >= legLength - (last ? 0 : c.arrivalTolerance) {
                leg += 1
                if leg >= planner.waypointCount {
                    steps += 1
                    finish()
                } else {
                    legStart = target
                    beginLeg()
                }
                return
            }
            let aim = toGo <= c.lookAhead || legLength == 0 ? target : legStart + line / legLength * min(legLength, along + c.lookAhead)
            let error = headingError(to: aim)
            if abs(error) > 3 * c.turnInPlaceAbove {
                targetHeading = navigation.heading + error
                state = .turning
                demand = .stop
                return
            }
            let d = length2(aim - position)
            set(forward: min(c.speed, max(0.01, toGo)), curvature: 2 * sine(error) / max(d, 0.5))
        default:
            demand = .stop
        }
    }

    mutating func set(forward v: Double, curvature k: Double) {
        let half = configuration.geometry.effectiveTrack / 2
        var left = v * (1 + k * half), right = v * (1 - k * half)
        let top = max(abs(left), abs(right))
        let limit = min(configuration.speed, configuration.maxSpeed)
        if top > limit {
            left *= limit / top
            right *= limit / top
        }
        demand = WheelDemand(left: left, right: right)
    }

    func headingError(to target: SIMD2<Double>) -> Double {
        let d = target - position
        // One remainder, not a loop: bounded whatever the heading.
        return remainder(atan2(d.x, d.y) - navigation.heading, 2 * .pi)
    }

    mutating func beginLeg() {
        let target = planner.waypoints[leg]
        let error = headingError(to: target)
        if abs(error) > configuration.turnInPlaceAbove {
            targetHeading = navigation.heading + error
            state = .turning
        } else {
            state = .driving
            stepStartOdometer = navigation.odometer
        }
    }

    mutating func onHazard(_ verdict: HazardVerdict, at t: Double) {
        hazardsSeen += 1
        lastHazard = verdict
        guard case .gotoWaypoint(let east, let north) = command, replans < configuration.maxReplans else {
            halt(.hazard, wheel: -1)
            return
        }
        replans += 1
        // Keep out of a circle just beyond the hit point, and plan again from here.
        let away = verdict.location - position
        let d = length2(away)
        let centre = d > 0 ? verdict.location + away / d * configuration.hazardRadius : verdict.location
        if let zone = try? KeepOutZone.circle(east: centre.x, north: centre.y, radius: configuration.hazardRadius) {
            keepOut.addHazard(zone)
        }
        do {
            try planner.plan(from: position, to: SIMD2(east, north), map: keepOut)
        } catch {
            halt(.hazard, wheel: -1)
            return
        }
        leg = 0
        legStart = position
        stoppedAt = t
        beginLeg()
    }

    /// The safety checks, in order; the first that fails names the stop.
    mutating func safetyCheck(_ input: Inputs, newMotors: Bool) -> (StopReason, Int)? {
        let c = configuration, t = input.time
        if t - input.lastGroundContact > c.commLossTimeout { return (.commLoss, -1) }
        if t - commandStart > commandTimeout { return (.commandTimeout, -1) }
        if t - lastValid.encoders > c.sensorTimeout || t - lastValid.attitude > c.sensorTimeout { return (.sensorsInvalid, -1) }
        if tiltCount >= 2 { return (.tiltOverLimit, -1) }
        if navigation.slipMeasurements - slipMeasurementsAtStart >= 2, navigation.slip > c.slipLimit { return (.slipOverLimit, -1) }
        if navigation.distance(toKeepOut: keepOut) < c.roverRadius { return (.keepOut, -1) }
        // A wheel counts as commanded when its side's demand turns it at least a tick per
        // cycle or so (an arc's inner side may be asked for almost nothing).
        for i in 0..<6 {
            if abs(i < 3 ? demand.left : demand.right) < c.stallMinSpeed { wheelCommandedSince[i] = t }
        }
        for i in 0..<6 where t - max(wheelMovedAt[i], wheelCommandedSince[i]) >= c.stallTime {
            return (.wheelStalled, i)
        }
        guard newMotors else { return nil }
        let m = input.motors.value
        // Current a loaded wheel needs on this slope, over the no-load current.
        let uphill = demand.left + demand.right >= 0 ? navigation.pitch : -navigation.pitch
        let load = c.mass * c.gravity * (c.rollingResistance * cosine(navigation.pitch) + sine(uphill)) / 6
            * c.geometry.wheelRadius / c.torquePerAmp
        for i in 0..<6 {
            let bit = UInt8(1) << UInt8(i)
            if m.stallFlags & bit != 0 { return (.wheelStalled, i) }
            let current = m.currents[i]
            overCount[i] = current > c.overCurrentLimit || !current.isFinite || m.overCurrentFlags & bit != 0 ? overCount[i] + 1 : 0
            if overCount[i] >= c.overCurrentSamples {
                // Not turning while over current: a stall (seized wheel, or blocked).
                let stalled = t - wheelCommandedSince[i] >= 0.25 && t - wheelMovedAt[i] >= 0.25
                return (stalled ? .wheelStalled : .motorOverCurrent, i)
            }
            let side = i < 3 ? demand.left : demand.right
            let turning = side != 0 && t - wheelMovedAt[i] < 0.25
            let unloaded = turning && load >= 2 * c.unloadedMargin && current < c.noLoadCurrent + c.unloadedMargin
            unloadedCount[i] = unloaded ? unloadedCount[i] + 1 : 0
            if unloadedCount[i] >= c.unloadedSamples { return (.groundContactLost, i) }
        }
        return nil
    }
}

extension RoverNavigation {
    /// Distance from the rover's centre to the nearest ground keep-out zone, m.
    public func distance(toKeepOut map: KeepOutMap) -> Double {
        map.distance(to: SIMD2(east, north), includeHazards: false)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
