/// The 14-bit sequence count of each APID, as a sender keeps it (CCSDS 133.0-B-2 §4.1.3.4.3):
/// each APID counts its own packets and wraps from 16 383 to 0.
///
/// Storage for all 2048 APIDs is allocated once, at init; `next(for:)` never allocates.
public struct SpacePacketSequencer: Sendable {
    var counts: [UInt16]

    public init() { counts = [UInt16](repeating: 0, count: Int(SpacePacketHeader.maxAPID) + 1) }

    /// The count to put in the next packet of `apid`, advancing it. APIDs are masked to 11 bits.
    public mutating func next(for apid: UInt16) -> UInt16 {
        let i = Int(apid & SpacePacketHeader.maxAPID)
        let c = counts[i]
        counts[i] = (c &+ 1) & SpacePacketHeader.maxSequenceCount
        return c
    }

    /// The count the next packet of `apid` will carry, without advancing.
    public func peek(_ apid: UInt16) -> UInt16 { counts[Int(apid & SpacePacketHeader.maxAPID)] }
}
