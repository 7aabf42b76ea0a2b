/// Regolith's CAN id plan, the Swift twin of `Boards/regolith.dbc` (the peer test in
/// Tests/peers/test_can_dbc.py checks that cantools reads the same ids, lengths and signals).
///
/// 11-bit ids, grouped by device; a lower id wins arbitration, so the most urgent traffic
/// has the lowest ids: 0x010-0x0FF lander safety-critical, 0x100-0x1FF rover,
/// 0x300-0x3FF power and housekeeping, 0x700-0x7FF ISO-TP transport (see ``ISOTPAddressing``).
public enum RegolithCAN {
    /// Throttle and main valve command to the descent engine controller.
    public static let engineCmd = CANMessage(
        id: 0x010, name: "ENGINE_CMD", length: 4, sender: "FC",
        signals: [
            CANSignal("ThrottleCmd", start: 0, length: 16, factor: 0.01, min: 0, max: 100, unit: "%"),
            CANSignal("ValveCmd", start: 16, length: 2, min: 0, max: 3),
            CANSignal("ArmCmd", start: 18, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 24, length: 8, min: 0, max: 255),
        ])
    /// Descent engine measured thrust, chamber pressure, valve state and fault bits.
    public static let engineStatus = CANMessage(
        id: 0x011, name: "ENGINE_STATUS", length: 8, sender: "ENGINE",
        signals: [
            CANSignal("Thrust", start: 0, length: 16, factor: 0.5, min: 0, max: 32767.5, unit: "N"),
            CANSignal("ChamberPressure", start: 16, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "MPa"),
            CANSignal("ValveState", start: 32, length: 2, min: 0, max: 3),
            CANSignal("Armed", start: 34, length: 1, min: 0, max: 1),
            CANSignal("FaultFlags", start: 40, length: 16, min: 0, max: 65535),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Landing leg touchdown switches (1 = contact).
    public static let legContact = CANMessage(
        id: 0x020, name: "LEG_CONTACT", length: 1, sender: "LEGS",
        signals: [
            CANSignal("Leg1", start: 0, length: 1, min: 0, max: 1),
            CANSignal("Leg2", start: 1, length: 1, min: 0, max: 1),
            CANSignal("Leg3", start: 2, length: 1, min: 0, max: 1),
            CANSignal("Leg4", start: 3, length: 1, min: 0, max: 1),
        ])
    /// Lander IMU specific force, body frame.
    public static let imuAccel = CANMessage(
        id: 0x030, name: "IMU_ACCEL", length: 8, sender: "IMU",
        signals: [
            CANSignal("AccelX", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "m/s^2"),
            CANSignal("AccelY", start: 16, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "m/s^2"),
            CANSignal("AccelZ", start: 32, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "m/s^2"),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Lander IMU angular rates, body frame.
    public static let imuRate = CANMessage(
        id: 0x031, name: "IMU_RATE", length: 8, sender: "IMU",
        signals: [
            CANSignal("RateX", start: 0, length: 16, signed: true, factor: 0.0001, min: -3.2768, max: 3.2767, unit: "rad/s"),
            CANSignal("RateY", start: 16, length: 16, signed: true, factor: 0.0001, min: -3.2768, max: 3.2767, unit: "rad/s"),
            CANSignal("RateZ", start: 32, length: 16, signed: true, factor: 0.0001, min: -3.2768, max: 3.2767, unit: "rad/s"),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Slant range along each of the four altimeter beams.
    public static let altimeterRange = CANMessage(
        id: 0x040, name: "ALTIMETER_RANGE", length: 8, sender: "ALTIMETER",
        signals: [
            CANSignal("Range1", start: 0, length: 16, factor: 0.25, min: 0, max: 16383.75, unit: "m"),
            CANSignal("Range2", start: 16, length: 16, factor: 0.25, min: 0, max: 16383.75, unit: "m"),
            CANSignal("Range3", start: 32, length: 16, factor: 0.25, min: 0, max: 16383.75, unit: "m"),
            CANSignal("Range4", start: 48, length: 16, factor: 0.25, min: 0, max: 16383.75, unit: "m"),
        ])
    /// Velocimeter velocity, body frame; BeamValid has one bit per beam.
    public static let altimeterVelocity = CANMessage(
        id: 0x041, name: "ALTIMETER_VELOCITY", length: 8, sender: "ALTIMETER",
        signals: [
            CANSignal("VelocityX", start: 0, length: 16, signed: true, factor: 0.01, min: -327.68, max: 327.67, unit: "m/s"),
            CANSignal("VelocityY", start: 16, length: 16, signed: true, factor: 0.01, min: -327.68, max: 327.67, unit: "m/s"),
            CANSignal("VelocityZ", start: 32, length: 16, signed: true, factor: 0.01, min: -327.68, max: 327.67, unit: "m/s"),
            CANSignal("BeamValid", start: 48, length: 4, min: 0, max: 15),
            CANSignal("VelocityValid", start: 52, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 0 motor speed command.
    public static let wheel0Cmd = CANMessage(
        id: 0x100, name: "WHEEL0_CMD", length: 3, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
        ])
    /// Wheel 1 motor speed command.
    public static let wheel1Cmd = CANMessage(
        id: 0x101, name: "WHEEL1_CMD", length: 3, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
        ])
    /// Wheel 2 motor speed command.
    public static let wheel2Cmd = CANMessage(
        id: 0x102, name: "WHEEL2_CMD", length: 3, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
        ])
    /// Wheel 3 motor speed command.
    public static let wheel3Cmd = CANMessage(
        id: 0x103, name: "WHEEL3_CMD", length: 3, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
        ])
    /// Wheel 4 motor speed command.
    public static let wheel4Cmd = CANMessage(
        id: 0x104, name: "WHEEL4_CMD", length: 3, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
        ])
    /// Wheel 5 motor speed command.
    public static let wheel5Cmd = CANMessage(
        id: 0x105, name: "WHEEL5_CMD", length: 3, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
        ])
    /// Wheel 0 motor measured speed, current, encoder count and fault code.
    public static let wheel0Status = CANMessage(
        id: 0x110, name: "WHEEL0_STATUS", length: 8, sender: "WHEEL0",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "A"),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("FaultCode", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 1 motor measured speed, current, encoder count and fault code.
    public static let wheel1Status = CANMessage(
        id: 0x111, name: "WHEEL1_STATUS", length: 8, sender: "WHEEL1",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "A"),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("FaultCode", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 2 motor measured speed, current, encoder count and fault code.
    public static let wheel2Status = CANMessage(
        id: 0x112, name: "WHEEL2_STATUS", length: 8, sender: "WHEEL2",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "A"),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("FaultCode", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 3 motor measured speed, current, encoder count and fault code.
    public static let wheel3Status = CANMessage(
        id: 0x113, name: "WHEEL3_STATUS", length: 8, sender: "WHEEL3",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "A"),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("FaultCode", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 4 motor measured speed, current, encoder count and fault code.
    public static let wheel4Status = CANMessage(
        id: 0x114, name: "WHEEL4_STATUS", length: 8, sender: "WHEEL4",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "A"),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("FaultCode", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 5 motor measured speed, current, encoder count and fault code.
    public static let wheel5Status = CANMessage(
        id: 0x115, name: "WHEEL5_STATUS", length: 8, sender: "WHEEL5",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "A"),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("FaultCode", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Rover inclinometer roll and pitch, and heading rate.
    public static let roverAttitude = CANMessage(
        id: 0x120, name: "ROVER_ATTITUDE", length: 8, sender: "ROVER_IMU",
        signals: [
            CANSignal("Roll", start: 0, length: 16, signed: true, factor: 0.0001, min: -3.1416, max: 3.1416, unit: "rad"),
            CANSignal("Pitch", start: 16, length: 16, signed: true, factor: 0.0001, min: -3.1416, max: 3.1416, unit: "rad"),
            CANSignal("HeadingRate", start: 32, length: 16, signed: true, factor: 0.0001, min: -3.2768, max: 3.2767, unit: "rad/s"),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Hazard range sensor: three forward ranges and a valid bit each.
    public static let hazardRange = CANMessage(
        id: 0x121, name: "HAZARD_RANGE", length: 8, sender: "HAZARD",
        signals: [
            CANSignal("RangeLeft", start: 0, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "m"),
            CANSignal("RangeCenter", start: 16, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "m"),
            CANSignal("RangeRight", start: 32, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "m"),
            CANSignal("Valid", start: 48, length: 3, min: 0, max: 7),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Power system bus voltage, current (positive = discharge) and battery state of charge.
    public static let powerStatus = CANMessage(
        id: 0x300, name: "POWER_STATUS", length: 6, sender: "POWER",
        signals: [
            CANSignal("BusVoltage", start: 0, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "V"),
            CANSignal("BusCurrent", start: 16, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "A"),
            CANSignal("StateOfCharge", start: 32, length: 8, factor: 0.5, min: 0, max: 100, unit: "%"),
            CANSignal("Faults", start: 40, length: 8, min: 0, max: 255),
        ])

    /// Every message of the plan, by ascending id.
    public static let messages: [CANMessage] = [
        engineCmd, engineStatus, legContact, imuAccel, imuRate, altimeterRange, altimeterVelocity, wheel0Cmd, wheel1Cmd, wheel2Cmd, wheel3Cmd, wheel4Cmd, wheel5Cmd, wheel0Status, wheel1Status, wheel2Status, wheel3Status, wheel4Status, wheel5Status, roverAttitude, hazardRange, powerStatus,
    ]

    public static func message(id: UInt16) -> CANMessage? { messages.first { $0.id == id } }
}
