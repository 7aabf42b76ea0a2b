public import Devices
public import FlightCore

// The six sensors of the lander and the rover as ``SensorDevice``s: which messages make a
// sample, their conversion to SI, and when a sample is valid (docs/devices.md has each
// message's fields and rates).

/// The lander IMU's driver: publishes ``IMUSample`` (IMU_ACCEL + IMU_RATE, 100 Hz).
public typealias LanderIMUDriver = SensorDriver<LanderIMUDevice>
/// The altimeter/velocimeter's driver: publishes ``AltimeterSample`` (four beams, 20 Hz).
public typealias AltimeterDriver = SensorDriver<AltimeterDevice>
/// The leg contact switches' driver: publishes ``LegContactSample`` (100 Hz).
public typealias LegContactDriver = SensorDriver<LegContactDevice>
/// The power unit's driver: publishes ``PowerSample`` (2 Hz).
public typealias PowerUnitDriver = SensorDriver<PowerUnitDevice>
/// The rover IMU/inclinometer's driver: publishes ``RoverAttitudeSample`` (20 Hz).
public typealias RoverIMUDriver = SensorDriver<RoverIMUDevice>
/// The hazard range sensor's driver: publishes ``HazardSample`` (10 Hz).
public typealias HazardRangeDriver = SensorDriver<HazardRangeDevice>

private let firstOwn = DriverMonitor.firstOwnID

public enum LanderIMUDevice: SensorDevice {
    public static let kind = "LanderIMUDriver"
    public static let summary = "Lander IMU driver: pairs IMU_ACCEL and IMU_RATE by counter into IMUSample (specific force m/s^2, body rates rad/s)"
    public static var ids: [UInt16] { [IMUAcceleration.id, IMURate.id] }
    public static var parts: Int { 2 }
    public static var defaultStaleTimeout: FlightDuration { .milliseconds(50) }

    public static func part(of m: DeviceMessage) -> (part: Int, counter: UInt8)? {
        switch m {
        case .imuAcceleration(let a): (0, a.counter)
        case .imuRate(let r): (1, r.counter)
        default: nil
        }
    }

    public static func emptySample() -> IMUSample {
        var s = IMUSample()
        s.valid = true  // both parts must say valid
        return s
    }

    public static func apply(_ m: DeviceMessage, to s: inout IMUSample) {
        switch m {
        case .imuAcceleration(let a):
            s.specificForce = SIMD3(a.x, a.y, a.z)
            s.valid = s.valid && a.valid
            s.saturated = s.saturated || a.saturated
        case .imuRate(let r):
            s.angularRate = SIMD3(r.x, r.y, r.z)
            s.valid = s.valid && r.valid
            s.saturated = s.saturated || r.saturated
        default: break
        }
    }

    public static func stamp(_ s: inout IMUSample, time: UInt64, sequence: UInt32, counter: UInt8) {
        (s.time, s.sequence, s.deviceCounter) = (time, sequence, counter)
    }

    public static func isValid(_ s: IMUSample) -> Bool { s.valid }

    public static var channels: [ChannelDefinition] {
        [ChannelDefinition(firstOwn, "Saturated", .bool, update: .onChange, summary: "The latest sample had an axis at the sensor's range")]
    }

    public static func write(_ s: IMUSample, to ports: ComponentPorts) {
        ports.write(firstOwn, .bool(s.saturated))
    }
}

public enum AltimeterDevice: SensorDevice {
    public static let kind = "AltimeterDriver"
    public static let summary = "Altimeter/velocimeter driver: puts the four beams of one counter into AltimeterSample (slant range m, range rate m/s, per-beam locks)"
    public static var ids: [UInt16] { (0..<AltimeterBeam.beamCount).map { AltimeterBeam.id(beam: $0) } }
    public static var parts: Int { AltimeterBeam.beamCount }
    public static var defaultStaleTimeout: FlightDuration { .milliseconds(250) }

    public static func part(of m: DeviceMessage) -> (part: Int, counter: UInt8)? {
        guard case .altimeterBeam(let b) = m, (0..<AltimeterBeam.beamCount).contains(b.beam) else { return nil }
        return (b.beam, b.counter)
    }

    public static func emptySample() -> AltimeterSample { AltimeterSample() }

