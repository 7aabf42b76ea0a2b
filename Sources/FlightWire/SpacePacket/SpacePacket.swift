import FlightCore

/// A decoded Space Packet: its header and a view of its data field inside the caller's bytes.
public struct SpacePacket {
    public var header: SpacePacketHeader
    /// The packet data field (secondary header, if any, and user data). Valid as long as the
    /// bytes it was decoded from.
    public var dataField: UnsafeRawBufferPointer

    /// Decodes the packet at the start of `bytes`. With `exact`, the buffer must be exactly one
    /// packet long; otherwise trailing bytes are left for the caller (``header.packetLength``).
    public static func decode(
        _ bytes: UnsafeRawBufferPointer, exact: Bool = false
    ) throws(SpacePacketError) -> SpacePacket {
        var reader = ByteReader(bytes)
        let header = try SpacePacketHeader.decode(from: &reader)
        guard let field = reader.readBytes(header.dataLength) else {
            throw .truncated(needed: header.packetLength, have: bytes.count)
        }
        if exact, !reader.isAtEnd { throw .trailingBytes(reader.remaining) }
        return SpacePacket(header: header, dataField: field)
    }

    /// Writes header and data field into `output`; returns the packet length. The header's
    /// `dataLength` is taken from `dataField`.
    @discardableResult
    public static func encode(
        type: SpacePacketHeader.PacketType, apid: UInt16, sequenceCount: UInt16,
        sequenceFlags: SpacePacketHeader.SequenceFlags = .unsegmented, hasSecondaryHeader: Bool = false,
        dataField: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(SpacePacketError) -> Int {
        let header = try SpacePacketHeader(
            type: type, hasSecondaryHeader: hasSecondaryHeader, apid: apid, sequenceFlags: sequenceFlags,
            sequenceCount: sequenceCount, dataLength: dataField.count)
        return try encode(header: header, dataField: dataField, into: output)
    }

    @discardableResult
    public static func encode(
        header: SpacePacketHeader, dataField: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(SpacePacketError) -> Int {
        guard header.dataLength == dataField.count else { throw .dataFieldLength(dataField.count) }
        guard output.count >= header.packetLength else {
            throw .outputTooSmall(needed: header.packetLength, capacity: output.count)
        }
        var writer = ByteWriter(output)
        header.encode(into: &writer)
        writer.write(bytes: dataField)
        return writer.count
    }
}
