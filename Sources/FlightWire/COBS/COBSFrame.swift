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
        if leadingDelimiter { output[0] = 0 }
        // Payload then CRC as one COBS stream, without first copying them together.
        var e = COBSEncoder(output: output, at: leadingDelimiter ? 1 : 0)
        e.feed(payload)
        withUnsafeBytes(of: crc.bigEndian) { e.feed($0) }
        let out = e.finish()
        output[out] = 0
        return out + 1
    }
}
