/// Why a CCSDS TC or TM transfer frame could not be decoded or encoded.
public enum TransferFrameError: Error, Equatable, Sendable {
    /// Fewer bytes than the frame needs.
    case truncated(needed: Int, have: Int)
    /// Transfer frame version other than 0 (TC: `00`, TM: `00`).
    case unsupportedVersion(UInt8)
    /// TC reserved spare bits not zero.
    case reservedBitsSet(UInt8)
    case spacecraftIDMismatch(expected: UInt16, got: UInt16)
    case virtualChannelMismatch(expected: UInt8, got: UInt8)
    /// The frame error control field does not match the CRC-16/CCITT-FALSE of the frame.
    case crcMismatch(expected: UInt16, computed: UInt16)
    /// A field value too wide for its bits (spacecraft id 10, TC VCID 6, TM VCID 3).
    case fieldOutOfRange(field: StaticString, value: Int)
    /// A TC frame is 7...1024 bytes; a TM frame size must exceed its 8 bytes of overhead and
    /// keep the first header pointer's 11 bits meaningful (at most 2048 + 8).
    case frameLength(Int)
    /// TM data field status other than "packets, octet-synchronised, in order, no secondary header".
    case unsupportedDataFieldStatus(UInt16)
    /// TM first header pointer beyond the data field and not one of its reserved values.
    case firstHeaderPointerOutOfRange(UInt16)
    /// The output buffer is too small.
    case outputTooSmall(needed: Int, capacity: Int)
}

extension TransferFrameError {
    public static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case let (.truncated(x1, y1), .truncated(x2, y2)): x1 == x2 && y1 == y2
        case let (.unsupportedVersion(x), .unsupportedVersion(y)): x == y
        case let (.reservedBitsSet(x), .reservedBitsSet(y)): x == y
        case let (.spacecraftIDMismatch(x1, y1), .spacecraftIDMismatch(x2, y2)): x1 == x2 && y1 == y2
        case let (.virtualChannelMismatch(x1, y1), .virtualChannelMismatch(x2, y2)): x1 == x2 && y1 == y2
        case let (.crcMismatch(x1, y1), .crcMismatch(x2, y2)): x1 == x2 && y1 == y2
        case let (.fieldOutOfRange(f1, v1), .fieldOutOfRange(f2, v2)):
            f1.description == f2.description && v1 == v2
        case let (.frameLength(x), .frameLength(y)): x == y
        case let (.unsupportedDataFieldStatus(x), .unsupportedDataFieldStatus(y)): x == y
        case let (.firstHeaderPointerOutOfRange(x), .firstHeaderPointerOutOfRange(y)): x == y
        case let (.outputTooSmall(x1, y1), .outputTooSmall(x2, y2)): x1 == x2 && y1 == y2
        default: false
        }
    }
}
