/// The rover's drive: executes ARC, TURN and GOTO_WAYPOINT step by step, stopping between
/// steps to assess the ground ahead with the hazard range sensor, and stops on every safety
/// check with its reason. One call per cycle with the latest sensor samples (plain SI values,
/// each with its sequence number: a sample is used once); returns the wheel speed demands.
///
/// It owns the rover's ``RoverNavigation`` (the stationary periods it commands calibrate the
/// gyro) and a ``RoutePlanner``. Deterministic; no allocation per cycle (a GOTO_WAYPOINT
/// re-plan after a hazard uses the planner's preallocated buffers).
public struct DriveController: Sendable {
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
    var lastValid = (encoders: 0.0, attitude: 0.0)
    private var attitudeValid = false
    var tiltCount = 0
    var slipMeasurementsAtStart = 0
    var overCount = WheelSet<Int>(repeating: 0)
    var unloadedCount = WheelSet<Int>(repeating: 0)
    var wheelMovedAt = WheelSet<Double>(repeating: 0)
    var wheelCommandedSince = WheelSet<Double>(repeating: 0)

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

    /// STOP: wheels still now. A drive already stopped keeps the reason it stopped for (the
    /// safing sequence's STOP after a fault stop must not hide the fault from the ground).
    public mutating func stop() {
        guard state != .stopped else { return }
        halt(.commanded, wheel: -1)
    }

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
}

#if canImport(Glibc)
    import Glibc
#endif
