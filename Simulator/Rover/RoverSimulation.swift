import Glibc

/// A six-wheel skid-steer rover on the terrain, stepped at a fixed rate.
///
/// Each step: (1) the side rim speeds are clamped to the top speed; a stalled wheel does
/// not turn; (2) pitch and roll come from the plane fitted through the terrain under the
/// six wheels; (3) slip grows with the uphill slope along the direction of travel
/// (`levelSlip` on the level, 100 % at `fullSlipSlope`, cubic between), plus any slip
/// patch; (4) a wheel whose path rises more than `maxStepHeight` within one wheel radius
/// blocks the rover: no motion, the driven wheels stall and draw stall current; (5)
/// otherwise the body moves at the mean side speed times (1 - slip) along the surface
/// and turns at (left - right) / (skidFactor * track); (6) motor currents follow the load
/// (rolling resistance, slope, turning) per wheel. Deterministic; `step` allocates nothing.
public struct RoverSimulation: Sendable {
    public let vehicle: RoverVehicle
    public let terrain: Terrain
    public private(set) var state: RoverState
    public let dt: Double
    public private(set) var stepCount = 0
    public var time: Double { Double(stepCount) * dt }

    public init(vehicle: RoverVehicle, terrain: Terrain, start: RoverState, dt: Double) {
        precondition(dt > 0 && dt.isFinite, "step must be positive")
        self.vehicle = vehicle
        self.terrain = terrain
        self.dt = dt
        state = start
        settle()
    }

    /// Map point of wheel `i`'s contact for a pose.
    func wheelPoint(_ i: Int, x: Double, y: Double, heading: Double) -> (x: Double, y: Double) {
        let o = vehicle.wheelOffset(i)
        let f = (sin(heading), cos(heading))
        let l = (-cos(heading), sin(heading))
        return (x + o.forward * f.0 + o.left * l.0, y + o.forward * f.1 + o.left * l.1)
    }

    /// Pitch, roll and height from the least-squares plane through the six wheel contacts
    /// (the wheels sit symmetrically, so the fit separates: slope along forward from the
    /// front/rear pairs, across from left/right).
    mutating func settle() {
        var sumF = 0.0, sumL = 0.0, sumH = 0.0, sumFF = 0.0, sumLL = 0.0
        for i in 0..<6 {
            let p = wheelPoint(i, x: state.x, y: state.y, heading: state.heading)
            let h = terrain.height(x: p.x, y: p.y)
            let o = vehicle.wheelOffset(i)
            sumH += h
            sumF += o.forward * h
            sumL += o.left * h
            sumFF += o.forward * o.forward
            sumLL += o.left * o.left
        }
        state.pitch = atan(sumF / sumFF)
        state.roll = atan(sumL / sumLL)
        state.z = sumH / 6 + (vehicle.wheelRadius + vehicle.bodyHeight) / (cos(state.pitch) * cos(state.roll))
    }

    /// Slip for a slope along the direction of travel (radians, uphill positive) at (x, y).
    public func slip(uphill: Double, x: Double, y: Double, faults: RoverFaults) -> Double {
        let ratio = max(0, uphill) / (vehicle.fullSlipSlope * .pi / 180)
        var s = vehicle.levelSlip + (1 - vehicle.levelSlip) * min(1, ratio * ratio * ratio)
        if let patch = faults.slipPatch, patch.contains(x: x, y: y) { s += patch.extraSlip }
        return min(1, max(0, s))
    }

