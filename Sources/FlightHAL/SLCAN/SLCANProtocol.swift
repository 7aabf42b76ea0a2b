public import FlightWire

/// The Lawicel ASCII protocol ("SLCAN") that CANable, USBtin and CANUSB adapters speak over a
/// serial line: one command or frame per line, lines ended by CR; an adapter answers CR for
/// OK and BELL (0x07) for an error. See docs/hardware-slcan.md for the subset Regolith speaks.
public enum SLCAN {
    public static let carriageReturn: UInt8 = 0x0D
    public static let bell: UInt8 = 0x07
    /// The longest line either side sends, without its CR: an extended CAN FD frame with 64
    /// data bytes and a timestamp ('D' + 8 id + 1 dlc + 128 data + 4 timestamp).
    public static let maxLineLength = 1 + 8 + 1 + 128 + 4
    /// Adapter timestamps count milliseconds and wrap at 60 000 (0xEA5F is the last value).
    public static let timestampModulus: UInt32 = 60_000
}

/// The nine bit rates of the Lawicel 'S' command (S0...S8), as the Linux slcan driver knows them.
/// (python-can 4.6.1 calls S7 750 kbit/s; Lawicel, USBtin and the kernel call it 800 kbit/s.)
public enum SLCANBitrate: UInt8, CaseIterable, Sendable, BitwiseCopyable, CustomStringConvertible {
    case kbps10 = 0, kbps20, kbps50, kbps100, kbps125, kbps250, kbps500, kbps800, mbps1

    public var bitsPerSecond: Int {
        switch self {
        case .kbps10: 10_000
        case .kbps20: 20_000
        case .kbps50: 50_000
        case .kbps100: 100_000
        case .kbps125: 125_000
        case .kbps250: 250_000
        case .kbps500: 500_000
        case .kbps800: 800_000
        case .mbps1: 1_000_000
        }
    }

    public init?(bitsPerSecond: Int) {
        guard let b = Self.allCases.first(where: { $0.bitsPerSecond == bitsPerSecond }) else { return nil }
        self = b
    }

    /// The digit after 'S'.
    public var code: UInt8 { rawValue }

    public var description: String { "S\(rawValue) (\(bitsPerSecond) bit/s)" }
}

/// The status byte of the Lawicel 'F' reply (SJA1000 interrupt flags; reading clears them).
public struct SLCANStatusFlags: OptionSet, Hashable, Sendable, BitwiseCopyable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Bit 0: the adapter's CAN receive queue is full.
    public static let receiveQueueFull = SLCANStatusFlags(rawValue: 0x01)
    /// Bit 1: the adapter's CAN transmit queue is full.
    public static let transmitQueueFull = SLCANStatusFlags(rawValue: 0x02)
    /// Bit 2: error warning (an error counter reached 96).
    public static let errorWarning = SLCANStatusFlags(rawValue: 0x04)
    /// Bit 3: data overrun (the controller lost a received frame).
    public static let dataOverrun = SLCANStatusFlags(rawValue: 0x08)
    /// Bit 5: error passive (an error counter reached 128).
    public static let errorPassive = SLCANStatusFlags(rawValue: 0x20)
    /// Bit 6: arbitration lost.
    public static let arbitrationLost = SLCANStatusFlags(rawValue: 0x40)
    /// Bit 7: bus error.
    public static let busError = SLCANStatusFlags(rawValue: 0x80)
}

/// A CAN controller's error state, as the Linux 6.x 's' line carries it ('a', 'w', 'p', 'b').
public enum SLCANControllerState: UInt8, Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    case errorActive = 0x61  // 'a'
    case errorWarning = 0x77  // 'w'
    case errorPassive = 0x70  // 'p'
    case busOff = 0x62  // 'b'

    public var description: String {
        switch self {
        case .errorActive: "error active"
        case .errorWarning: "error warning"
        case .errorPassive: "error passive"
        case .busOff: "bus-off"
        }
    }
}

