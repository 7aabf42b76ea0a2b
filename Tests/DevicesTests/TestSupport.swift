import Devices
import FlightWire

/// One example of every message, with values on each field's grid so a round trip is exact.
let everyMessage: [DeviceMessage] = [
    .engineCommand(EngineControllerCommand(throttle: 60, valve: .open, arm: true, counter: 2)),
    .engineCommand(EngineControllerCommand(throttle: 0, valve: .hold, arm: false, shutdown: true, counter: 255)),
    .engineStatus(EngineControllerStatus(
        thrust: 43_700, chamberPressure: 0.7215, valve: .open, armed: true, shutdown: false, thrustValid: true,
        pressureValid: false, faults: [.flameout, .sensorFault], commandCounter: 17, counter: 200)),
    .legContact(LegContactStatus(contact: [.leg1, .leg3], valid: [.leg1, .leg2, .leg3], counter: 9)),
    .imuAcceleration(IMUAcceleration(x: 1.5, y: -2, z: 9.81, valid: true, saturated: false, counter: 3)),
    .imuRate(IMURate(x: -0.0123, y: 3.2767, z: -3.2768, valid: false, saturated: true, counter: 4)),
    .altimeterBeam(AltimeterBeam(beam: 0, range: 15_000.02, rangeRate: -1_048.576, counter: 1)),
    .altimeterBeam(AltimeterBeam(beam: 3, range: 0, rangeRate: 1.234, rangeValid: false, rateValid: true, counter: 250)),
    .wheelCommand(WheelCommand(wheel: 0, speed: -0.372, enable: true, counter: 7)),
    .wheelCommand(WheelCommand(wheel: 5, speed: 32.767, enable: false, counter: 8)),
    .wheelStatus(WheelStatus(
        wheel: 2, speed: 0.371, current: 8.188, encoderCount: -8_388_608, valid: true, enabled: true, stall: true,
        overCurrent: true, commandTimeout: false, counter: 77)),
    .wheelStatus(WheelStatus(wheel: 4, speed: -1, current: 0, encoderCount: 8_388_607, commandTimeout: true, counter: 0)),
    .roverAttitude(RoverAttitude(roll: 0.5, pitch: -3.1416, headingRate: 0.0001, inclinometerValid: false, counter: 12)),
    .hazardRange(HazardRange(left: 2.5, center: 65.535, right: 0, valid: [.left, .center], noReturn: [.center], counter: 13)),
    .power(PowerStatus(
        busVoltage: 28.125, busCurrent: -12.5, stateOfCharge: 99.5, faults: [.busUndervoltage, .chargeFault],
        chargeValid: false, counter: 14)),
    // Appended (tests index the earlier entries).
    .attitudeCommand(AttitudeCommand(axis: (3.3333e-05 * 18_000, -3.3333e-05 * 24_000, 0), counter: 7)),
    .attitudeCommand(AttitudeCommand(axis: (0, 0, 0), hold: true, counter: 8)),
    .attitudeStatus(AttitudeStatus(
        pointingError: 0.001 * 12_345, bodyRate: 0.001 * 2_500, settled: false, holding: false, valid: true, commandCounter: 7, counter: 30)),
]

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined(separator: " ")
}

func payload(of m: DeviceMessage) -> [UInt8] {
    var b = [UInt8](repeating: 0, count: 8)
    let n = b.withUnsafeMutableBytes { m.encode(into: $0) } ?? 0
    return Array(b[0..<n])
}

func wire(_ m: DeviceMessage) -> [UInt8] {
    var b = [UInt8](repeating: 0, count: DeviceSerialBinding.maxWireCount)
    let n = b.withUnsafeMutableBytes { DeviceSerialBinding.encode(m, into: $0) } ?? 0
    return Array(b[0..<n])
}

/// A serial frame around any payload (id bytes included), for hand-made bad frames.
func serialFrame(_ framePayload: [UInt8]) -> [UInt8] {
    var b = [UInt8](repeating: 0, count: COBSFrame.maxWireCount(payloadCount: framePayload.count))
    let n = framePayload.withUnsafeBytes { p in b.withUnsafeMutableBytes { COBSFrame.encode(p, into: $0) } } ?? 0
    return Array(b[0..<n])
}

/// Decodes a byte stream with a fresh decoder; returns the messages and the rejections.
func decodeStream(_ bytes: [UInt8]) -> ([DeviceMessage], [DeviceDecodeError], RejectionCounts) {
    var d = DeviceStreamDecoder()
    var got: [DeviceMessage] = [], errors: [DeviceDecodeError] = []
    bytes.withUnsafeBytes { d.ingest($0, deliver: { got.append($0) }, reject: { errors.append($0) }) }
    return (got, errors, d.rejections)
}
