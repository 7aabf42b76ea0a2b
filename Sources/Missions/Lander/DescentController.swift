/// The phases of a powered descent, in order (telemetry `DescentPhase`), except
/// `safeLanding`, which came later and takes the next raw value so that the others keep theirs.
public enum DescentPhase: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// Before ignition: arming checks may run; the engine is off.
    case standby = 0
    /// Apollo P63: quadratic guidance to high gate, most of the velocity removed.
    case braking = 1
    /// Apollo P64: quadratic guidance from high gate down to the hover.
    case approach = 2
    /// Chang'e-style hover at about 100 m: hold, assess the ground, move aside if it is bad.
    case hover = 3
    /// Vertical descent at a slow, controlled speed down to the cut-off height.
    case terminalDescent = 4
    /// Engine cut at a few metres; falling onto the legs.
    case freeFall = 5
    /// Contact, IMU and altitude agree: on the surface. Engine off.
    case landed = 6
    /// Descent abandoned (engine off, or safing): see the abort reason.
    case aborted = 7
    /// The engine gives less than commanded (SLIM, 2024): a thrust-limited landing straight
    /// down with the thrust axis near vertical, no hazard moves, down to the cut-off height
    /// (then FREE_FALL, and LANDED by the usual rules). Entered by command from APPROACH,
    /// HOVER or TERMINAL_DESCENT.
    case safeLanding = 8

    public var description: String {
        ["STANDBY", "BRAKING", "APPROACH", "HOVER", "TERMINAL_DESCENT", "FREE_FALL", "LANDED", "ABORTED", "SAFE_LANDING"][Int(rawValue)]
    }

    /// The phases a thrust-limited safe landing can be started from: the final ones, below
    /// high gate. In BRAKING the answer to a thrust loss is not a landing.
    public var allowsSafeLanding: Bool { self == .approach || self == .hover || self == .terminalDescent || self == .safeLanding }
}

/// What the engine is asked for: on/off, thrust (N) and direction (Moon-centred unit vector).
public struct EngineDemand: Equatable, Sendable {
    public var on: Bool
    public var thrust: Double
    public var direction: SIMD3<Double>
    /// The demand was clipped to the throttle range (a guidance saturation).
    public var saturated: Bool

    public static let off = EngineDemand(on: false, thrust: 0, direction: .zero, saturated: false)
}

/// The descent's decisions, one call per guidance cycle: which phase, and what the engine
/// must do. It reads the navigation estimate and a few sensor verdicts and keeps no other
/// state than its phase, so a run is repeatable. No allocation per cycle.
public struct DescentController: Sendable {
    public struct Vehicle: Hashable, Sendable {
        public var minThrust: Double
        public var maxThrust: Double
        /// Top of the continuously throttleable range; above it the engine runs at full
        /// thrust (the Apollo DPS's fixed throttle position). Equal to `maxThrust` for a
        /// fully throttleable engine.
        public var maxContinuousThrust: Double
        public init(minThrust: Double, maxThrust: Double, maxContinuousThrust: Double? = nil) {
            self.minThrust = minThrust
            self.maxThrust = maxThrust
            self.maxContinuousThrust = maxContinuousThrust ?? maxThrust
        }
    }

    /// What the controller reads each cycle.
    public struct Inputs: Sendable {
        public var time: Double
        /// Navigation estimate, Moon-centred.
        public var position: SIMD3<Double>
        public var velocity: SIMD3<Double>
        /// Gravity at the estimated position.
        public var gravity: SIMD3<Double>
        /// Estimated mass (kg).
        public var mass: Double
        /// Foot height above the ground as navigation believes it (m).
        public var footHeight: Double
        /// Slope of the ground under the lander from the altimeter beams (rad), when known.
        public var groundSlope: Double?
        /// Which way that ground falls: a horizontal unit vector (Moon-centred inertial), zero
        /// on level ground; nil when unknown.
        public var groundDownhill: SIMD3<Double>?
        /// Leg contact switches: how many of the legs report contact.
        public var legsInContact: Int
        /// IMU: magnitude of the measured specific force (m/s^2), nil when the IMU is not valid.
        public var specificForce: Double?
        /// The engine's measured thrust over the commanded (1 when it gives what it is asked;
        /// 0.5 after SLIM's loss). Only the safe landing uses it: there the command is divided
        /// by it, and the thrust the engine can still give is `maxThrust` times it.
        public var thrustScale: Double