/// The bus errors of a Linux 6.x 'e' line: one letter each.
public struct SLCANBusErrors: OptionSet, Hashable, Sendable, BitwiseCopyable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let acknowledgement = SLCANBusErrors(rawValue: 0x01)  // 'a'
    public static let bit0 = SLCANBusErrors(rawValue: 0x02)  // 'b'
    public static let bit1 = SLCANBusErrors(rawValue: 0x04)  // 'B'
    public static let crc = SLCANBusErrors(rawValue: 0x08)  // 'c'
    public static let form = SLCANBusErrors(rawValue: 0x10)  // 'f'
    public static let receiveOverrun = SLCANBusErrors(rawValue: 0x20)  // 'o'
    public static let transmitOverrun = SLCANBusErrors(rawValue: 0x40)  // 'O'
    public static let stuff = SLCANBusErrors(rawValue: 0x80)  // 's'

    /// The letters in the order the line carries them.
    static let letters: [(SLCANBusErrors, UInt8)] = [
        (.acknowledgement, 0x61), (.bit0, 0x62), (.bit1, 0x42), (.crc, 0x63),
        (.form, 0x66), (.receiveOverrun, 0x6F), (.transmitOverrun, 0x4F), (.stuff, 0x73),
    ]
}

/// What a host sends an adapter, one per line.
public enum SLCANCommand: Equatable, Sendable {
    /// A bare CR (python-can sends one for "no data bit rate"; tools send a few to flush).
    case empty
    /// 'C': close the channel.
    case close
    /// 'O': open the channel.
    case open
    /// 'L': open the channel listen-only (no acknowledgements, no transmits).
    case listenOnly
    /// 'S0'...'S8'.
    case bitrate(SLCANBitrate)
    /// 'sxxyy': SJA1000 BTR0/BTR1 bit timing (slcand -b, python-can `timing`).
    case bitTiming(btr0: UInt8, btr1: UInt8)
    /// 'Yn': CAN FD data bit rate (CANable 2.0 firmware; python-can sends Y2 and Y5).
    case dataBitrate(UInt8)
    /// 'Z0' / 'Z1': adapter timestamps off / on.
    case timestamps(Bool)
    /// 'F': read (and clear) the status flags.
    case readStatusFlags
    /// 'V': hardware and software version.
    case version
    /// 'N': serial number.
    case serialNumber
    /// 't', 'T', 'r', 'R' (classic) or 'd', 'D', 'b', 'B' (CAN FD): send a frame.
    case transmit(CANFrame)
}

/// What an adapter sends a host, one per line.
public enum SLCANReply: Equatable, Sendable {
    /// CR alone: the last command was done.
    case ok
    /// BELL: the last command was refused.
    case error
    /// 'z' / 'Z': a standard / extended frame was queued for transmission (Lawicel, USBtin).
    case transmitted(extended: Bool)
    /// 'Fxx'.
    case statusFlags(SLCANStatusFlags)
    /// 'Vhhss'.
    case version(hardware: UInt8, software: UInt8)
    /// 'Nxxxx': four characters, packed big-endian.
    case serialNumber(UInt32)
    /// A received frame, with the adapter's millisecond timestamp when timestamps are on.
    case frame(CANFrame, timestamp: UInt16?)
    /// Linux 6.x 's' line: the controller's state and its receive and transmit error counters.
    case controllerState(SLCANControllerState, receiveErrors: UInt16, transmitErrors: UInt16)
    /// Linux 6.x 'e' line.
    case busErrors(SLCANBusErrors)
}

/// Why a line did not decode. Counted, never thrown past the link.
public enum SLCANDecodeError: Error, Hashable, Sendable {
    case unknownCommand(UInt8)
    case wrongLength
    case notHex
    case identifierOutOfRange
    case invalidLength
    case unsupportedBitrate
}