    /// Advances one step.
    public mutating func step(_ command: RoverDriveCommand, faults: RoverFaults = .none) {
        let v = vehicle
        let top = v.maxSpeed
        let leftCmd = command.left.isNaN ? 0 : min(top, max(-top, command.left))
        let rightCmd = command.right.isNaN ? 0 : min(top, max(-top, command.right))
        // Rim speeds per wheel; a seized wheel does not turn.
        var rim: (Double, Double, Double, Double, Double, Double) = (leftCmd, leftCmd, leftCmd, rightCmd, rightCmd, rightCmd)
        if let w = faults.stalledWheel, (0..<6).contains(w) { RoverState.set(&rim, w, 0) }
        // Traction: the mean rim speed of each side's wheels on the ground (all of them
        // unless a fault lifted some).
        var sideLeft = 0.0, sideRight = 0.0
        if faults.unloadedWheels.isEmpty {
            sideLeft = (rim.0 + rim.1 + rim.2) / 3
            sideRight = (rim.3 + rim.4 + rim.5) / 3
        } else {
            var nLeft = 0.0, nRight = 0.0
            for i in 0..<6 where !faults.unloadedWheels.contains(index: i) {
                if i < 3 { sideLeft += RoverState.element(rim, i); nLeft += 1 } else { sideRight += RoverState.element(rim, i); nRight += 1 }
            }
            sideLeft = nLeft > 0 ? sideLeft / nLeft : 0
            sideRight = nRight > 0 ? sideRight / nRight : 0
        }
        let forwardRim = (sideLeft + sideRight) / 2
        let turnRate = (sideLeft - sideRight) / (v.skidFactor * v.trackWidth)  // clockwise positive

        // Slip from the slope along the direction of travel.
        let direction = forwardRim >= 0 ? 1.0 : -1.0
        let s = slip(uphill: direction * state.pitch, x: state.x, y: state.y, faults: faults)
        var speed = forwardRim * (1 - s)
        var yawRate = turnRate * (1 - s)

        // Obstacles: each wheel's path over one wheel radius.
        var blocked = false
        let f = state.forward, l = state.left
        for i in 0..<6 {
            let o = v.wheelOffset(i)
            // Wheel ground velocity on the map: forward speed plus the turn; a clockwise
            // rate w about up moves the point (forward a, left b) by w (b f - a l).
            let vx = speed * f.x + yawRate * (o.left * f.x - o.forward * l.x)
            let vy = speed * f.y + yawRate * (o.left * f.y - o.forward * l.y)
            let vel = Vector3(vx, vy, 0)
            guard vel.length > 1e-9 else { continue }
            let d = vel.normalized
            let p = wheelPoint(i, x: state.x, y: state.y, heading: state.heading)
            let here = terrain.height(x: p.x, y: p.y)
            let ahead = terrain.height(x: p.x + v.wheelRadius * d.x, y: p.y + v.wheelRadius * d.y)
            if ahead - here > v.maxStepHeight { blocked = true }
        }
        if blocked {
            speed = 0
            yawRate = 0
        }

        // Move along the surface: the map step is the surface step times cos(pitch).
        let horizontal = speed * cos(state.pitch) * dt
        state.x += horizontal * f.x
        state.y += horizontal * f.y
        state.heading += yawRate * dt
        state.speed = speed
        state.headingRate = yawRate
        state.slip = s
        state.blocked = blocked
        state.odometer += abs(speed) * dt
        settle()

        // Wheels and motor currents.
        let weight = v.mass * Moon.surfaceGravity
        let maxTurn = 2 * top / (v.skidFactor * v.trackWidth)
        let uphill = direction * state.pitch
        let load = weight * (v.rollingResistance * cos(state.pitch) + sin(uphill))
            + weight * v.turningResistance * min(1, abs(turnRate) / maxTurn)
        let perWheelTorque = max(0, load) / 6 * v.wheelRadius
        for i in 0..<6 {
            let r = RoverState.element(rim, i)
            let driven = abs(r) > 0
            let seized = faults.stalledWheel == i && (i < 3 ? leftCmd != 0 : rightCmd != 0)
            var current = 0.0
            if seized || (blocked && driven) {
                current = v.stallCurrent
            } else if driven && faults.unloadedWheels.contains(index: i) {
                current = v.idleCurrent  // spinning in the air: no load
                RoverState.set(&state.wheelAngles, i, state.wheelAngle(i) + r / v.wheelRadius * dt)
            } else if driven {
                current = min(v.stallCurrent, v.idleCurrent + perWheelTorque / v.torquePerAmp)
                RoverState.set(&state.wheelAngles, i, state.wheelAngle(i) + r / v.wheelRadius * dt)
            }
            if faults.overCurrentWheels.contains(index: i) { current += faults.overCurrent }
            RoverState.set(&state.motorCurrents, i, current)
        }
        stepCount += 1
    }

    /// Encoder count of wheel `i` (whole ticks, rounding towards minus infinity).
    public func encoderTicks(_ i: Int) -> Int {
        Int((state.wheelAngle(i) / (2 * .pi) * Double(vehicle.ticksPerRevolution)).rounded(.down))
    }
}
