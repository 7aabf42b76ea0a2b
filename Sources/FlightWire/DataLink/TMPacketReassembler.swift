import FlightCore

/// Recovers whole Space Packets from a sequence of TM frames, the ground side of the downlink
/// (and what fprime-gds's deframer does): packets spanning frames are carried over, the first
/// header pointer resynchronises after a lost frame, and every packet discarded is counted.
///
/// The carry-over buffer is allocated once, at init, with a fixed capacity; a spanning packet
/// longer than that is dropped and counted, never grown into.
public struct TMPacketReassembler {
    public struct Counts: Equatable, Sendable {
        /// Frames accepted.
        public var frames = 0
        /// Virtual channel frame count gaps (each may lose several frames).
        public var frameGaps = 0
        /// Partial packets dropped because a gap, an idle-only frame or a bad pointer cut them.
        public var partialPacketsDropped = 0
        /// Packets longer than the carry-over capacity.
        public var oversizePackets = 0
        /// Data field bytes that did not parse as a version-0 Space Packet header.
        public var malformedPackets = 0
        /// Pending data whose length disagreed with the next frame's first header pointer.
        public var pointerInconsistencies = 0
        /// Idle packets consumed.
        public var idlePackets = 0
        /// Packets delivered.
        public var packets = 0
    }

    public private(set) var counts = Counts()
    var pending: [UInt8]
    var pendingCount = 0
    var lastVirtualFrameCount: UInt8?

    /// - Parameter capacity: the longest packet that may span frames (default: the longest
    ///   any Space Packet can be).
    public init(capacity: Int = SpacePacketHeader.size + SpacePacketHeader.maxDataLength) {
        pending = [UInt8](repeating: 0, count: max(capacity, SpacePacketHeader.size))
    }

    /// Takes one decoded frame; calls `deliver` with each whole non-idle packet it completes.
    /// The packet views are valid only during the call.
    public mutating func accept(_ frame: TMFrame, deliver: (SpacePacket) -> Void) {
        counts.frames += 1
        if let last = lastVirtualFrameCount, frame.virtualFrameCount != last &+ 1 {
            counts.frameGaps += 1
            dropPending()
        }
        lastVirtualFrameCount = frame.virtualFrameCount
        let field = frame.dataField
        switch frame.firstHeaderPointer {
        case TMFrame.idleDataOnly:
            dropPending()
        case TMFrame.noPacketStart:
            if pendingCount > 0 { carry(field) }
        default:
            let fhp = Int(frame.firstHeaderPointer)
            guard fhp < field.count else {
                dropPending()
                return
            }
            if pendingCount > 0 {
                carry(UnsafeRawBufferPointer(rebasing: field[0..<fhp]))
                if pendingCount > 0 { completePending(deliver: deliver) }
            }
            split(UnsafeRawBufferPointer(rebasing: field[fhp...]), deliver: deliver)
        }
    }

    mutating func dropPending() {
        if pendingCount > 0 { counts.partialPacketsDropped += 1 }
        pendingCount = 0
    }

    mutating func carry(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count <= pending.count - pendingCount else {
            counts.oversizePackets += 1
            pendingCount = 0
            return
        }
        let at = pendingCount
        pending.withUnsafeMutableBytes { p in
            if bytes.count > 0 {
                p.baseAddress.unsafelyUnwrapped.advanced(by: at).copyMemory(
                    from: bytes.baseAddress.unsafelyUnwrapped, byteCount: bytes.count)
            }
        }
        pendingCount += bytes.count
    }

    /// The pending bytes plus the continuation must be exactly whole packets.
    mutating func completePending(deliver: (SpacePacket) -> Void) {
        let n = pendingCount
        pendingCount = 0
        var consistent = true
        var delivered = Counts()
        pending.withUnsafeBytes { p in
            var rest = UnsafeRawBufferPointer(rebasing: p[0..<n])
            while rest.count > 0 {
                guard let packet = try? SpacePacket.decode(rest) else {
                    consistent = false
                    return
                }
                if packet.header.isIdle { delivered.idlePackets += 1 } else {
                    delivered.packets += 1
                    deliver(packet)
                }
                rest = UnsafeRawBufferPointer(rebasing: rest[packet.header.packetLength...])
            }
        }
        counts.packets += delivered.packets
        counts.idlePackets += delivered.idlePackets
        if !consistent { counts.pointerInconsistencies += 1 }
    }

    mutating func split(_ bytes: UnsafeRawBufferPointer, deliver: (SpacePacket) -> Void) {
        var rest = bytes
        while rest.count > 0 {
            if rest.count < SpacePacketHeader.size {
                carry(rest)
                return
            }
            let header: SpacePacketHeader
            do { header = try SpacePacketHeader.decode(rest) } catch {
                counts.malformedPackets += 1
                return
            }
            guard header.packetLength <= rest.count else {
                if header.packetLength > pending.count { counts.oversizePackets += 1 } else { carry(rest) }
                return
            }
            if header.isIdle { counts.idlePackets += 1 } else {
                counts.packets += 1
                deliver(SpacePacket(
                    header: header,
                    dataField: UnsafeRawBufferPointer(rebasing: rest[SpacePacketHeader.size..<header.packetLength])))
            }
            rest = UnsafeRawBufferPointer(rebasing: rest[header.packetLength...])
        }
    }
}
