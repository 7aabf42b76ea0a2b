import FlightCore
import FlightWire

extension Peer {
    func spEncode(_ a: [Substring], _ out: inout [String]) throws(PeerError) {
        let payload = try data(a.count > 5 ? a[5] : nil)
        guard let flags = SpacePacketHeader.SequenceFlags(rawValue: try int(a.count > 3 ? a[3] : nil)) else {
            throw .usage("sequence flags")
        }
        let type: SpacePacketHeader.PacketType = try int(a.first, UInt8.self) == 1 ? .telecommand : .telemetry
        var buf = [UInt8](repeating: 0, count: payload.count + 6)
        do {
            let header = try SpacePacketHeader(
                type: type, hasSecondaryHeader: try int(a[1], UInt8.self) == 1, apid: try int(a[2]),
                sequenceFlags: flags, sequenceCount: try int(a[4]), dataLength: payload.count)
            try buf.withUnsafeMutableBytes { o in
                try payload.withUnsafeBytes { _ = try SpacePacket.encode(header: header, dataField: $0, into: o) }
            }
        } catch { throw .failed("\(error)") }
        out.append(hexString(buf))
    }

    func spDecode(_ a: [Substring], _ out: inout [String]) throws(PeerError) {
        let b = try data(a.first)
        do {
            try b.withUnsafeBytes { raw in
                let p = try SpacePacket.decode(raw, exact: true)
                let h = p.header
                out.append(
                    "ok \(h.type.rawValue) \(h.hasSecondaryHeader ? 1 : 0) \(h.apid) \(h.sequenceFlags.rawValue) "
                        + "\(h.sequenceCount) \(hexString(p.dataField))")
            }
        } catch { throw .failed("\(error)") }
    }

    func tcEncode(_ a: [Substring], _ out: inout [String]) throws(PeerError) {
        let payload = try data(a.count > 2 ? a[2] : nil)
        var buf = [UInt8](repeating: 0, count: payload.count + TCFrame.overhead)
        let scid: UInt16 = try int(a.first)
        let vcid: UInt8 = try int(a.count > 1 ? a[1] : nil)
        do {
            try buf.withUnsafeMutableBytes { o in
                try payload.withUnsafeBytes {
                    _ = try TCFrame(spacecraftID: scid, virtualChannelID: vcid, dataField: $0).encode(into: o)
                }
            }
        } catch { throw .failed("\(error)") }
        out.append(hexString(buf))
    }

    func tcDecode(_ a: [Substring], _ out: inout [String]) throws(PeerError) {
        let b = try data(a.first)
        do {
            try b.withUnsafeBytes { raw in
                let f = try TCFrame.decode(raw)
                guard f.length == raw.count else { throw TransferFrameError.frameLength(raw.count) }
                out.append(
                    "ok \(f.spacecraftID) \(f.virtualChannelID) \(f.bypass ? 1 : 0) \(f.controlCommand ? 1 : 0) "
                        + "\(f.sequence) \(hexString(f.dataField))")
            }
        } catch { throw .failed("\(error)") }
    }

    func tcStream(_ a: [Substring], _ out: inout [String]) throws(PeerError) {
        var acc = TCFrameAccumulator(spacecraftID: try int(a.first), virtualChannelID: try int(a.count > 1 ? a[1] : nil))
        for chunk in a.dropFirst(2) {
            let b = try data(chunk)
            b.withUnsafeBytes { acc.ingest($0) { out.append("frame \(hexString($0.dataField))") } }
        }
        let c = acc.counts
        out.append("counts frames=\(c.frames) skipped=\(c.bytesSkipped) crc=\(c.crcMismatches)")
    }