        public init(
            time: Double, position: SIMD3<Double>, velocity: SIMD3<Double>, gravity: SIMD3<Double>, mass: Double,
            footHeight: Double, groundSlope: Double? = nil, groundDownhill: SIMD3<Double>? = nil, legsInContact: Int = 0,
            specificForce: Double? = nil, thrustScale: Double = 1
        ) {
            self.time = time
            self.position = position
            self.velocity = velocity
            self.gravity = gravity
            self.mass = mass
            self.footHeight = footHeight
            self.groundSlope = groundSlope
            self.groundDownhill = groundDownhill
            self.legsInContact = legsInContact
            self.specificForce = specificForce
            self.thrustScale = thrustScale
        }
    }

    public let plan: DescentPlan
    public let site: SiteFrame
    public let vehicle: Vehicle
    public private(set) var phase: DescentPhase = .standby
    public private(set) var phaseStart = 0.0
    /// Time to go of the guided phase now (s); 0 outside them.
    public private(set) var timeToGo = 0.0
    /// Hover: where the lander holds (site frame cross and down-range) and the moves made.
    public private(set) var hoverTarget = SIMD2<Double>(0, 0)
    public private(set) var lateralMoves = 0
    /// The close look is sliding the lander downhill now.
    public var isSliding: Bool { slide != nil }
    /// The close look's slide downhill, while one is under way: since when, at what foot
    /// height it holds, and the slide time used by the slides before it (s).
    private var slide: (since: Double, height: Double)?
    private var slideTimeUsed = 0.0
    /// Cycles whose demand was clipped to the throttle range, per phase.
    public private(set) var saturatedCycles = [Int](repeating: 0, count: DescentPhase.allCases.count)
    /// When "landed" was declared and why it was accepted.
    public private(set) var landedAt: Double?
    /// The thrust guidance wanted in the last cycle (N): before the thrust scale and the
    /// throttle range.
    public private(set) var wantedThrust = 0.0
    /// The engine's thrust scale (actual over commanded), estimated from the IMU: the demand
    /// is divided by it.
    public private(set) var thrustScale = ThrustScaleEstimator()

    public init(plan: DescentPlan, site: SiteFrame, vehicle: Vehicle) {
        self.plan = plan
        self.site = site
        self.vehicle = vehicle
    }

    /// Starts the descent (ignition) at `time`.
    public mutating func ignite(at time: Double) {
        guard phase == .standby else { return }
        enter(.braking, at: time)
        timeToGo = 0
    }

    /// Abandons the descent: engine off.
    public mutating func abort(at time: Double) {
        guard phase != .landed else { return }
        enter(.aborted, at: time)
    }

    /// Starts the thrust-limited safe landing (the engine gives less than commanded): from
    /// APPROACH, HOVER or TERMINAL_DESCENT; the hover's and the close look's hazard moves are
    /// dropped. Returns false, changing nothing, from any other phase; true (and nothing
    /// changes) when already in it.
    public mutating func beginSafeLanding(at time: Double) -> Bool {
        guard phase.allowsSafeLanding else { return false }
        if phase != .safeLanding {
            enter(.safeLanding, at: time)
            timeToGo = 0
            slide = nil
        }
        return true
    }

    mutating func enter(_ next: DescentPhase, at time: Double) {
        phase = next
        phaseStart = time
    }

