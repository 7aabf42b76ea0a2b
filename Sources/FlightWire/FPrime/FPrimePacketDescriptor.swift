/// F Prime's packet descriptor (`ComCfg.Apid` in F Prime 4, serialised as U16): the first
/// field of every F Prime packet, and the APID of the Space Packet that carries it.
public struct FPrimePacketDescriptor: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let command = Self(rawValue: 0)
    public static let telemetry = Self(rawValue: 1)
    public static let log = Self(rawValue: 2)
    public static let file = Self(rawValue: 3)
    public static let packetizedTelemetry = Self(rawValue: 4)
    public static let idle = Self(rawValue: 5)
    public static let handshake = Self(rawValue: 0xFE)
    public static let unknown = Self(rawValue: 0xFF)

    /// The APID to put this packet under (F Prime's framer uses the descriptor itself).
    public var apid: UInt16 { rawValue & SpacePacketHeader.maxAPID }
}

/// Why an F Prime packet could not be decoded.
public enum FPrimePacketError: Error, Equatable, Sendable {
    /// Fewer bytes than the packet's fixed fields need.
    case truncated(needed: Int, have: Int)
    /// The packet writer ran out of room.
    case outputTooSmall
    /// A command packet arrived where telemetry was expected, or the like.
    case unexpectedDescriptor(UInt16)
}
