/// The 6-byte CCSDS Space Packet primary header (CCSDS 133.0-B-2 §4.1.3).
///
/// ```
/// bits  3  version (0)      1 type       1 sec. header flag   11 APID
///       2  sequence flags  14 sequence count
///      16  data length - 1
/// ```
public struct SpacePacketHeader: Equatable, Sendable {
    public enum PacketType: UInt8, Sendable {
        case telemetry = 0
        case telecommand = 1
    }

    public enum SequenceFlags: UInt8, Sendable {
        case continuation = 0b00
        case first = 0b01
        case last = 0b10
        case unsegmented = 0b11
    }

    public static let size = 6
    public static let maxAPID: UInt16 = 0x7FF
    /// APID 0x7FF (all ones) marks an idle packet.
    public static let idleAPID: UInt16 = 0x7FF
    public static let maxSequenceCount: UInt16 = 0x3FFF
    public static let maxDataLength = 65_536

    public var type: PacketType
    public var hasSecondaryHeader: Bool
    public var apid: UInt16
    public var sequenceFlags: SequenceFlags
    public var sequenceCount: UInt16
    /// Bytes in the packet data field (1...65 536); the wire carries this minus one.
    public var dataLength: Int

    /// A header; every field is checked against its width.
    public init(
        type: PacketType, hasSecondaryHeader: Bool = false, apid: UInt16,
        sequenceFlags: SequenceFlags = .unsegmented, sequenceCount: UInt16, dataLength: Int
    ) throws(SpacePacketError) {
        guard apid <= Self.maxAPID else { throw .apidOutOfRange(apid) }
        guard sequenceCount <= Self.maxSequenceCount else { throw .sequenceCountOutOfRange(sequenceCount) }
        guard dataLength >= 1, dataLength <= Self.maxDataLength else { throw .dataFieldLength(dataLength) }
        self.type = type
        self.hasSecondaryHeader = hasSecondaryHeader
        self.apid = apid
        self.sequenceFlags = sequenceFlags
        self.sequenceCount = sequenceCount
        self.dataLength = dataLength
    }

    /// A blank header for decoders that fill every field from masked wire bits.
    init(unchecked: Void) {
        type = .telemetry
        hasSecondaryHeader = false
        apid = 0
        sequenceFlags = .unsegmented
        sequenceCount = 0
        dataLength = 1
    }

    /// Header plus data field.
    public var packetLength: Int { Self.size + dataLength }
    public var isIdle: Bool { apid == Self.idleAPID }
}
