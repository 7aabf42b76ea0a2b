public import FlightWire

/// Encodes and decodes single SLCAN lines. Lines are given and produced without their CR;
/// ``SLCANLineReader`` splits a byte stream into lines. Nothing here allocates, and nothing a
/// device or host sends can make it trap: every malformed line comes back as a
/// ``SLCANDecodeError``.
public enum SLCANCodec {
    // MARK: Encoding

    /// Writes `frame` as a transmit line (host to adapter) or a received-frame line (adapter to
    /// host, with `timestamp` when timestamps are on), followed by CR. Returns the bytes
    /// written, or nil when the frame has no SLCAN form (an error frame) or `output` is too
    /// small (``SLCAN/maxLineLength`` + 1 always suffices).
    public static func encode(
        _ frame: CANFrame, timestamp: UInt16? = nil, into output: UnsafeMutableRawBufferPointer
    ) -> Int? {
        guard !frame.isError else { return nil }
        let ext = frame.id.isExtended
        let type: UInt8
        if frame.isFD {
            type = frame.bitRateSwitch ? (ext ? 0x42 : 0x62) : (ext ? 0x44 : 0x64)  // B b D d
        } else if frame.isRemote {
            type = ext ? 0x52 : 0x72  // R r
        } else {
            type = ext ? 0x54 : 0x74  // T t
        }
        let idDigits = ext ? 8 : 3
        let dataBytes = frame.isRemote ? 0 : frame.count
        let needed = 1 + idDigits + 1 + 2 * dataBytes + (timestamp == nil ? 0 : 4) + 1
        guard output.count >= needed else { return nil }
        var i = 0
        output[i] = type
        i += 1
        putHex(UInt32(frame.id.rawValue), digits: idDigits, into: output, at: &i)
        output[i] = frame.isFD ? hexDigit(frame.dlc) : 0x30 + UInt8(frame.count)
        i += 1
        frame.withUnsafeBytes { data in
            for b in data { putHex(UInt32(b), digits: 2, into: output, at: &i) }
        }
        if let timestamp { putHex(UInt32(timestamp), digits: 4, into: output, at: &i) }
        output[i] = SLCAN.carriageReturn
        return i + 1
    }

    /// Writes a host command and its CR. Returns the bytes written, or nil when `output` is too
    /// small or the command has no SLCAN form.
    public static func encode(_ command: SLCANCommand, into output: UnsafeMutableRawBufferPointer) -> Int? {
        if case .transmit(let frame) = command { return encode(frame, into: output) }
        var scratch: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &scratch) { s -> Int? in
            var n = 0
            func put(_ b: UInt8) { s[n] = b; n += 1 }
            switch command {
            case .empty: break
            case .close: put(0x43)
            case .open: put(0x4F)
            case .listenOnly: put(0x4C)
            case .bitrate(let b): put(0x53); put(0x30 + b.code)
            case .bitTiming(let btr0, let btr1):
                put(0x73)
                put(hexDigit(btr0 >> 4)); put(hexDigit(btr0 & 0xF))
                put(hexDigit(btr1 >> 4)); put(hexDigit(btr1 & 0xF))
            case .dataBitrate(let d):
                guard d <= 9 else { return nil }
                put(0x59); put(0x30 + d)
            case .timestamps(let on): put(0x5A); put(on ? 0x31 : 0x30)
            case .readStatusFlags: put(0x46)
            case .version: put(0x56)
            case .serialNumber: put(0x4E)
            case .transmit: return nil
            }
            put(SLCAN.carriageReturn)
            guard output.count >= n else { return nil }
            for k in 0..<n { output[k] = s[k] }
            return n
        }
    }

    /// Writes an adapter reply line with its terminator (BELL for ``SLCANReply/error``, CR
    /// otherwise). Returns the bytes written, or nil when `output` is too small.
    public static func encode(_ reply: SLCANReply, into output: UnsafeMutableRawBufferPointer) -> Int? {
        switch reply {
        case .frame(let f, let ts): return encode(f, timestamp: ts, into: output)
        case .error:
            guard output.count >= 1 else { return nil }
            output[0] = SLCAN.bell
            return 1
        default: break
        }
        guard output.count >= 12 else { return nil }
        var i = 0
        func put(_ b: UInt8) { output[i] = b; i += 1 }
        switch reply {
        case .ok, .error, .frame: break
        case .transmitted(let ext): put(ext ? 0x5A : 0x7A)
        case .statusFlags(let f): put(0x46); putHex(UInt32(f.rawValue), digits: 2, into: output, at: &i)
        case .version(let hw, let sw):
            put(0x56)
            put(0x30 + (hw / 10) % 10); put(0x30 + hw % 10)
            put(0x30 + (sw / 10) % 10); put(0x30 + sw % 10)
        case .serialNumber(let n):
            put(0x4E)
            for shift in stride(from: 24 as UInt32, through: 0, by: -8) { put(UInt8(truncatingIfNeeded: n >> shift)) }
        case .controllerState(let s, let rx, let tx):
            put(0x73); put(s.rawValue)
            putDecimal3(rx, into: output, at: &i)
            putDecimal3(tx, into: output, at: &i)
        case .busErrors(let e):
            put(0x65)
            var n: UInt8 = 0
            for (flag, _) in SLCANBusErrors.letters where e.contains(flag) { n += 1 }
            put(0x30 + n)
            for (flag, letter) in SLCANBusErrors.letters where e.contains(flag) { put(letter) }
        }
        put(SLCAN.carriageReturn)
        return i
    }

    // MARK: Digits

    @inline(__always) static func hexDigit(_ v: UInt8) -> UInt8 {
        let n = v & 0xF
        return n < 10 ? 0x30 + n : 0x41 + n - 10
    }

    static func putHex(_ value: UInt32, digits: Int, into out: UnsafeMutableRawBufferPointer, at i: inout Int) {
        var shift = 4 * (digits - 1)
        while shift >= 0 {
            out[i] = hexDigit(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
            i += 1
            shift -= 4
        }
    }

    static func putDecimal3(_ value: UInt16, into out: UnsafeMutableRawBufferPointer, at i: inout Int) {
        let v = min(value, 999)
        out[i] = 0x30 + UInt8(v / 100)
        out[i + 1] = 0x30 + UInt8(v / 10 % 10)
        out[i + 2] = 0x30 + UInt8(v % 10)
        i += 3
    }

    /// The value of `count` hex digits (either case) at `start`, or nil.
    static func hexValue(_ line: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> UInt32? {
        guard start >= 0, count > 0, count <= 8, start + count <= line.count else { return nil }
        var v: UInt32 = 0
        for k in start..<(start + count) {
            let c = line[k]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// The value of `count` decimal digits at `start`, or nil.
    static func decimalValue(_ line: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> UInt32? {
        guard start >= 0, count > 0, count <= 9, start + count <= line.count else { return nil }
        var v: UInt32 = 0
        for k in start..<(start + count) {
            let c = line[k]
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + UInt32(c - 0x30)
        }
        return v
    }
}