    /// One guidance cycle.
    public mutating func update(_ input: Inputs) -> EngineDemand {
        let r = site.position(input.position), v = site.vector(input.velocity), g = site.vector(input.gravity)
        // Once per cycle (a phase change's second call at the same time is ignored).
        thrustScale.update(time: input.time, measuredThrust: input.specificForce.map { $0 * input.mass })
        switch phase {
        case .standby, .aborted, .landed:
            thrustScale.commanded(0)
            return .off
        case .braking, .approach:
            let guided = phase == .braking ? plan.braking : plan.approach
            let guidance = DescentGuidance(target: guided.target, downRange: [0, 0, 1])
            let guess = timeToGo > 0 ? timeToGo : guided.plannedDuration
            if let t = guidance.timeToGo(position: r, velocity: v, guess: guess) { timeToGo = t }
            if timeToGo <= guided.endTimeToGo {
                if phase == .braking {
                    enter(.approach, at: input.time)
                    timeToGo = 0
                } else {
                    enter(.hover, at: input.time)
                    // Hold where the lander can stop: its position plus the stopping distance at
                    // the hold's acceleration, rather than pulling it back to where it was.
                    let vh = SIMD2(v.y, v.z)
                    hoverTarget = SIMD2(r.y, r.z) + vh * (length2(vh) / (2 * Self.holdAcceleration))
                }
                return update(input)
            }
            let a = guidance.acceleration(position: r, velocity: v, timeToGo: timeToGo)
            return demand(acceleration: a - g, mass: input.mass, tiltLimit: nil)
        case .hover:
            // Hold height and the hover target; after the assessment time, judge the ground.
            // Settled (or out of hover time: propellant is the budget, as Apollo's 60-second calls
            // said): judge the ground.
            let inHover = input.time - phaseStart
            let settled = inHover >= plan.hoverAssessment
                && ((length2(SIMD2(v.y, v.z)) < 0.5 && abs(v.x) < 0.5) || inHover >= plan.maxHoverTime)
            if settled {
                let bad = (input.groundSlope ?? 0) > plan.maxSlope
                // The ground just judged is the ground below the lander now, which is not the
                // hover target when the hover ran out of time still creeping towards it (a
                // target set at the stopping distance from 16 m/s is 300 m away): every
                // decision is taken from where the lander is, plus where it can stop.
                let vh = SIMD2(v.y, v.z)
                let here = SIMD2(r.y, r.z) + vh * (length2(vh) / (2 * Self.holdAcceleration))
                if bad && lateralMoves < plan.maxLateralMoves {
                    // Move aside along down-range (the direction the lander came from is seen
                    // best), and assess again.
                    lateralMoves += 1
                    hoverTarget = here + SIMD2(0, plan.lateralMove)
                    phaseStart = input.time
                } else {
                    // Land on the ground that was judged: hold here, do not creep on to the
                    // old target (seen: 115 m crept in the terminal descent, from a 3 deg spot
                    // onto a 14 deg slope).
                    hoverTarget = here
                    enter(.terminalDescent, at: input.time)
                    return update(input)
                }
            }
            let heightError = plan.hoverHeight - input.footHeight
            let a = hold(r: r, v: v, verticalSpeed: max(-plan.descentSpeed, min(plan.descentSpeed, 0.3 * heightError)))
            return demand(acceleration: a - g, mass: input.mass, tiltLimit: plan.maxTerminalTilt)
        case .terminalDescent:
            if input.footHeight <= plan.cutoffHeight {
                enter(.freeFall, at: input.time)
                thrustScale.commanded(0)
                return .off
            }
            // Chang'e-3's close look: watch the slope as the beams' spots close in on the
            // footprint; slide downhill while it is too steep.
            if let a = closeLook(r: r, v: v, input: input) {
                return demand(acceleration: a - g, mass: input.mass, tiltLimit: plan.maxTerminalTilt)
            }
            let speed = input.footHeight > plan.slowHeight
                ? min(plan.descentSpeed, max(plan.finalSpeed, 0.1 * (input.footHeight - plan.slowHeight) + plan.finalSpeed))
                : plan.finalSpeed
            // Below the slow height, only null the horizontal velocity: the touchdown limit is
            // 1.22 m/s across, and the spot was chosen in the hover.
            let a = hold(r: r, v: v, verticalSpeed: -speed, chase: input.footHeight > plan.slowHeight ? 1 : 0)
            return demand(acceleration: a - g, mass: input.mass, tiltLimit: plan.maxTerminalTilt)
        case .safeLanding:
            if input.footHeight <= plan.cutoffHeight {
                enter(.freeFall, at: input.time)
                return .off
            }
            return safeLandingDemand(r: r, v: v, g: g, input: input)
        case .freeFall:
            // Landed when the legs, the IMU and the altitude agree: contact on at least two
            // legs, the IMU no longer in free fall (the legs carry the weight, or it is
            // invalid and the other two agree), and navigation within a metre of the ground.
            let contact = input.legsInContact >= 2
            let imuAgrees = input.specificForce.map { $0 > 0.5 } ?? true
            let low = input.footHeight < 1.0 + plan.cutoffHeight
            if contact && imuAgrees && low {
                enter(.landed, at: input.time)
                landedAt = input.time
            }
            thrustScale.commanded(0)
            return .off
        }
    }

