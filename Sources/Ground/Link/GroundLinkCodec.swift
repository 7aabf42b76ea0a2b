public import FlightCore
public import FlightWire

/// The ground side of the link's framing: commands out as TC frames (signed when a key is
/// set), telemetry and events in from fixed-length TM frames found in a byte stream.
public struct GroundLinkCodec {
    public let configuration: DataLinkConfiguration
    let mac: HMACSHA256?
    /// The next signed command's counter; starts at the ground clock in microseconds since
    /// 1970, so it keeps increasing across ground restarts (see docs/ground.md).
    public private(set) var nextCounter: UInt64
    var sequencer = SpacePacketSequencer()
    var pending: [UInt8] = []
    var reassembler = TMPacketReassembler()

    /// Bytes in the TM stream that did not start a valid frame (resynchronisation).
    public private(set) var bytesSkipped = 0
    public private(set) var frames = 0
    public var reassembly: TMPacketReassembler.Counts { reassembler.counts }

    public init(configuration: DataLinkConfiguration = .fprimeDefault, key: [UInt8]? = nil, firstCounter: UInt64) {
        self.configuration = configuration
        mac = key.map { HMACSHA256(key: $0) }
        nextCounter = max(firstCounter, 1)
    }

    public var isSigning: Bool { mac != nil }

    /// One TC frame carrying the F Prime command `opcode(arguments)`, signed if a key is set.
    public mutating func commandFrame(opcode: Opcode, arguments: [UInt8]) throws -> [UInt8] {
        var command = [UInt8](repeating: 0, count: 6 + arguments.count)
        command.withUnsafeMutableBytes { raw in
            var w = ByteWriter(raw)
            w.write(FPrimePacketDescriptor.command.rawValue)
            w.write(opcode.rawValue)
            w.write(bytes: arguments)
        }
        var field = command
        if let mac {
            field = [UInt8](repeating: 0, count: CommandAuthentication.headerSize + command.count + CommandAuthentication.macSize)
            let counter = nextCounter
            _ = command.withUnsafeBytes { c in field.withUnsafeMutableBytes { CommandAuthentication.seal(command: c, counter: counter, mac: mac, into: $0) } }
            nextCounter += 1
        }
        let header = try SpacePacketHeader(
            type: .telecommand, hasSecondaryHeader: mac != nil, apid: FPrimePacketDescriptor.command.apid,
            sequenceCount: sequencer.next(for: 0), dataLength: field.count)
        var packet = [UInt8](repeating: 0, count: header.packetLength)
        try field.withUnsafeBytes { f in
            try packet.withUnsafeMutableBytes { _ = try SpacePacket.encode(header: header, dataField: f, into: $0) }
        }
        guard packet.count + TCFrame.overhead <= TCFrame.maxSize else {
            throw GroundError.commandTooLong(packet.count + TCFrame.overhead)
        }
        var frame = [UInt8](repeating: 0, count: packet.count + TCFrame.overhead)
        try packet.withUnsafeBytes { p in
            try frame.withUnsafeMutableBytes { out in
                _ = try TCFrame(spacecraftID: configuration.spacecraftID, virtualChannelID: configuration.virtualChannelID, dataField: p).encode(into: out)
            }
        }
        return frame
    }

    /// Feeds received bytes; calls `deliver` with each whole Space Packet (its bytes, a copy).
    public mutating func ingest(_ bytes: UnsafeRawBufferPointer, deliver: ([UInt8]) -> Void) {
        pending.append(contentsOf: bytes)
        let size = configuration.tmFrameSize
        var start = 0
        let (scid, vcid) = (configuration.spacecraftID, configuration.virtualChannelID)
        var frames = 0, skipped = 0
        var r = reassembler
        pending.withUnsafeBytes { buf in
            while buf.count - start >= size {
                let window = UnsafeRawBufferPointer(rebasing: buf[start..<(start + size)])
                guard let frame = try? TMFrame.decode(window, frameSize: size, spacecraftID: scid, virtualChannelID: vcid) else {
                    start += 1
                    skipped += 1
                    continue
                }
                frames += 1
                r.accept(frame) { packet in
                    deliver(Array(packet.dataField).withHeader(packet.header))
                }
                start += size
            }
        }
        reassembler = r
        self.frames += frames
        bytesSkipped += skipped
        pending.removeFirst(start)
    }
}

extension Array where Element == UInt8 {
    /// The Space Packet with this data field under `header`.
    func withHeader(_ header: SpacePacketHeader) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: SpacePacketHeader.size + count)
        out.withUnsafeMutableBytes { raw in
            var w = ByteWriter(UnsafeMutableRawBufferPointer(rebasing: raw[0..<SpacePacketHeader.size]))
            header.encode(into: &w)
        }
        out.replaceSubrange(SpacePacketHeader.size..., with: self)
        return out
    }
}

/// What the ground tools report when they cannot do what was asked.
public enum GroundError: Error, CustomStringConvertible {
    case commandTooLong(Int)
    case unknownCommand(String, suggestions: [String])
    case badArguments(command: String, reason: String)
    case unknownChannel(String)
    case keyFile(path: String, reason: String)
    case linkFailed(String)
    case dictionary(String)

    public var description: String {
        switch self {
        case .commandTooLong(let n): "the command's TC frame would be \(n) bytes; a TC frame holds at most \(TCFrame.maxSize)"
        case .unknownCommand(let n, let s): "no command named '\(n)' in the dictionary" + (s.isEmpty ? "" : "; did you mean \(s.joined(separator: ", "))?")
        case .badArguments(let c, let r): "\(c): \(r)"
        case .unknownChannel(let n): "no telemetry channel named '\(n)' in the dictionary"
        case .keyFile(let p, let r): "key file \(p): \(r)"
        case .linkFailed(let r): r
        case .dictionary(let r): "dictionary: \(r)"
        }
    }
}
