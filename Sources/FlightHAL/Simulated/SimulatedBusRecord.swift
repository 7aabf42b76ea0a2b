public import FlightWire

/// How a frame travels between the processes of the cross-process simulated bus: one
/// `SOCK_SEQPACKET` record per frame (the socket keeps record boundaries), a 16-byte header
/// and then the frame in SocketCAN's layout. All header fields are little-endian.
///
///     offset size  field
///      0     1     version: 1
///      1     1     flags: bit 0 set = CAN FD (a 72-byte canfd_frame follows, else a 16-byte
///                  can_frame); other bits 0
///      2     2     length of the frame that follows: 16 or 72
///      4     4     sequence: the sending link's record number, from 0, wrapping
///      8     8     timestamp: the sender's clock when it sent, nanoseconds
///     16    16|72  struct can_frame / struct canfd_frame (can_id with EFF/RTR/ERR flags,
///                  len, flags, data), as `CANFrame.encodeSocketCAN` writes it
///
/// A record of 32 or 88 bytes. Anything else is malformed and is counted and skipped.
public enum SimulatedBusRecord {
    public static let version: UInt8 = 1
    public static let headerSize = 16
    public static let maxSize = 16 + 72

    public struct Header: Hashable, Sendable {
        public var sequence: UInt32
        public var timestamp: UInt64

        public init(sequence: UInt32, timestamp: UInt64) {
            self.sequence = sequence
            self.timestamp = timestamp
        }
    }

    /// Writes the record for `frame` into `out` (at least ``maxSize`` bytes); returns its size.
    public static func encode(_ frame: CANFrame, sequence: UInt32, timestamp: UInt64, into out: UnsafeMutableRawBufferPointer) -> Int {
        let n = frame.encodeSocketCAN(into: UnsafeMutableRawBufferPointer(rebasing: out[headerSize...]))!
        out[0] = version
        out[1] = frame.isFD ? 1 : 0
        out.storeBytes(of: UInt16(n).littleEndian, toByteOffset: 2, as: UInt16.self)
        out.storeBytes(of: sequence.littleEndian, toByteOffset: 4, as: UInt32.self)
        out.storeBytes(of: timestamp.littleEndian, toByteOffset: 8, as: UInt64.self)
        return headerSize + n
    }

    /// Checks a record's header (version, flags, lengths) without decoding the frame.
    public static func isWellFormed(_ record: UnsafeRawBufferPointer) -> Bool {
        guard record.count >= headerSize, record[0] == version, record[1] & ~1 == 0 else { return false }
        let n = Int(UInt16(littleEndian: record.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        return n == (record[1] & 1 != 0 ? 72 : 16) && record.count == headerSize + n
    }

    /// The frame and header of a record, or nil when it is malformed.
    public static func decode(_ record: UnsafeRawBufferPointer) -> (CANFrame, Header)? {
        guard isWellFormed(record) else { return nil }
        guard let f = try? CANFrame.decodeSocketCAN(UnsafeRawBufferPointer(rebasing: record[headerSize...])) else { return nil }
        let h = Header(
            sequence: UInt32(littleEndian: record.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
            timestamp: UInt64(littleEndian: record.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        return (f, h)
    }
}
