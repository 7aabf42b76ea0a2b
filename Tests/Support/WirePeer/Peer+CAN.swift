import FlightWire

extension Peer {
    func canPlan(_ out: inout [String]) {
        for m in RegolithCAN.messages {
            out.append("msg \(m.id) \(m.name) \(m.length) \(m.sender)")
            for s in m.signals {
                out.append(
                    "sig \(s.name) \(s.startBit) \(s.length) \(s.isSigned ? 1 : 0) \(s.factor) \(s.offset) "
                        + "\(s.minimum) \(s.maximum) \(s.unit.isEmpty ? "-" : s.unit)")
            }
        }
    }

    func canEncode(_ a: [Substring], _ out: inout [String]) throws(PeerError) {
        guard let name = a.first, let m = RegolithCAN.messages.first(where: { $0.name == name }) else {
            throw .usage("unknown message")
        }
        var values: [(String, Double)] = []
        for kv in a.dropFirst() {
            let parts = kv.split(separator: "=")
            guard parts.count == 2, let v = Double(parts[1]) else { throw .usage("bad SIGNAL=VALUE \(kv)") }
            values.append((String(parts[0]), v))
        }
        let f = m.frame(values)
        out.append("\(f.id.rawValue) \(hexString(f.data))")
    }

    mutating func isotpOpen(_ a: [Substring], _ out: inout [String]) throws(PeerError) {
        guard a.count == 4 else { throw .usage("isotp-open DL PADDING BS STMIN_US") }
        let pad: Int = try int(a[1])
        let config = ISOTPConfiguration(
            txDataLength: try int(a[0]), padding: pad < 0 ? nil : UInt8(truncatingIfNeeded: pad), blockSize: try int(a[2]),
            separationTime: .microseconds(try int(a[3], Int.self)))
        do {
            isotpSender = try ISOTPSender(configuration: config)
            isotpReceiver = try ISOTPReceiver(configuration: config)
        } catch { throw .failed("\(error)") }
    }

    mutating func isotpStep(_ cmd: String, _ a: [Substring], _ out: inout [String]) throws(PeerError) {
        guard var s = isotpSender, var r = isotpReceiver else { throw .usage("isotp-open first") }
        let now = Duration.nanoseconds(try int(a.first, Int64.self))
        switch cmd {
        case "isotp-send":
            let payload = try data(a.count > 1 ? a[1] : nil)
            do { try payload.withUnsafeBytes { try s.start($0, now: now) } } catch { throw .failed("\(error)") }
        case "isotp-rx":
            let frame = try data(a.count > 1 ? a[1] : nil)
            frame.withUnsafeBytes { f in
                s.receive(f, now: now)
                r.receive(f, now: now, send: { out.append("tx \(hexString($0))") }, deliver: { out.append("msg \(hexString($0))") })
            }
        default:
            break
        }
        s.poll(now: now) { out.append("tx \(hexString($0))") }
        r.poll(now: now)
        let c = r.counts
        out.append(
            "state \(s.state) seqerr=\(c.sequenceErrors) timeouts=\(c.timeouts) overflow=\(c.overflows) "
                + "malformed=\(c.malformedFrames) messages=\(c.messages)")
        isotpSender = s
        isotpReceiver = r
    }
}
