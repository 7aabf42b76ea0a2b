/// Finds TC transfer frames in a byte stream (what the flight side reads from a TCP socket or a
/// UART, where fprime-gds writes frames back to back with no sync marker), the role of F Prime's
/// `Svc.FrameAccumulator`.
///
/// A frame starts where the header is plausible (version 0, spare bits 0, our spacecraft and
/// virtual channel ids, a length of at least 7) and ends where its length says; its CRC must
/// match. Anything else is skipped one byte at a time, like fprime-gds's own deframers do, so
/// the accumulator resynchronises after garbage, a lost byte or a corrupted frame. Each
/// skipped byte run and rejected frame is counted by reason. fprime-gds's `ip` adapter also
/// writes a keep-alive (`sitting well`, 12 bytes) every half second; where a frame could
/// start, those bytes are recognised and skipped as a keep-alive (counted apart), not as
/// garbage. (They cannot be mistaken for a frame: 's' has version bits 01.)
///
/// Bytes are kept in one buffer allocated at init (twice the largest TC frame); `ingest`
/// never allocates. Bytes that do not fit (the caller outran processing) are counted and
/// dropped.
public struct TCFrameAccumulator {
    public struct Counts: Equatable, Sendable {
        public var frames = 0
        /// Bytes skipped because no plausible frame header started there.
        public var bytesSkipped = 0
        /// Frames whose header looked right but whose CRC did not match.
        public var crcMismatches = 0
        /// Bytes dropped because the buffer was full.
        public var overflowBytes = 0
        /// fprime-gds keep-alives skipped (not counted in ``bytesSkipped``).
        public var keepAlives = 0
    }

    /// What fprime-gds's `IpAdapter.KEEPALIVE_DATA` sends between frames.
    public static let keepAlive: [UInt8] = Array("sitting well".utf8)

    public let spacecraftID: UInt16
    public let virtualChannelID: UInt8
    public private(set) var counts = Counts()
    var buffer: [UInt8]
    var start = 0
    var end = 0

    public init(spacecraftID: UInt16, virtualChannelID: UInt8) {
        self.spacecraftID = spacecraftID & 0x3FF
        self.virtualChannelID = virtualChannelID & 0x3F
        buffer = [UInt8](repeating: 0, count: 2 * TCFrame.maxSize)
    }

    /// Bytes held while waiting for the rest of a frame.
    public var bytesPending: Int { end - start }

    /// Feeds bytes from the link; calls `deliver` with each valid frame (a view valid only
    /// during the call).
    public mutating func ingest(_ bytes: UnsafeRawBufferPointer, deliver: (TCFrame) -> Void) {
        var offset = 0
        while offset < bytes.count {
            compact()
            let n = min(bytes.count - offset, buffer.count - end)
            if n == 0 {
                // Cannot happen while frames are at most half the buffer: a full buffer always
                // holds either a whole frame or a byte to skip. Kept as a bound, not a trap.
                counts.overflowBytes += bytes.count - offset
                return
            }
            let at = end
            buffer.withUnsafeMutableBytes { b in
                (b.baseAddress.unsafelyUnwrapped + at).copyMemory(
                    from: bytes.baseAddress.unsafelyUnwrapped + offset, byteCount: n)
            }
            end += n
            offset += n
            scan(deliver: deliver)
        }
    }

    /// Drops the bytes held (counted as skipped): for a new connection, whose stream must not
    /// continue the old one's partial frame.
    public mutating func reset() {
        counts.bytesSkipped += end - start
        start = 0
        end = 0
    }

    /// Skips one held byte and scans again: for when a plausible header (possibly garbage)
    /// claims more bytes than have come for a while, so that a real frame behind it is not
    /// held up until the stream happens to supply the claimed length.
    public mutating func resynchronize(deliver: (TCFrame) -> Void) {
        guard end > start else { return }
        counts.bytesSkipped += 1
        start += 1
        scan(deliver: deliver)
    }

    mutating func compact() {
        guard start > 0 else { return }
        let (s, e) = (start, end)
        buffer.withUnsafeMutableBytes { b in
            if e > s { b.baseAddress.unsafelyUnwrapped.copyMemory(from: b.baseAddress.unsafelyUnwrapped + s, byteCount: e - s) }
        }
        end -= start
        start = 0
    }

    mutating func scan(deliver: (TCFrame) -> Void) {
        while end - start >= TCFrame.headerSize {
            let (s, e) = (start, end)
            let step: Int? = buffer.withUnsafeBytes { b in
                let window = UnsafeRawBufferPointer(rebasing: b[s..<e])
                let w1 = UInt16(window[0]) << 8 | UInt16(window[1])
                let w2 = UInt16(window[2]) << 8 | UInt16(window[3])
                let length = Int(w2 & 0x3FF) + 1
                let version = w1 >> 14
                let spare = (w1 >> 10) & 0b11
                guard version == 0, spare == 0, w1 & 0x3FF == spacecraftID, UInt8(truncatingIfNeeded: w2 >> 10) == virtualChannelID,
                    length > TCFrame.overhead
                else {
                    // Not a frame start: a keep-alive (or the start of one), else skip one byte.
                    let k = Self.keepAlive
                    let n = min(window.count, k.count)
                    var i = 0
                    while i < n && window[i] == k[i] { i += 1 }
                    if i == k.count { return -2 }
                    if i == window.count { return nil }  // a keep-alive's first bytes: wait
                    return 0
                }
                guard length <= window.count else { return nil }  // wait for more bytes
                guard let frame = try? TCFrame.decode(UnsafeRawBufferPointer(rebasing: window[0..<length])) else {
                    return -1  // CRC mismatch: skip one byte
                }
                deliver(frame)
                return length
            }
            guard let step else { return }
            switch step {
            case 0:
                counts.bytesSkipped += 1
                start += 1
            case -2:
                counts.keepAlives += 1
                start += Self.keepAlive.count
            case -1:
                counts.crcMismatches += 1
                counts.bytesSkipped += 1
                start += 1
            default:
                counts.frames += 1
                start += step
            }
        }
    }
}
