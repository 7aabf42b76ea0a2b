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
        let header = try SpacePacketHeader.decode(bytes)
        let end = header.packetLength
        guard end <= bytes.count else { throw .truncated(needed: end, have: bytes.count) }
        if exact, end != bytes.count { throw .trailingBytes(bytes.count - end) }
        return SpacePacket(
            header: header, dataField: UnsafeRawBufferPointer(rebasing: bytes[SpacePacketHeader.size..<end]))
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
        // Stores the three header words directly (not through the generic ByteWriter): this
        // is the hot path of every packet encoder.
        let h = header
        output.storeBytes(of: h.word1.bigEndian, toByteOffset: 0, as: UInt16.self)
        output.storeBytes(of: h.word2.bigEndian, toByteOffset: 2, as: UInt16.self)
        output.storeBytes(of: UInt16(truncatingIfNeeded: h.dataLength - 1).bigEndian, toByteOffset: 4, as: UInt16.self)
        if let src = dataField.baseAddress, let dst = output.baseAddress {
            (dst + SpacePacketHeader.size).copyMemory(from: src, byteCount: dataField.count)
        }
        return h.packetLength
    }
}
