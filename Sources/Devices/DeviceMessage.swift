public import FlightWire

/// Every message of every device, typed, with one codec: a message is its id from the CAN
/// plan (`Boards/regolith.dbc`, ``FlightWire/RegolithCAN``) and a payload laid out as the plan's
/// signals say. The same payload bytes travel in a CAN frame with that id, or in a COBS+CRC
/// serial frame after the id (``DeviceSerialBinding``). See docs/devices.md.
public enum DeviceMessage: Equatable, Sendable {
    case engineCommand(EngineControllerCommand)
    case engineStatus(EngineControllerStatus)
    case attitudeCommand(AttitudeCommand)
    case attitudeStatus(AttitudeStatus)
    case legContact(LegContactStatus)
    case imuAcceleration(IMUAcceleration)
    case imuRate(IMURate)
    case altimeterBeam(AltimeterBeam)
    case wheelCommand(WheelCommand)
    case wheelStatus(WheelStatus)
    case roverAttitude(RoverAttitude)
    case hazardRange(HazardRange)
    case power(PowerStatus)

    /// The longest payload of any message.
    public static let maxPayloadCount = 8

    /// The message's id in the CAN plan.
    public var id: UInt16 {
        switch self {
        case .engineCommand: EngineControllerCommand.definition.id
        case .engineStatus: EngineControllerStatus.definition.id
        case .attitudeCommand: AttitudeCommand.definition.id
        case .attitudeStatus: AttitudeStatus.definition.id
        case .legContact: LegContactStatus.definition.id
        case .imuAcceleration: IMUAcceleration.definition.id
        case .imuRate: IMURate.definition.id
        case .altimeterBeam(let m): AltimeterBeam.id(beam: m.beam)
        case .wheelCommand(let m): WheelCommand.id(wheel: m.wheel)
        case .wheelStatus(let m): WheelStatus.id(wheel: m.wheel)
        case .roverAttitude: RoverAttitude.definition.id
        case .hazardRange: HazardRange.definition.id
        case .power: PowerStatus.definition.id
        }
    }

    /// The payload length the plan gives this message.
    public var payloadCount: Int { Self.length(of: id) ?? 0 }

    /// Whether the message goes from the flight computer to a device (a command) rather than
    /// from a device (a status).
    public var isCommand: Bool {
        switch self {
        case .engineCommand, .wheelCommand, .attitudeCommand: true
        default: false
        }
    }

    /// Writes the payload (``payloadCount`` bytes, unused bits zero) into `output`; returns the
    /// length, or nil when `output` is too small or the message's beam or wheel number does not
    /// exist. Fields out of range are clamped to their range. Allocates nothing.
    public func encode(into output: UnsafeMutableRawBufferPointer) -> Int? {
        let n = payloadCount
        guard n > 0, output.count >= n, Self.length(of: id) != nil else { return nil }
        let payload = UnsafeMutableRawBufferPointer(rebasing: output[0..<n])
        payload.initializeMemory(as: UInt8.self, repeating: 0)
        let w = PayloadWriter(bytes: payload)
        switch self {
        case .engineCommand(let m): m.write(w)
        case .engineStatus(let m): m.write(w)
        case .attitudeCommand(let m): m.write(w)
        case .attitudeStatus(let m): m.write(w)
        case .legContact(let m): m.write(w)
        case .imuAcceleration(let m): m.write(w)
        case .imuRate(let m): m.write(w)
        case .altimeterBeam(let m):
            guard (0..<AltimeterBeam.beamCount).contains(m.beam) else { return nil }
            m.write(w)
        case .wheelCommand(let m):
            guard (0..<WheelCommand.wheelCount).contains(m.wheel) else { return nil }
            m.write(w)
        case .wheelStatus(let m):
            guard (0..<WheelCommand.wheelCount).contains(m.wheel) else { return nil }
            m.write(w)
        case .roverAttitude(let m): m.write(w)
        case .hazardRange(let m): m.write(w)
        case .power(let m): m.write(w)
        }
        return n
    }

