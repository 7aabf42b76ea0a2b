import Glibc

/// A lander stepped at a fixed rate: attitude, dynamics, clock and leg contact.
///
/// Each step the attitude model (`ThrustAttitude`) slews the thrust axis towards the
/// command's direction within its rate and acceleration limits, then RK4 integrates the
/// motion with the actual axis. With `SlewLimits.instantaneous` (the default) the axis is
/// the commanded direction, the point-mass model of the known-answer tests.
///
/// Leg contact: without a terrain, the feet are `legHeight` below the centre of mass along
/// local vertical and meet the smooth surface (sphere or plane). With a terrain, the four
/// feet (`LanderVehicle.feet`, turned by the attitude) meet the terrain.
///
/// Deterministic: the same vehicle, start state, step and command sequence give
/// bit-identical states. `step` allocates nothing.
public struct LanderSimulation: Sendable {
    public var dynamics: LanderDynamics
    public private(set) var state: LanderState
    /// Attitude, body rate and slew limits; set it to change the attitude or the limits.
    public var attitude: ThrustAttitude
    /// The terrain the feet land on (nil: the smooth reference surface).
    public let terrain: Terrain?
    /// Simulation time, s: `stepCount * dt` (no accumulated rounding).
    public var time: Double { Double(stepCount) * dt }
    public private(set) var stepCount: Int = 0
    /// Fixed step, s.
    public let dt: Double
    /// Set when the legs reach the surface; the simulation then stops advancing.
    public private(set) var touchdown: Touchdown?
    /// Set by the step that lands, cleared by `holdAfterTouchdown`.
    var justLanded = false
    /// What is left of the last contact margin (m); no terrain query while positive.
    var marginLeft = 0.0
    /// True once landed.
    public private(set) var hasLanded = false

    public init(
        vehicle: LanderVehicle, gravity: GravityModel, state: LanderState, dt: Double,
        attitude: ThrustAttitude = ThrustAttitude(limits: .instantaneous), terrain: Terrain? = nil
    ) {
        precondition(dt > 0 && dt.isFinite, "step must be positive")
        self.dynamics = LanderDynamics(vehicle: vehicle, gravity: gravity)
        self.state = state
        self.dt = dt
        self.attitude = attitude
        self.terrain = terrain
    }

    /// Height of the foot pads above the surface, m: the lowest foot's clearance above the
    /// terrain, or (without terrain) the leg plane's height above the smooth surface.
    public var footHeight: Double { footHeight(of: state, attitude: attitude.attitude).height }

    /// The feet's positions in the simulator frame.
    public func footPositions() -> (Vector3, Vector3, Vector3, Vector3) {
        let q = attitude.attitude
        let f = dynamics.vehicle.feet
        let r = state.position
        return (r + q.rotate(f.0), r + q.rotate(f.1), r + q.rotate(f.2), r + q.rotate(f.3))
    }

    /// The lowest foot's clearance, or (far from the ground) a positive lower bound on it
    /// with `foot` nil.
    func footHeight(of s: LanderState, attitude q: Quaternion) -> (height: Double, foot: Int?) {
        let vehicle = dynamics.vehicle
        guard let terrain else {
            return (dynamics.gravity.altitude(of: s.position) - vehicle.legHeight, nil)
        }
        let margin = contactMargin(terrain, s.position)
        if margin > 0 { return (margin, nil) }
        return lowestFoot(terrain, s, q)
    }

    /// A lower bound on every foot's clearance from the centre of mass alone: the feet are
    /// within `reach` of it, and the surface within `mapStretchBound` reach on the map lies below the smooth height here + its gradient bound times that distance
    /// + the detail bound. One smooth-height query.
    func contactMargin(_ terrain: Terrain, _ p: Vector3) -> Double {
        let vehicle = dynamics.vehicle
        let reach = (vehicle.legHeight * vehicle.legHeight + vehicle.footprintRadius * vehicle.footprintRadius).squareRoot()
        let m = terrain.frame.mapPoint(of: p)
        let coarse = m.altitude - reach - terrain.maximumHeight
        if coarse > 0 || !m.x.isFinite { return coarse }
        return m.altitude - reach - terrain.smoothHeight(x: m.x, y: m.y)
            - terrain.smoothGradientBound * Terrain.mapStretchBound * reach - terrain.detailMaximum
    }

    func lowestFoot(_ terrain: Terrain, _ s: LanderState, _ q: Quaternion) -> (height: Double, foot: Int?) {
        let f = Self.feet(dynamics.vehicle, s.position, q)
        var lowest = terrain.clearance(of: f.0)
        var foot = 0
        let c1 = terrain.clearance(of: f.1)
        if c1 < lowest { lowest = c1; foot = 1 }
        let c2 = terrain.clearance(of: f.2)
        if c2 < lowest { lowest = c2; foot = 2 }
        let c3 = terrain.clearance(of: f.3)
        if c3 < lowest { lowest = c3; foot = 3 }
        return (lowest, foot)
    }