    public static func apply(_ m: DeviceMessage, to s: inout AltimeterSample) {
        guard case .altimeterBeam(let b) = m, (0..<AltimeterBeam.beamCount).contains(b.beam) else { return }
        s.range[b.beam] = b.range
        s.rangeRate[b.beam] = b.rangeRate
        let bit = UInt8(1) << UInt8(b.beam)
        if b.rangeValid { s.rangeValid |= bit } else { s.rangeValid &= ~bit }
        if b.rateValid { s.rateValid |= bit } else { s.rateValid &= ~bit }
    }

    public static func stamp(_ s: inout AltimeterSample, time: UInt64, sequence: UInt32, counter: UInt8) {
        (s.time, s.sequence, s.deviceCounter) = (time, sequence, counter)
    }

    /// Valid while at least one beam has a range or a rate lock.
    public static func isValid(_ s: AltimeterSample) -> Bool { s.anyValid }

    public static var channels: [ChannelDefinition] {
        [
            ChannelDefinition(firstOwn, "RangeLocks", .u8, update: .onChange, summary: "Bit n: beam n has range lock"),
            ChannelDefinition(firstOwn + 1, "RateLocks", .u8, update: .onChange, summary: "Bit n: beam n has Doppler lock"),
        ]
    }

    public static func write(_ s: AltimeterSample, to ports: ComponentPorts) {
        ports.write(firstOwn, .u8(s.rangeValid))
        ports.write(firstOwn + 1, .u8(s.rateValid))
    }
}

public enum LegContactDevice: SensorDevice {
    public static let kind = "LegContactDriver"
    public static let summary = "Leg contact switches driver: LEG_CONTACT into LegContactSample"
    public static var ids: [UInt16] { [LegContactStatus.id] }
    public static var defaultStaleTimeout: FlightDuration { .milliseconds(50) }

    public static func part(of m: DeviceMessage) -> (part: Int, counter: UInt8)? {
        guard case .legContact(let l) = m else { return nil }
        return (0, l.counter)
    }

    public static func emptySample() -> LegContactSample { LegContactSample() }

    public static func apply(_ m: DeviceMessage, to s: inout LegContactSample) {
        guard case .legContact(let l) = m else { return }
        s.contact = l.contact.rawValue
        s.valid = l.valid.rawValue
    }

    public static func stamp(_ s: inout LegContactSample, time: UInt64, sequence: UInt32, counter: UInt8) {
        (s.time, s.sequence, s.deviceCounter) = (time, sequence, counter)
    }

    /// Valid while at least one switch is healthy.
    public static func isValid(_ s: LegContactSample) -> Bool { s.valid & 0x0F != 0 }

    public static var channels: [ChannelDefinition] {
        [
            ChannelDefinition(firstOwn, "Contact", .u8, update: .onChange, summary: "Bit n: leg n+1 reads contact"),
            ChannelDefinition(firstOwn + 1, "SwitchHealth", .u8, update: .onChange, summary: "Bit n: leg n+1's switch is healthy"),
        ]
    }

    public static func write(_ s: LegContactSample, to ports: ComponentPorts) {
        ports.write(firstOwn, .u8(s.contact))
        ports.write(firstOwn + 1, .u8(s.valid))
    }
}

public enum PowerUnitDevice: SensorDevice {
    public static let kind = "PowerUnitDriver"
    public static let summary = "Power unit driver: POWER_STATUS into PowerSample (V, A, state of charge 0...1)"
    public static var ids: [UInt16] { [PowerStatus.id] }
    public static var defaultStaleTimeout: FlightDuration { .milliseconds(1_500) }

    public static func part(of m: DeviceMessage) -> (part: Int, counter: UInt8)? {
        guard case .power(let p) = m else { return nil }
        return (0, p.counter)
    }

    public static func emptySample() -> PowerSample { PowerSample() }

    public static func apply(_ m: DeviceMessage, to s: inout PowerSample) {
        guard case .power(let p) = m else { return }
        s.busVoltage = p.busVoltage
        s.busCurrent = p.busCurrent
        s.stateOfCharge = p.stateOfCharge / 100
        s.faults = p.faults.rawValue
        s.voltageValid = p.voltageValid
        s.currentValid = p.currentValid
        s.chargeValid = p.chargeValid
    }

    public static func stamp(_ s: inout PowerSample, time: UInt64, sequence: UInt32, counter: UInt8) {
        (s.time, s.sequence, s.deviceCounter) = (time, sequence, counter)
    }

    public static func isValid(_ s: PowerSample) -> Bool { s.voltageValid || s.currentValid || s.chargeValid }

