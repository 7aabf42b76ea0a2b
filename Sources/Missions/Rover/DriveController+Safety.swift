// The drive's safety checks (see DriveController.swift; the stops are tabled in
// docs/missions.md, "Stops").

extension DriveController {
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

