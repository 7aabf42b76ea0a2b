import FlightCore

/// A CCSDS TC transfer frame (CCSDS 232.0-B-4) as fprime-gds's `SpaceDataLinkFramerDeframer`
/// writes it: a 5-byte primary header, the data field (one Space Packet), CRC-16/CCITT-FALSE.
///
/// ```
/// bits  2 version (00)  1 bypass  1 control command  2 spare (00)  10 spacecraft id
///       6 virtual channel id  10 frame length - 1
///       8 frame sequence number
/// data field (1 ... 1017 bytes)
/// 16 frame error control: CRC-16/CCITT-FALSE over everything before it
/// ```
/// fprime-gds sends bypass = 1 (type BD, no FARM), control command = 0 and sequence 0.
public struct TCFrame {
    public static let headerSize = 5
    public static let trailerSize = 2
    public static let overhead = headerSize + trailerSize
    /// The 10-bit length field counts up to 1024 bytes.
    public static let maxSize = 1024

    public var bypass: Bool
    public var controlCommand: Bool
    public var spacecraftID: UInt16
    public var virtualChannelID: UInt8
    public var sequence: UInt8
    /// The frame data field, inside the bytes it was decoded from.
    public var dataField: UnsafeRawBufferPointer
    /// Bytes of the whole frame (header + data + CRC).
    public var length: Int { Self.overhead + dataField.count }

    public init(
        bypass: Bool = true, controlCommand: Bool = false, spacecraftID: UInt16, virtualChannelID: UInt8,
        sequence: UInt8 = 0, dataField: UnsafeRawBufferPointer
    ) {
        self.bypass = bypass
        self.controlCommand = controlCommand
        self.spacecraftID = spacecraftID
        self.virtualChannelID = virtualChannelID
        self.sequence = sequence
        self.dataField = dataField
    }
}

extension TCFrame {
    /// Writes the frame into `output`; returns its length.
    @discardableResult
    public func encode(into output: UnsafeMutableRawBufferPointer) throws(TransferFrameError) -> Int {
        guard spacecraftID <= 0x3FF else { throw .fieldOutOfRange(field: "spacecraftID", value: Int(spacecraftID)) }
        guard virtualChannelID <= 0x3F else {
            throw .fieldOutOfRange(field: "virtualChannelID", value: Int(virtualChannelID))
        }
        let total = length
        guard dataField.count >= 1, total <= Self.maxSize else { throw .frameLength(total) }
        guard output.count >= total else { throw .outputTooSmall(needed: total, capacity: output.count) }
        var w = ByteWriter(output)
        w.write(UInt16(bypass ? 1 << 13 : 0) | UInt16(controlCommand ? 1 << 12 : 0) | spacecraftID)
        w.write(UInt16(virtualChannelID) << 10 | UInt16(total - 1))
        w.write(sequence)
        w.write(bytes: dataField)
        w.write(CRC16CCITT.checksum(w.written))
        return w.count
    }

    /// Decodes the frame at the start of `bytes` (its length comes from the header; bytes after
    /// it are the caller's). Checks version, spare bits, length and CRC, then, when given,
    /// the spacecraft and virtual channel ids.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer, spacecraftID: UInt16? = nil, virtualChannelID: UInt8? = nil
    ) throws(TransferFrameError) -> TCFrame {
        var r = ByteReader(bytes)
        guard let w1 = r.read(UInt16.self), let w2 = r.read(UInt16.self), let seq = r.read(UInt8.self) else {
            throw .truncated(needed: headerSize, have: bytes.count)
        }
        let version = UInt8(truncatingIfNeeded: w1 >> 14)
        guard version == 0 else { throw .unsupportedVersion(version) }
        let spare = UInt8(truncatingIfNeeded: (w1 >> 10) & 0b11)
        guard spare == 0 else { throw .reservedBitsSet(spare) }
        let total = Int(w2 & 0x3FF) + 1
        guard total > overhead else { throw .frameLength(total) }
        guard total <= bytes.count else { throw .truncated(needed: total, have: bytes.count) }
        let sent = UInt16(bytes[total - 2]) << 8 | UInt16(bytes[total - 1])
        let computed = CRC16CCITT.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(total - 2)]))
        guard sent == computed else { throw .crcMismatch(expected: sent, computed: computed) }
        let scid = w1 & 0x3FF
        let vcid = UInt8(truncatingIfNeeded: w2 >> 10)
        if let want = spacecraftID, want != scid { throw .spacecraftIDMismatch(expected: want, got: scid) }
        if let want = virtualChannelID, want != vcid { throw .virtualChannelMismatch(expected: want, got: vcid) }
        return TCFrame(
            bypass: (w1 >> 13) & 1 == 1, controlCommand: (w1 >> 12) & 1 == 1, spacecraftID: scid,
            virtualChannelID: vcid, sequence: seq,
            dataField: UnsafeRawBufferPointer(rebasing: bytes[headerSize..<(total - 2)]))
    }
}