    public static var channels: [ChannelDefinition] {
        [
            ChannelDefinition(firstOwn, "BusVoltage", .f64, units: "V"),
            ChannelDefinition(firstOwn + 1, "BusCurrent", .f64, units: "A", summary: "Positive = discharge"),
            ChannelDefinition(firstOwn + 2, "StateOfCharge", .f64, limits: ChannelLimits(redLow: 0.1, yellowLow: 0.2), summary: "0...1"),
            ChannelDefinition(firstOwn + 3, "Faults", .u8, update: .onChange, summary: "POWER_STATUS Faults bits"),
        ]
    }

    public static func write(_ s: PowerSample, to ports: ComponentPorts) {
        ports.write(firstOwn, .f64(s.busVoltage))
        ports.write(firstOwn + 1, .f64(s.busCurrent))
        ports.write(firstOwn + 2, .f64(s.stateOfCharge))
        ports.write(firstOwn + 3, .u8(s.faults))
    }
}

public enum RoverIMUDevice: SensorDevice {
    public static let kind = "RoverIMUDriver"
    public static let summary = "Rover IMU/inclinometer driver: ROVER_ATTITUDE into RoverAttitudeSample (roll, pitch rad; heading rate rad/s)"
    public static var ids: [UInt16] { [RoverAttitude.id] }
    public static var defaultStaleTimeout: FlightDuration { .milliseconds(250) }

    public static func part(of m: DeviceMessage) -> (part: Int, counter: UInt8)? {
        guard case .roverAttitude(let a) = m else { return nil }
        return (0, a.counter)
    }

    public static func emptySample() -> RoverAttitudeSample { RoverAttitudeSample() }

    public static func apply(_ m: DeviceMessage, to s: inout RoverAttitudeSample) {
        guard case .roverAttitude(let a) = m else { return }
        s.roll = a.roll
        s.pitch = a.pitch
        s.headingRate = a.headingRate
        s.inclinometerValid = a.inclinometerValid
        s.gyroValid = a.gyroValid
    }

    public static func stamp(_ s: inout RoverAttitudeSample, time: UInt64, sequence: UInt32, counter: UInt8) {
        (s.time, s.sequence, s.deviceCounter) = (time, sequence, counter)
    }

    public static func isValid(_ s: RoverAttitudeSample) -> Bool { s.inclinometerValid || s.gyroValid }

    public static var channels: [ChannelDefinition] {
        [
            ChannelDefinition(firstOwn, "Roll", .f64, units: "rad"),
            ChannelDefinition(firstOwn + 1, "Pitch", .f64, units: "rad"),
        ]
    }

    public static func write(_ s: RoverAttitudeSample, to ports: ComponentPorts) {
        ports.write(firstOwn, .f64(s.roll))
        ports.write(firstOwn + 1, .f64(s.pitch))
    }
}

public enum HazardRangeDevice: SensorDevice {
    public static let kind = "HazardRangeDriver"
    public static let summary = "Hazard range sensor driver: HAZARD_RANGE into HazardSample (three forward ranges, m)"
    public static var ids: [UInt16] { [HazardRange.id] }
    public static var defaultStaleTimeout: FlightDuration { .milliseconds(500) }

    public static func part(of m: DeviceMessage) -> (part: Int, counter: UInt8)? {
        guard case .hazardRange(let h) = m else { return nil }
        return (0, h.counter)
    }

    public static func emptySample() -> HazardSample { HazardSample() }

    public static func apply(_ m: DeviceMessage, to s: inout HazardSample) {
        guard case .hazardRange(let h) = m else { return }
        s.range = SIMD3(h.left, h.center, h.right)
        s.valid = h.valid.rawValue
        s.noReturn = h.noReturn.rawValue
    }

    public static func stamp(_ s: inout HazardSample, time: UInt64, sequence: UInt32, counter: UInt8) {
        (s.time, s.sequence, s.deviceCounter) = (time, sequence, counter)
    }

    public static func isValid(_ s: HazardSample) -> Bool { s.valid & 0x07 != 0 }

    public static var channels: [ChannelDefinition] {
        [ChannelDefinition(firstOwn, "WorkingBeams", .u8, update: .onChange, summary: "Bit n: beam n (left, centre, right) works")]
    }

    public static func write(_ s: HazardSample, to ports: ComponentPorts) {
        ports.write(firstOwn, .u8(s.valid))
    }
}
