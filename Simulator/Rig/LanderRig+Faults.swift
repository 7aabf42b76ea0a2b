/// The lander rig as a scenario's target: every fault kind of docs/scenarios.md that applies
/// to the lander, on the world's fault hooks or on the emulators and links.
///
/// | fault | where it acts |
/// |---|---|
/// | `sensor-dropout` | the model's `dropout` (imu, altimeter, legs, engine telemetry, power): its samples are invalid, so the device's validity bits clear; attitude: the unit's `Valid` bit |
/// | `bias-step` | imu `accel`, `accel-x|y|z` (m/s²), `rate`, `rate-x|y|z` (rad/s); altimeter `range` (m), `velocity` (m/s); engine `thrust` (N); power `current` (A) |
/// | `stuck-value` | the model's `stuck` (legs: every switch) |
/// | `altitude-step` | the altimeter's `rangeStep` |
/// | `thrust-loss`, `thrust-dispersion`, `engine-failure` | the world's `engineFaults` (a failed engine asked to fire also reports a flameout) |
/// | `link-loss`, `can-bus-off` | the device links (``RigLinkFaults``) |
/// | `cycle-steal` | ``flightComputerCycleSteal``, for a harness that models the flight computer's CPU |
///
/// Overlapping faults of one kind add (bias and range steps) or count (link cuts); ending
/// one undoes only its own share. Faults that do not apply are listed in `ignoredFaults`.
extension LanderRig: FaultTarget {
    public func trueValue(of quantity: Condition.Quantity) -> Double? {
        switch quantity {
        case .altitude: return world.simulation.footHeight
        case .verticalSpeed:
            let s = world.state
            return s.velocity.dot(world.simulation.dynamics.gravity.up(at: s.position))
        case .horizontalSpeed:
            let s = world.state
            let up = world.simulation.dynamics.gravity.up(at: s.position)
            return (s.velocity - s.velocity.dot(up) * up).length
        case .propellantUsed: return configuration.world.start.mass - world.state.mass
        case .distance, .east, .north: return nil
        }
    }

    public func apply(_ fault: InjectedFault) { set(fault, true) }
    public func remove(_ fault: InjectedFault) { set(fault, false) }

    func set(_ fault: InjectedFault, _ on: Bool) {
        let sign = on ? 1.0 : -1.0
        switch fault {
        case .sensorDropout(let d):
            switch d {
            case .imu: world.imu.faults.dropout = on
            case .altimeter: world.altimeter.faults.dropout = on
            case .legs: world.legSwitches.faults.dropout = on
            case .engine: world.engineTelemetry.faults.dropout = on
            case .power: world.power.faults.dropout = on
            case .attitude: attitude.measurement.valid = !on
            default: ignore(fault, on)
            }
        case .biasStep(let d, let channel, let value):
            let v = sign * value
            switch (d, channel) {
            case (.imu, "accel"): world.imu.faults.accelerometerBiasStep = world.imu.faults.accelerometerBiasStep + Vector3(v, v, v)
            case (.imu, "accel-x"): world.imu.faults.accelerometerBiasStep.x += v
            case (.imu, "accel-y"): world.imu.faults.accelerometerBiasStep.y += v
            case (.imu, "accel-z"): world.imu.faults.accelerometerBiasStep.z += v
            case (.imu, "rate"): world.imu.faults.gyroBiasStep = world.imu.faults.gyroBiasStep + Vector3(v, v, v)
            case (.imu, "rate-x"): world.imu.faults.gyroBiasStep.x += v
            case (.imu, "rate-y"): world.imu.faults.gyroBiasStep.y += v
            case (.imu, "rate-z"): world.imu.faults.gyroBiasStep.z += v
            case (.altimeter, "range"): world.altimeter.faults.rangeStep += v
            case (.altimeter, "velocity"): world.altimeter.faults.velocityBiasStep += v
            case (.engine, "thrust"): world.engineTelemetry.faults.biasStep += v
            case (.power, "current"): world.power.faults.biasStep += v
            default: ignore(fault, on)
            }
        case .stuck(let d):
            switch d {
            case .imu: world.imu.faults.stuck = on
            case .altimeter: world.altimeter.faults.stuck = on
            case .legs: world.legSwitches.faults.stuckLegs = on ? IndexMask(rawValue: 0x0F) : []
            case .engine: world.engineTelemetry.faults.stuck = on
            case .power: world.power.faults.stuck = on
            default: ignore(fault, on)
            }
        case .altitudeStep(let metres): world.altimeter.faults.rangeStep += sign * metres
        case .thrustLoss(let remaining): world.engineFaults.thrustLoss = on ? 1 - remaining : 0
        case .thrustDispersion(let factor): world.engineFaults.dispersion = on ? factor : 1
        case .engineFailure: world.engineFaults.failed = on
        case .linkLoss(let d):
            guard let i = Self.devices.firstIndex(of: d.rawValue) else { return ignore(fault, on) }
            linkFaults.cut(links, i, on)
            emulatorPublication(i) { $0.faults.muted = on }
        case .canBusOff: linkFaults.busOff(links, on)
        case .cycleSteal(let fraction):
            guard modelsFlightComputer else { return ignore(fault, on) }
            flightComputerCycleSteal += sign * fraction
        case .wheelStall, .slipPatch, .motorOverCurrent: ignore(fault, on)
        }
    }

    func ignore(_ fault: InjectedFault, _ on: Bool) {
        if on { ignoredFaults.append(fault) }
    }

    /// Changes emulator `i`'s publication state (device order of ``devices``).
    func emulatorPublication(_ i: Int, _ change: (inout PublicationState) -> Void) {
        switch i {
        case 0: change(&imu.publication)
        case 1: change(&altimeter.publication)
        case 2: change(&engine.publication)
        case 3: change(&attitude.publication)
        case 4: change(&legs.publication)
        default: change(&power.publication)
        }
    }
}
