/// Regolith's CAN id plan, the Swift twin of `Boards/regolith.dbc` (the peer test in
/// Tests/peers/test_wire_can.py checks that cantools reads the same ids, lengths and signals).
///
/// 11-bit ids, grouped by device; a lower id wins arbitration, so the most urgent traffic
/// has the lowest ids: 0x010-0x0FF lander safety-critical, 0x100-0x1FF rover,
/// 0x300-0x3FF power and housekeeping, 0x700-0x7FF ISO-TP transport (see ``ISOTPAddressing``).
/// Every status message carries a rolling `Counter` and validity bits, every command a
/// `Counter` that changes with each command; the typed messages and their meaning live in the
/// Devices target (docs/devices.md).
public enum RegolithCAN {
    /// Descent engine command: throttle, main valve, arm, shutdown; Counter must change with every command.
    public static let engineCmd = CANMessage(
        id: 0x010, name: "ENGINE_CMD", length: 4, sender: "FC",
        signals: [
            CANSignal("ThrottleCmd", start: 0, length: 16, factor: 0.01, min: 0, max: 100, unit: "%"),
            CANSignal("ValveCmd", start: 16, length: 2, min: 0, max: 3),
            CANSignal("ArmCmd", start: 18, length: 1, min: 0, max: 1),
            CANSignal("Shutdown", start: 19, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 24, length: 8, min: 0, max: 255),
        ])
    /// Descent engine measured thrust and chamber pressure, valve state, armed, latched shutdown, validity, faults, last accepted command counter.
    public static let engineStatus = CANMessage(
        id: 0x011, name: "ENGINE_STATUS", length: 8, sender: "ENGINE",
        signals: [
            CANSignal("Thrust", start: 0, length: 16, min: 0, max: 65535, unit: "N"),
            CANSignal("ChamberPressure", start: 16, length: 16, factor: 0.0001, min: 0, max: 6.5535, unit: "MPa"),
            CANSignal("ValveState", start: 32, length: 2, min: 0, max: 3),
            CANSignal("Armed", start: 34, length: 1, min: 0, max: 1),
            CANSignal("Shutdown", start: 35, length: 1, min: 0, max: 1),
            CANSignal("ThrustValid", start: 36, length: 1, min: 0, max: 1),
            CANSignal("PressureValid", start: 37, length: 1, min: 0, max: 1),
            CANSignal("FaultFlags", start: 40, length: 8, min: 0, max: 255),
            CANSignal("CmdCounter", start: 48, length: 8, min: 0, max: 255),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Attitude control: the thrust axis to point (unit vector, Moon-centred inertial frame), or hold the present attitude; Counter must change with every command.
    public static let attitudeCmd = CANMessage(
        id: 0x018, name: "ATTITUDE_CMD", length: 8, sender: "FC",
        signals: [
            CANSignal("AxisX", start: 0, length: 16, signed: true, factor: 3.3333e-05, min: -1.0922, max: 1.0922, unit: "1"),
            CANSignal("AxisY", start: 16, length: 16, signed: true, factor: 3.3333e-05, min: -1.0922, max: 1.0922, unit: "1"),
            CANSignal("AxisZ", start: 32, length: 16, signed: true, factor: 3.3333e-05, min: -1.0922, max: 1.0922, unit: "1"),
            CANSignal("Hold", start: 48, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Attitude control status: angle between the thrust axis and its target, body rate magnitude, settled/holding/valid, last accepted command counter.
    public static let attitudeStatus = CANMessage(
        id: 0x019, name: "ATTITUDE_STATUS", length: 8, sender: "ACS",
        signals: [
            CANSignal("PointingError", start: 0, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "deg"),
            CANSignal("BodyRate", start: 16, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "deg/s"),
            CANSignal("Settled", start: 32, length: 1, min: 0, max: 1),
            CANSignal("Holding", start: 33, length: 1, min: 0, max: 1),
            CANSignal("Valid", start: 34, length: 1, min: 0, max: 1),
            CANSignal("CmdCounter", start: 48, length: 8, min: 0, max: 255),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Landing leg touchdown switches (1 = contact) and per-switch health (1 = valid).
    public static let legContact = CANMessage(
        id: 0x020, name: "LEG_CONTACT", length: 2, sender: "LEGS",
        signals: [
            CANSignal("Leg1", start: 0, length: 1, min: 0, max: 1),
            CANSignal("Leg2", start: 1, length: 1, min: 0, max: 1),
            CANSignal("Leg3", start: 2, length: 1, min: 0, max: 1),
            CANSignal("Leg4", start: 3, length: 1, min: 0, max: 1),
            CANSignal("Leg1Valid", start: 4, length: 1, min: 0, max: 1),
            CANSignal("Leg2Valid", start: 5, length: 1, min: 0, max: 1),
            CANSignal("Leg3Valid", start: 6, length: 1, min: 0, max: 1),
            CANSignal("Leg4Valid", start: 7, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 8, length: 8, min: 0, max: 255),
        ])
    /// Lander IMU specific force, body frame; Counter pairs it with IMU_RATE of the same sample.
    public static let imuAccel = CANMessage(
        id: 0x030, name: "IMU_ACCEL", length: 8, sender: "IMU",
        signals: [
            CANSignal("AccelX", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "m/s^2"),
            CANSignal("AccelY", start: 16, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "m/s^2"),
            CANSignal("AccelZ", start: 32, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "m/s^2"),
            CANSignal("Valid", start: 48, length: 1, min: 0, max: 1),
            CANSignal("Saturated", start: 49, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Lander IMU angular rates, body frame; Counter pairs it with IMU_ACCEL of the same sample.
    public static let imuRate = CANMessage(
        id: 0x031, name: "IMU_RATE", length: 8, sender: "IMU",
        signals: [
            CANSignal("RateX", start: 0, length: 16, signed: true, factor: 0.0001, min: -3.2768, max: 3.2767, unit: "rad/s"),
            CANSignal("RateY", start: 16, length: 16, signed: true, factor: 0.0001, min: -3.2768, max: 3.2767, unit: "rad/s"),
            CANSignal("RateZ", start: 32, length: 16, signed: true, factor: 0.0001, min: -3.2768, max: 3.2767, unit: "rad/s"),
            CANSignal("Valid", start: 48, length: 1, min: 0, max: 1),
            CANSignal("Saturated", start: 49, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Altimeter/velocimeter beam 0: slant range and range rate (line-of-sight velocity, negative = closing) with validity bits.
    public static let altimeterBeam0 = CANMessage(
        id: 0x040, name: "ALTIMETER_BEAM0", length: 8, sender: "ALTIMETER",
        signals: [
            CANSignal("Range", start: 0, length: 20, factor: 0.02, min: 0, max: 20971.5, unit: "m"),
            CANSignal("RangeRate", start: 20, length: 20, signed: true, factor: 0.002, min: -1048.576, max: 1048.574, unit: "m/s"),
            CANSignal("RangeValid", start: 40, length: 1, min: 0, max: 1),
            CANSignal("RateValid", start: 41, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Altimeter/velocimeter beam 1: slant range and range rate (line-of-sight velocity, negative = closing) with validity bits.
    public static let altimeterBeam1 = CANMessage(
        id: 0x041, name: "ALTIMETER_BEAM1", length: 8, sender: "ALTIMETER",
        signals: [
            CANSignal("Range", start: 0, length: 20, factor: 0.02, min: 0, max: 20971.5, unit: "m"),
            CANSignal("RangeRate", start: 20, length: 20, signed: true, factor: 0.002, min: -1048.576, max: 1048.574, unit: "m/s"),
            CANSignal("RangeValid", start: 40, length: 1, min: 0, max: 1),
            CANSignal("RateValid", start: 41, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Altimeter/velocimeter beam 2: slant range and range rate (line-of-sight velocity, negative = closing) with validity bits.
    public static let altimeterBeam2 = CANMessage(
        id: 0x042, name: "ALTIMETER_BEAM2", length: 8, sender: "ALTIMETER",
        signals: [
            CANSignal("Range", start: 0, length: 20, factor: 0.02, min: 0, max: 20971.5, unit: "m"),
            CANSignal("RangeRate", start: 20, length: 20, signed: true, factor: 0.002, min: -1048.576, max: 1048.574, unit: "m/s"),
            CANSignal("RangeValid", start: 40, length: 1, min: 0, max: 1),
            CANSignal("RateValid", start: 41, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Altimeter/velocimeter beam 3: slant range and range rate (line-of-sight velocity, negative = closing) with validity bits.
    public static let altimeterBeam3 = CANMessage(
        id: 0x043, name: "ALTIMETER_BEAM3", length: 8, sender: "ALTIMETER",
        signals: [
            CANSignal("Range", start: 0, length: 20, factor: 0.02, min: 0, max: 20971.5, unit: "m"),
            CANSignal("RangeRate", start: 20, length: 20, signed: true, factor: 0.002, min: -1048.576, max: 1048.574, unit: "m/s"),
            CANSignal("RangeValid", start: 40, length: 1, min: 0, max: 1),
            CANSignal("RateValid", start: 41, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 0 motor speed command; Counter must change with every command.
    public static let wheel0Cmd = CANMessage(
        id: 0x100, name: "WHEEL0_CMD", length: 4, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 24, length: 8, min: 0, max: 255),
        ])
    /// Wheel 1 motor speed command; Counter must change with every command.
    public static let wheel1Cmd = CANMessage(
        id: 0x101, name: "WHEEL1_CMD", length: 4, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 24, length: 8, min: 0, max: 255),
        ])
    /// Wheel 2 motor speed command; Counter must change with every command.
    public static let wheel2Cmd = CANMessage(
        id: 0x102, name: "WHEEL2_CMD", length: 4, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 24, length: 8, min: 0, max: 255),
        ])
    /// Wheel 3 motor speed command; Counter must change with every command.
    public static let wheel3Cmd = CANMessage(
        id: 0x103, name: "WHEEL3_CMD", length: 4, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 24, length: 8, min: 0, max: 255),
        ])
    /// Wheel 4 motor speed command; Counter must change with every command.
    public static let wheel4Cmd = CANMessage(
        id: 0x104, name: "WHEEL4_CMD", length: 4, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 24, length: 8, min: 0, max: 255),
        ])
    /// Wheel 5 motor speed command; Counter must change with every command.
    public static let wheel5Cmd = CANMessage(
        id: 0x105, name: "WHEEL5_CMD", length: 4, sender: "ROVER_FC",
        signals: [
            CANSignal("SpeedCmd", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Enable", start: 16, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 24, length: 8, min: 0, max: 255),
        ])
    /// Wheel 0 motor measured speed, current, flags and wrapping encoder count.
    public static let wheel0Status = CANMessage(
        id: 0x110, name: "WHEEL0_STATUS", length: 8, sender: "WHEEL0",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 11, factor: 0.004, min: 0, max: 8.188, unit: "A"),
            CANSignal("Valid", start: 27, length: 1, min: 0, max: 1),
            CANSignal("Enabled", start: 28, length: 1, min: 0, max: 1),
            CANSignal("Stall", start: 29, length: 1, min: 0, max: 1),
            CANSignal("OverCurrent", start: 30, length: 1, min: 0, max: 1),
            CANSignal("CmdTimeout", start: 31, length: 1, min: 0, max: 1),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 1 motor measured speed, current, flags and wrapping encoder count.
    public static let wheel1Status = CANMessage(
        id: 0x111, name: "WHEEL1_STATUS", length: 8, sender: "WHEEL1",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 11, factor: 0.004, min: 0, max: 8.188, unit: "A"),
            CANSignal("Valid", start: 27, length: 1, min: 0, max: 1),
            CANSignal("Enabled", start: 28, length: 1, min: 0, max: 1),
            CANSignal("Stall", start: 29, length: 1, min: 0, max: 1),
            CANSignal("OverCurrent", start: 30, length: 1, min: 0, max: 1),
            CANSignal("CmdTimeout", start: 31, length: 1, min: 0, max: 1),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 2 motor measured speed, current, flags and wrapping encoder count.
    public static let wheel2Status = CANMessage(
        id: 0x112, name: "WHEEL2_STATUS", length: 8, sender: "WHEEL2",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 11, factor: 0.004, min: 0, max: 8.188, unit: "A"),
            CANSignal("Valid", start: 27, length: 1, min: 0, max: 1),
            CANSignal("Enabled", start: 28, length: 1, min: 0, max: 1),
            CANSignal("Stall", start: 29, length: 1, min: 0, max: 1),
            CANSignal("OverCurrent", start: 30, length: 1, min: 0, max: 1),
            CANSignal("CmdTimeout", start: 31, length: 1, min: 0, max: 1),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 3 motor measured speed, current, flags and wrapping encoder count.
    public static let wheel3Status = CANMessage(
        id: 0x113, name: "WHEEL3_STATUS", length: 8, sender: "WHEEL3",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 11, factor: 0.004, min: 0, max: 8.188, unit: "A"),
            CANSignal("Valid", start: 27, length: 1, min: 0, max: 1),
            CANSignal("Enabled", start: 28, length: 1, min: 0, max: 1),
            CANSignal("Stall", start: 29, length: 1, min: 0, max: 1),
            CANSignal("OverCurrent", start: 30, length: 1, min: 0, max: 1),
            CANSignal("CmdTimeout", start: 31, length: 1, min: 0, max: 1),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 4 motor measured speed, current, flags and wrapping encoder count.
    public static let wheel4Status = CANMessage(
        id: 0x114, name: "WHEEL4_STATUS", length: 8, sender: "WHEEL4",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 11, factor: 0.004, min: 0, max: 8.188, unit: "A"),
            CANSignal("Valid", start: 27, length: 1, min: 0, max: 1),
            CANSignal("Enabled", start: 28, length: 1, min: 0, max: 1),
            CANSignal("Stall", start: 29, length: 1, min: 0, max: 1),
            CANSignal("OverCurrent", start: 30, length: 1, min: 0, max: 1),
            CANSignal("CmdTimeout", start: 31, length: 1, min: 0, max: 1),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Wheel 5 motor measured speed, current, flags and wrapping encoder count.
    public static let wheel5Status = CANMessage(
        id: 0x115, name: "WHEEL5_STATUS", length: 8, sender: "WHEEL5",
        signals: [
            CANSignal("Speed", start: 0, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "rad/s"),
            CANSignal("Current", start: 16, length: 11, factor: 0.004, min: 0, max: 8.188, unit: "A"),
            CANSignal("Valid", start: 27, length: 1, min: 0, max: 1),
            CANSignal("Enabled", start: 28, length: 1, min: 0, max: 1),
            CANSignal("Stall", start: 29, length: 1, min: 0, max: 1),
            CANSignal("OverCurrent", start: 30, length: 1, min: 0, max: 1),
            CANSignal("CmdTimeout", start: 31, length: 1, min: 0, max: 1),
            CANSignal("EncoderCount", start: 32, length: 24, signed: true, min: -8388608, max: 8388607, unit: "counts"),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Rover inclinometer roll and pitch, gyro heading rate, validity bits.
    public static let roverAttitude = CANMessage(
        id: 0x120, name: "ROVER_ATTITUDE", length: 8, sender: "ROVER_IMU",
        signals: [
            CANSignal("Roll", start: 0, length: 16, signed: true, factor: 0.0001, min: -3.1416, max: 3.1416, unit: "rad"),
            CANSignal("Pitch", start: 16, length: 16, signed: true, factor: 0.0001, min: -3.1416, max: 3.1416, unit: "rad"),
            CANSignal("HeadingRate", start: 32, length: 16, signed: true, factor: 0.0001, min: -3.2768, max: 3.2767, unit: "rad/s"),
            CANSignal("InclinometerValid", start: 48, length: 1, min: 0, max: 1),
            CANSignal("GyroValid", start: 49, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Hazard range sensor: three forward ranges; Valid and NoReturn have one bit per beam (left, centre, right).
    public static let hazardRange = CANMessage(
        id: 0x121, name: "HAZARD_RANGE", length: 8, sender: "HAZARD",
        signals: [
            CANSignal("RangeLeft", start: 0, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "m"),
            CANSignal("RangeCenter", start: 16, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "m"),
            CANSignal("RangeRight", start: 32, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "m"),
            CANSignal("Valid", start: 48, length: 3, min: 0, max: 7),
            CANSignal("NoReturn", start: 51, length: 3, min: 0, max: 7),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])
    /// Power system bus voltage, current (positive = discharge), battery state of charge, faults and validity bits.
    public static let powerStatus = CANMessage(
        id: 0x300, name: "POWER_STATUS", length: 8, sender: "POWER",
        signals: [
            CANSignal("BusVoltage", start: 0, length: 16, factor: 0.001, min: 0, max: 65.535, unit: "V"),
            CANSignal("BusCurrent", start: 16, length: 16, signed: true, factor: 0.001, min: -32.768, max: 32.767, unit: "A"),
            CANSignal("StateOfCharge", start: 32, length: 8, factor: 0.5, min: 0, max: 100, unit: "%"),
            CANSignal("Faults", start: 40, length: 8, min: 0, max: 255),
            CANSignal("VoltageValid", start: 48, length: 1, min: 0, max: 1),
            CANSignal("CurrentValid", start: 49, length: 1, min: 0, max: 1),
            CANSignal("ChargeValid", start: 50, length: 1, min: 0, max: 1),
            CANSignal("Counter", start: 56, length: 8, min: 0, max: 255),
        ])

    /// The four altimeter/velocimeter beams, by beam number.
    public static let altimeterBeams: [CANMessage] = [altimeterBeam0, altimeterBeam1, altimeterBeam2, altimeterBeam3]
    /// The six wheel motor commands, by wheel number.
    public static let wheelCommands: [CANMessage] = [wheel0Cmd, wheel1Cmd, wheel2Cmd, wheel3Cmd, wheel4Cmd, wheel5Cmd]
    /// The six wheel motor statuses, by wheel number.
    public static let wheelStatuses: [CANMessage] = [wheel0Status, wheel1Status, wheel2Status, wheel3Status, wheel4Status, wheel5Status]

    /// Every message of the plan, by ascending id.
    public static let messages: [CANMessage] = [
        engineCmd, engineStatus, attitudeCmd, attitudeStatus, legContact, imuAccel, imuRate, altimeterBeam0, altimeterBeam1, altimeterBeam2, altimeterBeam3, wheel0Cmd, wheel1Cmd, wheel2Cmd, wheel3Cmd, wheel4Cmd, wheel5Cmd, wheel0Status, wheel1Status, wheel2Status, wheel3Status, wheel4Status, wheel5Status, roverAttitude, hazardRange, powerStatus,
    ]

    public static func message(id: UInt16) -> CANMessage? { messages.first { $0.id == id } }
}
