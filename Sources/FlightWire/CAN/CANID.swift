/// A CAN identifier: 11-bit standard or 29-bit extended. Lower ids win arbitration.
public enum CANID: Hashable, Sendable, BitwiseCopyable {
    case standard(UInt16)
    case extended(UInt32)

    public static let maxStandard: UInt16 = 0x7FF
    public static let maxExtended: UInt32 = 0x1FFF_FFFF

    public var rawValue: UInt32 {
        switch self {
        case .standard(let v): UInt32(v)
        case .extended(let v): v
        }
    }

    public var isExtended: Bool { if case .extended = self { true } else { false } }

    public func validate() throws(CANFrameError) {
        switch self {
        case .standard(let v): guard v <= Self.maxStandard else { throw .idOutOfRange(UInt32(v), extended: false) }
        case .extended(let v): guard v <= Self.maxExtended else { throw .idOutOfRange(v, extended: true) }
        }
    }
}

/// Why a CAN frame could not be made or decoded.
public enum CANFrameError: Error, Equatable, Sendable {
    case idOutOfRange(UInt32, extended: Bool)
    case tooLong(Int, max: Int)
    /// CAN FD lengths are 0...8, 12, 16, 20, 24, 32, 48 or 64.
    case invalidFDLength(Int)
    case bitRateSwitchWithoutFD
    /// A SocketCAN frame shorter than its header, or with a length its DLC cannot be.
    case malformedSocketCANFrame
}
