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
        let ids = Self.planIDs
        return switch self {
        case .engineCommand: ids.engineCommand
        case .engineStatus: ids.engineStatus
        case .attitudeCommand: ids.attitudeCommand
        case .attitudeStatus: ids.attitudeStatus
        case .legContact: ids.legContact
        case .imuAcceleration: ids.imuAcceleration
        case .imuRate: ids.imuRate
        case .altimeterBeam(let m): AltimeterBeam.id(beam: m.beam)
        case .wheelCommand(let m): WheelCommand.id(wheel: m.wheel)
        case .wheelStatus(let m): WheelStatus.id(wheel: m.wheel)
        case .roverAttitude: ids.roverAttitude
        case .hazardRange: ids.hazardRange
        case .power: ids.power
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
        guard n > 0, output.count >= n else { return nil }  // n > 0: the id is in the plan
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
        let check = withDefinition(of: id) { definition -> DeviceDecodeError? in
            guard payload.count == definition.length else {
                return .wrongLength(id: id, expected: definition.length, got: payload.count)
            }
            if let s = definition.firstOutOfRange(payload) { return .outOfRange(id: id, signal: s.name) }
            return nil
        }
        guard let check else { throw .unknownID(id) }  // not in the plan
        if let refusal = check { throw refusal }
        let r = PayloadReader(bytes: payload)
        let ids = Self.planIDs
        switch id {
        case ids.engineCommand: return .engineCommand(EngineControllerCommand(r))
        case ids.engineStatus: return .engineStatus(EngineControllerStatus(r))
        case ids.attitudeCommand: return .attitudeCommand(AttitudeCommand(r))
        case ids.attitudeStatus: return .attitudeStatus(AttitudeStatus(r))
        case ids.legContact: return .legContact(LegContactStatus(r))
        case ids.imuAcceleration: return .imuAcceleration(IMUAcceleration(r))
        case ids.imuRate: return .imuRate(IMURate(r))
        case ids.roverAttitude: return .roverAttitude(RoverAttitude(r))
        case ids.hazardRange: return .hazardRange(HazardRange(r))
        case ids.power: return .power(PowerStatus(r))
        default: break
        }
        if let beam = index(of: id, base: ids.altimeterBeam0, count: AltimeterBeam.beamCount) {
            return .altimeterBeam(AltimeterBeam(beam: beam, r))
        }
        if let wheel = index(of: id, base: ids.wheelCommand0, count: WheelCommand.wheelCount) {
            return .wheelCommand(WheelCommand(wheel: wheel, r))
        }
        if let wheel = index(of: id, base: ids.wheelStatus0, count: WheelCommand.wheelCount) {
            return .wheelStatus(WheelStatus(wheel: wheel, r))
        }
        throw .unknownID(id)
    }

    /// `body` applied to the plan's definition of `id` (nil when the plan has no such id),
    /// without searching the whole plan on the hot path. The definition is lent from its
    /// static, not copied: a copy retains and releases its name, sender and signal table, on
    /// every message sent and received.
    @inline(__always)
    static func withDefinition<R>(of id: UInt16, _ body: (borrowing CANMessage) -> R) -> R? {
        let ids = Self.planIDs
        switch id {
        case ids.engineCommand: return body(EngineControllerCommand.definition)
        case ids.engineStatus: return body(EngineControllerStatus.definition)
        case ids.attitudeCommand: return body(AttitudeCommand.definition)
        case ids.attitudeStatus: return body(AttitudeStatus.definition)
        case ids.legContact: return body(LegContactStatus.definition)
        case ids.imuAcceleration: return body(IMUAcceleration.definition)
        case ids.imuRate: return body(IMURate.definition)
        case ids.roverAttitude: return body(RoverAttitude.definition)
        case ids.hazardRange: return body(HazardRange.definition)
        case ids.power: return body(PowerStatus.definition)
        default:
            if index(of: id, base: ids.altimeterBeam0, count: AltimeterBeam.beamCount) != nil {
                return body(AltimeterBeam.definition)
            } else if index(of: id, base: ids.wheelCommand0, count: WheelCommand.wheelCount) != nil {
                return body(WheelCommand.definition)
            } else if index(of: id, base: ids.wheelStatus0, count: WheelCommand.wheelCount) != nil {
                return body(WheelStatus.definition)
            } else {
                return nil
            }
        }
    }

    static func length(of id: UInt16) -> Int? { withDefinition(of: id) { $0.length } }

    /// Whether `id` is a message of the plan that the Devices codec knows.
    public static func isKnown(_ id: UInt16) -> Bool { length(of: id) != nil }

    /// The plan's ids of the typed messages (of beam and wheel 0 for the numbered ones), read
    /// once per call: each `X.definition.id` is a lazily initialised static, and checking that
    /// it is initialised (swift_once) for every case of a switch, on every message sent and
    /// received, cost more than the switch.
    private struct PlanIDs {
        let engineCommand = EngineControllerCommand.definition.id
        let engineStatus = EngineControllerStatus.definition.id
        let attitudeCommand = AttitudeCommand.definition.id
        let attitudeStatus = AttitudeStatus.definition.id
        let legContact = LegContactStatus.definition.id
        let imuAcceleration = IMUAcceleration.definition.id
        let imuRate = IMURate.definition.id
        let roverAttitude = RoverAttitude.definition.id
        let hazardRange = HazardRange.definition.id
        let power = PowerStatus.definition.id
        let altimeterBeam0 = AltimeterBeam.definition.id
        let wheelCommand0 = WheelCommand.definition.id
        let wheelStatus0 = WheelStatus.definition.id
    }
    private static let planIDs = PlanIDs()

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
