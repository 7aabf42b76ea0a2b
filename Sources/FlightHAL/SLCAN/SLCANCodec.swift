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

    // MARK: Decoding

    /// Decodes one line an adapter sent (without its CR; a BELL is reported by the line reader,
    /// not here). An empty line is ``SLCANReply/ok``.
    public static func decodeReply(_ line: UnsafeRawBufferPointer) -> Result<SLCANReply, SLCANDecodeError> {
        guard let first = line.first else { return .success(.ok) }
        switch first {
        case 0x7A, 0x5A:  // z Z
            guard line.count == 1 else { return .failure(.wrongLength) }
            return .success(.transmitted(extended: first == 0x5A))
        case 0x46:  // F
            guard line.count == 3 else { return .failure(.wrongLength) }
            guard let v = hexValue(line, 1, 2) else { return .failure(.notHex) }
            return .success(.statusFlags(SLCANStatusFlags(rawValue: UInt8(v))))
        case 0x56:  // V
            guard line.count == 5 else { return .failure(.wrongLength) }
            guard let hw = decimalValue(line, 1, 2), let sw = decimalValue(line, 3, 2) else { return .failure(.notHex) }
            return .success(.version(hardware: UInt8(hw), software: UInt8(sw)))
        case 0x4E:  // N
            guard line.count == 5 else { return .failure(.wrongLength) }
            var n: UInt32 = 0
            for k in 1..<5 { n = n << 8 | UInt32(line[k]) }
            return .success(.serialNumber(n))
        case 0x73:  // s: state, rx counter, tx counter (Linux 6.x)
            guard line.count == 8 else { return .failure(.wrongLength) }
            guard let state = SLCANControllerState(rawValue: line[1]) else { return .failure(.unknownCommand(line[1])) }
            guard let rx = decimalValue(line, 2, 3), let tx = decimalValue(line, 5, 3) else { return .failure(.notHex) }
            return .success(.controllerState(state, receiveErrors: UInt16(rx), transmitErrors: UInt16(tx)))
        case 0x65:  // e: count, then that many letters (Linux 6.x)
            guard line.count >= 2, let n = decimalValue(line, 1, 1), n <= 8 else { return .failure(.wrongLength) }
            guard line.count == 2 + Int(n) else { return .failure(.wrongLength) }
            var errors = SLCANBusErrors()
            for k in 2..<line.count {
                guard let (flag, _) = SLCANBusErrors.letters.first(where: { $0.1 == line[k] }) else {
                    return .failure(.unknownCommand(line[k]))
                }
                errors.insert(flag)
            }
            return .success(.busErrors(errors))
        default:
            return decodeFrame(line, timestampAllowed: true).map { .frame($0.0, timestamp: $0.1) }
        }
    }

    /// Decodes one line a host sent (without its CR).
    public static func decodeCommand(_ line: UnsafeRawBufferPointer) -> Result<SLCANCommand, SLCANDecodeError> {
        guard let first = line.first else { return .success(.empty) }
        func single(_ c: SLCANCommand) -> Result<SLCANCommand, SLCANDecodeError> {
            line.count == 1 ? .success(c) : .failure(.wrongLength)
        }
        switch first {
        case 0x43: return single(.close)
        case 0x4F: return single(.open)
        case 0x4C: return single(.listenOnly)
        case 0x46: return single(.readStatusFlags)
        case 0x56: return single(.version)
        case 0x4E: return single(.serialNumber)
        case 0x53:  // S
            guard line.count == 2 else { return .failure(.wrongLength) }
            guard line[1] >= 0x30, let b = SLCANBitrate(rawValue: line[1] &- 0x30) else { return .failure(.unsupportedBitrate) }
            return .success(.bitrate(b))
        case 0x73:  // s
            guard line.count == 5 else { return .failure(.wrongLength) }
            guard let v = hexValue(line, 1, 4) else { return .failure(.notHex) }
            return .success(.bitTiming(btr0: UInt8(v >> 8), btr1: UInt8(v & 0xFF)))
        case 0x59:  // Y
            guard line.count == 2 else { return .failure(.wrongLength) }
            guard let d = decimalValue(line, 1, 1) else { return .failure(.unsupportedBitrate) }
            return .success(.dataBitrate(UInt8(d)))
        case 0x5A:  // Z
            guard line.count == 2 else { return .failure(.wrongLength) }
            switch line[1] {
            case 0x30: return .success(.timestamps(false))
            case 0x31: return .success(.timestamps(true))
            default: return .failure(.unknownCommand(line[1]))
            }
        default:
            return decodeFrame(line, timestampAllowed: false).map { .transmit($0.0) }
        }
    }

    /// Decodes a frame line: 't', 'T', 'r', 'R', 'd', 'D', 'b' or 'B', the id in hex (3 or 8
    /// digits), the DLC (one digit; one hex digit for FD), the data in hex (either case), and,
    /// when allowed, a 4-digit hex timestamp. The length must be exactly right.
    public static func decodeFrame(
        _ line: UnsafeRawBufferPointer, timestampAllowed: Bool
    ) -> Result<(CANFrame, UInt16?), SLCANDecodeError> {
        guard let type = line.first else { return .failure(.wrongLength) }
        let ext: Bool, remote: Bool, fd: Bool, brs: Bool
        switch type {
        case 0x74: (ext, remote, fd, brs) = (false, false, false, false)  // t
        case 0x54: (ext, remote, fd, brs) = (true, false, false, false)  // T
        case 0x72: (ext, remote, fd, brs) = (false, true, false, false)  // r
        case 0x52: (ext, remote, fd, brs) = (true, true, false, false)  // R
        case 0x64: (ext, remote, fd, brs) = (false, false, true, false)  // d
        case 0x44: (ext, remote, fd, brs) = (true, false, true, false)  // D
        case 0x62: (ext, remote, fd, brs) = (false, false, true, true)  // b
        case 0x42: (ext, remote, fd, brs) = (true, false, true, true)  // B
        default: return .failure(.unknownCommand(type))
        }
        let idDigits = ext ? 8 : 3
        guard line.count >= 1 + idDigits + 1 else { return .failure(.wrongLength) }
        guard let rawID = hexValue(line, 1, idDigits) else { return .failure(.notHex) }
        let id: CANID
        if ext {
            guard rawID <= CANID.maxExtended else { return .failure(.identifierOutOfRange) }
            id = .extended(rawID)
        } else {
            guard rawID <= UInt32(CANID.maxStandard) else { return .failure(.identifierOutOfRange) }
            id = .standard(UInt16(rawID))
        }
        let dlcIndex = 1 + idDigits
        let length: Int
        if fd {
            guard let dlc = hexValue(line, dlcIndex, 1) else { return .failure(.notHex) }
            length = CANFrame.fdLengths[Int(dlc)]
        } else {
            guard let dlc = decimalValue(line, dlcIndex, 1), dlc <= 8 else { return .failure(.invalidLength) }
            length = Int(dlc)
        }
        let dataStart = dlcIndex + 1
        let dataDigits = remote ? 0 : 2 * length
        let bare = dataStart + dataDigits
        var timestamp: UInt16? = nil
        if line.count == bare + 4, timestampAllowed {
            guard let t = hexValue(line, bare, 4) else { return .failure(.notHex) }
            timestamp = UInt16(t)
        } else if line.count != bare {
            return .failure(.wrongLength)
        }
        if remote {
            guard let f = try? CANFrame.remote(id: id, length: length) else { return .failure(.invalidLength) }
            return .success((f, timestamp))
        }
        var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &bytes) { buf -> Result<(CANFrame, UInt16?), SLCANDecodeError> in
            for k in 0..<length {
                guard let v = hexValue(line, dataStart + 2 * k, 2) else { return .failure(.notHex) }
                buf[k] = UInt8(v)
            }
            guard let f = try? CANFrame(
                id: id, data: UnsafeRawBufferPointer(rebasing: buf[0..<length]), fd: fd, bitRateSwitch: brs)
            else { return .failure(.invalidLength) }
            return .success((f, timestamp))
        }
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
