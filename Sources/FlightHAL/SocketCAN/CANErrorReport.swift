public import FlightWire

/// What a CAN controller reported in one error frame (linux/can/error.h): the error classes
/// in the `can_id` bits and the details in the data bytes, typed.
public struct CANErrorReport: Hashable, Sendable {
    /// Error classes (`can_id` bits, CAN_ERR_*).
    public struct Classes: OptionSet, Hashable, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let txTimeout = Classes(rawValue: 0x001)
        public static let lostArbitration = Classes(rawValue: 0x002)
        public static let controller = Classes(rawValue: 0x004)
        public static let protocolViolation = Classes(rawValue: 0x008)
        public static let transceiver = Classes(rawValue: 0x010)
        public static let noAck = Classes(rawValue: 0x020)
        public static let busOff = Classes(rawValue: 0x040)
        public static let busError = Classes(rawValue: 0x080)
        public static let restarted = Classes(rawValue: 0x100)
        public static let counters = Classes(rawValue: 0x200)
        /// Every class: the error mask a link asks the kernel for by default.
        public static let all = Classes(rawValue: 0x1FFF_FFFF)
    }

    /// Controller status (data[1], CAN_ERR_CRTL_*).
    public struct ControllerStatus: OptionSet, Hashable, Sendable, BitwiseCopyable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let rxOverflow = ControllerStatus(rawValue: 0x01)
        public static let txOverflow = ControllerStatus(rawValue: 0x02)
        public static let rxWarning = ControllerStatus(rawValue: 0x04)
        public static let txWarning = ControllerStatus(rawValue: 0x08)
        public static let rxPassive = ControllerStatus(rawValue: 0x10)
        public static let txPassive = ControllerStatus(rawValue: 0x20)
        public static let active = ControllerStatus(rawValue: 0x40)
    }

    /// Protocol violation type (data[2], CAN_ERR_PROT_*).
    public struct ProtocolViolation: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let bit = ProtocolViolation(rawValue: 0x01)
        public static let form = ProtocolViolation(rawValue: 0x02)
        public static let stuff = ProtocolViolation(rawValue: 0x04)
        public static let bit0 = ProtocolViolation(rawValue: 0x08)
        public static let bit1 = ProtocolViolation(rawValue: 0x10)
        public static let overload = ProtocolViolation(rawValue: 0x20)
        public static let active = ProtocolViolation(rawValue: 0x40)
        public static let onTransmit = ProtocolViolation(rawValue: 0x80)
    }

    public var classes: Classes
    /// The bit where arbitration was lost (data[0]; 0: unspecified), with `.lostArbitration`.
    public var arbitrationBit: UInt8
    public var controller: ControllerStatus
    public var protocolViolation: ProtocolViolation
    /// Where in the frame the violation was seen (data[3], CAN_ERR_PROT_LOC_*).
    public var protocolLocation: UInt8
    /// Transceiver status (data[4], CAN_ERR_TRX_*).
    public var transceiver: UInt8
    /// TX and RX error counters (data[6], data[7]) when `.counters` is set.
    public var txErrorCount: UInt8?
    public var rxErrorCount: UInt8?

    /// Decodes an error frame; nil when `frame` is not one.
    public init?(_ frame: CANFrame) {
        guard frame.isError else { return nil }
        let d = frame.data + [UInt8](repeating: 0, count: max(0, 8 - frame.data.count))
        classes = Classes(rawValue: frame.id.rawValue & 0x1FFF_FFFF)
        arbitrationBit = d[0]
        controller = ControllerStatus(rawValue: d[1])
        protocolViolation = ProtocolViolation(rawValue: d[2])
        protocolLocation = d[3]
        transceiver = d[4]
        if classes.contains(.counters) {
            txErrorCount = d[6]
            rxErrorCount = d[7]
        } else {
            txErrorCount = nil
            rxErrorCount = nil
        }
    }

    /// The error frame the kernel would deliver for this report (for tests and injection).
    public func frame() -> CANFrame {
        var data = [UInt8](repeating: 0, count: 8)
        data[0] = arbitrationBit
        data[1] = controller.rawValue
        data[2] = protocolViolation.rawValue
        data[3] = protocolLocation
        data[4] = transceiver
        data[6] = txErrorCount ?? 0
        data[7] = rxErrorCount ?? 0
        // 8 data bytes and an extended id always make a valid frame.
        var f = try! CANFrame(id: .extended(classes.rawValue & CANID.maxExtended), data: data)
        f.isError = true
        return f
    }

    public init(classes: Classes, controller: ControllerStatus = [], txErrorCount: UInt8? = nil, rxErrorCount: UInt8? = nil) {
        self.classes = classes
        arbitrationBit = 0
        self.controller = controller
        protocolViolation = []
        protocolLocation = 0
        transceiver = 0
        self.txErrorCount = txErrorCount
        self.rxErrorCount = rxErrorCount
    }

    /// The state changes this report means for the owning component, worst first.
    public var events: [CANControllerEvent] {
        var e: [CANControllerEvent] = []
        if classes.contains(.busOff) { e.append(.busOff) }
        if classes.contains(.controller) {
            if !controller.isDisjoint(with: [.rxPassive, .txPassive]) { e.append(.errorPassive(controller)) }
            else if !controller.isDisjoint(with: [.rxWarning, .txWarning]) { e.append(.errorWarning(controller)) }
            if controller.contains(.active) { e.append(.errorActive) }
            if !controller.isDisjoint(with: [.rxOverflow, .txOverflow]) { e.append(.controllerOverflow(controller)) }
        }
        if classes.contains(.restarted) { e.append(.restarted) }
        return e
    }
}