    /// Decodes a payload received under `id`. Rejects ids outside the plan, payloads of the
    /// wrong length and fields outside their range, each with its reason. Never traps.
    public static func decode(id: UInt16, payload: UnsafeRawBufferPointer) throws(DeviceDecodeError) -> DeviceMessage {
        guard let definition = definition(of: id) else { throw .unknownID(id) }
        guard payload.count == definition.length else {
            throw .wrongLength(id: id, expected: definition.length, got: payload.count)
        }
        if let s = definition.firstOutOfRange(payload) { throw .outOfRange(id: id, signal: s.name) }
        let r = PayloadReader(bytes: payload)
        switch id {
        case EngineControllerCommand.definition.id: return .engineCommand(EngineControllerCommand(r))
        case EngineControllerStatus.definition.id: return .engineStatus(EngineControllerStatus(r))
        case AttitudeCommand.definition.id: return .attitudeCommand(AttitudeCommand(r))
        case AttitudeStatus.definition.id: return .attitudeStatus(AttitudeStatus(r))
        case LegContactStatus.definition.id: return .legContact(LegContactStatus(r))
        case IMUAcceleration.definition.id: return .imuAcceleration(IMUAcceleration(r))
        case IMURate.definition.id: return .imuRate(IMURate(r))
        case RoverAttitude.definition.id: return .roverAttitude(RoverAttitude(r))
        case HazardRange.definition.id: return .hazardRange(HazardRange(r))
        case PowerStatus.definition.id: return .power(PowerStatus(r))
        default: break
        }
        if let beam = index(of: id, base: AltimeterBeam.definition.id, count: AltimeterBeam.beamCount) {
            return .altimeterBeam(AltimeterBeam(beam: beam, r))
        }
        if let wheel = index(of: id, base: WheelCommand.definition.id, count: WheelCommand.wheelCount) {
            return .wheelCommand(WheelCommand(wheel: wheel, r))
        }
        if let wheel = index(of: id, base: WheelStatus.definition.id, count: WheelCommand.wheelCount) {
            return .wheelStatus(WheelStatus(wheel: wheel, r))
        }
        throw .unknownID(id)
    }

    /// The plan's definition of `id`, without searching the whole plan on the hot path.
    static func definition(of id: UInt16) -> CANMessage? {
        switch id {
        case EngineControllerCommand.definition.id: EngineControllerCommand.definition
        case EngineControllerStatus.definition.id: EngineControllerStatus.definition
        case AttitudeCommand.definition.id: AttitudeCommand.definition
        case AttitudeStatus.definition.id: AttitudeStatus.definition
        case LegContactStatus.definition.id: LegContactStatus.definition
        case IMUAcceleration.definition.id: IMUAcceleration.definition
        case IMURate.definition.id: IMURate.definition
        case RoverAttitude.definition.id: RoverAttitude.definition
        case HazardRange.definition.id: HazardRange.definition
        case PowerStatus.definition.id: PowerStatus.definition
        default:
            if index(of: id, base: AltimeterBeam.definition.id, count: AltimeterBeam.beamCount) != nil {
                AltimeterBeam.definition
            } else if index(of: id, base: WheelCommand.definition.id, count: WheelCommand.wheelCount) != nil {
                WheelCommand.definition
            } else if index(of: id, base: WheelStatus.definition.id, count: WheelCommand.wheelCount) != nil {
                WheelStatus.definition
            } else {
                nil
            }
        }
    }

    static func length(of id: UInt16) -> Int? { definition(of: id)?.length }

    /// Whether `id` is a message of the plan that the Devices codec knows.
    public static func isKnown(_ id: UInt16) -> Bool { definition(of: id) != nil }

    private static func index(of id: UInt16, base: UInt16, count: Int) -> Int? {
        id >= base && Int(id - base) < count ? Int(id - base) : nil
    }
}

// MARK: - CAN binding

extension DeviceMessage {
    /// The message as a classic CAN data frame with its 11-bit plan id.
    public var canFrame: CANFrame? {
        var bytes: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &bytes) { b -> CANFrame? in
            guard let n = encode(into: b) else { return nil }
            return try? CANFrame(id: .standard(id), data: UnsafeRawBufferPointer(rebasing: b[0..<n]))
        }
    }

    /// Decodes a received CAN frame. Remote, CAN FD and extended-id frames are rejected (the
    /// plan has none); error frames are the caller's to handle before this.
    public static func decode(frame: CANFrame) throws(DeviceDecodeError) -> DeviceMessage {
        guard !frame.isRemote else { throw .unsupportedFrame(.remote) }
        guard !frame.isFD else { throw .unsupportedFrame(.fd) }
        guard case .standard(let id) = frame.id else { throw .unsupportedFrame(.extendedID) }
        let result = frame.withUnsafeBytes { p -> Result<DeviceMessage, DeviceDecodeError> in
            do throws(DeviceDecodeError) { return .success(try decode(id: id, payload: p)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
