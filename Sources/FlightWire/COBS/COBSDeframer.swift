import FlightCore

/// Finds COBS+CRC frames (``COBSFrame``) in a byte stream that may be cut, corrupted or full of
/// garbage, and hands on each intact payload.
///
/// It decodes as bytes arrive into one buffer allocated at init (capacity: the longest payload
/// plus the CRC), so `ingest` never allocates. Every zero byte ends a frame; whatever went
/// wrong before it, the next byte starts afresh, so one bad frame costs only itself. Each
/// rejected frame is counted by its reason.
public struct COBSDeframer {
    /// Why a frame was thrown away.
    public enum Rejection: Int, CaseIterable, Sendable {
        /// More bytes than the longest frame arrived before a delimiter.
        case oversize
        /// A COBS block ran past the delimiter (bytes lost, or a corrupted code byte).
        case malformedEncoding
        /// Fewer decoded bytes than the 4-byte CRC.
        case tooShort
        /// The CRC-32C does not match the payload.
        case crcMismatch
    }

    public struct Counts: Equatable, Sendable {
        public var frames = 0
        /// Empty frames (two delimiters in a row): normal, since every frame starts with one.
        public var empty = 0
        public var oversize = 0
        public var malformedEncoding = 0
        public var tooShort = 0
        public var crcMismatch = 0

        public var rejected: Int { oversize + malformedEncoding + tooShort + crcMismatch }

        public subscript(reason: Rejection) -> Int {
            switch reason {
            case .oversize: oversize
            case .malformedEncoding: malformedEncoding
            case .tooShort: tooShort
            case .crcMismatch: crcMismatch
            }
        }

        mutating func count(_ reason: Rejection) {
            switch reason {
            case .oversize: oversize += 1
            case .malformedEncoding: malformedEncoding += 1
            case .tooShort: tooShort += 1
            case .crcMismatch: crcMismatch += 1
            }
        }
    }

    public private(set) var counts = Counts()
    public let maxPayload: Int
    var buffer: [UInt8]
    var count = 0
    /// Data bytes left in the current COBS block; 0 means the next byte is a code byte.
    var blockLeft = 0
    /// The current block's code was below 255, so a zero follows it unless the frame ends.
    var zeroPending = false
    var started = false
    var discarding = false

    public init(maxPayload: Int) {
        self.maxPayload = max(0, maxPayload)
        buffer = [UInt8](repeating: 0, count: self.maxPayload + COBSFrame.crcSize)
    }

    /// Feeds bytes from the link; calls `deliver` with each intact payload (a view valid only
    /// during the call).
    public mutating func ingest(_ bytes: UnsafeRawBufferPointer, deliver: (UnsafeRawBufferPointer) -> Void) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0 {
                endFrame(deliver: deliver)
                i += 1
                continue
            }
            if discarding {
                i += 1
                continue
            }
            started = true
            if blockLeft == 0 {
                i += 1
                if zeroPending, !append(0) { continue }
                blockLeft = Int(b) - 1
                zeroPending = b != 0xFF
                continue
            }
            // A run of data bytes: up to the end of the block, stopping early at a zero
            // (a delimiter inside a block: the frame was cut, which endFrame will report).
            let limit = min(n, i + blockLeft)
            let j = firstZero(bytes, from: i + 1, to: limit)
            blockLeft -= j - i
            appendRun(UnsafeRawBufferPointer(rebasing: bytes[i..<j]))
            i = j
        }
    }

    mutating func appendRun(_ run: UnsafeRawBufferPointer) {
        guard run.count <= buffer.count - count else {
            reject(.oversize)
            discarding = true
            return
        }
        let at = count
        buffer.withUnsafeMutableBytes { b in
            (b.baseAddress.unsafelyUnwrapped + at).copyMemory(from: run.baseAddress.unsafelyUnwrapped, byteCount: run.count)
        }
        count += run.count
    }

    /// Bytes of a frame in progress (for tests and telemetry).
    public var bytesPending: Int { count }

    mutating func append(_ b: UInt8) -> Bool {
        guard count < buffer.count else {
            reject(.oversize)
            discarding = true
            return false
        }
        buffer[count] = b
        count += 1
        return true
    }

    mutating func reject(_ reason: Rejection) { counts.count(reason) }

    mutating func endFrame(deliver: (UnsafeRawBufferPointer) -> Void) {
        defer {
            count = 0
            blockLeft = 0
            zeroPending = false
            started = false
            discarding = false
        }
        if discarding { return }
        guard started else {
            counts.empty += 1
            return
        }
        guard blockLeft == 0 else { return reject(.malformedEncoding) }
        guard count >= COBSFrame.crcSize else { return reject(.tooShort) }
        let n = count - COBSFrame.crcSize
        let ok = buffer.withUnsafeBytes { b -> Bool in
            let sent = UInt32(b[n]) << 24 | UInt32(b[n + 1]) << 16 | UInt32(b[n + 2]) << 8 | UInt32(b[n + 3])
            return sent == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[0..<n]))
        }
        guard ok else { return reject(.crcMismatch) }
        counts.frames += 1
        buffer.withUnsafeBytes { deliver(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }
}
