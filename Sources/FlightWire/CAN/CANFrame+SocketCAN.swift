/// Linux SocketCAN's `can_id` word and `struct can_frame` / `struct canfd_frame` layout, so a
/// backend can hand frames to and from the kernel without another conversion.
extension CANFrame {
    public static let effFlag: UInt32 = 0x8000_0000
    public static let rtrFlag: UInt32 = 0x4000_0000
    public static let errFlag: UInt32 = 0x2000_0000
    /// `canfd_frame.flags` bit for bit rate switch.
    public static let fdBRSFlag: UInt8 = 0x01

    /// The `can_id` word: id plus EFF/RTR/ERR flags.
    public var socketCANID: UInt32 {
        id.rawValue | (id.isExtended ? Self.effFlag : 0) | (isRemote ? Self.rtrFlag : 0) | (isError ? Self.errFlag : 0)
    }

    /// The 16-byte `can_frame` or 72-byte `canfd_frame` (host byte order for `can_id`, as the
    /// kernel wants it). Returns the bytes written, or nil when `output` is too small.
    public func encodeSocketCAN(into output: UnsafeMutableRawBufferPointer) -> Int? {
        let size = isFD ? 72 : 16
        guard output.count >= size else { return nil }
        for i in 0..<size { output[i] = 0 }
        output.storeBytes(of: socketCANID, toByteOffset: 0, as: UInt32.self)
        output[4] = UInt8(count)
        if isFD, bitRateSwitch { output[5] = Self.fdBRSFlag }
        withUnsafeBytes { d in
            for i in 0..<d.count { output[8 + i] = d[i] }
        }
        return size
    }

    /// Reads a `can_frame` (16 bytes) or `canfd_frame` (72 bytes), rejecting impossible lengths.
    public static func decodeSocketCAN(_ bytes: UnsafeRawBufferPointer) throws(CANFrameError) -> CANFrame {
        guard bytes.count == 16 || bytes.count == 72 else { throw .malformedSocketCANFrame }
        let fd = bytes.count == 72
        let word = bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        let n = Int(bytes[4])
        let ext = word & effFlag != 0
        let id: CANID = ext ? .extended(word & CANID.maxExtended) : .standard(UInt16(truncatingIfNeeded: word & 0x7FF))
        if word & rtrFlag != 0, !fd {
            guard n <= 8 else { throw .malformedSocketCANFrame }
            var f = try remote(id: id, length: n)
            f.isError = word & errFlag != 0
            return f
        }
        guard fd ? fdLengths.contains(n) : n <= 8 else { throw .malformedSocketCANFrame }
        var f = try CANFrame(
            id: id, data: UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + n)]), fd: fd,
            bitRateSwitch: fd && bytes[5] & fdBRSFlag != 0)
        f.isError = word & errFlag != 0
        return f
    }
}
