public import FlightCore

/// F Prime packet layouts (F Prime 4 / fprime-gds 4.4.1), carried as the data field of a
/// Space Packet whose APID is the descriptor:
///
/// | packet    | fields (big-endian)                                                |
/// |-----------|--------------------------------------------------------------------|
/// | command   | descriptor U16 = 0, opcode U32, arguments (serialised values)      |
/// | telemetry | descriptor U16 = 1, channel id U32, time (11 bytes), value         |
/// | event     | descriptor U16 = 2, event id U32, time (11 bytes), arguments       |
///
/// The trailing bytes (arguments, value) are each value serialised in turn, F Prime style;
/// their types come from the dictionary, so here they stay bytes.
public enum FPrimePacket {
    case command(opcode: Opcode, arguments: UnsafeRawBufferPointer)
    case telemetry(channel: ChannelID, time: FlightTime, value: UnsafeRawBufferPointer)
    case event(event: EventID, time: FlightTime, arguments: UnsafeRawBufferPointer)
    /// Any other descriptor (file, handshake, ...) and what follows it.
    case other(descriptor: FPrimePacketDescriptor, body: UnsafeRawBufferPointer)

    public var descriptor: FPrimePacketDescriptor {
        switch self {
        case .command: .command
        case .telemetry: .telemetry
        case .event: .log
        case .other(let d, _): d
        }
    }

    /// Decodes a packet (a Space Packet's data field). The views point into `bytes`.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(FPrimePacketError) -> FPrimePacket {
        var r = ByteReader(bytes)
        guard let d = r.read(UInt16.self) else { throw .truncated(needed: 2, have: bytes.count) }
        let descriptor = FPrimePacketDescriptor(rawValue: d)
        switch descriptor {
        case .command:
            guard let op = r.read(UInt32.self) else { throw .truncated(needed: 6, have: bytes.count) }
            return .command(opcode: Opcode(op), arguments: rest(bytes, r))
        case .telemetry, .log:
            let needed = 6 + FlightTime.wireSize
            guard let id = r.read(UInt32.self), let time = FlightTime.decode(from: &r) else {
                throw .truncated(needed: needed, have: bytes.count)
            }
            return descriptor == .telemetry
                ? .telemetry(channel: ChannelID(id), time: time, value: rest(bytes, r))
                : .event(event: EventID(id), time: time, arguments: rest(bytes, r))
        default:
            return .other(descriptor: descriptor, body: rest(bytes, r))
        }
    }

    static func rest(_ bytes: UnsafeRawBufferPointer, _ r: ByteReader) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[r.offset...])
    }

    /// Writes the packet; returns the bytes written.
    @discardableResult
    public func encode(into output: UnsafeMutableRawBufferPointer) throws(FPrimePacketError) -> Int {
        var w = ByteWriter(output)
        w.write(descriptor.rawValue)
        switch self {
        case .command(let op, let args):
            w.write(op.rawValue)
            w.write(bytes: args)
        case .telemetry(let id, let time, let value):
            w.write(id.rawValue)
            time.encode(into: &w)
            w.write(bytes: value)
        case .event(let id, let time, let args):
            w.write(id.rawValue)
            time.encode(into: &w)
            w.write(bytes: args)
        case .other(_, let body):
            w.write(bytes: body)
        }
        guard !w.overflowed else { throw .outputTooSmall }
        return w.count
    }

    /// Writes the packet inside a Space Packet (APID = descriptor; telemetry type for
    /// downlink packets, telecommand for commands) with the sequencer's next count for that
    /// APID. Returns the Space Packet's length.
    @discardableResult
    public func encodeSpacePacket(
        sequencer: inout SpacePacketSequencer, into output: UnsafeMutableRawBufferPointer
    ) throws(FPrimePacketError) -> Int {
        guard output.count > SpacePacketHeader.size else { throw .outputTooSmall }
        let body = UnsafeMutableRawBufferPointer(rebasing: output[SpacePacketHeader.size...])
        let n = try encode(into: body)
        let apid = descriptor.apid
        guard let header = try? SpacePacketHeader(
            type: descriptor == .command ? .telecommand : .telemetry, apid: apid,
            sequenceCount: sequencer.next(for: apid), dataLength: n)
        else { throw .outputTooSmall }  // only a body over 64 KiB gets here
        var w = ByteWriter(UnsafeMutableRawBufferPointer(rebasing: output[0..<SpacePacketHeader.size]))
        header.encode(into: &w)
        return header.packetLength
    }
}