/// A change in a CAN controller's state that a driver reports as an event (F Prime-style:
/// bus-off and error-passive as WARNING_HI, warnings as WARNING_LO, recovery as ACTIVITY_HI).
public enum CANControllerEvent: Hashable, Sendable, BitwiseCopyable {
    /// The controller went bus-off (TEC > 255): it sends nothing until restarted.
    case busOff
    /// Error passive (a counter above 127): the controller no longer sends active error flags.
    case errorPassive(CANErrorReport.ControllerStatus)
    /// Error warning (a counter above 96).
    case errorWarning(CANErrorReport.ControllerStatus)
    /// Back to error active.
    case errorActive
    /// The controller's own RX or TX buffer overflowed.
    case controllerOverflow(CANErrorReport.ControllerStatus)
    /// The controller was restarted after bus-off (by restart-ms or by hand).
    case restarted
}

extension CANErrorReport: CustomStringConvertible {
    /// e.g. "bus-off, error counters (tx 128, rx 248)".
    public var description: String {
        var parts: [String] = []
        if classes.contains(.txTimeout) { parts.append("TX timeout") }
        if classes.contains(.lostArbitration) { parts.append("lost arbitration at bit \(arbitrationBit)") }
        if classes.contains(.controller) {
            var c: [String] = []
            if controller.contains(.rxOverflow) { c.append("RX overflow") }
            if controller.contains(.txOverflow) { c.append("TX overflow") }
            if controller.contains(.rxWarning) { c.append("RX warning") }
            if controller.contains(.txWarning) { c.append("TX warning") }
            if controller.contains(.rxPassive) { c.append("RX error-passive") }
            if controller.contains(.txPassive) { c.append("TX error-passive") }
            if controller.contains(.active) { c.append("error-active") }
            parts.append("controller: " + (c.isEmpty ? "unspecified" : c.joined(separator: ", ")))
        }
        if classes.contains(.protocolViolation) {
            let hex = String(protocolViolation.rawValue, radix: 16), loc = String(protocolLocation, radix: 16)
            parts.append("protocol violation 0x\(hex) at location 0x\(loc)")
        }
        if classes.contains(.transceiver) { parts.append("transceiver 0x\(String(transceiver, radix: 16))") }
        if classes.contains(.noAck) { parts.append("no ACK") }
        if classes.contains(.busOff) { parts.append("bus-off") }
        if classes.contains(.busError) { parts.append("bus error") }
        if classes.contains(.restarted) { parts.append("restarted") }
        if let tx = txErrorCount, let rx = rxErrorCount { parts.append("error counters (tx \(tx), rx \(rx))") }
        return parts.isEmpty ? "unspecified error" : parts.joined(separator: ", ")
    }
}
