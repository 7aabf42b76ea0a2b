public import FlightCore

extension SpacePacketHeader {
    /// Appends the six header bytes. Fields were validated when the header was made.
    public func encode(into writer: inout ByteWriter) {
        writer.write(word1)
        writer.write(word2)
        writer.write(UInt16(truncatingIfNeeded: dataLength - 1))
    }

    /// Version, type, secondary header flag and APID.
    var word1: UInt16 {
        UInt16(type.rawValue) << 12 | (hasSecondaryHeader ? 1 << 11 : 0) | (apid & Self.maxAPID)
    }

    /// Sequence flags and count.
    var word2: UInt16 { UInt16(sequenceFlags.rawValue) << 14 | (sequenceCount & Self.maxSequenceCount) }

    /// Reads a header from the next six bytes. Every 16-bit length is legal, so the only
    /// rejections are a short buffer and a version other than 0.
    public static func decode(from reader: inout ByteReader) throws(SpacePacketError) -> SpacePacketHeader {
        let at = reader.offset
        let header = try decode(UnsafeRawBufferPointer(rebasing: reader.bytes[at...]))
        _ = reader.skip(size)
        return header
    }

    /// Decodes the header at the start of `bytes`. (Reads the three words directly rather
    /// than through the generic `ByteReader`: this is the hot path of every packet decoder.)
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(SpacePacketError) -> SpacePacketHeader {
        guard bytes.count >= size else { throw .truncated(needed: size, have: bytes.count) }
        let w1 = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt16.self))
        let w2 = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        let len = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        let version = UInt8(truncatingIfNeeded: w1 >> 13)
        guard version == 0 else { throw .unsupportedVersion(version) }
        var header = SpacePacketHeader(unchecked: ())
        header.type = (w1 >> 12) & 1 == 1 ? .telecommand : .telemetry
        header.hasSecondaryHeader = (w1 >> 11) & 1 == 1
        header.apid = w1 & maxAPID
        header.sequenceFlags = SequenceFlags(rawValue: UInt8(truncatingIfNeeded: w2 >> 14)) ?? .unsegmented
        header.sequenceCount = w2 & maxSequenceCount
        header.dataLength = Int(len) + 1
        return header
    }
}