    /// Advances one step under `command`. Returns false (and does nothing) once landed.
    ///
    /// When a foot crosses the surface inside a step, the contact time is found by
    /// bisection on the step length (re-integrating attitude and motion from the start of
    /// the step), so the touchdown speeds do not depend on where the step boundary fell.
    @discardableResult
    public mutating func step(_ command: EngineCommand) -> Bool {
        guard !hasLanded else { return false }
        let start = state
        let startAttitude = attitude
        var nextAttitude = startAttitude
        let axes = nextAttitude.advance(toward: command.direction, dt: dt)
        let next = dynamics.step(start, command: command, axes: axes, dt: dt)
        // While the last margin, less the distance the centre of mass could have closed on
        // the surface since, stays positive, no foot can touch: no terrain query.
        if let terrain {
            let closing = (1 + Terrain.mapStretchBound * terrain.smoothGradientBound) * next.velocity.length * dt
            marginLeft -= closing
            if marginLeft <= 0 { marginLeft = contactMargin(terrain, next.position) }
            if marginLeft > 0 {
                state = next
                attitude = nextAttitude
                stepCount += 1
                return true
            }
        }
        let contactCheck = footHeight(of: next, attitude: nextAttitude.attitude)
        guard contactCheck.height <= 0 else {
            state = next
            attitude = nextAttitude
            stepCount += 1
            return true
        }
        var lo = 0.0
        var hi = dt
        var contact = next
        var contactAttitude = nextAttitude
        var contactFoot = contactCheck.foot
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if mid <= lo || mid >= hi { break }
            var a = startAttitude
            let midAxes = a.advance(toward: command.direction, dt: mid)
            let s = dynamics.step(start, command: command, axes: midAxes, dt: mid)
            let h = footHeight(of: s, attitude: a.attitude)
            if h.height > 0 { lo = mid } else { hi = mid; contact = s; contactAttitude = a; contactFoot = h.foot }
        }
        let speeds = dynamics.gravity.speeds(of: contact.velocity, at: contact.position)
        var record = Touchdown(
            time: time + hi, verticalSpeed: speeds.down, horizontalSpeed: speeds.horizontal,
            state: contact)
        record.tilt = contactAttitude.tilt(from: dynamics.gravity.up(at: contact.position))
        record.angularRate = contactAttitude.bodyRate.length
        record.attitude = contactAttitude.attitude
        record.firstFoot = terrain == nil ? nil : contactFoot
        if let terrain {
            record.slope = Self.footprintSlope(terrain, feet: Self.feet(dynamics.vehicle, contact.position, contactAttitude.attitude))
        }
        touchdown = record
        hasLanded = true
        justLanded = true
        state = contact
        attitude = contactAttitude
        stepCount += 1
        return false
    }

    static func feet(_ v: LanderVehicle, _ r: Vector3, _ q: Quaternion) -> (Vector3, Vector3, Vector3, Vector3) {
        let f = v.feet
        return (r + q.rotate(f.0), r + q.rotate(f.1), r + q.rotate(f.2), r + q.rotate(f.3))
    }

    /// Slope of the plane through the terrain points below four feet (0 and 2 opposite,
    /// 1 and 3 opposite): its normal is the cross product of the two diagonals.
    static func footprintSlope(_ terrain: Terrain, feet: (Vector3, Vector3, Vector3, Vector3)) -> Double {
        func ground(_ p: Vector3) -> Vector3 {
            var m = terrain.frame.mapPoint(of: p)
            m.altitude = m.x.isFinite ? terrain.height(x: m.x, y: m.y) : 0
            return Vector3(m.x, m.y, m.altitude)
        }
        let n = (ground(feet.2) - ground(feet.0)).cross(ground(feet.3) - ground(feet.1)).normalized
        return acos(min(1, abs(n.z)))
    }

    /// Each foot's clearance above the terrain (or the smooth surface), m. Far above the
    /// highest terrain it returns the (positive) margin for every foot without querying.
    public func footClearances() -> (Double, Double, Double, Double) {
        let check = footHeight(of: state, attitude: attitude.attitude)
        guard let terrain, check.foot != nil else {
            return (check.height, check.height, check.height, check.height)
        }
        let f = Self.feet(dynamics.vehicle, state.position, attitude.attitude)
        return (terrain.clearance(of: f.0), terrain.clearance(of: f.1), terrain.clearance(of: f.2), terrain.clearance(of: f.3))
    }

    /// After touchdown: the clock keeps running (the lander rests; the state stays the
    /// contact state). Used by `LanderWorld` so sensors keep sampling on the ground.
    mutating func holdAfterTouchdown() {
        guard hasLanded else { return }
        if !justLanded { stepCount += 1 }
        justLanded = false
    }

    /// Steps under a fixed command until landed or `maxSteps` steps; returns the steps taken.
    @discardableResult
    public mutating func run(_ command: EngineCommand, maxSteps: Int) -> Int {
        var n = 0
        while n < maxSteps, step(command) { n += 1 }
        return n
    }
}
