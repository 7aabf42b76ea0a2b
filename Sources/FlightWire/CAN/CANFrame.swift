/// One CAN or CAN FD frame: identifier, flags and up to 64 data bytes, stored inline
/// (no allocation).
///
/// Classic CAN carries 0...8 bytes and may be a remote (RTR) frame; CAN FD carries one of
/// 0...8, 12, 16, 20, 24, 32, 48, 64 bytes, never RTR, and may switch bit rate (BRS) for the
/// data phase. An error frame is what a controller reports, not something to send.
public struct CANFrame: Equatable, Sendable, BitwiseCopyable {
    public var id: CANID
    public var isRemote: Bool
    public var isError: Bool
    public var isFD: Bool
    public var bitRateSwitch: Bool
    /// Data length in bytes (for a remote frame: the requested length).
    public private(set) var count: Int
    var storage: CANPayload

    public static let maxClassicLength = 8
    public static let maxFDLength = 64
    /// The data lengths a CAN FD frame can have, indexed by DLC.
    public static let fdLengths = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64]

    /// A data frame. Throws if the id, the length or the flags are not a frame a bus can carry.
    public init(
        id: CANID, data: UnsafeRawBufferPointer, fd: Bool = false, bitRateSwitch: Bool = false
    ) throws(CANFrameError) {
        try Self.check(id: id, count: data.count, fd: fd, bitRateSwitch: bitRateSwitch)
        self.id = id
        isRemote = false
        isError = false
        isFD = fd
        self.bitRateSwitch = bitRateSwitch
        count = data.count
        storage = CANPayload()
        withUnsafeMutableBytes { $0.copyMemory(from: data) }
    }

    public init(id: CANID, data: [UInt8], fd: Bool = false, bitRateSwitch: Bool = false) throws(CANFrameError) {
        try Self.check(id: id, count: data.count, fd: fd, bitRateSwitch: bitRateSwitch)
        self.id = id
        isRemote = false
        isError = false
        isFD = fd
        self.bitRateSwitch = bitRateSwitch
        count = data.count
        storage = CANPayload()
        Swift.withUnsafeMutableBytes(of: &storage) { p in for (i, b) in data.enumerated() { p[i] = b } }
    }

    static func check(id: CANID, count: Int, fd: Bool, bitRateSwitch: Bool) throws(CANFrameError) {
        try id.validate()
        if fd {
            guard fdLengths.contains(count) else { throw .invalidFDLength(count) }
        } else {
            guard count <= maxClassicLength else { throw .tooLong(count, max: maxClassicLength) }
            guard !bitRateSwitch else { throw .bitRateSwitchWithoutFD }
        }
    }

    /// A classic remote (RTR) frame requesting `length` bytes.
    public static func remote(id: CANID, length: Int) throws(CANFrameError) -> CANFrame {
        guard length >= 0, length <= maxClassicLength else { throw .tooLong(length, max: maxClassicLength) }
        var f = try CANFrame(id: id, data: UnsafeRawBufferPointer(start: nil, count: 0))
        f.isRemote = true
        f.count = length
        return f
    }

    /// The data bytes (empty for a remote frame).
    public var data: [UInt8] { withUnsafeBytes { Array($0) } }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var s = storage
        let n = isRemote ? 0 : count
        return try Swift.withUnsafeBytes(of: &s) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }

    /// The data bytes, writable; the length stays as it is.
    public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        let n = count
        return try Swift.withUnsafeMutableBytes(of: &storage) {
            try body(UnsafeMutableRawBufferPointer(rebasing: $0[0..<n]))
        }
    }

    /// The data length code: equal to the length up to 8; CAN FD lengths above map to 9...15.
    public var dlc: UInt8 { UInt8(Self.fdLengths.firstIndex(of: count) ?? min(count, 8)) }

    /// The smallest CAN FD length that holds `count` bytes (pad the rest), or nil above 64.
    public static func fdLength(atLeast count: Int) -> Int? { fdLengths.first { $0 >= count } }

    public static func == (a: CANFrame, b: CANFrame) -> Bool {
        a.id == b.id && a.isRemote == b.isRemote && a.isError == b.isError && a.isFD == b.isFD
            && a.bitRateSwitch == b.bitRateSwitch && a.count == b.count && a.data == b.data
    }
}

/// 64 bytes inline.
struct CANPayload: Sendable, BitwiseCopyable {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
}
