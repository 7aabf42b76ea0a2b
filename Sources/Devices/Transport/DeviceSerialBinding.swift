import FlightWire

/// The serial binding of the device protocol: on a byte link (serial port, PTY, Unix socket)
/// a message is one COBS+CRC-32C frame (``FlightWire/COBSFrame``) whose payload is the 2-byte
/// message id, big-endian, then the message payload exactly as in the CAN frame:
///
///     00 | COBS( id_hi id_lo | payload (1...8) | CRC-32C big-endian ) | 00
public enum DeviceSerialBinding {
    /// Bytes of the id before the payload.
    public static let idCount = 2
    /// The longest frame payload accepted (id + a CAN FD-sized payload); anything longer is
    /// counted `oversize` by the deframer.
    public static let maxFramePayload = idCount + 64
    /// The longest wire frame ``encode(_:into:)`` writes (with both delimiters).
    public static let maxWireCount = COBSFrame.maxWireCount(payloadCount: idCount + DeviceMessage.maxPayloadCount)

    /// Writes one message as a wire frame into `output` (at least ``maxWireCount`` bytes);
    /// returns the bytes written, or nil if the message does not encode. Allocates nothing.
    public static func encode(_ message: DeviceMessage, into output: UnsafeMutableRawBufferPointer) -> Int? {
        var scratch: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &scratch) { s -> Int? in
            let id = message.id
            s[0] = UInt8(id >> 8)
            s[1] = UInt8(id & 0xFF)
            guard let n = message.encode(into: UnsafeMutableRawBufferPointer(rebasing: s[idCount...])) else { return nil }
            return COBSFrame.encode(UnsafeRawBufferPointer(rebasing: s[0..<(idCount + n)]), into: output)
        }
    }

    /// Decodes the payload of one intact serial frame (id + message payload).
    public static func decode(framePayload p: UnsafeRawBufferPointer) throws(DeviceDecodeError) -> DeviceMessage {
        guard p.count >= idCount else { throw .missingID(count: p.count) }
        let id = UInt16(p[0]) << 8 | UInt16(p[1])
        return try DeviceMessage.decode(id: id, payload: UnsafeRawBufferPointer(rebasing: p[idCount...]))
    }
}

/// Finds device messages in a byte stream: a ``FlightWire/COBSDeframer`` (framing and CRC) then
/// ``DeviceSerialBinding/decode(framePayload:)``. Takes any bytes in any chunking and never
/// traps; allocates only its frame buffer, at init. Rejections are counted by reason.
public struct DeviceStreamDecoder {
    var deframer = COBSDeframer(maxPayload: DeviceSerialBinding.maxFramePayload)
    /// Message-level rejections (framing ones are in the deframer's counts).
    var decodeRejections = RejectionCounts()

    public init() {}

    /// Every rejection so far, framing and message-level, by reason.
    public var rejections: RejectionCounts {
        var c = decodeRejections
        let f = deframer.counts
        c.add(.oversize, f.oversize)
        c.add(.malformedEncoding, f.malformedEncoding)
        c.add(.tooShort, f.tooShort)
        c.add(.crcMismatch, f.crcMismatch)
        return c
    }

    /// Intact frames seen (decoded or not).
    public var frames: Int { deframer.counts.frames }

    /// Feeds received bytes; calls `deliver` with each decoded message and `reject` with each
    /// rejected frame's reason, in the order they arrived.
    public mutating func ingest(
        _ bytes: UnsafeRawBufferPointer, deliver: (DeviceMessage) -> Void, reject: (DeviceDecodeError) -> Void = { _ in }
    ) {
        // Up to and including each delimiter at a time, so framing rejections (which the
        // deframer only counts) are reported in their place among the others.
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0 { end += 1 }
            end = min(end + 1, bytes.count)
            let before = deframer.counts
            var rejected = decodeRejections
            deframer.ingest(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) { p in
                do throws(DeviceDecodeError) {
                    deliver(try DeviceSerialBinding.decode(framePayload: p))
                } catch {
                    rejected.add(error.reason)
                    reject(error)
                }
            }
            decodeRejections = rejected
            let after = deframer.counts
            for r in COBSDeframer.Rejection.allCases where after[r] > before[r] { reject(.framing(r)) }
            start = end
        }
    }
}

/// Rejections counted by reason.
public struct RejectionCounts: Equatable, Sendable, CustomStringConvertible {
    var counts: (Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0, 0)

    public init() {}

    public subscript(reason: DeviceRejection) -> Int {
        withUnsafeBytes(of: counts) { $0.load(fromByteOffset: reason.rawValue * MemoryLayout<Int>.stride, as: Int.self) }
    }

    mutating func add(_ reason: DeviceRejection, _ n: Int = 1) {
        withUnsafeMutableBytes(of: &counts) { b in
            let at = reason.rawValue * MemoryLayout<Int>.stride
            b.storeBytes(of: b.load(fromByteOffset: at, as: Int.self) &+ n, toByteOffset: at, as: Int.self)
        }
    }

    /// All rejections (summed field by field: no array, so no allocation on a tick path).
    public var total: Int {
        let c = counts
        return c.0 &+ c.1 &+ c.2 &+ c.3 &+ c.4 &+ c.5 &+ c.6 &+ c.7 &+ c.8
    }

    /// Adds every count of `other` (allocation-free).
    mutating func add(_ other: RejectionCounts) {
        let o = other.counts
        counts = (
            counts.0 &+ o.0, counts.1 &+ o.1, counts.2 &+ o.2, counts.3 &+ o.3, counts.4 &+ o.4,
            counts.5 &+ o.5, counts.6 &+ o.6, counts.7 &+ o.7, counts.8 &+ o.8)
    }

    public static func == (a: Self, b: Self) -> Bool { DeviceRejection.allCases.allSatisfy { a[$0] == b[$0] } }

    /// `reason=count` for every reason, space-separated.
    public var description: String { DeviceRejection.allCases.map { "\($0)=\(self[$0])" }.joined(separator: " ") }
}