    func tmFrame(_ a: [Substring], _ out: inout [String]) throws(PeerError) {
        guard a.count >= 3 else { throw .usage("tm-frame SCID VCID SIZE PACKET...") }
        let config = DataLinkConfiguration(spacecraftID: try int(a[0]), virtualChannelID: try int(a[1]), tmFrameSize: try int(a[2]))
        var framer: TMFramer
        do { framer = try TMFramer(configuration: config) } catch { throw .failed("\(error)") }
        for p in a.dropFirst(3) {
            let packet = try data(p)
            packet.withUnsafeBytes { framer.append(packet: $0) { out.append(hexString($0)) } }
        }
        framer.flush { out.append(hexString($0)) }
    }

    func tmDecode(_ a: [Substring], _ out: inout [String]) throws(PeerError) {
        let size: Int = try int(a.first)
        var r = TMPacketReassembler()
        for f in a.dropFirst() {
            let frame = try data(f)
            do {
                try frame.withUnsafeBytes { raw in
                    let tm = try TMFrame.decode(raw, frameSize: size)
                    r.accept(tm) { p in
                        var whole = [UInt8](repeating: 0, count: p.header.packetLength)
                        whole.withUnsafeMutableBytes { o in
                            _ = try? SpacePacket.encode(header: p.header, dataField: p.dataField, into: o)
                        }
                        out.append("packet \(hexString(whole))")
                    }
                }
            } catch { out.append("rejected \(error)") }
        }
        let c = r.counts
        out.append("counts frames=\(c.frames) gaps=\(c.frameGaps) dropped=\(c.partialPacketsDropped) idle=\(c.idlePackets)")
    }

    mutating func fpEncode(_ cmd: String, _ a: [Substring], _ out: inout [String]) throws(PeerError) {
        var buf = [UInt8](repeating: 0, count: 70_000)
        let n: Int
        do {
            if cmd == "fp-command" {
                let args = try data(a.count > 1 ? a[1] : nil)
                let op: UInt32 = try int(a.first)
                n = try buf.withUnsafeMutableBytes { o in
                    try args.withUnsafeBytes {
                        try FPrimePacket.command(opcode: Opcode(op), arguments: $0)
                            .encodeSpacePacket(sequencer: &sequencer, into: o)
                    }
                }
            } else {
                guard a.count == 6 else { throw PeerError.usage("\(cmd) ID BASE CTX SEC USEC BYTES") }
                let id: UInt32 = try int(a[0])
                let time = FlightTime(
                    base: TimeBase(rawValue: try int(a[1])), context: try int(a[2]), seconds: try int(a[3]),
                    microseconds: try int(a[4]))
                let body = try data(a[5])
                n = try buf.withUnsafeMutableBytes { o in
                    try body.withUnsafeBytes {
                        let p: FPrimePacket = cmd == "fp-telemetry"
                            ? .telemetry(channel: ChannelID(id), time: time, value: $0)
                            : .event(event: EventID(id), time: time, arguments: $0)
                        return try p.encodeSpacePacket(sequencer: &sequencer, into: o)
                    }
                }
            }
        } catch let e as PeerError { throw e } catch { throw .failed("\(error)") }
        out.append(hexString(buf[0..<n]))
    }

    func fpDecode(_ a: [Substring], _ out: inout [String]) throws(PeerError) {
        let b = try data(a.first)
        do {
            try b.withUnsafeBytes { raw in
                switch try FPrimePacket.decode(raw) {
                case .command(let op, let args): out.append("command \(op.rawValue) \(hexString(args))")
                case .telemetry(let id, let t, let v):
                    out.append("telemetry \(id.rawValue) \(t.base.rawValue) \(t.context) \(t.seconds) \(t.microseconds) \(hexString(v))")
                case .event(let id, let t, let v):
                    out.append("event \(id.rawValue) \(t.base.rawValue) \(t.context) \(t.seconds) \(t.microseconds) \(hexString(v))")
                case .other(let d, let body): out.append("other \(d.rawValue) \(hexString(body))")
                }
            }
        } catch { throw .failed("\(error)") }
    }
}