    /// The thrust-limited safe landing, one cycle: straight down on the terminal descent's
    /// speed profile (never faster than half the acceleration left over gravity can stop by
    /// the cut-off height), the vertical part of the thrust first, the horizontal velocity
    /// nulled with what is left inside `plan.safeLandingTilt`, and the command divided by the
    /// thrust scale so the engine gives what the law wants, up to what it still can.
    mutating func safeLandingDemand(r: SIMD3<Double>, v: SIMD3<Double>, g: SIMD3<Double>, input: Inputs) -> EngineDemand {
        let scale = input.thrustScale.isFinite ? min(max(input.thrustScale, 0.05), 1) : 1
        let mass = input.mass
        // Thrust acceleration the engine can still give, and what is left over gravity.
        let available = scale * vehicle.maxThrust / mass
        let up = -g.x
        let margin = max(available - up, 0.05)
        let h = input.footHeight
        let profile = h > plan.slowHeight
            ? min(plan.descentSpeed, max(plan.finalSpeed, 0.1 * (h - plan.slowHeight) + plan.finalSpeed))
            : plan.finalSpeed
        let stoppable = (margin * max(h - plan.cutoffHeight, 0)).squareRoot()  // v^2 = 2 (margin / 2) d
        let speed = max(plan.finalSpeed, min(profile, stoppable))
        let vertical = min(max(up + 0.8 * (-speed - v.x), 0), available)
        var horizontal = -0.25 * SIMD2(v.y, v.z)
        let budget = min(vertical * tangent(plan.safeLandingTilt), max(available * available - vertical * vertical, 0).squareRoot())
        let n = length2(horizontal)
        if n > budget { horizontal *= n > 0 ? budget / n : 0 }
        let a = SIMD3(vertical, horizontal.x, horizontal.y)
        let wanted = length(a) * mass / scale
        let thrust = min(max(wanted, vehicle.minThrust), vehicle.maxThrust)
        let saturated = wanted > vehicle.maxThrust * 1.0001 || wanted < vehicle.minThrust * 0.9999
        if saturated { saturatedCycles[Int(phase.rawValue)] += 1 }
        let direction = length(a) > 0 ? site.moonCentred(a / length(a)) : site.up
        return EngineDemand(on: true, thrust: thrust, direction: direction, saturated: saturated)
    }

    /// Horizontal acceleration the hold plans its stops with (m/s^2).
    static let holdAcceleration = 0.4

    /// Chang'e-3's close look, as a slide: between `plan.closeLookHeight` and
    /// `plan.commitHeight` the beams' spots close in from about twice the footprint to the
    /// footprint itself, so the slope they see comes to be the slope the legs will meet.
    /// Whenever it is over the limit the lander stops descending and slides downhill (off a
    /// crater's wall towards its floor, off a mound's flank) until the slope reads under the
    /// limit by the hysteresis, then stops over that ground and goes on down. Returns the
    /// acceleration wanted while sliding, nil otherwise (descend).
    mutating func closeLook(r: SIMD3<Double>, v: SIMD3<Double>, input: Inputs) -> SIMD3<Double>? {
        let slope = input.groundSlope
        if let s = slide {
            let used = slideTimeUsed + (input.time - s.since)
            let clear = slope.map { $0 <= plan.maxSlope - plan.slideHysteresis } ?? true
            if clear || used >= plan.maxSlideTime || input.footHeight <= plan.commitHeight {
                slideTimeUsed = used
                slide = nil
                // Stop over this ground: where the lander can, not back where the slide began.
                let vh = SIMD2(v.y, v.z)
                hoverTarget = SIMD2(r.y, r.z) + vh * (length2(vh) / (2 * Self.holdAcceleration))
                return nil
            }
        } else {
            guard let slope, slope > plan.maxSlope, input.footHeight <= plan.closeLookHeight,
                  input.footHeight > plan.commitHeight, slideTimeUsed < plan.maxSlideTime else { return nil }
            slide = (input.time, input.footHeight)
            lateralMoves += 1
        }
        guard let s = slide else { return nil }
        // Downhill as the beams see it now; down-range (the way the lander came, already seen
        // from the hover) when the plane gives no direction.
        var way = SIMD2<Double>(0, 1)
        if let d = input.groundDownhill {
            let local = site.vector(d)
            let h = SIMD2(local.y, local.z)
            if length2(h) > 0.5 { way = h / length2(h) }
        }
        let wanted = way * plan.slideSpeed
        let ax = 0.8 * (max(-1, min(1, 0.3 * (s.height - input.footHeight))) - v.x)
        return SIMD3(ax, 0.25 * (wanted.x - v.y), 0.25 * (wanted.y - v.z))
    }

