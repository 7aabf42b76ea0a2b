import FlightCore

/// A fixed-length CCSDS TM transfer frame (CCSDS 132.0-B-3) as fprime-gds's
/// `SpaceDataLinkFramerDeframer` reads it: 6-byte primary header, a data field of Space
/// Packets, no operational control field, a 2-byte CRC-16/CCITT-FALSE.
///
/// ```
/// bits  2 version (00)  10 spacecraft id  3 virtual channel id  1 OCF flag (0)
///       8 master channel frame count
///       8 virtual channel frame count
///      16 data field status: 1 secondary header (0) 1 sync (0) 1 packet order (0)
///                            2 segment length id (11)  11 first header pointer
/// data field (frame size - 8 bytes)
/// 16 frame error control: CRC-16/CCITT-FALSE over everything before it
/// ```
public struct TMFrame {
    public static let headerSize = 6
    public static let trailerSize = 2
    public static let overhead = headerSize + trailerSize
    /// The first header pointer has 11 bits, two values reserved: data fields up to 2046 bytes.
    public static let maxSize = 2046 + overhead
    /// First header pointer: no packet starts in this frame.
    public static let noPacketStart: UInt16 = 0x7FF
    /// First header pointer: the data field holds only idle data.
    public static let idleDataOnly: UInt16 = 0x7FE
    /// Data field status with everything zero but segment length id `11`.
    static let dataFieldStatusBase: UInt16 = 0b11 << 11

    public var spacecraftID: UInt16
    public var virtualChannelID: UInt8
    public var masterFrameCount: UInt8
    public var virtualFrameCount: UInt8
    public var firstHeaderPointer: UInt16
    /// The data field, inside the bytes the frame was decoded from.
    public var dataField: UnsafeRawBufferPointer
}

extension TMFrame {
    /// Decodes one frame of exactly `frameSize` bytes at the start of `bytes`.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer, frameSize: Int, spacecraftID: UInt16? = nil, virtualChannelID: UInt8? = nil
    ) throws(TransferFrameError) -> TMFrame {
        guard frameSize > overhead, frameSize <= maxSize else { throw .frameLength(frameSize) }
        guard bytes.count >= frameSize else { throw .truncated(needed: frameSize, have: bytes.count) }
        var r = ByteReader(bytes)
        // Cannot be nil: frameSize > 8 bytes are present.
        let id = r.read(UInt16.self) ?? 0
        let mc = r.read(UInt8.self) ?? 0
        let vc = r.read(UInt8.self) ?? 0
        let status = r.read(UInt16.self) ?? 0
        let version = UInt8(truncatingIfNeeded: id >> 14)
        guard version == 0 else { throw .unsupportedVersion(version) }
        let sent = UInt16(bytes[frameSize - 2]) << 8 | UInt16(bytes[frameSize - 1])
        let computed = CRC16CCITT.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(frameSize - 2)]))
        guard sent == computed else { throw .crcMismatch(expected: sent, computed: computed) }
        let scid = (id >> 4) & 0x3FF
        let vcid = UInt8(truncatingIfNeeded: (id >> 1) & 0x7)
        if let want = spacecraftID, want != scid { throw .spacecraftIDMismatch(expected: want, got: scid) }
        if let want = virtualChannelID, want != vcid { throw .virtualChannelMismatch(expected: want, got: vcid) }
        guard id & 1 == 0, status & ~0x7FF == dataFieldStatusBase else { throw .unsupportedDataFieldStatus(status) }
        let fhp = status & 0x7FF
        let fieldLength = frameSize - overhead
        guard Int(fhp) < fieldLength || fhp == noPacketStart || fhp == idleDataOnly else {
            throw .firstHeaderPointerOutOfRange(fhp)
        }
        return TMFrame(
            spacecraftID: scid, virtualChannelID: vcid, masterFrameCount: mc, virtualFrameCount: vc,
            firstHeaderPointer: fhp,
            dataField: UnsafeRawBufferPointer(rebasing: bytes[headerSize..<(frameSize - 2)]))
    }

    /// Writes a frame header, the data field and the CRC into `output` (exactly
    /// `overhead + dataField.count` bytes). Used by ``TMFramer`` and by tests.
    @discardableResult
    public func encode(into output: UnsafeMutableRawBufferPointer) throws(TransferFrameError) -> Int {
        let total = Self.overhead + dataField.count
        guard spacecraftID <= 0x3FF else { throw .fieldOutOfRange(field: "spacecraftID", value: Int(spacecraftID)) }
        guard virtualChannelID <= 7 else {
            throw .fieldOutOfRange(field: "virtualChannelID", value: Int(virtualChannelID))
        }
        guard firstHeaderPointer <= 0x7FF else {
            throw .fieldOutOfRange(field: "firstHeaderPointer", value: Int(firstHeaderPointer))
        }
        guard total > Self.overhead, total <= Self.maxSize else { throw .frameLength(total) }
        guard output.count >= total else { throw .outputTooSmall(needed: total, capacity: output.count) }
        var w = ByteWriter(output)
        Self.writeHeader(
            into: &w, spacecraftID: spacecraftID, virtualChannelID: virtualChannelID, masterFrameCount: masterFrameCount,
            virtualFrameCount: virtualFrameCount, firstHeaderPointer: firstHeaderPointer)
        w.write(bytes: dataField)
        w.write(CRC16CCITT.checksum(w.written))
        return w.count
    }

    static func writeHeader(
        into w: inout ByteWriter, spacecraftID: UInt16, virtualChannelID: UInt8, masterFrameCount: UInt8,
        virtualFrameCount: UInt8, firstHeaderPointer: UInt16
    ) {
        w.write((spacecraftID & 0x3FF) << 4 | UInt16(virtualChannelID & 7) << 1)
        w.write(masterFrameCount)
        w.write(virtualFrameCount)
        w.write(dataFieldStatusBase | (firstHeaderPointer & 0x7FF))
    }
}
