import FlightCore

/// Packs downlink Space Packets into fixed-length TM frames, the flight side of the downlink.
///
/// Packets are laid end to end across frames (a packet may span frames); each frame's first
/// header pointer marks the first packet that starts in it, or 0x7FF when none does. A frame
/// is emitted as soon as it is full; ``flush(emit:)`` closes a partly filled frame with an idle
/// packet (APID 0x7FF), which fprime-gds skips. When fewer than 7 bytes are left, the idle
/// packet spans into the next frame, as CCSDS allows.
///
/// The frame buffer is allocated once, at init; `append` and `flush` never allocate. Frames are
/// handed to `emit` as a view that is valid only during the call.
public struct TMFramer {
    public let configuration: DataLinkConfiguration
    var frame: [UInt8]
    /// Data field bytes written into the current frame.
    var fill = 0
    var firstHeader: UInt16?
    /// The current frame holds bytes of a non-idle packet.
    var carriesPackets = false
    public private(set) var masterFrameCount: UInt8 = 0
    public private(set) var virtualFrameCount: UInt8 = 0
    /// Frames emitted so far.
    public private(set) var framesEmitted = 0

    public init(configuration: DataLinkConfiguration = .fprimeDefault) throws(TransferFrameError) {
        try configuration.validate()
        self.configuration = configuration
        frame = [UInt8](repeating: 0, count: configuration.tmFrameSize)
    }

    var fieldCapacity: Int { configuration.tmFrameSize - TMFrame.overhead }

    /// True when no packet bytes wait in a partly filled frame.
    public var isIdle: Bool { !carriesPackets }

    /// Appends one whole Space Packet (its bytes as encoded); emits every frame it fills.
    public mutating func append(packet: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        write(packet, isIdle: false, emit: emit)
    }

    /// Closes the current frame with idle fill and emits it, if it holds any packet bytes.
    public mutating func flush(emit: (UnsafeRawBufferPointer) -> Void) {
        guard carriesPackets else { return }
        let space = fieldCapacity - fill
        let idleLength = max(space, SpacePacketHeader.size + 1)
        withUnsafeTemporaryAllocation(byteCount: SpacePacketHeader.size, alignment: 1) { header in
            var w = ByteWriter(header)
            w.write(UInt16(SpacePacketHeader.idleAPID))  // version 0, TM, no secondary header
            w.write(UInt16(0xC000))  // unsegmented, count 0
            w.write(UInt16(idleLength - SpacePacketHeader.size - 1))
            write(UnsafeRawBufferPointer(header), isIdle: true, emit: emit)
        }
        writeIdleData(idleLength - SpacePacketHeader.size, emit: emit)
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer, isIdle: Bool, emit: (UnsafeRawBufferPointer) -> Void) {
        if firstHeader == nil { firstHeader = UInt16(fill) }
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, fieldCapacity - fill)
            frame.withUnsafeMutableBytes { f in
                f.baseAddress.unsafelyUnwrapped.advanced(by: TMFrame.headerSize + fill)
                    .copyMemory(from: bytes.baseAddress.unsafelyUnwrapped.advanced(by: offset), byteCount: n)
            }
            if !isIdle { carriesPackets = true }
            fill += n
            offset += n
            if fill == fieldCapacity { finishFrame(emit: emit) }
        }
    }

    mutating func writeIdleData(_ count: Int, emit: (UnsafeRawBufferPointer) -> Void) {
        var left = count
        while left > 0 {
            let n = min(left, fieldCapacity - fill)
            frame.withUnsafeMutableBytes { f in
                _ = f.baseAddress.unsafelyUnwrapped.advanced(by: TMFrame.headerSize + fill).initializeMemory(
                    as: UInt8.self, repeating: 0x55, count: n)
            }
            fill += n
            left -= n
            if fill == fieldCapacity { finishFrame(emit: emit) }
        }
    }

    mutating func finishFrame(emit: (UnsafeRawBufferPointer) -> Void) {
        let fhp = firstHeader ?? TMFrame.noPacketStart
        let (mc, vc) = (masterFrameCount, virtualFrameCount)
        let config = configuration
        frame.withUnsafeMutableBytes { f in
            var w = ByteWriter(f)
            TMFrame.writeHeader(
                into: &w, spacecraftID: config.spacecraftID, virtualChannelID: config.virtualChannelID,
                masterFrameCount: mc, virtualFrameCount: vc, firstHeaderPointer: fhp)
            let crcAt = f.count - 2
            let crc = CRC16CCITT.checksum(UnsafeRawBufferPointer(rebasing: f[0..<crcAt]))
            f[crcAt] = UInt8(truncatingIfNeeded: crc >> 8)
            f[crcAt + 1] = UInt8(truncatingIfNeeded: crc)
            emit(UnsafeRawBufferPointer(f))
        }
        masterFrameCount &+= 1
        virtualFrameCount &+= 1
        framesEmitted &+= 1
        fill = 0
        firstHeader = nil
        carriesPackets = false
    }
}
