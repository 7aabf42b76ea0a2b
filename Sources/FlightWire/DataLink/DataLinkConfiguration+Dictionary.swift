public import FlightCore

/// The ground link's constants as fprime-gds reads them from the dictionary
/// (`ComCfg.SpacecraftId`, `ComCfg.TmFrameFixedSize`), so that one topology setting drives
/// both ends: add ``dictionaryConstants`` to `Topology.constants`.
extension DataLinkConfiguration {
    public static let spacecraftIDConstant = "ComCfg.SpacecraftId"
    public static let tmFrameSizeConstant = "ComCfg.TmFrameFixedSize"

    public var dictionaryConstants: [DictionaryConstant] {
        [
            DictionaryConstant(
                Self.spacecraftIDConstant, .u16, Int64(spacecraftID),
                summary: "CCSDS spacecraft id of the TC and TM frames"),
            DictionaryConstant(
                Self.tmFrameSizeConstant, .u32, Int64(tmFrameSize),
                summary: "Length in bytes of every TM transfer frame"),
        ]
    }

    /// The configuration those constants describe; absent ones keep fprime-gds's fallbacks
    /// (0x44, 1024), as fprime-gds itself does. Validates the result.
    public init(constants: [DictionaryConstant], virtualChannelID: UInt8 = 1) throws(TransferFrameError) {
        var c = DataLinkConfiguration.fprimeDefault
        c.virtualChannelID = virtualChannelID
        for k in constants {
            switch k.qualifiedName {
            case Self.spacecraftIDConstant:
                guard k.value >= 0, k.value <= 0x3FF else { throw .fieldOutOfRange(field: "spacecraftID", value: Int(clamping: k.value)) }
                c.spacecraftID = UInt16(k.value)
            case Self.tmFrameSizeConstant:
                guard k.value >= 0, k.value <= Int64(TMFrame.maxSize) else { throw .frameLength(Int(clamping: k.value)) }
                c.tmFrameSize = Int(k.value)
            default:
                break
            }
        }
        try c.validate()
        self = c
    }
}
