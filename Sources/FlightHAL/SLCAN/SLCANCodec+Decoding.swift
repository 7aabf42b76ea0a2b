public import FlightWire

/// Decoding single SLCAN lines (see ``SLCANCodec``).
extension SLCANCodec {
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
}
