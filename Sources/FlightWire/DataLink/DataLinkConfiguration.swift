/// The constants both ends of the ground link must agree on. fprime-gds reads them from the
/// dictionary (`ComCfg.SpacecraftId`, `ComCfg.TmFrameFixedSize`) and falls back to 0x44 and
/// 1024; its `--vcid` defaults to 1. Regolith's defaults are the same, so a stock fprime-gds
/// with `--framing-selection space-packet-space-data-link` talks to us unconfigured.
public struct DataLinkConfiguration: Equatable, Sendable {
    /// 10 bits.
    public var spacecraftID: UInt16
    /// TC frames carry 6 bits, TM frames 3; fprime-gds uses one id for both directions.
    public var virtualChannelID: UInt8
    /// Every TM frame is exactly this long (header 6 + data field + CRC 2).
    public var tmFrameSize: Int

    public static let fprimeDefault = DataLinkConfiguration(spacecraftID: 0x44, virtualChannelID: 1, tmFrameSize: 1024)

    public init(spacecraftID: UInt16, virtualChannelID: UInt8, tmFrameSize: Int) {
        self.spacecraftID = spacecraftID
        self.virtualChannelID = virtualChannelID
        self.tmFrameSize = tmFrameSize
    }

    /// Checks every field against its width and the TM frame size against its limits.
    public func validate() throws(TransferFrameError) {
        guard spacecraftID <= 0x3FF else { throw .fieldOutOfRange(field: "spacecraftID", value: Int(spacecraftID)) }
        guard virtualChannelID <= 7 else {
            throw .fieldOutOfRange(field: "virtualChannelID", value: Int(virtualChannelID))
        }
        guard tmFrameSize > TMFrame.overhead + SpacePacketHeader.size, tmFrameSize <= TMFrame.maxSize else {
            throw .frameLength(tmFrameSize)
        }
    }
}
