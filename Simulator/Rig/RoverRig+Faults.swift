extension RoverRig.Configuration {
    /// The rover parked at the landing site (map origin, heading north) of the Chang'e-3 site
    /// terrain (the lander's, seed 2013), sensor rates set to the emulators' publication rates
    /// (wheels 20 Hz, rover IMU 20 Hz, hazard 10 Hz).
    /// `terrain`, when given, replaces the generated one.
    public static func parked(seed: UInt64, site: LandingSite = .changE3, terrainSeed: UInt64 = 2013, terrain: Terrain? = nil) -> Self {
        let terrain = terrain ?? Terrain(TerrainParameters(seed: terrainSeed), frame: .sphere(site))
        var world = RoverWorld.Configuration(
            terrain: terrain, start: RoverState(x: 0, y: 0, heading: 0), seed: seed, encoderRate: 20, motorCurrentRate: 20)
        world.imu.rate = 20
        world.hazardRange.rate = 10
        return Self(world: world)
    }
}

/// The rover's truth for reports and scenario conditions.
public struct RoverTruth: Sendable {
    public var time: Double
    public var state: RoverState
    /// Distance driven over the ground, m.
    public var distance: Double
    /// Straight-line distance from the start, m.
    public var displacement: Double
    public var stateOfCharge: Double
}

extension RoverRig {
    public var truth: RoverTruth {
        let s = world.state
        let start = configuration.world.start
        let dx = s.x - start.x, dy = s.y - start.y
        return RoverTruth(
            time: world.time, state: s, distance: s.odometer, displacement: (dx * dx + dy * dy).squareRoot(),
            stateOfCharge: powerModel.stateOfCharge)
    }
}

/// The rover rig as a scenario's target.
///
/// | fault | where it acts |
/// |---|---|
/// | `sensor-dropout` | wheels: encoders and motor currents (every wheel status invalid); rover-imu, hazard, power: the model's `dropout` |
/// | `bias-step` | wheels `current` (A), `encoder` (ticks); rover-imu `attitude` (rad, roll pitch and heading rate alike); hazard `range` (m); power `current` (A) |
/// | `stuck-value` | the model's `stuck` (wheels: encoders and currents) |
/// | `wheel-stall`, `slip-patch`, `motor-over-current` | the world's `RoverFaults` (the slip patch's east/north are map x/y) |
/// | `link-loss`, `can-bus-off` | the device links (``RigLinkFaults``) |
extension RoverRig: FaultTarget {
    public func trueValue(of quantity: Condition.Quantity) -> Double? {
        switch quantity {
        case .distance: return world.state.odometer
        case .east: return world.state.x
        case .north: return world.state.y
        case .altitude, .verticalSpeed, .horizontalSpeed, .propellantUsed: return nil
        }
    }

    public func apply(_ fault: InjectedFault) { set(fault, true) }
    public func remove(_ fault: InjectedFault) { set(fault, false) }

    func set(_ fault: InjectedFault, _ on: Bool) {
        let sign = on ? 1.0 : -1.0
        switch fault {
        case .sensorDropout(let d):
            switch d {
            case .wheels:
                world.encoders.faults.dropout = on
                world.motorCurrents.faults.dropout = on
            case .roverIMU: world.imu.faults.dropout = on
            case .hazard: world.hazardRange.faults.dropout = on
            case .power: powerModel.faults.dropout = on
            default: ignore(fault, on)
            }
        case .biasStep(let d, let channel, let value):
            let v = sign * value
            switch (d, channel) {
            case (.wheels, "current"): world.motorCurrents.faults.biasStep += v
            case (.wheels, "encoder"): world.encoders.faults.biasStep += v
            case (.roverIMU, "attitude"): world.imu.faults.biasStep += v
            case (.hazard, "range"): world.hazardRange.faults.biasStep += v
            case (.power, "current"): powerModel.faults.biasStep += v
            default: ignore(fault, on)
            }
        case .stuck(let d):
            switch d {
            case .wheels:
                world.encoders.faults.stuck = on
                world.motorCurrents.faults.stuck = on
            case .roverIMU: world.imu.faults.stuck = on
            case .hazard: world.hazardRange.faults.stuck = on
            case .power: powerModel.faults.stuck = on
            default: ignore(fault, on)
            }
        case .wheelStall(let wheel):
            guard (0..<6).contains(wheel) else { return ignore(fault, on) }
            world.faults.stalledWheel = on ? wheel : nil
        case .slipPatch(let east, let north, let radius, let slip):
            world.faults.slipPatch = on ? SlipPatch(x: east, y: north, radius: radius, extraSlip: slip) : nil
        case .motorOverCurrent(let wheel, let amperes):
            guard (0..<6).contains(wheel) else { return ignore(fault, on) }
            if on {
                world.faults.overCurrent = amperes
                world.faults.overCurrentWheels.insert(.index(wheel))
            } else {
                world.faults.overCurrentWheels.remove(.index(wheel))
                if world.faults.overCurrentWheels.isEmpty { world.faults.overCurrent = 0 }
            }
        case .linkLoss(let d):
            guard let i = Self.devices.firstIndex(of: d.rawValue) else { return ignore(fault, on) }
            linkFaults.cut(links, i, on)
            switch i {
            case 0: for wheel in wheels { wheel.publication.faults.muted = on }
            case 1: imu.publication.faults.muted = on
            case 2: hazard.publication.faults.muted = on
            default: power.publication.faults.muted = on
            }
        case .canBusOff: linkFaults.busOff(links, on)
        case .altitudeStep, .thrustLoss, .thrustDispersion, .engineFailure, .cycleSteal: ignore(fault, on)
        }
    }

    func ignore(_ fault: InjectedFault, _ on: Bool) {
        if on { ignoredFaults.append(fault) }
    }
}