    /// Position and velocity hold in the site frame with a commanded vertical speed. Gains
    /// are low enough for the thrust axis's slew limits (10 deg/s, 5 deg/s^2 on the lander):
    /// a velocity loop of 0.6/s with those limits oscillated and grew to 20 m/s in the
    /// closed loop; 0.25/s with 0.05/s on position and 2 m/s at most does not.
    func hold(r: SIMD3<Double>, v: SIMD3<Double>, verticalSpeed: Double, chase: Double = 2) -> SIMD3<Double> {
        let horizontal = SIMD2(hoverTarget.x - r.y, hoverTarget.y - r.z)
        var vDesired = 0.05 * horizontal
        let n = length2(vDesired)
        if n > chase { vDesired *= n > 0 ? chase / n : 0 }
        let ax = 0.8 * (verticalSpeed - v.x)
        let ay = 0.25 * (vDesired.x - v.y), az = 0.25 * (vDesired.y - v.z)
        return SIMD3(ax, ay, az)
    }

    /// Dispersion the terminal phases keep clear of the throttle's ends (fraction of the
    /// thrust): their vertical thrust acceleration is bounded so the demand stays inside
    /// [min (1 + margin), max continuous (1 - margin)] of the engine as estimated.
    static let terminalThrottleMargin = 0.1

    /// Thrust from a required thrust acceleration (site frame), with the throttle range and,
    /// in the terminal phases, a tilt limit (the vertical part wins). The thrust wanted is
    /// divided by the estimated thrust scale (``ThrustScaleEstimator``) to give the command,
    /// and the command is what must fit the throttle range.
    ///
    /// In the terminal phases (`tiltLimit` given) the vertical thrust acceleration is also
    /// bounded to the throttle range less ``terminalThrottleMargin``: the hold's velocity loop
    /// is acceleration-limited, so a step in the commanded descent speed (0 to 3 m/s at the
    /// start of TERMINAL_DESCENT) is reached in a few seconds rather than by asking the engine
    /// for less than its 1,500 N floor.
    mutating func demand(acceleration a: SIMD3<Double>, mass: Double, tiltLimit: Double?) -> EngineDemand {
        var a = a
        let scale = thrustScale.scale
        if let tiltLimit, mass > 0 {
            let lowest = vehicle.minThrust * scale * (1 + Self.terminalThrottleMargin) / mass
            let highest = vehicle.maxContinuousThrust * scale * (1 - Self.terminalThrottleMargin) / mass
            a.x = min(max(a.x, lowest), max(highest, lowest))
            let horizontal = SIMD2(a.y, a.z)
            let h = length2(horizontal), limit = a.x * tangent(tiltLimit)
            if h > limit { a.y *= limit / h; a.z *= limit / h }
        }
        let wanted = length(a) * mass
        wantedThrust = wanted
        let command = wanted / scale
        // Above the continuous range: full thrust (the demand is met or exceeded, and
        // guidance takes the excess out over the following cycles).
        let thrust = command > vehicle.maxContinuousThrust ? vehicle.maxThrust : max(command, vehicle.minThrust)
        let saturated = command > vehicle.maxThrust * 1.0001 || command < vehicle.minThrust * 0.9999
        if saturated { saturatedCycles[Int(phase.rawValue)] += 1 }
        thrustScale.commanded(thrust)
        let direction = length(a) > 0 ? site.moonCentred(a / length(a)) : site.up
        return EngineDemand(on: true, thrust: thrust, direction: direction, saturated: saturated)
    }
}

@inline(__always) func length2(_ v: SIMD2<Double>) -> Double { (v * v).sum().squareRoot() }
