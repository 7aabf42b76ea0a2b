public import FlightCore

extension SpacePacketHeader {
    /// Appends the six header bytes. Fields were validated when the header was made.
    public func encode(into writer: inout ByteWriter) {
        let word1 = UInt16(type.rawValue) << 12 | (hasSecondaryHeader ? 1 << 11 : 0) | (apid & Self.maxAPID)
        let word2 = UInt16(sequenceFlags.rawValue) << 14 | (sequenceCount & Self.maxSequenceCount)
        writer.write(word1)
        writer.write(word2)
        writer.write(UInt16(truncatingIfNeeded: dataLength - 1))
    }

    /// Reads a header from the next six bytes. Every 16-bit length is legal, so the only
    /// rejections are a short buffer and a version other than 0.
    public static func decode(from reader: inout ByteReader) throws(SpacePacketError) -> SpacePacketHeader {
        let have = reader.remaining
        guard let w1 = reader.read(UInt16.self), let w2 = reader.read(UInt16.self),
            let len = reader.read(UInt16.self)
        else { throw .truncated(needed: size, have: have) }
        let version = UInt8(truncatingIfNeeded: w1 >> 13)
        guard version == 0 else { throw .unsupportedVersion(version) }
        // Cannot fail: every field is masked to its width.
        return try SpacePacketHeader(
            type: (w1 >> 12) & 1 == 1 ? .telecommand : .telemetry,
            hasSecondaryHeader: (w1 >> 11) & 1 == 1,
            apid: w1 & maxAPID,
            sequenceFlags: SequenceFlags(rawValue: UInt8(truncatingIfNeeded: w2 >> 14)) ?? .unsegmented,
            sequenceCount: w2 & maxSequenceCount,
            dataLength: Int(len) + 1)
    }

    /// Decodes the header at the start of `bytes`.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(SpacePacketError) -> SpacePacketHeader {
        var reader = ByteReader(bytes)
        return try decode(from: &reader)
    }
}
