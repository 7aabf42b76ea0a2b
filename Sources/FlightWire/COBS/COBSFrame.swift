import FlightCore

/// Device serial-link framing: `00 | COBS(payload | CRC-32C(payload), big-endian) | 00`.
///
/// The leading delimiter is what lets a receiver recover the frame after one whose trailing
/// delimiter was lost to corruption; back-to-back frames may share one delimiter, and empty
/// frames between delimiters are ignored. See docs/wire.md.
public enum COBSFrame {
    public static let crcSize = 4

    /// Bytes a frame of `payloadCount` bytes can take on the wire, delimiters included.
    public static func maxWireCount(payloadCount: Int) -> Int {
        COBS.maxEncodedCount(payloadCount + crcSize) + 2
    }

    /// Writes one framed payload into `output`; returns the bytes written, or nil when `output`
    /// is shorter than ``maxWireCount(payloadCount:)``. Allocates nothing.
    public static func encode(
        _ payload: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, leadingDelimiter: Bool = true
    ) -> Int? {
        guard output.count >= maxWireCount(payloadCount: payload.count) else { return nil }
        let crc = CRC32C.checksum(payload)
        // Encode payload then CRC as one COBS stream without copying them together: encode the
        // payload, then continue the last block with the CRC bytes.
        var out = leadingDelimiter ? 1 : 0
        if leadingDelimiter { output[0] = 0 }
        var codeAt = out
        out += 1
        var code: UInt8 = 1
        func put(_ b: UInt8) {
            if b == 0 {
                output[codeAt] = code
                codeAt = out
                out += 1
                code = 1
            } else {
                output[out] = b
                out += 1
                code += 1
                if code == 0xFF {
                    output[codeAt] = code
                    codeAt = out
                    out += 1
                    code = 1
                }
            }
        }
        for b in payload { put(b) }
        put(UInt8(truncatingIfNeeded: crc >> 24))
        put(UInt8(truncatingIfNeeded: crc >> 16))
        put(UInt8(truncatingIfNeeded: crc >> 8))
        put(UInt8(truncatingIfNeeded: crc))
        output[codeAt] = code
        output[out] = 0
        return out + 1
    }
}
