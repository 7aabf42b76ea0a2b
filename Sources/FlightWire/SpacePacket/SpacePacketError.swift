/// Why a CCSDS Space Packet could not be decoded or encoded.
public enum SpacePacketError: Error, Equatable, Sendable {
    /// Fewer bytes than the header or its declared length needs.
    case truncated(needed: Int, have: Int)
    /// Packet version number other than 0 (`000`, CCSDS 133.0-B-2 4.1.3.2).
    case unsupportedVersion(UInt8)
    /// APID wider than 11 bits.
    case apidOutOfRange(UInt16)
    /// Sequence count wider than 14 bits.
    case sequenceCountOutOfRange(UInt16)
    /// The data field must hold 1 to 65 536 bytes.
    case dataFieldLength(Int)
    /// Bytes follow the packet where the caller required the buffer to be exactly one packet.
    case trailingBytes(Int)
    /// The output buffer is too small for the packet.
    case outputTooSmall(needed: Int, capacity: Int)
}
